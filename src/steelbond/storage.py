"""Reading and writing a log, whatever its form on disk.

:func:`steelbond.read_log` reads a log stored as one Parquet file
(:func:`steelbond.write_log`) or as a :class:`~steelbond.LogFolder` folder;
``read_json_lines`` and ``write_json_lines`` read and write the JSON-lines form the bundled
data ships beside its Parquet file. These are the public functions: they check their
arguments and refuse to write inside the installed package
(``steelbond.bundled.refuse_installed``), then hand over to the format's own module in
:mod:`steelbond.formats`, which knows the bytes.

The names this module used to hold for the formats (``arrow_schema``, ``log_to_table``,
``log_from_table``, ``refuse_installed``, ...) still import from here for one release, with
a ``DeprecationWarning`` naming their new home.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

from . import bundled, errors
from .formats import folder, jsonl, parquet
from .log import EventLog

__all__ = ["read_json_lines", "read_log", "write_json_lines", "write_log"]


def read_log(path: str | os.PathLike[str]) -> EventLog:
    """Read a log stored as Parquet: one file (:func:`write_log`) or a
    :class:`~steelbond.LogFolder` folder of segments. A file that cannot be read whole, or
    whose seal (over the head, the sources and the releases) does not match, raises
    :class:`~steelbond.errors.StorageError`. Call :meth:`~steelbond.EventLog.verify` to
    re-hash every event.
    """
    return folder.read_path(errors.path_argument("path", path))


def write_log(log: EventLog, path: str | os.PathLike[str]) -> None:
    """Write the log to ``path`` atomically (temporary file, fsync, rename).

    The same log always gives the same bytes, so released files can be rebuilt exactly.
    steelbond's installed package, its bundled data folder included, is refused: it is
    read-only to every API.
    """
    errors.check_type("log", log, EventLog, "a steelbond.EventLog")
    p = errors.path_argument("path", path)
    bundled.refuse_installed(p)
    parquet.write(log, p)


def write_json_lines(log: EventLog, path: str | os.PathLike[str]) -> None:
    """Write the log as JSON lines (see :mod:`steelbond.formats.jsonl`), atomically.

    The bundled data ships this mirror of ``events.parquet`` because reading it needs
    neither pyarrow nor NumPy, whose import alone costs a cold query more than the query.
    Like :func:`write_log`, it refuses any path inside the installed package.
    """
    errors.check_type("log", log, EventLog, "a steelbond.EventLog")
    p = errors.path_argument("path", path)
    bundled.refuse_installed(p)
    jsonl.write(log, p)


def read_json_lines(path: str | os.PathLike[str]) -> EventLog:
    """Read a log written by :func:`write_json_lines` (like :func:`read_log`, without
    re-hashing every event: call :meth:`~steelbond.EventLog.verify` for that)."""
    return jsonl.read(errors.path_argument("path", path))


_MOVED = {
    "ADDED_COLUMNS": "steelbond.formats.parquet",
    "arrow_schema": "steelbond.formats.parquet",
    "log_from_table": "steelbond.formats.parquet",
    "log_to_table": "steelbond.formats.parquet",
    "read_table": "steelbond.formats.parquet",
    "sources_and_releases": "steelbond.formats.parquet",
    "fsync_folder": "steelbond.formats.atomic",
    "path_argument": "steelbond.errors",
    "protected_folders": "steelbond.bundled",
    "refuse_installed": "steelbond.bundled",
}
"""Names that moved out of this module, and where to: importable from here until the next
release, with a warning."""


def __getattr__(name: str) -> Any:
    if name not in _MOVED:
        raise AttributeError(f"module 'steelbond.storage' has no attribute {name!r}")
    warnings.warn(
        f"steelbond.storage.{name} moved to {_MOVED[name]}.{name}; the old name goes in the "
        "next release",
        DeprecationWarning,
        stacklevel=2,
    )
    from .formats import atomic

    homes = {
        "steelbond.formats.parquet": parquet,
        "steelbond.formats.atomic": atomic,
        "steelbond.errors": errors,
        "steelbond.bundled": bundled,
    }
    return getattr(homes[_MOVED[name]], name)
