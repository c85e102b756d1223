"""The **append** figure: one event onto a long stored log costs what it costs on an empty one.

``steelbond.LogFolder(path).append(event)`` onto a stored N-event synthetic log (a log folder
made by ``LogFolder.create``) against the same onto stored empty logs, in the same temporary
folder; median of 21 each. "The same cost" is taken as at most 1.5x.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path
from typing import Any

from common import Logs, Result, fmt_all, fmt_bytes, fmt_s, log, median_time, timed

KEY = "append"


def figure(args: argparse.Namespace, logs: Logs) -> Result:
    import synthetic

    import steelbond
    from steelbond.testing import sample_event

    big = logs.full()
    n = len(big)
    folder = Path(tempfile.mkdtemp(prefix="steelbond-bench-"))
    counter = iter(range(10**9))

    def event() -> Any:
        return sample_event(f"bench-append-{next(counter)}")

    def append(lf: Any) -> float:
        return timed(lambda: lf.append(event(), release=synthetic.RELEASE.name))[0]

    runs = 21
    empty = steelbond.EventLog(sources=big.sources, releases=big.releases)
    empties = [append(steelbond.LogFolder.create(folder / f"empty{k}", empty)) for k in range(runs)]
    e_t = statistics.median(empties)
    log(f"append: storing the {n:,}-event log as a LogFolder folder (LogFolder.create)")
    create_t, lf = timed(lambda: steelbond.LogFolder.create(folder / "big", big))
    size = sum(p.stat().st_size for p in (folder / "big").iterdir())
    log(f"append: {runs} appends onto the {n:,}-event log")
    bigs = [append(lf) for _ in range(runs)]
    b_t = statistics.median(bigs)
    # The part of one append that writes: a one-event Parquet file, written atomically
    # (temporary file, fsync, rename) as the append writes its segment.
    one = steelbond.EventLog().append(event())
    seg_t, _ = median_time(lambda: steelbond.write_log(one, folder / "one.parquet"), 21)
    shutil.rmtree(folder)
    ratio = b_t / e_t
    return Result(
        "append",
        f"appending one event to a stored {n:,}-event log",
        f"{fmt_s(b_t)} ({ratio:.2f}x)",
        f"appending to an empty log: {fmt_s(e_t)}",
        "the same cost whatever the size (at most 1.5x)",
        ratio <= 1.5,
        [
            f"median of {runs} each; big runs {fmt_all(bigs)}; empty runs {fmt_all(empties)}",
            f"the stored log is a folder of {fmt_bytes(size)} (zstd Parquet segment and "
            f"SQLite index), stored by LogFolder.create (which verifies first) in "
            f"{fmt_s(create_t)}",
            f"of which writing the one-event segment (`write_log` of a one-event log: "
            f"temporary file, fsync, rename) {fmt_s(seg_t)}; the rest is the index's "
            "transaction (the id checks, the commit and its fsync)",
        ],
        {"big": b_t, "empty": e_t, "ratio": ratio, "create": create_t, "bytes": size},
    )
