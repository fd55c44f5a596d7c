"""The Content-Security-Policy allows styles and scripts only from our static files: a <style>
block or an inline <script> in a template is silently ignored by the browser (the page then looks
broken on a phone). Only the 500 page keeps its own <style> (no static files when failing)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
STYLE = re.compile(r"<style\b", re.I)
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I
)


def _templates():
    for base in [ROOT / "templates", *sorted((ROOT / "dudao").glob("*/templates"))]:
        yield from base.rglob("*.html")


def test_no_template_has_a_style_block_or_an_inline_script():
    found = []
    for path in _templates():
        if path.name == "500.html" and path.parent.name == "templates":
            continue
        if path.parent.name == "print":
            continue  # rendered to PDF on the server (WeasyPrint), never served as a page
        text = path.read_text(encoding="utf-8")
        if STYLE.search(text):
            found.append(f"{path.relative_to(ROOT)}: <style>")
        if INLINE_SCRIPT.search(text):
            found.append(f"{path.relative_to(ROOT)}: inline <script>")
    assert not found, "\n".join(found)
