"""Where the requirements engine asks other parts of the system for facts it does not own.

The engine lives in ``campaigns``, below the record-keeping apps, so it never imports them: each
app that holds facts a requirement reads registers a reader here. An app does so in its
``ports.py`` (found by ``CampaignsConfig.ready()``: ``autodiscover_modules("ports")``) or its own
``AppConfig.ready()``.

Records (study sessions, attendance, meetings, tests, talks, findings, criticisms, exemptions)
are kept by the records app, documents by the reviews app. They register a :class:`RecordReader`
and a :class:`DocumentReader`: the model classes the evaluators aggregate over, set-based
(one or two queries per requirement whatever the number of units). The field names the
evaluators read are the contract: each record model has ``participation_id`` and ``phase``;
see ``kinds/`` for the fields of each kind.

Surveys are run by the surveys app (issue: anonymous surveys); the engine only needs each unit's
(or each member's) latest decided outcome of an instrument. The surveys app registers its source
in its ``AppConfig.ready()``; tests may register their own source with :func:`use_survey_source`.

Contract of a source (all methods set-based: one or a few queries whatever the number of units):

``unit_outcomes(campaign_id, instrument, participation_ids)``
    → ``{participation_id: SurveyOutcome}`` for the latest round of that instrument per unit.
    Units with no round at all are simply absent from the result.
``member_outcomes(campaign_id, instrument, participation_ids)``
    → ``{participation_id: {person_id: SurveyOutcome}}`` for instruments whose subject is a member.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal, Protocol

OutcomeStatus = Literal["passed", "failed", "too_few", "open", "not_held"]

STATUS_LABELS = {
    "passed": "达到要求",
    "failed": "未达到要求",
    "too_few": "有效答卷不足，结果不予显示",
    "open": "测评进行中",
    "not_held": "尚未组织测评",
}


@dataclass(frozen=True)
class SurveyOutcome:
    status: OutcomeStatus
    answers: int = 0
    # The share the rule judged (satisfied share, or share of 一般化/走过场), exact.
    share: Fraction | None = None
    round_number: int = 1
    # Chinese, one line, for the requirement report ("满意 21/30 = 70.0%，不低于 2/3").
    detail: str = ""
    url: str = ""


class SurveyResultSource(Protocol):
    def unit_outcomes(
        self, *, campaign_id: int, instrument: str, participation_ids: list[int]
    ) -> dict[int, SurveyOutcome]: ...

    def member_outcomes(
        self, *, campaign_id: int, instrument: str, participation_ids: list[int]
    ) -> dict[int, dict[int, SurveyOutcome]]: ...


class _NoSurveys:
    """Used only when no surveys app is installed: every survey is reported as not held."""

    def unit_outcomes(self, *, campaign_id, instrument, participation_ids):
        return {}

    def member_outcomes(self, *, campaign_id, instrument, participation_ids):
        return {}


_source: SurveyResultSource = _NoSurveys()


def register_survey_source(source: SurveyResultSource) -> None:
    global _source
    _source = source


def survey_source() -> SurveyResultSource:
    return _source


@contextlib.contextmanager
def use_survey_source(source: SurveyResultSource) -> Iterator[None]:
    """Tests: evaluate with another source, then put the registered one back."""
    global _source
    previous = _source
    _source = source
    try:
        yield
    finally:
        _source = previous


# --- records and documents ------------------------------------------------------------------


@dataclass(frozen=True)
class RecordReader:
    """The record models the evaluators read (registered by dudao/records/ports.py)."""

    study_session: type
    attendance: type
    meeting: type
    knowledge_test: type
    test_result: type
    talk: type
    problem_found: type
    criticism: type
    exemption: type
    # code → Chinese label of who gave a talk or lecture ("单位主要负责同志").
    speaker_roles: Mapping[str, str] = field(default_factory=dict)
    # code → Chinese label of an exemption's reason.
    exemption_reasons: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DocumentReader:
    """The document model the evaluators read (registered by dudao/reviews/ports.py): fields
    ``participation_id``, ``phase``, ``kind``, ``status``, ``author``, ``title``, ``rounds``."""

    document: type


_readers: dict[str, object] = {}


def register_record_reader(reader: RecordReader) -> None:
    _readers["records"] = reader


def register_document_reader(reader: DocumentReader) -> None:
    _readers["documents"] = reader


def _reader(name: str, app: str):
    try:
        return _readers[name]
    except KeyError:
        # Not a state a running site can reach: the apps are always installed together. Say
        # which one is missing instead of failing on a None later.
        raise LookupError(
            f"requirements engine: no {name} reader registered ({app} installed?)"
        ) from None


def record_reader() -> RecordReader:
    return _reader("records", "dudao.records")  # type: ignore[return-value]


def document_reader() -> DocumentReader:
    return _reader("documents", "dudao.reviews")  # type: ignore[return-value]


# --- evidence markers -----------------------------------------------------------------------
# An app above may mark pieces of evidence (the supervision app: a claim a spot-check found not
# to match, until the problem it raised is solved). A marker takes the participation ids of a
# detailed report and answers ``{evidence target: mark text}`` in one query.

_markers: dict[str, Callable] = {}


def register_evidence_marker(code: str, marker: Callable) -> None:
    _markers[code] = marker


def evidence_markers() -> list[Callable]:
    return list(_markers.values())
