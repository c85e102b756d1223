"""Helpers shared by the test modules: a small log of one's own, file digests, and the
reliability settings.

The reliability tests (marked ``reliability``: bad input, damaged files, tampering, crashes,
concurrent writers, security) live beside the other tests of the module they test. CI runs
their quick setting; ``STEELBOND_RELIABILITY_FULL=1`` runs the full one, whose figures are in
``docs/reliability.rst``::

    STEELBOND_RELIABILITY_FULL=1 python -m pytest -m reliability -s
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from steelbond import EventLog, testing

ROOT = Path(__file__).resolve().parents[1]
FULL = os.environ.get("STEELBOND_RELIABILITY_FULL") == "1"

FUZZ_INPUTS = 100_000 if FULL else 3000
MUTATIONS = 5000 if FULL else 300
FLIPS = 5000 if FULL else 150
KILLS = 200 if FULL else 15
WRITERS, APPENDS = (8, 25) if FULL else (4, 6)

reliability = pytest.mark.reliability
"""Marks a test of what happens when things go wrong (see the module docs)."""


def small_log(n: int = 5) -> EventLog:
    """A log of ``n`` sample events dated 2010, 2011, ..., with one source and one release."""
    log = EventLog(sources=(testing.sample_source(),), releases=(testing.sample_release(),))
    return log.append(
        *(testing.sample_event(f"e{i}", date=f"{2010 + i}") for i in range(n)), release="mine-1"
    )


def sha(path: Path) -> str:
    """The SHA-256 of the file at ``path``."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
