"""A log as one Parquet file: the one place that knows Arrow's types for events.

The Arrow schema is derived from the event classes, so it cannot drift from them: one
column per envelope field and one per kind field (null where a row's kind lacks the field).
Sources and releases travel in the file's metadata, so one Parquet file is a whole log,
and a seal over them and the last event's hash is stored beside them.

The same log always gives the same bytes (``to_bytes``), so released files can be
rebuilt exactly. ``write`` is atomic (:mod:`steelbond.formats.atomic`) and checks
nothing else: :func:`steelbond.write_log` refuses the installed data first. ``read``
refuses a file that cannot be read whole, any column, type, value or metadata the hash
chain and the seal would not cover, and a seal that does not match.
"""

from __future__ import annotations

import hashlib
import io
import json
import types
import typing
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..converter import converter, structure, structure_event, unstructure_event
from ..dates import PartialDate
from ..errors import SteelbondError, StorageError, shown
from ..kinds import KINDS, Event, Release, Source
from ..log import EventLog
from .atomic import atomic_write

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "ADDED_COLUMNS",
    "arrow_schema",
    "log_from_table",
    "log_to_table",
    "read",
    "read_sources_and_releases",
    "read_table",
    "sources_and_releases",
    "to_bytes",
    "write",
]

ADDED_COLUMNS = ("date_note", "claims", "part_of", "adds_to", "currency", "value_note", "under")
"""Columns added after logs were first written (data 0.3.0), each a field whose default is
null or empty. A file without them reads as if they were null: old files stay readable, and
since the hash leaves such values out, their events keep their hashes."""

_META_SOURCES = b"steelbond.sources"
_META_RELEASES = b"steelbond.releases"
_META_SEAL = b"steelbond.seal"


def _seal(head: str, sources: bytes, releases: bytes) -> str:
    """SHA-256 over the head and the stored sources and releases: the hash chain covers the
    events, the seal covers what travels beside them in the file's metadata."""
    digest = hashlib.sha256(head.encode("ascii"))
    digest.update(b"\x00" + sources + b"\x00" + releases)
    return digest.hexdigest()


def _arrow_type(tp: Any) -> pa.DataType:
    import enum

    import pyarrow as pa

    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return _arrow_type(inner)
    if origin is tuple:
        return pa.list_(_arrow_type(typing.get_args(tp)[0]))
    if tp is PartialDate:
        return pa.struct(
            [
                ("text", pa.string()),
                ("precision", pa.string()),
                ("earliest", pa.date32()),
                ("latest", pa.date32()),
            ]
        )
    if attrs.has(tp):  # a record inside an event (a citation, a claim): a struct of its fields
        hints = typing.get_type_hints(tp)
        return pa.struct([(f.name, _arrow_type(hints[f.name])) for f in attrs.fields(tp)])
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return pa.string()
    simple = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}
    if tp in simple:
        return simple[tp]
    raise TypeError(f"no Arrow type for {shown(tp)}")  # pragma: no cover - a new field type


@cache
def arrow_schema() -> pa.Schema:
    """The schema of every stored log: ``kind``, the envelope, then each kind's fields.

    A field name shared by several kinds has one column, so it must have one type.
    """
    import pyarrow as pa

    fields: dict[str, pa.DataType] = {"kind": pa.string()}
    for cls in (Event, *KINDS.values()):
        for name, tp in typing.get_type_hints(cls).items():
            if typing.get_origin(tp) is typing.ClassVar:
                continue
            arrow = _arrow_type(tp)
            if fields.setdefault(name, arrow) != arrow:
                raise TypeError(
                    f"field {shown(name)} has two types across kinds"
                )  # pragma: no cover
    return pa.schema([pa.field(n, t) for n, t in fields.items()])


