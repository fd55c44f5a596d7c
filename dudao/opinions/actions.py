"""Every write of the opinions workflow. Each staff action: keyword-only arguments and an
explicit ``actor``; one transaction; rows locked (``select_for_update``) before their state is
checked; the permission asked of ``access.opinion_permits`` / ``unit_permits`` (the same
functions the pages use for their buttons); one audit event in the same transaction.

The public box (``leave_box_opinion``) is the exception on purpose: no actor, no audit event,
no time — only the date (docs/opinions.md, "The opinion box")."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from dudao.core.audit import record_event
from dudao.core.errors import DomainError, TransitionError
from dudao.orgs.models import Person
from dudao.rectification import actions as rect_actions
from dudao.rectification.models import SourceKind

from . import rules, similarity
from .access import opinion_permits, unit_permits
from .models import (
    TEAM_LEVEL,
    Channel,
    Feedback,
    FeedbackForm,
    FeedbackKind,
    GiverKind,
    Opinion,
    OpinionBand,
    OpinionBox,
    OpinionCategoryMark,
    Origin,
    Outcome,
    TargetKind,
)

MIN_TEXT = 2
MAX_TEXT = 2000


def _today() -> dt.date:
    return timezone.localdate()


def _event(actor, action: str, participation, *, target=None, reason="", data=None):
    record_event(
        actor=actor,
        action=action,
        target=target if target is not None else participation,
        campaign_id=participation.campaign_id,
        organisation_id=participation.unit_id,
        reason=reason,
        data=data or {},
    )


def clean_values(
    participation,
    *,
    channel: str,
    giver_kind: str,
    given_on,
    target_kind: str,
    target_person,
    text: str,
) -> dict:
    """The checked values of one opinion, or DomainError naming the field and what to do."""
    if channel not in Channel.values:
        raise DomainError("征求渠道不正确，请从列表中选择。", code="invalid")
    if giver_kind not in GiverKind.values:
        raise DomainError("意见来源不正确，请从列表中选择。", code="invalid")
    if target_kind not in TargetKind.values:
        raise DomainError("意见对象不正确，请选择单位党组织、领导班子或个人。", code="invalid")
    if not isinstance(given_on, dt.date):
        raise DomainError("请填写日期。", code="required")
    text = (text or "").replace("\x00", "").strip()
    if len(text) < MIN_TEXT:
        raise DomainError("请填写意见内容。", code="required")
    if len(text) > MAX_TEXT:
        raise DomainError(f"意见内容太长（最多 {MAX_TEXT} 字），请分成几条。", code="invalid")
    if target_kind == TargetKind.MEMBER:
        if target_person is None:
            raise DomainError("意见对象为个人时，请选择所提的党员。", code="required")
        if target_person.unit_id != participation.unit_id:
            raise DomainError("所提的党员不在本单位。", code="invalid")
    else:
        target_person = None
    return {
        "channel": channel,
        "giver_kind": giver_kind,
        "given_on": given_on,
        "target_kind": target_kind,
        "target_person": target_person,
        "text": text,
    }


def index_opinions(opinions) -> None:
    """Band keys for opinions already written (one entered, one from the box, rows an import
    changed): stored on each opinion's row (``Opinion.bands``), and in the suggestion index
    for those already classified."""
    opinions = list(opinions)
    if not opinions:
        return
    keys = similarity.band_keys_many([o.text for o in opinions])
    for o, k in zip(opinions, keys):
        o.bands = similarity.pack(k)
        Opinion.objects.filter(pk=o.pk).update(bands=o.bands)
    index_classified([o.pk for o in opinions if getattr(o, "classified", False)])


def index_classified(opinion_ids) -> None:
    """Put the band keys of the classified ones of ``opinion_ids`` into the campaign's
    suggestion index (``OpinionBand``), replacing what was there: set-based, one delete and
    one ``executemany``; calling it twice changes nothing."""
    ids = sorted(set(opinion_ids))
    if not ids:
        return
    OpinionBand.objects.filter(opinion_id__in=ids).delete()
    rows = [
        (pk, campaign_id, key)
        for pk, campaign_id, bands in Opinion.objects.filter(
            pk__in=ids, classified=True
        ).values_list("pk", "campaign_id", "bands")
        for key in similarity.unpack(bands)
    ]
    table = connection.ops.quote_name(OpinionBand._meta.db_table)
    sql = (
        f"INSERT INTO {table} (opinion_id, campaign_id, {connection.ops.quote_name('key')}) "
        "VALUES (%s, %s, %s)"
    )
    with connection.cursor() as cur:
        for i in range(0, len(rows), 10000):
            cur.executemany(sql, rows[i : i + 10000])


@transaction.atomic
def record_opinion(
    *,
    actor,
    participation,
    channel: str,
    giver_kind: str,
    given_on: dt.date,
    target_kind: str,
    text: str,
    target_person: Person | None = None,
    giver_note: str = "",
) -> Opinion:
    """One opinion entered by the unit, the group or the office (a phone form)."""
    unit_permits(actor, participation).require("record")
    values = clean_values(
        participation,
        channel=channel,
        giver_kind=giver_kind,
        given_on=given_on,
        target_kind=target_kind,
        target_person=target_person,
        text=text,
    )
    # A double submit (a second tap on a slow phone) must not record the opinion twice.
    if Opinion.objects.filter(
        participation=participation,
        given_on=values["given_on"],
        text=values["text"],
        target_kind=values["target_kind"],
        target_person=values["target_person"],
    ).exists():
        raise DomainError(
            "这条意见已经登记过了（同一天、同一内容），无需重复登记。", code="duplicate"
        )
    opinion = Opinion.objects.create(
        campaign_id=participation.campaign_id,
        participation=participation,
        origin=Origin.ENTERED,
        giver_note=(giver_note or "").strip()[:200],
        created_by=actor,
        **values,
    )
    index_opinions([opinion])
    _event(actor, "opinions.record", participation, target=opinion)
    return opinion


def _lock(opinion: Opinion) -> Opinion:
    locked = Opinion.objects.select_for_update(of=("self",)).get(pk=opinion.pk)
    locked.participation = opinion.participation
    return locked


def _check_version(locked: Opinion, expected_version) -> None:
    if expected_version is not None and int(expected_version) != locked.version:
        raise TransitionError("该意见已被他人修改，请刷新页面后再操作。", code="conflict")


@transaction.atomic
def classify_opinion(
    *, actor, opinion: Opinion, codes: list[str], expected_version: int | None = None
) -> Opinion:
    """Confirm the opinion's categories (several allowed; they replace the earlier ones). The
    opinions merged into it take the same categories."""
    locked = _lock(opinion)
    opinion_permits(actor, locked).require("classify")
    _check_version(locked, expected_version)
    names = rules.category_names(locked.participation.campaign.template)
    if not names:
        raise DomainError("本次活动的模板没有规定意见类别。", code="invalid")
    codes = list(dict.fromkeys(codes))
    unknown = [c for c in codes if c not in names]
    if unknown:
        raise DomainError("所选类别不在本次活动的类别中，请重新选择。", code="invalid")
    if not codes:
        raise DomainError("请至少选择一个类别。", code="required")
    before = sorted(locked.categories.values_list("code", flat=True))
    if before == sorted(codes):
        return locked
    family = [locked.pk, *Opinion.objects.filter(merged_into=locked).values_list("pk", flat=True)]
    OpinionCategoryMark.objects.filter(opinion_id__in=family).delete()
    OpinionCategoryMark.objects.bulk_create(
        [OpinionCategoryMark(opinion_id=pk, code=c) for pk in family for c in codes]
    )
    Opinion.objects.filter(pk__in=family).update(classified=True)
    index_classified(family)
    locked.classified = True
    locked.version += 1
    locked.save(update_fields=["classified", "version"])
    _event(
        actor,
        "opinions.classify",
        locked.participation,
        target=locked,
        data={"before": [names.get(c, c) for c in before], "after": [names[c] for c in codes]},
    )
    return locked


@transaction.atomic
def merge_opinions(*, actor, participation, keep: Opinion, others: list[Opinion]) -> Opinion:
    """Merge ``others`` into ``keep`` (合并同类意见): every original is kept and points at
    ``keep``, which counts them ("同类意见 N 条"); their categories join ``keep``'s."""
    unit_permits(actor, participation).require("merge")
    ids = sorted({keep.pk, *(o.pk for o in others)})
    rows = {o.pk: o for o in Opinion.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    if len(rows) != len(ids) or any(o.participation_id != participation.pk for o in rows.values()):
        raise DomainError("只能合并本单位的意见。", code="invalid")
    target = rows[keep.pk]
    if target.merged_into_id is not None or target.hidden:
        raise TransitionError("保留的意见已并入其他意见或已被屏蔽。", code="conflict")
    moving = []
    for pk in ids:
        if pk == target.pk:
            continue
        o = rows[pk]
        if o.hidden:
            raise TransitionError(f"意见“{o.text[:20]}”已被屏蔽，不能合并。", code="conflict")
        if o.merged_into_id == target.pk:
            continue
        if o.feedback_id is not None or o.rect_item_id is not None:
            raise TransitionError(
                f"意见“{o.text[:20]}”已反馈或已转为整改事项，不能再合并。", code="conflict"
            )
        moving.append(o)
    if not moving:
        return target
    moving_ids = [o.pk for o in moving]
    # An opinion that already had duplicates brings them along.
    children = list(
        Opinion.objects.filter(merged_into_id__in=moving_ids).values_list("pk", flat=True)
    )
    Opinion.objects.filter(pk__in=[*moving_ids, *children]).update(merged_into=target)
    codes = set(
        OpinionCategoryMark.objects.filter(opinion_id__in=[target.pk, *moving_ids]).values_list(
            "code", flat=True
        )
    )
    family = [target.pk, *Opinion.objects.filter(merged_into=target).values_list("pk", flat=True)]
    if codes:
        OpinionCategoryMark.objects.filter(opinion_id__in=family).delete()
        OpinionCategoryMark.objects.bulk_create(
            [OpinionCategoryMark(opinion_id=pk, code=c) for pk in family for c in sorted(codes)]
        )
        Opinion.objects.filter(pk__in=family).update(classified=True)
        index_classified(family)
    Opinion.objects.filter(pk=target.pk).update(version=target.version + 1)
    target.refresh_from_db()
    _event(
        actor,
        "opinions.merge",
        participation,
        target=target,
        data={"merged": moving_ids, "count": len(family)},
    )
    return target


@transaction.atomic
def unmerge_opinion(*, actor, opinion: Opinion) -> Opinion:
    """Take a wrongly merged opinion out of its group again."""
    locked = _lock(opinion)
    opinion_permits(actor, locked).require("unmerge")
    into = locked.merged_into_id
    locked.merged_into = None
    locked.version += 1
    locked.save(update_fields=["merged_into", "version"])
    _event(actor, "opinions.unmerge", locked.participation, target=locked, data={"from": into})
    return locked


@transaction.atomic
def feed_back(
    *,
    actor,
    participation,
    opinions: list[Opinion],
    form: str,
    fed_back_on: dt.date,
    outcome: str,
    text: str = "",
    outcome_note: str = "",
) -> Feedback:
    """Feed opinions back (反馈): team-level ones collectively, individual ones to the person
    they are aimed at (all of one person in one feedback). Each opinion gets the outcome, and so
    do the duplicates merged into it (seed 001 §三(一): "集体反馈…及时向党员本人反馈")."""
    unit_permits(actor, participation).require("feed_back")
    if form not in FeedbackForm.values:
        raise DomainError("请选择反馈形式。", code="required")
    if outcome not in Outcome.values or outcome == Outcome.RECTIFICATION:
        raise DomainError("请选择办理结果（已答复、已采纳或已说明情况）。", code="required")
    if not isinstance(fed_back_on, dt.date):
        raise DomainError("请填写反馈日期。", code="required")
    if fed_back_on > _today():
        raise DomainError("反馈日期不能晚于今天。", code="invalid")
    if not opinions:
        raise DomainError("请至少选择一条意见。", code="required")
    ids = sorted({o.pk for o in opinions})
    rows = list(Opinion.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(rows) != len(ids) or any(o.participation_id != participation.pk for o in rows):
        raise DomainError("只能反馈本单位的意见。", code="invalid")
    for o in rows:
        o.participation = participation
        opinion_permits(actor, o).require("feed_back")
    team = [o for o in rows if o.target_kind in TEAM_LEVEL]
    personal = [o for o in rows if o.target_kind == TargetKind.MEMBER]
    if team and personal:
        raise DomainError(
            "对班子（单位）的意见集体反馈，对个人的意见向本人反馈：请分开选择。", code="invalid"
        )
    person_id = None
    if personal:
        people = {o.target_person_id for o in personal}
        if len(people) > 1:
            raise DomainError(
                "个别反馈一次只能反馈给一名党员，请只选同一人的意见。", code="invalid"
            )
        (person_id,) = people
    feedback = Feedback.objects.create(
        participation=participation,
        kind=FeedbackKind.INDIVIDUAL if personal else FeedbackKind.COLLECTIVE,
        form=form,
        fed_back_on=fed_back_on,
        person_id=person_id,
        text=(text or "").strip(),
        created_by=actor,
    )
    note = (outcome_note or "").strip()
    family = Opinion.objects.filter(Q(pk__in=ids) | Q(merged_into_id__in=ids))
    # An opinion already turned into an item keeps that outcome; the feedback tells it.
    family.exclude(outcome=Outcome.RECTIFICATION).update(outcome=outcome, outcome_note=note)
    family.update(feedback=feedback)
    Opinion.objects.filter(pk__in=ids).update(version=F("version") + 1)
    _event(
        actor,
        "opinions.feed_back",
        participation,
        target=feedback,
        data={"opinions": ids, "kind": feedback.kind, "form": form, "outcome": outcome},
    )
    return feedback


@transaction.atomic
def turn_into_item(
    *,
    actor,
    opinion: Opinion,
    rect_class: str,
    measures: str,
    problem: str = "",
    deadline: dt.date | None = None,
):
    """Create a rectification item from the opinion through the rectification app's action and
    link both ways: the opinion's ``rect_item``, the item's source (opinion, this id)."""
    locked = _lock(opinion)
    opinion_permits(actor, locked).require("to_rectification")
    level = {
        TargetKind.MEMBER: "individual",
        TargetKind.TEAM: "leadership",
        TargetKind.ORGANISATION: "organisation",
    }[locked.target_kind]
    item = rect_actions.create_item(
        actor=actor,
        participation=locked.participation,
        level=level,
        person=locked.target_person,
        problem=(problem or "").strip() or locked.text,
        rect_class=rect_class,
        measures=measures,
        source_kind=SourceKind.OPINION,
        source_id=locked.pk,
        deadline=deadline,
    )
    locked.rect_item = item
    locked.outcome = Outcome.RECTIFICATION
    locked.version += 1
    locked.save(update_fields=["rect_item", "outcome", "version"])
    Opinion.objects.filter(merged_into=locked).update(outcome=Outcome.RECTIFICATION)
    _event(
        actor,
        "opinions.to_rectification",
        locked.participation,
        target=locked,
        data={"item": item.pk},
    )
    return item


@transaction.atomic
def hide_opinion(*, actor, opinion: Opinion, reason: str) -> Opinion:
    """Moderation (屏蔽): the opinion stays stored but is no longer counted or shown; a reason
    is required and audited."""
    locked = _lock(opinion)
    opinion_permits(actor, locked).require("hide")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写屏蔽理由。", code="required")
    locked.hidden = True
    locked.hidden_reason = reason[:200]
    locked.version += 1
    locked.save(update_fields=["hidden", "hidden_reason", "version"])
    _event(actor, "opinions.hide", locked.participation, target=locked, reason=reason)
    return locked


# --- the public opinion box -------------------------------------------------------------------


@transaction.atomic
def open_box(*, actor, participation) -> OpinionBox:
    unit_permits(actor, participation).require("open_box")
    box = OpinionBox.objects.filter(participation=participation).first()
    if box is not None:
        if not box.is_open:
            box.is_open = True
            box.save(update_fields=["is_open"])
            _event(actor, "opinions.open_box", participation, target=box)
        return box
    box = OpinionBox.objects.create(
        participation=participation, token=secrets.token_urlsafe(16)[:22], opened_by=actor
    )
    _event(actor, "opinions.open_box", participation, target=box)
    return box


@transaction.atomic
def close_box(*, actor, participation) -> OpinionBox:
    unit_permits(actor, participation).require("open_box")
    box = OpinionBox.objects.select_for_update().get(participation=participation)
    if box.is_open:
        box.is_open = False
        box.save(update_fields=["is_open"])
        _event(actor, "opinions.close_box", participation, target=box)
    return box


BOX_MESSAGES = {
    "unknown": "意见箱不存在或已关闭。",
    "full": "今天本单位意见箱收到的意见已达上限，请明天再来，或通过热线电话反映。",
    "device_full": "本设备今天提交的意见已达上限，请明天再来。",
    "duplicate": "今天已收到内容相同的意见，无需重复提交。",
    "ok": "您的意见已收到，谢谢！",
}


@transaction.atomic
def leave_box_opinion(
    *, token: str, text: str, target_kind: str, giver_kind: str, device_count: int = 0
) -> tuple[Opinion | None, str]:
    """An opinion left in a unit's public box: (opinion, "ok") or (None, why).

    Stored: the text, whom it is aimed at (the organisation or the team: a member cannot be
    named from outside), what the giver says he is, and the date. Not stored: any account,
    address, device identifier or time; no audit event (it would carry a time). Abuse is limited
    without identity: a daily cap per box (template), the device's own count (kept in its
    cookie, ``device_count``) and identical texts of the same day refused."""
    box = (
        OpinionBox.objects.select_related("participation__campaign__template")
        .filter(token=str(token)[:32], is_open=True)
        .first()
    )
    if box is None:
        return None, "unknown"
    p = box.participation
    template = p.campaign.template
    if device_count >= rules.device_daily_limit(template):
        return None, "device_full"
    if target_kind not in TEAM_LEVEL:
        raise DomainError("请选择意见对象（单位党组织或领导班子）。", code="invalid")
    if giver_kind not in GiverKind.values:
        giver_kind = GiverKind.ANONYMOUS
    today = _today()
    # The box row serialises the day's count: two posts at once cannot both pass the cap.
    OpinionBox.objects.select_for_update().filter(pk=box.pk).first()
    todays = Opinion.objects.filter(participation=p, origin=Origin.BOX, given_on=today)
    if todays.count() >= rules.box_daily_limit(template):
        return None, "full"
    values = clean_values(
        p,
        channel=Channel.BOX,
        giver_kind=giver_kind,
        given_on=today,
        target_kind=target_kind,
        target_person=None,
        text=text,
    )
    norm = similarity.normalise(values["text"])
    if any(similarity.normalise(t) == norm for t in todays.values_list("text", flat=True)):
        return None, "duplicate"
    opinion = Opinion.objects.create(
        campaign_id=p.campaign_id, participation=p, origin=Origin.BOX, **values
    )
    index_opinions([opinion])
    return opinion, "ok"
