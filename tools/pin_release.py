"""Pin a release's event hashes (run from the repo root when a release is made).

    python tools/pin_release.py 0.1.0

Writes ledger/pins/<release>.txt: one line per event of that release, "seq id hash", in log
order. A test rebuilds the ledger and fails if any pinned event changed, moved or vanished.
Refuses to overwrite an existing pin file: released history is never re-pinned.
"""

import sys
from pathlib import Path

from steelbond.ledger import default_ledger_dir, read_ledger

if __name__ == "__main__":
    release = sys.argv[1]
    target = default_ledger_dir() / "pins" / f"{release}.txt"
    if target.exists():
        sys.exit(f"{target} exists; released history is never re-pinned")
    log = read_ledger()
    lines = [f"{e.seq} {e.id} {e.hash}" for e in log if e.release == release]
    if not lines:
        sys.exit(f"no events of release {release!r} in the ledger")
    target.parent.mkdir(exist_ok=True)
    Path(target).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"pinned {len(lines)} events of {release} in {target}")