def log_to_table(log: EventLog) -> pa.Table:
    """The log as one Arrow table, sources and releases in its schema metadata."""
    import pyarrow as pa

    sources = json.dumps(converter.unstructure(log.sources), ensure_ascii=False).encode()
    releases = json.dumps(converter.unstructure(log.releases), ensure_ascii=False).encode()
    schema = arrow_schema().with_metadata(
        {
            _META_SOURCES: sources,
            _META_RELEASES: releases,
            _META_SEAL: _seal(log.head, sources, releases).encode("ascii"),
        }
    )
    return pa.Table.from_pylist([unstructure_event(e) for e in log], schema=schema)


def sources_and_releases(
    metadata: dict[bytes, bytes], origin: str
) -> tuple[tuple[Source, ...], tuple[Release, ...]]:
    """The sources and releases a stored log carries in its metadata."""
    try:
        sources = tuple(structure(s, Source) for s in json.loads(metadata[_META_SOURCES]))
        releases = tuple(structure(r, Release) for r in json.loads(metadata[_META_RELEASES]))
    except (SteelbondError, ValueError, TypeError, KeyError) as exc:
        raise StorageError(f"{origin}: its sources or releases: {exc}", origin) from None
    return sources, releases


def read_sources_and_releases(
    path: Path, what: str
) -> tuple[tuple[Source, ...], tuple[Release, ...]]:
    """The sources and releases stored in the Parquet file at ``path`` (``what`` names it in
    the error), read from its metadata alone, not its rows."""
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, ValueError) as exc:
        raise StorageError(f"cannot read {what} {path}: {exc}", str(path)) from None
    return sources_and_releases(metadata, str(path))


def log_from_table(table: pa.Table, origin: str = "<table>") -> EventLog:
    """Rebuild the typed log from an Arrow table written by :func:`log_to_table`."""
    import pyarrow as pa

    try:
        meta = table.schema.metadata or {}
        schema = arrow_schema()
        for name in ADDED_COLUMNS:
            # a file written before the column existed: the field's default (null) on read
            if name not in table.schema.names:
                table = table.append_column(
                    schema.field(name), pa.nulls(len(table), schema.field(name).type)
                )
        missing = [n for n in schema.names if n not in table.schema.names]
        if missing or not {_META_SOURCES, _META_RELEASES, _META_SEAL} <= meta.keys():
            raise StorageError(
                f"{origin} is not a steelbond log: missing columns {shown(missing)} or its "
                "metadata",
                origin,
            )
        _check_layout(table, origin)
        sources, releases = sources_and_releases(meta, origin)
        events = []
        seen: set[str] = set()
        for index, row in enumerate(table.to_pylist()):
            for name in ADDED_COLUMNS:
                if row.get(name) is None:
                    del row[name]  # written before the column existed: the field's default
            event = structure_event(row, strict_fields=False)
            if event.id in seen:
                raise StorageError(
                    f"{origin}: row {index} repeats event id {shown(event.id)}", origin
                )
            seen.add(event.id)
            events.append(event)
    except StorageError:
        raise
    except (SteelbondError, ValueError, TypeError, KeyError, ArithmeticError) as exc:
        raise StorageError(f"{origin}: {exc}", origin) from None
    log = EventLog.from_events(events, sources, releases)
    if _seal(log.head, meta[_META_SOURCES], meta[_META_RELEASES]).encode() != meta[_META_SEAL]:
        raise StorageError(
            f"{origin}: its sources, releases or last event do not match the file's seal; "
            "the file was edited outside steelbond",
            origin,
        )
    return log


@cache
def _owners() -> dict[str, frozenset[str]]:
    """For each column of a kind's field, the kinds that have the field (the envelope's
    columns, which every kind has, are left out)."""
    envelope = {f.name for f in attrs.fields(Event)}
    owners: dict[str, set[str]] = {}
    for kind, cls in KINDS.items():
        for field in attrs.fields(cls):
            if field.name not in envelope:
                owners.setdefault(field.name, set()).add(kind)
    return {name: frozenset(kinds) for name, kinds in owners.items()}


