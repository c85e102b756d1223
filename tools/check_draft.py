"""Check a release being drafted, before releases.toml lists it (run from the repo root).

    python tools/check_draft.py 0.4.0

Copies the ledger to a temporary folder, lists the draft release there (coverage to the
latest release's), and runs the ledger check on the copy, so that events in
ledger/<release>/ can be checked while the bundled data stays as it is.
"""

import shutil
import sys
import tempfile
import tomllib
from pathlib import Path

from steelbond.ledger import check_ledger, default_ledger_dir

if __name__ == "__main__":
    release = sys.argv[1]
    ledger = default_ledger_dir()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "ledger"
        shutil.copytree(ledger, copy)
        releases = tomllib.loads((copy / "releases.toml").read_text("utf-8"))["release"]
        if release not in {r["name"] for r in releases}:
            with (copy / "releases.toml").open("a", encoding="utf-8") as f:
                f.write(
                    f'\n[[release]]\nname = "{release}"\ndate = "2026-12-02"\n'
                    f'coverage_end = "{releases[-1]["coverage_end"]}"\n'
                )
        problems = check_ledger(copy)
    for p in problems:
        print(p)
    print(f"{len(problems)} problem(s)")
    sys.exit(1 if problems else 0)
