"""A seeded fuzzer for steelbond's entry points: bad input must be refused with a SteelbondError.

It feeds ``--n`` generated inputs (default 100000) to:

``parse_date``      any object; strings near the accepted forms, mutated, or random
``state_at``        any day object, a release name, the bundled log or a small generated log
``states_at``       iterables of days: lists, generators, NumPy and Arrow arrays
``events``          kinds, ``since``/``until`` and release names
``structure_event`` rows of every kind with fields dropped, added, retyped or garbled
``read_ledger``     a ledger folder of generated TOML (sources, releases, event files)
``read_log``        a stored log's bytes with bytes flipped, inserted, deleted or cut off
``cli``             ``steelbond.cli.main([...])`` in-process, exit codes 0, 1 and 2 only

Each input is checked for two things: that no exception from outside
``steelbond.SteelbondError`` escapes (a *foreign* exception), and that what is accepted is
right (a *property*: an accepted date round-trips, ``state_at`` agrees with a fresh
replay, ``states_at`` answers for the dates asked, a refused date names the value, an
accepted stored log either verifies to the same events or fails verification, ...).
The counts are printed; the exit code is 1 if any foreign exception or property violation
was found.

Arguments follow their declared types: ``day`` is ``object`` and gets anything, ``days`` is
an ``Iterable`` and gets iterables of anything, ``as_of_release`` is ``str | None``.

The first inputs are a fixed corpus of known-tricky cases (regressions of bugs found);
the rest are random. Input ``i`` is generated from ``random.Random(f"{seed}:{i}")`` alone,
so ``--only i`` replays one input.

    python tools/fuzz.py --n 100000 --seed 0
    python tools/fuzz.py --n 3000 --json out.json
    python tools/fuzz.py --only 17 --verbose
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import decimal
import io
import json
import math
import random
import shutil
import sys
import tempfile
import time
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

import steelbond
from steelbond import SteelbondError, testing
from steelbond.cli import main as cli_main
from steelbond.converter import structure_event, unstructure_event
from steelbond.dates import PartialDate, parse_date, to_day
from steelbond.errors import MESSAGE_LIMIT, shown
from steelbond.formats.parquet import log_to_table
from steelbond.kinds import KINDS, Citation, Claim, Designation, Event, Release
from steelbond.ledger import read_ledger
from steelbond.log import EventLog
from steelbond.replay import replay
from steelbond.storage import read_log, write_log

# ---------------------------------------------------------------------------------------------
# outcomes


class PropertyViolation(Exception):
    """An input was handled without error but wrongly (or refused without naming it)."""

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"{name}: {detail}")
        self.name = name
        self.detail = detail


def _check(ok: bool, name: str, detail: str) -> None:
    if not ok:
        raise PropertyViolation(name, detail)


def _short(value: object, width: int = 240) -> str:
    try:
        text = repr(value)
    except Exception as exc:  # pragma: no cover - a generator bug
        text = f"<unreprable {type(value).__name__}: {exc}>"
    return text if len(text) <= width else text[: width - 1] + "…"


def _where(exc: BaseException) -> str:
    """The innermost frame of steelbond itself that the exception passed through."""
    where = "<outside steelbond>"
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if "/steelbond/" in code.co_filename.replace("\\", "/"):
            # the function itself, not its comprehensions (Python 3.12 inlines them)
            where = f"{Path(code.co_filename).stem}.{code.co_qualname.split('.<locals>')[0]}"
        tb = tb.tb_next
    return where


# ---------------------------------------------------------------------------------------------
# value generators

_SEASONS = ("spring", "summer", "autumn", "winter")
_ALPHABETS = (
    "abcdefghijklmnopqrstuvwxyz0123456789-",
    "0123456789-/.",
    " \t\n\r\x00\x7f\x85\u2028/.-:+TZ",
    "한국나토북대서양조약기구",
    "Челичниоднос",
    "\u0660\u0661\u0662\u0663\uff10\uff11\uff12\u00b2",
    "\U0001f600\ufeff\u200b\u0301",
)


def rand_text(rng: random.Random, max_len: int = 12) -> str:
    n = rng.choice((0, 1, 2, 3, 5, 8, max_len, rng.randint(0, max_len)))
    if rng.random() < 0.05:
        n = rng.choice((100, 1000))
    alphabet = "".join(rng.sample(_ALPHABETS, rng.randint(1, 3)))
    return "".join(rng.choice(alphabet) for _ in range(n))


def rand_day(rng: random.Random, lo: int = 1000, hi: int = 9998) -> dt.date:
    return dt.date(rng.randint(lo, hi), 1, 1) + dt.timedelta(days=rng.randint(0, 364))


def point_text(rng: random.Random, lo: int = 1000, hi: int = 9998) -> str:
    d = rand_day(rng, lo, hi)
    form = rng.choice(("day", "month", "season", "year"))
    if form == "day":
        return d.isoformat()
    if form == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if form == "season":
        return f"{d.year:04d}-{rng.choice(_SEASONS)}"
    return f"{d.year:04d}"


def date_text(rng: random.Random, lo: int = 1000, hi: int = 9998) -> str:
    """A valid partial-date text: a point, a range, an open range or unknown."""
    shape = rng.choice(("point", "point", "range", "open-start", "open-end", "unknown"))
    if shape == "point":
        return point_text(rng, lo, hi)
    if shape == "unknown":
        return "../.."
    if shape == "open-start":
        return f"../{point_text(rng, lo, hi)}"
    if shape == "open-end":
        return f"{point_text(rng, lo, hi)}/.."
    a, b = point_text(rng, lo, hi), point_text(rng, lo, hi)
    first, last = parse_date(a).earliest, parse_date(b).latest
    assert first is not None and last is not None
    if first > last:
        a, b = b, a
    return f"{a}/{b}"


_BAD_DATES = (
    "2023-02-30",
    "2023-04-31",
    "2023-13",
    "2023-00",
    "2023-01-00",
    "2023-01-32",
    "2021-02-29",
    "last year",
    "yesterday",
    "12/09/2012",
    "2012/09/05",
    "2012-09/05",
    "2012.09.05",
    "2012-9",
    "2012-09-5",
    "0999",
    "10000",
    "-2012",
    "+2012",
    "2007/2002",
    "2012-09-05/2012-09-04",
    "2012//2013",
    "../../..",
    "/2012",
    "2012/",
    "..",
    "../",
    "2012-fall",
    "2012-Autumn",
    "9999-winter",
    "2012-09-05T00:00",
    "2012-09-05Z",
    "２０１２",
    "2012\n",
    " 2012",
    "",
)


def mutate_text(rng: random.Random, text: str) -> str:
    """One to three small edits of a text: the near misses a parser must refuse."""
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        op = rng.choice(("insert", "delete", "replace", "swap", "dup", "sep"))
        pos = rng.randint(0, len(chars))
        alphabet = rng.choice(_ALPHABETS)
        if op == "insert" or not chars:
            chars.insert(pos, rng.choice(alphabet))
            continue
        pos = min(pos, len(chars) - 1)
        if op == "delete":
            del chars[pos]
        elif op == "replace":
            chars[pos] = rng.choice(alphabet)
        elif op == "swap" and pos + 1 < len(chars):
            chars[pos], chars[pos + 1] = chars[pos + 1], chars[pos]
        elif op == "dup":
            chars.insert(pos, chars[pos])
        elif op == "sep":
            seps = [i for i, c in enumerate(chars) if c in "-/."]
            if seps:
                chars[rng.choice(seps)] = rng.choice("-/.: _")
    return "".join(chars)


class _StrSub(str):
    pass


def odd_object(rng: random.Random) -> object:
    """A value of some other type than the one expected."""
    choices: list[Callable[[], object]] = [
        lambda: None,
        lambda: rng.randint(-(2**70), 2**70),
        lambda: rng.choice((0, 1, -1, 2012, 20150630, True, False)),
        lambda: rng.choice((2012.0, 2015.5, math.nan, math.inf, -0.0)),
        lambda: decimal.Decimal("2012"),
        lambda: b"2012-09-05",
        lambda: bytearray(b"2015-06-30"),
        lambda: rand_day(rng),
        lambda: dt.datetime(2015, 6, 30, rng.randint(0, 23)),
        lambda: dt.datetime(2015, 6, 30, tzinfo=dt.UTC),
        lambda: dt.datetime(
            2015, 6, 30, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=rng.randint(-12, 14)))
        ),
        lambda: dt.time(12, 0),
        lambda: dt.timedelta(days=3),
        lambda: [2015, 6, 30],
        lambda: ("2015-06-30",),
        lambda: {"date": "2015-06-30"},
        lambda: {"2015-06-30"},
        lambda: np.datetime64("2015-06-30"),
        lambda: np.int64(16616),
        lambda: np.str_("2015-06-30"),
        lambda: pa.scalar(dt.date(2015, 6, 30)),
        lambda: _StrSub("2015-06-30"),
        lambda: object(),
        lambda: parse_date(date_text(rng)),
    ]
    return rng.choice(choices)()


def date_value(rng: random.Random) -> object:
    """Anything a caller might pass as a partial date."""
    r = rng.random()
    if r < 0.35:
        return date_text(rng)
    if r < 0.6:
        return mutate_text(rng, date_text(rng))
    if r < 0.7:
        return rng.choice(_BAD_DATES)
    if r < 0.8:
        return rand_text(rng)
    return odd_object(rng)


def day_value(rng: random.Random) -> object:
    """Anything a caller might pass as a query day."""
    r = rng.random()
    if r < 0.35:
        return rand_day(rng, 1940, 2030).isoformat()
    if r < 0.45:
        return rand_day(rng, 1940, 2030)
    if r < 0.5:
        return rand_day(rng).isoformat()
    if r < 0.7:
        return mutate_text(rng, rand_day(rng, 1990, 2026).isoformat())
    if r < 0.78:
        return rng.choice(_BAD_DATES)
    if r < 0.83:
        return rand_text(rng)
    return odd_object(rng)


def release_value(rng: random.Random, log: EventLog) -> str | None:
    r = rng.random()
    names = log.release_names()
    if r < 0.5 or not names:
        return None
    if r < 0.8:
        return rng.choice(names)
    return rng.choice(("", "9.9", "0.1", "0.1.0 ", "latest", rand_text(rng)))


# ---------------------------------------------------------------------------------------------
# events and logs


def _hints(cls: type[Event]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


_SKIP = {"seq", "prev_hash", "hash", "schema_version", "release", "supersedes", "same_as"}


def valid_value(rng: random.Random, tp: Any, name: str) -> Any:
    """A valid plain (row) value for a field of type ``tp``."""
    args = typing.get_args(tp)
    if type(None) in args:
        if rng.random() < 0.3:
            return None
        (tp,) = [a for a in args if a is not type(None)]
        args = typing.get_args(tp)
    if typing.get_origin(tp) is tuple:
        if args[0] is Citation:
            return [citation_row(rng) for _ in range(rng.randint(1, 3))]
        return [valid_value(rng, args[0], name) for _ in range(rng.randint(0, 3))]
    if tp is str:
        return rand_text(rng)
    if tp is bool:
        return rng.random() < 0.5
    if tp is int:
        return rng.choice((0, 1, rng.randint(-(2**40), 2**40)))
    if tp is float:
        return rng.choice((0.0, 1.5, rng.uniform(-1e12, 1e12), float(rng.randint(0, 10**9))))
    if tp is PartialDate:
        return date_text(rng, 1990, 2025)
    if tp is Designation:
        return rng.choice([d.value for d in Designation])
    if tp is Claim:
        return {"label": rand_text(rng), "events": []}
    raise TypeError(f"no generator for {tp!r}")  # pragma: no cover - a new field type


def citation_row(rng: random.Random, sources: tuple[str, ...] = ("notes",)) -> dict[str, Any]:
    row: dict[str, Any] = {
        "source": rng.choice(sources),
        "locator": rand_text(rng),
        "quote": rand_text(rng) or "q",
    }
    if rng.random() < 0.3:
        row["english"] = rand_text(rng)
    return row


def event_row(rng: random.Random, kind: str, event_id: str) -> dict[str, Any]:
    """A valid row (as the ledger or the converter takes it) of ``kind``."""
    cls = KINDS[kind]
    hints = _hints(cls)
    row: dict[str, Any] = {"kind": kind, "id": event_id}
    for a in attrs.fields(cls):
        if a.name in _SKIP or a.name in row:
            continue
        if a.default is not attrs.NOTHING and rng.random() < 0.4:
            continue
        row[a.name] = valid_value(rng, hints[a.name], a.name)
    return row


_WRONG = (
    None,
    0,
    -1,
    2**70,
    1.5,
    math.nan,
    True,
    "",
    "x",
    "2012",
    [],
    [1],
    ["a", 2],
    {},
    {"a": 1},
    dt.date(2012, 1, 1),
    dt.datetime(2012, 1, 1),
)


def mutate_row(rng: random.Random, row: dict[str, Any]) -> dict[str, Any]:
    """One to three faults: a field dropped, added, retyped or garbled, a bad kind or version."""
    row = dict(row)
    keys = sorted(row)
    for _ in range(rng.randint(1, 3)):
        op = rng.choice(("drop", "add", "retype", "kind", "version", "date", "cite", "text"))
        key = rng.choice(keys) if keys else "id"
        if op == "drop":
            row.pop(key, None)
        elif op == "add":
            row[rng.choice(("extra", "topic", "buyer", "seq", "hash", "Kind", ""))] = rng.choice(
                _WRONG
            )
        elif op == "retype":
            row[key] = rng.choice(_WRONG)
        elif op == "kind":
            row["kind"] = rng.choice((*sorted(KINDS), "coup", "", "Context", 5, None))
        elif op == "version":
            row["schema_version"] = rng.choice((0, -1, 1, 2, 99, 1.0, True, None, "1"))
        elif op == "date":
            row["date"] = date_value(rng)
        elif op == "cite":
            row["citations"] = rng.choice(
                ([], [{}], [{"source": "notes"}], "notes", [citation_row(rng) | {"x": 1}], None)
            )
        elif isinstance(row.get(key), str):
            row[key] = mutate_text(rng, row[key])
    return row


_LOG_KINDS = (
    "context",
    "designation",
    "programme_signed",
    "programme_revised",
    "mission_opened",
    "operation_joined",
    "operation_left",
    "summit_attended",
    "ministerial_meeting",
    "cooperation",
    "contribution",
    "arms_deal",
    "statement",
)


def small_log(rng: random.Random) -> EventLog:
    """A small valid log (state-changing kinds, references backwards, a release or none)."""
    releases: tuple[Release, ...] = ()
    if rng.random() < 0.95:
        end = rand_day(rng, 1990, 2030).isoformat() if rng.random() < 0.9 else rand_text(rng)
        releases = (Release(name="r1", date="2026-01-01", coverage_end=end),)
    log = EventLog(sources=(testing.sample_source(),), releases=releases)
    events: list[Event] = []
    for i in range(rng.randint(0, 7)):
        row = event_row(rng, rng.choice(_LOG_KINDS), f"g{i}")
        row["release"] = "r1"
        if events and rng.random() < 0.3:
            row["same_as"] = rng.choice(events).id
        if events and rng.random() < 0.2:
            row["supersedes"] = [rng.choice(events).id]
        events.append(structure_event(row))
    if events and rng.random() < 0.2:
        events.append(
            steelbond.kinds.Retraction(
                id="gr",
                date=parse_date(date_text(rng, 1990, 2025)),
                summary="withdrawn",
                citations=(testing.sample_citation(),),
                release="r1",
                retracts=rng.choice(events).id,
                reason="fuzz",
            )
        )
    return log.append(*events)


# ---------------------------------------------------------------------------------------------
# TOML (the ledger's format); only what the ledger needs, written by hand


def _toml_str(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_key(key: str) -> str:
    if key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key):
        return key
    return _toml_str(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if value is None:
        return '""'  # TOML has no null; the closest wrong value
    return _toml_str(str(value))  # anything else: its text


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def dump_toml(doc: dict[str, Any]) -> str:
    """A document of plain keys and arrays of tables (``[[event]]``, ``[[event.citation]]``)."""
    lines = [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in doc.items() if not _is_table_array(v)]
    for key, tables in doc.items():
        if not _is_table_array(tables):
            continue
        for table in tables:
            lines.append(f"\n[[{_toml_key(key)}]]")
            lines += [
                f"{_toml_key(k)} = {_toml_value(v)}"
                for k, v in table.items()
                if not _is_table_array(v)
            ]
            for sub, subtables in table.items():
                if _is_table_array(subtables):
                    for st in subtables:
                        lines.append(f"[[{_toml_key(key)}.{_toml_key(sub)}]]")
                        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in st.items()]
    return "\n".join(lines) + "\n"


def _source_row(source_id: str) -> dict[str, Any]:
    return {
        k: v for k, v in attrs.asdict(testing.sample_source(source_id)).items() if v is not None
    }


def ledger_files(rng: random.Random) -> dict[str, bytes]:
    """The files of a ledger folder, valid or with one to three faults."""
    sources: Any = [_source_row("notes"), _source_row("other")]
    releases: Any = [{"name": "r1", "date": "2026-01-01", "coverage_end": "2026-01-31"}]
    if rng.random() < 0.3:
        releases.append({"name": "r2", "date": "2026-06-01", "coverage_end": "2026-05-31"})
    files: dict[str, Any] = {}
    n = 0
    for rel in releases:
        for f in range(rng.randint(1, 2)):
            events = []
            for _ in range(rng.randint(1, 4)):
                row = event_row(rng, rng.choice(sorted(KINDS)), f"ev-{n}")
                n += 1
                row["citation"] = [
                    citation_row(rng, ("notes", "other")) for _ in range(rng.randint(1, 2))
                ]
                for ref in ("retracts", "events"):
                    if ref in row:  # a reference back to an earlier event, when there is one
                        row[ref] = "ev-0" if ref == "retracts" else ["ev-0"]
                if row["kind"] in ("retraction", "conflict") and n == 1:
                    row["kind"] = "context"
                    row = {k: v for k, v in row.items() if k not in ("retracts", "events")}
                    row["topic"] = "other"
                    row.pop("reason", None)
                    row.pop("note", None)
                row.pop("citations", None)
                events.append(row)
            files[f"{rel['name']}/{10 * (f + 1)}-part.toml"] = {"event": events}
    docs: dict[str, Any] = {
        "sources.toml": {"source": sources},
        "releases.toml": {"release": releases},
        **files,
    }
    faults = 0 if rng.random() < 0.15 else rng.randint(1, 3)
    for _ in range(faults):
        _ledger_fault(rng, docs)
    out: dict[str, bytes] = {}
    for name, doc in docs.items():
        data = dump_toml(doc).encode("utf-8") if isinstance(doc, dict) else doc
        if rng.random() < 0.03:
            data = _mutate_bytes(rng, data, rng.randint(1, 3))
        out[name] = data
    return out


def _ledger_fault(rng: random.Random, docs: dict[str, Any]) -> None:
    name = rng.choice(sorted(docs))
    doc = docs[name]
    key = {"sources.toml": "source", "releases.toml": "release"}.get(name, "event")
    op = rng.choice(("whole", "entry", "row", "row", "row", "dup", "cite", "version", "refs"))
    tables = doc.get(key)
    if op == "whole" or not _is_table_array(tables):
        doc[key] = rng.choice((*_WRONG, "[[x]]"))
        return
    index = rng.randrange(len(tables))
    if op == "entry":
        tables[index] = rng.choice(_WRONG)  # a value among the tables: written inline
    elif op == "row":
        row = mutate_row(rng, tables[index])
        if "citations" in row and key == "event":
            row["citation"] = row.pop("citations")
        tables[index] = row
    elif op == "dup":
        tables.append(dict(tables[index]))
    elif op == "cite" and key == "event":
        tables[index]["citation"] = rng.choice(
            ([], [{"source": "nope", "locator": "", "quote": "q"}], "notes", [{}])
        )
    elif op == "version" and key == "event":
        tables[index]["schema_version"] = rng.choice((0, -1, 2, 1.0, "1"))
    elif op == "refs" and key == "event":
        tables[index][rng.choice(("supersedes", "same_as", "release"))] = rng.choice(
            (["ev-999"], "ev-0", ["ev-0"], "", 5)
        )
    else:
        tables[index][rng.choice(("name", "id", "date", "coverage_end", "x"))] = rng.choice(
            (*_WRONG, "../..", "r1")
        )


def _mutate_bytes(rng: random.Random, data: bytes, edits: int) -> bytes:
    buf = bytearray(data)
    for _ in range(edits):
        op = rng.choice(("flip", "flip", "set", "insert", "delete", "cut"))
        if not buf:
            buf.append(rng.randrange(256))
            continue
        pos = rng.randrange(len(buf))
        if op == "flip":
            buf[pos] ^= 1 << rng.randrange(8)
        elif op == "set":
            buf[pos] = rng.choice((0, 0xFF, 0x7F, 0x80, rng.randrange(256)))
        elif op == "insert":
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
        elif op == "delete":
            del buf[pos : pos + rng.randint(1, 4)]
        else:
            del buf[pos:]
    return bytes(buf)


# ---------------------------------------------------------------------------------------------
# the targets: each takes its input and returns "ok"; refusals raise SteelbondError


class FuzzContext:
    """What the targets share: the bundled log and its timelines, a scratch folder."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.bundled = steelbond.bundled_log()
        self.truth = {r: replay(self.bundled, r) for r in (None, *self.bundled.release_names())}
        small = EventLog(sources=(testing.sample_source(),), releases=(testing.sample_release(),))
        self.small = small.append(
            *(testing.sample_event(f"e{i}", date=f"{2010 + i}") for i in range(4)),
            release="mine-1",
        )
        self.small_path = scratch / "small.parquet"
        write_log(self.small, self.small_path)
        self.small_bytes = self.small_path.read_bytes()
        self.counter = 0

    def fresh_dir(self) -> Path:
        self.counter += 1
        path = self.scratch / f"case-{self.counter}"
        path.mkdir()
        return path


