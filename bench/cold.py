"""The **cold** figure: a fresh process answering one ``state_at``.

``python -c "import steelbond; steelbond.state_at('2015-06-30')"`` against a bare
``python -c`` in which DuckDB counts the rows of the bundled Parquet file; alternated,
median of 11 runs each. A separate child process then times the stages of the cold query
(imports, reading the shipped timeline, the query) for the details.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile

from common import PY, Logs, Result, alternate, child_env, log

KEY = "cold"

_STAGES = r"""
import json, sys, time
t0 = time.perf_counter(); marks = {}
import steelbond
marks["import steelbond"] = time.perf_counter()
import attrs
marks["import attrs"] = time.perf_counter()
import steelbond.api
marks["import steelbond.api and what it imports (state, dates, bundled, errors)"] = (
    time.perf_counter()
)
tl = steelbond.bundled.bundled_timeline(None)
marks["bundled_timeline(): timeline.json read, events.jsonl hashed, decoded"] = (
    time.perf_counter()
)
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


def figure(args: argparse.Namespace, logs: Logs) -> Result:
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
