"""The **warm** figure: one ``state_at`` in a process that has answered once already.

``steelbond.state_at(day)``, ``day`` an ISO string (and then a ``datetime.date``) drawn from
the coverage; each call timed on its own, median of 20,000. The details time the public
steps a call is made of: ``steelbond.dates.to_day``, ``Timeline.state_at`` and the
``attrs.evolve`` that stamps the day asked on the state.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from typing import Any

from common import Logs, Result, bundled_timeline, log

KEY = "warm"


def figure(args: argparse.Namespace, logs: Logs) -> Result:
    import random

    import steelbond

    steelbond.state_at("2015-06-30")
    tl = bundled_timeline()
    lo, hi = tl.coverage_start.toordinal(), tl.coverage_end.toordinal()
    import datetime as dt

    rng = random.Random(1)
    days = [dt.date.fromordinal(rng.randint(lo, hi)) for _ in range(1000)]
    texts = [d.isoformat() for d in days]
    n = 2000 if args.quick else 20000
    pc = time.perf_counter_ns
    state_at = steelbond.state_at

    def per_call(values: list[Any]) -> list[float]:
        out = []
        for k in range(n):
            v = values[k % len(values)]
            t = pc()
            state_at(v)
            out.append((pc() - t) / 1e9)
        return out

    log(f"warm: {n} single state_at calls")
    gc.collect()
    strings = per_call(texts)
    dates = per_call(days)
    ms, md = statistics.median(strings), statistics.median(dates)
    overhead = statistics.median([(lambda t: pc() - t)(pc()) for _ in range(1000)]) / 1e9
    # Where it goes: the timeline lookup, to_day, bisect, attrs.evolve.
    import attrs

    from steelbond.dates import to_day

    st = tl.states[len(tl.states) // 2]
    import steelbond.api

    parts = {
        "api.replayed(None, None): the cached timeline": lambda: steelbond.api.replayed(None, None),
        "to_day(str)": lambda: to_day("2015-06-30"),
        "Timeline.state_at(str)": lambda: tl.state_at("2015-06-30"),
        "attrs.evolve(state, date=d)": lambda: attrs.evolve(st, date=days[0]),
    }
    breakdown = []
    for name, fn in parts.items():
        reps = 20000
        t = time.perf_counter()
        for _ in range(reps):
            fn()
        breakdown.append(f"{name} {(time.perf_counter() - t) / reps * 1e6:.2f} µs")
    return Result(
        "warm",
        "one `state_at` in a warm process",
        f"{ms * 1e6:.1f} µs",
        "—",
        "under 20 µs median",
        ms < 20e-6,
        [
            f"median of {n} calls with ISO strings {ms * 1e6:.2f} µs, with datetime.date "
            f"{md * 1e6:.2f} µs (timer overhead {overhead * 1e6:.2f} µs included); "
            f"p90 {statistics.quantiles(strings, n=10)[-1] * 1e6:.1f} µs",
            "per part (loop average): " + "; ".join(breakdown),
        ],
        {"median_str": ms, "median_date": md},
    )
