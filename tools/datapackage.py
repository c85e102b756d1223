"""Write the shipped flat tables and their Frictionless Data Package.

    python tools/datapackage.py          # write data/tables/*.csv, codebook.md, datapackage.json
    python tools/datapackage.py --check  # fail if any is out of step with the data

The tables are steelbond.export's (every column a scalar, so `frictionless validate
datapackage.json` checks them row by row), for the whole log; the daily panel is left out
of the repository for its size (`steelbond export DIR` writes it). A test runs --check and
the validator.
"""

import json
import sys
from pathlib import Path

from steelbond.exports import TABLES, codebook, datapackage, flat_csv, tables

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "datapackage.json"
FOLDER = ROOT / "data" / "tables"
SHIPPED = tuple(t for t in TABLES if t != "panel_day")


def files() -> dict[Path, bytes]:
    """Every file this tool writes, with its content."""
    flat = {name: table for name, table in tables().items() if name in SHIPPED}
    out = {FOLDER / f"{name}.csv": flat_csv(table) for name, table in flat.items()}
    out[FOLDER / "codebook.md"] = codebook(flat).encode("utf-8")
    paths = {name: f"data/tables/{name}.csv" for name in flat}
    document = datapackage(flat, paths)
    out[TARGET] = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return out


def render() -> str:
    return files()[TARGET].decode("utf-8")


def write() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for path, content in files().items():
        path.write_bytes(content)


if __name__ == "__main__":
    if "--check" in sys.argv:
        stale = [p.name for p, c in files().items() if not p.is_file() or p.read_bytes() != c]
        print(
            f"stale: {', '.join(stale)}" if stale else "datapackage.json and tables are up to date"
        )
        sys.exit(1 if stale else 0)
    write()
    print(f"wrote {TARGET} and {FOLDER}")
