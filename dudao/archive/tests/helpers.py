"""A unit's archive material written straight to the tables, for the tests and the bench (the
workflows that normally write these rows are tested in their own apps; here only what the
archive reads matters)."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from dudao.records.models import Meeting
from dudao.reviews.models import (
    Document,
    DocumentStatus,
    DocumentVersion,
    ReviewComment,
    ReviewRound,
)
from dudao.surveys.models import RoundStatus, SurveyRound, Tally
from dudao.transitions.models import ApplicationStatus, TransitionApplication


def add_document(
    participation,
    *,
    kind: str,
    phase: str,
    actor,
    reviewer,
    title: str = "",
    author=None,
    approved: bool = True,
    original: bytes | None = b"PK\x03\x04 docx bytes",
    text: str = "",
) -> Document:
    now = timezone.now()
    doc = Document.objects.create(
        campaign_id=participation.campaign_id,
        participation=participation,
        kind=kind,
        phase=phase,
        author=author,
        title=title,
        status=DocumentStatus.APPROVED if approved else DocumentStatus.SUBMITTED,
        created_by=actor,
        last_submitted_at=now,
    )
    v1 = DocumentVersion(
        document=doc,
        number=1,
        text=text or f"{title}第一稿正文。",
        submitted_by=actor,
        submitted_at=now,
        original_name="初稿.docx",
        char_count=10,
    )
    if original is not None:
        v1.original.save(f"d{doc.pk}-1.docx", ContentFile(original), save=False)
    v1.save()
    ReviewRound.objects.create(
        document=doc,
        version=v1,
        number=1,
        reviewer=reviewer,
        decision="returned",
        reason="查摆问题不具体，请补充事例",
        decided_at=now,
    )
    ReviewComment.objects.create(
        document=doc,
        version=v1,
        quote="第一",
        start=0,
        end=2,
        body="请写明具体问题",
        author=reviewer,
    )
    v2 = DocumentVersion.objects.create(
        document=doc,
        number=2,
        text=(text or f"{title}第二稿正文。") + "已补充。",
        submitted_by=actor,
        submitted_at=now,
        char_count=12,
    )
    if approved:
        ReviewRound.objects.create(
            document=doc,
            version=v2,
            number=2,
            reviewer=reviewer,
            decision="approved",
            decided_at=now,
        )
    return doc


def add_meeting(participation, *, phase: str, actor, kind: str = "", n: int = 1) -> list:
    kind = kind or _first_meeting_kind(participation)
    return Meeting.objects.bulk_create(
        Meeting(
            participation=participation,
            phase=phase,
            kind=kind,
            date=dt.date(2026, 3, 1),
            title=f"专题会议{i + 1}",
            attendees=30,
            created_by=actor,
            updated_by=actor,
            submit_token=f"bench-{participation.pk}-{phase}-{i}",
        )
        for i in range(n)
    )


def _first_meeting_kind(participation) -> str:
    kinds = participation.campaign.template.data.get("meeting_kinds") or [{"code": "meeting"}]
    return kinds[0]["code"]


def add_closed_survey(participation, *, instrument: str, actor, counts: dict) -> SurveyRound:
    rnd = SurveyRound.objects.create(
        campaign_id=participation.campaign_id,
        participation=participation,
        instrument=instrument,
        status=RoundStatus.CLOSED,
        created_by=actor,
        opened_at=timezone.now(),
        closed_at=timezone.now(),
    )
    Tally.objects.bulk_create(
        Tally(round=rnd, question=q, option=o, count=n)
        for q, options in counts.items()
        for o, n in options.items()
    )
    return rnd


def add_approved_transition(participation, *, from_phase: str, to_phase: str, actor, reviewer):
    now = timezone.now()
    return TransitionApplication.objects.create(
        campaign_id=participation.campaign_id,
        participation=participation,
        from_phase=from_phase,
        to_phase=to_phase,
        summary="本阶段各项工作已完成。",
        status=ApplicationStatus.APPROVED,
        waiting_since=now,
        submitted_by=actor,
        submitted_at=now,
        group_decided_by=reviewer,
        group_decided_at=now,
        office_decided_by=reviewer,
        office_decided_at=now,
        office_comment="同意转段",
        report_snapshot={"requirements": [{"code": "x", "name": "集中学习", "passed": True}]},
        snapshot_taken_at=now,
    )


# The smallest valid PNG (1×1): a photo as a phone would upload it.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def photo(name: str = "现场.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG, content_type="image/png")
