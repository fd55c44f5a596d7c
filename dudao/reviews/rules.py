"""Document rules read from the campaign template (``document_kinds``, ``checklists``) and who
may submit or review a document. Code knows the roles; the template says which apply."""

from __future__ import annotations

from dataclasses import dataclass, field

from dudao.core.errors import DomainError
from dudao.core.permissions import Permits, allow, refuse
from dudao.orgs.access import scope_for
from dudao.orgs.models import Role, RoleAssignment

SCORE_CHOICES = [(2, "符合"), (1, "基本符合"), (0, "不符合")]

SUBMITTER_LABELS = {
    "unit": "参加单位",
    "member": "党员本人",
    "leadership_member": "班子成员本人",
    "branch": "党支部",
    "group": "督导组",
}
REVIEWER_LABELS = {
    "group": "督导组",
    "branch": "党支部书记",
    "office": "活动办公室",
    "unit": "本单位",
    "higher_organisation": "上级党组织（活动办公室代行）",
}
PUBLICITY_LABELS = {"branch": "在支部内公示", "unit": "在本单位公示", "public": "向社会公开"}
ENDORSEMENT_LABELS = {
    "branch_meeting": "支部大会讨论通过",
    "higher_organisation": "上级党组织审批",
    "public_commitment": "公开承诺",
}


@dataclass
class Kind:
    code: str
    name: str
    submitted_by: str
    reviewed_by: str
    min_review_rounds: int = 1
    checklist_code: str | None = None
    checklist_name: str = ""
    checklist_items: list[dict] = field(default_factory=list)
    publicity: str | None = None
    endorsement: str | None = None
    check_copying: bool = False
    then_reported_to: str | None = None

    @property
    def personal(self) -> bool:
        return self.submitted_by in ("member", "leadership_member")

    @property
    def submitter_label(self) -> str:
        return SUBMITTER_LABELS.get(self.submitted_by, self.submitted_by)

    @property
    def reviewer_label(self) -> str:
        return REVIEWER_LABELS.get(self.reviewed_by, self.reviewed_by)

    @property
    def publicity_label(self) -> str:
        return PUBLICITY_LABELS.get(self.publicity or "", "")

    @property
    def endorsement_label(self) -> str:
        return ENDORSEMENT_LABELS.get(self.endorsement or "", "")


def kinds(campaign) -> dict[str, Kind]:
    data = campaign.template.data
    checklists = data.get("checklists", {}) or {}
    out: dict[str, Kind] = {}
    for spec in data.get("document_kinds", []) or []:
        cl = checklists.get(spec.get("checklist") or "", {})
        out[spec["code"]] = Kind(
            code=spec["code"],
            name=spec["name"],
            submitted_by=spec["submitted_by"],
            reviewed_by=spec["reviewed_by"],
            min_review_rounds=int(spec.get("min_review_rounds", 1)),
            checklist_code=spec.get("checklist"),
            checklist_name=cl.get("name", ""),
            checklist_items=list(cl.get("items", [])),
            publicity=(spec.get("publicity") or {}).get("scope"),
            endorsement=(spec.get("endorsement") or {}).get("by"),
            check_copying=bool(spec.get("check_copying")),
            then_reported_to=spec.get("then_reported_to"),
        )
    return out


def kind_for(campaign, code: str) -> Kind:
    found = kinds(campaign).get(code)
    if found is None:
        listed = "、".join(k.name for k in kinds(campaign).values()) or "（模板未定义文书种类）"
        raise DomainError(f"文书类型“{code}”不在本活动模板中；可提交的有：{listed}。")
    return found


# --- who may submit --------------------------------------------------------------------------


def _roles(user, **where) -> bool:
    return RoleAssignment.objects.filter(user=user, **where).exists()


def is_unit_staff(user, participation) -> bool:
    return _roles(
        user, organisation_id=participation.unit_id, role__in=[Role.UNIT_HEAD, Role.UNIT_LIAISON]
    )


def is_group_staff(user, participation) -> bool:
    return participation.group_id is not None and _roles(
        user, group_id=participation.group_id, role__in=[Role.GROUP_LEADER, Role.GROUP_MEMBER]
    )


def is_branch_secretary_of(user, person) -> bool:
    return person is not None and _roles(
        user, organisation_id=person.branch_id, role=Role.BRANCH_SECRETARY
    )


def is_office(user, campaign) -> bool:
    return user.is_superuser or _roles(user, campaign_id=campaign.pk, role=Role.OFFICE)


