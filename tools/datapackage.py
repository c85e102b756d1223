"""Write datapackage.json (Frictionless Data Package) from the code's own Arrow schema.

    python tools/datapackage.py          # write it
    python tools/datapackage.py --check  # fail if it is out of step with the schema

The file describes data/events.parquet: one field per column of steelbond's schema, so it
cannot drift from the code (a test runs --check and the frictionless validator).
"""

import json
import sys
from pathlib import Path

import steelbond
from steelbond.formats.parquet import arrow_schema

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "datapackage.json"


def _field(field) -> dict:
    import pyarrow as pa

    t = field.type
    if pa.types.is_string(t):
        kind = "string"
    elif pa.types.is_int64(t):
        kind = "integer"
    elif pa.types.is_float64(t):
        kind = "number"
    elif pa.types.is_boolean(t):
        kind = "boolean"
    elif pa.types.is_list(t):
        kind = "array"
    elif pa.types.is_struct(t):
        kind = "object"
    else:  # pragma: no cover - a new column type
        raise TypeError(f"no Table Schema type for {t}")
    return {"name": field.name, "type": kind, "description": f"Arrow type {t}"}


def package() -> dict:
    version = steelbond.data_version()
    return {
        "profile": "data-package",
        "name": "steelbond",
        "title": "steelbond: the South Korea–NATO relationship as sourced events",
        "version": version.release,
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "sources": [
            {"title": s.title_english, **({"path": s.url} if s.url else {})}
            for s in steelbond.sources()
        ],
        "resources": [
            {
                "name": "events",
                "path": "data/events.parquet",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "hash": f"sha256:{version.sha256}",
                "description": "One row per event of the log, in log order (seq).",
                "schema": {
                    "fields": [_field(f) for f in arrow_schema()],
                    "primaryKey": ["id"],
                },
            }
        ],
    }


def render() -> str:
    return json.dumps(package(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    if "--check" in sys.argv:
        ok = TARGET.is_file() and TARGET.read_text("utf-8") == render()
        print("datapackage.json is up to date" if ok else "datapackage.json is stale")
        sys.exit(0 if ok else 1)
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")
