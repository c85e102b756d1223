"""What every figure shares: the result record, timing, child processes, the machine's
description, the bundled timeline and query dates, and the synthetic logs."""

from __future__ import annotations

import atexit
import gc
import hashlib
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
        "data sha256": data_sha(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def src_fingerprint() -> str:
    """SHA-256 (first 16 hex digits) over steelbond's source files, subpackages included, to
    name the code measured."""
    src = Path(__import__("steelbond").__file__).parent
    digest = hashlib.sha256()
    for p in sorted(src.rglob("*.py")):
        digest.update(p.relative_to(src).as_posix().encode() + b"\0" + p.read_bytes())
    return digest.hexdigest()[:16]


def data_sha() -> str:
    try:
        import steelbond.bundled

        return hashlib.sha256(steelbond.bundled.bundled_path().read_bytes()).hexdigest()[:16]
    except Exception as exc:
        return f"unavailable ({exc})"


_TIMELINE: Any = None


def bundled_timeline() -> Any:
    """The bundled data's timeline, replayed once per process (``steelbond.replay.replay``)."""
    import steelbond
    import steelbond.replay

    global _TIMELINE
    if _TIMELINE is None:
        _TIMELINE = steelbond.replay.replay(steelbond.bundled_log())
    return _TIMELINE


def query_days(n: int, seed: int = 2) -> Any:
    """``n`` random days of the bundled timeline's coverage, as NumPy ``datetime64[D]``."""
    import numpy as np

    tl = bundled_timeline()
    epoch = np.datetime64("1970-01-01", "D")
    lo = (np.datetime64(tl.coverage_start, "D") - epoch).astype(int)
    hi = (np.datetime64(tl.coverage_end, "D") - epoch).astype(int)
    rng = np.random.default_rng(seed)
    return rng.integers(lo, hi + 1, n).astype("datetime64[D]")


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
