"""The data steelbond ships: found beside the package, loaded once, never written.

This module chooses which file answers: the JSON-lines mirror of the bundled log when it is
there (:mod:`steelbond.formats.jsonl`, read without pyarrow), else the Parquet file, and the
timelines shipped already replayed (:mod:`steelbond.formats.timeline`) when they were built
from that file. And it guards the installed data: ``refuse_installed`` is what every
write API asks before writing.

It imports no more than a cold ``state_at`` needs (the formats load on first use): a
question about the state is answered from the shipped timelines (:func:`bundled_timeline`),
and only events, conflicts, sources and SQL read the log.
"""

from __future__ import annotations

import contextlib
import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from .errors import StorageError, shown

if TYPE_CHECKING:
    from .log import EventLog
    from .state import Timeline

__all__ = [
    "TIMELINE_FILE",
    "DataVersion",
    "bundled_log",
    "bundled_path",
    "bundled_timeline",
    "data_version",
    "protected_folders",
    "refuse_installed",
]

TIMELINE_FILE = "timeline.json"
"""The timelines replayed from the bundled log, beside it (see
:mod:`steelbond.formats.timeline`)."""


def bundled_path() -> Path:
    """Where the bundled ``events.parquet`` is: inside the installed package, or, in a source
    checkout, the repository's ``data/events.parquet``."""
    # The package's own folder, as importlib.resources.files gives it for a package
    # installed as files (the only way the data can be read by path), without importing
    # importlib.resources: it would add 6 ms to a cold query, 37 ms before bytecode is cached.
    packaged = Path(__file__).with_name("data") / "events.parquet"
    if packaged.is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "data" / "events.parquet"
    if checkout.is_file():
        return checkout
    raise StorageError(
        "steelbond's bundled data file is missing; reinstall steelbond (or, in a source "
        "checkout, run python tools/build_data.py)",
        str(checkout),
    )


def _log_file() -> Path:
    """The file the bundled log is read from: the JSON-lines mirror when it is there."""
    path = bundled_path()
    mirror = path.with_suffix(".jsonl")
    return mirror if mirror.is_file() else path


@cache
def bundled_log() -> EventLog:
    """The bundled log, read once per process (``bundled_log.cache_clear()`` resets it).

    It is read from ``events.jsonl``, the JSON-lines mirror of ``events.parquet`` built
    from the same ledger (a test holds them equal), when it is there: that needs neither
    pyarrow nor NumPy, which makes a cold query about three times faster. ``steelbond
    verify`` checks the chain of both files.
    """
    from .formats import jsonl, parquet

    path = _log_file()
    return jsonl.read(path) if path.suffix == ".jsonl" else parquet.read(path)


@cache
def bundled_timeline(as_of_release: str | None = None) -> Timeline | None:
    """The bundled log's timeline of South Korea as of ``as_of_release`` (``None``: the
    whole log's), read once
    per process from ``timeline.json``, where ``tools/build_data.py`` stores it replayed.

    ``None`` when that file is missing, malformed, lacks the release, or is stale: built
    from another log than the one :func:`steelbond.bundled_log` reads (it records that
    file's SHA-256, checked here). Then replay the log instead, as
    :func:`steelbond.state_at` does. ``bundled_timeline.cache_clear()`` resets it.
    """
    from .formats.timeline import read_timeline

    return read_timeline(bundled_path().with_name(TIMELINE_FILE), _log_file(), as_of_release)


@attrs.frozen
class DataVersion:
    """Which data a result came from: cite the release and the checksum with it."""

    release: str
    sha256: str
    events: int
    coverage_end: str

    def __str__(self) -> str:
        return f"steelbond data {self.release} ({self.events} events, sha256 {self.sha256[:16]}…)"


def data_version() -> DataVersion:
    """The latest data release in the bundled file, with the file's SHA-256 checksum.

    >>> import steelbond
    >>> len(steelbond.data_version().sha256)
    64
    """
    log = bundled_log()
    digest = hashlib.sha256(bundled_path().read_bytes()).hexdigest()
    last = log.releases[-1]
    return DataVersion(last.name, digest, len(log), last.coverage_end)


def protected_folders() -> tuple[Path, ...]:
    """The folders no write API touches: the installed package (its bundled data inside it)
    and the folder of the bundled data file (a source checkout's ``data/``)."""
    folders = [Path(__file__).resolve().parent]
    with contextlib.suppress(StorageError):  # no bundled file: only the package to protect
        folders.append(bundled_path().resolve().parent)
    return tuple(folders)


def refuse_installed(path: Path) -> None:
    """Refuse ``path`` when it is, or is inside, a folder of :func:`protected_folders`, by
    whatever name (symbolic links and ``..`` are resolved first): the bundled files, the
    checksum and the shipped timelines, and any new file beside them. One stray file there
    (a ``write_log`` onto ``events.jsonl``) would break every later query."""
    try:
        target = path.resolve()
    except (OSError, RuntimeError) as exc:  # a loop of symbolic links
        raise StorageError(f"cannot resolve {path}: {exc}", str(path)) from None
    for folder in protected_folders():
        if target == folder or folder in target.parents:
            raise StorageError(
                f"{shown(str(path))} is inside steelbond's installed package or its bundled "
                f"data ({folder}), which is read-only; write your own events to a file of "
                "your own",
                str(path),
            )
