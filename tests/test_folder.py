"""A LogFolder folder: appends that never touch old data, and reads that notice what is wrong."""

from __future__ import annotations

import random
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import steelbond
from steelbond import EventLog, LogFolder, testing
from steelbond.errors import StorageError
from steelbond.log import GENESIS
from steelbond.storage import read_log, write_log

from .helpers import (
    APPENDS,
    KILLS,
    ROOT,
    WRITERS,
    reliability,
    sha,
    small_log,
)

CRASH_WRITER = ROOT / "tools" / "crash_writer.py"


def _segments(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".parquet")


def test_an_append_writes_one_new_segment_and_leaves_the_old_ones_as_they_were(tmp_path):
    folder = tmp_path / "mine"
    f = LogFolder(folder)
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
    assert done.head == f.head == read_log(folder).head


def test_an_append_does_not_read_old_segments(tmp_path):
    """An append costs the same however long the log is because it reads nothing old: with
    the first segment garbled, appends still succeed, and only a read notices."""
    folder = tmp_path / "mine"
    f = LogFolder(folder)
    f.append(testing.sample_event("a"))
    f.append(testing.sample_event("b"))
    (folder / "000000000000-000000000001.parquet").write_bytes(b"garbled")
    f.append(testing.sample_event("c"))
    with pytest.raises(StorageError, match=r"000000000000-000000000001\.parquet"):
        read_log(folder)


def test_ids_already_in_any_segment_are_refused_from_the_index(tmp_path):
    f = LogFolder(tmp_path / "mine")
    f.append(testing.sample_event("a"))
    f.append(testing.sample_event("b"))
    with pytest.raises(steelbond.errors.EventError, match="already in the log"):
        f.append(testing.sample_event("c"), testing.sample_event("a"))
    assert [e.id for e in f.read()] == ["a", "b"]


def test_a_segment_left_by_a_crash_before_the_commit_is_ignored_then_replaced(tmp_path):
    folder = tmp_path / "mine"
    f = LogFolder(folder)
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
    f = LogFolder(folder)
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
    with pytest.raises(StorageError, match=r"LogFolder.create"):
        LogFolder(single).append(testing.sample_event("b"))
    folder = LogFolder.create(tmp_path / "new", read_log(single))
    folder.append(testing.sample_event("b"))
    log = read_log(tmp_path / "new")
    log.verify()
    assert [e.id for e in log] == ["a", "b"]
    assert log[0] == read_log(single)[0]
    with pytest.raises(StorageError, match="already holds a log"):
        LogFolder.create(tmp_path / "new", read_log(single))


def test_a_broken_log_is_not_carried_over(tmp_path):
    import attrs

    log = EventLog().append(testing.sample_event("a"), testing.sample_event("b"))
    broken = EventLog.from_events([log[0], attrs.evolve(log[1], summary="edited")])
    with pytest.raises(steelbond.errors.IntegrityError):
        LogFolder.create(tmp_path / "new", broken)
    assert not list((tmp_path / "new").glob("*.parquet"))


