"""Where the requirements engine reads rectification facts it does not own (as it reads surveys
through ``ports.survey_source``).

The rectification app keeps a unit's problem list (检视问题清单) and its special rectification
areas (专项整治); it registers a source in its ``AppConfig.ready()``. Until one is registered
every unit reads as having no list and no area started, so a template that requires them blocks
until the rectification app is installed. Tests may register their own with
:func:`use_rectification_source`.

Contract (set-based: one or a few queries whatever the number of units):

``problem_lists(campaign_id, phase, participation_ids)``
    → ``{participation_id: ProblemListFacts}``; units with no list are absent.
``area_statuses(campaign_id, phase, areas, participation_ids)``
    → ``{participation_id: {area_code: status}}`` with status ``not_started``, ``in_progress``
    or ``done``; areas a unit has not started are absent.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, Protocol

AreaStatus = Literal["not_started", "in_progress", "done"]
AREA_STATUS_LABELS = {"not_started": "未开始", "in_progress": "整治中", "done": "已完成"}
AREA_STATUS_ORDER = ("not_started", "in_progress", "done")


@dataclass(frozen=True)
class ProblemListFacts:
    items: int
    done: int
    url: str = ""


class RectificationSource(Protocol):
    def problem_lists(
        self, *, campaign_id: int, phase: str, participation_ids: list[int]
    ) -> dict[int, ProblemListFacts]: ...

    def area_statuses(
        self, *, campaign_id: int, phase: str, areas: list[str], participation_ids: list[int]
    ) -> dict[int, dict[str, AreaStatus]]: ...


class _NoRectification:
    def problem_lists(self, *, campaign_id, phase, participation_ids):
        return {}

    def area_statuses(self, *, campaign_id, phase, areas, participation_ids):
        return {}


_source: RectificationSource = _NoRectification()


def register_rectification_source(source: RectificationSource) -> None:
    global _source
    _source = source


def rectification_source() -> RectificationSource:
    return _source


@contextlib.contextmanager
def use_rectification_source(source: RectificationSource) -> Iterator[None]:
    global _source
    old, _source = _source, source
    try:
        yield
    finally:
        _source = old
