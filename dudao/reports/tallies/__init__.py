"""The tallies of the record-keeping apps that exist today, one declaration each.

Categories and their seeds: seed 002's report figures (party lectures by unit heads, forums,
self-found problems, mutual criticisms), seed 003's unit tally (sessions, person-attendances,
discussions, study notes, good deeds, test takers), seed 001's rectification classes,
regulations and special actions, surveys run and passed, remedial orders (DOMAIN.md §3.9).
Seed 002 also reports opinions collected, classified and fed back (218 of each), the groups'
visits and 一把手约谈, and the 107 archives kept for 107 units. Parameters narrow a tally to
kinds, sources, classes … named in the template.

One module per area of the record (study, examination, rectification, surveys and transitions,
opinions, the supervision group's own work, the archive; the section names, shared parameters
and columns in ``_common``). Each module declares its tallies when imported, so the imports
below keep the order of a report's figures.
"""

from __future__ import annotations

# A report lists its figures in the order the tallies were declared: keep these imports in
# this order.
# isort: off
from ._common import (
    ARCHIVE,
    EXAMINE,
    KINDS,
    OPINIONS,
    PHASE,
    PROCESS,
    RECTIFY,
    SESSION_KINDS,
    STUDY,
    SUPERVISE,
    SURVEY,
    UNIT,
)
from . import study  # noqa: F401
from . import examination  # noqa: F401
from .rectification import LIGHT_CHOICES
from . import surveys_transitions  # noqa: F401
from . import opinions  # noqa: F401
from . import supervision  # noqa: F401
from . import archive  # noqa: F401

# isort: on

__all__ = [
    "ARCHIVE",
    "EXAMINE",
    "KINDS",
    "LIGHT_CHOICES",
    "OPINIONS",
    "PHASE",
    "PROCESS",
    "RECTIFY",
    "SESSION_KINDS",
    "STUDY",
    "SUPERVISE",
    "SURVEY",
    "UNIT",
]
