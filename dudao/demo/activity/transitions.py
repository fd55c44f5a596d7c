"""Transition applications in every state, their decisions, extensions and the summary
meetings between phases."""

from __future__ import annotations

import datetime as dt

from dudao.records.models import (
    SpeakerRole,
)

from .. import texts
from .units import (
    Span,
    U,
    _moment,
)


class TransitionsMixin:
    """Applications, decisions, extensions and summary meetings."""

    # --- transitions --------------------------------------------------------------------------

    def app(self, u: U, span: Span, attempt: int, submitted: dt.datetime, **fields) -> dict:
        nxt = self.next_phase.get(span.code)
        row = {
            "id": self.app_rows.next_id(),
            "campaign_id": self.c.pk,
            "participation_id": u.part_id,
            "from_phase": span.code,
            "to_phase": nxt or "",
            "ends_participation": nxt is None,
            "attempt": attempt,
            "summary": self.rnd.choice(texts.APPLY_SUMMARIES),
            "status": "submitted",
            "version": 1,
            "waiting_since": submitted,
            "submitted_by_id": u.liaison[0],
            "submitted_at": submitted,
            "_unit": u,
        }
        row.update(fields)
        self.apps.append(row)
        return row

    def transitions(self, u: U, span: Span, short: bool, f: float) -> dict | None:
        """The unit's applications in this phase; returns the approved one of a passed phase."""
        rnd = self.rnd
        staff = self.group_staff(u)
        leader = staff[0]
        label_of = lambda a: f"{u.name} 转段申请（第{a['attempt']}次）"  # noqa: E731
        if span.end is not None:
            end = _moment(span.end, 10, 0, self.now)
            attempt = 1
            order = None
            if span.story in ("remedial", "sent_back"):
                first_at = end - dt.timedelta(days=16 if span.story == "remedial" else 10, hours=1)
                a = self.app(u, span, 1, first_at)
                self.event(first_at, u.liaison, "transition.apply", "transitions.transitionapplication",
                           a["id"], label_of(a), u, data={"from": span.code})  # fmt: skip
                decided = first_at + dt.timedelta(days=2)
                if span.story == "remedial":
                    reason, work = texts.REMEDIAL_TEXTS[span.code]
                    a.update(status="remedial", version=2, group_decided_by_id=leader[0],
                             group_decided_at=decided, group_comment=reason, snapshot=None)  # fmt: skip
                    reqs = self.failing_codes.get(span.code, [])
                    order = {
                        "application_id": a["id"], "participation_id": u.part_id, "phase": span.code,
                        "requirement_codes": reqs,
                        "requirement_names": [self.req_names[span.code][c] for c in reqs],
                        "reason": reason, "work": work,
                        "deadline": (decided + dt.timedelta(days=14)).date(),
                        "ordered_by_id": leader[0], "ordered_at": decided,
                    }  # fmt: skip
                    self.orders.append(order)
                    self.event(decided, leader, "transition.remedial", "transitions.transitionapplication",
                               a["id"], label_of(a), u, reason=reason,
                               data={"requirements": reqs, "work": work})  # fmt: skip
                else:
                    a.update(status="sent_back", version=3, group_decided_by_id=leader[0],
                             group_decided_at=decided, group_comment="", snapshot=True,
                             office_decided_by_id=self.office[0],
                             office_decided_at=decided + dt.timedelta(days=2),
                             office_comment=rnd.choice(texts.SEND_BACK_REASONS))  # fmt: skip
                    self.event(decided, leader, "transition.forward", "transitions.transitionapplication",
                               a["id"], label_of(a), u)  # fmt: skip
                    self.event(decided + dt.timedelta(days=2), self.office, "transition.send_back",
                               "transitions.transitionapplication", a["id"], label_of(a), u,
                               reason=a["office_comment"])  # fmt: skip
                attempt = 2
            applied = end - dt.timedelta(days=6)
            forwarded = applied + dt.timedelta(days=rnd.randint(1, 3))
            a = self.app(u, span, attempt, applied, status="approved", version=3,
                         group_decided_by_id=leader[0], group_decided_at=forwarded,
                         group_comment=rnd.choice(texts.FORWARD_COMMENTS), snapshot=True,
                         office_decided_by_id=self.office[0], office_decided_at=end,
                         office_comment="同意转段。", waiting_since=forwarded)  # fmt: skip
            if order is not None:
                order.update(closed_at=applied, closed_by_application_id=a["id"])
            for at, who, action in [(applied, u.liaison, "transition.apply"),
                                    (forwarded, leader, "transition.forward"),
                                    (end, self.office, "transition.approve")]:  # fmt: skip
                self.event(at, who, action, "transitions.transitionapplication", a["id"],
                           label_of(a), u, data={"from": span.code, "to": a["to_phase"]})  # fmt: skip
            due = span.start + dt.timedelta(days=span.duration + span.extension)
            self.periods.append({
                "participation_id": u.part_id, "phase": span.code,
                "phase_name": self.phase_names[span.code], "order": self.orders_of[span.code],
                "started_on": span.start, "due_on": due, "ended_on": span.end,
                "application_id": a["id"],
            })  # fmt: skip
            if span.extension:
                self.extension_row(u, span, span.extension, "approved",
                                   _moment(self.day(span, 0.6), 11, 0, self.now))  # fmt: skip
            if a["to_phase"] == "":
                self.ends.append(
                    {"participation_id": u.part_id, "ended_on": span.end, "application_id": a["id"]}
                )
            else:
                a["_meeting_on"] = span.end + dt.timedelta(days=rnd.randint(1, 3))
            return a
        # The current phase.
        today = self.today
        due = span.start + dt.timedelta(days=span.duration)
        if today > due - dt.timedelta(days=5):
            # Seed 004 (进度服从质量): the group proposes more days for a unit near its due date.
            r = rnd.random()
            when = _moment(
                min(due - dt.timedelta(days=8), today - dt.timedelta(days=3)), 11, 0, self.now
            )
            if when.date() <= span.start:
                pass
            elif r < 0.4:
                self.extension_row(u, span, rnd.choice([10, 15, 20]), "approved", when)
            elif r < 0.75:
                self.extension_row(u, span, rnd.choice([10, 15]), "proposed", when)
            elif r < 0.85:
                self.extension_row(u, span, 10, "refused", when)
        if f < (0.8 if short else 0.9) or rnd.random() < 0.15:
            return
        waited = rnd.randint(0, 12)
        applied = _moment(today - dt.timedelta(days=waited), 10, 0, self.now)
        earliest = span.start + dt.timedelta(days=int(span.duration * 0.8))
        applied = max(applied, _moment(earliest, 10, 0, self.now))
        if applied.date() > today:
            return
        a = self.app(u, span, 1, applied, snapshot=True)
        # Decisions are taken in office hours, on a day before today.
        decided = applied + dt.timedelta(days=rnd.randint(1, 4), hours=rnd.randint(4, 6))
        if decided.date() >= today:
            decided = None if applied.date() >= today - dt.timedelta(days=1) else (
                _moment(today - dt.timedelta(days=1), 15, rnd.randint(0, 59), self.now))  # fmt: skip
        # Decided once the engine has judged the unit's records (decide_current).
        a["_decide"] = (rnd.random(), decided, leader, label_of(a))
        self.later(a, applied, u.liaison, "transition.apply", "transitions.transitionapplication",
                   a["id"], label_of(a), u, data={"from": span.code})  # fmt: skip

    def decide_current(self, a: dict, report) -> None:
        """What the group and office have done with an open application by today: a unit that
        meets every blocking requirement is forwarded (and perhaps sent back by the office);
        one that does not is ordered to do remedial work naming the failures, or still waits."""
        r, decided, leader, label = a.pop("_decide")
        if decided is None:
            return  # applied yesterday or today: the group has not looked yet
        u = a["_unit"]
        code = a["from_phase"]
        if not report.ready:
            if r >= 0.6:
                return
            reason, work = texts.REMEDIAL_TEXTS[code]
            a.update(status="remedial", version=2, group_decided_by_id=leader[0],
                     group_decided_at=decided, group_comment=reason)  # fmt: skip
            failures = report.blocking_failures
            self.orders.append({
                "application_id": a["id"], "participation_id": u.part_id, "phase": code,
                "requirement_codes": [x.code for x in failures],
                "requirement_names": [x.name for x in failures], "reason": reason, "work": work,
                "deadline": (decided + dt.timedelta(days=14)).date(), "ordered_by_id": leader[0],
                "ordered_at": decided,
            })  # fmt: skip
            self.later(a, decided, leader, "transition.remedial", "transitions.transitionapplication",
                       a["id"], label, u, reason=reason,
                       data={"requirements": [x.code for x in failures], "work": work})  # fmt: skip
            return
        if r < 0.3:
            return
        a.update(status="forwarded", version=2, group_decided_by_id=leader[0], group_decided_at=decided,
                 group_comment=self.rnd.choice(texts.FORWARD_COMMENTS), waiting_since=decided)  # fmt: skip
        self.later(a, decided, leader, "transition.forward", "transitions.transitionapplication",
                   a["id"], label, u)  # fmt: skip
        if r > 0.88:
            back = decided + dt.timedelta(days=2)
            if back.date() >= self.today:
                return
            a.update(status="sent_back", version=3, office_decided_by_id=self.office[0],
                     office_decided_at=back, office_comment=self.rnd.choice(texts.SEND_BACK_REASONS))  # fmt: skip
            self.later(a, back, self.office, "transition.send_back", "transitions.transitionapplication",
                       a["id"], label, u, reason=a["office_comment"])  # fmt: skip

    def extension_row(
        self, u: U, span: Span, days: int, status: str, proposed: dt.datetime
    ) -> None:
        proposer = self.group_staff(u)[0]
        decided = proposed + dt.timedelta(days=2) if status != "proposed" else None
        if decided and decided > self.now:
            decided = self.now - dt.timedelta(minutes=10)
        reason = self.rnd.choice(texts.EXTENSION_REASONS)
        refusal = texts.EXTENSION_REFUSALS[0] if status == "refused" else ""
        eid = self.extension.add(
            participation_id=u.part_id,
            phase=span.code,
            days=days,
            reason=reason,
            status=status,
            version=1 if status == "proposed" else 2,
            proposed_by_id=proposer[0],
            proposed_at=proposed,
            decided_by_id=self.office[0] if decided else None,
            decided_at=decided,
            decision_reason=refusal,
        )
        label = f"{u.name} 延长{days}天"
        self.event(proposed, proposer, "transition.extension_propose", "transitions.phaseextension",
                   eid, label, u, reason=reason, data={"phase": span.code, "days": days})  # fmt: skip
        if decided:
            action = (
                "transition.extension_approve"
                if status == "approved"
                else "transition.extension_refuse"
            )
            self.event(decided, self.office, action, "transitions.phaseextension", eid, label, u,
                       reason=refusal, data={"phase": span.code, "days": days})  # fmt: skip
        self.stats[f"extension:{status}"] += 1

    def summary_meeting(self, u: U, a: dict, span: Span, nxt: Span) -> None:
        """Seed 001/004: the unit holds the summary-and-mobilisation meeting in the new phase
        and records it on the approved application."""
        kind = self.meeting_kind.get(span.code)
        d = a.get("_meeting_on")
        if not kind or d is None or not self.happened(nxt, d):
            return
        mid = self.meeting_row(u, nxt, kind, d, speaker=u.head, role=SpeakerRole.UNIT_HEAD,
                               attendees=len(u.members), group=True,
                               title=f"{self.phase_names[span.code]}阶段小结和{self.phase_names[nxt.code]}阶段动员会")  # fmt: skip
        at = _moment(d, 18, 0, self.now)
        a.update(meeting_id=mid, meeting_recorded_by_id=u.liaison[0], meeting_recorded_at=at)
        self.event(at, u.liaison, "transition.meeting", "transitions.transitionapplication", a["id"],
                   f"{u.name} 转段申请（第{a['attempt']}次）", u,
                   data={"meeting": mid, "date": d.isoformat()})  # fmt: skip
