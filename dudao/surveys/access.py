"""Permission-checked fetches of survey rounds. Outside a user's scope: 404 (ids never leak).

Who sees a round: whoever sees its unit (``visible_participations``). Who runs it depends on
the instrument's ``run_by`` in the template:

| run_by | who opens, issues codes, closes, enters paper ballots |
|---|---|
| office | the campaign office |
| group, higher_organisation | the office, and the unit's supervision group (seed 004: 上一级党组织组织实施, 督导组抽样) |
| unit, branch | the office, and the unit's head and liaison |

Sampling follows ``sampling.by``: the unit's supervision group for ``group`` (seed 004), the
office for ``office``/``higher_organisation``. Results are shown to everyone who sees the unit.
"""

from __future__ import annotations

from django.http import Http404

from dudao.campaigns.access import visible_participations
from dudao.core.access import get_in_scope_or_404
from dudao.core.permissions import Permits, allow, refuse
from dudao.orgs.access import scope_for

from .instruments import RUNNER_LABELS, get_instrument
from .models import PaperBallotSheet, SurveyRound


def visible_rounds(user, campaign=None):
    qs = SurveyRound.objects.filter(participation__in=visible_participations(user, campaign))
    return qs


def get_round_for_user(user, round_id) -> SurveyRound:
    return get_in_scope_or_404(
        visible_rounds(user).select_related(
            "campaign__template", "participation__group", "participation__unit", "subject_person"
        ),
        round_id,
    )


def may_run(user, participation, inst: dict) -> bool:
    scope = scope_for(user)
    if scope.is_superuser or participation.campaign_id in scope.office_campaigns:
        return True
    run_by = inst["run_by"]
    if run_by in ("group", "higher_organisation"):
        return participation.group_id is not None and participation.group_id in scope.groups
    if run_by in ("unit", "branch"):
        return participation.unit_id in scope.units
    return False


def may_sample(user, participation, inst: dict) -> bool:
    sampling = inst.get("sampling") or {}
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if sampling.get("by") == "group":
        return participation.group_id is not None and participation.group_id in scope.groups
    return participation.campaign_id in scope.office_campaigns or (
        not sampling and may_run(user, participation, inst)
    )


def round_instrument(round_: SurveyRound) -> dict:
    return get_instrument(round_.campaign.template.data, round_.instrument)


RUN_ACTIONS = ("issue_codes", "print_codes", "open", "open_link", "close", "resurvey", "paper")
SAMPLE_ACTIONS = ("sample",)


def survey_permits(user, round_: SurveyRound) -> Permits:
    """Who may run this round now (issue codes, print them, open, close, resurvey, enter paper
    ballots) and who may draw its sample, each refusal with its reason. The pages show their
    buttons from it; the views answer 403 with the reason to someone who sees the round but
    may not run it; the actions call ``.require(...)``. The round's state (preparing, open,
    closed) is judged by the actions, which lock the round."""
    inst = round_instrument(round_)
    permits = Permits()
    runner = RUNNER_LABELS.get(inst["run_by"], inst["run_by"])
    run = may_run(user, round_.participation, inst)
    for action in RUN_ACTIONS:
        permits.add(
            allow(action) if run else refuse(action, f"“{inst['name']}”由{runner}组织实施。")
        )
    sampling = inst.get("sampling") or {}
    sampler = "督导组" if sampling.get("by") == "group" else "活动办公室"
    permits.add(
        allow("sample")
        if may_sample(user, round_.participation, inst)
        else refuse("sample", f"“{inst['name']}”的样本由{sampler}抽取。")
    )
    return permits


def get_round_for(user, round_id, action: str) -> SurveyRound:
    """The round, if the user sees it (404 otherwise); 403 with the reason when he may not take
    ``action`` on it."""
    from django.core.exceptions import PermissionDenied

    round_ = get_round_for_user(user, round_id)
    permits = survey_permits(user, round_)
    if not permits.may(action):
        raise PermissionDenied(permits.reason(action))
    return round_


def get_round_for_runner(user, round_id, action: str = "print_codes") -> SurveyRound:
    """For the runner's own pages (the code sheets): 404 to anyone else, viewers too — a page
    that is not his is not shown to exist. POSTs use ``get_round_for`` (403 with the reason)."""
    round_ = get_round_for_user(user, round_id)
    if not survey_permits(user, round_).may(action):
        raise Http404("测评不存在或您无权操作")
    return round_


def get_paper_sheet_for_runner(user, round_id) -> PaperBallotSheet:
    round_ = get_round_for(user, round_id, "paper")
    sheet = PaperBallotSheet.objects.filter(round=round_).select_related("round").first()
    if sheet is None:
        raise Http404("本轮尚未录入纸质票")
    return sheet
