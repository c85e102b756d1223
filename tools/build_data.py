"""Build data/events.parquet from the ledger, deterministically (run from the repo root).

    python tools/build_data.py          # write data/events.parquet
    python tools/build_data.py --check  # fail if data/events.parquet is not what the ledger gives
    python tools/build_data.py --release 0.1.0 OUT  # write one release's file, as it shipped

Each release's file as it shipped is kept in tests/data/releases/<release>/events.parquet,
so that a test can load every released file with the current code.
"""

import hashlib
import sys
import tempfile
from pathlib import Path

from steelbond.ledger import read_ledger
from steelbond.storage import _write as write_log  # the one writer allowed to the bundled file
from steelbond.storage import write_json_lines

TARGET = Path(__file__).resolve().parents[1] / "data" / "events.parquet"
CHECKSUM = TARGET.with_name(TARGET.name + ".sha256")
MIRROR = TARGET.with_suffix(".jsonl")


def _checksum_line() -> str:
    """The file's SHA-256 in sha256sum's format, so `sha256sum -c` checks it too."""
    return f"{hashlib.sha256(TARGET.read_bytes()).hexdigest()}  {TARGET.name}\n"


if __name__ == "__main__":
    log = read_ledger()
    log.verify()
    if "--release" in sys.argv:
        at = sys.argv.index("--release")
        release, out = sys.argv[at + 1], Path(sys.argv[at + 2])
        out.parent.mkdir(parents=True, exist_ok=True)
        write_log(log.as_of_release(release), out)
        print(f"wrote {out} (release {release})")
        sys.exit(0)
    if "--check" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "events.parquet"
            write_log(log, fresh)
            same = TARGET.is_file() and fresh.read_bytes() == TARGET.read_bytes()
            write_json_lines(log, Path(tmp) / "events.jsonl")
            mirror = (Path(tmp) / "events.jsonl").read_bytes()
            same = same and MIRROR.is_file() and mirror == MIRROR.read_bytes()
        same = same and CHECKSUM.is_file() and CHECKSUM.read_text("ascii") == _checksum_line()
        print("data/events.parquet matches the ledger" if same else "data/events.parquet is stale")
        sys.exit(0 if same else 1)
    write_log(log, TARGET)
    write_json_lines(log, MIRROR)
    CHECKSUM.write_text(_checksum_line(), encoding="ascii")
    from steelbond.bundled import bundled_log

    bundled_log.cache_clear()
    from datapackage import TARGET as PACKAGE  # tools/datapackage.py, beside this
    from datapackage import render

    PACKAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET} ({len(log)} events, head {log.head[:12]})")
