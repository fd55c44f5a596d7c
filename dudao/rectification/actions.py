"""Every write of the rectification workflow. Each action: keyword-only arguments and an
explicit ``actor``; one transaction; the item row locked (``select_for_update``) before its
state is checked; the permission asked of ``access.item_permits`` (the same function the page
uses for its buttons); one audit event in the same transaction."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dudao.core.audit import record_event
from dudao.core.errors import AccessDenied, DomainError, TransitionError
from dudao.reviews.models import DocumentStatus, DocumentVersion

from . import rules
from .access import item_permits, may_create, pending_close, pending_extension
from .models import (
    Attachment,
    AttachmentKind,
    CloseApplication,
    CloseStatus,
    Extension,
    ExtensionStatus,
    Item,
    ItemStatus,
    Level,
    ProgressUpdate,
    Publication,
    RectClass,
    SignOff,
    SourceKind,
)

# Attachments: what a phone takes and what offices write. Limits are the deployment's (not a
# campaign rule); 10 MB is the request limit in settings (DATA_UPLOAD_MAX_MEMORY_SIZE).
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = {"jpg": b"\xff\xd8\xff", "jpeg": b"\xff\xd8\xff", "png": b"\x89PNG", "webp": b"RIFF"}
DOCUMENT_TYPES = {"pdf": b"%PDF", "docx": b"PK\x03\x04", "xlsx": b"PK\x03\x04"}
ITEM_FIELDS = (
    "level",
    "problem",
    "source_kind",
    "source_id",
    "rect_class",
    "measures",
    "target",
    "expected_effect",
    "lead_name",
    "lead_post",
    "co_owners",
    "deadline",
)


def _today() -> dt.date:
    return timezone.localdate()


def _required(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(f"请填写{what}。", code="required")
    return text


def _event(actor, action: str, item: Item, *, reason: str = "", data: dict | None = None):
    record_event(
        actor=actor,
        action=action,
        target=item,
        campaign_id=item.campaign_id,
        organisation_id=item.participation.unit_id,
        reason=reason,
        data={"status": item.status, "version": item.version, **(data or {})},
    )


def _lock(item: Item) -> Item:
    locked = (
        Item.objects.select_for_update(of=("self",)).select_related("participation").get(pk=item.pk)
    )
    locked.participation = item.participation  # keep the loaded campaign and template
    return locked


def _check_values(template, values: dict) -> None:
    if values.get("level") not in Level.values:
        raise DomainError("整改层级不正确。", code="invalid")
    if values.get("rect_class") not in RectClass.values:
        raise DomainError("整改类别不正确。", code="invalid")
    if values.get("source_kind") not in SourceKind.values:
        raise DomainError("问题来源不正确。", code="invalid")
    _required(values.get("problem", ""), "问题")
    _required(values.get("measures", ""), "整改措施")


@transaction.atomic
def create_item(
    *,
    actor,
    participation,
    level: str,
    problem: str,
    rect_class: str,
    measures: str,
    source_kind: str = SourceKind.OTHER,
    source_id: int | None = None,
    target: str = "",
    expected_effect: str = "",
    lead_name: str = "",
    lead_post: str = "",
    lead_person=None,
    owner=None,
    co_owners: str = "",
    deadline: dt.date | None = None,
    person=None,
    number: int | None = None,
) -> Item:
    """A new item in the unit's ledger. Without a deadline it gets the class's default from the
    template (seed 001: each class has its own time frame)."""
    if not may_create(actor, participation):
        raise AccessDenied("只有本单位、督导组或活动办公室可以登记整改事项。", code="forbidden")
    template = participation.campaign.template
    values = {
        "level": level,
        "problem": problem,
        "rect_class": rect_class,
        "measures": measures,
        "source_kind": source_kind,
    }
    _check_values(template, values)
    if deadline is None:
        deadline = rules.default_deadline(template, rect_class, _today())
    if owner is None and lead_person is not None and lead_person.user_id:
        owner = lead_person.user
    if number is None:
        last = Item.objects.filter(participation=participation).aggregate(n=Max("number"))["n"]
        number = (last or 0) + 1
    item = Item.objects.create(
        campaign_id=participation.campaign_id,
        participation=participation,
        number=number,
        level=level,
        person=person,
        problem=problem.strip(),
        source_kind=source_kind,
        source_id=source_id,
        rect_class=rect_class,
        measures=measures.strip(),
        target=target.strip(),
        expected_effect=expected_effect.strip(),
        lead_name=lead_name.strip() or (lead_person.name if lead_person else ""),
        lead_post=lead_post.strip() or (lead_person.position if lead_person else ""),
        lead_person=lead_person,
        owner=owner,
        co_owners=co_owners.strip(),
        deadline=deadline,
        original_deadline=deadline,
        created_by=actor,
    )
    _event(actor, "rectification.create_item", item, data={"number": number})
    return item


@transaction.atomic
def update_item(*, actor, item: Item, changes: dict, expected_version: int | None = None) -> Item:
    """Change an open item's fields (not its deadline once set: that is an extension)."""
    locked = _lock(item)
    item_permits(actor, locked).require("edit")
    if expected_version is not None and int(expected_version) != locked.version:
        raise TransitionError("该事项已被他人修改，请刷新页面后再改。", code="conflict")
    before = {}
    for name, value in changes.items():
        if name not in ITEM_FIELDS or name == "deadline":
            continue
        if getattr(locked, name) != value:
            before[name] = getattr(locked, name)
            setattr(locked, name, value)
    if not before:
        return locked
    _check_values(
        locked.participation.campaign.template, {f: getattr(locked, f) for f in ITEM_FIELDS}
    )
    locked.version += 1
    locked.save(update_fields=[*before, "version", "updated_at"])
    _event(actor, "rectification.update_item", locked, data={"before": before})
    return locked