def check_submitter(*, actor, participation, kind: Kind, author) -> None:
    """Raise DomainError unless ``actor`` may submit a document of ``kind`` for ``author``."""
    if kind.personal:
        if author is None:
            raise DomainError(f"“{kind.name}”是个人材料：请选择本人（党员）。")
        if author.unit_id != participation.unit_id:
            raise DomainError(f"{author.name}不是“{participation.unit_name}”的党员。")
        if kind.submitted_by == "leadership_member" and not author.is_leadership:
            raise DomainError(f"“{kind.name}”由班子成员提交，{author.name}不是班子成员。")
    elif author is not None:
        raise DomainError(f"“{kind.name}”是单位材料，不属于个人：请不要选择本人。")
    if actor.is_superuser:
        return
    if kind.submitted_by == "group":
        if is_group_staff(actor, participation):
            return
        raise DomainError(f"“{kind.name}”由督导组提交。")
    allowed = is_unit_staff(actor, participation)
    if kind.personal:
        own = getattr(author, "user_id", None) == actor.pk
        allowed = allowed or own or is_branch_secretary_of(actor, author)
    elif kind.submitted_by == "branch":
        allowed = allowed or _roles(
            actor, role=Role.BRANCH_SECRETARY, organisation__unit_id=participation.unit_id
        )
    if allowed:
        return
    if is_group_staff(actor, participation) or scope_for(actor).read_all_campaigns:
        # Seeds 000/004: 指导不包办 — supervisors guide, they do not write the unit's papers.
        raise DomainError(
            f"督导组和活动办公室只指导、不包办：“{kind.name}”应由{kind.submitter_label}提交。"
        )
    raise DomainError(f"您不能提交“{participation.unit_name}”的“{kind.name}”。")


# --- who may review --------------------------------------------------------------------------


def may_review(user, document, kind: Kind | None = None) -> bool:
    kind = kind or kind_for(document.campaign, document.kind)
    participation = document.participation
    if user.is_superuser:
        return True
    if kind.reviewed_by == "group":
        return is_group_staff(user, participation)
    if kind.reviewed_by == "branch":
        return is_branch_secretary_of(user, document.author)
    if kind.reviewed_by in ("office", "higher_organisation"):
        return is_office(user, document.campaign)
    if kind.reviewed_by == "unit":
        return is_unit_staff(user, participation)
    return False


def check_reviewer(user, document, kind: Kind) -> None:
    if not may_review(user, document, kind):
        raise DomainError(f"“{kind.name}”由{kind.reviewer_label}审核，您不是本文书的审核人。")


# --- who records publicity and endorsement ---------------------------------------------------


def _higher_organisation_ids(participation) -> list[int]:
    """The organisations above the unit (its path without itself)."""
    path = participation.unit.path if participation.unit_id else ""
    return [int(part) for part in path.strip("/").split("/")[:-1] if part]


def is_higher_organisation_staff(user, participation) -> bool:
    """An account (head or liaison) of an organisation above the unit."""
    ids = _higher_organisation_ids(participation)
    return bool(ids) and _roles(
        user, organisation_id__in=ids, role__in=[Role.UNIT_HEAD, Role.UNIT_LIAISON]
    )


def may_record_publicity(user, document) -> bool:
    """Publicity is recorded by the submitting side (unit, branch secretary) or the office."""
    return (
        user.is_superuser
        or is_unit_staff(user, document.participation)
        or is_branch_secretary_of(user, document.author)
        or is_office(user, document.campaign)
    )


def may_record_endorsement(user, document, kind: Kind) -> bool:
    """Nobody certifies himself (issue 10): an approval by the higher organisation is recorded
    by that organisation's account or the office, never by the unit; a branch meeting's vote by
    the branch secretary, the unit or the office; a public commitment by the unit or office."""
    if user.is_superuser or is_office(user, document.campaign):
        return True
    if kind.endorsement == "higher_organisation":
        return is_higher_organisation_staff(user, document.participation)
    return is_unit_staff(user, document.participation) or is_branch_secretary_of(
        user, document.author
    )


def may_record_milestone(user, document) -> bool:
    """Whether the user may record any milestone of the document (publicity or endorsement)."""
    kind = kinds(document.campaign).get(document.kind)
    return may_record_publicity(user, document) or (
        kind is not None and may_record_endorsement(user, document, kind)
    )


