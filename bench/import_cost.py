"""The **import** figure: what ``import steelbond`` adds to a Python process.

``python -c "import steelbond"`` against ``python -c "pass"``: wall time of the subprocess,
the two alternated, median of 21 runs each after 2 warm-up runs.
"""

from __future__ import annotations

import argparse
import statistics

from common import Logs, Result, alternate, log

KEY = "import"


def figure(args: argparse.Namespace, logs: Logs) -> Result:
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
