"""The one road between typed objects and plain rows: a single cattrs converter.

Events become plain dicts (one key per field plus ``kind``) that go unchanged into Arrow rows,
the canonical encoding that is hashed, and back. Structuring is strict: a string is not an
int, an int is not a bool, an unknown field is an error, so nothing is silently coerced.
Rows written by an older schema are upgraded here, on read (see :data:`UPCASTS`), never by
rewriting stored data.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError

from .dates import PartialDate, Precision, parse_date
from .errors import EventError, shown
from .kinds import KINDS, SCHEMA_VERSION, Event

__all__ = ["canonical_bytes", "converter", "structure_event", "unstructure_event"]

T = TypeVar("T")

converter = cattrs.Converter(forbid_extra_keys=True)
"""The converter every other module uses; register nothing on another one."""


def _strict(kind: type[Any], name: str) -> Callable[[Any, type[Any]], Any]:
    def hook(value: Any, _: type[Any]) -> Any:
        if type(value) is not kind:
            raise TypeError(f"expected {name}, got {type(value).__name__} {shown(value)}")
        return value

    return hook


def _float(value: Any, _: type[Any]) -> float:
    if type(value) is float:
        return value
    if type(value) is int:  # TOML writes 12000000000 for a whole number of dollars
        return float(value)
    raise TypeError(f"expected a number, got {type(value).__name__} {shown(value)}")


def _day(value: Any, _: type[Any]) -> _dt.date:
    if type(value) is not _dt.date:
        raise TypeError(f"expected a date, got {type(value).__name__} {shown(value)}")
    return value


def _partial_date(value: Any, _: type[Any]) -> PartialDate:
    if isinstance(value, str):
        return parse_date(value)
    if isinstance(value, Mapping):
        return PartialDate(
            text=value["text"],
            precision=Precision(value["precision"]),
            earliest=value["earliest"],
            latest=value["latest"],
        )
    raise TypeError(f"expected a partial date, got {type(value).__name__} {shown(value)}")


converter.register_structure_hook(str, _strict(str, "a string"))
converter.register_structure_hook(int, _strict(int, "an integer"))
converter.register_structure_hook(bool, _strict(bool, "true or false"))
converter.register_structure_hook(float, _float)
converter.register_structure_hook(_dt.date, _day)
converter.register_structure_hook(PartialDate, _partial_date)


def _is_tuple(tp: Any) -> bool:
    return getattr(tp, "__origin__", None) is tuple


def _tuple_hook(tp: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
    (item,) = {a for a in tp.__args__ if a is not Ellipsis}
    item_hook = converter.get_structure_hook(item)

    def hook(value: Any, _: Any) -> tuple[Any, ...]:
        # A string is a sequence too: without this check "cyber" would become 5 letters.
        if not isinstance(value, list | tuple):
            raise TypeError(f"expected a list, got {type(value).__name__} {shown(value)}")
        return tuple(item_hook(v, item) for v in value)

    return hook


converter.register_structure_hook_factory(_is_tuple, _tuple_hook)
converter.register_unstructure_hook(
    PartialDate,
    lambda d: {
        "text": d.text,
        "precision": d.precision.value,
        "earliest": d.earliest,
        "latest": d.latest,
    },
)

UPCASTS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}
"""Upgrades of stored rows: ``UPCASTS[n]`` turns a row of schema version n into version n+1.

Empty while only version 1 exists; a future layout change adds its upcast here so that
every released file still loads with the current code.
"""


def unstructure_event(event: Event) -> dict[str, Any]:
    """The event as a plain dict: ``kind`` first, then every field."""
    row: dict[str, Any] = {"kind": type(event).kind}
    row.update(converter.unstructure(event))
    return row


def structure_event(row: Mapping[str, Any], *, strict_fields: bool = True) -> Event:
    """Build the typed event a row describes.

    With ``strict_fields`` (the ledger), every key must be a field of the kind; without it
    (Arrow rows, which carry every kind's columns), keys of other kinds are dropped.
    """
    event_id = row.get("id")
    label = event_id if isinstance(event_id, str) else None
    kind = row.get("kind")
    cls = KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise EventError(
            f"event {shown(event_id)} has unknown kind {shown(kind)}; "
            f"known kinds: {', '.join(sorted(KINDS))}",
            label,
        )
    data = dict(row)
    version = data.get("schema_version", SCHEMA_VERSION)
    if type(version) is not int:
        raise EventError(
            f"event {shown(event_id)} has schema version {shown(version)}; it must be an integer",
            label,
        )
    if version > SCHEMA_VERSION:
        raise EventError(
            f"event {shown(event_id)} was written with schema version {version}, newer than this "
            f"steelbond understands ({SCHEMA_VERSION}); upgrade steelbond",
            label,
        )
    if version < SCHEMA_VERSION and any(v not in UPCASTS for v in range(version, SCHEMA_VERSION)):
        raise EventError(
            f"event {shown(event_id)} has schema version {version}, which no release of steelbond "
            f"wrote (versions run from 1 to {SCHEMA_VERSION})",
            label,
        )
    while version < SCHEMA_VERSION:
        data = UPCASTS[version](data)
        version += 1
    data["schema_version"] = version
    del data["kind"]
    if not strict_fields:
        names = {a.name for a in attrs.fields(cls)}
        data = {k: v for k, v in data.items() if k in names}
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, ForbiddenExtraKeysError) as exc:
        raise EventError(f"event {shown(event_id)} ({kind}): {_describe(exc)}", label) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise EventError(f"event {shown(event_id)} ({kind}): {exc}", label) from None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown field(s) {sorted(exc.extra_fields)}"
    if isinstance(exc, ExceptionGroup):
        parts = []
        for sub in exc.exceptions:
            note = getattr(sub, "__notes__", [""])[0]
            if isinstance(sub, KeyError):
                parts.append(f"missing field {shown(sub.args[0])}")
            else:
                parts.append(f"{note}: {_describe(sub)}" if note else _describe(sub))
        return "; ".join(parts)
    return str(exc)


def _json_default(value: object) -> str:
    if isinstance(value, _dt.date):
        return value.isoformat()
    raise TypeError(f"cannot encode {shown(value)}")


def _pruned(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _pruned(v) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list | tuple):
        return [_pruned(v) for v in value]
    return value


def canonical_bytes(event: Event) -> bytes:
    """The encoding the hash chain is computed over: sorted-key compact JSON, no ``hash``.

    Keys whose value is null or an empty list are left out, at every depth. So a field
    added later with a default of ``None`` or ``()`` leaves every older event's hash as it
    was: the schema can grow without touching released history.
    """
    row = unstructure_event(event)
    del row["hash"]
    return json.dumps(
        _pruned(row),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=_json_default,
    ).encode("utf-8")


def structure(value: Any, cls: type[T]) -> T:
    """Structure a plain record (a source, a release) with the one converter."""
    try:
        return converter.structure(value, cls)
    except (ClassValidationError, ForbiddenExtraKeysError) as exc:
        raise EventError(f"{cls.__name__}: {_describe(exc)}") from None
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise EventError(f"{cls.__name__}: {exc}") from None
