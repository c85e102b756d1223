"""The **replay** figure: folding a long log into its timeline, against eventsourcing's replay.

``steelbond.replay.replay`` of synthetic logs (bench/synthetic.py, seed 0) of growing size
until one run would exceed the time budget (``--budget``, default 150 s); the rate at N
events is then extrapolated with the power law through the two largest sizes measured, and
labelled so. The reference is the ``eventsourcing`` library's replay
(``Application.repository.get``: stored events read from its in-memory POPO recorder,
decoded and folded into an aggregate) of N events carrying the same payload (each
steelbond event's canonical JSON), measured at N, and also at the largest size steelbond
was measured at.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from pathlib import Path
from typing import Any

from common import Logs, Result, fmt_rate, fmt_s, log, timed

KEY = "replay"

# --- the eventsourcing reference's aggregate (module level: its topics must resolve) -------

try:
    from eventsourcing.domain import Aggregate as _ESAggregate
    from eventsourcing.domain import event as _es_event
except ImportError:  # pragma: no cover - only the replay figure needs it
    _ESAggregate = None

if _ESAggregate is not None:

    class Relationship(_ESAggregate):  # type: ignore[misc,valid-type]
        """A fold like steelbond's: designation, programme, operations, counts, sums and
        the ids behind each field, one event at a time."""

        def __init__(self) -> None:
            self.designation = "none"
            self.programme: str | None = None
            self.mission = False
            self.operations: list[str] = []
            self.summits = 0
            self.ministerials = 0
            self.areas: list[str] = []
            self.trust_fund = 0.0
            self.arms_deals = 0
            self.basis: dict[str, list[str]] = {}

        @_es_event("Recorded")
        def record(self, row: dict[str, Any]) -> None:
            kind = row["kind"]
            if kind == "designation":
                self.designation = row["designation"]
            elif kind == "programme_signed":
                self.programme = row["programme"]
            elif kind == "mission_opened":
                self.mission = True
            elif kind == "operation_joined":
                if row["operation"] not in self.operations:
                    self.operations.append(row["operation"])
            elif kind == "operation_left":
                if row["operation"] in self.operations:
                    self.operations.remove(row["operation"])
            elif kind == "summit_attended":
                self.summits += 1
            elif kind == "ministerial_meeting":
                self.ministerials += 1
            elif kind == "cooperation":
                if row["area"] not in self.areas:
                    self.areas.append(row["area"])
            elif kind == "contribution":
                self.trust_fund += row.get("amount_usd", 0.0)
            elif kind == "arms_deal":
                self.arms_deals += 1
            else:
                return
            self.basis.setdefault(kind, []).append(row["id"])


def _es_payloads(events: Any) -> list[dict[str, Any]]:
    from steelbond.converter import canonical_bytes

    out = []
    for e in events:
        row = json.loads(canonical_bytes(e))
        out.append(row)
    return out


def _es_measure(payloads: list[dict[str, Any]]) -> tuple[float, float]:
    """(seconds to replay, seconds to record and save) of len(payloads) events."""
    from eventsourcing.application import Application

    app = Application()
    agg = Relationship()
    t = time.perf_counter()
    for row in payloads[: len(payloads) - 1]:  # with the "Created" event, N events in all
        agg.record(row)
    app.save(agg)
    save_t = time.perf_counter() - t
    agg_id = agg.id
    version = agg.version
    del agg
    gc.collect()
    t = time.perf_counter()
    got = app.repository.get(agg_id)
    replay_t = time.perf_counter() - t
    assert got.version == version == len(payloads), (got.version, version, len(payloads))
    del app, got
    gc.collect()
    return replay_t, save_t


def figure(args: argparse.Namespace, logs: Logs) -> Result:
    import math

    from steelbond.replay import replay

    n = logs.n
    budget = args.budget
    ladder = [
        s for s in (1_000, 3_000, 10_000, 30_000, 60_000, 100_000, 300_000, 1_000_000) if s <= n
    ]
    if n not in ladder:
        ladder.append(n)
    measured: list[tuple[int, float, int]] = []
    for size in ladder:
        if len(measured) >= 2:
            (n1, t1, _), (n2, t2, _) = measured[-2], measured[-1]
            k = math.log(t2 / t1) / math.log(n2 / n1)
            predicted = t2 * (size / n2) ** k
            if predicted > budget:
                log(
                    f"replay: {size:,} events would take ~{predicted:,.0f} s > budget "
                    f"{budget:.0f} s; stopping at {n2:,}"
                )
                break
        sub = logs.prefix(size)
        gc.collect()
        t, tl = timed(lambda sub=sub: replay(sub))
        measured.append((size, t, len(tl.starts)))
        log(f"replay: {size:,} events in {t:.2f} s ({len(tl.starts):,} intervals)")
        del tl
    largest, t_largest, _ = measured[-1]
    extrapolated = largest < n
    if extrapolated:
        (n1, t1, _), (n2, t2, _) = measured[-2], measured[-1]
        k = math.log(t2 / t1) / math.log(n2 / n1)
        sb_t = t2 * (n / n2) ** k
        how = (
            f"EXTRAPOLATED to {n:,} from {n1:,} and {n2:,} events: time grows as "
            f"n^{k:.2f}, so {n:,} events would take ~{fmt_s(sb_t)} "
            f"(~{n / sb_t:,.0f} events/s); even if it grew only linearly beyond {n2:,}, "
            f"{fmt_s(t2 * n / n2)} (~{n2 / t2:,.0f} events/s)"
        )
    else:
        sb_t = t_largest
        how = f"measured at {n:,} events"
    sb_rate = n / sb_t

    # Profile of the largest measured size: how much is the `pending` scan.
    import cProfile
    import pstats

    prof_size = min(largest, 10_000)
    prof = cProfile.Profile()
    sub = logs.prefix(prof_size)
    prof.runcall(replay, sub)
    stats = pstats.Stats(prof)
    total = stats.total_tt  # type: ignore[attr-defined]
    top = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:4]  # type: ignore[attr-defined]
    top_txt = "; ".join(
        f"{Path(f).name}:{line} {fn} {tt / total:.0%}" for (f, line, fn), (_, _, tt, _, _) in top
    )

    log(f"replay: eventsourcing payloads for {n:,} events")
    full = logs.full()
    payloads = _es_payloads(full)
    sizes = sorted({largest, n}) if extrapolated else [n]
    es: dict[int, tuple[float, float]] = {}
    for size in sizes:
        log(f"replay: eventsourcing, {size:,} events")
        es[size] = _es_measure(payloads[:size])
        log(
            f"replay: eventsourcing replayed {size:,} events in {es[size][0]:.2f} s "
            f"(recorded and saved in {es[size][1]:.1f} s)"
        )
    del payloads
    gc.collect()
    es_rate = n / es[n][0]
    ratio = sb_rate / es_rate
    details = [
        "steelbond replay times: "
        + "; ".join(
            f"{s:,} events {fmt_s(t)} ({s / t:,.0f} events/s, {k:,} intervals)"
            for s, t, k in measured
        ),
        how,
        f"eventsourcing {es_rate:,.0f} events/s at {n:,} events (replay {fmt_s(es[n][0])})",
    ]
    if extrapolated:
        es_small = largest / es[largest][0]
        details.append(
            f"measured side by side at {largest:,} events: steelbond {largest / t_largest:,.0f} "
            f"events/s, eventsourcing {es_small:,.0f} events/s, "
            f"{(largest / t_largest) / es_small:.3f}x"
        )
    details.append(f"profile of replay at {prof_size:,} events, by own time: {top_txt}")
    label = "~" if extrapolated else ""
    return Result(
        "replay",
        f"replay of a synthetic {n:,}-event log to its timeline",
        f"{label}{fmt_rate(sb_rate)} ({label}{ratio:.3g}x)"
        + (" (extrapolated)" if extrapolated else ""),
        f"eventsourcing: {fmt_rate(es_rate)}",
        "at least 20x its rate",
        ratio >= 20,
        details,
        {
            "measured": measured,
            "steelbond_time": sb_t,
            "extrapolated": extrapolated,
            "es": {str(k): v for k, v in es.items()},
            "ratio": ratio,
        },
    )
