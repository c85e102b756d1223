"""A log as JSON lines: a header line with the sources and releases, then one line per event
(its fields as the converter gives them, the date as its text), keys sorted.

The bundled data ships this mirror of ``events.parquet`` because reading it needs neither
pyarrow nor NumPy, whose import alone costs a cold query more than the query (a test holds
the two files to the same events). Like the Parquet format, ``write`` is atomic and
checks nothing else (``steelbond.storage.write_json_lines`` refuses the installed data
first), and ``read`` does not re-hash every event: call
:meth:`~steelbond.EventLog.verify` for that.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..converter import converter, structure, structure_event, unstructure_event
from ..errors import SteelbondError, StorageError
from ..kinds import Release, Source
from ..log import EventLog
from .atomic import atomic_write_bytes

__all__ = ["read", "to_bytes", "write"]


def to_bytes(log: EventLog) -> bytes:
    """The JSON-lines file of ``log``: the same log, the same bytes."""
    header = {
        "sources": converter.unstructure(log.sources),
        "releases": converter.unstructure(log.releases),
    }
    lines = [json.dumps(header, ensure_ascii=False, sort_keys=True)]
    for event in log:
        row = unstructure_event(event)
        row["date"] = event.date.text
        lines.append(json.dumps(row, ensure_ascii=False, sort_keys=True))
    return ("\n".join(lines) + "\n").encode("utf-8")


def write(log: EventLog, path: Path) -> None:
    """Write ``log`` to ``path`` atomically (the bytes of :func:`to_bytes`)."""
    atomic_write_bytes(path, to_bytes(log))


def read(path: Path) -> EventLog:
    """The log in the JSON-lines file at ``path``; any fault is a
    :class:`~steelbond.errors.StorageError` naming the file."""
    try:
        header_line, *event_lines = path.read_text(encoding="utf-8").splitlines()
        header = json.loads(header_line)
        if not isinstance(header, dict) or set(header) != {"sources", "releases"}:
            # nothing beside the sources and releases: no value the reader would not check
            raise ValueError("its header must hold exactly 'sources' and 'releases'")
        sources = tuple(structure(s, Source) for s in header["sources"])
        releases = tuple(structure(r, Release) for r in header["releases"])
        events = [structure_event(json.loads(line)) for line in event_lines]
        log = EventLog.from_events(events, sources, releases)
    except (OSError, ValueError, KeyError, TypeError, SteelbondError) as exc:
        raise StorageError(f"cannot read log file {path}: {exc}", str(path)) from None
    return log
