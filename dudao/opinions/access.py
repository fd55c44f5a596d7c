"""Who sees and does what with opinions, and the one permits function per workflow
(``opinion_permits``) that the opinion page and every action ask.

| who | sees | may |
|---|---|---|
| office (and superusers) | every opinion of its campaign | record, import, classify, merge, hide |
| leading group, inspectors in scope | the units' opinions (read) | — |
| supervision group | its units' opinions | record, import, classify, merge, hide box opinions, turn into items |
| unit head / liaison | the unit's opinions | record, import, classify, merge, open the box, feed back, turn into items |
| a member | only what is aimed at him, never who gave it (``aimed_at``) | — |
| the public | the box's page | leave an opinion |
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from dudao.campaigns.access import get_participation_for_user
from dudao.campaigns.models import Participation
from dudao.core.access import NOT_FOUND, get_in_scope_or_404
from dudao.core.permissions import Permits, allow, refuse
from dudao.orgs.access import scope_for
from dudao.rectification.access import GROUP, OFFICE, UNIT, participation_caps

from .models import Opinion, TargetKind

__all__ = ["GROUP", "OFFICE", "UNIT", "participation_caps"]

# The columns a member may see of an opinion aimed at him: no giver, no channel detail that
# names a person, no one who recorded it.
MEMBER_COLUMNS = ("pk", "given_on", "text", "outcome", "feedback__fed_back_on", "feedback__form")


def visible_opinions(user) -> QuerySet[Opinion]:
    scope = scope_for(user)
    qs = Opinion.objects.all()
    if scope.is_superuser:
        return qs
    if user is None or not user.is_authenticated:
        return qs.none()
    parts = Q(pk__in=[])
    if scope.read_all_campaigns:
        parts |= Q(campaign_id__in=scope.read_all_campaigns)
    if scope.groups or scope.units or scope.inspection:
        visible = Participation.objects.filter(scope.participation_q()).values("pk")
        parts |= Q(participation_id__in=visible)
    return qs.filter(parts)


def aimed_at(user) -> QuerySet:
    """The opinions aimed at the user's own person, as rows of ``MEMBER_COLUMNS`` only (the
    giver's kind and note are never selected), merged duplicates once, hidden ones left out."""
    person = getattr(user, "person", None) if user is not None and user.is_authenticated else None
    if person is None:
        return Opinion.objects.none().values(*MEMBER_COLUMNS)
    return (
        Opinion.objects.filter(
            target_kind=TargetKind.MEMBER,
            target_person=person,
            hidden=False,
            merged_into__isnull=True,
        )
        .order_by("-given_on", "pk")
        .values(*MEMBER_COLUMNS)
    )


def get_opinion_for_user(user, opinion_id) -> Opinion:
    return get_in_scope_or_404(
        visible_opinions(user).select_related(
            "participation__campaign__template", "participation__unit", "target_person", "feedback"
        ),
        opinion_id,
    )


def get_participation(user, participation_id) -> Participation:
    return get_participation_for_user(user, participation_id)


def get_participation_as(user, participation_id, *caps: str) -> Participation:
    """The unit's participation if the user holds one of ``caps`` on it; 404 otherwise."""
    p = get_participation_for_user(user, participation_id)
    if not participation_caps(user, p) & set(caps):
        raise Http404(NOT_FOUND)
    return p


RECORDERS = {UNIT, GROUP, OFFICE}
SORTERS = {UNIT, GROUP, OFFICE}
MODERATORS = {GROUP, OFFICE}


def may_record(user, participation) -> bool:
    return bool(participation_caps(user, participation) & RECORDERS)


def unit_permits(user, participation) -> Permits:
    """What ``user`` may do on a unit's opinion register."""
    caps = participation_caps(user, participation)
    permits = Permits()

    def gate(action, who: set, label: str):
        if caps & who:
            permits.add(allow(action))
        else:
            permits.add(refuse(action, f"只有{label}可以进行此操作。"))

    gate("record", RECORDERS, "本单位、督导组或活动办公室")
    gate("import", RECORDERS, "本单位、督导组或活动办公室")
    gate("merge", SORTERS, "本单位、督导组或活动办公室")
    gate("feed_back", {UNIT}, "本单位")
    gate("open_box", {UNIT, OFFICE}, "本单位或活动办公室")
    gate("moderate", MODERATORS, "督导组或活动办公室")
    return permits


def opinion_permits(user, opinion: Opinion) -> Permits:
    """What ``user`` may do to ``opinion`` now, and why not. The page shows the allowed
    buttons; each action asks the same after locking the row."""
    caps = participation_caps(user, opinion.participation)
    permits = Permits()

    def gate(action: str, who: set, label: str, state_ok: bool, state_reason: str = ""):
        if not caps & who:
            permits.add(refuse(action, f"只有{label}可以进行此操作。"))
        elif not state_ok:
            permits.add(refuse(action, state_reason, state=True))
        else:
            permits.add(allow(action))

    live = not opinion.hidden
    hidden = "该意见已被屏蔽。"
    merged = "该意见已并入同类意见，请在同类意见上操作。"
    gate(
        "classify",
        SORTERS,
        "本单位、督导组或活动办公室",
        live and opinion.merged_into_id is None,
        hidden if not live else merged,
    )
    gate(
        "feed_back",
        {UNIT},
        "本单位",
        live and opinion.merged_into_id is None and opinion.feedback_id is None,
        hidden if not live else (merged if opinion.merged_into_id else "该意见已反馈。"),
    )
    gate(
        "to_rectification",
        {UNIT, GROUP},
        "本单位或督导组",
        live and opinion.merged_into_id is None and opinion.rect_item_id is None,
        hidden if not live else (merged if opinion.merged_into_id else "该意见已转为整改事项。"),
    )
    gate("hide", MODERATORS, "督导组或活动办公室", live, hidden)
    gate(
        "unmerge",
        SORTERS,
        "本单位、督导组或活动办公室",
        opinion.merged_into_id is not None and opinion.feedback_id is None,
        "该意见未并入其他意见，或已反馈。",
    )
    return permits
