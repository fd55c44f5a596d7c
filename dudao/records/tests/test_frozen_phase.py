"""Frozen evidence (issue 10.1): once the unit has left a phase (its transition approved) or
its participation ended, that phase's records cannot be edited, deleted or added to, by page,
action or import; a correction with a reason by the unit's head or liaison is the one way to
change them, and it is kept and shown as "批准后改动"."""

from __future__ import annotations

import pytest

from dudao.campaigns.models import CampaignStatus
from dudao.core.errors import AccessDenied, DomainError
from dudao.core.models import AuditEvent
from dudao.records import actions, selectors
from dudao.records.models import Attendance, Meeting, RecordCorrection, StudySession

from .conftest import SATURDAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(cast, pa):
    """A study session and a meeting of the study phase, then the unit moved on to analysis
    (what approving its transition does)."""
    liaison = cast.user("liaison")
    people = [cast.people[k] for k in ("head", "member", "secretary")]
    session = actions.record_session(
        actor=liaison,
        participation=pa,
        kind="concentrated",
        date=SATURDAY,
        hours=4,
        topic="补课：学习党章",
        attendance=[p.pk for p in people],
    )
    meeting = actions.record_meeting(
        actor=liaison, participation=pa, kind="mobilisation", date=SATURDAY, title="动员大会"
    )
    pa.current_phase = "analysis"
    pa.save(update_fields=["current_phase"])
    return session, meeting


def test_the_unit_cannot_edit_or_delete_a_record_of_an_approved_phase(cast, pa, frozen):
    session, meeting = frozen
    liaison = cast.user("liaison")
    with pytest.raises(DomainError, match="转段已经批准") as exc:
        actions.delete_session(actor=liaison, session=session, reason="录入错误")
    assert "更正" in exc.value.message
    with pytest.raises(DomainError, match="已封存"):
        actions.edit_meeting(
            actor=liaison, meeting=meeting, expected_version=1, kind="mobilisation",
            date=SATURDAY, title="改过的名称",
        )  # fmt: skip
    with pytest.raises(DomainError, match="已封存"):
        actions.set_attendance(actor=liaison, session=session, person_ids=[])
    with pytest.raises(DomainError, match="已封存"):
        actions.record_meeting(
            actor=liaison, participation=pa, kind="forum", date=SATURDAY, title="补登",
            phase="study",
        )  # fmt: skip
    assert StudySession.objects.filter(pk=session.pk).exists()
    assert Attendance.objects.filter(session=session).count() == 3
    assert Meeting.objects.get(pk=meeting.pk).title == "动员大会"


def test_the_pages_show_why_and_refuse_the_post(client, cast, pa, frozen):
    session, _meeting = frozen
    client.force_login(cast.user("liaison"))
    url = f"/records/{pa.pk}/sessions/{session.pk}/"
    body = client.get(url).content.decode()
    assert "转段已经批准" in body and "提交更正" in body and 'name="present"' not in body
    response = client.post(f"{url}delete/", {"reason": "录入错误"})
    assert response.status_code == 404
    assert StudySession.objects.filter(pk=session.pk).exists()
    listing = client.get(f"/records/{pa.pk}/sessions/?phase=study").content.decode()
    assert "已封存" in listing and "/sessions/new/" not in listing


def test_a_correction_needs_a_reason_and_is_kept_and_shown(client, cast, pa, frozen):
    session, meeting = frozen
    liaison = cast.user("liaison")
    with pytest.raises(DomainError, match="理由"):
        actions.correct_record("sessions", actor=liaison, record=session, reason=" ", delete=True)
    correction = actions.correct_record(
        "sessions", actor=liaison, record=session, reason="录入错误，实际未举行", delete=True
    )
    assert not StudySession.objects.filter(pk=session.pk).exists()
    assert correction.operation == "delete" and correction.phase == "study"
    assert len(correction.changes["attendance"]) == 3
    event = AuditEvent.objects.get(action="records.correction")
    assert event.reason == "录入错误，实际未举行" and event.data["operation"] == "delete"
    edited = actions.correct_record(
        "meetings",
        actor=cast.user("unit_head"),
        record=meeting,
        reason="会议名称录错",
        data={**actions.record_data("meetings", meeting), "title": "先进性教育动员大会"},
    )
    assert edited.changes["title"] == ["动员大会", "先进性教育动员大会"]
    meeting.refresh_from_db()
    assert meeting.title == "先进性教育动员大会" and meeting.phase == "study"
    found = selectors.corrections_for([pa.pk])
    assert [c.pk for c in found[pa.pk]] == [edited.pk, correction.pk]
    client.force_login(cast.user("group_leader"))
    hub = client.get(f"/records/{pa.pk}/?phase=study").content.decode()
    assert "批准后改动" in hub and "录入错误，实际未举行" in hub and "会议名称录错" in hub


def test_only_the_unit_head_or_liaison_corrects(cast, pa, frozen):
    session, _meeting = frozen
    for role in ("secretary", "group_leader", "office"):
        with pytest.raises(AccessDenied):
            actions.correct_record(
                "sessions", actor=cast.user(role), record=session, reason="试试", delete=True
            )
    assert not RecordCorrection.objects.exists()


def test_a_correction_page_saves_with_its_reason(client, cast, pa, frozen):
    _session, meeting = frozen
    client.force_login(cast.user("liaison"))
    url = f"/records/{pa.pk}/meetings/{meeting.pk}/correct/"
    assert "更正理由" in client.get(url).content.decode()
    form = {"phase": "study", "kind": "mobilisation", "date": "2005-01-29", "title": "动员大会",
            "attendees": "45", "version": "1"}  # fmt: skip
    body = client.post(url, form).content.decode()
    assert "须写明理由" in body
    response = client.post(url, {**form, "correction_reason": "参会人数漏填"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.attendees == 45
    assert RecordCorrection.objects.get().reason == "参会人数漏填"


def test_a_current_phase_record_is_not_corrected_but_edited(cast, pa):
    m = actions.record_meeting(
        actor=cast.user("liaison"), participation=pa, kind="forum", date=SATURDAY, title="座谈会"
    )
    with pytest.raises(AccessDenied, match="直接修改"):
        actions.correct_record("meetings", actor=cast.user("liaison"), record=m, reason="x")


def test_every_phase_is_frozen_once_the_campaign_has_ended(cast, pa):
    m = actions.record_meeting(
        actor=cast.user("liaison"), participation=pa, kind="forum", date=SATURDAY, title="座谈会"
    )
    cast.campaign.status = CampaignStatus.FINISHED
    cast.campaign.save(update_fields=["status"])
    m = Meeting.objects.get(pk=m.pk)
    with pytest.raises(DomainError, match="已经结束"):
        actions.delete_record("meetings", actor=cast.user("liaison"), record=m, reason="重复")
