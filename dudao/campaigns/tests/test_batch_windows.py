"""Batch windows and per-batch phase lengths: due dates follow them (issue 16)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from dudao.campaigns.models import Batch, CampaignTemplate, Participation
from dudao.campaigns.template_loader import load_builtin_template
from dudao.campaigns.template_schema import validate_template_data
from dudao.testing import build_cast
from dudao.transitions import rules
from dudao.transitions.selectors import schedule_for

pytestmark = pytest.mark.django_db


def test_a_campaign_takes_its_batch_windows_from_the_template():
    cast = build_cast(template=load_builtin_template("buwang-chuxin-2019"))
    windows = list(cast.campaign.batches.values_list("number", "start_date", "end_date"))
    assert windows == [
        (1, dt.date(2019, 6, 1), dt.date(2019, 8, 31)),
        (2, dt.date(2019, 9, 1), dt.date(2019, 11, 30)),
    ]


def test_a_unit_without_a_phase_length_is_due_when_its_batch_window_closes():
    cast = build_cast(template=load_builtin_template("buwang-chuxin-2019"))
    p = Participation.objects.get(campaign=cast.campaign, unit=cast.unit_a)
    assert schedule_for(p).due_on == dt.date(2019, 8, 31)
    p.batch = cast.campaign.batches.get(number=2)
    p.save(update_fields=["batch"])
    p = Participation.objects.get(pk=p.pk)
    assert schedule_for(p).due_on == dt.date(2019, 11, 30)


def _template(data: dict) -> CampaignTemplate:
    clean, errors = validate_template_data(data)
    assert not errors, errors
    return CampaignTemplate(code=clean["code"], version="x", name="t", data=clean)


def test_a_batch_may_give_a_phase_its_own_length_and_the_window_caps_it():
    base = copy.deepcopy(load_builtin_template("xianjinxing-2005").data)
    base["batches"][1]["phase_durations"] = {"study": 60}
    base["batches"][1]["end_date"] = "2005-12-31"
    for b in base["batches"]:
        for key in ("start_date", "end_date", "phase_durations"):
            if b.get(key) is None:
                b.pop(key, None)
    template = _template(base)
    study = rules.phase_spec(template, "study")
    start = dt.date(2005, 7, 1)
    first, second = Batch(number=1), Batch(number=2, end_date=dt.date(2005, 12, 31))
    assert rules.due_date(start, study, batch=first, template=template) == dt.date(2005, 8, 15)
    assert rules.due_date(start, study, batch=second, template=template) == dt.date(2005, 8, 30)
    late = dt.date(2005, 12, 1)
    # Never after the window closes; an approved extension still adds to it.
    assert rules.due_date(late, study, batch=second, template=template) == dt.date(2005, 12, 31)
    assert rules.due_date(late, study, 10, batch=second, template=template) == dt.date(2006, 1, 10)
    # Without a batch the phase's own length, as before.
    assert rules.due_date(start, study) == dt.date(2005, 8, 15)
