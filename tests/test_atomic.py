"""The atomic write: a reader sees the old file or the new one, the temporary file is beside
the target and never elsewhere, and a rewrite keeps the file's mode."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

from steelbond import LogFolder, testing
from steelbond.errors import StorageError
from steelbond.formats import atomic
from steelbond.storage import read_log, write_log

from .helpers import (
    reliability,
    small_log,
)


@reliability
def test_a_read_racing_a_write_sees_the_old_log_or_the_new_one(tmp_path):
    """The module promises readers the old file or the new one, never half of one.

    Bug T, found here and fixed in src meanwhile: read_log (through pyarrow's read_table)
    opened the file by its path more than once, so a rename in between tore the read.
    """
    path = tmp_path / "log.parquet"
    versions = [small_log(3), small_log(40)]
    write_log(versions[0], path)
    heads = {v.head for v in versions}
    stop = threading.Event()

    def churn() -> None:
        k = 0
        while not stop.is_set():
            k += 1
            write_log(versions[k % 2], path)

    writer = threading.Thread(target=churn)
    writer.start()
    problems: list[str] = []
    try:
        deadline = time.monotonic() + 1.5  # the torn read showed within 0.2 s
        while time.monotonic() < deadline and not problems:
            try:
                if read_log(path).head not in heads:
                    problems.append("read a log that was never written")
            except StorageError as exc:
                problems.append(str(exc))
    finally:
        stop.set()
        writer.join()
    assert problems == []


@reliability
def test_logs_write_only_in_the_folder_they_name(tmp_path, monkeypatch):
    folder = tmp_path / "mine"
    elsewhere = tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(elsewhere))
    monkeypatch.setenv("TMPDIR", str(elsewhere))
    replaced: list[tuple[Path, Path]] = []
    real_replace = os.replace

    def spy(src, dst, *args, **kwargs):
        replaced.append((Path(src), Path(dst)))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "replace", spy)
    target = folder / "log"
    log_file = LogFolder(target)
    for i in range(3):
        log_file.append(testing.sample_event(f"e{i}"))
    write_log(small_log(), folder / "other.parquet")
    assert len(replaced) == 4
    for (src, dst), where in zip(replaced, [target] * 3 + [folder], strict=True):
        assert src.parent == dst.parent == where
        assert src.name.startswith(".") and src.name.endswith(".tmp")
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in folder.iterdir()) == ["log", "other.parquet"]
    assert sorted(p.name for p in target.iterdir()) == [
        "000000000000-000000000001.parquet",
        "000000000001-000000000002.parquet",
        "000000000002-000000000003.parquet",
        "index.sqlite3",
    ]


@reliability
def test_writing_keeps_the_file_readable_as_before(tmp_path):
    umask = os.umask(0)
    os.umask(umask)
    path = tmp_path / "log.parquet"
    write_log(small_log(), path)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    path.chmod(0o644)
    write_log(small_log(3), path)
    assert path.stat().st_mode & 0o777 == 0o644  # a rewrite keeps the file's mode
    folder = tmp_path / "mine"
    LogFolder(folder).append(testing.sample_event("x"))
    LogFolder(folder).append(testing.sample_event("y"))
    for segment in folder.glob("*.parquet"):
        assert segment.stat().st_mode & 0o777 == 0o666 & ~umask
