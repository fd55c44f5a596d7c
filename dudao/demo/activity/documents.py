"""Documents of the units and their members: versions and review rounds as each story goes,
milestones, cut at today."""

from __future__ import annotations

import datetime as dt

from .. import texts
from .units import (
    M,
    Span,
    U,
    _moment,
)


class DocumentsMixin:
    """A document's history (``Writer.doc``)."""

    # --- documents ----------------------------------------------------------------------------

    def doc(
        self,
        u: U,
        span: Span,
        kind: str,
        start: dt.date,
        *,
        author: M | None = None,
        story: str = "approved",
        submitter=None,
        reviewer=None,
    ) -> str | None:
        """A document's history: versions and review rounds as the story goes, cut at today.
        Returns the status it ends in (None: not yet written)."""
        if not self.happened(span, start):
            return None
        if span.end is not None:
            # A passed phase's documents were approved before it ended: late ones went through
            # in one round, and nothing starts in the last days.
            start = min(start, span.end - dt.timedelta(days=4))
            if story not in ("note", "rejected") and (span.end - start).days < 18:
                story = "approved"
        spec = self.kinds[kind]
        submitter = submitter or u.liaison
        reviewer = reviewer or (
            u.secretaries.get(author.branch_id, u.liaison) if author else self.group_staff(u)[-1]
        )
        person = author.name if author else ""
        title = texts.title(kind, unit=u.name, person=person, phase=self.phase_names[span.code])
        text = texts.document_text(self.rnd, kind, u.name, person)
        steps: list[tuple[str, str]] = []  # ("submit", text) / (decision, reason)
        reasons = texts.RETURN_REASONS.get(kind) or texts.RETURN_REASONS["phase_summary"]
        if story == "note":
            steps = [("submit", text)]
        elif story == "rejected":
            steps = [("submit", text), ("rejected", self.rnd.choice(texts.REJECT_REASONS))]
        else:
            steps.append(("submit", text))
            returns = {"approved": 0, "returned": 1, "returned_twice": 2}[story]
            for _ in range(returns):
                reason = self.rnd.choice(reasons)
                steps.append(("returned", reason))
                text = texts.revised(self.rnd, text, reason)
                steps.append(("submit", text))
            steps.append(("approved", ""))
        doc_id = self.document.next_id()
        label = title
        d = start
        status, version, last_submit, created, updated = None, 0, None, None, None
        last_text = text
        versions: list[tuple[int, int]] = []  # (version id, number)
        rounds = 0
        comment = None  # (id, version id) of an open anchored comment
        comment_rows = []
        checklist = self.checklists.get(spec.get("checklist") or "", {}).get("items", [])
        for action, value in steps:
            if not self.happened(span, d):
                break
            hour = 20 if author else 10
            at = _moment(d, hour, self.rnd.randint(0, 59), self.now)
            if action == "submit":
                last_text = value
                number = len(versions) + 1
                vid = self.version.add(
                    document_id=doc_id,
                    number=number,
                    text=value,
                    char_count=len(value),
                    submitted_by_id=submitter[0],
                    submitted_at=at,
                )
                versions.append((vid, number))
                status, last_submit = "submitted", at
                created = created or at
                version += 1
                self.doc_event(
                    author,
                    span,
                    kind,
                    at,
                    submitter,
                    "document.submit",
                    doc_id,
                    label,
                    u,
                    data={"kind": kind, "version": number, "chars": len(value), "file": ""},
                )
                if comment is not None:
                    # The reviewer checks the open comment on the new version at the decision.
                    comment_rows[-1]["check_on"] = vid
                d += dt.timedelta(days=self.rnd.randint(1, 3 if span.end else 4))
            else:
                rounds += 1
                scores = {}
                if action == "approved":
                    scores = {i["code"]: self.rnd.choice([2, 2, 2, 1]) for i in checklist}
                vid, number = versions[-1]
                self.round.add(
                    document_id=doc_id,
                    version_id=vid,
                    number=rounds,
                    reviewer_id=reviewer[0],
                    decision=action,
                    reason=value,
                    checklist=scores,
                    decided_at=at,
                )
                if comment_rows and comment_rows[-1].get("check_on") == vid:
                    row = comment_rows[-1]
                    self.check.add(
                        comment_id=row["id"],
                        version_id=vid,
                        addressed=True,
                        note="已按意见修改",
                        checked_by_id=reviewer[0],
                        checked_at=at,
                    )
                    row["status"], row["addressed_in_id"] = "addressed", vid
                    comment = None
                if action == "returned" and not author:
                    source = last_text
                    lines = source.split("\n")
                    quote = lines[1][:16] if len(lines) > 1 else lines[0][:16]
                    begin = source.find(quote)
                    cid = self.comment.next_id()
                    comment_rows.append(
                        {
                            "id": cid,
                            "document_id": doc_id,
                            "version_id": vid,
                            "quote": quote,
                            "start": begin,
                            "end": begin + len(quote),
                            "body": value,
                            "author_id": reviewer[0],
                            "created_at": at,
                            "status": "open",
                            "addressed_in_id": None,
                        }
                    )
                    comment = cid
                status = action
                version += 1
                self.doc_event(
                    author,
                    span,
                    kind,
                    at,
                    reviewer,
                    f"document.{action}",
                    doc_id,
                    label,
                    u,
                    reason=value,
                    data={"round": rounds, "version": number, "checklist": scores},
                )
                d += dt.timedelta(days=self.rnd.randint(1, 2 if span.end else 3))
            updated = at
        if status is None:
            return None
        for row in comment_rows:
            row.pop("check_on", None)
            self.comment.add(**row)
        self.document.add(
            id=doc_id,
            campaign_id=self.c.pk,
            participation_id=u.part_id,
            kind=kind,
            phase=span.code,
            author_id=author.id if author else None,
            title=title,
            status=status,
            version=version,
            last_submitted_at=last_submit,
            created_by_id=submitter[0],
            created_at=created,
            updated_at=updated,
        )
        self.stats[f"doc:{status}"] += 1
        if status == "approved" and spec.get("publicity") and not author:
            self.milestones(u, span, doc_id, label, spec, d)
        return status

    def milestones(self, u: U, span: Span, doc_id: int, label: str, spec: dict, d: dt.date):
        """Publicity for a week, then endorsement (seed 001), as far as they have happened."""
        pub_end = d + dt.timedelta(days=6)
        if not self.happened(span, d):
            return
        self.milestone.add(
            document_id=doc_id,
            kind="publicity",
            scope=spec["publicity"]["scope"],
            started_on=d,
            ended_on=pub_end if self.happened(span, pub_end) else None,
            note="在单位公示栏和内部网公示，未收到不同意见。",
            recorded_by_id=u.liaison[0],
            recorded_at=_moment(d, 17, 0, self.now),
        )
        self.event(_moment(d, 17, 0, self.now), u.liaison, "document.publicity",
                   "reviews.document", doc_id, label, u,
                   data={"scope": spec["publicity"]["scope"], "start": d.isoformat()})  # fmt: skip
        end_day = pub_end + dt.timedelta(days=1)
        if spec.get("endorsement") and self.happened(span, end_day):
            self.milestone.add(
                document_id=doc_id,
                kind="endorsement",
                scope=spec["endorsement"]["by"],
                started_on=end_day,
                ended_on=end_day,
                note="经上级党组织同意。",
                recorded_by_id=u.liaison[0],
                recorded_at=_moment(end_day, 17, 0, self.now),
            )
            self.event(_moment(end_day, 17, 0, self.now), u.liaison, "document.endorsement",
                       "reviews.document", doc_id, label, u,
                       data={"scope": spec["endorsement"]["by"], "start": end_day.isoformat()})  # fmt: skip

    def doc_story(self, span: Span, *, member: bool) -> str:
        r = self.rnd.random()
        if member:
            return "approved" if r < 0.82 else ("returned" if r < 0.97 else "returned_twice")
        return "approved" if r < 0.6 else ("returned" if r < 0.9 else "returned_twice")
