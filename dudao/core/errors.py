"""Domain errors. Messages are shown to people, so they are in Chinese and say what to do."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the action; the message is for the user."""

    def __init__(self, message: str, *, code: str = "domain_error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class TransitionError(DomainError):
    """A workflow transition is not allowed from the current state."""


class ConflictError(DomainError):
    """Someone else changed the record first; the user must reload and decide again."""


class AccessDenied(DomainError):
    """The actor may not perform this action (a 403 for pages that already showed the object)."""