def run_parse_date(value: object, ctx: FuzzContext) -> str:
    try:
        d = parse_date(value)
    except steelbond.errors.DateError as exc:
        _check(exc.value is value or exc.value == value, "date-error-carries-value", _short(exc))
        _check(shown(value) in str(exc), "date-error-names-value", str(exc)[:300])
        raise
    if isinstance(value, PartialDate):
        _check(d is value, "partial-date-passes-through", _short(value))
        return "ok"
    _check(isinstance(value, str), "non-string-accepted", _short(value))
    assert isinstance(value, str)
    _check(d.text == value, "text-kept", f"{value!r} -> {d.text!r}")
    _check(parse_date(d.text) == d, "round-trip", _short(value))
    _check(PartialDate(d.text, d.precision, d.earliest, d.latest) == d, "rebuild", _short(value))
    if d.earliest is not None and d.latest is not None:
        _check(d.earliest <= d.latest, "bounds-ordered", _short(d))
    if d.precision is steelbond.dates.Precision.DAY:
        _check(d.is_exact, "day-is-exact", _short(d))
    return "ok"


def _log_for(rng: random.Random, ctx: FuzzContext) -> tuple[str, EventLog | None]:
    r = rng.random()
    if r < 0.6:
        return "bundled", None
    if r < 0.7:
        return "small", ctx.small
    return "generated", small_log(rng)


