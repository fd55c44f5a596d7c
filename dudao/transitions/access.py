"""Who may do what in the transition workflow. Fetches answer 404 outside the user's scope
(through ``dudao.orgs.access``); a user who may see a unit but not act on it is refused by the
action with a Chinese message and the page does not offer the form.

| who | may |
|---|---|
| the unit's head or liaison | apply, record the summary-and-mobilisation meeting |
| a leader or member of the unit's supervision group | propose an extension; forward and order remedial work — the leader only, unless the template's `supervision.decides` says any member |
| the campaign office (and superusers) | approve, send back, decide extensions |
| leading group, inspectors | read |
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from dudao.campaigns.access import (
    get_campaign_for_user,
    get_group_for_user,
    get_participation_for_user,
    visible_participations,
)
from dudao.core.access import get_in_scope_or_404
from dudao.core.errors import AccessDenied
from dudao.core.permissions import Permits, allow, refuse
from dudao.orgs.access import scope_for

from . import rules
from .models import (
    OPEN_STATUSES,
    ApplicationStatus,
    ExtensionStatus,
    ParticipationEnd,
    PhaseExtension,
    TransitionApplication,
)

UNIT = "unit"
GROUP = "group"
OFFICE = "office"
LEADER = "leader"


def capabilities(user, participation) -> set[str]:
    scope = scope_for(user)
    caps: set[str] = set()
    if participation.unit_id in scope.units:
        caps.add(UNIT)
    if participation.group_id is not None and participation.group_id in scope.groups:
        caps.add(GROUP)
        if participation.group_id in scope.led_groups:
            caps.add(LEADER)
    if scope.is_superuser or participation.campaign_id in scope.office_campaigns:
        caps.add(OFFICE)
    return caps


WHO = {UNIT: "本单位主要负责人或联络员", GROUP: "本单位的督导组", OFFICE: "活动办公室"}


def require(user, participation, cap: str, doing: str) -> None:
    """Raise AccessDenied unless the user holds ``cap`` for this unit."""
    if cap not in capabilities(user, participation):
        raise AccessDenied(f"只有{WHO[cap]}可以{doing}。", code="forbidden")


# --- the one rule: what may this user do to this unit, application or extension now ----------

APPLICATION_ACTIONS = {
    # action: (who, what it is called in a refusal)
    "forward": (GROUP, "转报转段申请"),
    "remedial": (GROUP, "责令补课"),
    "approve": (OFFICE, "批准转段"),
    "send_back": (OFFICE, "退回转段申请"),
    "record_meeting": (UNIT, "登记小结和转段动员会"),
}


def who_name(user) -> str:
    if user is None:
        return "系统"
    return (user.get_full_name() or "").strip() or user.username


def when_text(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def last_decision(app: TransitionApplication) -> str:
    """One sentence saying who moved the application into its present state, and when."""
    s = ApplicationStatus
    if app.status == s.FORWARDED:
        return f"{who_name(app.group_decided_by)}已于{when_text(app.group_decided_at)}转报活动办"
    if app.status == s.REMEDIAL:
        return f"{who_name(app.group_decided_by)}已于{when_text(app.group_decided_at)}责令补课"
    if app.status == s.APPROVED:
        return f"{who_name(app.office_decided_by)}已于{when_text(app.office_decided_at)}批准转段"
    if app.status == s.SENT_BACK:
        return f"{who_name(app.office_decided_by)}已于{when_text(app.office_decided_at)}退回该申请"
    return f"{who_name(app.submitted_by)}已于{when_text(app.submitted_at)}提交该申请"


def office_states(app: TransitionApplication) -> set[str]:
    """States from which the office decides: forwarded, and for a unit that reports directly
    to the office (district level) also submitted."""
    allowed = {ApplicationStatus.FORWARDED}
    if app.participation.reports_directly:
        allowed.add(ApplicationStatus.SUBMITTED)
    return allowed


def _application_state_refusal(app: TransitionApplication, action: str) -> str:
    """Why ``action`` cannot be taken in the application's present state ("" when it can)."""
    s = ApplicationStatus
    doing = APPLICATION_ACTIONS[action][1]
    if action in ("forward", "remedial"):
        if app.status == s.SUBMITTED:
            return ""
    elif action in ("approve", "send_back"):
        if app.status in office_states(app):
            return ""
    elif action == "record_meeting":
        if app.status == s.APPROVED and app.to_phase:
            return ""
        return "只有已批准转入下一阶段的申请才能登记小结和转段动员会。"
    return f"{last_decision(app)}（当前状态：{app.get_status_display()}），不能{doing}。"


