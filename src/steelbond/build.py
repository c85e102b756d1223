"""Build time only: the bundled data's files, made from a log (the ledger's).

``tools/build_data.py`` writes these files into ``data/`` (and checks them in CI); nothing
on the runtime path imports this module (``tests/test_architecture.py`` holds that), so a
query never replays a log to build a file, and the formats it writes
(:mod:`steelbond.formats`) hold no build logic.

===========================  ======================================================
``events.parquet``           the log (:mod:`steelbond.formats.parquet`)
``events.parquet.sha256``    its SHA-256, in ``sha256sum``'s format
``events.jsonl``             its JSON-lines mirror (:mod:`steelbond.formats.jsonl`)
``timeline.json``            every release's timeline, replayed
                             (:mod:`steelbond.formats.timeline`)
===========================  ======================================================
"""

from __future__ import annotations

import hashlib

from .bundled import TIMELINE_FILE
from .formats import jsonl, parquet
from .formats import timeline as timeline_format
from .log import EventLog
from .replay import replay

__all__ = ["LOG_FILE", "data_files", "render_timelines"]

LOG_FILE = "events.parquet"
"""The bundled log's file name; its checksum and mirror are named after it."""


def render_timelines(log: EventLog, log_file: str, log_bytes: bytes) -> bytes:
    """The bytes of ``timeline.json`` for ``log``, replayed as of each of its releases.

    ``log_file`` and ``log_bytes`` are the name and content of the file the log is read
    from (see :func:`steelbond.formats.timeline.dumps`).
    """
    timelines = {name: replay(log, name) for name in log.release_names()}
    whole = replay(log)
    latest = next((n for n in reversed(timelines) if timelines[n] == whole), None)
    return timeline_format.dumps(timelines, latest, log_file, log_bytes)


def data_files(log: EventLog) -> dict[str, bytes]:
    """Every file of the bundled data for ``log``, by name: the same log, the same bytes."""
    log_bytes = parquet.to_bytes(log)
    mirror = LOG_FILE.removesuffix(".parquet") + ".jsonl"
    mirror_bytes = jsonl.to_bytes(log)
    checksum = f"{hashlib.sha256(log_bytes).hexdigest()}  {LOG_FILE}\n"
    return {
        LOG_FILE: log_bytes,
        f"{LOG_FILE}.sha256": checksum.encode("ascii"),
        mirror: mirror_bytes,
        TIMELINE_FILE: render_timelines(log, mirror, mirror_bytes),
    }
