"""Versions are kept and the side-by-side diff is right on Chinese text: insertions, deletions
and a moved paragraph (shown as moved, not as a deletion and an unrelated insertion)."""

from __future__ import annotations

from dudao.reviews import actions
from dudao.reviews.diff import diff_texts, summary

from .helpers import submit_plan

P1 = "一、指导思想：以邓小平理论和“三个代表”重要思想为指导。"
P2 = "二、目标要求：使党员受到普遍教育，解决突出问题。"
P3 = "三、方法步骤：活动分三个阶段进行，每个阶段不少于一个月。"
P4 = "四、组织领导：成立先进性教育活动领导小组，局长任组长。"


def test_insertions_and_deletions_inside_a_paragraph_are_exact_characters():
    old = "\n".join([P1, P2])
    new = "\n".join([P1, "二、目标要求：使全体党员受到普遍教育，解决问题。"])
    rows = diff_texts(old, new)
    assert [r.kind for r in rows] == ["equal", "changed"]
    changed = rows[1]
    assert [s.text for s in changed.right if s.op == "insert"] == ["全体"]
    assert [s.text for s in changed.left if s.op == "delete"] == ["突出"]
    assert changed.left_text == P2
    assert changed.right_text == "二、目标要求：使全体党员受到普遍教育，解决问题。"
    assert summary(rows) == {"inserted_chars": 2, "deleted_chars": 2, "moved": 0}


def test_characters_outside_the_bmp_are_single_characters():
    rows = diff_texts("党员陈𠮷同志。", "党员陈𠮷、王建国同志。")
    (row,) = rows
    assert [s.text for s in row.right if s.op == "insert"] == ["、王建国"]


def test_a_moved_paragraph_is_shown_as_moved_with_its_edits():
    old = "\n".join([P1, P2, P3, P4])
    p2_edited = P2.replace("突出问题", "突出问题和群众反映强烈的问题")
    new = "\n".join([P1, P3, P4, p2_edited, "五、附则：本方案自印发之日起施行。"])
    rows = diff_texts(old, new)
    kinds = [(r.kind, r.left_no, r.right_no) for r in rows]
    assert ("moved_from", 2, None) in kinds
    assert ("moved_to", None, 4) in kinds
    assert ("inserted", None, 5) in kinds
    assert not [k for k in kinds if k[0] == "deleted"]
    moved_to = next(r for r in rows if r.kind == "moved_to")
    assert [s.text for s in moved_to.right if s.op == "insert"] == ["和群众反映强烈的问题"]
    assert "第 2 段" in moved_to.note


def test_every_version_is_kept(cast05):
    doc = submit_plan(cast05, text="\n".join([P1, P2]))
    actions.decide(
        actor=cast05.user("group_leader"),
        document=doc,
        decision="returned",
        reason="补充方法步骤。",
    )
    doc = submit_plan(cast05, text="\n".join([P1, P2, P3]), document=doc)
    assert [(v.number, v.char_count) for v in doc.versions.order_by("number")] == [
        (1, len(P1) + 1 + len(P2)),
        (2, len(P1) + len(P2) + len(P3) + 2),
    ]
    rows = diff_texts(*[v.text for v in doc.versions.order_by("number")])
    assert [r.kind for r in rows] == ["equal", "equal", "inserted"]
