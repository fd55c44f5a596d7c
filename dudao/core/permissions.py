"""One rule, asked twice: the shape every workflow's "what may this user do now" answers in.

Each workflow has one function ``<workflow>_permits(user, obj) -> Permits``. The page asks it to
decide which buttons to show (and shows the reason beside a refused one); the action asks the
same function and calls ``permits.require("forward")`` before it writes. Neither re-implements
the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import AccessDenied, DomainError


@dataclass(frozen=True)
class Permit:
    """Whether one action is allowed now, and if not, why (in Chinese, for the user)."""

    action: str
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def allow(action: str) -> Permit:
    return Permit(action, True)


def refuse(action: str, reason: str) -> Permit:
    return Permit(action, False, reason)


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

    def require(self, action: str, *, error: type[DomainError] = AccessDenied) -> None:
        """Raise ``error`` with the refusal's reason unless ``action`` is allowed."""
        if not self.may(action):
            raise error(self.reason(action), code="forbidden")