def _fresh(ctx: FuzzContext, log: EventLog | None, release: str | None) -> Any:
    """The log's timeline replayed afresh, never taken from steelbond's cache."""
    if log is None and release in ctx.truth:
        return ctx.truth[release]
    return replay(ctx.bundled if log is None else log, release)


def _agree(name: str, detail: str, api: Callable[[], Any], fresh: Callable[[], Any]) -> Any:
    """Run the call and its fresh counterpart: both refuse, or both answer (returned)."""
    try:
        got = api()
    except SteelbondError as exc:
        try:
            fresh()
        except SteelbondError:
            raise exc from None
        raise PropertyViolation(
            name, f"refused ({type(exc).__name__}) though a fresh replay answers: {detail}"
        ) from None
    try:
        want = fresh()
    except SteelbondError as exc:
        raise PropertyViolation(
            name, f"answered though a fresh replay refuses ({type(exc).__name__}): {detail}"
        ) from None
    return got, want


def run_state_at(inp: tuple[object, str | None, str, EventLog | None], ctx: FuzzContext) -> str:
    day, release, which, log = inp
    name, detail = "state-agrees-with-fresh-replay", f"{which} log, day {_short(day, 80)}"
    state, expected = _agree(
        name,
        detail,
        lambda: steelbond.state_at(day, as_of_release=release, log=log),
        lambda: _fresh(ctx, log, release).state_at(day),
    )
    _check(state == expected, name, detail)
    return "ok"


