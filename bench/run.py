"""steelbond's benchmarks: each figure measured beside its reference, in the same run.

Run from the repository root with the environment steelbond is installed in::

    python bench/run.py            # full sizes (1,000,000 events / dates); ~15-20 minutes
    python bench/run.py --quick    # 10,000 events / dates; a smoke run of a minute or two
    python bench/run.py --only import,warm --json results.json

It prints progress on stderr and, on stdout, a markdown table of figure, measured,
reference, goal and whether the goal is met, followed by the details behind each figure
(breakdowns of the time, extrapolations). Needs numpy, pyarrow, duckdb (steelbond's own
dependencies), pandas and eventsourcing (``pip install pandas eventsourcing``).

How each figure is measured
---------------------------
import
    ``python -c "import steelbond"`` against ``python -c "pass"``: wall time of the
    subprocess, the two alternated, median of 21 runs each after 2 warm-up runs.
cold
    ``python -c "import steelbond; steelbond.state_at('2015-06-30')"`` against a bare
    ``python -c`` in which DuckDB counts the rows of the bundled Parquet file; alternated,
    median of 11 runs each. A separate child process then times the stages of the cold
    query (imports, reading the log, replay) for the details.
warm
    ``steelbond.state_at(day)`` in a process that has answered once already, ``day`` an
    ISO string drawn from the coverage; each call timed on its own, median of 20,000.
states_at
    ``steelbond.states_at`` over N random dates (NumPy ``datetime64[D]``) against DuckDB's
    ``ASOF JOIN`` of the same dates (an Arrow table) on the same timeline table
    (``steelbond.timeline()``) materialised as an Arrow table, and against pandas'
    ``merge_asof`` of the same dates, the sort of the dates included; all state columns
    in every output; median of 5.
memory
    In a child process: resident memory before ``states_at`` over N dates, and its peak
    during the call (``VmHWM`` after resetting it through ``/proc/self/clear_refs``),
    against the output table's ``nbytes``.
replay
    ``steelbond.replay.replay`` of synthetic logs (bench/synthetic.py, seed 0) of growing
    size until one run would exceed the time budget (``--budget``, default 150 s); the
    rate at N events is then extrapolated with the power law through the two largest
    sizes measured, and labelled so. The reference is the ``eventsourcing`` library's
    replay (``Application.repository.get``: stored events read from its in-memory POPO
    recorder, decoded and folded into an aggregate) of N events carrying the same payload
    (each steelbond event's canonical JSON), measured at N, and also at the largest size
    steelbond was measured at.
append
    ``steelbond.LogFile(path).append(event)`` onto a stored N-event synthetic log (a
    LogFile folder made by ``LogFile.create``) against the same onto stored empty logs, in
    the same temporary folder; median of 21 each. "The same cost" is taken as at most 1.5x.
verify
    ``EventLog.verify()`` of the N-event synthetic log against the same hash chain
    computed with hashlib alone over the same bytes (``sha256(prev_hash) + canonical
    bytes`` per event, the bytes encoded beforehand); median of 3.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PY = sys.executable


@dataclass
class Result:
    key: str
    figure: str
    measured: str
    reference: str
    goal: str
    met: bool | None
    details: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def fmt_s(seconds: float) -> str:
    if seconds >= 100:
        return f"{seconds:,.0f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} µs"


def fmt_all(times: list[float]) -> str:
    return ", ".join(fmt_s(t) for t in times)


def fmt_rate(rate: float) -> str:
    return f"{rate:,.0f} events/s"


def fmt_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,.1f} {unit}" if unit != "B" else f"{n:,.0f} B"
        n /= 1024
    raise AssertionError


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, list[float]]:
    times = [timed(fn)[0] for _ in range(runs)]
    return statistics.median(times), times


_PYCACHE = tempfile.mkdtemp(prefix="steelbond-bench-pycache-")
atexit.register(shutil.rmtree, _PYCACHE, ignore_errors=True)


def child_env(bytecode: bool = True) -> dict[str, str]:
    """The environment of the child processes.

    With ``bytecode`` (the default), Python caches compiled modules as an installed package
    does, under a temporary ``PYTHONPYCACHEPREFIX`` (the source tree is left alone), even
    where the machine sets ``PYTHONDONTWRITEBYTECODE``; without it, the machine's own
    environment, unchanged.
    """
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = _PYCACHE
    return env


def run_py(code: str, bytecode: bool = True) -> float:
    """Wall time of ``python -c code`` in a fresh process."""
    env = child_env(bytecode)
    t = time.perf_counter()
    subprocess.run(
        [PY, "-c", code],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=tempfile.gettempdir(),
        env=env,
    )
    return time.perf_counter() - t


def alternate(
    codes: list[str], runs: int, warmup: int = 2, bytecode: bool = True
) -> list[list[float]]:
    for _ in range(warmup):
        for code in codes:
            run_py(code, bytecode)
    out: list[list[float]] = [[] for _ in codes]
    for _ in range(runs):
        for i, code in enumerate(codes):
            out[i].append(run_py(code, bytecode))
    return out


# --- machine ------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    import steelbond

    # the package measured, not whatever metadata an (editable) install left behind
    versions = {"steelbond": steelbond.__version__}
    for name in (
        "numpy",
        "pyarrow",
        "duckdb",
        "pandas",
        "eventsourcing",
        "attrs",
        "cattrs",
    ):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:
            versions[name] = "missing"
    return {
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "memory": mem,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "versions": ", ".join(f"{k} {v}" for k, v in versions.items()),
        "src sha256": src_fingerprint(),
        "data sha256": _data_sha(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def src_fingerprint() -> str:
    """SHA-256 (first 16 hex digits) over steelbond's source files, to name the code measured."""
    src = Path(__import__("steelbond").__file__).parent
    digest = hashlib.sha256()
    for p in sorted(src.glob("*.py")):
        digest.update(p.name.encode() + b"\0" + p.read_bytes())
    return digest.hexdigest()[:16]


