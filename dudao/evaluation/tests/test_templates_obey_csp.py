"""This app's templates take styles from static files only: the Content-Security-Policy makes a
browser ignore a <style> block or an inline <script> (the page then looks broken on a phone)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_no_style_block_or_inline_script():
    found = [
        str(p.relative_to(TEMPLATES))
        for p in TEMPLATES.rglob("*.html")
        if re.search(r"<style\b|<script\b(?![^>]*\bsrc=)", p.read_text(encoding="utf-8"), re.I)
    ]
    assert not found, found
