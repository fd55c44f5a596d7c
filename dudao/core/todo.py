"""The to-do registry: what waits on a person, gathered from every app that has something.

``core`` imports none of our apps, so the apps register here: each one lists its providers in a
``todo.py`` module (imported at start-up by the supervision app's ``ready()`` through
``autodiscover_modules("todo")``), so a later app (opinions, evaluation …) adds its own to-dos
with one module and no change elsewhere.

A provider answers two questions about a user, each in at most one query:

- ``count(user) -> int``: how many things wait on him (the number in the navigation);
- ``items(user) -> list[Todo]``: the things themselves, each with a link (a URL name and its
  arguments: pages are the view layer's, so no path is built here).

Providers read live data on every call (nothing cached), so an order made in one request is on
the unit's list in the next one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Todo:
    """One thing waiting on a person. ``section``: the heading it is listed under (Chinese);
    ``url_name``/``url_args``: the page that acts on it; ``reason``: why it waits (a send-back
    reason, what a remedial order asks to redo); ``due``: its deadline, if any; ``light``:
    red/yellow/green where the thing has a deadline light."""

    section: str
    title: str
    url_name: str
    url_args: tuple = ()
    reason: str = ""
    due: dt.date | None = None
    light: str = ""
    since: dt.datetime | None = None


@dataclass(frozen=True)
class Provider:
    code: str
    section: str
    count: Callable
    items: Callable
    order: int = 100
    extra: dict = field(default_factory=dict)


_PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    """Add (or replace, by code: a module imported twice registers once) a provider."""
    _PROVIDERS[provider.code] = provider
    return provider


def providers() -> list[Provider]:
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.code))


def todo_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return sum(int(p.count(user) or 0) for p in providers())


def todo_sections(user) -> list[tuple[str, list[Todo]]]:
    """``[(section, [Todo, …]), …]`` in provider order, empty sections left out."""
    if user is None or not user.is_authenticated:
        return []
    out: list[tuple[str, list[Todo]]] = []
    for p in providers():
        found = list(p.items(user))
        if found:
            out.append((p.section, found))
    return out
