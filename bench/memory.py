"""The **memory** figure: the peak memory of ``states_at`` against the size of its answer.

In a child process: resident memory before ``states_at`` over N dates, and its peak during
the call (``VmHWM`` after resetting it through ``/proc/self/clear_refs``), against the
output table's ``nbytes``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile

from common import HERE, PY, Logs, Result, fmt_bytes, log

KEY = "memory"

_MEMORY_CHILD = r"""
import gc, json, sys
import numpy as np
sys.path.insert(0, sys.argv[2])
import steelbond
from common import query_days
def status():
    d = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS", "VmHWM")):
                d[line.split(":")[0]] = int(line.split()[1]) * 1024
    return d
n = int(sys.argv[1])
steelbond.states_at(query_days(10))
days = query_days(n)
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


def figure(args: argparse.Namespace, logs: Logs) -> Result:
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