def _expected_days(days: object) -> list[int] | None:
    """Days since 1970 the caller asked about, computed independently (None: don't know)."""
    epoch = dt.date(1970, 1, 1)
    if isinstance(days, np.ndarray) and days.dtype.kind == "M":
        return [int(x) for x in days.astype("datetime64[D]").astype(np.int64)]
    if isinstance(days, pa.Array | pa.ChunkedArray):
        return [int(x) for x in days.cast(pa.int32()).to_pylist()]
    if isinstance(days, list | tuple):
        return [(to_day(d) - epoch).days for d in days]
    return None


def run_states_at(inp: tuple[Any, str | None, str, EventLog | None], ctx: FuzzContext) -> str:
    make_days, release, which, log = inp
    name = "states-at-agrees-with-fresh-replay"
    table, fresh_table = _agree(
        name,
        f"{which} log",
        lambda: steelbond.states_at(make_days(), as_of_release=release, log=log),
        lambda: _fresh(ctx, log, release).states_at(make_days()),
    )
    _check(table.equals(fresh_table), name, f"{which} log")
    expected = _expected_days(make_days())
    got = table.column("date").cast(pa.int32()).to_pylist()
    if expected is not None:
        _check(got == expected, "states-at-answers-the-days-asked", f"asked {expected[:5]}…")
    truth = _fresh(ctx, log, release)
    epoch = dt.date(1970, 1, 1)
    designations = table.column("designation").to_pylist()
    for day_num, designation in list(zip(got, designations, strict=True))[:5]:
        want = truth.state_at(epoch + dt.timedelta(days=day_num)).designation.value
        _check(designation == want, "states-at-agrees-with-state-at", f"{which} log")
    return "ok"


