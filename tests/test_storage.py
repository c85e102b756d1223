"""Reading and writing a log (``steelbond.read_log``, ``write_log`` and the JSON lines): the
log read back is the log written, a folder or file that is not a log is refused, and what
cannot be written is a StorageError naming the path. What the formats themselves promise is
tested beside them (``test_parquet.py``, ``test_jsonl.py``, ``test_folder.py``,
``test_atomic.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from steelbond import LogFolder, testing
from steelbond.errors import StorageError
from steelbond.storage import read_json_lines, read_log, write_json_lines, write_log

from .helpers import reliability, small_log


@pytest.mark.parametrize(
    ("write", "read"), [(write_log, read_log), (write_json_lines, read_json_lines)]
)
def test_a_written_log_reads_back_equal(tmp_path: Path, write, read):
    log = small_log(3)
    write(log, tmp_path / "log")
    back = read(tmp_path / "log")
    assert back == log
    back.verify()


def test_a_missing_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(StorageError, match="no log file"):
        read_log(tmp_path / "nope.parquet")
    with pytest.raises(StorageError, match=r"nope\.jsonl"):
        read_json_lines(tmp_path / "nope.jsonl")


def test_a_log_folder_reads_as_the_log_it_holds(tmp_path: Path):
    LogFolder(tmp_path / "mine").append(*small_log(3))
    assert [e.id for e in read_log(tmp_path / "mine")] == ["e0", "e1", "e2"]


@reliability
def test_reading_a_folder_is_refused(tmp_path):
    """Bug O, found here and fixed in src meanwhile: read_log of a folder read every
    Parquet file inside it as one log."""
    write_log(small_log(2), tmp_path / "a.parquet")
    with pytest.raises(StorageError):
        read_log(tmp_path)


@reliability
@pytest.mark.parametrize("how", ["write_log", "LogFolder.append"])
def test_a_log_that_cannot_be_written_is_a_storage_error(tmp_path, how):
    path = tmp_path / "missing-folder" / "log.parquet"
    with pytest.raises(StorageError) as info:
        if how == "write_log":
            write_log(small_log(), path)
        else:
            LogFolder(path).append(testing.sample_event("x"))
    assert info.value.path == str(path)
