"""Access-matrix rows of today's records URLs. Placeholder written with the matrix rewrite: the
records engineer replaces this file when the record kinds move to one registry.

Readers: the unit (head, liaison), its supervision group, the office and the leading group;
a branch secretary sees the hub, sessions and meetings (and writes those of his branch); a member
sees his own page and writes his study notes. Unit B's pages are the "someone else's id" rows.
"""

from __future__ import annotations

import datetime as dt

from dudao.testing.matrix import GROUP1, READ_ALL, UNIT_A, Row, other_part, part

READ = READ_ALL | GROUP1 | UNIT_A
SESSIONS = READ | {"secretary"}
# Known 5xx the records engineer fixes with the registry rewrite (issue 9, item 1): the session
# and meeting forms filter organisations and people by the raw form value.
RAW_FORM_VALUE = "records/views.py filters by a raw form value (branch, speaker, attendee)"
# ... and reads a number from the form with int() (scores' version, the activity form's count).
RAW_NUMBER = "records/views.py reads a form number with int() or past the integer range"


def _p(c, unit=None):
    return part(c, unit).pk


def _session(c):
    from dudao.records.models import StudySession

    p = part(c)
    return StudySession.objects.create(
        participation=p,
        phase=p.current_phase,
        kind="集中学习",
        date=dt.date(2005, 2, 1),
        hours=2,
        topic="矩阵学习",
        created_by=c.user("liaison"),
    )


def _meeting(c):
    from dudao.records.models import Meeting

    p = part(c)
    return Meeting.objects.create(
        participation=p,
        phase=p.current_phase,
        kind="动员会",
        date=dt.date(2005, 2, 2),
        title="矩阵会议",
        created_by=c.user("liaison"),
    )


def _test(c):
    from dudao.records.models import KnowledgeTest

    p = part(c)
    return KnowledgeTest.objects.create(
        participation=p, phase=p.current_phase, date=dt.date(2005, 2, 3), title="矩阵检测"
    )


def _exemption(c):
    from dudao.records.models import Exemption

    p = part(c)
    return Exemption.objects.create(
        participation=p,
        phase=p.current_phase,
        person=c.people["retired"],
        requirement="study_hours",
        reason="ill",
        explanation="矩阵",
        created_by=c.user("liaison"),
    )


def _session_post(c):
    p = part(c)
    return {
        "phase": p.current_phase,
        "kind": "集中学习",
        "date": "2005-02-05",
        "hours": "2",
        "topic": "矩阵新学习",
        "token": "matrix-token-1",
    }


def _meeting_post(c):
    p = part(c)
    return {
        "phase": p.current_phase,
        "kind": "动员会",
        "date": "2005-02-05",
        "title": "矩阵新会议",
        "attendees": "3",
        "token": "matrix-token-2",
    }


def _simple_post(c):
    p = part(c)
    return {"phase": p.current_phase, "date": "2005-02-05", "token": "matrix-token-3"}


def _list(name, route, path, allowed, shows=None):
    return Row(name, route, lambda c: f"/records/{_p(c)}/{path}", allowed, shows)


