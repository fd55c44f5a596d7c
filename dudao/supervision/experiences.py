"""Every write of typical experiences (典型经验, issue 13 §4; seed 004: typical experiences
nominated and promoted). Same shape as ``actions``: keyword-only arguments, an explicit
``actor``, one transaction, the row locked before its state is checked, the permission asked of
``access.experience_permits`` (the page asks it too), one audit event."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from dudao.core.audit import record_event
from dudao.core.errors import AccessDenied, DomainError, TransitionError

# The attachment check is the rectification app's (photos and office documents, content
# matched to the extension): one rule for what the product accepts as evidence.
from dudao.rectification.actions import _attachment_kind as check_attachment

from .access import experience_permits, may_nominate, visible_experiences
from .actions import _clean_token, _required
from .models import ExperienceAttachment, ExperienceStatus, NoticeEvent, TypicalExperience
from .notify import group_staff, notify, office_staff, quoted, unit_staff

MAX_ATTACHMENTS = 9


def _event(actor, action: str, exp: TypicalExperience, *, reason: str = "", data=None):
    record_event(
        actor=actor,
        action=action,
        target=exp,
        campaign_id=exp.campaign_id,
        organisation_id=exp.participation.unit_id,
        reason=reason,
        data={"status": exp.status, "version": exp.version, **(data or {})},
    )


def _tell(actor, exp: TypicalExperience, event: str, recipients, text: str) -> None:
    """Notify, inside the action's transaction, whoever of ``recipients`` may open the
    experience now (``visible_experiences``: a unit only once it is published)."""
    notify(
        event=event,
        recipients=recipients,
        text=text,
        can_see=lambda u: visible_experiences(u).filter(pk=exp.pk).exists(),
        url_name="supervision:experience",
        url_arg=exp.pk,
        exclude=actor,
        key=f"experience:{exp.pk}:{exp.version}",
    )


def _to_office(actor, exp: TypicalExperience, again: bool = False) -> None:
    group = exp.group.name if exp.group_id else "督导组"
    what = "修改后重新报送了" if again else "推荐了"
    _tell(
        actor,
        exp,
        NoticeEvent.EXPERIENCE_NOMINATED,
        office_staff(exp.campaign_id),
        f"{group}{what}典型经验{quoted(exp.title)}（{exp.participation.unit_name}），请审核。",
    )


def _lock(exp: TypicalExperience, expected_version) -> TypicalExperience:
    locked = TypicalExperience.objects.select_for_update().get(pk=exp.pk)
    locked.participation = exp.participation
    if expected_version is not None and int(expected_version) != locked.version:
        raise TransitionError("该典型经验已被他人修改，请刷新页面后再操作。", code="conflict")
    return locked


def _check_links(participation, visits, documents) -> tuple[list, list]:
    visits, documents = list(visits or ()), list(documents or ())
    if any(v.participation_id != participation.pk for v in visits):
        raise DomainError("相关调研记录须是该单位的。", code="invalid")
    if any(d.participation_id != participation.pk for d in documents):
        raise DomainError("相关文书须是该单位的。", code="invalid")
    return visits, documents


def _attach(exp: TypicalExperience, files) -> int:
    files = list(files or ())
    if exp.attachments.count() + len(files) > MAX_ATTACHMENTS:
        raise DomainError(f"附件最多 {MAX_ATTACHMENTS} 个。", code="invalid")
    for upload in files:
        check_attachment(upload)
    for upload in files:
        ExperienceAttachment.objects.create(
            experience=exp,
            file=upload,
            original_name=(upload.name or "")[:255],
            size=upload.size,
            content_type=(getattr(upload, "content_type", "") or "")[:100],
        )
    return len(files)


@transaction.atomic
def nominate_experience(
    *,
    actor,
    participation,
    title: str,
    practice: str,
    evidence: str = "",
    visits=(),
    documents=(),
    files=(),
    client_token: str = "",
) -> tuple[TypicalExperience, bool]:
    """A group nominates a unit's practice with its evidence (text, attachments, linked
    records). Returns ``(experience, created)``: the same form sent twice nominates once."""
    if not may_nominate(actor, participation):
        raise AccessDenied("只有负责该单位的督导组可以推荐典型经验。", code="forbidden")
    token = _clean_token(client_token)
    existing = TypicalExperience.objects.filter(nominated_by=actor, client_token=token).first()
    if existing is not None:
        return existing, False
    title = _required(title, "标题")[:200]
    practice = _required(practice, "主要做法")
    visits, documents = _check_links(participation, visits, documents)
    try:
        with transaction.atomic():
            exp = TypicalExperience.objects.create(
                campaign_id=participation.campaign_id,
                participation=participation,
                group_id=participation.group_id,
                title=title,
                practice=practice,
                evidence=(evidence or "").replace("\x00", "").strip(),
                client_token=token,
                nominated_by=actor,
            )
    except IntegrityError:
        return TypicalExperience.objects.get(nominated_by=actor, client_token=token), False
    exp.participation = participation
    exp.visits.set(visits)
    exp.documents.set(documents)
    count = _attach(exp, files)
    _event(
        actor,
        "supervision.nominate_experience",
        exp,
        data={
            "visits": [v.pk for v in visits],
            "documents": [d.pk for d in documents],
            "attachments": count,
        },
    )
    _to_office(actor, exp)
    return exp, True


@transaction.atomic
def edit_experience(
    *,
    actor,
    experience: TypicalExperience,
    title: str,
    practice: str,
    evidence: str = "",
    files=(),
    expected_version=None,
) -> TypicalExperience:
    """The office edits the text before it approves or publishes; the group rewrites one the
    office returned."""
    locked = _lock(experience, expected_version)
    experience_permits(actor, locked).require("edit")
    before = {"title": locked.title, "practice": locked.practice, "evidence": locked.evidence}
    locked.title = _required(title, "标题")[:200]
    locked.practice = _required(practice, "主要做法")
    locked.evidence = (evidence or "").replace("\x00", "").strip()
    count = _attach(locked, files)
    locked.version += 1
    locked.save(update_fields=["title", "practice", "evidence", "version"])
    changed = [k for k, v in before.items() if getattr(locked, k) != v]
    _event(
        actor,
        "supervision.edit_experience",
        locked,
        data={"changed": changed, "attachments": count},
    )
    return locked


@transaction.atomic
def renominate_experience(
    *, actor, experience: TypicalExperience, expected_version=None
) -> TypicalExperience:
    locked = _lock(experience, expected_version)
    experience_permits(actor, locked).require("renominate")
    locked.status = ExperienceStatus.NOMINATED
    locked.version += 1
    locked.save(update_fields=["status", "version"])
    _event(actor, "supervision.renominate_experience", locked)
    _to_office(actor, locked, again=True)
    return locked


@transaction.atomic
def approve_experience(
    *, actor, experience: TypicalExperience, expected_version=None
) -> TypicalExperience:
    locked = _lock(experience, expected_version)
    experience_permits(actor, locked).require("approve")
    locked.status = ExperienceStatus.APPROVED
    locked.approved_by = actor
    locked.approved_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "approved_by", "approved_at", "version"])
    _event(actor, "supervision.approve_experience", locked)
    _tell(
        actor,
        locked,
        NoticeEvent.EXPERIENCE_APPROVED,
        group_staff(locked.group_id),
        f"典型经验{quoted(locked.title)}（{locked.participation.unit_name}）已由活动办审定。",
    )
    return locked


@transaction.atomic
def return_experience(
    *, actor, experience: TypicalExperience, reason: str, expected_version=None
) -> TypicalExperience:
    """Back to the group, with what to change."""
    locked = _lock(experience, expected_version)
    experience_permits(actor, locked).require("return")
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise DomainError("退回须写明理由（还需补充或修改什么）。", code="reason_required")
    locked.status = ExperienceStatus.RETURNED
    locked.return_reason = reason
    locked.approved_by = None
    locked.approved_at = None
    locked.version += 1
    locked.save(update_fields=["status", "return_reason", "approved_by", "approved_at", "version"])
    _event(actor, "supervision.return_experience", locked, reason=reason)
    _tell(
        actor,
        locked,
        NoticeEvent.EXPERIENCE_RETURNED,
        group_staff(locked.group_id),
        f"典型经验{quoted(locked.title)}（{locked.participation.unit_name}）被活动办退回修改："
        f"{reason[:120]}",
    )
    return locked


@transaction.atomic
def publish_experience(
    *, actor, experience: TypicalExperience, expected_version=None
) -> TypicalExperience:
    """Published: the bulletin may pick it (``selectors.published_experiences``)."""
    locked = _lock(experience, expected_version)
    experience_permits(actor, locked).require("publish")
    locked.status = ExperienceStatus.PUBLISHED
    locked.published_by = actor
    locked.published_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "published_by", "published_at", "version"])
    _event(actor, "supervision.publish_experience", locked)
    # The group that nominated it, and the unit whose practice it is (the unit may open its
    # own published experiences).
    _tell(
        actor,
        locked,
        NoticeEvent.EXPERIENCE_PUBLISHED,
        group_staff(locked.group_id) + unit_staff(locked.participation),
        f"典型经验{quoted(locked.title)}（{locked.participation.unit_name}）已由活动办发布。",
    )
    return locked
