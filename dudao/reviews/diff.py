"""Side-by-side character-level diff between two versions, correct on Chinese text.

Two levels, because a plain character diff of a whole text renders a moved paragraph as a long
deletion and an unrelated long insertion: first paragraphs are aligned (difflib over lines),
then a deleted paragraph that reappears elsewhere (same or nearly the same text) is shown as
moved, and paragraphs changed in place are compared character by character. ``autojunk`` is
off: with it difflib treats any character frequent in a long text (the 的 and 。 of Chinese) as
junk and produces nonsense alignments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

MOVE_RATIO = 0.8  # a deleted and an inserted paragraph this similar are one moved paragraph


@dataclass(frozen=True)
class Seg:
    text: str
    op: str  # equal | delete | insert


@dataclass
class Row:
    kind: str  # equal | changed | deleted | inserted | moved_from | moved_to
    left: list[Seg] = field(default_factory=list)
    right: list[Seg] = field(default_factory=list)
    left_no: int | None = None  # paragraph numbers, 1-based
    right_no: int | None = None
    note: str = ""

    @property
    def left_text(self) -> str:
        return "".join(s.text for s in self.left)

    @property
    def right_text(self) -> str:
        return "".join(s.text for s in self.right)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n") if p.strip()]


def char_diff(old: str, new: str) -> tuple[list[Seg], list[Seg]]:
    """Left segments (equal/delete) and right segments (equal/insert) of two strings."""
    left: list[Seg] = []
    right: list[Seg] = []
    sm = SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            left.append(Seg(old[i1:i2], "equal"))
            right.append(Seg(new[j1:j2], "equal"))
        else:
            if i2 > i1:
                left.append(Seg(old[i1:i2], "delete"))
            if j2 > j1:
                right.append(Seg(new[j1:j2], "insert"))
    return left, right


def _ratio(a: str, b: str) -> float:
    sm = SequenceMatcher(None, a, b, autojunk=False)
    if sm.real_quick_ratio() < MOVE_RATIO or sm.quick_ratio() < MOVE_RATIO:
        return 0.0
    return sm.ratio()


def diff_texts(old: str, new: str) -> list[Row]:
    a, b = paragraphs(old), paragraphs(new)
    rows: list[Row] = []
    deleted: list[int] = []  # indexes into rows
    inserted: list[int] = []
    sm = SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                p = a[i1 + k]
                rows.append(Row("equal", [Seg(p, "equal")], [Seg(b[j1 + k], "equal")],
                                i1 + k + 1, j1 + k + 1))  # fmt: skip
            continue
        olds = list(range(i1, i2))
        news = list(range(j1, j2))
        # Pair changed paragraphs in place when they still resemble each other.
        while olds and news and op == "replace":
            i, j = olds[0], news[0]
            if SequenceMatcher(None, a[i], b[j], autojunk=False).ratio() < 0.3:
                break
            left, right = char_diff(a[i], b[j])
            rows.append(Row("changed", left, right, i + 1, j + 1))
            olds.pop(0)
            news.pop(0)
        for i in olds:
            deleted.append(len(rows))
            rows.append(Row("deleted", [Seg(a[i], "delete")], [], i + 1, None))
        for j in news:
            inserted.append(len(rows))
            rows.append(Row("inserted", [], [Seg(b[j], "insert")], None, j + 1))
    # Moves: a deleted paragraph found again among the inserted ones.
    used: set[int] = set()
    for di in deleted:
        src = rows[di].left_text
        best, best_ratio = None, 0.0
        for ii in inserted:
            if ii in used:
                continue
            r = 1.0 if rows[ii].right_text == src else _ratio(src, rows[ii].right_text)
            if r > best_ratio:
                best, best_ratio = ii, r
        if best is None or best_ratio < MOVE_RATIO:
            continue
        used.add(best)
        dst = rows[best]
        rows[di] = Row(
            "moved_from",
            [Seg(src, "equal")],
            [],
            rows[di].left_no,
            None,
            note=f"本段移至新稿第 {dst.right_no} 段",
        )
        left, right = char_diff(src, dst.right_text)
        rows[best] = Row(
            "moved_to",
            left,
            right,
            None,
            dst.right_no,
            note=f"由原稿第 {rows[di].left_no} 段移来",
        )
    return rows


def summary(rows: list[Row]) -> dict[str, int]:
    out = {"inserted_chars": 0, "deleted_chars": 0, "moved": 0}
    for r in rows:
        if r.kind == "moved_from":
            out["moved"] += 1
        out["deleted_chars"] += sum(len(s.text) for s in r.left if s.op == "delete")
        out["inserted_chars"] += sum(len(s.text) for s in r.right if s.op == "insert")
    return out
