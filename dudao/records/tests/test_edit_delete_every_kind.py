"""Every kind of the registry is created, edited and deleted through the same pages: an edit
saves through the kind's rules, a delete needs a reason, and each change leaves an audit
event naming the kind."""

from __future__ import annotations

import pytest

from dudao.core.models import AuditEvent
from dudao.records import actions
from dudao.records.models import Activity, Criticism, KnowledgeTest, Meeting, ProblemFound, Talk

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


def _cases(cast, pa):
    liaison, people = cast.user("liaison"), cast.people
    head, member, secretary = people["head"], people["member"], people["secretary"]
    meeting = actions.record_meeting(
        actor=liaison, participation=pa, kind="forum", date=MONDAY, title="座谈会"
    )
    return [
        (
            "activities",
            actions.record_activity(
                actor=liaison, participation=pa, kind="good_deed", date=MONDAY, description="扶贫"
            ),
            {"kind": "good_deed", "date": "2005-01-31", "description": "扶贫帮困", "count": "2"},
            "count",
            2,
        ),
        (
            "talks",
            actions.record_talk(
                actor=liaison, participation=pa, round_number=1, date=MONDAY,
                form="one_to_one", initiator=head, participants=[member],
            ),
            {"round_number": "2", "date": "2005-01-31", "form": "one_to_one",
             "initiator": head.pk, "participants": [secretary.pk]},
            "round_number",
            2,
        ),
        (
            "problems",
            actions.record_problem(actor=liaison, participation=pa, text="学风不实", person=head),
            {"source": "self", "person": head.pk, "text": "学风不够扎实"},
            "text",
            "学风不够扎实",
        ),
        (
            "criticisms",
            actions.record_criticism(
                actor=liaison, participation=pa, critic=head, target=member, text="工作不细"
            ),
            {"critic": head.pk, "target": member.pk, "meeting": meeting.pk, "text": "工作不够细"},
            "text",
            "工作不够细",
        ),
        (
            "tests",
            actions.record_test(actor=liaison, participation=pa, date=MONDAY, title="百题测试"),
            {"date": "2005-02-01", "title": "百题测试（补）", "full_score": "100",
             "pass_score": "60"},
            "title",
            "百题测试（补）",
        ),
        # Last: the criticism above names this meeting.
        ("meetings", meeting, {"kind": "forum", "date": "2005-01-31", "title": "座谈会（改）",
                               "attendees": "30"}, "title", "座谈会（改）"),
    ]  # fmt: skip


def test_it_edits_and_deletes_every_kind_through_the_same_pages(client, cast, pa):
    client.force_login(cast.user("liaison"))
    for slug, record, form, field, expected in _cases(cast, pa):
        page = "edit/" if slug == "tests" else ""
        url = f"/records/{pa.pk}/{slug}/{record.pk}/{page}"
        assert client.get(url).status_code == 200, slug
        data = {**form, "phase": "study", "version": str(record.version)}
        response = client.post(url, data)
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
        record.refresh_from_db()
        assert getattr(record, field) == expected and record.version == 2, slug
        code = record._meta.model_name
        assert AuditEvent.objects.filter(action__endswith=".edit", target_id=str(record.pk))
        # A delete without a reason is refused and deletes nothing.
        client.post(f"/records/{pa.pk}/{slug}/{record.pk}/delete/", {"reason": " "})
        assert type(record).objects.filter(pk=record.pk).exists(), slug
        response = client.post(
            f"/records/{pa.pk}/{slug}/{record.pk}/delete/", {"reason": "重复录入", "version": "2"}
        )
        assert response.status_code == 302, slug
        assert not type(record).objects.filter(pk=record.pk).exists(), (slug, code)
        event = AuditEvent.objects.filter(action__endswith=".delete").latest("pk")
        assert event.reason == "重复录入"
    for model in (Meeting, Activity, Talk, ProblemFound, Criticism, KnowledgeTest):
        assert not model.objects.exists()


def test_the_supervision_group_reads_a_record_but_cannot_edit_or_delete_it(client, cast, pa):
    slug, record, form, _f, _e = _cases(cast, pa)[0]
    client.force_login(cast.user("group_leader"))
    url = f"/records/{pa.pk}/{slug}/{record.pk}/"
    body = client.get(url).content.decode()
    assert "扶贫" in body and "<form" not in body.split("</nav>")[-1]
    assert client.post(url, {**form, "phase": "study"}).status_code == 404
    deleted = client.post(f"{url}delete/", {"reason": "试试"})
    assert deleted.status_code == 404 and Activity.objects.filter(pk=record.pk).exists()


def test_saving_a_record_unchanged_makes_no_new_version(cast, pa):
    m = actions.record_meeting(
        actor=cast.user("liaison"), participation=pa, kind="forum", date=MONDAY, title="座谈会"
    )
    same = actions.edit_meeting(
        actor=cast.user("liaison"),
        meeting=m,
        expected_version=1,
        kind="forum",
        date=MONDAY,
        title="座谈会",
    )
    assert same.version == 1
    assert not AuditEvent.objects.filter(action="records.meeting.edit").exists()


def test_every_kind_s_export_carries_the_unit_phase_and_date_of_every_row(client, cast, pa):
    """Issue 9, item 4: an export sheet, pasted into another, still says whose row it is."""
    import datetime as dt
    import io

    from openpyxl import load_workbook

    from dudao.records.registry import KINDS

    from .conftest import SATURDAY

    liaison = cast.user("liaison")
    actions.record_session(
        actor=liaison, participation=pa, kind="concentrated", date=SATURDAY, hours=4,
        topic="学习党章", attendance=[cast.people["member"].pk],
    )  # fmt: skip
    actions.record_exemption(
        actor=liaison, participation=pa, person=cast.people["away"], requirement="knowledge_test",
        reason="away", explanation="外出务工，在广州",
    )  # fmt: skip
    slugs = ["sessions", "exemptions", *(slug for slug, *_ in _cases(cast, pa))]
    assert set(slugs) == set(KINDS)  # every kind of the registry
    client.force_login(liaison)
    for slug in slugs:
        response = client.get(f"/records/{pa.pk}/{slug}/export.xlsx?phase=study")
        assert response.status_code == 200, slug
        ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        assert rows[0][:3] == ("单位", "阶段", "日期"), (slug, rows[0])
        data = rows[1:]
        assert data, slug
        for row in data:
            assert row[0] == "东城区财政局" and row[1] == "学习动员", (slug, row)
            assert isinstance(row[2], dt.date | dt.datetime), (slug, row)
