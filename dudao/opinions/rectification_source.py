"""The unit's opinions as a source of rectification items: the item form's record picker offers
them (``dudao.rectification.sources``), read through this app's own access rules. The label is
the date and the text only: never who gave the opinion."""

from __future__ import annotations

from django.urls import reverse

from dudao.rectification.models import SourceKind
from dudao.rectification.sources import LIMIT, Source, register_source

from .access import visible_opinions
from .models import Opinion


def _short(text: str, n: int = 50) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _label(opinion: Opinion) -> str:
    return f"{opinion.given_on:%Y-%m-%d} {_short(opinion.text)}"


def _mine(user, participation):
    # Hidden (moderated) opinions and those merged into another are not picked: the merged one
    # stands for them.
    return visible_opinions(user).filter(
        participation=participation, hidden=False, merged_into__isnull=True
    )


def _choices(user, participation):
    rows = _mine(user, participation).order_by("-given_on", "-pk")[:LIMIT]
    return [(o.pk, _label(o)) for o in rows]


def _resolve(user, participation, pk):
    opinion = _mine(user, participation).filter(pk=pk).first()
    if opinion is None:
        return None
    return _label(opinion), reverse("opinions:detail", args=[opinion.pk])


def register() -> None:
    register_source(Source(kind=SourceKind.OPINION, choices=_choices, resolve=_resolve))
