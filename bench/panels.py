"""Benchmark: panels and exports, through the public API only.

    python bench/panels.py            # prints a table; exits 1 if a goal is missed

Goals (issue "Research panels"):

- ``steelbond.panel(1990, 2030, by="day")`` (warm, every partner in the log: the four
  Indo-Pacific partners) is faster than building the same daily rows with
  ``steelbond.states_at`` plus pandas, partner by partner;
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


CODES = {"KOR": 732, "JPN": 740, "AUS": 900, "NZL": 920}


def _covered(partner: str) -> np.ndarray:
    """The days 1990-2030 that ``partner``'s sources cover (states_at refuses the others)."""
    table = steelbond.timeline(partner=partner)
    first = max(np.datetime64("1990-01-01"), np.datetime64(table["valid_from"][0].as_py()))
    last = min(np.datetime64("2030-12-31"), np.datetime64(table["valid_to"][-1].as_py()) - 1)
    return np.arange(first, last + 1)


def daily_with_pandas() -> pd.DataFrame:
    """The daily rows a researcher would build without panel(), for every partner:
    states_at over each one's covered days, the list columns made scalar, the ISAF flag and
    the codes added, the partners stacked."""
    frames = []
    for partner, code in CODES.items():
        frame = steelbond.states_at(_covered(partner), partner=partner).to_pandas()
        frame["op_isaf"] = frame["operations"].map(lambda ops: "ISAF" in list(ops))
        frame["partner"], frame["ccode"] = partner, code
        frame["designation"] = frame["designation"].astype(str)
        frames.append(
            frame.drop(columns=["operations", "summits", "cooperation_areas", "event_ids"])
        )
    return pd.concat(frames, ignore_index=True)


def yearly_with_pandas() -> pd.DataFrame:
    frame = daily_with_pandas()
    frame["year"] = pd.to_datetime(frame["date"]).dt.year
    return frame.groupby(["partner", "year"]).last()


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
