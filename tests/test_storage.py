"""Logs on disk: lossless, deterministic, atomic, and safe with several writers."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

import steelbond
from steelbond import ConflictError, EventLog, LogFile, StorageError, testing
from steelbond.bundled import bundled_path
from steelbond.storage import read_log, write_log


def _log(n: int) -> EventLog:
    log = EventLog(sources=(testing.sample_source(),), releases=(testing.sample_release(),))
    return log.append(*(testing.sample_event(f"e{i}") for i in range(n)), release="mine-1")


def test_a_written_log_reads_back_equal(tmp_path: Path):
    log = _log(3)
    write_log(log, tmp_path / "log.parquet")
    back = read_log(tmp_path / "log.parquet")
    assert back == log
    back.verify()


def test_the_same_log_always_gives_the_same_bytes(tmp_path: Path):
    write_log(_log(3), tmp_path / "a.parquet")
    write_log(_log(3), tmp_path / "b.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()


def test_writing_leaves_no_temporary_files(tmp_path: Path):
    write_log(_log(2), tmp_path / "log.parquet")
    write_log(_log(3), tmp_path / "log.parquet")
    assert [p.name for p in tmp_path.iterdir()] == ["log.parquet"]


def test_a_missing_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(StorageError, match="no log file"):
        read_log(tmp_path / "nope.parquet")


@pytest.mark.parametrize("cut", [0, 10, 100, -10])
def test_a_truncated_file_is_refused_whole(tmp_path: Path, cut: int):
    path = tmp_path / "log.parquet"
    write_log(_log(3), path)
    data = path.read_bytes()
    path.write_bytes(data[:cut])
    with pytest.raises(StorageError, match=str(path)):
        read_log(path)


def test_a_parquet_file_that_is_not_a_log_is_refused(tmp_path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"x": [1]}), tmp_path / "other.parquet")
    with pytest.raises(StorageError, match="not a steelbond log"):
        read_log(tmp_path / "other.parquet")


def test_append_to_a_log_file_is_all_or_nothing(tmp_path: Path):
    f = LogFile(tmp_path / "mine.parquet")
    f.append(testing.sample_event("a"), sources=(testing.sample_source(),))
    with pytest.raises(steelbond.EventError):
        f.append(testing.sample_event("b"), testing.sample_event("a"))
    assert [e.id for e in f.read()] == ["a"]


def test_a_stale_head_is_refused_and_nothing_is_written(tmp_path: Path):
    f = LogFile(tmp_path / "mine.parquet")
    seen = f.append(testing.sample_event("a")).head
    f.append(testing.sample_event("b"), expected_head=seen)
    before = _contents(tmp_path / "mine.parquet")
    with pytest.raises(ConflictError) as info:
        f.append(testing.sample_event("c"), expected_head=seen)
    assert info.value.expected == seen
    assert _contents(tmp_path / "mine.parquet") == before


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _writer(path: str, who: int, n: int) -> None:
    f = LogFile(Path(path))
    for i in range(n):
        f.append(testing.sample_event(f"w{who}-{i}"))


def test_concurrent_writers_lose_and_duplicate_nothing(tmp_path: Path):
    path = tmp_path / "shared.parquet"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), w, 5)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert all(p.exitcode == 0 for p in procs)
    log = read_log(path)
    log.verify()
    assert sorted(e.id for e in log) == sorted(f"w{w}-{i}" for w in range(3) for i in range(5))


def test_the_bundled_data_cannot_be_appended_to():
    with pytest.raises(StorageError, match="read-only"):
        LogFile(bundled_path()).append(testing.sample_event("x"))