def _data_sha() -> str:
    try:
        import steelbond.bundled

        return hashlib.sha256(steelbond.bundled.bundled_path().read_bytes()).hexdigest()[:16]
    except Exception as exc:
        return f"unavailable ({exc})"


# --- figures ------------------------------------------------------------------------------


def fig_import(args: argparse.Namespace) -> Result:
    runs = 7 if args.quick else 21
    log(f"import: {runs} runs each of `python -c pass` and `python -c 'import steelbond'`")
    bare, imp = alternate(["pass", "import steelbond"], runs)
    b, i = statistics.median(bare), statistics.median(imp)
    extra = i - b
    env_bare, env_imp = alternate(["pass", "import steelbond"], max(3, runs // 2), bytecode=False)
    env_extra = statistics.median(env_imp) - statistics.median(env_bare)
    return Result(
        "import",
        '`python -c "import steelbond"`',
        f"+{extra * 1e3:.1f} ms ({i * 1e3:.1f} ms)",
        f'`python -c "pass"`: {b * 1e3:.1f} ms',
        "at most +40 ms",
        extra <= 0.040,
        [
            f"median of {runs} runs each, alternated; steelbond min {min(imp) * 1e3:.1f} ms, "
            f"bare min {min(bare) * 1e3:.1f} ms; compiled modules cached (see cold)",
            f"with this machine's environment as it is (no bytecode cache for steelbond's "
            f"source): +{env_extra * 1e3:.1f} ms",
        ],
        {"bare": b, "import": i, "extra": extra},
    )


_STAGES = r"""
import json, sys, time
t0 = time.perf_counter(); marks = {}
import steelbond
marks["import steelbond"] = time.perf_counter()
import attrs
marks["import attrs"] = time.perf_counter()
import steelbond.api
marks["import steelbond.api and what it imports (state, snapshot, dates, bundled)"] = (
    time.perf_counter()
)
tl = steelbond.bundled.bundled_timeline(None)
marks["bundled_timeline(): read timeline.json, hash events.jsonl, decode"] = time.perf_counter()
steelbond.state_at("2015-06-30")
marks["state_at, first call"] = time.perf_counter()
heavy = [m for m in ("cattrs", "steelbond.kinds", "pyarrow", "numpy") if m in sys.modules]
prev = t0; out = []
for k, v in marks.items():
    out.append((k, v - prev)); prev = v
out.append(("modules not imported: " + ", ".join(
    m for m in ("cattrs", "steelbond.kinds", "pyarrow", "numpy") if m not in heavy), 0.0))
# the path it replaced, warm (the second time round)
t = time.perf_counter(); log = steelbond.bundled.bundled_log()
out.append(("for comparison, bundled_log() (events.jsonl, cattrs)", time.perf_counter() - t))
t = time.perf_counter(); steelbond.replay.replay(log)
out.append(("and replay(log)", time.perf_counter() - t))
print(json.dumps(out))
"""


def fig_cold(args: argparse.Namespace) -> Result:
    import steelbond.bundled

    runs = 5 if args.quick else 11
    parquet = str(steelbond.bundled.bundled_path())
    sb = "import steelbond; steelbond.state_at('2015-06-30')"
    ref = (
        f"import duckdb; duckdb.sql(\"SELECT count(*) FROM read_parquet('{parquet}')\").fetchall()"
    )
    log(f"cold: {runs} runs each of a cold state query and a cold DuckDB row count")
    floor = "import attrs, json"
    # What reading the Parquet log would import: the path the shipped timeline avoids.
    pa_floor = "import numpy, pyarrow.parquet, attrs, cattrs"
    s_times, r_times, bare_times, fl_times, pf_times = alternate(
        [sb, ref, "pass", floor, pa_floor], runs
    )
    s, r, bare, fl, pf = (
        statistics.median(x) for x in (s_times, r_times, bare_times, fl_times, pf_times)
    )
    env_sb, env_ref = alternate([sb, ref], max(3, runs // 2), bytecode=False)
    env_s, env_r = statistics.median(env_sb), statistics.median(env_ref)
    ratio = s / r
    details = [
        f"median of {runs} runs each, alternated; bare `python -c pass` {bare * 1e3:.1f} ms, "
        f"so {1e3 * (s - bare):.0f} ms of steelbond work against {1e3 * (r - bare):.0f} ms "
        "of DuckDB's",
        f"reference: `{ref}`",
        "for comparison, only importing what reading the Parquet log needs "
        f'(`python -c "{pa_floor}"`): '
        f"{pf * 1e3:.0f} ms ({pf / r:.2f}x)",
        f'floor of a path needing only attrs and the standard library (`python -c "{floor}"`): '
        f"{fl * 1e3:.0f} ms ({fl / r:.2f}x)",
        f"all of the above with compiled modules cached (PYTHONPYCACHEPREFIX in a temporary "
        f"folder), as an installed package has them; with this machine's environment as it "
        f"is (PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', 'unset')}, "
        f"so steelbond's own modules compile at every start): steelbond {env_s * 1e3:.0f} ms, "
        f"DuckDB {env_r * 1e3:.0f} ms ({env_s / env_r:.2f}x)",
    ]
    # Where the cold query's time goes (one child process; each stage once, in order).
    out = subprocess.run(
        [PY, "-c", _STAGES],
        check=True,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
        env=child_env(),
    )
    stages = json.loads(out.stdout)
    details.append(
        "stages of a cold query, timed in one child process: "
        + "; ".join(f"{k} {v * 1e3:.1f} ms" for k, v in stages)
    )
    return Result(
        "cold",
        "cold process answering one `state_at`",
        f"{s * 1e3:.0f} ms ({ratio:.2f}x)",
        f"DuckDB counting the bundled Parquet's rows: {r * 1e3:.0f} ms",
        "at most 0.75x",
        ratio <= 0.75,
        details,
        {
            "steelbond": s,
            "duckdb": r,
            "bare": bare,
            "ratio": ratio,
            "stages": stages,
            "attrs_json_floor": fl,
            "parquet_import_floor": pf,
            "machine_env": [env_s, env_r],
        },
    )


def fig_warm(args: argparse.Namespace) -> Result:
    import random

    import steelbond
    import steelbond.api

    steelbond.state_at("2015-06-30")
    tl = _bundled_timeline()
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
    parts = {
        "api.replayed lookup": lambda: steelbond.api.replayed(None, None),
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


def _bundled_timeline() -> Any:
    """The bundled data's timeline (replayed once per process, as the api caches it)."""
    import steelbond
    import steelbond.replay

    global _TIMELINE
    if _TIMELINE is None:
        _TIMELINE = steelbond.replay.replay(steelbond.bundled_log())
    return _TIMELINE


_TIMELINE: Any = None


def _query_days(n: int, seed: int = 2) -> Any:
    import numpy as np

    tl = _bundled_timeline()
    epoch = np.datetime64("1970-01-01", "D")
    lo = (np.datetime64(tl.coverage_start, "D") - epoch).astype(int)
    hi = (np.datetime64(tl.coverage_end, "D") - epoch).astype(int)
    rng = np.random.default_rng(seed)
    return rng.integers(lo, hi + 1, n).astype("datetime64[D]")


def fig_states_at(args: argparse.Namespace) -> Result:
    import duckdb
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    import steelbond

    n = args.n
    runs = 5
    days = _query_days(n)
    table = steelbond.timeline()
    steelbond.states_at(days[:10])  # warm: timeline replayed and cached

    log(f"states_at: {n:,} dates, steelbond / DuckDB ASOF JOIN / pandas merge_asof, {runs} runs")
    steelbond.states_at(days)  # one untimed call each first
    sb_t, sb_all = median_time(lambda: steelbond.states_at(days), runs)
    result = steelbond.states_at(days)

    con = duckdb.connect()
    con.register("q", pa.table({"date": pa.array(days)}))
    con.register("tl", table)
    query = "SELECT q.date, tl.* FROM q ASOF JOIN tl ON q.date >= tl.valid_from"
    con.sql(query).to_arrow_table()
    db_t, db_all = median_time(lambda: con.sql(query).to_arrow_table(), runs)
    db = con.sql(query).to_arrow_table()

    tl_df = table.to_pandas(date_as_object=False)
    q_df = pd.DataFrame({"date": days.astype(tl_df["valid_from"].dtype)})

    def pandas_asof() -> Any:
        return pd.merge_asof(q_df.sort_values("date"), tl_df, left_on="date", right_on="valid_from")

    pandas_asof()
    pd_t, pd_all = median_time(pandas_asof, runs)
    pdf = pandas_asof()

    # The three agree (order-free check on two columns; pandas' output is sorted by date).
    def counts(values: Any) -> dict[Any, int]:
        u, c = np.unique(np.asarray(values, dtype=object).astype(str), return_counts=True)
        return dict(zip(u.tolist(), c.tolist(), strict=True))

    agree = (
        counts(result["designation"].to_numpy(zero_copy_only=False))
        == counts(db["designation"].to_numpy(zero_copy_only=False))
        == counts(pdf["designation"].to_numpy())
    )
    agree = agree and result.num_rows == db.num_rows == len(pdf) == n
    faster = sb_t < db_t and sb_t < pd_t
    # Where steelbond's time goes.
    import steelbond.tables as tables
    from steelbond.dates import day_numbers

    tl = _bundled_timeline()
    parts = {}
    parts["day_numbers (input to day numbers)"] = median_time(lambda: day_numbers(days), 3)[0]
    parts["timeline_table (rebuilt per call)"] = median_time(lambda: tables.timeline_table(tl), 3)[
        0
    ]
    tt = tables.timeline_table(tl)
    wanted = day_numbers(days)
    starts = np.array([(d - tables._EPOCH).days for d in tl.starts], dtype=np.int32)
    idx = pa.array(np.searchsorted(starts, wanted, side="right") - 1)
    parts["np.searchsorted"] = median_time(
        lambda: np.searchsorted(starts, wanted, side="right"), 3
    )[0]
    lists = [c for c in tt.column_names if pa.types.is_list(tt.schema.field(c).type)]
    parts[f"Table.take of the {len(lists)} list columns, one after another"] = median_time(
        lambda: tt.select(lists).take(idx), 3
    )[0]
    parts[f"Table.take of the other {tt.num_columns - len(lists)} columns, likewise"] = median_time(
        lambda: tt.drop_columns(lists).take(idx), 3
    )[0]

    # What-if (a prototype here, not steelbond's code): the same answer with every state
    # column dictionary-encoded over the timeline's own column, indices = the interval.
    def dictionary_states() -> Any:
        w = day_numbers(days)
        index = pa.array((np.searchsorted(starts, w, side="right") - 1).astype(np.int32))
        t = tables.timeline_table(tl)
        cols = [pa.array(w, pa.int32()).cast(pa.date32())]
        cols += [pa.DictionaryArray.from_arrays(index, c.combine_chunks()) for c in t.columns]
        return pa.Table.from_arrays(cols, names=["date", *t.column_names])

    dictionary_states()
    dict_t, _ = median_time(dictionary_states, runs)
    dict_out = dictionary_states()
    same = dict_out.slice(0, 1000).to_pylist() == result.slice(0, 1000).to_pylist()
    return Result(
        "states_at",
        f"`states_at` for {n:,} random dates, all state fields",
        fmt_s(sb_t),
        f"DuckDB ASOF JOIN {fmt_s(db_t)}; pandas merge_asof with sort {fmt_s(pd_t)}",
        "faster than both",
        faster,
        [
            f"median of {runs} after one untimed call each; steelbond runs {fmt_all(sb_all)}; "
            f"DuckDB {fmt_all(db_all)}; pandas {fmt_all(pd_all)}",
            f"timeline of {table.num_rows} intervals; output {fmt_bytes(result.nbytes)} "
            f"(steelbond), {fmt_bytes(db.nbytes)} (DuckDB); results agree: {agree}",
            "steelbond's time by part: " + "; ".join(f"{k} {fmt_s(v)}" for k, v in parts.items()),
            f"what-if prototype (bench code, not steelbond's): every state column as a dictionary "
            f"array over the timeline's column, indexed by interval: {fmt_s(dict_t)}, output "
            f"{fmt_bytes(dict_out.nbytes)}, same values on the first 1,000 rows: {same}",
        ],
        {
            "steelbond": sb_t,
            "dictionary_prototype": dict_t,
            "duckdb": db_t,
            "pandas": pd_t,
            "agree": agree,
            "out_bytes": result.nbytes,
            "parts": parts,
        },
    )


_MEMORY_CHILD = r"""
import gc, json, sys
import numpy as np
sys.path.insert(0, sys.argv[2])
import steelbond
from run import _query_days
def status():
    d = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS", "VmHWM")):
                d[line.split(":")[0]] = int(line.split()[1]) * 1024
    return d
n = int(sys.argv[1])
steelbond.states_at(_query_days(10))
days = _query_days(n)
gc.collect()
before = status()["VmRSS"]
how = "VmHWM"
try:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
except OSError:
    how = "ru_maxrss"
    import resource
    before_max = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
out = steelbond.states_at(days)
if how == "VmHWM":
    peak = status()["VmHWM"]
else:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    before = max(before, before_max)
import pyarrow as pa
print(json.dumps({"before": before, "peak": peak, "how": how, "nbytes": out.nbytes,
                  "buffers": out.get_total_buffer_size(), "days_bytes": days.nbytes,
                  "rows": out.num_rows}))
"""


def fig_memory(args: argparse.Namespace) -> Result:
    n = args.n
    log(f"memory: peak of states_at over {n:,} dates in a child process")
    res = subprocess.run(
        [PY, "-c", _MEMORY_CHILD, str(n), str(HERE)],
        check=True,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    )
    d = json.loads(res.stdout)
    extra = d["peak"] - d["before"]
    ratio = extra / d["nbytes"]
    return Result(
        "memory",
        f"peak memory of `states_at` over {n:,} dates",
        f"{fmt_bytes(extra)} ({ratio:.2f}x)",
        f"output table: {fmt_bytes(d['nbytes'])}",
        "within 3x",
        ratio <= 3,
        [
            f"peak resident memory during the call less resident memory before it "
            f"({d['how']}); before {fmt_bytes(d['before'])}, peak {fmt_bytes(d['peak'])}; "
            f"the input dates take {fmt_bytes(d['days_bytes'])}; output rows {d['rows']:,}, "
            f"{fmt_bytes(d['nbytes'] / d['rows'])} per row"
        ],
        d | {"extra": extra, "ratio": ratio},
    )


# --- figures on synthetic logs --------------------------------------------------------------


class Logs:
    """The synthetic log of N events, built once (prefixes of it serve smaller sizes)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._log: Any = None
        self.build_time = 0.0

    def full(self) -> Any:
        if self._log is None:
            import synthetic

            log(f"synthetic: generating {self.n:,} events (EventLog.append, seed 0)")
            self.build_time, self._log = timed(lambda: synthetic.generate(self.n, seed=0))
            log(f"synthetic: {self.n:,} events in {self.build_time:.1f} s")
        return self._log

    def prefix(self, n: int) -> Any:
        from steelbond import EventLog

        full = self.full()
        if n >= len(full):
            return full
        return EventLog.from_events(full[:n], full.sources, full.releases)

    def drop(self) -> None:
        self._log = None
        gc.collect()


def fig_verify(args: argparse.Namespace, logs: Logs) -> Result:
    from steelbond.converter import canonical_bytes
    from steelbond.log import GENESIS

    big = logs.full()
    n = len(big)
    runs = 3
    log(f"verify: encoding {n:,} events' canonical bytes for the reference")
    enc_t, blobs = timed(lambda: [canonical_bytes(e) for e in big])
    sha256 = hashlib.sha256

    def chain() -> str:
        prev = GENESIS
        for b in blobs:
            h = sha256(prev.encode("ascii"))
            h.update(b)
            prev = h.hexdigest()
        return prev

    assert chain() == big.head, "reference chain differs from the log's"
    log(f"verify: {runs} runs of EventLog.verify() and of the hashlib chain")
    ref_t, _ = median_time(chain, runs)
    v_t, v_all = median_time(big.verify, runs)
    total = sum(len(b) for b in blobs)
    joined = b"".join(blobs)
    one_t, _ = median_time(lambda: sha256(joined).hexdigest(), 3)
    ratio = v_t / ref_t
    return Result(
        "verify",
        f"`verify()` of a {n:,}-event log",
        f"{fmt_s(v_t)} ({ratio:.1f}x)",
        f"hashlib chain over the same bytes: {fmt_s(ref_t)}",
        "within 2x",
        ratio <= 2,
        [
            f"median of {runs}; verify runs {', '.join(fmt_s(t) for t in v_all)}",
            f"the canonical bytes: {fmt_bytes(total)}, {total / n:.0f} B per event; encoding them "
            f"(canonical_bytes for every event) alone takes {fmt_s(enc_t)}, "
            f"{enc_t / v_t:.0%} of verify; one sha256 over all of them at once {fmt_s(one_t)}",
        ],
        {"verify": v_t, "hashlib": ref_t, "encode": enc_t, "ratio": ratio, "bytes": total},
    )


def fig_append(args: argparse.Namespace, logs: Logs) -> Result:
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
    empties = [append(steelbond.LogFile.create(folder / f"empty{k}", empty)) for k in range(runs)]
    e_t = statistics.median(empties)
    log(f"append: storing the {n:,}-event log as a LogFile folder (LogFile.create)")
    create_t, lf = timed(lambda: steelbond.LogFile.create(folder / "big", big))
    size = sum(p.stat().st_size for p in (folder / "big").iterdir())
    log(f"append: {runs} appends onto the {n:,}-event log")
    bigs = [append(lf) for _ in range(runs)]
    b_t = statistics.median(bigs)
    # The parts of one append to the big log.
    import sqlite3

    import pyarrow.parquet as pq

    from steelbond.storage import log_to_table

    con = sqlite3.connect(folder / "big" / "index.sqlite3")
    lookup_t, _ = median_time(
        lambda: con.execute("SELECT 1 FROM ids WHERE id = ?", ("nope",)).fetchone(), 101
    )
    con.close()
    one = steelbond.EventLog().append(event())
    seg_t, _ = median_time(lambda: pq.write_table(log_to_table(one), folder / "one.parquet"), 21)
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
            f"SQLite index), stored by LogFile.create (which verifies first) in "
            f"{fmt_s(create_t)}",
            f"parts: one id lookup in the index {lookup_t * 1e6:.0f} µs; writing a one-event "
            f"segment without fsync {fmt_s(seg_t)}; the rest is two fsyncs (segment, index)",
        ],
        {"big": b_t, "empty": e_t, "ratio": ratio, "create": create_t, "bytes": size},
    )


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


def fig_replay(args: argparse.Namespace, logs: Logs) -> Result:
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


# --- main ---------------------------------------------------------------------------------

ORDER = ["import", "cold", "warm", "states_at", "memory", "verify", "append", "replay"]


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
    funcs: dict[str, Callable[[], Result]] = {
        "import": lambda: fig_import(args),
        "cold": lambda: fig_cold(args),
        "warm": lambda: fig_warm(args),
        "states_at": lambda: fig_states_at(args),
        "memory": lambda: fig_memory(args),
        "verify": lambda: fig_verify(args, logs),
        "append": lambda: fig_append(args, logs),
        "replay": lambda: fig_replay(args, logs),
    }
    results = []
    started = time.perf_counter()
    for key in chosen:
        load_before = os.getloadavg()[0]
        t, res = timed(funcs[key])
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
    end_src, end_data = src_fingerprint(), _data_sha()
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
