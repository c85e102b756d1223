"""The data steelbond ships: found with importlib.resources, loaded once, never written."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from pathlib import Path

from .errors import StorageError
from .log import EventLog

__all__ = ["bundled_log", "bundled_path", "data_version"]


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
    """The bundled log, read once per process (``bundled_log.cache_clear()`` resets it)."""
    from .storage import read_log

    return read_log(bundled_path())


def data_version() -> tuple[str, str]:
    """The latest data release in the bundled file, and the file's SHA-256 checksum."""
    digest = hashlib.sha256(bundled_path().read_bytes()).hexdigest()
    return bundled_log().release_names()[-1], digest
