"""四必谈 (seed 002): each leadership-team member talks with the heads of the divisions he is in
charge of. The unit enters its divisions (page or Excel); the matrix then requires those pairs
and the requirement names a missing one."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import Workbook

from dudao.campaigns.requirements import evaluate_unit
from dudao.core.audit import AuditEvent
from dudao.core.errors import DomainError
from dudao.evaluation import divisions, talks
from dudao.evaluation.models import Division
from dudao.orgs import actions as org_actions
from dudao.records.actions import record_talk
from dudao.testing import PASSWORD

from .helpers import part, team

pytestmark = pytest.mark.django_db


def _division_head(cast, name="周科长", code="P-div-1"):
    # A division head need not be a party member: he is on the roster all the same.
    return org_actions.create_person(
        actor=None, code=code, name=name, branch=cast.branch_a2, is_party_member=False, audit=False
    )


def _talk(cast, p, rnd, initiator, *others):
    return record_talk(
        actor=cast.user("liaison"), participation=p, round_number=rnd,
        date=dt.date(2014, 3, 1 + rnd), form="one_to_one" if len(others) == 1 else "one_to_many",
        initiator=initiator, participants=list(others),
    )  # fmt: skip


def _sheet(rows, title=True) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["某局内设机构及分管领导一览表"])
    ws.append(["序号", "内设机构", "负责人", "分管领导"])
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_missing_pair_with_a_division_head_is_named_by_the_requirement(cast2014):
    head, liu = team(cast2014, 2)
    zhou = _division_head(cast2014)
    p = part(cast2014)
    sec = cast2014.people["secretary"]
    for rnd in (1, 2, 3):
        _talk(cast2014, p, rnd, head, liu, sec)
        _talk(cast2014, p, rnd, liu, sec)
    # Without divisions every pair the template asks for is done.
    assert evaluate_unit(p, phase="examine_criticise").result("talk_pairs").status == "passed"

    divisions.save_division(
        actor=cast2014.user("liaison"), participation=p, name="办公室",
        head_id=zhou.pk, in_charge_id=liu.pk,
    )  # fmt: skip
    m = talks.matrix_for(p)
    pair = next(x for x in m.pairs if x.kind == "team_with_division_heads")
    assert pair.label == "刘副局—周科长"
    assert [(x.label, r) for x, r in m.missing()] == [("刘副局—周科长", r) for r in (1, 2, 3)]
    result = evaluate_unit(p, phase="examine_criticise").result("talk_pairs")
    assert result.status == "failed"
    assert "刘副局—周科长（第1轮）" in result.summary

    for rnd in (1, 2):
        _talk(cast2014, p, rnd, liu, zhou)
    result = evaluate_unit(p, phase="examine_criticise").result("talk_pairs")
    assert [s.label for s in result.shortfalls] == ["刘副局—周科长（第3轮）"]
    _talk(cast2014, p, 3, zhou, liu)
    assert evaluate_unit(p, phase="examine_criticise").result("talk_pairs").status == "passed"


def test_the_matrix_page_shows_the_pair_with_its_kind(cast2014):
    head, liu = team(cast2014, 2)
    zhou = _division_head(cast2014)
    p = part(cast2014)
    Division.objects.create(unit_id=p.unit_id, name="办公室", head=zhou, in_charge=liu)
    c = Client()
    c.login(username="unit_head", password=PASSWORD)
    page = c.get(f"/evaluation/units/{p.pk}/talks/").content.decode()
    assert "刘副局—周科长" in page and "班子成员与分管部门负责人" in page


def test_the_one_in_charge_must_be_a_team_member(cast2014):
    team(cast2014, 2)
    zhou = _division_head(cast2014)
    p = part(cast2014)
    with pytest.raises(DomainError, match="不是本单位班子成员"):
        divisions.save_division(
            actor=cast2014.user("liaison"), participation=p, name="办公室",
            head_id=zhou.pk, in_charge_id=cast2014.people["secretary"].pk,
        )  # fmt: skip
    # Someone of another unit cannot be chosen at all.
    with pytest.raises(DomainError, match="本单位人员"):
        divisions.save_division(
            actor=cast2014.user("liaison"), participation=p, name="办公室",
            head_id=cast2014.people["b_member"].pk,
        )  # fmt: skip
    assert not Division.objects.exists()


def test_the_page_adds_changes_and_refuses_a_stale_form(cast2014):
    head, liu = team(cast2014, 2)
    zhou = _division_head(cast2014)
    p = part(cast2014)
    c = Client()
    c.login(username="liaison", password=PASSWORD)
    url = f"/evaluation/units/{p.pk}/divisions/"
    data = {"name": "办公室", "head": str(zhou.pk), "in_charge": str(liu.pk)}
    assert c.post(url, data).status_code == 302
    assert c.post(url, data).status_code == 302  # the same name again is refused, not doubled
    assert Division.objects.count() == 1
    d = Division.objects.get()
    assert (d.head, d.in_charge) == (zhou, liu)
    edit = {"division": str(d.pk), "version": str(d.version), "name": "综合办公室",
            "head": str(zhou.pk), "in_charge": str(head.pk)}  # fmt: skip
    c.post(url, edit)
    d.refresh_from_db()
    assert (d.name, d.in_charge, d.version) == ("综合办公室", head, 2)
    c.post(url, {**edit, "name": "又改了"})  # version 1 is stale now
    d.refresh_from_db()
    assert d.name == "综合办公室"
    # A group member sees the page but may not write.
    g = Client()
    g.login(username="group_member", password=PASSWORD)
    assert g.get(url).status_code == 200
    assert g.post(url, {"name": "督导组加的"}).status_code == 403
    assert Division.objects.count() == 1


def test_the_import_names_each_bad_row_and_a_second_import_changes_nothing(cast2014):
    head, liu = team(cast2014, 2)
    zhou = _division_head(cast2014)
    _division_head(cast2014, name="吴主任", code="P-div-2")
    p = part(cast2014)
    liaison = cast2014.user("liaison")
    bad = _sheet(
        [
            ("办公室", "周科长", "刘副局"),
            ("组织科", "查无此人", "王建国"),
            ("宣传科", "吴主任", "张志强"),
            ("办公室", "吴主任", "王建国"),
            ("", "吴主任", "王建国"),
        ]
    )
    out = divisions.import_divisions(actor=liaison, participation=p, data=bad)
    assert not out.written and not Division.objects.exists()
    got = {(x.row, x.column) for x in out.problems}
    assert got == {(4, "负责人"), (5, "分管领导"), (6, "内设机构"), (7, "内设机构")}
    assert "查无此人" in next(x.message for x in out.problems if x.row == 4)
    assert "不是本单位班子成员" in next(x.message for x in out.problems if x.row == 5)
    assert "与第 3 行" in next(x.message for x in out.problems if x.row == 6)

    good = _sheet([("办公室", "周科长", "刘副局"), ("宣传科", "吴主任", "王建国")])
    events = AuditEvent.objects.count()
    out = divisions.import_divisions(actor=liaison, participation=p, data=good)
    assert out.written and (out.created, out.changed) == (2, 0)
    assert AuditEvent.objects.count() == events + 1
    again = divisions.import_divisions(actor=liaison, participation=p, data=good)
    assert again.written and (again.created, again.changed, again.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.count() == events + 1
    assert Division.objects.get(name="办公室").head == zhou
    labels = {x.label for x in talks.matrix_for(p).pairs if x.kind == "team_with_division_heads"}
    assert labels == {"刘副局—周科长", "王建国—吴主任"}


def test_only_the_unit_imports(cast2014):
    p = part(cast2014)
    with pytest.raises(DomainError):
        divisions.import_divisions(
            actor=cast2014.user("group_leader"), participation=p, data=_sheet([])
        )
