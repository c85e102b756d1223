"""Build data/events.parquet from the ledger, deterministically (run from the repo root).

    python tools/build_data.py          # write data/events.parquet (and what ships beside it)
    python tools/build_data.py --check  # fail if data/ is not what the ledger gives
    python tools/build_data.py --release 0.1.0 OUT  # write one release's file, as it shipped

Beside events.parquet go its checksum, its JSON-lines mirror events.jsonl (read by
bundled_log without pyarrow) and timeline.json, every release's timeline already replayed
(read by a cold state_at); steelbond.build makes all four, --check compares all four.

Each release's file as it shipped is kept in tests/data/releases/<release>/events.parquet,
so that a test can load every released file with the current code.
"""

import sys
from pathlib import Path

from steelbond.build import data_files
from steelbond.formats import parquet  # unguarded: the one writer of the bundled data
from steelbond.formats.atomic import atomic_write_bytes
from steelbond.ledger import read_ledger

DATA = Path(__file__).resolve().parents[1] / "data"


if __name__ == "__main__":
    log = read_ledger()
    log.verify()
    if "--release" in sys.argv:
        at = sys.argv.index("--release")
        release, out = sys.argv[at + 1], Path(sys.argv[at + 2])
        out.parent.mkdir(parents=True, exist_ok=True)
        parquet.write(log.release(release), out)
        print(f"wrote {out} (release {release})")
        sys.exit(0)
    files = data_files(log)
    if "--check" in sys.argv:
        stale = [
            name
            for name, data in files.items()
            if not (DATA / name).is_file() or (DATA / name).read_bytes() != data
        ]
        print(f"data/ is stale: {', '.join(stale)}" if stale else "data/ matches the ledger")
        sys.exit(1 if stale else 0)
    for name, data in files.items():
        atomic_write_bytes(DATA / name, data)
    from steelbond.bundled import bundled_log, bundled_timeline

    bundled_log.cache_clear()
    bundled_timeline.cache_clear()
    from datapackage import write  # tools/datapackage.py, beside this

    write()
    print(f"wrote {DATA / 'events.parquet'} ({len(log)} events, head {log.head[:12]})")
