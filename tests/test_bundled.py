"""The bundled data: out of reach of every write API, by any name."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import steelbond
from steelbond import LogFolder, testing
from steelbond.bundled import bundled_path
from steelbond.errors import StorageError
from steelbond.storage import write_log

from .helpers import (
    reliability,
    sha,
    small_log,
)


@pytest.fixture
def bundled_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the bundled file that steelbond takes for its bundled data."""
    folder = tmp_path / "package" / "data"
    folder.mkdir(parents=True)
    copy = folder / "events.parquet"
    shutil.copyfile(bundled_path(), copy)
    monkeypatch.setattr(steelbond.bundled, "bundled_path", lambda: copy)
    return copy


@reliability
def test_the_bundled_data_cannot_be_appended_to_by_any_name(bundled_copy, tmp_path):
    digest = sha(bundled_copy)
    before = sorted(p.name for p in bundled_copy.parent.iterdir())
    link = tmp_path / "link.parquet"
    link.symlink_to(bundled_copy)
    roundabout = bundled_copy.parent / ".." / "data" / "events.parquet"
    for name in (bundled_copy, str(bundled_copy), link, roundabout):
        with pytest.raises(StorageError, match="read-only"):
            LogFolder(name).append(testing.sample_event("x"))
    assert sha(bundled_copy) == digest
    assert sorted(p.name for p in bundled_copy.parent.iterdir()) == before  # no lock, no temp


@reliability
def test_the_real_bundled_file_cannot_be_appended_to():
    digest = sha(bundled_path())
    with pytest.raises(StorageError, match="read-only"):
        LogFolder(bundled_path()).append(testing.sample_event("x"))
    assert sha(bundled_path()) == digest


@reliability
def test_a_hard_link_to_the_bundled_file_is_not_written_through(bundled_copy, tmp_path):
    digest = sha(bundled_copy)
    alias = tmp_path / "alias.parquet"
    os.link(bundled_copy, alias)
    with pytest.raises(StorageError, match="is a file"):  # a LogFolder is a folder
        LogFolder(alias).append(testing.sample_event("mine-x"))
    assert sha(bundled_copy) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alias.parquet", "package"]


@reliability
def test_write_log_refuses_the_bundled_file(bundled_copy):
    digest = sha(bundled_copy)
    try:
        with pytest.raises(StorageError, match="read-only"):
            write_log(small_log(), bundled_copy)
    finally:
        assert sha(bundled_copy) == digest