def run_events(inp: tuple[Any, object, object, str | None], ctx: FuzzContext) -> str:
    kind, since, until, release = inp
    chosen = steelbond.events(kind, since=since, until=until, as_of_release=release)
    if isinstance(kind, str):
        _check(all(type(e).kind == kind for e in chosen), "events-of-kind", kind)
    return "ok"


def _as_text(event: Event) -> str:
    return json.dumps(unstructure_event(event), sort_keys=True, default=str)


def run_structure_event(inp: tuple[dict[str, Any], bool], ctx: FuzzContext) -> str:
    row, strict = inp
    try:
        event = structure_event(row, strict_fields=strict)
    except steelbond.errors.EventError as exc:
        label = row.get("id")
        _check(shown(label) in str(exc), "event-error-names-the-event", str(exc)[:200])
        raise
    cls = KINDS[row["kind"]]
    _check(type(event) is cls, "kind-kept", row["kind"])
    for a in attrs.fields(cls):
        is_tuple = typing.get_origin(_hints(cls)[a.name]) is tuple
        if is_tuple and a.name in row:
            _check(
                isinstance(row[a.name], list | tuple),
                "no-silent-coercion-to-tuple",
                f"{a.name}={_short(row[a.name], 60)} became {_short(getattr(event, a.name), 60)}",
            )
    again = structure_event(unstructure_event(event), strict_fields=strict)
    # compared as JSON text, every field and the hash included: a NaN field (which the
    # converter accepts for a float) is equal to itself there, not under ==
    _check(_as_text(again) == _as_text(event), "structure-round-trip", _short(row))
    return "ok"


def run_read_ledger(files: dict[str, bytes], ctx: FuzzContext) -> str:
    root = ctx.fresh_dir()
    try:
        for name, data in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        try:
            log = read_ledger(root)
        except SteelbondError as exc:
            path = getattr(exc, "path", None)
            _check(
                isinstance(exc, steelbond.errors.LedgerError) and path is not None,
                "ledger-error-names-the-file",
                f"{type(exc).__name__}: {str(exc)[:200]}",
            )
            raise
        log.verify()
        known = {s.id for s in log.sources}
        _check(len({e.id for e in log}) == len(log), "ledger-ids-unique", "")
        for e in log:
            _check(bool(e.citations), "ledger-event-has-a-citation", e.id)
            for c in e.citations:
                _check(c.source in known, "ledger-citation-source-known", f"{e.id}: {c.source}")
        return "ok"
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run_read_log(data: bytes, ctx: FuzzContext) -> str:
    path = ctx.fresh_dir() / "log.parquet"
    try:
        path.write_bytes(data)
        log = read_log(path)
        try:
            log.verify()
        except steelbond.errors.IntegrityError as exc:
            where = log[exc.seq].id if 0 <= exc.seq < len(log) else None
            _check(exc.event_id == where, "integrity-error-names-the-event", str(exc)[:200])
            raise
        same_events = tuple(log) == tuple(ctx.small)
        if log.head == ctx.small.head:
            _check(same_events, "edited-events-undetected", "verifies with the recorded head")
            _check(
                (log.sources, log.releases) == (ctx.small.sources, ctx.small.releases),
                "edited-sources-or-releases-undetected",
                f"sources {_short(log.sources, 150)} releases {_short(log.releases, 150)}",
            )
        return "ok" if same_events else "ok-other-chain"
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


def run_cli(inp: tuple[list[str], str], ctx: FuzzContext) -> str:
    argv, stdin = inp
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code: object = cli_main(argv)
            except SystemExit as exc:
                code = 0 if exc.code is None else exc.code
    finally:
        sys.stdin = saved
    text = err.getvalue()
    _check(not (ctx.scratch / "escape.out").exists(), "cli-sql-wrote-no-file", " ".join(argv))
    _check(code in (0, 1, 2), "cli-exit-code-0-1-2", f"exit code {code!r}")
    _check("Traceback" not in text, "cli-no-traceback", text[:200])
    longest = max((len(line) for line in text.splitlines()), default=0)
    _check(longest <= MESSAGE_LIMIT + 100, "cli-message-is-bounded", f"{longest} characters")
    helped = "-h" in argv or "--help" in argv
    if code == 0 and "json" in argv and not helped and out.getvalue().strip():
        try:  # strict JSON: no NaN or Infinity
            json.loads(
                out.getvalue(), parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c))
            )
        except ValueError as exc:
            raise PropertyViolation("cli-json-is-json", str(exc)[:200]) from None
    if code == 2:
        lines = text.strip().splitlines()
        _check(
            len(lines) == 1 and lines[0].startswith("steelbond: error:"),
            "cli-error-is-one-line",
            text[:200],
        )
    return f"exit-{code}"


# ---------------------------------------------------------------------------------------------
# input generation


def gen_state_at(rng: random.Random, ctx: FuzzContext) -> Any:
    which, log = _log_for(rng, ctx)
    release = release_value(rng, log or ctx.bundled)
    return (day_value(rng), release, which, log)


def gen_states_at(rng: random.Random, ctx: FuzzContext) -> Any:
    which, log = _log_for(rng, ctx)
    release = release_value(rng, log or ctx.bundled)
    n = rng.choice((0, 1, 2, 5, rng.randint(0, 50)))
    shape = rng.choice(("list", "list", "tuple", "gen", "numpy", "numpy", "arrow", "odd"))
    base = [
        rand_day(rng, 1990, 2026) if rng.random() < 0.5 else rand_day(rng, 1990, 2026).isoformat()
        for _ in range(n)
    ]
    if shape in ("list", "tuple", "gen"):
        if base and rng.random() < 0.5:
            base[rng.randrange(len(base))] = day_value(rng)
        container = {"list": list, "tuple": tuple, "gen": lambda b: (x for x in b)}[shape]
        return (lambda: container(list(base)), release, which, log)
    if shape == "numpy":
        unit = rng.choice(("D", "D", "s", "ms", "us", "ns", "M", "Y", "W", "h"))
        numbers = [(rand_day(rng, 1990, 2026) - dt.date(1970, 1, 1)).days for _ in range(n)]
        if numbers and rng.random() < 0.4:  # far outside, at the edges of the type's range
            numbers[rng.randrange(len(numbers))] = rng.choice(
                (2**31 + 16616, 2**32 + 16616, -(2**31) - 1, 10**9, -(10**9), 2**31 - 1)
            )
        arr = np.array(numbers, dtype="datetime64[D]")
        if numbers and rng.random() < 0.1:
            arr[0] = np.datetime64("NaT")
        with np.errstate(all="ignore"), contextlib.suppress(OverflowError, ValueError):
            arr = arr.astype(f"datetime64[{unit}]")
        return (lambda: arr.copy(), release, which, log)
    if shape == "arrow":
        typ = rng.choice((pa.date32(), pa.date32(), pa.date64(), pa.timestamp("s"), pa.int32()))
        values = [rand_day(rng, 1990, 2026) if rng.random() < 0.95 else None for _ in range(n)]
        if typ == pa.int32():
            values = [None if v is None else (v - dt.date(1970, 1, 1)).days for v in values]
        elif typ == pa.timestamp("s"):
            values = [None if v is None else dt.datetime(v.year, v.month, v.day) for v in values]
        arr = pa.array(values, type=typ)
        if rng.random() < 0.3:
            return (lambda: pa.chunked_array([arr, arr], type=typ), release, which, log)
        return (lambda: arr, release, which, log)
    odd = rng.choice(
        (
            "2015-06-30",
            b"2015-06-30",
            {"2015-06-30": 1},
            [[2015, 6, 30]],
            np.array(["2015-06-30"]),
            np.array([16616]),
            np.array([16616.0]),
            np.array([dt.date(2015, 6, 30)], dtype=object),
            [odd_object(rng) for _ in range(3)],
            [],
        )
    )
    return (lambda: odd, release, which, log)


