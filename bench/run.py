"""steelbond's benchmarks: each figure measured beside its reference, in the same run.

Run from the repository root with the environment steelbond is installed in::

    python bench/run.py            # full sizes (1,000,000 events / dates); ~15-20 minutes
    python bench/run.py --quick    # 10,000 events / dates; a smoke run of a minute or two
    python bench/run.py --only import,warm --json results.json

It prints progress on stderr and, on stdout, a markdown table of figure, measured,
reference, goal and whether the goal is met, followed by the details behind each figure
(breakdowns of the time, extrapolations). Needs numpy, pyarrow, duckdb (steelbond's own
dependencies), pandas and eventsourcing (``pip install pandas eventsourcing``).

Each figure is a module of its own beside this runner, whose docstring says how it is
measured: ``import_cost.py`` (import), ``cold.py``, ``warm.py``, ``states_at.py``,
``memory.py``, ``verify.py``, ``append.py`` and ``replay.py``; ``common.py`` holds what
they share and ``synthetic.py`` builds the synthetic logs. They call steelbond's public API
only.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import Logs, Result, data_sha, fmt_s, log, machine, src_fingerprint, timed  # noqa: E402

FIGURES = {
    "import": "import_cost",
    "cold": "cold",
    "warm": "warm",
    "states_at": "states_at",
    "memory": "memory",
    "verify": "verify",
    "append": "append",
    "replay": "replay",
}
"""Each figure's key (for ``--only``) and the module that measures it, in the order run."""
ORDER = list(FIGURES)


def table(results: list[Result]) -> str:
    lines = ["| figure | measured | reference | goal | met? |", "|---|---|---|---|---|"]
    for r in results:
        met = "yes" if r.met else "no" if r.met is not None else "—"
        lines.append(f"| {r.figure} | {r.measured} | {r.reference} | {r.goal} | {met} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="steelbond's benchmarks")
    parser.add_argument("--quick", action="store_true", help="10,000 events/dates, fewer runs")
    parser.add_argument("--n", type=int, default=None, help="events / dates (default 1,000,000)")
    parser.add_argument("--only", default=None, help=f"comma-separated subset of {','.join(ORDER)}")
    parser.add_argument(
        "--budget",
        type=float,
        default=150.0,
        help="longest single replay run before extrapolating (seconds)",
    )
    parser.add_argument("--json", default=None, help="also write the results to this file")
    args = parser.parse_args(argv)
    if args.n is None:
        args.n = 10_000 if args.quick else 1_000_000
    chosen = ORDER if args.only is None else [k for k in ORDER if k in args.only.split(",")]
    info = machine()
    log("machine: " + "; ".join(f"{k}: {v}" for k, v in info.items()))
    logs = Logs(args.n)
    results = []
    started = time.perf_counter()
    for key in chosen:
        load_before = os.getloadavg()[0]
        figure = importlib.import_module(FIGURES[key]).figure
        t, res = timed(lambda figure=figure: figure(args, logs))
        res.data["bench_seconds"] = t
        res.data["load"] = (load_before, os.getloadavg()[0])
        res.details.append(
            f"figure took {fmt_s(t)}; 1-minute load average {load_before:.2f} before, "
            f"{os.getloadavg()[0]:.2f} after (the machine has {os.cpu_count()} cores)"
        )
        results.append(res)
        verdict = "met" if res.met else "MISSED"
        log(f"{key}: {res.measured} vs {res.reference} -> {verdict} ({t:.0f} s)")
    total = time.perf_counter() - started
    end_src, end_data = src_fingerprint(), data_sha()
    if (end_src, end_data) != (info["src sha256"], info["data sha256"]):
        info["WARNING"] = (
            f"steelbond's source or data changed during the run (now src {end_src}, data "
            f"{end_data}): figures measured at different times may see different code"
        )
    cmd = "python bench/run.py" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
    print(f"# steelbond benchmarks ({'quick' if args.quick else 'full'}, N = {args.n:,})\n")
    print(f"command: `{cmd}`; took {total / 60:.1f} min")
    for k, v in info.items():
        print(f"- {k}: {v}")
    if logs.build_time:
        print(
            f"- synthetic log of {args.n:,} events built in {logs.build_time:.1f} s "
            "(bench/synthetic.py, EventLog.append in one call)"
        )
    print()
    print(table(results))
    print("\n## details\n")
    for r in results:
        print(f"**{r.key}**")
        for d in r.details:
            print(f"- {d}")
        print()
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "machine": info,
                    "n": args.n,
                    "quick": args.quick,
                    "command": cmd,
                    "minutes": total / 60,
                    "results": [r.__dict__ for r in results],
                },
                indent=2,
                default=str,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
