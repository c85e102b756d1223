"""Shared fixtures: hand-made logs with known answers, and the source documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from steelbond.ledger import default_seeds_dir


@pytest.fixture
def seeds() -> Path:
    """The source documents; tests that need them are skipped where they are absent."""
    path = default_seeds_dir()
    if not path.is_dir():
        pytest.skip(f"source documents not found at {path}")
    return path
