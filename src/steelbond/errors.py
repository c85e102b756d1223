"""The one exception hierarchy of steelbond.

Kept in a module of its own, importing nothing else of the library, so that any module (and
any user) can import the errors without pulling the rest in. Every error carries the offending
value as an attribute, not only in its message.

Every public call raises only these errors. Where Python's convention expects a builtin (a
wrong type is a ``TypeError``, a bad value a ``ValueError``), the error subclasses that too,
so ``except steelbond.SteelbondError`` and ``except TypeError`` both work.

Messages quote the offending value through :func:`shown`, truncated to about
:data:`QUOTE_LIMIT` characters, and no message is longer than :data:`MESSAGE_LIMIT`: a 10 MB
argument must not make a 10 MB message (or a line of the command line as long).
"""

from __future__ import annotations

import os
import reprlib
from pathlib import Path

__all__ = [
    "MESSAGE_LIMIT",
    "QUOTE_LIMIT",
    "ArgumentError",
    "ConflictError",
    "DateError",
    "EventError",
    "IntegrityError",
    "LedgerError",
    "MissingExtraError",
    "OutOfCoverageError",
    "QueryError",
    "SteelbondError",
    "StorageError",
    "StorageWarning",
    "UnknownReleaseError",
    "check_type",
    "clip",
    "path_argument",
    "shown",
]

QUOTE_LIMIT = 200
"""About how many characters of an offending value a message quotes."""
MESSAGE_LIMIT = 2000
"""The longest an error message may be. A message quotes a few values, each cut by
:func:`shown`; this bound also catches a message built from a value that was not."""

_REPR = reprlib.Repr()
# Bounded at every level, so that neither a huge nor a deeply nested value makes a huge or
# endlessly recursing repr (reprlib stops at maxlevel instead of recursing further).
_REPR.maxlevel = 3
_REPR.maxstring = QUOTE_LIMIT
_REPR.maxother = QUOTE_LIMIT
_REPR.maxlong = 60
_REPR.maxlist = _REPR.maxtuple = _REPR.maxset = _REPR.maxfrozenset = _REPR.maxdict = 8
_REPR.maxdeque = _REPR.maxarray = 8


def clip(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """``text`` with its middle replaced by an ellipsis and a count, when it is too long."""
    if len(text) <= limit:
        return text
    keep = max(limit - 40, 20)
    head, tail = keep * 2 // 3, keep - keep * 2 // 3
    return f"{text[:head]}…[{len(text) - head - tail} characters]…{text[-tail:]}"


def shown(value: object, limit: int = QUOTE_LIMIT) -> str:
    """The ``repr`` of ``value`` for a message, cut to about ``limit`` characters.

    The one way a message quotes a value. It never raises: a value whose ``repr`` fails, or
    is too deep to build (a list nested 100,000 deep), is named by its type instead.

    >>> shown("x" * 10_000)[:12], len(shown("x" * 10_000)) < 250
    ("'xxxxxxxxxxx", True)
    """
    try:
        text = _REPR.repr(value)
    except Exception:  # a __repr__ that raises, an int too long to print, ...
        try:
            text = f"<{type(value).__name__} object>"
        except Exception:  # pragma: no cover - a type whose name cannot be read
            text = "<object>"
    return clip(text, limit)


class SteelbondError(Exception):
    """Root of every error steelbond raises on purpose; catch this to catch them all.

    The message is cut to :data:`MESSAGE_LIMIT` characters, whatever built it.
    """

    def __init__(self, message: object = "", *args: object) -> None:
        super().__init__(
            clip(message if isinstance(message, str) else shown(message), MESSAGE_LIMIT), *args
        )


class _BadValue(SteelbondError, ValueError):
    """A value the library cannot accept; ``value`` holds it."""

    def __init__(self, message: str, value: object) -> None:
        super().__init__(message)
        self.value = value


class ArgumentError(_BadValue, TypeError):
    """An argument has a type or a value the function does not accept (the message says what
    it does accept).

    It is both a ``TypeError`` and a ``ValueError``: Python raises the one for a wrong type
    and the other for a wrong value, and code written for either catches it.
    """


def check_type(name: str, value: object, expected: type | tuple[type, ...], what: str) -> None:
    """Refuse ``value`` for the argument ``name`` with :class:`ArgumentError` unless it is an
    instance of ``expected`` (``what`` says so in words: "a string or None").

    ``bool`` is an ``int`` to Python, but an ``int`` is not accepted where a ``bool`` is
    expected: ``expected=bool`` checks the type exactly.
    """
    ok = type(value) is bool if expected is bool else isinstance(value, expected)
    if not ok:
        raise ArgumentError(
            f"{name} must be {what}, not {type(value).__name__} {shown(value)}", value
        )


def path_argument(name: str, value: object) -> Path:
    """``value`` as a local path, or :class:`ArgumentError`: a ``str`` or an
    ``os.PathLike`` giving one, not empty (``Path("")`` would quietly mean the working
    directory)."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise ArgumentError(
            f"{name} must be a path (a str or os.PathLike), not {type(value).__name__} "
            f"{shown(value)}",
            value,
        )
    if not value or "\x00" in value:
        raise ArgumentError(f"{name} must be a path, not {shown(value)}", value)
    return Path(value)


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


class QueryError(SteelbondError):
    """DuckDB refused a query or a database (bad SQL, a file that is not a database); the
    DuckDB error is kept as the ``__cause__``."""


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
    :class:`~steelbond.LogFolder` whose segments could not be merged after an append (the
    append itself succeeded; the next writer merges them)."""
