"""One-time codes: short, typed from a slip of paper, unguessable."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L: people type these from paper. 31 symbols, 8 of them: about 8.5 × 10^11 codes,
# so guessing one of a million issued codes takes about a million tries.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8
_STRIP = re.compile(r"[\s\-_.·—]+")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str:
    """What a person typed → the stored form: case, spaces and dashes do not matter."""
    return _STRIP.sub("", (text or "").strip()).upper()[:32]


def looks_valid(code: str) -> bool:
    return len(code) == LENGTH and all(c in ALPHABET for c in code)


def display(code: str) -> str:
    """ABCD-EFGH: easier to read aloud and to type."""
    return f"{code[:4]}-{code[4:]}" if len(code) == LENGTH else code
