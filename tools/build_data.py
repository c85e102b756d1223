"""Build data/events.parquet from the ledger, deterministically (run from the repo root).

    python tools/build_data.py          # write data/events.parquet (and what ships beside it)
    python tools/build_data.py --check  # fail if data/ is not what the ledger gives
    python tools/build_data.py --release 0.1.0 OUT  # write one release's file, as it shipped

Beside events.parquet go its checksum, its JSON-lines mirror events.jsonl (read by
bundled_log without pyarrow) and timeline.json, every release's timeline already replayed
(read by a cold state_at; see steelbond.snapshot); --check checks all four.

Each release's file as it shipped is kept in tests/data/releases/<release>/events.parquet,
so that a test can load every released file with the current code.
"""

import hashlib
import sys
import tempfile
from pathlib import Path

from steelbond.bundled import TIMELINE_FILE
from steelbond.ledger import read_ledger
from steelbond.snapshot import render as render_timelines
from steelbond.storage import _write as write_log  # the one writer allowed to the bundled file
from steelbond.storage import _write_json_lines as write_json_lines  # likewise

TARGET = Path(__file__).resolve().parents[1] / "data" / "events.parquet"
CHECKSUM = TARGET.with_name(TARGET.name + ".sha256")
MIRROR = TARGET.with_suffix(".jsonl")
TIMELINES = TARGET.with_name(TIMELINE_FILE)


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
            fresh, fresh_mirror = Path(tmp) / TARGET.name, Path(tmp) / MIRROR.name
            write_log(log, fresh)
            write_json_lines(log, fresh_mirror)
            expected = {
                TARGET: fresh.read_bytes(),
                MIRROR: fresh_mirror.read_bytes(),
                TIMELINES: render_timelines(log, MIRROR.name, fresh_mirror.read_bytes()),
            }
        stale = [
            p.name for p, data in expected.items() if not p.is_file() or p.read_bytes() != data
        ]
        if not (CHECKSUM.is_file() and TARGET.is_file()) or (
            CHECKSUM.read_text("ascii") != _checksum_line()
        ):
            stale.append(CHECKSUM.name)
        print(f"data/ is stale: {', '.join(stale)}" if stale else "data/ matches the ledger")
        sys.exit(1 if stale else 0)
    write_log(log, TARGET)
    write_json_lines(log, MIRROR)
    TIMELINES.write_bytes(render_timelines(log, MIRROR.name, MIRROR.read_bytes()))
    CHECKSUM.write_text(_checksum_line(), encoding="ascii")
    from steelbond.bundled import bundled_log, bundled_timeline

    bundled_log.cache_clear()
    bundled_timeline.cache_clear()
    from datapackage import write  # tools/datapackage.py, beside this

    write()
    print(f"wrote {TARGET} ({len(log)} events, head {log.head[:12]})")