def transition_permits(user, obj) -> Permits:
    """What ``user`` may do now to a participation (apply, propose an extension), a transition
    application (forward, order remedial work, approve, send back, record the meeting) or a
    phase extension (decide it), each refusal with its reason.

    The pages show their buttons from it; the actions call ``.require(...)`` on it, once before
    and once after locking the row (the second sees the state another decider left)."""
    permits = Permits()
    if isinstance(obj, TransitionApplication):
        caps = capabilities(user, obj.participation)
        for action, (cap, doing) in APPLICATION_ACTIONS.items():
            if cap not in caps:
                permits.add(refuse(action, f"只有{WHO[cap]}可以{doing}。"))
                continue
            if (
                action in rules.GROUP_DECISION_KEYS
                and LEADER not in caps
                and rules.group_decider(obj.participation.campaign.template, action) == "leader"
            ):
                # The template keeps this decision with the leader (issue 13 §9).
                permits.add(
                    refuse(
                        action,
                        f"活动模板规定由督导组组长{doing}：组员的意见请报组长，由组长签发。",
                    )
                )
                continue
            reason = _application_state_refusal(obj, action)
            permits.add(refuse(action, reason, state=True) if reason else allow(action))
        return permits
    if isinstance(obj, PhaseExtension):
        caps = capabilities(user, obj.participation)
        if OFFICE not in caps:
            permits.add(refuse("decide_extension", f"只有{WHO[OFFICE]}可以决定阶段延期。"))
        elif obj.status != ExtensionStatus.PROPOSED:
            permits.add(
                refuse(
                    "decide_extension",
                    f"{who_name(obj.decided_by)}已于{when_text(obj.decided_at)}"
                    f"{obj.get_status_display()}。",
                    state=True,
                )
            )
        elif obj.participation.current_phase != obj.phase:
            permits.add(
                refuse(
                    "decide_extension", "该单位已转入下一阶段，这条延期建议不再适用。", state=True
                )
            )
        else:
            permits.add(allow("decide_extension"))
        return permits
    # a participation
    participation = obj
    caps = capabilities(user, participation)
    if UNIT not in caps:
        permits.add(refuse("apply", f"只有{WHO[UNIT]}可以提出转段申请。"))
    elif ParticipationEnd.objects.filter(participation=participation).exists():
        permits.add(
            refuse(
                "apply", f"{participation.unit_name}已结束集中教育，不能再申请转段。", state=True
            )
        )
    elif (
        open_app := TransitionApplication.objects.filter(
            participation=participation, status__in=OPEN_STATUSES
        )
        .select_related("participation", "submitted_by", "group_decided_by", "office_decided_by")
        .first()
    ) is not None:
        permits.add(
            refuse(
                "apply",
                f"已有一份转段申请尚未办结：{last_decision(open_app)}"
                f"（状态：{open_app.get_status_display()}）。请等待审核结果，不要重复申请。",
                state=True,
            )
        )
    else:
        permits.add(allow("apply"))
    if GROUP not in caps:
        permits.add(refuse("propose_extension", f"只有{WHO[GROUP]}可以建议延长阶段。"))
    else:
        spec = rules.phase_spec(participation.campaign.template, participation.current_phase)
        if spec is not None and not spec.get("extendable", True):
            name = spec.get("name", participation.current_phase)
            permits.add(
                refuse("propose_extension", f"活动模板规定“{name}”阶段不能延长。", state=True)
            )
        else:
            permits.add(allow("propose_extension"))
    return permits


def get_participation(user, participation_id):
    return get_participation_for_user(user, participation_id)


def get_participation_as(user, participation_id, cap: str):
    """The participation if the user holds ``cap`` on it; 404 otherwise (the page is not his)."""
    participation = get_participation_for_user(user, participation_id)
    if cap not in capabilities(user, participation):
        raise Http404("页面不存在或您无权访问")
    return participation


def get_application_for_user(user, application_id) -> TransitionApplication:
    return get_in_scope_or_404(
        TransitionApplication.objects.filter(
            participation__in=visible_participations(user)
        ).select_related(
            "participation__campaign__template",
            "participation__batch",
            "participation__group",
            "participation__unit",
            "submitted_by",
            "group_decided_by",
            "office_decided_by",
        ),
        application_id,
    )


def get_extension_for_user(user, extension_id) -> PhaseExtension:
    return get_in_scope_or_404(
        PhaseExtension.objects.filter(
            participation__in=visible_participations(user)
        ).select_related("participation__campaign__template", "participation__batch"),
        extension_id,
    )


def get_campaign_dashboard_for_user(user, campaign_id):
    """Office and leading group (and superusers) read the campaign-wide dashboard."""
    campaign = get_campaign_for_user(user, campaign_id)
    scope = scope_for(user)
    if not (scope.is_superuser or campaign.pk in scope.read_all_campaigns):
        raise Http404("页面不存在或您无权访问")
    return campaign


def get_group_dashboard_for_user(user, group_id):
    return get_group_for_user(user, group_id)
