"""The one exception hierarchy of steelbond.

Kept in a module of its own, importing nothing else of the library, so that any module (and
any user) can import the errors without pulling the rest in. Every error carries the offending
value as an attribute, not only in its message.
"""

from __future__ import annotations

__all__ = [
    "ArgumentError",
    "ConflictError",
    "DateError",
    "EventError",
    "IntegrityError",
    "LedgerError",
    "MissingExtraError",
    "OutOfCoverageError",
    "SteelbondError",
    "StorageError",
    "StorageWarning",
    "UnknownReleaseError",
]


class SteelbondError(Exception):
    """Root of every error steelbond raises on purpose; catch this to catch them all."""


class _BadValue(SteelbondError, ValueError):
    """A value the library cannot accept; ``value`` holds it."""

    def __init__(self, message: str, value: object) -> None:
        super().__init__(message)
        self.value = value


class ArgumentError(_BadValue):
    """An argument has a value the function does not accept (the message lists those it does)."""


class MissingExtraError(SteelbondError, ImportError):
    """An optional dependency is missing; the message names the extra that installs it."""

    def __init__(self, message: str, extra: str) -> None:
        super().__init__(message)
        self.extra = extra


class DateError(_BadValue):
    """A date (a query date or a partial date of an event) could not be read."""


class OutOfCoverageError(_BadValue):
    """A query asked about a day outside the window the log's sources cover."""


class UnknownReleaseError(_BadValue):
    """A data release was named that the log does not know."""


class EventError(SteelbondError, ValueError):
    """An event is malformed: a missing or wrongly typed field, an unknown kind or reference."""

    def __init__(self, message: str, event_id: str | None = None) -> None:
        super().__init__(message)
        self.event_id = event_id


class LedgerError(SteelbondError):
    """The human-edited ledger (the TOML files behind the data) is malformed."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class IntegrityError(SteelbondError):
    """The hash chain does not verify: an event was edited, reordered, inserted or removed."""

    def __init__(self, message: str, seq: int, event_id: str | None) -> None:
        super().__init__(message)
        self.seq = seq
        self.event_id = event_id


class ConflictError(SteelbondError):
    """An append stated a head that is no longer the log's head; nothing was written."""

    def __init__(self, message: str, expected: str | None, actual: str | None) -> None:
        super().__init__(message)
        self.expected = expected
        self.actual = actual


class StorageError(SteelbondError):
    """A stored log could not be read or written (missing, truncated, corrupt, newer schema)."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path


class StorageWarning(UserWarning):
    """Something about a stored log needs attention but nothing was lost: for example, a
    :class:`~steelbond.LogFile` whose segments could not be merged after an append (the
    append itself succeeded; the next writer merges them)."""
