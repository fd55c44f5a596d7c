"""Member self-analysis tests (seed 001): one round per member to be tested, with codes for
the audience the member's role dictates."""

from __future__ import annotations

from django.db import connection, transaction

from dudao.campaigns.models import Participation
from dudao.core.audit import record_event
from dudao.core.errors import AccessDenied, DomainError

from ..access import may_run
from ..instruments import RUNNER_LABELS, get_instrument
from ..models import SurveyRound
from ..selectors import member_audience, tested_members
from ._common import MEMBER_SHARDS, _create_tallies, _insert_codes, _template_data


@transaction.atomic
def create_member_rounds(*, actor, participation: Participation, instrument: str) -> int:
    """One round per member to be tested (seed 001: retired members exempt), each with one code
    per person of the audience the member's role dictates. Members who already have a round
    are left alone. Returns the number of rounds created."""
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    inst = get_instrument(_template_data(participation.campaign), instrument)
    if not may_run(actor, participation, inst):
        raise AccessDenied(
            f"“{inst['name']}”由{RUNNER_LABELS.get(inst['run_by'], inst['run_by'])}组织实施。"
        )
    if inst["subject"] != "member":
        raise DomainError(f"“{inst['name']}”不是对党员个人的测评。")
    done = set(
        SurveyRound.objects.filter(participation=participation, instrument=instrument).values_list(
            "subject_person_id", flat=True
        )
    )
    members = [m for m in tested_members(participation, inst) if m.pk not in done]
    audiences = member_audience(participation, inst, members)
    rounds = SurveyRound.objects.bulk_create(
        [
            SurveyRound(
                campaign_id=participation.campaign_id,
                participation=participation,
                instrument=instrument,
                subject_person=m,
                shards=MEMBER_SHARDS,
                created_by=actor,
            )
            for m in members
        ]
    )
    if connection.vendor != "postgresql" or any(r.pk is None for r in rounds):
        # SQLite before RETURNING support gives no ids back: fetch them.
        by_person = dict(
            SurveyRound.objects.filter(
                participation=participation, instrument=instrument, round_number=1
            ).values_list("subject_person_id", "pk")
        )
        for r in rounds:
            r.pk = r.id = by_person[r.subject_person_id]
    _create_tallies(rounds, inst)
    for r in rounds:
        size = len(audiences[r.subject_person_id])
        if size:
            _insert_codes(r, size)
    record_event(
        actor=actor,
        action="survey.member_rounds.create",
        target=participation,
        campaign_id=participation.campaign_id,
        organisation_id=participation.unit_id,
        data={"instrument": instrument, "rounds": len(rounds)},
    )
    return len(rounds)