def _check_layout(table: pa.Table, origin: str) -> None:
    """Refuse what the hash chain and the seal would not cover: an unknown column, a column
    of another type than the schema's, metadata steelbond did not write, and a value in a
    column of another kind's field (a ``buyer`` on a summit row). Each event is hashed over
    its own kind's fields only, so such a value would read, verify and show in SQL."""
    import pyarrow as pa
    import pyarrow.compute as pc

    schema = arrow_schema()
    names = table.schema.names
    unknown = sorted({n for n in names if n not in schema.names})
    if unknown or len(set(names)) != len(names):
        raise StorageError(
            f"{origin}: unknown or repeated columns {shown(unknown or names)}; a steelbond "
            "log has only the columns of its schema",
            origin,
        )
    extra = sorted(set(table.schema.metadata or {}) - {_META_SOURCES, _META_RELEASES, _META_SEAL})
    if extra:
        raise StorageError(f"{origin}: unknown metadata keys {shown(extra)}", origin)
    for field in table.schema:
        expected = schema.field(field.name)
        if field.type != expected.type or field.metadata:
            raise StorageError(
                f"{origin}: column {shown(field.name)} has type {field.type}, not "
                f"{expected.type}{' (or carries metadata)' if field.metadata else ''}",
                origin,
            )
    kinds = table.column("kind")
    strange = pc.invert(pc.is_in(kinds, value_set=pa.array(sorted(KINDS), pa.string())))
    if pc.any(strange).as_py():
        row = pc.index(strange, True).as_py()
        raise StorageError(
            f"{origin}: row {row} has unknown kind {shown(kinds[row].as_py())}; known kinds: "
            f"{', '.join(sorted(KINDS))}",
            origin,
        )
    for name, owners in _owners().items():
        column = table.column(name)
        if column.null_count == len(column):
            continue
        stray = pc.and_kleene(
            pc.invert(pc.is_in(kinds, value_set=pa.array(sorted(owners), pa.string()))),
            pc.is_valid(column),
        )
        if pc.any(stray).as_py():
            row = pc.index(stray, True).as_py()
            raise StorageError(
                f"{origin}: row {row} ({shown(kinds[row].as_py())}) has a value in column "
                f"{shown(name)}, which belongs to {', '.join(sorted(owners))} events; the "
                "file was edited outside steelbond",
                origin,
            )


def read_table(path: Path, what: str) -> pa.Table:
    """The whole Parquet file at ``path`` (``what`` names it in the error); a missing file
    raises ``FileNotFoundError`` for the caller to name, anything else
    :class:`~steelbond.errors.StorageError`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        # ParquetFile.read, not read_table: read_table goes through pyarrow.dataset, which
        # imports pandas when it is installed, tripling the cost of a cold query.
        with pq.ParquetFile(path) as reader:
            return reader.read()
    except FileNotFoundError:
        raise
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise StorageError(f"cannot read {what} {path}: {exc}", str(path)) from None


def _write_to(log: EventLog, sink: Any) -> None:
    import pyarrow.parquet as pq

    pq.write_table(log_to_table(log), sink, compression="zstd")


def to_bytes(log: EventLog) -> bytes:
    """The Parquet file of ``log`` (zstd-compressed): the same log, the same bytes."""
    buffer = io.BytesIO()
    _write_to(log, buffer)
    return buffer.getvalue()


def write(log: EventLog, path: Path) -> None:
    """Write ``log`` to ``path`` atomically (the bytes of :func:`to_bytes`), checking
    nothing else: the public :func:`steelbond.write_log` refuses the installed data first."""
    atomic_write(path, lambda fh: _write_to(log, fh))


def read(path: Path) -> EventLog:
    """The log in the Parquet file at ``path``, checked whole (see the module docs); any
    fault, a missing file included, is a :class:`~steelbond.errors.StorageError`."""
    try:
        table = read_table(path, "log file")
    except FileNotFoundError:
        raise StorageError(f"no log file at {path}", str(path)) from None
    return log_from_table(table, str(path))