def _attachment_kind(upload) -> tuple[str, str]:
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise DomainError(f"附件“{name}”超过 10 MB，请压缩后再上传。", code="too_large")
    head = upload.read(8)
    upload.seek(0)
    for table, kind in (
        (PHOTO_TYPES, AttachmentKind.PHOTO),
        (DOCUMENT_TYPES, AttachmentKind.DOCUMENT),
    ):
        if ext in table:
            if not head.startswith(table[ext]):
                raise DomainError(f"附件“{name}”的内容与扩展名不符。", code="bad_type")
            return kind, ext
    raise DomainError(
        f"附件“{name}”类型不支持：照片请用 jpg、png、webp，文档请用 pdf、docx、xlsx。",
        code="bad_type",
    )


@transaction.atomic
def post_progress(
    *, actor, item: Item, happened_on: dt.date, text: str, files=()
) -> ProgressUpdate:
    locked = _lock(item)
    item_permits(actor, locked).require("post_progress")
    text = _required(text, "进展情况")
    if happened_on > _today():
        raise DomainError("进展日期不能晚于今天。", code="invalid")
    kinds = [_attachment_kind(f) for f in files]
    update = ProgressUpdate.objects.create(
        item=locked, happened_on=happened_on, text=text, author=actor
    )
    for upload, (kind, _ext) in zip(files, kinds):
        Attachment.objects.create(
            update=update,
            kind=kind,
            file=upload,
            original_name=(upload.name or "")[:255],
            size=upload.size,
            content_type=(getattr(upload, "content_type", "") or "")[:100],
        )
    _event(
        actor,
        "rectification.post_progress",
        locked,
        data={"update": update.pk, "on": happened_on.isoformat(), "attachments": len(kinds)},
    )
    return update


@transaction.atomic
def apply_to_close(*, actor, item: Item, evidence: str) -> CloseApplication:
    """申请办结. Refused without evidence: a description and at least one attachment (photo
    or document) posted with the item's progress."""
    locked = _lock(item)
    item_permits(actor, locked).require("apply_close")
    evidence = (evidence or "").strip()
    if not evidence:
        raise DomainError("申请办结须说明整改完成情况和佐证材料。", code="no_evidence")
    if not Attachment.objects.filter(update__item=locked).exists():
        raise DomainError(
            "申请办结须有佐证材料：请先在整改进展中上传照片或文档。", code="no_evidence"
        )
    application = CloseApplication.objects.create(item=locked, evidence=evidence, applied_by=actor)
    locked.status = ItemStatus.CLOSING
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    _event(actor, "rectification.apply_close", locked, data={"application": application.pk})
    return application


@transaction.atomic
def sign_off_close(*, actor, item: Item, accept: bool, reason: str = "") -> CloseApplication:
    """One sign-off of the pending close application, by the role the template names for its
    stage. The last acceptance closes the item; a refusal (with a reason) reopens it."""
    locked = _lock(item)
    item_permits(actor, locked).require("sign_off")
    application = CloseApplication.objects.select_for_update().get(pk=pending_close(locked).pk)
    roles = rules.signoff_roles(locked.participation.campaign.template)
    role = roles[min(application.stage, len(roles) - 1)]
    reason = (reason or "").strip()
    if not accept and not reason:
        raise DomainError("不同意办结须写明理由。", code="reason_required")
    SignOff.objects.create(
        application=application, role=role, accepted=accept, reason=reason, decided_by=actor
    )
    if not accept:
        application.status = CloseStatus.REFUSED
        locked.status = ItemStatus.OPEN
    elif application.stage + 1 >= len(roles):
        application.status = CloseStatus.ACCEPTED
        application.stage += 1
        locked.status = ItemStatus.CLOSED
        locked.closed_on = _today()
    else:
        application.stage += 1
    application.save(update_fields=["status", "stage"])
    locked.version += 1
    locked.save(update_fields=["status", "closed_on", "version", "updated_at"])
    _event(
        actor,
        "rectification.sign_off" if accept else "rectification.refuse_close",
        locked,
        reason=reason,
        data={"application": application.pk, "role": role},
    )
    return application


