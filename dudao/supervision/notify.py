"""In-app notifications and the mail a user opted into (issue 13 §8).

``notify`` is called inside an action's transaction: it writes the notification rows there (so
they exist exactly when the change does) and sends the mail after commit. It keeps only the
recipients who may see the object (``can_see(user) -> bool``, built on the access layer): nobody
is told about what he may not open.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction

from dudao.orgs.models import Role, RoleAssignment

from .models import NoticeEvent, Notification, NotificationPreference

UNIT_ROLES = (Role.UNIT_HEAD, Role.UNIT_LIAISON)
GROUP_ROLES = (Role.GROUP_LEADER, Role.GROUP_MEMBER)


def quoted(title: str, limit: int = 60) -> str:
    """A title in a notice, in double quotes; quotes inside it become single ones, as Chinese
    typography nests them: 典型经验“党员‘一岗一责’承诺公示” (not ““…””)."""
    inner = (title or "")[:limit].replace("“", "‘").replace("”", "’")
    return f"“{inner}”"


def unit_staff(participation) -> list:
    ids = RoleAssignment.objects.filter(
        organisation_id=participation.unit_id, role__in=UNIT_ROLES
    ).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def group_staff(group_id, *, leaders_only: bool = False) -> list:
    if group_id is None:
        return []
    roles = (Role.GROUP_LEADER,) if leaders_only else GROUP_ROLES
    ids = RoleAssignment.objects.filter(group_id=group_id, role__in=roles).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def office_staff(campaign_id) -> list:
    ids = RoleAssignment.objects.filter(campaign_id=campaign_id, role=Role.OFFICE).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def leading_group_staff(campaign_id) -> list:
    """The members of the campaign's leading group (领导小组: ``Role.LEADING_GROUP``)."""
    ids = RoleAssignment.objects.filter(campaign_id=campaign_id, role=Role.LEADING_GROUP).values(
        "user_id"
    )
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def inspection_group_staff(inspection_group_id) -> list:
    ids = RoleAssignment.objects.filter(
        inspection_group_id=inspection_group_id, role=Role.INSPECTOR
    ).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def preferences(user) -> dict[str, NotificationPreference]:
    """Every event's preference for ``user`` (unsaved defaults where he chose nothing: in the
    app yes, by mail no)."""
    saved = {p.event: p for p in NotificationPreference.objects.filter(user=user)}
    return {
        e.value: saved.get(e.value)
        or NotificationPreference(user=user, event=e.value, in_app=True, mail=False)
        for e in NoticeEvent
    }


def notify(
    *,
    event: str,
    recipients,
    text: str,
    can_see,
    url_name: str = "",
    url_arg: int | None = None,
    exclude=None,
    key: str = "",
) -> list[Notification]:
    """Notify each recipient who may see the object (``can_see``) and wants this event."""
    seen: set[int] = set()
    chosen = []
    for user in recipients:
        if user is None or user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        if not can_see(user):
            continue
        chosen.append(user)
    if key and chosen:
        told = set(
            Notification.objects.filter(user__in=chosen, key=key).values_list("user_id", flat=True)
        )
        chosen = [u for u in chosen if u.pk not in told]
    if not chosen:
        return []
    prefs = {
        (p.user_id, p.event): p
        for p in NotificationPreference.objects.filter(user__in=chosen, event=event)
    }
    rows, mail_to = [], []
    for user in chosen:
        pref = prefs.get((user.pk, event))
        if pref is None or pref.in_app:
            rows.append(
                Notification(
                    user=user,
                    event=event,
                    text=text[:300],
                    url_name=url_name,
                    url_arg=url_arg,
                    key=key,
                )
            )
        if pref is not None and pref.mail and user.email:
            mail_to.append(user.email)
    created = Notification.objects.bulk_create(rows)
    if mail_to:
        subject = f"督导通：{NoticeEvent(event).label}"

        def _send():
            # After commit: a rolled-back change sends no mail; a mail failure undoes nothing.
            for address in mail_to:
                send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)

        transaction.on_commit(_send)
    return created
