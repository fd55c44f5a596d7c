"""Access-matrix rows of the review pages. Unit A's plan is reviewed by its group (第一督导组);
personal documents of A2's member are reviewed by his branch secretary; the office keeps the
reference texts; higher-organisation endorsements are recorded by the office (the cast has no
account of the unit's higher organisation)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone

from dudao.testing import ROLES
from dudao.testing.matrix import GROUP1, OFFICE, READ_ALL, UNIT_A, Row, other_campaign, part

READ = READ_ALL | GROUP1 | UNIT_A


def _doc(c, *, personal=False, status="submitted", kind=None, unit=None, original=False):
    from dudao.reviews.models import Document, DocumentVersion

    p = part(c, unit)
    doc = Document.objects.create(
        campaign=c.campaign,
        participation=p,
        kind=kind or ("study_note" if personal else "implementation_plan"),
        phase=p.current_phase,
        author=c.people["member"] if personal else None,
        title="矩阵测试文书-个人" if personal else "矩阵测试文书",
        status=status,
        created_by=c.users["admin"],
    )
    for n in (1, 2):
        version = DocumentVersion.objects.create(
            document=doc,
            number=n,
            text=f"第{n}稿正文",
            char_count=4,
            submitted_by=c.users["admin"],
            submitted_at=timezone.now(),
        )
        if original and n == 2:
            version.original.save("稿件.docx", ContentFile(b"PK docx"), save=False)
            version.original_name = "稿件.docx"
            version.save()
    return doc


def _comment(c):
    from dudao.reviews.models import ReviewComment

    doc = _doc(c)
    comment = ReviewComment.objects.create(
        document=doc,
        version=doc.versions.get(number=1),
        quote="第1稿",
        body="请充实",
        start=0,
        end=3,
        author=c.user("group_leader"),
    )
    return doc, comment


def _plan_approved(c):
    return _doc(c, kind="grassroots_rectification_plan", status="approved")


ROWS = [
    # One campaign: the entry page sends its people straight to the campaign's list.
    Row(
        "reviews home",
        "reviews:home",
        lambda c: "/reviews/",
        set(ROLES),
        extra={"ok_status": {"inspector": 200, "outsider": 200}, "ok_default": 302},
    ),
    Row(
        "review list",
        "reviews:list",
        lambda c: f"/reviews/c/{c.campaign.pk}/?status=submitted&kind=implementation_plan",
        READ | {"member", "secretary"},
    ),
    Row(
        "review list, other campaign",
        "reviews:list",
        lambda c: f"/reviews/c/{other_campaign(c).pk}/",
        set(),
    ),
    Row(
        "review new",
        "reviews:new",
        lambda c: f"/reviews/c/{c.campaign.pk}/new/?kind=implementation_plan",
        UNIT_A | GROUP1 | {"member", "secretary"},
        lambda c: "提交文书",
        post=lambda c: {
            "participation": part(c).pk,
            "kind": "implementation_plan",
            "title": "新方案",
            "text": "方案正文",
        },
        post_allowed=UNIT_A | GROUP1 | {"member", "secretary"},
    ),
    Row(
        "review copies",
        "reviews:copies",
        lambda c: f"/reviews/c/{c.campaign.pk}/copies/",
        READ_ALL | GROUP1,
        lambda c: "雷同文书检测",
    ),
    Row(
        "review load",
        "reviews:load",
        lambda c: f"/reviews/c/{c.campaign.pk}/load/",
        READ_ALL | GROUP1,
        lambda c: "审阅字数",
    ),
    Row(
        "review references",
        "reviews:references",
        lambda c: f"/reviews/c/{c.campaign.pk}/references/",
        OFFICE,
        lambda c: "比对参考文本",
        post=lambda c: {"kind": "model", "title": "范文", "text": "范文正文"},
    ),
    Row(
        "review detail",
        "reviews:detail",
        lambda c: f"/reviews/{_doc(c).pk}/",
        READ,
        lambda c: "矩阵测试文书",
    ),
    Row(
        "review detail, personal",
        "reviews:detail",
        lambda c: f"/reviews/{_doc(c, personal=True).pk}/",
        READ | {"member"},
        lambda c: "矩阵测试文书-个人",
    ),
    Row(
        "review detail, unit B",
        "reviews:detail",
        lambda c: f"/reviews/{_doc(c, unit=c.unit_b).pk}/",
        READ_ALL,
    ),
    Row(
        "review diff",
        "reviews:diff",
        lambda c: f"/reviews/{_doc(c).pk}/diff/?a=1&b=2",
        READ,
        lambda c: "第1稿 → 第2稿",
    ),
    Row(
        "review submit (returned draft)",
        "reviews:submit",
        lambda c: f"/reviews/{_doc(c, status='returned').pk}/submit/",
        READ,
        post=lambda c: {"title": "修改稿", "text": "第3稿正文", "expected_version": "1"},
        post_allowed=UNIT_A,
        post_only=True,
    ),
    Row(
        "review comment",
        "reviews:comment",
        lambda c: f"/reviews/{_doc(c).pk}/comment/",
        READ,
        post=lambda c: {"quote": "第2稿", "body": "再改", "start": "0", "version_number": "2"},
        post_allowed=GROUP1,
        post_only=True,
    ),
    Row(
        "review comment check",
        "reviews:check",
        lambda c: "/reviews/{}/comments/{}/check/".format(*(x.pk for x in _comment(c))),
        READ,
        post=lambda c: {"addressed": "1", "note": "已改"},
        post_allowed=GROUP1,
        post_only=True,
    ),
    Row(
        "review comment reply",
        "reviews:reply",
        lambda c: "/reviews/{}/comments/{}/reply/".format(*(x.pk for x in _comment(c))),
        READ,
        post=lambda c: {"body": "已按意见充实", "client_token": "matrix-reply"},
        post_allowed=GROUP1 | UNIT_A,
        post_only=True,
    ),
    Row(
        "review decide",
        "reviews:decide",
        lambda c: f"/reviews/{_doc(c).pk}/decide/",
        READ,
        post=lambda c: {"decision": "approve", "reason": "", "expected_version": "1"},
        post_allowed=GROUP1,
        post_only=True,
    ),
    Row(
        "review milestone: publicity",
        "reviews:milestone",
        lambda c: f"/reviews/{_plan_approved(c).pk}/milestone/",
        READ,
        post=lambda c: {"kind": "publicity", "started_on": "2005-03-01", "ended_on": "2005-03-07"},
        post_allowed=UNIT_A | OFFICE,
        post_only=True,
    ),
    Row(
        "review milestone: higher organisation's approval",
        "reviews:milestone",
        lambda c: f"/reviews/{_plan_approved(c).pk}/milestone/",
        READ,
        post=lambda c: {"kind": "endorsement", "started_on": "2005-03-10"},
        post_allowed=OFFICE,
        post_only=True,
    ),
    Row(
        "review original",
        "reviews:original",
        lambda c: f"/reviews/{_doc(c, original=True).pk}/v/2/original/",
        READ,
    ),
]
