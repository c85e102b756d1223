"""A LogFile folder: appends that never touch old data, and reads that notice what is wrong."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import steelbond
from steelbond import EventLog, LogFile, StorageError, testing
from steelbond.storage import read_log, write_log


def _segments(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".parquet")


def test_an_append_writes_one_new_segment_and_leaves_the_old_ones_as_they_were(tmp_path):
    folder = tmp_path / "mine"
    f = LogFile(folder)
    f.append(testing.sample_event("a"), testing.sample_event("b"))
    (first,) = _segments(folder)
    before = (first.read_bytes(), first.stat().st_ino, first.stat().st_mtime_ns)
    done = f.append(testing.sample_event("c"))
    assert [p.name for p in _segments(folder)] == [
        "000000000000-000000000002.parquet",
        "000000000002-000000000003.parquet",
    ]
    assert (first.read_bytes(), first.stat().st_ino, first.stat().st_mtime_ns) == before
    assert (done.length, [e.seq for e in done.events]) == (3, [2])
    assert done.head == f.head() == read_log(folder).head


def test_an_append_does_not_read_old_segments(tmp_path):
    """An append costs the same however long the log is because it reads nothing old: with
    the first segment garbled, appends still succeed, and only a read notices."""
    folder = tmp_path / "mine"
    f = LogFile(folder)
    f.append(testing.sample_event("a"))
    f.append(testing.sample_event("b"))
    (folder / "000000000000-000000000001.parquet").write_bytes(b"garbled")
    f.append(testing.sample_event("c"))
    with pytest.raises(StorageError, match=r"000000000000-000000000001\.parquet"):
        read_log(folder)


def test_ids_already_in_any_segment_are_refused_from_the_index(tmp_path):
    f = LogFile(tmp_path / "mine")
    f.append(testing.sample_event("a"))
    f.append(testing.sample_event("b"))
    with pytest.raises(steelbond.EventError, match="already in the log"):
        f.append(testing.sample_event("c"), testing.sample_event("a"))
    assert [e.id for e in f.read()] == ["a", "b"]


def test_a_segment_left_by_a_crash_before_the_commit_is_ignored_then_replaced(tmp_path):
    folder = tmp_path / "mine"
    f = LogFile(folder)
    f.append(testing.sample_event("a"))
    # what a writer killed between writing its segment and committing leaves behind
    orphan = folder / "000000000001-000000000003.parquet"
    write_log(EventLog().append(testing.sample_event("x"), testing.sample_event("y")), orphan)
    (folder / ".000000000001-000000000002.parquet.k1ll3d.tmp").write_bytes(b"half")
    assert [e.id for e in read_log(folder)] == ["a"]
    f.append(testing.sample_event("b"))
    log = read_log(folder)
    log.verify()
    assert [e.id for e in log] == ["a", "b"]
    assert [p.name for p in sorted(folder.iterdir())] == [  # the next writer cleaned up
        "000000000000-000000000001.parquet",
        "000000000001-000000000002.parquet",
        "index.sqlite3",
    ]


def test_a_missing_segment_or_a_head_that_does_not_match_is_refused(tmp_path):
    folder = tmp_path / "mine"
    f = LogFile(folder)
    for name in "abc":
        f.append(testing.sample_event(name))
    con = sqlite3.connect(folder / "index.sqlite3")
    con.execute("UPDATE head SET hash = ?", ("f" * 64,))
    con.commit()
    con.close()
    with pytest.raises(StorageError, match="index records 3"):
        read_log(folder)
    (folder / "000000000001-000000000002.parquet").unlink()
    with pytest.raises(StorageError, match=r"000000000001-000000000002\.parquet of .* missing"):
        read_log(folder)


def test_a_single_file_log_is_not_taken_for_a_folder_and_can_be_carried_over(tmp_path):
    single = tmp_path / "old.parquet"
    write_log(EventLog().append(testing.sample_event("a")), single)
    with pytest.raises(StorageError, match=r"LogFile.create"):
        LogFile(single).append(testing.sample_event("b"))
    folder = LogFile.create(tmp_path / "new", read_log(single))
    folder.append(testing.sample_event("b"))
    log = read_log(tmp_path / "new")
    log.verify()
    assert [e.id for e in log] == ["a", "b"]
    assert log[0] == read_log(single)[0]
    with pytest.raises(StorageError, match="already holds a log"):
        LogFile.create(tmp_path / "new", read_log(single))


def test_a_broken_log_is_not_carried_over(tmp_path):
    import attrs

    log = EventLog().append(testing.sample_event("a"), testing.sample_event("b"))
    broken = EventLog.from_events([log[0], attrs.evolve(log[1], summary="edited")])
    with pytest.raises(steelbond.IntegrityError):
        LogFile.create(tmp_path / "new", broken)
    assert not list((tmp_path / "new").glob("*.parquet"))


def test_duckdb_reads_the_folders_segments_as_one_table(tmp_path):
    import duckdb

    f = LogFile(tmp_path / "mine")
    f.append(testing.sample_event("a"), testing.sample_event("b"))
    f.append(testing.sample_event("c"))
    # an uncommitted segment, as a killed writer leaves it: listed nowhere, read by no one
    write_log(
        EventLog().append(testing.sample_event("x")),
        tmp_path / "mine" / "000000000003-000000000004.parquet",
    )
    files = [str(p) for p in f.segments()]
    rows = duckdb.execute("SELECT id, seq FROM read_parquet(?) ORDER BY seq", [files]).fetchall()
    assert rows == [("a", 0), ("b", 1), ("c", 2)]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(st.integers(0, 3), min_size=1, max_size=6))
def test_appending_batches_to_a_folder_gives_the_log_eventlog_append_gives(
    tmp_path_factory, batches
):
    folder = tmp_path_factory.mktemp("log") / "mine"
    f = LogFile(folder)
    expected = EventLog()
    n = 0
    for size in batches:
        batch = [
            testing.sample_event(f"e{n + i}", date=f"{2002 + (n + i) % 20}") for i in range(size)
        ]
        n += size
        done = f.append(*batch, sources=(testing.sample_source(),))
        expected = expected.append(*batch)
        assert done.head == expected.head
    got = f.read()
    got.verify()
    assert tuple(got) == tuple(expected)


def test_an_empty_folder_becomes_a_log_but_a_folder_of_other_files_is_refused(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    LogFile(empty).append(testing.sample_event("a"))
    assert [e.id for e in read_log(empty)] == ["a"]
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(StorageError, match="other files"):
        LogFile(busy).append(testing.sample_event("a"))
    assert sorted(p.name for p in busy.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy", "empty"]  # no temporaries


def test_small_segments_are_merged_by_size_tier_so_reads_stay_quick(tmp_path):
    from steelbond.formats.folder import FANOUT

    folder = tmp_path / "mine"
    f = LogFile(folder)
    n = FANOUT * FANOUT + FANOUT + 3  # one tier-2 merge, one tier-1 merge, 3 left over
    for i in range(n):
        f.append(testing.sample_event(f"e{i}"))
    sizes = []
    for p in _segments(folder):
        first, stop = (int(x) for x in p.name.removesuffix(".parquet").split("-"))
        sizes.append(stop - first)
    assert sizes == [FANOUT * FANOUT, FANOUT, 1, 1, 1]
    log = read_log(folder)
    log.verify()
    assert [e.id for e in log] == [f"e{i}" for i in range(n)]


def test_a_read_during_merges_sees_a_whole_log(tmp_path):
    import threading

    folder = tmp_path / "mine"
    f = LogFile(folder)
    f.append(testing.sample_event("start"))
    done = threading.Event()
    problems: list[str] = []
    lengths: list[int] = []

    def reader() -> None:
        while not done.is_set():
            try:
                log = read_log(folder)
                log.verify()
                lengths.append(len(log))
            except Exception as exc:  # any failure is the finding
                problems.append(repr(exc))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(40):  # two merges of 16 one-event segments
            f.append(testing.sample_event(f"e{i}"))
    finally:
        done.set()
        thread.join()
    assert problems == []
    assert lengths == sorted(lengths) and lengths


def test_mixed_append_sizes_still_merge(tmp_path):
    f = LogFile(tmp_path / "mine")
    n = 0
    for k in range(60):
        size = 1 if k % 2 else 16
        f.append(*(testing.sample_event(f"e{n + i}") for i in range(size)))
        n += size
    assert len(f.segments()) <= 2 * 16  # at most FANOUT per tier, two tiers in play
    assert [e.id for e in read_log(tmp_path / "mine")] == [f"e{i}" for i in range(n)]


def test_a_merge_that_fails_leaves_the_append_standing_with_a_warning(tmp_path):
    from steelbond.formats.folder import FANOUT

    f = LogFile(tmp_path / "mine")
    for i in range(FANOUT - 1):
        f.append(testing.sample_event(f"e{i}"))
    f.segments()[0].write_bytes(b"garbled")  # the next append's merge reads it
    with pytest.warns(steelbond.StorageWarning, match="not merged"):
        done = f.append(testing.sample_event("last"))
    assert done.length == FANOUT and f.head() == done.head
    assert len(f.segments()) == FANOUT


def test_asking_an_empty_folder_for_its_head_leaves_it_empty(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    assert LogFile(folder).head() == steelbond.log.GENESIS
    assert LogFile(folder).segments() == ()
    assert list(folder.iterdir()) == []
    LogFile(folder).append(testing.sample_event("a"))
    assert [e.id for e in read_log(folder)] == ["a"]


def test_a_log_with_repeated_ids_is_not_stored_even_when_its_chain_holds(tmp_path):
    from steelbond.log import GENESIS, stamp

    (first,) = stamp([testing.sample_event("a")], seq=0, prev_hash=GENESIS, known=())
    (again,) = stamp([testing.sample_event("a")], seq=1, prev_hash=first.hash, known=())
    repeated = EventLog.from_events([first, again])
    # a valid chain, only the ids are wrong: verify() refuses it all the same
    with pytest.raises(steelbond.IntegrityError, match="repeats an id"):
        repeated.verify()
    with pytest.raises(steelbond.IntegrityError, match="repeats an id"):
        LogFile.create(tmp_path / "new", repeated)
    assert not (tmp_path / "new").exists()
