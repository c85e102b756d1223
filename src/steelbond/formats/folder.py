"""A log as a folder: a user's own log, appended to at the same cost however long it grows.

A :class:`LogFolder` is a folder: the log's events in immutable Parquet *segments*, one per
append, named by the ``seq`` range they hold (``000000000000-000000000003.parquet`` holds
events 0 to 2), and an index, ``index.sqlite3``, holding every event id, the list of
segments and the log's length and head hash. The committed segments
(:meth:`steelbond.LogFolder.segments`) are ordinary Parquet files that DuckDB or pyarrow
read directly.

An append never reads or rewrites old events. Under the index's write lock (SQLite's
``BEGIN IMMEDIATE``, which also serialises writers in other processes) it checks the new
ids and references against the index, stamps the events from the stored head
(``steelbond.log.stamp``, the rule :meth:`steelbond.EventLog.append` uses), writes them
as a new segment (temporary file, fsync, rename) and commits the new ids, length and head.
The commit is the moment the append happens: a crash before it leaves, at most, a segment
the index does not list, which readers never open and the next writer removes; SQLite
makes the commit itself atomic and durable.

Many small appends would make many small files, each with its own Parquet footer, and a
slow read. So segments are merged by size tier, as log-structured stores do (tier *t*
holds 16**t to 16**(t+1) - 1 events): once the log's last segments of tier *t* or lower
include 16 of tier *t*, they are rewritten as one segment, in a transaction of its own after
the append. With appends of one size, a log of n events then has at most 15 segments per
tier and each event is rewritten about log16(n) times; one append in 16 pays for a small
merge, one in 256 for a larger one, and so on. A merge that fails (a damaged segment, a full
disk) leaves the append standing, warns (:class:`~steelbond.errors.StorageWarning`) and is
tried again by the next writer. Merges replace files a reader may be about to open, so a
reader that finds a listed segment gone reads the list again.

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
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..bundled import refuse_installed
from ..errors import (
    ConflictError,
    EventError,
    SteelbondError,
    StorageError,
    StorageWarning,
    check_type,
    path_argument,
    shown,
)
from ..kinds import Event, Release, Source
from ..log import GENESIS, EventLog, stamp
from . import parquet
from .atomic import fsync_folder

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "FANOUT",
    "INDEX",
    "Appended",
    "LogFile",
    "LogFolder",
    "is_log_folder",
    "read_log_folder",
    "read_path",
]

INDEX = "index.sqlite3"
FANOUT = 16
"""Segments of one size tier merged at once (see the module's docstring)."""
_SEGMENT = re.compile(r"\d{12}-\d{12}\.parquet")
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS ids (id TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS segments (first INTEGER PRIMARY KEY, stop INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS head (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    length INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT OR IGNORE INTO head VALUES (1, 0, '{GENESIS}');
"""


def _segment_name(first: int, stop: int) -> str:
    return f"{first:012d}-{stop:012d}.parquet"


def _tier(size: int) -> int:
    return (size.bit_length() - 1) // (FANOUT.bit_length() - 1) if size else 0


def _mergeable(listed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The segments to merge next, or none: for the lowest tier t at which the log's last
    segments of tier t or lower include :data:`FANOUT` of tier exactly t, all of those last
    segments. (Counting lower tiers in the run keeps mixed append sizes merging; counting
    only tier t towards :data:`FANOUT` keeps small segments from being merged again and
    again into a growing one.)"""
    tiers = [_tier(stop - first) for first, stop in listed]
    for t in range(max(tiers, default=-1) + 1):
        run = 0
        while run < len(tiers) and tiers[-1 - run] <= t:
            run += 1
        if sum(1 for tier in tiers[len(tiers) - run :] if tier == t) >= FANOUT:
            return listed[-run:]
    return []


def is_log_folder(path: Path) -> bool:
    """Whether ``path`` is a folder written by :class:`LogFolder`."""
    return path.is_dir() and (path / INDEX).is_file()


def read_path(path: Path) -> EventLog:
    """The log stored at ``path``: a :class:`LogFolder` folder, or one Parquet file
    (:mod:`steelbond.formats.parquet`). Any fault is a
    :class:`~steelbond.errors.StorageError`."""
    if is_log_folder(path):
        return read_log_folder(path)
    if path.is_dir():
        raise StorageError(f"{path} is a folder but not a steelbond log folder", str(path))
    return parquet.read(path)


@attrs.frozen
class Appended:
    """What one :meth:`steelbond.LogFolder.append` wrote: the events as stamped, and the log's new
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
    uri = f"{(folder / INDEX).resolve().as_uri()}?mode=rw"  # never creates an index
    try:
        con = sqlite3.connect(uri, uri=True, timeout=600, isolation_level=None)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open the index of {folder}: {exc}", str(folder)) from None
    try:
        try:
            con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield con
        except BaseException as exc:
            if con.in_transaction:  # SQLite may have rolled back already (disk full, I/O)
                with contextlib.suppress(sqlite3.Error):
                    con.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StorageError(f"the index of {folder}: {exc}", str(folder)) from None
            raise
        try:
            con.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StorageError(f"cannot commit to {folder}: {exc}", str(folder)) from None
    finally:
        con.close()


def _head(con: sqlite3.Connection, folder: Path) -> tuple[int, str]:
    try:
        row = con.execute("SELECT length, hash FROM head").fetchone()
    except sqlite3.Error as exc:
        raise StorageError(f"{folder}: unreadable index: {exc}", str(folder)) from None
    if row is None:
        raise StorageError(f"{folder}: its index has no head record", str(folder))
    return row[0], row[1]


def _listed(con: sqlite3.Connection, folder: Path) -> list[tuple[int, int]]:
    """The committed segments, as ``(first, stop)`` seq ranges in order."""
    try:
        return con.execute("SELECT first, stop FROM segments ORDER BY first").fetchall()
    except sqlite3.Error as exc:
        raise StorageError(f"{folder}: unreadable index: {exc}", str(folder)) from None


class _Vanished(Exception):
    """A listed segment was gone when opened: a merge replaced it meanwhile."""


class _KnownIds:
    """The index's ids as a container, looked up one at a time (no id set is loaded)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self._con = con

    def __contains__(self, event_id: object) -> bool:
        found = self._con.execute("SELECT 1 FROM ids WHERE id = ?", (event_id,)).fetchone()
        return found is not None


def _read_segment(path: Path) -> pa.Table:
    try:
        return parquet.read_table(path, "segment")
    except FileNotFoundError:
        raise _Vanished(path) from None


def read_log_folder(folder: Path) -> EventLog:
    """The log a :class:`LogFolder` folder holds: the segments its index lists, in order.

    Raises :class:`~steelbond.errors.StorageError` when a segment is missing or unreadable,
    when the segments do not join up, or when the last event is not the head the index
    records.
    """
    for _ in range(100):
        with _index(folder, write=False) as con:
            length, head = _head(con, folder)
            listed = _listed(con, folder)
        try:
            log = _read_segments(folder, listed)
        except _Vanished as gone:
            with _index(folder, write=False) as con:
                if _listed(con, folder) == listed:  # not a merge: the file is missing
                    raise StorageError(
                        f"segment {gone.args[0].name} of {folder} is missing", str(folder)
                    ) from None
            continue  # a merge replaced it: read the new list
        break
    else:  # pragma: no cover - a hundred merges during one read
        raise StorageError(f"{folder} kept changing while it was read; try again", str(folder))
    if len(log) != length or log.head != head:
        raise StorageError(
            f"{folder}: its segments hold {len(log)} events ending in {log.head[:12]}, but its "
            f"index records {length} ending in {head[:12]}; a segment is missing or was "
            "edited",
            str(folder),
        )
    return log


def _read_segments(folder: Path, listed: list[tuple[int, int]], start: int = 0) -> EventLog:
    """The events of the ``listed`` segments, which must run on from event ``start``."""
    events: list[Event] = []
    seen: set[str] = set()
    last = EventLog()
    for first, stop in listed:
        path = folder / _segment_name(first, stop)
        if first != start + len(events):
            raise StorageError(
                f"{folder}: segment {path.name} starts at event {first}, but the segments "
                f"before it end at event {start + len(events)}",
                str(folder),
            )
        last = parquet.log_from_table(_read_segment(path), str(path))
        if len(last) != stop - first:
            raise StorageError(
                f"{path}: holds {len(last)} events, not the {stop - first} its name says",
                str(path),
            )
        for event in last:
            # Each segment refuses a repeated id of its own; across segments, the index
            # kept them apart. A damaged index must not let a repeat through unseen.
            if event.id in seen:
                raise StorageError(
                    f"{path}: event {shown(event.id)} is already in an earlier segment; ids "
                    "are never reused (the index was damaged when it was appended)",
                    str(path),
                )
            seen.add(event.id)
        events.extend(last)
    return EventLog.from_events(events, last.sources, last.releases)


def _log_path(value: object) -> Path:
    """The folder a :class:`LogFolder` names: a non-empty ``str`` or ``os.PathLike``."""
    return path_argument("path", value)


def _index_matches(con: sqlite3.Connection, length: int) -> bool:
    """Whether the index holds one id per event: the cheap check an append makes before
    trusting the index to say an id is new (a count, about 10 ms per million ids)."""
    return bool(con.execute("SELECT count(*) FROM ids").fetchone()[0] == length)


@attrs.frozen
class LogFolder:
    """A user's own log in a folder of Parquet segments, appended to atomically and safely
    by many processes, at a cost that does not grow with the log.

    >>> import steelbond, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mine"
    >>> done = steelbond.LogFolder(path).append(steelbond.testing.sample_event("mine-1"))
    >>> done.length, len(steelbond.read_log(path))
    (1, 1)
    """

    path: Path = attrs.field(converter=_log_path)

    def read(self) -> EventLog:
        """The stored log (an empty log when the folder does not exist yet)."""
        if not self.path.exists():
            return EventLog()
        return read_path(self.path)

    def segments(self) -> tuple[Path, ...]:
        """The committed segment files, in log order: what to give another tool to read the
        log without steelbond (DuckDB: ``read_parquet([...])``). A glob of ``*.parquet``
        could also match a segment a killed writer left uncommitted, or one a merge has just
        replaced, until the next writer removes it."""
        self._check_folder()
        if not is_log_folder(self.path):
            return ()
        with _index(self.path, write=False) as con:
            return tuple(self.path / _segment_name(*r) for r in _listed(con, self.path))

    @property
    def head(self) -> str:
        """The hash of the last event stored, read from the index (``GENESIS`` when empty),
        a property as :attr:`steelbond.EventLog.head` is."""
        self._check_folder()
        if not is_log_folder(self.path):
            return GENESIS
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
        nothing is written. New ``sources`` are added to the log's sources; they are stored
        with the events, so an append of no events writes nothing, sources included.

        After the commit, small segments may be merged (see the module's docs); if that
        fails, the append still stands and a :class:`~steelbond.errors.StorageWarning` says
        why.
        """
        check_type("expected_head", expected_head, (str, type(None)), "a head hash or None")
        check_type("release", release, (str, type(None)), "a release name (a string) or None")
        check_type("sources", sources, tuple, "a tuple of steelbond.kinds.Source")
        for source in sources:
            check_type("each source", source, Source, "a steelbond.kinds.Source")
        for event in events:
            check_type("each event", event, Event, "a steelbond event")
        refuse_installed(self.path)
        self._create()
        with _index(self.path, write=True) as con:
            length, head = _head(con, self.path)
            if not _index_matches(con, length):
                self._rebuild_ids(con)
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
            listed = _listed(con, self.path)
            old_sources, releases = self._sources_and_releases(listed)
            known = {s.id for s in old_sources}
            new_sources = old_sources + tuple(s for s in sources if s.id not in known)
            self._clean(listed)
            self._commit_segment(con, EventLog.from_events(stamped, new_sources, releases))
        try:
            self._compact()
        except (SteelbondError, OSError, _Vanished) as exc:
            # The events are committed: a merge that fails is left to the next writer, and
            # the append reports success; the warning says why the folder was not merged.
            warnings.warn(f"{self.path}: segments not merged ({exc})", StorageWarning, stacklevel=2)
        return Appended(stamped, length + len(stamped), stamped[-1].hash or GENESIS)

    @classmethod
    def create(cls, path: str | os.PathLike[str], log: EventLog) -> LogFolder:
        """Store an existing log (say, one read with :func:`steelbond.read_log`) as a new
        log folder at ``path``, its events as stamped; later appends go on from its head.

        The folder must not hold a log yet. The log is checked first
        (:meth:`~steelbond.EventLog.verify`), so a broken chain is never stored.
        """
        log_file = cls(path)
        check_type("log", log, EventLog, "a steelbond.EventLog")
        refuse_installed(log_file.path)
        log.verify()
        if len({e.id for e in log}) != len(log):
            raise EventError("the log to store repeats event ids; ids are unique in a log")
        log_file._create()
        with _index(log_file.path, write=True) as con:
            if _head(con, log_file.path)[0]:
                raise StorageError(f"{log_file.path} already holds a log", str(log_file.path))
            if len(log):
                log_file._commit_segment(con, log)
        return log_file

    def verify(self) -> EventLog:
        """Check the whole folder and return its log: every listed segment reads, the
        segments join up and hold no id twice, the hash chain verifies, the head is the
        index's, and the index holds exactly the segments' ids at their positions.

        Raises :class:`~steelbond.errors.StorageError` for a damaged folder or index and
        :class:`~steelbond.errors.IntegrityError` for a broken chain. An empty or missing
        folder verifies as an empty log.
        """
        log = self.read()
        log.verify()
        if not is_log_folder(self.path):
            return log
        with _index(self.path, write=False) as con:
            indexed = dict(con.execute("SELECT id, seq FROM ids").fetchall())
        stored = {e.id: e.seq for e in log}
        if indexed != stored:
            missing = sorted(stored.keys() - indexed.keys())
            extra = sorted(indexed.keys() - stored.keys())
            raise StorageError(
                f"{self.path}: its index does not list the segments' ids (missing "
                f"{len(missing)}, such as {shown(missing[:3])}; not in any segment "
                f"{len(extra)}, such as {shown(extra[:3])}; or at other positions); the "
                "next append rebuilds it",
                str(self.path),
            )
        return log

    def _rebuild_ids(self, con: sqlite3.Connection) -> None:
        """Rebuild the index's ids from the segments themselves (under the write lock), when
        the index does not hold one id per event: the segments are the log, the index only
        a way to look ids up. Warns, since an index does not lose ids by itself."""
        log = _read_segments(self.path, _listed(con, self.path))
        con.execute("DELETE FROM ids")
        con.executemany("INSERT INTO ids VALUES (?, ?)", [(e.id, e.seq) for e in log])
        warnings.warn(
            f"{self.path}: its index did not hold one id per event; rebuilt it from the segments",
            StorageWarning,
            stacklevel=3,
        )

    def _commit_segment(self, con: sqlite3.Connection, events: EventLog) -> None:
        """Write ``events`` (stamped to follow the log's head) as a new segment and record
        it, its ids and the new head in the index (committed when the transaction ends)."""
        first = events[0].seq or 0
        stop = first + len(events)
        parquet.write(events, self.path / _segment_name(first, stop))
        con.executemany("INSERT INTO ids VALUES (?, ?)", [(e.id, e.seq) for e in events])
        con.execute("INSERT INTO segments VALUES (?, ?)", (first, stop))
        con.execute("UPDATE head SET length = ?, hash = ?", (stop, events.head))

    def _compact(self) -> None:
        """Merge the last :data:`FANOUT` segments while they are all of one size tier."""
        while True:
            with _index(self.path, write=True) as con:
                tail = _mergeable(_listed(con, self.path))
                if not tail:
                    return
                merged = _read_segments(self.path, tail, tail[0][0])
                first, stop = tail[0][0], tail[-1][1]
                parquet.write(merged, self.path / _segment_name(first, stop))
                con.execute("DELETE FROM segments WHERE first >= ?", (first,))
                con.execute("INSERT INTO segments VALUES (?, ?)", (first, stop))
            for old_first, old_stop in tail:  # after the commit: readers may still open them
                with contextlib.suppress(FileNotFoundError):
                    (self.path / _segment_name(old_first, old_stop)).unlink()

    def _check_folder(self) -> None:
        if self.path.exists() and not self.path.is_dir():
            raise StorageError(
                f"{self.path} is a file; a LogFolder is a folder of segments. To go on from a "
                "single-file log, store it as a folder: "
                "LogFolder.create(folder, steelbond.read_log(file))",
                str(self.path),
            )

    def _create(self) -> None:
        """Make the folder with its index, atomically: both are built under a temporary name
        beside it and renamed into place, so a log folder always has a complete index (a
        writer killed half-way leaves only a hidden temporary folder)."""
        self._check_folder()
        if is_log_folder(self.path):
            return
        if self.path.is_dir() and any(self.path.iterdir()) and not is_log_folder(self.path):
            raise StorageError(
                f"{self.path} is a folder with other files in it, not a log folder; "
                "give LogFile a new or empty folder",
                str(self.path),
            )
        tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(8)}.tmp")
        try:
            tmp.mkdir()  # the usual mode for a new folder (mkdtemp's would be 0700)
            try:
                # created here so that it gets the usual mode for a new file, as segments do
                # (SQLite would make it 0644 whatever the umask)
                os.close(os.open(tmp / INDEX, os.O_CREAT | os.O_WRONLY, 0o666))
                con = sqlite3.connect(tmp / INDEX, isolation_level=None)
                try:
                    con.executescript(_SCHEMA)
                finally:
                    con.close()
                os.rename(tmp, self.path)  # also replaces an empty folder, atomically
            except OSError:
                if not is_log_folder(self.path):  # unless another writer made it meanwhile
                    raise
            fsync_folder(self.path.parent)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"cannot create {self.path}: {exc}", str(self.path)) from None
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _sources_and_releases(
        self, listed: list[tuple[int, int]]
    ) -> tuple[tuple[Source, ...], tuple[Release, ...]]:
        """The sources and releases, from the metadata of the last segment (which holds all
        of them as they stood at the last append)."""
        if not listed:
            return (), ()
        return parquet.read_sources_and_releases(self.path / _segment_name(*listed[-1]), "segment")

    def _clean(self, listed: list[tuple[int, int]]) -> None:
        """Remove what killed writers left in the folder: segments the index does not list
        and temporary files. Only a writer holding the index's write lock calls this, and
        every file is written under that lock, so none of them is still being written."""
        keep = {_segment_name(first, stop) for first, stop in listed}
        for path in self.path.iterdir():
            stale = _SEGMENT.fullmatch(path.name) and path.name not in keep
            if stale or (path.name.startswith(".") and path.name.endswith(".tmp")):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()


class LogFile:
    """Deprecated since 0.3.0, removed in the next release: :class:`LogFolder`, whose
    ``head`` is a property. ``LogFile(path)`` warns and gives the same folder, with
    ``head()`` as a method as before."""

    def __init__(self, path: object) -> None:
        import warnings

        warnings.warn(
            "steelbond.LogFile is now steelbond.LogFolder (its head is a property); "
            "LogFile will be removed in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        self._folder = LogFolder(path)

    @property
    def path(self) -> Path:
        """The folder."""
        return self._folder.path

    def head(self) -> str:
        """The hash of the last event stored (``LogFolder.head``)."""
        return self._folder.head

    def __getattr__(self, name: str) -> Any:
        return getattr(self._folder, name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LogFile):
            return self._folder == other._folder
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._folder)

    def __repr__(self) -> str:
        return f"LogFile({str(self.path)!r})"