def gen_events(rng: random.Random, ctx: FuzzContext) -> Any:
    kinds = sorted(KINDS)
    kind: Any = rng.choice(
        (None, rng.choice(kinds), [rng.choice(kinds), rng.choice(kinds)], "coup", ["context", "x"])
    )
    since = None if rng.random() < 0.5 else day_value(rng)
    until = None if rng.random() < 0.5 else day_value(rng)
    return (kind, since, until, release_value(rng, ctx.bundled))


def gen_structure_event(rng: random.Random, ctx: FuzzContext) -> Any:
    kind = rng.choice(sorted(KINDS))
    row = event_row(rng, kind, rand_text(rng) or "x")
    row["citations"] = [citation_row(rng) for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.2:
        d = parse_date(row["date"])
        row["date"] = {
            "text": d.text,
            "precision": d.precision.value,
            "earliest": d.earliest,
            "latest": d.latest,
        }
    if rng.random() < 0.85:
        row = mutate_row(rng, row)
    return (row, rng.random() < 0.5)


def gen_read_log(rng: random.Random, ctx: FuzzContext) -> bytes:
    return _mutate_bytes(rng, ctx.small_bytes, rng.choice((1, 1, 1, 2, 3)))


_KIND_WORDS = (*sorted(KINDS), "coup", "", "Context", "summit")
_SQL = (
    "SELECT count(*) AS n FROM {view}",
    "SELECT * FROM {view} LIMIT {n}",
    "SELECT {expr} AS x",
    "SELECT {expr} AS x, {expr} AS y",
    "SELECT {expr}, {expr}",
    "SELECT * FROM {view} a, {view} b LIMIT 1",
    "SELECT year, count(*) FROM effective_events GROUP BY year ORDER BY year",
    "SELECT * FROM timeline WHERE DATE '{day}' >= valid_from AND DATE '{day}' < valid_to",
    "COPY (SELECT 1) TO '{path}'",
    "ATTACH '{path}' AS x",
    "SELECT * FROM read_csv('{path}')",
    "SELECT * FROM read_parquet('{path}')",
    "INSTALL httpfs",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "CREATE TABLE t AS SELECT 1",
    "DROP VIEW events",
    "{garbage}",
)
_SQL_EXPRS = (
    "1",
    "'a'",
    "NULL",
    "1.5",
    "[1, 2]",
    "{'a': 1}",
    "DATE '2015-06-30'",
    "DATE 'infinity'",
    "DATE '-infinity'",
    "DATE '20000-01-01'",
    "TIMESTAMP 'infinity'",
    "TIMESTAMP '294000-01-01'",
    "INTERVAL 1 DAY",
    "'x'::BLOB",
    "1::HUGEINT",
    "'NaN'::DOUBLE",
    "uuid()",
    "map([1], [2])",
    "'12:00:00+05'::TIMETZ",
)
_VIEWS = ("events", "effective_events", "citations", "sources", "timeline", "summits", "nope")


def gen_cli(rng: random.Random, ctx: FuzzContext) -> Any:
    command = rng.choices(
        ("state", "events", "timeline", "verify", "sql", "conflicts", "sources", "junk"),
        weights=(38, 34, 4, 1, 5, 1, 1, 16),
    )[0]
    argv: list[str] = [command]
    fmt = rng.choice(("table", "json", "csv", "text", "xml"))
    stdin = ""
    if command == "state":
        if rng.random() < 0.95:
            day = day_value(rng)
            argv.append(day if isinstance(day, str) else str(day))
    elif command == "events":
        for _ in range(rng.randint(0, 2)):
            argv += ["--kind", rng.choice(_KIND_WORDS)]
        for opt in ("--since", "--until"):
            if rng.random() < 0.3:
                day = day_value(rng)
                argv += [opt, day if isinstance(day, str) else str(day)]
        if rng.random() < 0.3:
            argv += ["--search", rand_text(rng)]
        if rng.random() < 0.2:
            argv.append("--no-context")
    elif command == "sql":
        template = rng.choice(_SQL)
        query = template.format(
            view=rng.choice(_VIEWS),
            n=rng.choice((0, 1, 3)),
            expr=rng.choice(_SQL_EXPRS),
            day=rand_day(rng, 1990, 2026).isoformat(),
            path=ctx.scratch / "escape.out",
            garbage=rand_text(rng, 30),
        )
        if rng.random() < 0.2:
            stdin = query
        else:
            argv.append(query)
    elif command == "junk":
        argv = [rand_text(rng) for _ in range(rng.randint(0, 3))]
    if command not in ("junk", "verify") and rng.random() < 0.7:
        argv += ["--format", fmt if command == "state" or fmt != "text" else "json"]
    if command not in ("junk", "verify") and rng.random() < 0.2:
        argv += ["--release", rng.choice(("0.1.0", "9.9", "", rand_text(rng)))]
    if rng.random() < 0.03:
        argv.append(rng.choice(("--help", "-h", "--bogus", "--format", "--release")))
    if rng.random() < 0.05:
        argv.insert(rng.randint(0, len(argv)), rand_text(rng))
    return (argv, stdin)


TARGETS: dict[str, tuple[int, Callable[[random.Random, FuzzContext], Any], Callable[..., str]]] = {
    "parse_date": (24, lambda rng, ctx: date_value(rng), run_parse_date),
    "state_at": (14, gen_state_at, run_state_at),
    "states_at": (12, gen_states_at, run_states_at),
    "events": (4, gen_events, run_events),
    "structure_event": (18, gen_structure_event, run_structure_event),
    "read_ledger": (7, lambda rng, ctx: ledger_files(rng), run_read_ledger),
    "read_log": (5, gen_read_log, run_read_log),
    "cli": (9, gen_cli, run_cli),
}


# ---------------------------------------------------------------------------------------------
# the fixed corpus: known-tricky inputs, regressions of the bugs this fuzzer found


def _stale_cache_case(ctx: FuzzContext) -> str:
    """A log freed and another built at its address: state_at must not answer from the
    first one's cached timeline (api._TIMELINES is keyed by id(log))."""
    logs = []
    for designation in (Designation.CONTACT_COUNTRY, Designation.GLOBAL_PARTNER):
        change = steelbond.kinds.DesignationChange(
            id="d",
            date=parse_date("2010"),
            summary="s",
            citations=(testing.sample_citation(),),
            designation=designation,
        )
        base = EventLog(sources=(testing.sample_source(),), releases=(testing.sample_release(),))
        logs.append(base.append(testing.sample_event("c", date="2005"), change))
    first_events, second_events = tuple(logs[0]), tuple(logs[1])
    sources, releases = logs[0].sources, logs[0].releases
    for _ in range(5):
        # from_events allocates nothing but the log itself, so the second log usually
        # lands at the address the first one just freed
        first = EventLog.from_events(first_events, sources, releases)
        steelbond.state_at("2015-06-30", log=first)
        del first
        second = EventLog.from_events(second_events, sources, releases)
        got = steelbond.state_at("2015-06-30", log=second).designation
        _check(
            got is Designation.GLOBAL_PARTNER,
            "state-agrees-with-fresh-replay",
            f"a new log got the answer of a freed log at the same address: {got}",
        )
    return "ok"


def _crafted_parquet(ctx: FuzzContext, how: str) -> bytes:
    table = log_to_table(ctx.small)
    out = io.BytesIO()
    if how == "date-overflow":
        i = table.schema.get_field_index("date")
        dates = table.column("date").combine_chunks()
        huge = pa.array([2**31 - 1] * len(table), pa.int32()).cast(pa.date32())
        fields = [dates.type.field(k) for k in range(dates.type.num_fields)]
        parts = [dates.field("text"), dates.field("precision"), huge, dates.field("latest")]
        table = table.set_column(
            i, table.schema.field(i), pa.StructArray.from_arrays(parts, fields=fields)
        )
        pq.write_table(table, out)
        return out.getvalue()
    if how == "schema-v2":
        rows = table.to_pylist()
        rows[2]["schema_version"] = 2
        pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), out)
        return out.getvalue()
    if how == "coverage-end-edited":
        data = ctx.small_bytes
        return data.replace(b"2026-01-31", b"2126-01-31")
    raise ValueError(how)  # pragma: no cover


