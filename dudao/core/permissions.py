"""One rule, asked twice: the shape every workflow's "what may this user do now" answers in.

Each workflow has one function ``<workflow>_permits(user, obj) -> Permits``. The page asks it to
decide which buttons to show (and shows the reason beside a refused one); the action asks the
same function and calls ``permits.require("forward")`` before it writes. Neither re-implements
the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import AccessDenied, DomainError, TransitionError


@dataclass(frozen=True)
class Permit:
    """Whether one action is allowed now, and if not, why (in Chinese, for the user).

    ``state``: refused because of the object's present state (already decided, not yet
    submitted), not because of who asks: the user holds the role, so a page shows him the
    reason, and an action raises ``TransitionError`` rather than ``AccessDenied``."""

    action: str
    allowed: bool
    reason: str = ""
    state: bool = False

    def __bool__(self) -> bool:
        return self.allowed


def allow(action: str) -> Permit:
    return Permit(action, True)


def refuse(action: str, reason: str, *, state: bool = False) -> Permit:
    return Permit(action, False, reason, state)


class Permits(dict):
    """``{action: Permit}``; a missing action counts as refused."""

    def add(self, permit: Permit) -> Permits:
        self[permit.action] = permit
        return self

    def may(self, action: str) -> bool:
        permit = self.get(action)
        return bool(permit and permit.allowed)

    def reason(self, action: str) -> str:
        permit = self.get(action)
        if permit is None:
            return "您不能进行此操作。"
        return permit.reason

    def allowed_actions(self) -> list[str]:
        return [a for a, p in self.items() if p.allowed]

    def refused_by_state(self, action: str) -> bool:
        """Refused only because of the object's state (the user holds the role)."""
        permit = self.get(action)
        return permit is not None and not permit.allowed and permit.state

    def state_reasons(self) -> list[str]:
        """The reasons of the state refusals, for the page to show beside its buttons."""
        return list(dict.fromkeys(p.reason for p in self.values() if not p.allowed and p.state))

    def require(
        self, action: str, *, error: type[DomainError] = AccessDenied, ignore_state: bool = False
    ) -> None:
        """Raise ``error`` with the refusal's reason unless ``action`` is allowed (a refusal by
        state raises ``TransitionError``). ``ignore_state``: check only who asks — an action
        does so before it locks the row (the caller's copy may be stale) and asks again, in
        full, on the locked row."""
        if not self.may(action):
            if self.refused_by_state(action):
                if ignore_state:
                    return
                raise TransitionError(self.reason(action), code="conflict")
            raise error(self.reason(action), code="forbidden")
