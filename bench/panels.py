"""Benchmark: panels and exports, through the public API only.

    python bench/panels.py            # prints a table; exits 1 if a goal is missed

Goals (issue "Research panels"):

- ``steelbond.panel(1990, 2030, by="day")`` (warm, every partner in the log) is faster than
  building the same daily rows with ``steelbond.states_at`` plus pandas;
- ``steelbond.panel(1990, 2030, by="year")`` is faster than ``states_at`` over every day
  plus a pandas group-by taking each year's last day;
- a whole ``steelbond.export`` (every table, CSV, Parquet and Stata) takes under 2 s.

Each time is the median of several runs, after one warm-up run.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import steelbond

RUNS = 7


def median(fn: Callable[[], Any], runs: int = RUNS) -> float:
    fn()  # warm: caches filled, modules imported
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _covered_days() -> np.ndarray:
    version = steelbond.data_version()
    start = max(np.datetime64("1990-01-01"), np.datetime64("1945-08-01"))
    end = min(np.datetime64("2030-12-31"), np.datetime64(version.coverage_end))
    return np.arange(start, end + 1)


def daily_with_pandas() -> pd.DataFrame:
    """The daily rows a researcher would build without panel(): states_at over the covered
    days, the list columns made scalar, the ISAF flag and the codes added."""
    days = _covered_days()
    frame = steelbond.states_at(days).to_pandas()
    frame["op_isaf"] = frame["operations"].map(lambda ops: "ISAF" in list(ops))
    frame["ccode"] = 732
    frame["designation"] = frame["designation"].astype(str)
    return frame.drop(columns=["operations", "summits", "cooperation_areas", "event_ids"])


def yearly_with_pandas() -> pd.DataFrame:
    frame = daily_with_pandas()
    frame["year"] = pd.to_datetime(frame["date"]).dt.year
    return frame.groupby("year").last()


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "export"
        rows = [
            ("panel(1990, 2030, by='day')", median(lambda: steelbond.panel(1990, 2030, by="day"))),
            ("states_at + pandas, daily", median(daily_with_pandas)),
            ("panel(1990, 2030, by='year')", median(lambda: steelbond.panel(1990, 2030))),
            ("states_at + pandas group-by, yearly", median(yearly_with_pandas)),
            ("export (csv, parquet, dta)", median(lambda: steelbond.export(folder), runs=3)),
        ]
    times = dict(rows)
    width = max(len(name) for name, _ in rows)
    print(f"{'measure':<{width}}  median")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1000:8.1f} ms")
    goals = {
        "daily panel faster than states_at + pandas": times["panel(1990, 2030, by='day')"]
        < times["states_at + pandas, daily"],
        "yearly panel faster than states_at + pandas group-by": times[
            "panel(1990, 2030, by='year')"
        ]
        < times["states_at + pandas group-by, yearly"],
        "export under 2 s": times["export (csv, parquet, dta)"] < 2.0,
    }
    for goal, met in goals.items():
        print(f"{'met' if met else 'MISSED'}: {goal}")
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