ROWS = [
    Row(
        "records hub",
        "records:hub",
        lambda c: f"/records/{_p(c)}/",
        SESSIONS,
        lambda c: c.unit_a.name,
    ),
    Row(
        "records hub, unit B",
        "records:hub",
        lambda c: f"/records/{_p(c, c.unit_b)}/",
        READ_ALL,
        lambda c: c.unit_b.name,
    ),
    Row(
        "records hub, other campaign",
        "records:hub",
        lambda c: f"/records/{other_part(c).pk}/",
        set(),
    ),
    Row(
        "records: my records",
        "records:own",
        lambda c: f"/records/{_p(c)}/me/",
        UNIT_A | {"secretary", "member"},
        lambda c: "我的学习记录",
    ),
    _list(
        "records: member hours", "records:hours", "hours/", READ, lambda c: c.people["retired"].name
    ),
    _list("records: member hours export", "records:hours_export", "hours/export.xlsx", READ),
    _list("records: sessions", "records:sessions", "sessions/", SESSIONS, lambda c: "学习记录"),
    _list("records: sessions export", "records:sessions_export", "sessions/export.xlsx", SESSIONS),
    Row(
        "records: session new",
        "records:session_new",
        lambda c: f"/records/{_p(c)}/sessions/new/",
        UNIT_A | {"secretary"},
        lambda c: "参加人员",
        post=_session_post,
        known_fuzz_failure=RAW_FORM_VALUE,
    ),
    Row(
        "records: session new, unit B",
        "records:session_new",
        lambda c: f"/records/{_p(c, c.unit_b)}/sessions/new/",
        set(),
        post=_session_post,
        fuzz=False,
    ),
    Row(
        "records: session edit",
        "records:session_edit",
        lambda c: f"/records/{_p(c)}/sessions/{_session(c).pk}/",
        SESSIONS,
        lambda c: "矩阵学习",
        post=lambda c: {**_session_post(c), "version": 1},
        post_allowed=UNIT_A,
        known_fuzz_failure=RAW_FORM_VALUE,
    ),
    Row(
        "records: session delete",
        "records:session_delete",
        lambda c: f"/records/{_p(c)}/sessions/{_session(c).pk}/delete/",
        SESSIONS,
        post=lambda c: {"reason": "录入错误"},
        post_allowed=UNIT_A | {"secretary"},
        post_only=True,
    ),
    _list("records: meetings", "records:meetings", "meetings/", SESSIONS, lambda c: "会议记录"),
    _list("records: meetings export", "records:meetings_export", "meetings/export.xlsx", SESSIONS),
    Row(
        "records: meeting new",
        "records:meeting_new",
        lambda c: f"/records/{_p(c)}/meetings/new/",
        UNIT_A | {"secretary"},
        lambda c: "登记会议",
        post=_meeting_post,
    ),
    Row(
        "records: meeting edit",
        "records:meeting_edit",
        lambda c: f"/records/{_p(c)}/meetings/{_meeting(c).pk}/",
        UNIT_A,
        lambda c: "矩阵会议",
        post=lambda c: {**_meeting_post(c), "version": 1},
    ),
    _list("records: tests", "records:tests", "tests/", READ, lambda c: "知识检测"),
    _list("records: tests export", "records:tests_export", "tests/export.xlsx", READ),
    Row(
        "records: test new",
        "records:test_new",
        lambda c: f"/records/{_p(c)}/tests/new/",
        UNIT_A,
        lambda c: "登记知识检测",
        post=lambda c: {**_simple_post(c), "title": "新检测", "full_score": 100, "pass_score": 60},
    ),
    Row(
        "records: test scores",
        "records:test_scores",
        lambda c: f"/records/{_p(c)}/tests/{_test(c).pk}/",
        READ,
        lambda c: "矩阵检测",
        post=lambda c: {f"score_{c.people['member'].pk}": "88"},
        post_allowed=UNIT_A,
        known_fuzz_failure=RAW_NUMBER,
    ),
    Row(
        "records: test export",
        "records:test_export",
        lambda c: f"/records/{_p(c)}/tests/{_test(c).pk}/export.xlsx",
        READ,
    ),
    Row(
        "records: scores import",
        "records:scores_import",
        lambda c: f"/records/{_p(c)}/tests/{_test(c).pk}/import/",
        UNIT_A,
        post=lambda c: {},
    ),
    Row(
        "records: scores template",
        "records:scores_template",
        lambda c: f"/records/{_p(c)}/tests/{_test(c).pk}/template.xlsx",
        UNIT_A,
    ),
    _list("records: activities", "records:activities", "activities/", READ, lambda c: "好人好事"),
    _list(
        "records: activities export", "records:activities_export", "activities/export.xlsx", READ
    ),
    Row(
        "records: activity new",
        "records:activity_new",
        lambda c: f"/records/{_p(c)}/activities/new/",
        UNIT_A,
        post=lambda c: {**_simple_post(c), "kind": "good_deed", "description": "矩阵好事"},
        known_fuzz_failure=RAW_NUMBER,
    ),
    _list("records: exemptions", "records:exemptions", "exemptions/", READ, lambda c: "免于要求"),
    _list(
        "records: exemptions export", "records:exemptions_export", "exemptions/export.xlsx", READ
    ),
    Row(
        "records: exemption new",
        "records:exemption_new",
        lambda c: f"/records/{_p(c)}/exemptions/new/",
        UNIT_A,
        lambda c: "情况说明",
        post=lambda c: {
            "phase": part(c).current_phase,
            "person": c.people["retired"].pk,
            "requirement": "study_hours",
            "reason": "ill",
            "explanation": "矩阵",
        },
    ),
    Row(
        "records: exemption withdraw",
        "records:exemption_withdraw",
        lambda c: f"/records/{_p(c)}/exemptions/{_exemption(c).pk}/withdraw/",
        READ,
        post=lambda c: {"reason": "矩阵"},
        post_allowed=UNIT_A,
        post_only=True,
    ),
    _list("records: talks", "records:talks", "talks/", READ, lambda c: "谈心谈话"),
    _list("records: talks export", "records:talks_export", "talks/export.xlsx", READ),
    Row(
        "records: talk new",
        "records:talk_new",
        lambda c: f"/records/{_p(c)}/talks/new/",
        UNIT_A,
        post=lambda c: {**_simple_post(c), "form": "one_to_one"},
    ),
    _list("records: problems export", "records:problems_export", "problems/export.xlsx", READ),
    Row(
        "records: problem new",
        "records:problem_new",
        lambda c: f"/records/{_p(c)}/problems/new/",
        UNIT_A,
        post=lambda c: {**_simple_post(c), "text": "矩阵问题"},
    ),
    _list(
        "records: criticisms export", "records:criticisms_export", "criticisms/export.xlsx", READ
    ),
    Row(
        "records: criticism new",
        "records:criticism_new",
        lambda c: f"/records/{_p(c)}/criticisms/new/",
        UNIT_A,
        post=lambda c: {**_simple_post(c), "text": "矩阵批评"},
    ),
    _list(
        "records: study notes", "records:notes", "notes/", READ, lambda c: c.people["retired"].name
    ),
    Row(
        "records: study note new",
        "records:note_new",
        lambda c: f"/records/{_p(c)}/notes/new/",
        UNIT_A | {"secretary", "member"},
        lambda c: "学习心得",
        post=lambda c: {**_simple_post(c), "title": "心得", "text": "矩阵心得"},
    ),
    Row(
        "records: attendance import",
        "records:attendance_import",
        lambda c: f"/records/{_p(c)}/import/attendance/",
        UNIT_A,
        lambda c: "导入学习记录和出勤",
        post=lambda c: {},
    ),
    Row(
        "records: attendance template",
        "records:attendance_template",
        lambda c: f"/records/{_p(c)}/import/attendance/template.xlsx",
        UNIT_A,
    ),
]
