"""Roster import: organisations, people and roles from one workbook.

Validation reads the whole file first and collects every problem (row as Excel shows it,
column, value, reason). Nothing is written while there are problems, unless the user asked for
the valid rows only — then rows that depend on a bad row are skipped too, and reported. Writing
is one transaction, idempotent by code: unchanged rows write nothing, and a second import of the
same file changes nothing and records nothing.

The package holds the shared labels and types (`common`), reading the workbook (`reading`),
validating (`validating`) and writing (`writing`); every name stays importable from here.
"""

from .common import (
    CADRE_LABELS,
    CATEGORY_LABELS,
    CHUNK,
    KIND_LABELS,
    PERSON_FIELDS,
    ROLE_LABELS,
    SHEETS,
    Progress,
    RosterPlan,
    Row,
    _chunks,
    _noop,
)
from .reading import _clean, _header_hits, parse, read_tables
from .validating import _check_independence, _duplicates, _propagate_skips, check, validate
from .writing import _move, apply

__all__ = [
    "CADRE_LABELS",
    "CATEGORY_LABELS",
    "CHUNK",
    "KIND_LABELS",
    "PERSON_FIELDS",
    "Progress",
    "ROLE_LABELS",
    "RosterPlan",
    "Row",
    "SHEETS",
    "_check_independence",
    "_chunks",
    "_clean",
    "_duplicates",
    "_header_hits",
    "_move",
    "_noop",
    "_propagate_skips",
    "apply",
    "check",
    "parse",
    "read_tables",
    "validate",
]
