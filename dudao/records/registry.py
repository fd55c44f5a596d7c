"""The registry of record kinds: one definition per kind (model, form, how its fields are
checked, list and Excel columns, import columns and the key a re-import matches on, page
templates, the requirement kinds that read it). The generic actions (``actions``), views
(``views``) and import (``bulk_import``) serve every kind from its definition; the kinds
themselves are defined in ``definitions``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class Column:
    """A list and export column: ``get(record, labels)`` answers a plain value."""

    header: str
    get: Callable[[Any, Labels], Any]
    wide: bool = False  # long text: shown across the row on a phone


@dataclass(frozen=True)
class ImportColumn:
    """An import column: the cell's header, the action's data key, and how a cell is read
    (``parse(value, lookups)`` answers the value or raises ``CellError``)."""

    header: str
    key: str
    parse: Callable[[Any, Any], Any]
    required: bool = False
    hint: str = ""


@dataclass
class RecordKind:
    slug: str  # the URL segment and the import sheet's key: "meetings"
    code: str  # the audit code: records.<code>.create
    label: str  # 会议记录
    noun: str  # 会议 (登记会议, 修改会议)
    model: type
    form_class: type
    clean: Callable  # (participation, data, record | None) -> model fields
    columns: list[Column]
    describe: Callable[[Any], str]
    queryset: Callable  # (participation, phase, rights) -> QuerySet of the list
    import_columns: list[ImportColumn] = field(default_factory=list)
    natural_key: tuple[str, ...] = ()  # model fields a re-import matches on
    relate: Callable | None = None  # (record, data, before | None) -> changes of relations
    writer_branches: Callable = lambda data: None  # branches the data names (secretaries)
    record_branches: Callable = lambda record: None
    refs: dict[str, str] = field(default_factory=dict)  # form field -> person(s)/branch(es)/meeting
    date_of: Callable = lambda record: (
        getattr(record, "date", None) or timezone.localdate(record.created_at)
    )
    read_need: str = "read"
    write_need: str = "write"
    requirement_kinds: tuple[str, ...] = ()
    list_template: str = "records/kind_list.html"
    form_template: str = "records/record_form.html"
    detail_template: str = "records/kind_detail.html"
    page_hook: Callable | None = None  # extra context/data of the form page (sessions' ticks)
    detail_hook: Callable | None = None  # extra context of the read-only page
    detail_url: Callable | None = None  # where a saved record is shown (tests: the scores)
    snapshot: Callable | None = None  # what a deletion keeps beyond the form's fields
    create: Callable | None = None  # a kind with its own workflow (exemptions: propose)
    remove: Callable | None = None  # ... and its own way out (exemptions: withdraw)
    editable: bool = True

    @property
    def audit_prefix(self) -> str:
        return f"records.{self.code}"


class Labels:
    """Names the columns show instead of codes, read once per page from the template."""

    def __init__(self, participation, phase: str):
        self.participation = participation
        self.phase = phase

    @cached_property
    def session_kinds(self) -> dict[str, str]:
        from . import kinds

        return kinds.session_kinds(self.participation.campaign)

    @cached_property
    def meeting_kinds(self) -> dict[str, str]:
        from . import kinds

        return kinds.meeting_kinds(self.participation.campaign)

    @cached_property
    def phases(self) -> dict[str, str]:
        from . import kinds

        return {p["code"]: p["name"] for p in kinds.phases(self.participation.campaign)}

    @cached_property
    def requirements(self) -> dict[str, str]:
        from . import kinds

        out = {}
        for p in kinds.phases(self.participation.campaign):
            for r in p.get("requirements", []):
                out.setdefault(r["code"], r["name"])
        return out


KINDS: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> RecordKind:
    KINDS[kind.slug] = kind
    return kind


def get_kind(slug: str) -> RecordKind:
    """The kinds register themselves when ``definitions`` is imported (RecordsConfig.ready)."""
    return KINDS[slug]


def all_kinds() -> list[RecordKind]:
    return list(KINDS.values())


class KindConverter:
    """URL converter: only the slugs of registered kinds match, so fixed pages (me/, hours/,
    notes/, import/) keep their own patterns."""

    @property
    def regex(self) -> str:
        return "|".join(k.slug for k in all_kinds())

    def to_python(self, value: str) -> RecordKind:
        return get_kind(value)

    def to_url(self, value) -> str:
        return value.slug if isinstance(value, RecordKind) else str(value)
