"""Issue 12 §9 (seed 004: "在通报情况的范围内随机抽样"): the group keeps the unit's roll beyond
its members — public representatives, service recipients, deputies — imported from Excel with
only what a roll needs; it sees the population and its make-up before it draws, and the draw
samples members and roll together, recorded as before."""

from __future__ import annotations

import io
import random

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from dudao.core.errors import AccessDenied
from dudao.core.models import AuditEvent
from dudao.orgs.models import Person
from dudao.surveys import actions, rolls
from dudao.surveys.models import SampledPerson, SurveyCode
from dudao.surveys.tests.helpers import add_members, participation
from dudao.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _sheet(rows, header=("序号", "姓名", "类别", "手机号")) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["某局先进性教育活动群众满意度测评人员名单"])
    ws.append(list(header))
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD = [
    ("王芳", "群众代表", "138 0013 5678"),
    ("王芳", "服务对象", ""),
    ("刘建设", "人大代表", "+8613900001111"),
    ("赵大妈", "居民代表", None),
]


def _round(cast, instrument="mass_satisfaction"):
    return actions.create_round(
        actor=cast.user("office"), participation=participation(cast), instrument=instrument
    )


def _import(cast, data, who="group_leader"):
    return rolls.import_roll(
        actor=cast.user(who), participation=participation(cast), data=data, may=True
    )


def test_it_imports_only_what_the_roll_needs_and_a_second_import_changes_nothing(cast05):
    out = _import(cast05, _sheet(GOOD))
    assert out.written and out.created == 4 and not out.problems
    rows = list(rolls.RollEntry.objects.order_by("pk").values_list("name", "kind", "phone_masked"))
    assert rows == [
        ("王芳", "public_rep", "138****5678"),
        ("王芳", "service", ""),
        ("刘建设", "deputy", "139****1111"),
        ("赵大妈", "public_rep", ""),
    ]
    # No column for an ID number, an address or a full phone number exists at all.
    columns = {f.name for f in rolls.RollEntry._meta.concrete_fields}
    assert columns == {"id", "participation", "kind", "name", "phone_masked", "created_by"}
    events = AuditEvent.objects.filter(action="survey.roll.import").count()
    again = _import(cast05, _sheet(GOOD))
    assert again.written and (again.created, again.unchanged) == (0, 4)
    assert rolls.RollEntry.objects.count() == 4
    assert AuditEvent.objects.filter(action="survey.roll.import").count() == events == 1


def test_it_names_each_bad_row_and_writes_nothing(cast05):
    bad = _sheet(
        [
            ("王芳", "群众代表", "13800135678"),
            ("", "服务对象", ""),
            ("李四", "外宾", ""),
            ("张三", "服务对象", "12345"),
            ("王芳", "群众", "138-0013-5678"),
        ]
    )
    out = _import(cast05, bad)
    assert not out.written and not rolls.RollEntry.objects.exists()
    got = {(p.row, p.column): p.message for p in out.problems}
    assert set(got) == {(4, "姓名"), (5, "类别"), (6, "手机号"), (7, "姓名")}
    assert "群众代表、服务对象、代表委员、其他" in got[(5, "类别")]
    assert "11 位" in got[(6, "手机号")]
    assert "与第 3 行是同一人" in got[(7, "姓名")]
    missing = _import(cast05, _sheet([("王芳",)], header=("序号", "姓名")))
    assert not missing.written and "姓名" in missing.problems[0].message


def test_the_group_sees_the_make_up_then_draws_members_and_roll_together(cast05):
    add_members(cast05, 20)
    _import(cast05, _sheet(GOOD))
    round_ = _round(cast05)
    members = Person.objects.filter(unit=cast05.unit_a).count()
    c = Client()
    c.login(username="group_leader", password=PASSWORD)
    page = c.get(f"/surveys/rounds/{round_.pk}/").content.decode()
    assert (
        f"抽样范围共 {members + 4} 人：本单位人员 {members} 人，群众代表 2 人，服务对象 1 人，代表委员 1 人"
        in page
    )
    roll_page = c.get(f"/surveys/rounds/{round_.pk}/roll/").content.decode()
    assert "138****5678" in roll_page and "13800135678" not in roll_page

    size = members + 4  # everyone: the roll is certainly drawn
    drawn = actions.draw_sample(
        actor=cast05.user("group_leader"), round_=round_, size=size - 1, seed="2005-05-01"
    )
    round_.refresh_from_db()
    assert round_.population_size == size and round_.sample_seed == "2005-05-01"
    population = [
        ("p", pk)
        for pk in Person.objects.filter(unit=cast05.unit_a)
        .order_by("pk")
        .values_list("pk", flat=True)
    ] + [("r", pk) for pk in rolls.RollEntry.objects.order_by("pk").values_list("pk", flat=True)]
    chosen = set(random.Random("2005-05-01").sample(population, size - 1))
    assert set(drawn) == {pk for k, pk in chosen if k == "p"}
    assert set(SampledPerson.objects.filter(round=round_).values_list("person_id", flat=True)) == {
        pk for k, pk in chosen if k == "p"
    }
    assert set(
        rolls.RollSample.objects.filter(round=round_).values_list("entry_id", flat=True)
    ) == {pk for k, pk in chosen if k == "r"}
    assert SurveyCode.objects.filter(round=round_).count() == size - 1
    event = AuditEvent.objects.get(action="survey.sample.draw")
    assert event.data["makeup"] == [
        ["本单位人员", members], ["群众代表", 2], ["服务对象", 1], ["代表委员", 1],
    ]  # fmt: skip
    # The sample list names the drawn roll entries too (masked phone, their kind).
    sheet = load_workbook(io.BytesIO(c.get(f"/surveys/rounds/{round_.pk}/sample.xlsx").content))
    values = [cell for row in sheet.active.iter_rows(values_only=True) for cell in row]
    drawn_roll = rolls.RollEntry.objects.filter(
        pk__in=rolls.RollSample.objects.filter(round=round_).values("entry_id")
    )
    assert all(e.name in values for e in drawn_roll)
    # A drawn entry cannot be removed from the roll.
    entry = drawn_roll.first()
    c.post(f"/surveys/rounds/{round_.pk}/roll/", {"remove": str(entry.pk)})
    assert rolls.RollEntry.objects.filter(pk=entry.pk).exists()


def test_an_instrument_not_sampling_in_the_notified_scope_ignores_the_roll(cast05):
    _import(cast05, _sheet(GOOD))
    inst = {"sampling": {"by": "group", "within": "unit_members"}}
    members = Person.objects.filter(unit=cast05.unit_a)
    assert all(k == "p" for k, _pk in rolls.population(participation(cast05), inst, members))


def test_only_the_sampler_keeps_the_roll(cast05):
    round_ = _round(cast05)
    for who in ("liaison", "unit_head", "member"):
        c = Client()
        c.login(username=who, password=PASSWORD)
        assert c.get(f"/surveys/rounds/{round_.pk}/roll/").status_code == 404
        assert c.post(f"/surveys/rounds/{round_.pk}/roll/", {}).status_code == 404
    with pytest.raises(AccessDenied):
        rolls.import_roll(
            actor=cast05.user("liaison"), participation=participation(cast05),
            data=_sheet(GOOD), may=False,
        )  # fmt: skip
    assert not rolls.RollEntry.objects.exists()
