"""The open link (template ``open_link: true``): turning it on, and a fresh one-time code for
each device that opens it."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from dudao.core.errors import DomainError, TransitionError

from .. import codes as code_rules
from ..instruments import get_instrument
from ..models import RoundStatus, SurveyCode, SurveyRound
from ._common import _audit, _lock_round, _require, _template_data

# A round's open link mints at most this many codes (one per device that opens it): a ceiling
# on what a script opening the link in a loop can add to the database.
MAX_LINK_CODES = 20000


@transaction.atomic
def enable_open_link(*, actor, round_: SurveyRound) -> SurveyRound:
    """Turn on the round's open link: anyone with the link answers once per device. Only for
    instruments whose template sets ``open_link: true`` (public respondents, no sampling)."""
    round_ = _lock_round(round_)
    _require(actor, round_, "open_link")
    inst = get_instrument(_template_data(round_.campaign), round_.instrument)
    if not inst.get("open_link"):
        raise DomainError(f"按活动模板，“{inst['name']}”只能凭测评码作答，不能开放公开链接。")
    if round_.status == RoundStatus.CLOSED:
        raise TransitionError("测评已结束，不能再开放公开链接。")
    if round_.open_token:
        return round_  # already on: a second click changes nothing
    round_.open_token = secrets.token_urlsafe(12)
    round_.save(update_fields=["open_token"])
    _audit(actor, "survey.link.enable", round_)
    return round_


def code_for_device(token: str) -> tuple[str | None, str]:
    """A fresh one-time code for a device opening the open link: (code, "ok"), or (None, why).

    No actor, no audit event, no time: the code is handed to the device (in a cookie) and the
    server keeps only the code row, like a printed code's. The device, not the server,
    remembers that it has answered."""
    found = (
        SurveyRound.objects.filter(open_token=token).values_list("pk", "status", "expires_on")
    ).first()
    if found is None:
        return None, "unknown_link"
    round_id, status, expires_on = found
    if status == RoundStatus.PREPARING:
        return None, "not_open"
    if status == RoundStatus.CLOSED:
        return None, "closed"
    if expires_on and timezone.localdate() > expires_on:
        return None, "expired"
    if SurveyCode.objects.filter(round_id=round_id, via_link=True).count() >= MAX_LINK_CODES:
        return None, "link_full"
    while True:
        code = code_rules.new_code()
        if not SurveyCode.objects.filter(code=code).exists():
            break
    SurveyCode.objects.create(round_id=round_id, code=code, via_link=True)
    return code, "ok"
