"""Reads of the surveys app: populations, audiences and results (set-based)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Count, Q, Sum

from dudao.campaigns.models import Campaign
from dudao.campaigns.requirements.ports import SurveyOutcome
from dudao.core.idlists import in_ids
from dudao.orgs.models import OrgKind, Person, Role, RoleAssignment

from .instruments import decide, get_instrument
from .models import PaperCount, PaperEntry, PaperStatus, RoundStatus, SurveyRound, Tally

# --- populations -----------------------------------------------------------------------------


def unit_population(participation, inst: dict):
    """The unit's members who may be asked (minus the instrument's excluded categories)."""
    qs = Person.objects.filter(unit_id=participation.unit_id)
    excluded = inst.get("exclude_categories") or []
    return qs.exclude(category__in=excluded) if excluded else qs


def tested_members(participation, inst: dict) -> list[Person]:
    """Members whose self-analysis is tested: all members of the unit except the excluded
    categories (seed 001: 离退休职工党员可以不…接受满意度测评)."""
    return list(
        unit_population(participation, inst).select_related("branch__parent").order_by("pk")
    )


def member_role(person: Person, head_people: set[int]) -> str:
    """Seed 001's four cases, most specific first: the unit head; leadership-team members;
    other leading cadres (section level and above); ordinary members."""
    if person.pk in head_people:
        return "unit_head"
    if person.is_leadership:
        return "leadership_member"
    if person.cadre_level and person.cadre_level != "none":
        return "leader"
    return "member"


AUDIENCE_LABELS = {
    "leadership_team": "领导班子成员",
    "unit_members": "本单位全体党员",
    "division_members": "分管部门全体党员",
    "branch_members": "所在支部全体党员",
}


def _head_people(participation) -> set[int]:
    users = RoleAssignment.objects.filter(
        organisation_id=participation.unit_id, role=Role.UNIT_HEAD
    ).values("user")
    return set(Person.objects.filter(user__in=users).values_list("pk", flat=True))


def member_audience(participation, inst: dict, members: Iterable[Person]) -> dict[int, list[int]]:
    """For each tested member, the ids of the people before whom he is tested (himself
    excluded). One query for the unit's people whatever the number of members.

    The organisation tree has no "division" (分管部门); a leader's division is taken as the
    general branch above his branch when there is one, else his branch (see the report)."""
    audience = inst.get("audience") or {}
    heads = _head_people(participation)
    people = list(
        Person.objects.filter(unit_id=participation.unit_id).values(
            "pk", "is_leadership", "branch_id", "branch__parent_id", "branch__parent__kind"
        )
    )
    by_branch: dict[int, list[int]] = defaultdict(list)
    by_division: dict[int, list[int]] = defaultdict(list)
    team = [p["pk"] for p in people if p["is_leadership"]]
    everyone = [p["pk"] for p in people]
    for p in people:
        by_branch[p["branch_id"]].append(p["pk"])
        if p["branch__parent__kind"] == OrgKind.GENERAL_BRANCH:
            by_division[p["branch__parent_id"]].append(p["pk"])
    out: dict[int, list[int]] = {}
    for m in members:
        scope = audience.get(member_role(m, heads)) or "branch_members"
        if scope == "leadership_team":
            group = team
        elif scope == "unit_members":
            group = everyone
        elif scope == "division_members":
            parent = m.branch.parent
            if parent is not None and parent.kind == OrgKind.GENERAL_BRANCH:
                group = by_division[parent.pk]
            else:
                group = by_branch[m.branch_id]
        else:
            group = by_branch[m.branch_id]
        out[m.pk] = [pk for pk in group if pk != m.pk]
    return out


# --- paper ballots (blind double entry) ---------------------------------------------------------

PAPER_FIELDS = (
    ("issued", "发出票数"),
    ("returned", "收回票数"),
    ("void", "无效票数"),
    ("valid", "有效票数"),
)


def paper_differences(inst: dict, first, second) -> list[tuple]:
    """[(label, first's figure, second's figure)] for every figure the two entries differ on."""
    out = []
    for key, label in PAPER_FIELDS:
        if getattr(first, key) != getattr(second, key):
            out.append((label, getattr(first, key), getattr(second, key)))
    for q in inst["questions"]:
        for opt in q["options"]:
            key = f"{q['code']}:{opt}"
            a, b = first.counts.get(key, 0), second.counts.get(key, 0)
            if a != b:
                out.append((f"{q['text']} · {opt}", a, b))
    return out


def paper_state(round_: SurveyRound, user, inst: dict) -> dict:
    """What the round page shows a runner about the paper ballots: ``status`` none / waiting
    (one entry) / mismatch / agreed, the user's own entry (``mine``), and only on a mismatch
    both entries' differing figures. Never another clerk's figures before both are in."""
    entries = list(PaperEntry.objects.filter(round=round_).select_related("clerk").order_by("pk"))
    mine = next((e for e in entries if e.clerk_id == user.pk), None)
    state = {"entries": entries, "mine": mine, "differences": [], "may_enter": True}
    if not entries:
        state["status"] = "none"
    elif len(entries) == 1:
        state["status"] = "waiting"
    else:
        state["differences"] = paper_differences(inst, entries[0], entries[1])
        state["status"] = "mismatch" if state["differences"] else "agreed"
        state["may_enter"] = mine is not None
    return state


# --- results ---------------------------------------------------------------------------------


def counts_for_rounds(round_ids: list[int]) -> dict[int, dict[str, dict[str, int]]]:
    """{round id: {question: {option: count}}}: online counters (all shards) plus confirmed
    paper ballots. Two queries whatever the number of rounds. An option nobody chose may be
    absent (read counts with ``.get(option, 0)``, as :func:`instruments.question_results`
    does): the zero counters every round starts with are not read back."""
    out: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    if not round_ids:
        return {}
    # Only counters above zero, and tuples rather than dicts: the requirements engine asks
    # this for every member's round of a city (a million counter rows, nine in ten at zero:
    # a paper round keeps its zero counters).
    ids = in_ids(round_ids)
    online = (
        Tally.objects.filter(round_id__in=ids, count__gt=0)
        .values("round_id", "question", "option")
        .annotate(n=Sum("count"))
        .values_list("round_id", "question", "option", "n")
    )
    for rid, question, option, n in online:
        out[rid][question][option] = n or 0
    paper = (
        PaperCount.objects.filter(
            sheet__round_id__in=ids, sheet__status=PaperStatus.CONFIRMED, count__gt=0
        )
        .values("sheet__round_id", "question", "option")
        .annotate(n=Sum("count"))
        .values_list("sheet__round_id", "question", "option", "n")
    )
    for rid, question, option, n in paper:
        per = out[rid][question]
        per[option] = per.get(option, 0) + (n or 0)
    return out


def round_url(round_id: int) -> str:
    return f"/surveys/rounds/{round_id}/"


def outcomes_for_rounds(rounds: list[SurveyRound], template_data: dict) -> dict[int, SurveyOutcome]:
    """The outcome of each round: "open" until it is closed (no live counts), then the decision
    (or "too_few" below the instrument's minimum group size)."""
    closed = [r.pk for r in rounds if r.status == RoundStatus.CLOSED]
    counts = counts_for_rounds(closed)
    out = {}
    # Per instrument: the instrument, its (question, options) cells, and the decisions made so
    # far by the cells' counts. A decision depends on nothing else (not the round number, not
    # the address), and a city's hundreds of thousands of member rounds have a few thousand
    # distinct counts: each is decided once.
    plans: dict[str, tuple[dict, list[tuple[str, list]], dict]] = {}
    for r in rounds:
        if r.status != RoundStatus.CLOSED:
            out[r.pk] = SurveyOutcome(
                status="open",
                round_number=r.round_number,
                detail="测评进行中，结束后显示结果"
                if r.status == RoundStatus.OPEN
                else "测评准备中",
                url=round_url(r.pk),
            )
            continue
        plan = plans.get(r.instrument)
        if plan is None:
            inst = get_instrument(template_data, r.instrument)
            cells = [(q["code"], q["options"]) for q in inst["questions"]]
            plan = plans[r.instrument] = (inst, cells, {})
        inst, cells, decided = plan
        per = counts.get(r.pk, {})
        key = tuple(
            tuple(int(got.get(opt, 0)) for opt in options)
            for got, options in ((per.get(code, {}), options) for code, options in cells)
        )
        d = decided.get(key)
        if d is None:
            d = decided[key] = decide(inst, per)
        out[r.pk] = SurveyOutcome(
            status=d.status,
            answers=d.answers,
            share=d.share,
            round_number=r.round_number,
            detail=d.detail,
            url=round_url(r.pk),
        )
    return out


def round_outcome(round_: SurveyRound) -> SurveyOutcome:
    return outcomes_for_rounds([round_], round_.campaign.template.data)[round_.pk]


def latest_rounds(
    *, campaign_id: int, instrument: str, participation_ids: list[int], member: bool
) -> list[SurveyRound]:
    """The latest round per unit (or per unit and member): one query."""
    qs = SurveyRound.objects.filter(
        campaign_id=campaign_id, instrument=instrument, participation_id__in=participation_ids
    ).filter(subject_person__isnull=not member)
    latest: dict[tuple, SurveyRound] = {}
    for r in qs.only(
        "pk", "participation_id", "subject_person_id", "instrument", "round_number", "status"
    ).order_by("round_number"):
        latest[(r.participation_id, r.subject_person_id)] = r
    return list(latest.values())


class _RoundRow(NamedTuple):
    pk: int
    participation_id: int
    subject_person_id: int | None
    instrument: str
    round_number: int
    status: str


def _latest_round_rows(
    *, campaign_id: int, instrument: str, participation_ids: list[int], member: bool
) -> list[_RoundRow]:
    """:func:`latest_rounds` as plain rows, for the engine's port: what
    :func:`outcomes_for_rounds` reads, without a model instance per round (a city's members
    have hundreds of thousands)."""
    qs = SurveyRound.objects.filter(
        campaign_id=campaign_id, instrument=instrument, participation_id__in=participation_ids
    ).filter(subject_person__isnull=not member)
    latest: dict[tuple, _RoundRow] = {}
    for row in qs.order_by("round_number").values_list(
        "pk", "participation_id", "subject_person_id", "instrument", "round_number", "status"
    ):
        r = _RoundRow(*row)
        latest[(r.participation_id, r.subject_person_id)] = r
    return list(latest.values())


class SurveyResults:
    """The surveys app's answer to the requirements engine (``campaigns.requirements.ports``):
    a few queries whatever the number of units — the template, the rounds, the counters and
    the confirmed paper counts."""

    def _template(self, campaign_id: int) -> dict:
        return Campaign.objects.values_list("template__data", flat=True).get(pk=campaign_id)

    def unit_outcomes(
        self, *, campaign_id: int, instrument: str, participation_ids: list[int]
    ) -> dict[int, SurveyOutcome]:
        rounds = _latest_round_rows(
            campaign_id=campaign_id,
            instrument=instrument,
            participation_ids=list(participation_ids),
            member=False,
        )
        if not rounds:
            return {}
        outcomes = outcomes_for_rounds(rounds, self._template(campaign_id))
        return {r.participation_id: outcomes[r.pk] for r in rounds}

    def member_outcomes(
        self, *, campaign_id: int, instrument: str, participation_ids: list[int]
    ) -> dict[int, dict[int, SurveyOutcome]]:
        rounds = _latest_round_rows(
            campaign_id=campaign_id,
            instrument=instrument,
            participation_ids=list(participation_ids),
            member=True,
        )
        if not rounds:
            return {}
        outcomes = outcomes_for_rounds(rounds, self._template(campaign_id))
        out: dict[int, dict[int, SurveyOutcome]] = defaultdict(dict)
        for r in rounds:
            out[r.participation_id][r.subject_person_id] = outcomes[r.pk]
        return dict(out)


# --- pages -----------------------------------------------------------------------------------


def code_counts(round_ids: list[int]) -> dict[int, dict[str, int]]:
    """Codes issued per round. How many were used is shown only once the round is closed."""
    rows = (
        SurveyRound.objects.filter(pk__in=round_ids)
        .annotate(
            issued=Count("codes", filter=Q(codes__via_link=False)),
            via_link=Count("codes", filter=Q(codes__via_link=True)),
            used=Count("codes", filter=Q(codes__used=True)),
        )
        .values("pk", "issued", "via_link", "used", "status")
    )
    # Codes minted by the open link are visitors: shown, like answers, only after closing.
    return {
        r["pk"]: {
            "issued": r["issued"],
            "via_link": r["via_link"] if r["status"] == RoundStatus.CLOSED else None,
            "used": r["used"] if r["status"] == RoundStatus.CLOSED else None,
        }
        for r in rows
    }


def group_summary(rounds: list[SurveyRound], outcomes: dict[int, SurveyOutcome], template_data):
    """Per supervision group and instrument: units with a shown result, passed/failed, and the
    pooled counts of those units only. Units below the minimum group size are left out of the
    pool, otherwise the group total minus the other units' totals would reveal them."""
    shown = [r for r in rounds if outcomes[r.pk].status in ("passed", "failed")]
    counts = counts_for_rounds([r.pk for r in shown])
    groups: dict[tuple, dict] = {}
    for r in rounds:
        group = r.participation.group
        key = (group.pk if group else None, r.instrument)
        g = groups.setdefault(
            key,
            {
                "group": group,
                "instrument": r.instrument,
                "units": 0,
                "passed": 0,
                "failed": 0,
                "pending": 0,
                "pooled": defaultdict(lambda: defaultdict(int)),
            },
        )
        g["units"] += 1
        status = outcomes[r.pk].status
        if status in ("passed", "failed"):
            g[status] += 1
            for q, per in counts.get(r.pk, {}).items():
                for opt, n in per.items():
                    g["pooled"][q][opt] += n
        else:
            g["pending"] += 1
    out = []
    for g in groups.values():
        inst = get_instrument(template_data, g["instrument"])
        g["instrument_name"] = inst["name"]
        g["outcome"] = (
            decide(inst, {q: dict(v) for q, v in g["pooled"].items()})
            if g["passed"] + g["failed"]
            else None
        )
        out.append(g)
    out.sort(key=lambda g: ((g["group"].code if g["group"] else "~"), g["instrument"]))
    return out
