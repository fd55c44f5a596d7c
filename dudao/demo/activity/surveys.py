"""Survey rounds: paper and online rounds, their counters and codes, the units' satisfaction
surveys."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import Counter

from dudao.surveys.codes import ALPHABET, LENGTH

from .units import (
    SHARDS_OPEN,
    Span,
    U,
    _moment,
)


class SurveysMixin:
    """Survey rounds and their counts."""

    # --- surveys ------------------------------------------------------------------------------

    def counts_for(self, inst: dict, n: int, share: float) -> dict[str, dict[str, int]]:
        """Counts per question where ``share`` of ``n`` ballots are "good" (satisfied, or not
        一般化/走过场)."""
        rule = inst["rule"]
        out = {}
        for q in inst["questions"]:
            options = q["options"]
            if rule["kind"] == "satisfied_share_at_least":
                good = [o for o in options if o in (q.get("satisfied") or [])]
            else:
                good = [o for o in options if o not in rule.get("options", [])]
            bad = [o for o in options if o not in good]
            n_good = round(n * share)
            counts = dict.fromkeys(options, 0)
            # One draw per ballot, made in one call (a city draws tens of millions).
            picks = self.rnd.choices(good[:1] * 3 + good, k=n_good) if good else []
            picks += self.rnd.choices(bad, k=n - n_good) if bad else []
            for option, k in Counter(picks).items():
                counts[option] += k
            out[q["code"]] = counts
        return out

    def _tallies(self, rid: int, inst: dict, shards: int, counts=None) -> None:
        for q in inst["questions"]:
            for opt in q["options"]:
                per = [0] * shards
                k = (counts or {}).get(q["code"], {}).get(opt, 0)
                if k and shards > 1:
                    for shard in self.rnd.choices(range(shards), k=k):
                        per[shard] += 1
                elif k:
                    per[0] = k
                for s in range(shards):
                    self.tally.add_row(self.tally.next_id(), rid, q["code"], opt, s, per[s])

    def paper_round(self, u: U, span, code, d, n, share, *, subject=None, audit=True, number=1,
                    previous=None, entered=None, confirmed=None, audit_create=True) -> int:  # fmt: skip
        """A closed round answered on paper: counters at zero, the sheet entered by one clerk
        and confirmed by another (surveys.actions.confirm_paper_ballots)."""
        inst = self.instruments[code]
        opened = _moment(d, 9, 0, self.now)
        closed = _moment(d + dt.timedelta(days=2), 17, 0, self.now)
        entered = entered or u.liaison
        confirmed = confirmed or self.group_staff(u)[0]
        rid = self.survey.add(
            campaign_id=self.c.pk,
            participation_id=u.part_id,
            instrument=code,
            subject_person_id=subject.id if subject else None,
            round_number=number,
            previous_id=previous,
            status="closed",
            shards=1,
            expires_on=d + dt.timedelta(days=2),
            created_by_id=entered[0],
            created_at=opened,
            opened_at=opened,
            closed_at=closed,
        )
        self._tallies(rid, inst, 1)
        counts = self.counts_for(inst, n, share)
        void = self.rnd.choice([0, 0, 0, 1])
        issued = n + void + self.rnd.randint(0, 3)
        sid = self.sheet.add(
            round_id=rid,
            issued=issued,
            returned=n + void,
            void=void,
            valid=n,
            status="confirmed",
            entered_by_id=entered[0],
            entered_at=closed - dt.timedelta(hours=2),
            confirmed_by_id=confirmed[0],
            confirmed_at=closed - dt.timedelta(hours=1),
        )
        for q, per in counts.items():
            for opt, k in per.items():
                self.paper.add_row(self.paper.next_id(), sid, q, opt, k)
        self.stats[f"survey:{code}"] += 1
        if audit:
            label = f"{u.name} · {self.instruments[code]['name']} 第{number}轮"
            figures = {"issued": issued, "returned": n + void, "void": void, "valid": n}
            steps = [
                (opened, entered, "survey.round.create", {"instrument": code, "subject": None}),
                (opened, entered, "survey.round.open", {"expires_on": None}),
                (closed - dt.timedelta(hours=2), entered, "survey.paper.enter", figures),
                (closed - dt.timedelta(hours=1), confirmed, "survey.paper.confirm", figures),
                (closed, confirmed, "survey.round.close", {"answers": n}),
            ]
            for at, who, action, data in steps[0 if audit_create else 1 :]:
                self.event(at, who, action, "surveys.surveyround", rid, label, u, data=data)
        return rid

    def new_code(self) -> str:
        # One-time codes are the one thing not reproduced from the seed: a code derivable from
        # a published seed could be answered by anyone (surveys.codes).
        while True:
            code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
            if code not in self.codes_seen:
                self.codes_seen.add(code)
                return code

    def online_round(self, u: U, span, code, d, *, closed: bool, share: float) -> int:
        """A round answered with one-time codes; the mass survey is sampled by the group."""
        inst = self.instruments[code]
        staff = self.group_staff(u)
        opened = _moment(d, 9, 0, self.now)
        population = [m for m in u.members if m.category not in inst.get("exclude_categories", [])]
        size = min(len(population), max(10, len(population) // 2))
        extra = self.rnd.randint(10, 30)
        sample = []
        if inst.get("sampling"):
            seed = f"{u.part_id}-{code}-{d.isoformat()}"
            sample = sorted(random.Random(seed).sample([m.id for m in population], size))
        issued = (len(sample) if sample else len(population)) + extra
        answered = (
            round(issued * self.rnd.uniform(0.7, 0.95))
            if closed
            else round(issued * self.rnd.uniform(0.2, 0.6))
        )
        closed_at = _moment(d + dt.timedelta(days=5), 17, 0, self.now) if closed else None
        rid = self.survey.add(
            campaign_id=self.c.pk,
            participation_id=u.part_id,
            instrument=code,
            round_number=1,
            status="closed" if closed else "open",
            shards=SHARDS_OPEN,
            expires_on=d + dt.timedelta(days=5),
            created_by_id=staff[0][0],
            created_at=opened,
            opened_at=opened,
            closed_at=closed_at,
            sample_seed=seed if sample else "",
            sample_drawn_by_id=staff[0][0] if sample else None,
            sample_drawn_at=opened if sample else None,
            population_size=len(population) if sample else None,
        )
        for pid in sample:
            self.sampled.add_row(self.sampled.next_id(), rid, pid)
        used = set(self.rnd.sample(range(issued), answered))
        for i in range(issued):
            self.code.add_row(self.code.next_id(), rid, self.new_code(), i in used, False)
        self._tallies(rid, inst, SHARDS_OPEN, self.counts_for(inst, answered, share))
        label = f"{u.name} · {self.instruments[code]['name']} 第1轮"
        self.event(opened, staff[0], "survey.round.create", "surveys.surveyround", rid, label, u,
                   data={"instrument": code, "subject": None})  # fmt: skip
        if sample:
            self.event(opened, staff[0], "survey.sample.draw", "surveys.surveyround", rid, label, u,
                       data={"seed": seed, "population": len(population), "size": size,
                             "extra_codes": extra})  # fmt: skip
        else:
            self.event(opened, staff[0], "survey.codes.issue", "surveys.surveyround", rid, label, u,
                       data={"count": issued, "total": issued})  # fmt: skip
        self.event(opened, staff[0], "survey.round.open", "surveys.surveyround", rid, label, u,
                   data={"expires_on": (d + dt.timedelta(days=5)).isoformat()})  # fmt: skip
        if closed:
            self.event(closed_at, staff[0], "survey.round.close", "surveys.surveyround", rid, label, u,
                       data={"answers": answered})  # fmt: skip
        self.stats[f"survey:{code}:{'closed' if closed else 'open'}"] += 1
        return rid

    def unit_survey(self, u: U, span: Span, code: str, d: dt.date, failing: bool) -> None:
        """Unit surveys: closed rounds of paper ballots, a round still under way online; a unit
        with a remedial history in this phase failed the first round and passed the second.
        The mass survey is sampled by the group and answered with one-time codes (seed 004)."""
        if not self.happened(span, d):
            return
        inst = self.instruments[code]
        good = self.rnd.uniform(0.78, 0.97)
        # A failing round: most found it 一般化/走过场 (more than half), or fewer than 2/3 satisfied.
        if inst["rule"]["kind"] == "remedial_when_share_above":
            bad = self.rnd.uniform(0.3, 0.45)
        else:
            bad = self.rnd.uniform(0.45, 0.62)
        done = d + dt.timedelta(days=5)
        under_way = span.end is None and not self.happened(span, done)
        if code == "mass_satisfaction":
            self.online_round(
                u, span, code, d, closed=not under_way, share=bad if failing else good
            )
            return
        if under_way and not (failing and self.happened(span, d + dt.timedelta(days=2))):
            self.online_round(u, span, code, d, closed=False, share=good)
            return
        staff = self.group_staff(u)
        entered = u.liaison if inst.get("run_by") == "unit" else staff[-1]
        minimum = int(inst.get("min_group_size", 10))
        n = max(minimum + 2, min(len(u.members) + self.rnd.randint(5, 20), 120))
        history = span.end is not None and span.story == "remedial"
        if not (history or failing) and code == "rectification_survey" and not self.exact_third:
            # Seed 004: "不到三分之二的，要进行补课" — exactly two-thirds passes; one unit shows it.
            self.exact_third = True
            n, good = max(12, n - n % 3), 2 / 3
        if not (history or failing):
            self.paper_round(u, span, code, d, n, good, entered=entered, confirmed=staff[0])
            return
        first = self.paper_round(u, span, code, d, n, bad, entered=entered, confirmed=staff[0])
        if not history:
            return
        d2 = min(d + dt.timedelta(days=10), span.end - dt.timedelta(days=4))
        resurvey = _moment(d2, 8, 30, self.now)
        second = self.paper_round(u, span, code, d2, n, good, number=2, previous=first,
                                  entered=entered, confirmed=staff[0], audit_create=False)  # fmt: skip
        self.event(resurvey, staff[0], "survey.round.resurvey", "surveys.surveyround", second,
                   f"{u.name} · {self.instruments[code]['name']} 第2轮", u, reason="补课后重新测评",
                   data={"previous_round": 1, "previous_status": "failed"})  # fmt: skip
