"""Append events to a steelbond.LogFolder one at a time, printing each returned head.

A helper for ``tests/test_folder.py``: the tests start it as a real subprocess and kill
it (SIGKILL) at random moments, or start several at once on one file. Every line it prints
is flushed at once, so the lines a killed writer left behind are exactly the appends that
had returned.

Lines on standard output::

    ready <events already in the file>
    appended <event id> <head returned by LogFolder.append>
    conflict <event id> <expected head> <actual head>      (--optimistic only)
    torn <event id>       (--optimistic only: the read before an append failed, see below)
    done

Usage::

    python tools/crash_writer.py PATH --prefix run3 [--count N] [--optimistic]
        [--think SECONDS] [--go FILE] [--seed S]

``--count 0`` (the default) appends until killed. ``--optimistic`` reads the head first and
passes it as ``expected_head``, retrying the same event after a ConflictError (sleeping up
to ``--think`` seconds between the read and the append, to widen the race). A StorageError
from that read (made outside the lock, as any reader's would be) is reported as ``torn`` and
the read retried: the tests count them, as a read racing a write must never tear (bug T in
docs/reliability.rst, since fixed). ``--go`` waits, after printing ``ready``, until that
file exists, so several writers start together.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from steelbond import LogFolder, testing
from steelbond.errors import ConflictError, StorageError


def _warm_up() -> None:
    """Load everything an append uses (pyarrow, Parquet, zstd, SQLite, the converter) before saying
    ready, so that the kills land in appends, not in imports. (Through a file in a
    temporary folder, not a BytesIO: pyarrow 26 can abort at exit after reading Parquet from
    a Python file object.)"""
    from steelbond.storage import read_log

    with tempfile.TemporaryDirectory(prefix="steelbond-warm-up-") as tmp:
        LogFolder(Path(tmp) / "log").append(testing.sample_event("warm-up"))
        read_log(Path(tmp) / "log")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--prefix", required=True, help="event ids are <prefix>-<n>")
    parser.add_argument("--count", type=int, default=0, help="events to append; 0: forever")
    parser.add_argument("--optimistic", action="store_true", help="pass expected_head")
    parser.add_argument("--think", type=float, default=0.0, help="max pause before appending")
    parser.add_argument("--go", type=Path, help="wait for this file before appending")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    rng = random.Random(f"{args.seed}:{args.prefix}")
    _warm_up()
    log_file = LogFolder(args.path)
    print(f"ready {len(log_file.read())}", flush=True)
    if args.go is not None:
        while not args.go.exists():
            time.sleep(0.002)
    sources = (testing.sample_source(),)
    n = 0
    while args.count == 0 or n < args.count:
        event = testing.sample_event(f"{args.prefix}-{n}", date=f"{rng.randint(2002, 2025)}")
        while True:
            if not args.optimistic:
                head = log_file.append(event, sources=sources).head
                break
            try:
                seen = log_file.read().head  # outside the lock, as a user's read would be
            except StorageError:  # a torn read (bug T, fixed): report it, read again
                print(f"torn {event.id}", flush=True)
                continue
            if args.think:
                time.sleep(rng.uniform(0, args.think))
            try:
                head = log_file.append(event, expected_head=seen, sources=sources).head
                break
            except ConflictError as exc:
                print(f"conflict {event.id} {exc.expected} {exc.actual}", flush=True)
        print(f"appended {event.id} {head}", flush=True)
        n += 1
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
