"""The data steelbond ships: found with importlib.resources, loaded once, never written."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from pathlib import Path

import attrs

from .errors import StorageError
from .log import EventLog

__all__ = ["DataVersion", "bundled_log", "bundled_path", "data_version"]


def bundled_path() -> Path:
    """Where the bundled ``events.parquet`` is: inside the installed package, or, in a source
    checkout, the repository's ``data/events.parquet``."""
    packaged = resources.files("steelbond") / "data" / "events.parquet"
    if packaged.is_file():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "data" / "events.parquet"
    if checkout.is_file():
        return checkout
    raise StorageError(
        "steelbond's bundled data file is missing; reinstall steelbond (or, in a source "
        "checkout, run python tools/build_data.py)",
        str(checkout),
    )


@cache
def bundled_log() -> EventLog:
    """The bundled log, read once per process (``bundled_log.cache_clear()`` resets it).

    It is read from ``events.jsonl``, the JSON-lines mirror of ``events.parquet`` built
    from the same ledger (a test holds them equal), when it is there: that needs neither
    pyarrow nor NumPy, which makes a cold query about three times faster. ``steelbond
    verify`` checks the chain of both files.
    """
    from .storage import read_json_lines, read_log

    path = bundled_path()
    mirror = path.with_suffix(".jsonl")
    return read_json_lines(mirror) if mirror.is_file() else read_log(path)


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