@transaction.atomic
def request_extension(*, actor, item: Item, new_deadline: dt.date, reason: str) -> Extension:
    locked = _lock(item)
    item_permits(actor, locked).require("request_extension")
    reason = _required(reason, "延期理由")
    if new_deadline <= locked.deadline:
        raise DomainError("延期后的时限须晚于现在的完成时限。", code="invalid")
    ext = Extension.objects.create(
        item=locked,
        reason=reason,
        old_deadline=locked.deadline,
        new_deadline=new_deadline,
        requested_by=actor,
    )
    _event(
        actor,
        "rectification.request_extension",
        locked,
        reason=reason,
        data={"extension": ext.pk, "to": new_deadline.isoformat()},
    )
    return ext


@transaction.atomic
def decide_extension(*, actor, item: Item, approve: bool, reason: str = "") -> Extension:
    """The group approves (the deadline moves; the original stays on the item) or refuses
    (with a reason)."""
    locked = _lock(item)
    item_permits(actor, locked).require("decide_extension")
    ext = Extension.objects.select_for_update().get(pk=pending_extension(locked).pk)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise DomainError("不批准延期须写明理由。", code="reason_required")
    ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    ext.decided_by = actor
    ext.decided_at = timezone.now()
    ext.decision_reason = reason
    ext.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    if approve:
        locked.deadline = ext.new_deadline
        locked.version += 1
        locked.save(update_fields=["deadline", "version", "updated_at"])
    _event(
        actor,
        "rectification.approve_extension" if approve else "rectification.refuse_extension",
        locked,
        reason=reason,
        data={"extension": ext.pk, "original_deadline": locked.original_deadline.isoformat()},
    )
    return ext


@transaction.atomic
def explain_item(*, actor, item: Item, explanation: str) -> Item:
    """暂不能解决: a written explanation to the public (seed 001: "对政策有明确规定解决不了的
    问题，要向基层和群众说明情况"), carried over where the template says so."""
    locked = _lock(item)
    item_permits(actor, locked).require("explain")
    locked.explanation = _required(explanation, "向群众说明的情况")
    locked.status = ItemStatus.EXPLAINED
    locked.carried_over = bool(
        rules.spec_of(locked.participation.campaign.template).get("carry_over_unsolvable")
    )
    locked.version += 1
    locked.save(update_fields=["explanation", "status", "carried_over", "version", "updated_at"])
    _event(actor, "rectification.explain", locked, data={"carried_over": locked.carried_over})
    return locked


@transaction.atomic
def publish_list(*, actor, participation) -> Publication:
    """公示: the unit's list at a login-free address. Publishing again keeps the address."""
    from .access import UNIT, participation_caps

    if UNIT not in participation_caps(actor, participation):
        raise AccessDenied("只有本单位可以公示整改清单。", code="forbidden")
    pub = Publication.objects.select_for_update().filter(participation=participation).first()
    if pub is None:
        pub = Publication.objects.create(
            participation=participation, token=secrets.token_urlsafe(16)[:22], published_by=actor
        )
    elif pub.withdrawn_at is not None:
        pub.withdrawn_at = None
        pub.published_by = actor
        pub.save(update_fields=["withdrawn_at", "published_by"])
    else:
        return pub
    record_event(
        actor=actor,
        action="rectification.publish",
        target=pub,
        campaign_id=participation.campaign_id,
        organisation_id=participation.unit_id,
    )
    return pub


@transaction.atomic
def items_from_plan(*, actor, participation, document, picks: dict[int, str]) -> list[Item]:
    """Items from the passages a person picked in an approved rectification plan (issue 11
    §1): ``picks`` maps a passage's index to its class (立即 / 近期 / 逐步整改). Each becomes an
    item of the plan's level (a member's own plan: his items), its problem and measures the
    passage as approved, its source the plan's approved version, its deadline the class's
    default. A passage already made into an item is left alone, so a double submit or a second
    pick of the same passage adds nothing."""
    if not may_create(actor, participation):
        raise AccessDenied("只有本单位、督导组或活动办公室可以登记整改事项。", code="forbidden")
    kinds = rules.plan_documents(participation.campaign.template)
    if document.participation_id != participation.pk or document.kind not in kinds:
        raise DomainError("这份文书不是本单位的整改方案。")
    if document.status != DocumentStatus.APPROVED:
        raise DomainError("整改方案审核通过后，才能从中选取整改事项。")
    if not picks:
        raise DomainError("请至少勾选一段作为整改事项。")
    version = DocumentVersion.objects.filter(document=document).order_by("-number").first()
    passages = rules.plan_passages(version.text if version else "")
    level = kinds[document.kind]
    person = document.author if level == Level.INDIVIDUAL else None
    existing = set(
        Item.objects.filter(
            participation=participation, source_kind=SourceKind.PLAN, source_id=version.pk
        ).values_list("problem", flat=True)
    )
    made = []
    for index in sorted(picks):
        if not 0 <= index < len(passages):
            raise DomainError(f"第 {index + 1} 段不在这份整改方案中，请刷新页面后重选。")
        text = passages[index]
        if text in existing:
            continue
        made.append(
            create_item(
                actor=actor,
                participation=participation,
                level=level,
                person=person,
                problem=text,
                measures=text,
                rect_class=picks[index],
                source_kind=SourceKind.PLAN,
                source_id=version.pk,
                lead_person=person,
            )
        )
        existing.add(text)
    return made
