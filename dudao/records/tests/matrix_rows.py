"""Access-matrix rows for every URL pattern of records (``dudao.testing.matrix.Row``). The
records are made once per cast by the liaison through the actions (a form token makes the
second call find the first record)."""

from __future__ import annotations

import datetime as dt

from dudao.testing.matrix import GROUP1, READ_ALL, UNIT_A, Row

READERS = READ_ALL | GROUP1 | UNIT_A
SESSIONS = READERS | {"secretary"}
DAY = dt.date(2005, 1, 29)


def _pa(c, unit="unit_a"):
    from dudao.campaigns.models import Participation

    return Participation.objects.get(campaign=c.campaign, unit=getattr(c, unit))


def _kinds(c):
    from dudao.records import kinds

    return next(iter(kinds.session_kinds(c.campaign))), next(iter(kinds.meeting_kinds(c.campaign)))


def _record(c, slug: str):
    """One record of the kind in unit A's current phase (made once)."""
    from dudao.records import actions

    p, liaison, people = _pa(c), c.user("liaison"), c.people
    session_kind, meeting_kind = _kinds(c)
    one = {"actor": liaison, "participation": p, "token": f"matrix-{slug}"}
    made = {
        "sessions": lambda: actions.record_session(
            **one, kind=session_kind, date=DAY, hours=2, topic="矩阵学习",
            attendance=[people["member"].pk],
        ),
        "meetings": lambda: actions.record_meeting(
            **one, kind=meeting_kind, date=DAY, title="矩阵会议"
        ),
        "tests": lambda: actions.record_test(**one, date=DAY, title="矩阵检测"),
        "activities": lambda: actions.record_activity(
            **one, kind="good_deed", date=DAY, description="矩阵好人好事"
        ),
        "talks": lambda: actions.record_talk(
            **one, round_number=1, date=DAY, form="one_to_one", initiator=people["head"],
            participants=[people["member"]],
        ),
        "problems": lambda: actions.record_problem(**one, text="矩阵问题"),
        "criticisms": lambda: actions.record_criticism(
            **one, critic=people["head"], target=people["member"], text="矩阵批评"
        ),
    }  # fmt: skip
    return made[slug]()


def _exemption(c):
    from dudao.records import actions, kinds
    from dudao.records.models import Exemption

    p = _pa(c)
    found = Exemption.objects.filter(participation=p).first()
    if found is not None:
        return found
    code, req = next(iter(kinds.exemptable(c.campaign, p.current_phase).items()))
    return actions.record_exemption(
        actor=c.user("liaison"),
        participation=p,
        person=c.people["away"],
        requirement=code,
        reason=req["applies_to"]["exemptable_categories"][0],
        explanation="矩阵外出",
    )


def _url(slug: str, tail: str = ""):
    return lambda c: f"/records/{_pa(c).pk}/{slug}/{tail}"


def _record_url(slug: str, tail: str = ""):
    return lambda c: f"/records/{_pa(c).pk}/{slug}/{_record(c, slug).pk}/{tail}"


LIST_READERS = {"sessions": SESSIONS, "meetings": SESSIONS}
WRITERS = {"sessions": UNIT_A | {"secretary"}, "meetings": UNIT_A | {"secretary"}}
LABELS = {
    "sessions": "学习记录",
    "meetings": "会议记录",
    "tests": "知识检测",
    "activities": "好人好事",
    "exemptions": "免于要求",
    "talks": "谈心谈话",
    "problems": "查摆问题",
    "criticisms": "批评意见",
}
SHOWS = {
    "sessions": "矩阵学习",
    "meetings": "矩阵会议",
    "activities": "矩阵好人好事",
    "talks": "一对一",
    "problems": "矩阵问题",
    "criticisms": "矩阵批评",
    "tests": "矩阵检测",
}


