"""A user's own log on disk, appended to at the same cost however long it grows.

A :class:`LogFile` is a folder: the log's events in immutable Parquet *segments*, one per
append, named by the ``seq`` of their first event (``000000000000.parquet``, ...), and an
index, ``index.sqlite3``, holding every event id and the log's length and head hash. The
folder is an ordinary Parquet dataset, so DuckDB or pyarrow can read
``mine/*.parquet`` directly.

An append never reads or rewrites old events. Under the index's write lock (SQLite's
``BEGIN IMMEDIATE``, which also serialises writers in other processes) it checks the new
ids and references against the index, stamps the events from the stored head
(:func:`steelbond.log.stamp`, the rule :meth:`steelbond.EventLog.append` uses), writes them
as a new segment (temporary file, fsync, rename) and commits the new ids, length and head.
The commit is the moment the append happens: a crash before it leaves, at most, a segment
numbered past the log's length, which readers ignore and the next append replaces; SQLite
makes the commit itself atomic and durable.

Why SQLite: checking that an id is new must not cost more as the log grows, which needs an
index on disk; SQLite, in the standard library, is that index with crash-safe transactions
and a cross-process lock. The events themselves stay in Parquet, the project's one format.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from .errors import ConflictError, StorageError
from .kinds import Event, Release, Source
from .log import GENESIS, EventLog, stamp

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["Appended", "LogFile", "is_log_folder", "read_log_folder"]

INDEX = "index.sqlite3"
_SEGMENT = re.compile(r"(\d{12})\.parquet")
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS ids (id TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS head (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    length INTEGER NOT NULL,
    hash TEXT NOT NULL,
    last_segment INTEGER
);
INSERT OR IGNORE INTO head VALUES (1, 0, '{GENESIS}', NULL);
"""


def _segment_name(first_seq: int) -> str:
    return f"{first_seq:012d}.parquet"


def is_log_folder(path: Path) -> bool:
    """Whether ``path`` is a folder written by :class:`LogFile`."""
    return path.is_dir() and (path / INDEX).is_file()


@attrs.frozen
class Appended:
    """What one :meth:`LogFile.append` wrote: the events as stamped, and the log's new
    length and head (pass it as ``expected_head`` to the next append)."""

    events: tuple[Event, ...]
    length: int
    head: str


@contextlib.contextmanager
def _index(folder: Path, *, write: bool) -> Iterator[sqlite3.Connection]:
    """A transaction on the folder's index: ``BEGIN IMMEDIATE`` (the write lock) to write, a
    snapshot to read. Committed on success, rolled back on any error.

    Readers open the index read-write too (SQLite falls back to read-only when the file is
    not writable): after a writer was killed mid-commit, the first connection must roll its
    journal back, which a connection opened with ``mode=ro`` cannot do.
    """
    try:
        con = sqlite3.connect(folder / INDEX, timeout=600, isolation_level=None)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open the index of {folder}: {exc}", str(folder)) from None
    try:
        try:
            con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open the index of {folder}: {exc}", str(folder)) from None
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        try:
            con.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StorageError(f"cannot commit to {folder}: {exc}", str(folder)) from None
    finally:
        con.close()


def _head(con: sqlite3.Connection, folder: Path) -> tuple[int, str, int | None]:
    try:
        row = con.execute("SELECT length, hash, last_segment FROM head").fetchone()
    except sqlite3.Error as exc:
        raise StorageError(f"{folder}: unreadable index: {exc}", str(folder)) from None
    if row is None:
        raise StorageError(f"{folder}: its index has no head record", str(folder))
    return row[0], row[1], row[2]


