"""Small builders shared by the reviews tests: Chinese texts and real .docx files."""

from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document as new_docx

from dudao.reviews import actions

PLAN_V1 = (
    "一、指导思想\n"
    "以邓小平理论和“三个代表”重要思想为指导，认真贯彻党的十六大和十六届三中、四中全会精神。\n"
    "二、目标要求\n"
    "通过开展先进性教育活动，使党员受到普遍教育，切实解决党员和党组织在思想、组织、作风方面存在的突出问题。\n"
    "三、方法步骤\n"
    "活动分学习动员、分析评议、整改提高三个阶段进行，每个阶段不少于一个月。"
)


def participation(cast, unit=None):
    return cast.campaign.participations.get(unit=unit or cast.unit_a)


def submit_plan(cast, text=PLAN_V1, **kw):
    return actions.submit_document(
        actor=cast.user("liaison"),
        participation=participation(cast),
        kind="implementation_plan",
        title="财政局先进性教育活动实施方案",
        text=text,
        **kw,
    )


def approve_checklist():
    return {"leaders_lead": 2, "problems_found": 1, "guarantees": 2}


def chinese_text(seed: int, n: int = 600) -> str:
    """A pseudo-random Chinese text of about n characters (common CJK range), with punctuation."""
    rng = random.Random(seed)
    chars = []
    while len(chars) < n:
        chars.extend(chr(0x4E00 + rng.randrange(2500)) for _ in range(rng.randint(6, 18)))
        chars.append(rng.choice("，。；"))
    return "".join(chars)


def docx_upload(build, name="方案.docx") -> SimpleUploadedFile:
    doc = new_docx()
    build(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="application/octet-stream")