def corpus(ctx: FuzzContext) -> Iterator[tuple[str, Any]]:
    """Fixed inputs run first: (target, input); target "special" runs a function."""
    for value in (
        *_BAD_DATES,
        None,
        2012,
        2012.0,
        math.nan,
        b"2012",
        dt.date(2012, 9, 1),
        dt.datetime(2015, 6, 30, tzinfo=dt.UTC),
        "2023-07-11/2023-07-12",
        "../2021",
        "2010/..",
        "../..",
        "1000-01-01",
        "9998-winter",
        parse_date("2012"),
    ):
        yield "parse_date", value
    for day in (
        "2015-06-30",
        "1800-01-01",
        "2030-01-01",
        dt.datetime(2015, 6, 30, tzinfo=dt.UTC),
        dt.date(999, 12, 31),
        "2015-02-30",
    ):
        yield "state_at", (day, None, "bundled", None)
    yield "state_at", ("2015-06-30", "nope", "bundled", None)
    wrap = np.array([2**32 + 16616], dtype="datetime64[D]")  # 16616: 2015-06-30
    yield "states_at", (lambda: wrap.copy(), None, "bundled", None)
    yield "states_at", (lambda: pa.array([None], pa.date32()), None, "bundled", None)
    yield "states_at", (lambda: "2015-06-30", None, "bundled", None)
    yield "states_at", (lambda: [], None, "bundled", None)
    # issue 15: foreign errors and silent coercion
    for days in (
        None,
        5,
        np.array("2015-06-30", dtype="datetime64[D]"),
        np.array([["2015-06-30"]], dtype="datetime64[D]"),
        np.array(["2015-06-30T23:30"], dtype="datetime64[ns]"),
        np.array(["2015-06"], dtype="datetime64[M]"),
        np.array(["2015-06-25"], dtype="datetime64[W]"),
        np.array([1], dtype="datetime64[fs]"),
    ):
        yield "states_at", ((lambda d=days: d), None, "bundled", None)
    for kind, since, until in (
        (123, None, None),
        (["nope", 5], None, None),
        (None, "2020-01-01", "2010-01-01"),
        ("x" * 100_000, None, None),
    ):
        yield "events", (kind, since, until, None)
    base = unstructure_event(testing.sample_event("x"))
    yield "structure_event", (base | {"schema_version": 0}, True)
    yield "structure_event", (base | {"schema_version": 2}, True)
    programme = {k: v for k, v in base.items() if k != "topic"} | {
        "kind": "programme_signed",
        "programme": "IPCP",
        "areas": "cyber",
    }
    yield "structure_event", (programme, True)
    valid = {
        "sources.toml": dump_toml({"source": [_source_row("notes")]}).encode(),
        "releases.toml": dump_toml(
            {"release": [{"name": "r1", "date": "2026-01-01", "coverage_end": "2026-01-31"}]}
        ).encode(),
    }
    event = {k: v for k, v in base.items() if v is not None and k not in ("citations", "release")}
    event["date"] = "2012"
    event.pop("hash", None)
    event["citation"] = [{"source": "notes", "locator": "p. 1", "quote": "q"}]
    for changed in (
        {"r1/10.toml": b"event = 5\n"},
        {"sources.toml": b"source = 5\n"},
        {"releases.toml": b"release = 5\n"},
        {"sources.toml": dump_toml({"source": [{"id": "notes"}]}).encode()},
        {"r1/10.toml": dump_toml({"event": [event | {"schema_version": 0}]}).encode()},
        {"r1/10.toml": dump_toml({"event": [event | {"citation": []}]}).encode()},
        {"r1/10.toml": dump_toml({"event": [event | {"kind": "coup"}]}).encode()},
        {"r1/10.toml": dump_toml({"event": [event, event]}).encode()},
    ):
        yield (
            "read_ledger",
            valid | {"r1/10.toml": dump_toml({"event": [event]}).encode()} | changed,
        )
    for how in ("date-overflow", "schema-v2", "coverage-end-edited"):
        yield "read_log", _crafted_parquet(ctx, how)
    for argv in (
        ["sql", "SELECT 1, 1"],
        ["sql", "SELECT 1 AS a, 2 AS a", "--format", "json"],
        ["sql", "SELECT DATE 'infinity' AS d"],
        ["sql", f"COPY (SELECT 1) TO '{ctx.scratch / 'escape.out'}'"],
        ["state", "2015-06-30", "--format", "json"],
        ["state", "2015-02-30"],
        ["events", "--kind", "coup"],
        ["events", "--since", "2020-01-01", "--until", "2010-01-01"],
        ["state", "x" * 100_000],
        ["sql", "SELEC"],
        ["sql", "SELECT 'nan'::DOUBLE AS a, 'inf'::DOUBLE AS b", "--format", "json"],
        ["sql", "SELECT TIME '24:00:00' AS t, 'infinity'::TIMESTAMP_NS AS ts", "--format", "json"],
        ["frobnicate"],
        ["state"],
        ["--help"],
    ):
        yield "cli", (argv, "")
    yield "special", _stale_cache_case


