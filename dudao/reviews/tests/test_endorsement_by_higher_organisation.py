"""Nobody certifies himself (issue 10, item 2): the higher organisation's approval of a unit's
grassroots rectification plan is recorded by that organisation's account or the office, never
by the unit; and no approval is dated before the publicity period ends."""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.core.errors import AccessDenied, DomainError
from dudao.core.models import AuditEvent
from dudao.reviews import actions
from dudao.reviews.models import DocumentMilestone
from dudao.reviews.rules import review_permits

from .helpers import participation

SCORES = {"categories": 2, "targets": 2, "from_opinions": 1}


def _approved_plan(cast, *, publicity_end=dt.date(2005, 6, 7)):
    doc = actions.submit_document(
        actor=cast.user("liaison"),
        participation=participation(cast),
        kind="grassroots_rectification_plan",
        text="基层党组织整改方案。" * 10,
    )
    actions.decide(
        actor=cast.user("group_leader"), document=doc, decision="approved", checklist=SCORES
    )
    actions.record_milestone(
        actor=cast.user("liaison"),
        document=doc,
        kind="publicity",
        started_on=dt.date(2005, 6, 1),
        ended_on=publicity_end,
    )
    doc.refresh_from_db()
    return doc


@pytest.mark.parametrize("role", ["unit_head", "liaison"])
def test_it_refuses_the_units_own_record_of_its_higher_organisations_approval(cast05, role):
    doc = _approved_plan(cast05)
    events = AuditEvent.objects.count()
    with pytest.raises(AccessDenied, match="上级党组织的账号或活动办公室登记"):
        actions.record_milestone(
            actor=cast05.user(role),
            document=doc,
            kind="endorsement",
            started_on=dt.date(2005, 6, 9),
        )
    assert not DocumentMilestone.objects.filter(document=doc, kind="endorsement").exists()
    assert AuditEvent.objects.count() == events
    assert not review_permits(cast05.user(role), doc).may("endorsement")


def test_the_office_records_it(cast05):
    # The cast has no account of 东城区委 (no role is held on a district); an account of an
    # organisation above the unit is accepted by rules.is_higher_organisation_staff.
    doc = _approved_plan(cast05)
    actor = cast05.user("office")
    assert review_permits(actor, doc).may("endorsement")
    actions.record_milestone(
        actor=actor, document=doc, kind="endorsement", started_on=dt.date(2005, 6, 9)
    )
    m = DocumentMilestone.objects.get(document=doc, kind="endorsement")
    assert (m.scope, m.started_on, m.recorded_by) == (
        "higher_organisation",
        dt.date(2005, 6, 9),
        actor,
    )


@pytest.mark.parametrize("day", [dt.date(2005, 6, 3), dt.date(2005, 6, 7)])
def test_it_refuses_an_approval_dated_before_the_publicity_ends(cast05, day):
    doc = _approved_plan(cast05)
    with pytest.raises(DomainError, match="公示期满后"):
        actions.record_milestone(
            actor=cast05.user("office"), document=doc, kind="endorsement", started_on=day
        )
    assert not DocumentMilestone.objects.filter(document=doc, kind="endorsement").exists()


def test_it_refuses_an_approval_while_the_publicity_has_no_end(cast05):
    doc = _approved_plan(cast05, publicity_end=None)
    with pytest.raises(DomainError, match="尚未登记结束日期"):
        actions.record_milestone(
            actor=cast05.user("office"),
            document=doc,
            kind="endorsement",
            started_on=dt.date(2005, 7, 1),
        )


def test_the_page_tells_the_unit_who_records_it_and_refuses_its_post(client, cast05):
    doc = _approved_plan(cast05)
    client.force_login(cast05.user("liaison"))
    page = client.get(f"/reviews/{doc.pk}/").content.decode()
    assert "由上级党组织的账号或活动办公室登记" in page
    response = client.post(
        f"/reviews/{doc.pk}/milestone/", {"kind": "endorsement", "started_on": "2005-06-09"}
    )
    assert response.status_code == 403
    assert not DocumentMilestone.objects.filter(document=doc, kind="endorsement").exists()
    client.force_login(cast05.user("office"))
    response = client.post(
        f"/reviews/{doc.pk}/milestone/", {"kind": "endorsement", "started_on": "2005-06-09"}
    )
    assert response.status_code == 302
    assert DocumentMilestone.objects.filter(document=doc, kind="endorsement").exists()
