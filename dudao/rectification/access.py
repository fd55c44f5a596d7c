"""Who sees and does what with rectification items (issue 11 §10), and the one permits
function per workflow (``item_permits``) that the item page and every action ask.

| who | sees | may |
|---|---|---|
| office (and superusers) | every item of its campaign | sign off where the template names the office |
| leading group, inspectors | the units in their scope (read) | inspectors check regulations |
| supervision group | its units' items | order items, sign off, decide extensions |
| unit head / liaison | the unit's items | create, import, post progress, apply to close, ask for an extension, explain; the head signs off |
| owner (牵头 with an account) | his items | post progress, apply to close, ask for an extension |
| the public | a published list only | — |
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from dudao.campaigns.access import get_participation_for_user
from dudao.campaigns.models import Participation
from dudao.core.access import NOT_FOUND, get_in_scope_or_404
from dudao.core.permissions import Permits, allow, refuse
from dudao.orgs.access import scope_for

from . import rules
from .models import CloseApplication, CloseStatus, Extension, ExtensionStatus, Item, ItemStatus

OWNER, UNIT, HEAD, GROUP, OFFICE = "owner", "unit", "head", "group", "office"
INSPECTOR = "inspector"


def visible_items(user) -> QuerySet[Item]:
    scope = scope_for(user)
    qs = Item.objects.all()
    if scope.is_superuser:
        return qs
    if user is None or not user.is_authenticated:
        return qs.none()
    parts = Q(owner_id=user.pk)
    if scope.read_all_campaigns:
        parts |= Q(campaign_id__in=scope.read_all_campaigns)
    if scope.groups or scope.units or scope.inspection:
        visible = Participation.objects.filter(scope.participation_q()).values("pk")
        parts |= Q(participation_id__in=visible)
    return qs.filter(parts)


def get_item_for_user(user, item_id) -> Item:
    return get_in_scope_or_404(
        visible_items(user).select_related(
            "participation__campaign__template", "participation__unit", "owner", "lead_person"
        ),
        item_id,
    )


def participation_caps(user, participation) -> set[str]:
    scope = scope_for(user)
    caps: set[str] = set()
    if participation.unit_id in scope.units:
        caps.add(UNIT)
    if participation.unit_id in scope.head_units:
        caps.add(HEAD)
    if participation.group_id is not None and participation.group_id in scope.groups:
        caps.add(GROUP)
    if scope.is_superuser or participation.campaign_id in scope.office_campaigns:
        caps.add(OFFICE)
    if scope.inspection:
        # Seed 000: roving inspection groups check the departments assigned to them.
        path = participation.unit.path
        for campaign_id, paths in scope.inspection.values():
            if campaign_id == participation.campaign_id and any(path.startswith(x) for x in paths):
                caps.add(INSPECTOR)
    return caps


def item_caps(user, item: Item) -> set[str]:
    caps = participation_caps(user, item.participation)
    if user is not None and user.is_authenticated and item.owner_id == user.pk:
        caps.add(OWNER)
    return caps


def get_participation(user, participation_id) -> Participation:
    return get_participation_for_user(user, participation_id)


def get_participation_as(user, participation_id, *caps: str) -> Participation:
    """The unit's participation if the user holds one of ``caps`` on it; 404 otherwise."""
    p = get_participation_for_user(user, participation_id)
    if not participation_caps(user, p) & set(caps):
        raise Http404(NOT_FOUND)
    return p


def may_create(user, participation) -> bool:
    return bool(participation_caps(user, participation) & {UNIT, GROUP, OFFICE})


def pending_close(item: Item) -> CloseApplication | None:
    return item.close_applications.filter(status=CloseStatus.PENDING).first()


def pending_extension(item: Item) -> Extension | None:
    return item.extensions.filter(status=ExtensionStatus.PENDING).first()


SIGNOFF_CAP = {"unit_head": HEAD, "group": GROUP, "office": OFFICE}


def item_permits(user, item: Item) -> Permits:
    """What ``user`` may do to ``item`` now, and why not. The page shows the allowed buttons;
    each action calls ``item_permits(actor, item).require(action)`` after locking the row."""
    caps = item_caps(user, item)
    permits = Permits()
    working = caps & {OWNER, UNIT}
    status = item.status
    not_open = f"该事项当前状态为“{item.get_status_display()}”。"

    def gate(action: str, who_ok: bool, who: str, state_ok: bool, state_reason: str = not_open):
        if not who_ok:
            permits.add(refuse(action, f"只有{who}可以进行此操作。"))
        elif not state_ok:
            permits.add(refuse(action, state_reason))
        else:
            permits.add(allow(action))

    gate("edit", bool(caps & {UNIT, GROUP}), "本单位或督导组", status == ItemStatus.OPEN)
    gate(
        "post_progress",
        bool(working),
        "责任人或本单位",
        status in (ItemStatus.OPEN, ItemStatus.CLOSING),
    )
    gate("apply_close", bool(working), "责任人或本单位", status == ItemStatus.OPEN)
    gate("explain", bool(caps & {UNIT}), "本单位", status == ItemStatus.OPEN)
    gate(
        "look_back",
        UNIT in caps,
        "本单位",
        status in (ItemStatus.OPEN, ItemStatus.EXPLAINED),
    )
    ext = pending_extension(item) if status == ItemStatus.OPEN else None
    gate(
        "request_extension",
        bool(working),
        "责任人或本单位",
        status == ItemStatus.OPEN and ext is None,
        "已有延期申请待审批。" if ext is not None else not_open,
    )
    gate("decide_extension", GROUP in caps, "督导组", ext is not None, "没有待审批的延期申请。")
    application = pending_close(item) if status == ItemStatus.CLOSING else None
    if application is None:
        permits.add(refuse("sign_off", "没有待审批的办结申请。"))
    else:
        roles = rules.signoff_roles(item.participation.campaign.template)
        role = roles[min(application.stage, len(roles) - 1)]
        if SIGNOFF_CAP[role] in caps:
            permits.add(allow("sign_off"))
        else:
            permits.add(refuse("sign_off", f"本环节由{rules.SIGNOFF_LABELS[role]}审批办结申请。"))
    return permits