def _kind_rows(slug: str) -> list[Row]:
    readers = LIST_READERS.get(slug, READERS)
    writers = WRITERS.get(slug, UNIT_A)
    rows = [
        Row(f"records: {slug}", "records:kind_list", _url(slug), readers, lambda c, s=slug: LABELS[s]),
        Row(f"records: {slug} export", "records:kind_export", _url(slug, "export.xlsx"), readers),
        Row(f"records: {slug} new", "records:kind_new", _url(slug, "new/"), writers,
            lambda c: "保存" if slug != "exemptions" else "情况说明", post=lambda c: {}),
    ]  # fmt: skip
    if slug != "sessions":
        rows += [
            Row(f"records: {slug} import", "records:kind_import", _url(slug, "import/"), UNIT_A,
                lambda c: "仅导入无误的行", post=lambda c: {}),
            Row(f"records: {slug} import template", "records:kind_import_template",
                _url(slug, "import/template.xlsx"), UNIT_A),
        ]  # fmt: skip
    if slug in SHOWS:
        record_readers = readers if slug != "tests" else READERS
        if slug != "tests":  # a test's page is its score grid (records:test_scores)
            rows.append(
                Row(f"records: {slug} record", "records:kind_record", _record_url(slug),
                    record_readers, lambda c, s=slug: SHOWS[s], post=lambda c: {},
                    post_allowed=writers)
            )  # fmt: skip
        rows += [
            Row(f"records: {slug} edit", "records:kind_edit", _record_url(slug, "edit/"),
                record_readers, lambda c, s=slug: SHOWS[s], post=lambda c: {}, post_allowed=writers),
            Row(f"records: {slug} delete", "records:kind_delete", _record_url(slug, "delete/"),
                set(), post=lambda c: {"reason": "矩阵删除"}, post_allowed=writers, post_only=True),
            # The record's phase is open: nobody corrects it, everyone edits or reads it.
            Row(f"records: {slug} correct", "records:kind_correct", _record_url(slug, "correct/"),
                set(), post=lambda c: {"correction_reason": "矩阵更正"}, post_only=True),
        ]  # fmt: skip
    if slug == "exemptions":
        rows.append(
            Row("records: exemptions withdraw", "records:kind_delete",
                lambda c: f"/records/{_pa(c).pk}/exemptions/{_exemption(c).pk}/delete/", set(),
                post=lambda c: {"reason": "矩阵撤销"}, post_allowed=UNIT_A, post_only=True)
        )  # fmt: skip
    return rows


def _test_url(tail: str = ""):
    return lambda c: f"/records/{_pa(c).pk}/tests/{_record(c, 'tests').pk}/{tail}"


ROWS = [
    Row("records hub", "records:hub", lambda c: f"/records/{_pa(c).pk}/", SESSIONS,
        lambda c: c.unit_a.name),
    Row("records hub, unit B", "records:hub", lambda c: f"/records/{_pa(c, 'unit_b').pk}/",
        READ_ALL, lambda c: c.unit_b.name),
    Row("records: my records", "records:own", lambda c: f"/records/{_pa(c).pk}/me/",
        UNIT_A | {"secretary", "member"}, lambda c: "我的学习记录"),
    Row("records: member hours", "records:hours", lambda c: f"/records/{_pa(c).pk}/hours/",
        READERS, lambda c: c.people["retired"].name),
    Row("records: member hours export", "records:hours_export",
        lambda c: f"/records/{_pa(c).pk}/hours/export.xlsx", READERS),
    Row("records: study notes", "records:notes", lambda c: f"/records/{_pa(c).pk}/notes/", READERS,
        lambda c: "学习心得"),
    Row("records: study note new", "records:note_new", lambda c: f"/records/{_pa(c).pk}/notes/new/",
        UNIT_A | {"secretary", "member"}, lambda c: "正文", post=lambda c: {}),
    Row("records: attendance import", "records:attendance_import",
        lambda c: f"/records/{_pa(c).pk}/import/attendance/", UNIT_A, lambda c: "导入学习记录和出勤",
        post=lambda c: {}),
    Row("records: attendance template", "records:attendance_template",
        lambda c: f"/records/{_pa(c).pk}/import/attendance/template.xlsx", UNIT_A),
    Row("records: test scores", "records:test_scores", _test_url(), READERS, lambda c: "矩阵检测",
        post=lambda c: {}, post_allowed=UNIT_A),
    Row("records: test export", "records:test_export", _test_url("export.xlsx"), READERS),
    Row("records: scores import", "records:scores_import", _test_url("import/"), UNIT_A,
        lambda c: "导入成绩", post=lambda c: {}),
    Row("records: scores template", "records:scores_template", _test_url("template.xlsx"), UNIT_A),
    Row("records: exemption decide", "records:exemption_decide",
        lambda c: f"/records/{_pa(c).pk}/exemptions/{_exemption(c).pk}/decide/", set(),
        post=lambda c: {"decision": "confirm"}, post_allowed=GROUP1, post_only=True),
]  # fmt: skip
for _slug in LABELS:
    ROWS += _kind_rows(_slug)