# ---------------------------------------------------------------------------------------------
# the run


@attrs.define
class Tally:
    inputs: int = 0
    outcomes: collections.Counter[str] = attrs.field(factory=collections.Counter)
    refused: collections.Counter[str] = attrs.field(factory=collections.Counter)
    foreign: int = 0
    violations: int = 0
    seconds: float = 0.0


def run(n: int, seed: int, only: int | None = None, verbose: bool = False) -> dict[str, Any]:
    """Fuzz ``n`` inputs; the result as a JSON-able dict."""
    scratch = Path(tempfile.mkdtemp(prefix="steelbond-fuzz-"))
    started = time.perf_counter()
    tallies = {name: Tally() for name in (*TARGETS, "special")}
    foreign: dict[str, dict[str, Any]] = {}
    violations: dict[str, dict[str, Any]] = {}
    names = list(TARGETS)
    weights = [TARGETS[t][0] for t in names]
    try:
        ctx = FuzzContext(scratch)
        fixed = list(corpus(ctx))
        indices = range(n) if only is None else [only]
        for i in indices:
            rng = random.Random(f"{seed}:{i}")
            if i < len(fixed):
                target, inp = fixed[i]
            else:
                target = rng.choices(names, weights)[0]
                inp = TARGETS[target][1](rng, ctx)
            tally = tallies[target]
            tally.inputs += 1
            began = time.perf_counter()
            try:
                run_one = inp if target == "special" else TARGETS[target][2]
                outcome = run_one(ctx) if target == "special" else run_one(inp, ctx)
                tally.outcomes[outcome] += 1
            except PropertyViolation as exc:
                tally.violations += 1
                key = f"{target}: {exc.name}"
                entry = violations.setdefault(
                    key, {"count": 0, "first_input": i, "input": _short(inp), "detail": exc.detail}
                )
                entry["count"] += 1
            except SteelbondError as exc:
                tally.refused[type(exc).__name__] += 1
                if len(str(exc)) > MESSAGE_LIMIT:  # a message that grew with the input
                    tally.violations += 1
                    entry = violations.setdefault(
                        f"{target}: message-is-bounded",
                        {"count": 0, "first_input": i, "input": _short(inp), "detail": ""},
                    )
                    entry["count"] += 1
                    entry["detail"] = f"{len(str(exc))} characters: {str(exc)[:200]}"
            except (KeyboardInterrupt, MemoryError):
                raise
            except BaseException as exc:
                tally.foreign += 1
                key = f"{target}: {type(exc).__name__} @ {_where(exc)}"
                entry = foreign.setdefault(
                    key,
                    {
                        "count": 0,
                        "first_input": i,
                        "input": _short(inp),
                        "message": str(exc)[:300],
                    },
                )
                entry["count"] += 1
            tally.seconds += time.perf_counter() - began
            if verbose:
                print(f"#{i} {target} {_short(inp, 160)}", file=sys.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    seconds = time.perf_counter() - started
    return {
        "seed": seed,
        "n": n if only is None else 1,
        "seconds": round(seconds, 2),
        "targets": {
            name: {
                "inputs": t.inputs,
                "accepted": sum(t.outcomes.values()),
                "outcomes": dict(sorted(t.outcomes.items())),
                "refused": dict(sorted(t.refused.items())),
                "foreign": t.foreign,
                "violations": t.violations,
                "seconds": round(t.seconds, 2),
            }
            for name, t in tallies.items()
            if t.inputs
        },
        "foreign": foreign,
        "violations": violations,
        "foreign_total": sum(t.foreign for t in tallies.values()),
        "violations_total": sum(t.violations for t in tallies.values()),
    }


def report(result: dict[str, Any]) -> str:
    lines = [
        f"steelbond fuzz: seed {result['seed']}, {result['n']} inputs in {result['seconds']} s",
        "",
        f"{'target':<16} {'inputs':>7} {'accepted':>9} {'refused':>8} {'foreign':>8} "
        f"{'property':>9} {'seconds':>8}",
    ]
    refusals: collections.Counter[str] = collections.Counter()
    for name, t in result["targets"].items():
        exit_2 = t["outcomes"].get("exit-2", 0)  # the command line refuses with exit code 2
        refused = sum(t["refused"].values()) + exit_2
        lines.append(
            f"{name:<16} {t['inputs']:>7} {t['accepted'] - exit_2:>9} {refused:>8} "
            f"{t['foreign']:>8} {t['violations']:>9} {t['seconds']:>8.1f}"
        )
        refusals.update(t["refused"])
        if exit_2:
            refusals["exit code 2"] += exit_2
    lines += ["", "refused with: " + ", ".join(f"{k} {v}" for k, v in sorted(refusals.items()))]
    lines += ["", f"foreign exceptions: {result['foreign_total']}"]
    for key, e in sorted(result["foreign"].items()):
        lines.append(f"  {e['count']:>6}  {key}")
        lines.append(f"          first #{e['first_input']}: {e['input']}")
        lines.append(f"          {e['message']}")
    lines += [f"property violations: {result['violations_total']}"]
    for key, e in sorted(result["violations"].items()):
        lines.append(f"  {e['count']:>6}  {key}")
        lines.append(f"          first #{e['first_input']}: {e['input']}")
        lines.append(f"          {e['detail']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="inputs to generate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", type=int, help="replay only input number ONLY")
    parser.add_argument("--json", type=Path, help="also write the result as JSON here")
    parser.add_argument("--verbose", action="store_true", help="print each input on stderr")
    args = parser.parse_args(argv)
    result = run(args.n, args.seed, args.only, args.verbose)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False), "utf-8")
    return 1 if result["foreign_total"] or result["violations_total"] else 0


if __name__ == "__main__":
    sys.exit(main())
