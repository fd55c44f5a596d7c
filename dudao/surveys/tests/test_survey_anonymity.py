"""Anonymity by storage (DESIGN.md "Anonymity", docs/anonymity.md): after submissions, inspect
the schema, the audit events and the stored rows for anything that links a code, an account,
an IP address or a time to an answer, and try to match answers to codes through ordering and
timestamps."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.db import connection, models

from dudao.core.models import AuditEvent
from dudao.surveys.models import SurveyCode, SurveyRound, Tally
from dudao.surveys.tests.helpers import close, open_round, vote

pytestmark = pytest.mark.django_db

A = {"found_problems": "找准抓住了", "formality": "扎实认真"}
B = {"found_problems": "走过场", "formality": "走过场"}


def _columns(model) -> set[str]:
    with connection.cursor() as cur:
        return {
            c.name
            for c in connection.introspection.get_table_description(cur, model._meta.db_table)
        }


def test_the_code_and_counter_tables_hold_no_time_no_person_and_no_link():
    # Checked against the database itself, not only the models.
    # via_link: whether the code was printed or minted for a device by the open link — a
    # property of the code, not of any answer or person.
    assert _columns(SurveyCode) == {"id", "round_id", "code", "used", "via_link"}
    assert _columns(Tally) == {"id", "round_id", "question", "option", "shard", "count"}


def test_no_table_refers_to_a_code_or_a_counter():
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if f.is_relation and f.concrete and f.related_model in (SurveyCode, Tally):
                pytest.fail(f"{model._meta.label}.{f.name} refers to {f.related_model.__name__}")


def test_no_survey_table_stores_an_address_an_agent_or_a_session():
    for model in apps.get_app_config("surveys").get_models():
        for f in model._meta.concrete_fields:
            words = set(f.name.lower().split("_"))
            assert not words & {"ip", "address", "agent", "session", "device", "cookie"}, (
                f"{model.__name__}.{f.name}"
            )
            if model in (SurveyCode, Tally):
                assert not isinstance(f, models.DateField | models.DateTimeField)


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def test_submissions_insert_no_row_and_write_no_audit_event(cast05):
    round_, codes = open_round(cast05, codes=12)
    before = _row_counts()
    events_before = AuditEvent.objects.count()
    vote(codes[:6], A)
    vote(codes[6:], B)
    after = _row_counts()
    # No answer rows, no log rows, nothing with a key or a time; on SQLite one sealed ballot per
    # answer (no key to a code, no time; opened and deleted at closing, see atrest.py).
    sealed = after.pop("surveys.SealedBallot")
    assert sealed == (12 if connection.vendor == "sqlite" else 0)
    before.pop("surveys.SealedBallot")
    assert after == before
    assert AuditEvent.objects.count() == events_before
    close(cast05, round_)
    dump = json.dumps(list(AuditEvent.objects.values()), ensure_ascii=False, default=str)
    for code in codes:
        assert code not in dump and f"{code[:4]}-{code[4:]}" not in dump


def _snapshot(round_) -> dict:
    """What the database holds about a round's answers, shards added up (the shard is random)."""
    tallies: dict[tuple, int] = {}
    for q, o, n in Tally.objects.filter(round=round_).values_list("question", "option", "count"):
        tallies[(q, o)] = tallies.get((q, o), 0) + n
    return {
        "tallies": tallies,
        "codes": list(SurveyCode.objects.filter(round=round_).order_by("pk").values_list("used")),
        "tally_order": list(
            Tally.objects.filter(round=round_).order_by("pk").values_list("question", "option")
        ),
    }


def test_who_answered_what_cannot_be_told_from_ordering(cast05):
    """Two runs in which the same codes give the same answers but swapped between them leave
    exactly the same stored state: so the state cannot tell which code gave which answer."""
    first, codes1 = open_round(cast05, codes=10)
    vote(codes1[:5], A)  # the first five codes (in issue order) say A …
    vote(codes1[5:], B)
    second, codes2 = open_round(cast05, codes=10, unit=cast05.unit_b)
    vote(codes2[5:], A)  # … here the last five do, and they answer first
    vote(codes2[:5], B)
    close(cast05, first)
    close(cast05, second)
    assert _snapshot(first) == _snapshot(second)


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="只有 PostgreSQL 的行带有事务号（xmin）；SQLite 的行不记录由哪个事务写入",
)
def test_closing_erases_which_transaction_last_touched_each_row(cast05):
    round_, codes = open_round(cast05, codes=10)
    vote(codes[:4], A)
    vote(codes[4:], B)

    def xmins(model):
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT DISTINCT xmin::text FROM {model._meta.db_table} WHERE round_id = %s",
                [round_.pk],
            )
            return {row[0] for row in cur.fetchall()}

    # While open, a used code and the counters of its ballot share a transaction id …
    assert xmins(SurveyCode) & xmins(Tally)
    close(cast05, round_)
    # … after closing, every code and counter of the round was rewritten by one transaction.
    assert len(xmins(SurveyCode) | xmins(Tally)) == 1


def test_an_open_round_shows_no_live_counts(cast05):
    from dudao.surveys.selectors import code_counts, round_outcome

    round_, codes = open_round(cast05, codes=12)
    vote(codes, A)
    outcome = round_outcome(SurveyRound.objects.get(pk=round_.pk))
    assert (outcome.status, outcome.answers, outcome.share) == ("open", 0, None)
    assert code_counts([round_.pk])[round_.pk] == {"issued": 12, "via_link": None, "used": None}
