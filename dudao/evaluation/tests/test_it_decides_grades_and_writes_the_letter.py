"""The branch writes 评议意见 and proposes a grade; the unit committee decides; the member is told
in writing (a Word letter, A4, Chinese); the grades are notified within the template's scope."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from django.test import Client

from dudao.core.errors import AccessDenied, DomainError, TransitionError
from dudao.evaluation import actions, letters
from dudao.testing import PASSWORD

from .helpers_grades import closed_ballot, graded

pytestmark = pytest.mark.django_db


def test_the_committee_decides_what_the_branch_proposed(cast2005):
    ballot = closed_ballot(cast2005)
    member = cast2005.people["liaison"]
    ev = actions.propose_evaluation(
        actor=cast2005.user("secretary"), ballot=ballot, person=member,
        opinion="工作积极，学习认真。", grade="excellent",
    )  # fmt: skip
    with pytest.raises(AccessDenied):
        actions.decide_grade(actor=cast2005.user("secretary"), evaluation=ev, grade="excellent")
    with pytest.raises(DomainError, match="党委意见"):
        actions.decide_grade(actor=cast2005.user("unit_head"), evaluation=ev, grade="qualified")
    ev = actions.decide_grade(
        actor=cast2005.user("unit_head"), evaluation=ev, grade="qualified", note="优秀名额有限"
    )
    assert ev.status == "decided" and ev.decided_grade == "qualified"
    with pytest.raises(TransitionError):
        actions.propose_evaluation(
            actor=cast2005.user("secretary"), ballot=ballot, person=member,
            opinion="改", grade="excellent",
        )  # fmt: skip


def test_a_stale_revision_is_refused(cast2005):
    from dudao.core.errors import ConflictError

    ballot = closed_ballot(cast2005)
    member = cast2005.people["liaison"]
    kw = dict(actor=cast2005.user("secretary"), ballot=ballot, person=member, grade="qualified")
    ev = actions.propose_evaluation(opinion="第一稿", **kw)
    actions.propose_evaluation(opinion="第二稿", expected_version=ev.version, **kw)
    with pytest.raises(ConflictError):
        actions.propose_evaluation(opinion="旧页面", expected_version=ev.version, **kw)


def test_no_opinion_before_the_ballot_closes(cast2005):
    ballot = actions.create_ballot(
        actor=cast2005.user("liaison"),
        participation=closed_ballot(cast2005).participation,
        branch=cast2005.branch_a2,
    )
    with pytest.raises(TransitionError):
        actions.propose_evaluation(
            actor=cast2005.user("liaison"), ballot=ballot, person=cast2005.people["member"],
            opinion="意见", grade="qualified",
        )  # fmt: skip


def test_the_letter_opens_with_python_docx_and_holds_name_and_grade(cast2005):
    ev = graded(cast2005, grade="unqualified")
    data = letters.evaluation_letter(ev, today=dt.date(2005, 4, 1))
    document = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "李晓梅同志" in text and "不合格" in text and "民主评议党员结果告知书" in text
    assert "2005年4月1日" in text
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


def test_the_letter_page_downloads_and_records_the_notice(cast2005):
    ev = graded(cast2005, grade="qualified")
    client = Client()
    client.login(username="secretary", password=PASSWORD)
    response = client.post(f"/evaluation/evaluations/{ev.pk}/letter/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "李晓梅" in text and "合格" in text
    ev.refresh_from_db()
    assert ev.notified_on is not None
    # Another unit's outsider gets 404.
    client.login(username="outsider", password=PASSWORD)
    assert client.post(f"/evaluation/evaluations/{ev.pk}/letter/").status_code == 404


def test_notice_waits_for_every_grade(cast2005):
    ev = graded(cast2005)
    with pytest.raises(DomainError, match="未经单位党委确定"):
        actions.record_notice(
            actor=cast2005.user("secretary"), ballot=ev.ballot, on=dt.date.today()
        )


def test_the_ballot_page_reads_in_fixed_queries(cast2005):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .helpers import branch_members

    def page_queries(ballot):
        client = Client()
        client.login(username="secretary", password=PASSWORD)
        client.get("/evaluation/")  # the scope and session are warm
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/evaluation/ballots/{ballot.pk}/").status_code == 200
        return len(ctx.captured_queries)

    small = graded(cast2005).ballot
    few = page_queries(small)
    branch_members(cast2005, cast2005.branch_a2, 20)
    big = actions.create_ballot(
        actor=cast2005.user("liaison"), participation=small.participation, branch=cast2005.branch_a2
    )
    codes = actions.issue_codes(actor=cast2005.user("liaison"), ballot=big, count=1)
    actions.open_ballot(actor=cast2005.user("liaison"), ballot=big)
    ids = list(big.members.values_list("person_id", flat=True))
    actions.cast_vote(code=codes[0], grades={pk: "qualified" for pk in ids})
    actions.close_ballot(actor=cast2005.user("liaison"), ballot=big)
    for pk in ids:
        from dudao.orgs.models import Person

        actions.propose_evaluation(
            actor=cast2005.user("liaison"), ballot=big, person=Person.objects.get(pk=pk),
            opinion="合格", grade="qualified",
        )  # fmt: skip
    client = Client()
    client.login(username="liaison", password=PASSWORD)
    client.get("/evaluation/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/evaluation/ballots/{big.pk}/").status_code == 200
    assert len(ctx.captured_queries) <= few + 3, [q["sql"][:80] for q in ctx.captured_queries]
