"""Users never see an internal code (DESIGN.md convention 14): every page a demo account reaches
from its home page, one click deep, shows Chinese labels for actions, requirement kinds, roles,
phases and milestones — no ``document.submit``, ``knowledge_test``, ``（higher_organisation）``,
``seed 001`` or "Jaccard".

The demo is the data (``seed_demo`` at its tiny scale), so a new page or a new code that reaches
a page without a label fails here."""

from __future__ import annotations

import io
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dudao.demo import generator as demo
from dudao.testing import PASSWORD
from dudao.web.templatetags.dudao_web import ACTION_LABELS

# snake_case and dotted identifiers (knowledge_test, document.submit), seed references, and
# words of the implementation that mean nothing to a campaign office.
CODE = re.compile(
    r"\b[a-z]+(?:_[a-z0-9]+)+\b"
    r"|\b[a-z]+\.[a-z_]+(?:\.[a-z_]+)*\b"
    r"|\bseed \d{3}\b"
    r"|\b(?:Jaccard|MinHash|None|True|False|null)\b"
)
# What a page may legitimately show in ASCII: file names, e-mail-like demo logins, and so on.
ALLOWED = re.compile(r"^(?:[\w-]+\.(?:xlsx|docx|pdf|csv|svg|png))$")
# Links not to follow: actions, downloads and other people's sessions.
SKIP = re.compile(r"(logout|export|\.xlsx|\.docx|/admin/|/api/|/s/|download|print|qr)")
MAX_PAGES_PER_ROLE = 30
# Pages of the same shape (/units/7/, /units/8/) are read twice per role, not for every object.
SAME_SHAPE = 2


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles; links collected."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code", "pre", "textarea"):
            self._skip += 1
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/"):
                self.links.append(href)
        for name, value in attrs:
            # Visible attributes: placeholders, titles, and button values.
            if name in ("placeholder", "title", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "pre", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _read(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def codes_in(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    return [m for m in CODE.findall(text) if not ALLOWED.match(m) and m not in allowed]


@pytest.fixture
def demo_accounts(db):
    return demo.seed(scale_name="tiny", seed_value=7, out=io.StringIO())


def test_it_finds_codes_in_text_but_not_in_chinese():
    assert codes_in("操作：document.submit（knowledge_test）seed 001") == [
        "document.submit",
        "knowledge_test",
        "seed 001",
    ]
    assert codes_in("学习动员阶段 3 人未达到 45 学时；名册.xlsx") == []


@pytest.mark.django_db
def test_it_shows_no_internal_code_to_any_demo_account(client, demo_accounts):
    found: dict[str, set[str]] = {}
    # Login names are what people typed, not codes (the demo's are unit_head, group_leader …).
    usernames = frozenset(username for username, _label, _where in demo_accounts.values())
    for key, (username, _label, _where) in demo_accounts.items():
        assert client.login(username=username, password=PASSWORD), username
        queue, seen, shapes = ["/"], set(), Counter()
        while queue and len(seen) < MAX_PAGES_PER_ROLE:
            url = queue.pop(0)
            path = urlsplit(url).path
            shape = re.sub(r"\d+", "N", path)
            if path in seen or SKIP.search(url) or shapes[shape] >= SAME_SHAPE:
                continue
            seen.add(path)
            shapes[shape] += 1
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            page = _read(response.content.decode())
            for code in codes_in(" ".join(page.parts), usernames):
                found.setdefault(code, set()).add(f"{key} {path}")
            if url == "/":
                queue.extend(page.links)
            else:
                # One click deeper than the home page's links, for the pages of one object.
                queue.extend(link for link in page.links if link.count("/") <= 5)
        client.logout()
    assert not found, "\n".join(
        f"{code}: {sorted(where)[:3]}" for code, where in sorted(found.items())
    )


def test_it_has_a_chinese_label_for_every_audit_action_in_the_code():
    """Every literal action code in the code (record_event and the apps' audit helpers) has its
    own entry in ACTION_LABELS."""
    root = Path(__file__).resolve().parents[2]
    literal = re.compile(
        r'(?:action=|_audit\(\s*actor,\s*|_event\(\s*actor,\s*)"([a-z_]+\.[a-z_.]+)"'
    )
    codes = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        codes |= set(literal.findall(path.read_text(encoding="utf-8")))
    assert "document.submit" in codes and "survey.round.open" in codes
    missing = sorted(c for c in codes if c not in ACTION_LABELS)
    assert not missing, missing


def test_action_codes_built_at_run_time_have_chinese_labels():
    """Codes the literal scan above cannot see (f-strings: one per record kind imported, per
    review decision, per document milestone) get a Chinese label, never "其他操作" or a code."""
    from dudao.records import definitions
    from dudao.reviews.models import ReviewDecision
    from dudao.web.templatetags.dudao_web import label_action

    kinds = [
        getattr(definitions, name).code
        for name in dir(definitions)
        if name.isupper() and hasattr(getattr(definitions, name), "code")
    ]
    assert "meeting" in kinds and "talk" in kinds
    codes = [f"records.import.{k}" for k in kinds + ["attendance"]]
    codes += [f"document.{d}" for d in ReviewDecision.values]
    codes += ["document.publicity", "document.endorsement"]
    codes += [f"supervision.{v}_inspection_report" for v in ("submit", "edit")]
    for code in codes:
        label = label_action(code)
        assert label != "其他操作" and not re.search(r"[A-Za-z_]", label), (code, label)