def test_duckdb_reads_the_folders_segments_as_one_table(tmp_path):
    import duckdb

    f = LogFolder(tmp_path / "mine")
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
    f = LogFolder(folder)
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
    LogFolder(empty).append(testing.sample_event("a"))
    assert [e.id for e in read_log(empty)] == ["a"]
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(StorageError, match="other files"):
        LogFolder(busy).append(testing.sample_event("a"))
    assert sorted(p.name for p in busy.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy", "empty"]  # no temporaries


def test_small_segments_are_merged_by_size_tier_so_reads_stay_quick(tmp_path):
    from steelbond.formats.folder import FANOUT

    folder = tmp_path / "mine"
    f = LogFolder(folder)
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
    f = LogFolder(folder)
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
    f = LogFolder(tmp_path / "mine")
    n = 0
    for k in range(60):
        size = 1 if k % 2 else 16
        f.append(*(testing.sample_event(f"e{n + i}") for i in range(size)))
        n += size
    assert len(f.segments()) <= 2 * 16  # at most FANOUT per tier, two tiers in play
    assert [e.id for e in read_log(tmp_path / "mine")] == [f"e{i}" for i in range(n)]


def test_a_merge_that_fails_leaves_the_append_standing_with_a_warning(tmp_path):
    from steelbond.formats.folder import FANOUT

    f = LogFolder(tmp_path / "mine")
    for i in range(FANOUT - 1):
        f.append(testing.sample_event(f"e{i}"))
    f.segments()[0].write_bytes(b"garbled")  # the next append's merge reads it
    with pytest.warns(steelbond.errors.StorageWarning, match="not merged"):
        done = f.append(testing.sample_event("last"))
    assert done.length == FANOUT and f.head == done.head
    assert len(f.segments()) == FANOUT


def test_asking_an_empty_folder_for_its_head_leaves_it_empty(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    assert LogFolder(folder).head == steelbond.log.GENESIS
    assert LogFolder(folder).segments() == ()
    assert list(folder.iterdir()) == []
    LogFolder(folder).append(testing.sample_event("a"))
    assert [e.id for e in read_log(folder)] == ["a"]


def test_a_log_with_repeated_ids_is_not_stored_even_when_its_chain_holds(tmp_path):
    from steelbond.log import GENESIS, stamp

    (first,) = stamp([testing.sample_event("a")], seq=0, prev_hash=GENESIS, known=())
    (again,) = stamp([testing.sample_event("a")], seq=1, prev_hash=first.hash, known=())
    repeated = EventLog.from_events([first, again])
    # a valid chain, only the ids are wrong: verify() refuses it all the same
    with pytest.raises(steelbond.errors.IntegrityError, match="repeats an id"):
        repeated.verify()
    with pytest.raises(steelbond.errors.IntegrityError, match="repeats an id"):
        LogFolder.create(tmp_path / "new", repeated)
    assert not (tmp_path / "new").exists()


@attrs.define
class _Writer:
    """tools/crash_writer.py running as a subprocess; a thread collects what it prints."""

    proc: subprocess.Popen[str]
    chunks: list[str] = attrs.Factory(list)
    started: threading.Event = attrs.Factory(threading.Event)
    pump: threading.Thread | None = None

    def wait_ready(self, timeout: float = 120) -> None:
        assert self.started.wait(timeout) and self.chunks, self.finish()[2]
        assert self.chunks[0].startswith("ready"), self.finish()[2]

    def finish(self, timeout: float = 300) -> tuple[int, str, str]:
        """Wait for the end; the exit code, everything printed, and standard error."""
        code = self.proc.wait(timeout)
        assert self.pump is not None
        self.pump.join(timeout)
        assert self.proc.stderr is not None
        err = self.proc.stderr.read()
        self.proc.stderr.close()
        return code, "".join(self.chunks), err


def _writer(path: Path, prefix: str, *args: str) -> _Writer:
    proc = subprocess.Popen(
        [sys.executable, str(CRASH_WRITER), str(path), "--prefix", prefix, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    writer = _Writer(proc)

    def pump() -> None:
        assert proc.stdout is not None
        for chunk in proc.stdout:  # lines, the last one possibly cut short by a kill
            writer.chunks.append(chunk)
            writer.started.set()
        writer.started.set()
        proc.stdout.close()

    writer.pump = threading.Thread(target=pump, daemon=True)
    writer.pump.start()
    return writer


def _lines(output: str) -> list[list[str]]:
    """Complete lines only: a line cut short by the kill is not an append that returned."""
    complete = output.split("\n")[:-1]
    return [line.split() for line in complete]


_LEFTOVER = re.compile(r"\.\d{12}-\d{12}\.parquet\.[^/]+\.tmp")


_SEGMENT = re.compile(r"\d{12}-\d{12}\.parquet")


@attrs.define
class _Lane:
    """One log file and what its killed writers reported."""

    path: Path
    durable: list[str] = attrs.Factory(list)  # ids whose append returned (or later found)
    heads: dict[str, str] = attrs.Factory(dict)  # id -> head its append returned
    in_flight: int = 0  # events found written whose append had not yet reported

    def check_after_kill(self, prefix: str, output: str) -> None:
        printed = [(line[1], line[2]) for line in _lines(output) if line[0] == "appended"]
        self.durable += [event_id for event_id, _ in printed]
        self.heads.update(printed)
        if not self.path.exists():
            assert not self.durable
            return
        log = read_log(self.path)
        log.verify()
        ids = [e.id for e in log]
        assert ids[: len(self.durable)] == self.durable
        extra = ids[len(self.durable) :]
        assert extra in ([], [f"{prefix}-{len(printed)}"]), extra  # at most the one in flight
        self.in_flight += len(extra)
        self.durable += extra
        for event_id, head in self.heads.items():
            assert log.by_id(event_id).hash == head
        for other in self.path.iterdir():
            if other.name in ("index.sqlite3", "index.sqlite3-journal"):
                continue
            # a segment (listed, or written but not committed when the kill came: the next
            # writer removes it), or a temporary file
            assert _LEFTOVER.fullmatch(other.name) or _SEGMENT.fullmatch(other.name), other.name


@reliability
def test_a_writer_killed_at_random_moments_never_loses_or_garbles_the_log(tmp_path):
    """Writers on three files at once (to save time), each killed with SIGKILL at a random
    moment, again and again; after each kill the file holds exactly the appends that
    returned, plus at most the one in flight, and verifies."""
    rng = random.Random(5)
    lanes = [_Lane(tmp_path / f"lane{k}" / "log.parquet") for k in range(3)]
    for lane in lanes:
        lane.path.parent.mkdir()
    kills = 0
    for run in range(KILLS):
        batch = lanes[: min(len(lanes), KILLS - kills)]
        if not batch:
            break
        procs = [(lane, f"k{run}", _writer(lane.path, f"k{run}")) for lane in batch]
        for _, _, proc in procs:
            proc.wait_ready()
        started = time.monotonic()
        for delay, k in sorted((rng.uniform(0, 0.25), k) for k in range(len(procs))):
            time.sleep(max(0.0, started + delay - time.monotonic()))
            procs[k][2].proc.kill()  # SIGKILL
        for lane, prefix, proc in procs:
            _, output, _ = proc.finish(60)
            lane.check_after_kill(prefix, output)
        kills += len(batch)
    # and after all that, every log takes appends as before
    for lane in lanes:
        code, _, err = _writer(lane.path, "after", "--count", "2").finish(120)
        assert code == 0, err
        log = read_log(lane.path)
        log.verify()
        assert [e.id for e in log] == [*lane.durable, "after-0", "after-1"]
    durable = sum(len(lane.durable) for lane in lanes)
    in_flight = sum(lane.in_flight for lane in lanes)
    leftovers = sum(1 for lane in lanes for p in lane.path.iterdir() if _LEFTOVER.fullmatch(p.name))
    print(
        f"\n{kills} kills: {durable} events durable, {in_flight} of them written but not yet "
        f"reported when killed; {leftovers} temporary files left by kills mid-write"
    )


def _run_writers(path: Path, optimistic: bool) -> list[list[list[str]]]:
    go = path.parent / "go"
    extra = ["--optimistic", "--think", "0.02"] if optimistic else []
    procs = [
        _writer(path, f"w{w}", "--count", str(APPENDS), "--go", str(go), *extra)
        for w in range(WRITERS)
    ]
    for proc in procs:
        proc.wait_ready()
    go.touch()
    outputs = []
    for proc in procs:
        code, out, err = proc.finish(300)
        assert code == 0, err
        outputs.append(_lines(out))
    return outputs


@reliability
@pytest.mark.parametrize("optimistic", [True, False], ids=["expected_head", "no_expected_head"])
def test_concurrent_writers_lose_and_duplicate_nothing(tmp_path, optimistic):
    path = tmp_path / "shared.parquet"
    outputs = _run_writers(path, optimistic)
    log = read_log(path)
    log.verify()
    ids = [e.id for e in log]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(f"w{w}-{i}" for w in range(WRITERS) for i in range(APPENDS))
    hashes = {e.hash for e in log}
    conflicts = torn = 0
    for w, lines in enumerate(outputs):
        appended = [line[1] for line in lines if line[0] == "appended"]
        assert appended == [f"w{w}-{i}" for i in range(APPENDS)]  # each writer's own order
        for line in lines:
            if line[0] == "appended":  # the head returned is the hash of the event appended
                assert log.by_id(line[1]).hash == line[2]
            if line[0] == "conflict":  # the loser is told both heads, and both are real
                conflicts += 1
                _, _, expected, actual = line
                assert expected != actual and actual in hashes
                assert expected in hashes or expected == GENESIS
            torn += line[0] == "torn"  # a read outside the lock that failed (bug T)
    print(
        f"\n{WRITERS} writers x {APPENDS} appends, optimistic={optimistic}: "
        f"{conflicts} conflicts, {torn} torn reads"
    )
    assert torn == 0, "a read racing a write must see the old log or the new one"
    if optimistic:
        assert conflicts > 0, "writers racing with a pause between read and append must collide"
    else:
        assert conflicts == 0


@reliability
def test_a_stale_head_is_reported_to_the_loser_and_nothing_is_written(tmp_path):
    path = tmp_path / "mine.parquet"
    alice, bob = LogFolder(path), LogFolder(path)
    seen = alice.append(testing.sample_event("a")).head
    assert bob.read().head == seen
    won = alice.append(testing.sample_event("b"), expected_head=seen).head
    before = {p.name: p.read_bytes() for p in path.iterdir()}
    with pytest.raises(steelbond.errors.ConflictError) as info:
        bob.append(testing.sample_event("c"), expected_head=seen)
    assert (info.value.expected, info.value.actual) == (seen, won)
    assert {p.name: p.read_bytes() for p in path.iterdir()} == before
    bob.append(testing.sample_event("c"), expected_head=bob.read().head)  # the retry
    assert [e.id for e in read_log(path)] == ["a", "b", "c"]


@reliability
def test_a_symlinked_log_path_never_writes_outside_the_folder_named(tmp_path):
    outside = tmp_path / "outside"
    inside = tmp_path / "inside"
    outside.mkdir()
    inside.mkdir()
    write_log(small_log(2), outside / "real.parquet")
    digest = sha(outside / "real.parquet")
    link = inside / "log.parquet"
    link.symlink_to(outside / "real.parquet")
    with pytest.raises(StorageError, match="is a file"):  # a LogFolder is a folder
        LogFolder(link).append(testing.sample_event("new"))
    assert sha(outside / "real.parquet") == digest  # the file outside is untouched
    assert link.is_symlink()
    assert sorted(p.name for p in outside.iterdir()) == ["real.parquet"]
    assert sorted(p.name for p in inside.iterdir()) == ["log.parquet"]


def test_append_to_a_log_file_is_all_or_nothing(tmp_path):
    f = LogFolder(tmp_path / "mine.parquet")
    f.append(testing.sample_event("a"), sources=(testing.sample_source(),))
    with pytest.raises(steelbond.errors.EventError):
        f.append(testing.sample_event("b"), testing.sample_event("a"))
    assert [e.id for e in f.read()] == ["a"]
