"""Access-matrix rows of the survey pages. Rounds of unit A: ``phase_effectiveness`` is run by the
office, ``mass_satisfaction`` by the office and the unit's group (which also samples),
``rectification_survey`` by the office and the unit. Results are read by whoever sees the unit.
The public answering pages (/s/...) take no login."""

from __future__ import annotations

from dudao.testing import ROLES
from dudao.testing.matrix import GROUP1, OFFICE, READ_ALL, UNIT_A, Row, other_part, part

READ = READ_ALL | GROUP1 | UNIT_A
EVERYONE = set(ROLES)
RUNNERS = {
    "phase_effectiveness": OFFICE,
    "mass_satisfaction": OFFICE | GROUP1,
    "rectification_survey": OFFICE | UNIT_A,
}


def _round(c, instrument="phase_effectiveness", *, opened=False, codes=0, unit=None):
    from dudao.surveys import actions

    round_ = actions.create_round(
        actor=c.user("office"), participation=part(c, unit), instrument=instrument
    )
    if codes:
        actions.issue_codes(actor=c.user("office"), round_=round_, count=codes)
    if opened:
        actions.open_round(actor=c.user("office"), round_=round_)
    return round_


def _code(c):
    from dudao.surveys.models import SurveyCode

    round_ = _round(c, opened=True, codes=1)
    return SurveyCode.objects.filter(round=round_).values_list("code", flat=True).first()


def _r(path, instrument="phase_effectiveness", **kw):
    return lambda c: f"/surveys/rounds/{_round(c, instrument, **kw).pk}/{path}"


def _runner_row(name, route, path, instrument, post, **kw):
    return Row(
        name,
        route,
        _r(path, instrument, **{k: v for k, v in kw.items() if k in ("opened", "codes")}),
        READ,
        post=post,
        post_allowed=RUNNERS[instrument],
        post_only=True,
    )


ROWS = [
    Row(
        "surveys campaign",
        "surveys:campaign",
        lambda c: f"/surveys/campaigns/{c.campaign.pk}/?instrument=phase_effectiveness&page=1",
        READ | {"inspector"},
        lambda c: "测评结果",
    ),
    Row(
        "surveys unit A",
        "surveys:unit",
        lambda c: f"/surveys/units/{part(c).pk}/",
        READ,
        lambda c: c.unit_a.name,
    ),
    Row(
        "surveys unit B",
        "surveys:unit",
        lambda c: f"/surveys/units/{part(c, c.unit_b).pk}/",
        READ_ALL,
        lambda c: c.unit_b.name,
    ),
    Row(
        "surveys unit, other campaign",
        "surveys:unit",
        lambda c: f"/surveys/units/{other_part(c).pk}/",
        set(),
    ),
    Row(
        "survey round create (office's instrument)",
        "surveys:round_create",
        lambda c: f"/surveys/units/{part(c).pk}/new/",
        READ,
        post=lambda c: {"instrument": "phase_effectiveness"},
        post_allowed=OFFICE,
        post_only=True,
    ),
    Row(
        "survey round create (the unit's instrument)",
        "surveys:round_create",
        lambda c: f"/surveys/units/{part(c).pk}/new/",
        READ,
        post=lambda c: {"instrument": "rectification_survey", "expires_on": "2005-12-31"},
        post_allowed=RUNNERS["rectification_survey"],
        post_only=True,
    ),
    Row(
        "survey round",
        "surveys:round",
        _r(""),
        READ,
        lambda c: c.unit_a.name,
    ),
    Row(
        "survey round of unit B",
        "surveys:round",
        lambda c: f"/surveys/rounds/{_round(c, unit=c.unit_b).pk}/",
        READ_ALL,
    ),
    _runner_row(
        "survey sample",
        "surveys:round_sample",
        "sample/",
        "mass_satisfaction",
        lambda c: {"size": "5", "extra_codes": "1", "seed": "matrix"},
    ),
    Row(
        "survey sample sheet",
        "surveys:sample_xlsx",
        _r("sample.xlsx", "mass_satisfaction"),
        GROUP1,
    ),
    Row(
        "survey roll",
        "surveys:round_roll",
        _r("roll/", "mass_satisfaction"),
        GROUP1,
        shows=lambda c: "通报范围内的测评名单",
        post=lambda c: {},
        post_allowed=GROUP1,
    ),
    _runner_row(
        "survey codes",
        "surveys:round_codes",
        "codes/",
        "phase_effectiveness",
        lambda c: {"count": "3"},
    ),
    Row(
        "survey codes docx",
        "surveys:codes_docx",
        _r("codes.docx", codes=2),
        OFFICE,
    ),
    Row(
        "survey codes xlsx",
        "surveys:codes_xlsx",
        _r("codes.xlsx", codes=2),
        OFFICE,
    ),
    _runner_row(
        "survey open",
        "surveys:round_open",
        "open/",
        "rectification_survey",
        lambda c: {"expires_on": "2005-12-31"},
        codes=2,
    ),
    _runner_row(
        "survey open link",
        "surveys:round_open_link",
        "link/",
        "phase_effectiveness",
        lambda c: {"expires_on": "2005-12-31"},
    ),
    _runner_row(
        "survey close",
        "surveys:round_close",
        "close/",
        "rectification_survey",
        lambda c: {},
        opened=True,
        codes=2,
    ),
    _runner_row(
        "survey resurvey",
        "surveys:round_resurvey",
        "resurvey/",
        "phase_effectiveness",
        lambda c: {"reason": "矩阵重测"},
        opened=True,
        codes=1,
    ),
    _runner_row(
        "survey paper enter",
        "surveys:paper_enter",
        "paper/",
        "phase_effectiveness",
        lambda c: {"issued": "10", "returned": "9", "void": "1", "valid": "8"},
        opened=True,
    ),
    _runner_row(
        "survey paper confirm",
        "surveys:paper_confirm",
        "paper/confirm/",
        "phase_effectiveness",
        lambda c: {"issued": "10", "returned": "9", "void": "1", "valid": "8"},
        opened=True,
    ),
    # --- public answering pages -----------------------------------------------------------------
    Row(
        "survey start",
        "survey_start",
        lambda c: "/s/",
        EVERYONE,
        public=True,
        post=lambda c: {"code": "ABCD"},
    ),
    Row(
        "survey submit",
        "survey_submit",
        lambda c: "/s/submit/",
        EVERYONE,
        public=True,
        post=lambda c: {"code": "NOPE-NOPE"},
        post_only=True,
    ),
    Row(
        "survey open link page",
        "survey_open_link",
        lambda c: "/s/open/not-a-token/",
        EVERYONE,
        public=True,
    ),
    Row("survey code page", "survey_code", lambda c: f"/s/{_code(c)}/", EVERYONE, public=True),
]