# --- the one rule: what may this user do to this document now --------------------------------


def review_permits(user, document, kind: Kind | None = None) -> Permits:
    """``submit`` (a new version), ``comment``, ``check_comment``, ``decide``, ``reply`` (in a
    comment's thread), ``publicity`` and ``endorsement``, each allowed or refused with its reason. The detail page shows its forms
    from it; the actions call ``.require(...)``."""
    from .models import DocumentStatus, MilestoneKind

    permits = Permits()
    kind = kind or kinds(document.campaign).get(document.kind)
    if kind is None:
        reason = f"文书类型“{document.kind}”不在本活动模板中。"
        for action in (
            "submit",
            "comment",
            "check_comment",
            "decide",
            "reply",
            "publicity",
            "endorsement",
        ):
            permits.add(refuse(action, reason))
        return permits
    status = document.status
    status_label = document.get_status_display()

    try:
        check_submitter(
            actor=user, participation=document.participation, kind=kind, author=document.author
        )
    except DomainError as exc:
        permits.add(refuse("submit", exc.message))
    else:
        if status in (DocumentStatus.DRAFT, DocumentStatus.RETURNED):
            permits.add(allow("submit"))
        else:
            permits.add(
                refuse(
                    "submit", f"“{document}”当前为“{status_label}”，不能提交新版本。", state=True
                )
            )

    reviewer = may_review(user, document, kind)
    for action, state_reason in (
        ("comment", "只有待审核的文书可以批注。"),
        ("check_comment", "只有待审核的文书可以核对批注。"),
        ("decide", f"“{document}”当前为“{status_label}”，没有待审核的稿件。"),
    ):
        if not reviewer:
            permits.add(
                refuse(action, f"“{kind.name}”由{kind.reviewer_label}审核，您不是本文书的审核人。")
            )
        elif status != DocumentStatus.SUBMITTED:
            permits.add(refuse(action, state_reason, state=True))
        else:
            permits.add(allow(action))

    # A comment's thread (issue 13 §8): the submitting side answers, the reviewer answers back.
    if not (reviewer or permits.may("submit") or permits.refused_by_state("submit")):
        permits.add(refuse("reply", "只有提交单位和审核人可以答复审核意见。"))
    elif status not in (DocumentStatus.SUBMITTED, DocumentStatus.RETURNED):
        permits.add(
            refuse("reply", f"“{document}”当前为“{status_label}”，不能再答复审核意见。", state=True)
        )
    else:
        permits.add(allow("reply"))

    recorded = set(document.milestones.values_list("kind", flat=True))
    # publicity
    if not may_record_publicity(user, document):
        permits.add(refuse("publicity", "公示情况由提交单位、支部书记或活动办公室登记。"))
    elif status != DocumentStatus.APPROVED:
        permits.add(refuse("publicity", "文书审核通过后才能登记公示或审议情况。", state=True))
    elif not kind.publicity:
        permits.add(refuse("publicity", f"模板未要求“{kind.name}”公示。", state=True))
    elif MilestoneKind.PUBLICITY in recorded:
        permits.add(refuse("publicity", f"“{document}”的公示情况已登记。", state=True))
    else:
        permits.add(allow("publicity"))
    # endorsement
    label = kind.endorsement_label or "审议"
    if not may_record_endorsement(user, document, kind):
        if kind.endorsement == "higher_organisation":
            reason = (
                f"“{label}”由上级党组织的账号或活动办公室登记，"
                "本单位不能自己登记对本单位文书的审批。"
            )
        else:
            reason = f"“{label}”由提交单位、支部书记或活动办公室登记。"
        permits.add(refuse("endorsement", reason))
    elif status != DocumentStatus.APPROVED:
        permits.add(refuse("endorsement", "文书审核通过后才能登记公示或审议情况。", state=True))
    elif not kind.endorsement:
        permits.add(refuse("endorsement", f"模板未要求“{kind.name}”审议或审批。", state=True))
    elif kind.publicity and MilestoneKind.PUBLICITY not in recorded:
        permits.add(
            refuse(
                "endorsement",
                f"请先登记{kind.publicity_label}情况，再登记{kind.endorsement_label}。",
                state=True,
            )
        )
    elif MilestoneKind.ENDORSEMENT in recorded:
        permits.add(refuse("endorsement", f"“{document}”的{label}情况已登记。", state=True))
    else:
        permits.add(allow("endorsement"))
    return permits