class _KnownIds:
    """The index's ids as a container, looked up one at a time (no id set is loaded)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self._con = con

    def __contains__(self, event_id: object) -> bool:
        found = self._con.execute("SELECT 1 FROM ids WHERE id = ?", (event_id,)).fetchone()
        return found is not None


def _read_segment(path: Path) -> pa.Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with pq.ParquetFile(path) as reader:
            return reader.read()
    except FileNotFoundError:
        raise StorageError(f"segment {path.name} of {path.parent} is missing", str(path)) from None
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise StorageError(f"cannot read segment {path}: {exc}", str(path)) from None


def read_log_folder(folder: Path) -> EventLog:
    """The log a :class:`LogFile` folder holds: its committed segments, in order.

    Segments numbered at or past the committed length (left by a crash before the commit)
    are ignored. Raises :class:`~steelbond.errors.StorageError` when segments are missing or
    do not join up, or when the last event is not the head the index records.
    """
    from .storage import log_from_table

    with _index(folder, write=False) as con:
        length, head, _ = _head(con, folder)
    starts = sorted(int(m.group(1)) for p in folder.iterdir() if (m := _SEGMENT.fullmatch(p.name)))
    events: list[Event] = []
    last = EventLog()
    for start in (s for s in starts if s < length):
        if start != len(events):
            raise StorageError(
                f"{folder}: segment {_segment_name(start)} starts at event {start}, but the "
                f"segments before it hold {len(events)} events",
                str(folder),
            )
        path = folder / _segment_name(start)
        last = log_from_table(_read_segment(path), str(path))
        events.extend(last)
    log = EventLog.from_events(events, last.sources, last.releases)
    if len(log) != length or log.head != head:
        raise StorageError(
            f"{folder}: its segments hold {len(log)} events ending in {log.head[:12]}, but its "
            f"index records {length} ending in {head[:12]}; a segment is missing or was "
            "edited",
            str(folder),
        )
    return log


@attrs.frozen
class LogFile:
    """A user's own log in a folder of Parquet segments, appended to atomically and safely
    by many processes, at a cost that does not grow with the log.

    >>> import steelbond, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mine"
    >>> done = steelbond.LogFile(path).append(steelbond.testing.sample_event("mine-1"))
    >>> done.length, len(steelbond.read_log(path))
    (1, 1)
    """

    path: Path = attrs.field(converter=Path)

    def read(self) -> EventLog:
        """The stored log (an empty log when the folder does not exist yet)."""
        from .storage import read_log

        if not self.path.exists():
            return EventLog()
        return read_log(self.path)

    def head(self) -> str:
        """The hash of the last event stored, read from the index (``GENESIS`` when empty)."""
        if not self.path.exists():
            return GENESIS
        self._check_folder()
        with _index(self.path, write=False) as con:
            return _head(con, self.path)[1]

    def append(
        self,
        *events: Event,
        expected_head: str | None = None,
        release: str | None = None,
        sources: tuple[Source, ...] = (),
    ) -> Appended:
        """Append ``events``; all or nothing.

        With ``expected_head`` (the head the caller last saw), the append is refused with
        :class:`~steelbond.errors.ConflictError` if another writer got there first, and
        nothing is written. New ``sources`` are added to the log's sources.
        """
        from .storage import _refuse_bundled

        _refuse_bundled(self.path)
        self._create()
        with _index(self.path, write=True) as con:
            length, head, last_segment = _head(con, self.path)
            if expected_head is not None and expected_head != head:
                raise ConflictError(
                    f"{self.path} has moved on: its head is {head[:12]}, not the "
                    f"expected {expected_head[:12]}; read it again and retry",
                    expected_head,
                    head,
                )
            stamped = stamp(
                events, seq=length, prev_hash=head, known=_KnownIds(con), release=release
            )
            if not stamped:
                return Appended((), length, head)
            old_sources, releases = self._sources_and_releases(last_segment)
            known = {s.id for s in old_sources}
            new_sources = old_sources + tuple(s for s in sources if s.id not in known)
            self._write_segment(length, EventLog.from_events(stamped, new_sources, releases))
            con.executemany("INSERT INTO ids VALUES (?, ?)", [(e.id, e.seq) for e in stamped])
            new_head = stamped[-1].hash or GENESIS
            con.execute(
                "UPDATE head SET length = ?, hash = ?, last_segment = ?",
                (length + len(stamped), new_head, length),
            )
        return Appended(stamped, length + len(stamped), new_head)

    @classmethod
    def create(cls, path: str | os.PathLike[str], log: EventLog) -> LogFile:
        """Store an existing log (say, one read with :func:`steelbond.read_log`) as a new
        log folder at ``path``, its events as stamped; later appends go on from its head.

        The folder must not hold a log yet. The log is checked first
        (:meth:`~steelbond.EventLog.verify`), so a broken chain is never stored.
        """
        from .storage import _refuse_bundled

        log_file = cls(path)
        _refuse_bundled(log_file.path)
        log.verify()
        log_file._create()
        with _index(log_file.path, write=True) as con:
            if _head(con, log_file.path)[0]:
                raise StorageError(f"{log_file.path} already holds a log", str(log_file.path))
            if len(log):
                log_file._write_segment(0, log)
                con.executemany("INSERT INTO ids VALUES (?, ?)", [(e.id, e.seq) for e in log])
                con.execute(
                    "UPDATE head SET length = ?, hash = ?, last_segment = 0", (len(log), log.head)
                )
        return log_file

    def _check_folder(self) -> None:
        if self.path.exists() and not self.path.is_dir():
            raise StorageError(
                f"{self.path} is a file; a LogFile is a folder of segments. To go on from a "
                "single-file log, store it as a folder: "
                "LogFile.create(folder, steelbond.read_log(file))",
                str(self.path),
            )

    def _create(self) -> None:
        """Make the folder with its index, atomically: both are built under a temporary name
        beside it and renamed into place, so a log folder always has a complete index (a
        writer killed half-way leaves only a hidden temporary folder)."""
        self._check_folder()
        if is_log_folder(self.path):
            return
        if self.path.is_dir() and any(self.path.iterdir()):
            raise StorageError(
                f"{self.path} is a folder with other files in it, not a log folder; "
                "give LogFile a new or empty folder",
                str(self.path),
            )
        tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(8)}.tmp")
        try:
            tmp.mkdir()  # the usual mode for a new folder (mkdtemp's would be 0700)
            try:
                con = sqlite3.connect(tmp / INDEX, isolation_level=None)
                try:
                    con.executescript(_SCHEMA)
                finally:
                    con.close()
                os.rename(tmp, self.path)  # also replaces an empty folder, atomically
            except OSError:
                if not is_log_folder(self.path):  # unless another writer made it meanwhile
                    raise
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"cannot create {self.path}: {exc}", str(self.path)) from None
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _sources_and_releases(
        self, last_segment: int | None
    ) -> tuple[tuple[Source, ...], tuple[Release, ...]]:
        """The sources and releases, from the metadata of the last segment (which holds all
        of them as they stood at the last append)."""
        if last_segment is None:
            return (), ()
        import pyarrow.parquet as pq

        from .storage import sources_and_releases

        path = self.path / _segment_name(last_segment)
        try:
            metadata = pq.read_schema(path).metadata or {}
        except (OSError, ValueError) as exc:
            raise StorageError(f"cannot read segment {path}: {exc}", str(path)) from None
        return sources_and_releases(metadata, str(path))

    def _write_segment(self, first_seq: int, log: EventLog) -> None:
        from .storage import _write

        _write(log, self.path / _segment_name(first_seq))
