"""A log as one Parquet file: lossless and deterministic, and every damage or edit of the
file refused or caught."""

from __future__ import annotations

import collections
import functools
import random
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import attrs
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import steelbond
from steelbond import EventLog, testing
from steelbond.errors import IntegrityError, StorageError, shown
from steelbond.formats import parquet
from steelbond.kinds import KINDS, SCHEMA_VERSION, CitationAdded
from steelbond.storage import read_log, write_log

from .helpers import (
    FLIPS,
    MUTATIONS,
    reliability,
    small_log,
)
from .strategies import date_texts


@reliability
@settings(max_examples=10, deadline=None)
@given(st.lists(date_texts(), min_size=1, max_size=40))
def test_every_accepted_date_form_round_trips_through_parquet(texts):
    log = EventLog().append(*(testing.sample_event(f"e{i}", t) for i, t in enumerate(texts)))
    with tempfile.TemporaryDirectory() as tmp:
        write_log(log, Path(tmp) / "log.parquet")
        back = read_log(Path(tmp) / "log.parquet")
    back.verify()
    assert [e.date for e in back] == [steelbond.parse_date(t) for t in texts]


def _rewrite(path: Path, change) -> None:
    """Rewrite a stored log's rows (with its schema and metadata) through ``change``."""
    table = pq.read_table(path)
    rows = table.to_pylist()
    schema = change(rows, table.schema) or table.schema
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)


def _set(index: int, **values):
    def change(rows, schema):
        rows[index].update(values)

    return change


def _drop_column(name: str):
    def change(rows, schema):
        for row in rows:
            del row[name]
        return schema.remove(schema.get_field_index(name))

    return change


def _no_metadata(rows, schema):
    return schema.remove_metadata()


def _duplicate_row(rows, schema):
    rows.append(dict(rows[1]))


def _seq_as_text(rows, schema):
    for row in rows:
        row["seq"] = str(row["seq"])
    return schema.set(schema.get_field_index("seq"), pa.field("seq", pa.string()))


@reliability
@pytest.mark.parametrize(
    ("fault", "change", "words"),
    [
        ("missing column", _drop_column("summary"), "not a steelbond log"),
        ("missing metadata", _no_metadata, "not a steelbond log"),
        ("unknown kind", _set(2, kind="coup"), "unknown kind 'coup'"),
        ("missing field", _set(2, summary=None), "e2"),
        ("wrong type", _seq_as_text, "seq"),
        ("duplicate id", _duplicate_row, "repeats event id 'e1'"),
        ("newer schema", _set(2, schema_version=SCHEMA_VERSION + 1), "newer"),
        ("bad date", _set(2, date={"text": "2012", "precision": "day"}), "e2"),
        ("bad citation", _set(2, citations=[{"source": None}]), "e2"),
    ],
)
def test_a_damaged_parquet_log_is_a_storage_error_naming_the_file(tmp_path, fault, change, words):
    path = tmp_path / "log.parquet"
    write_log(small_log(), path)
    _rewrite(path, change)
    with pytest.raises(StorageError) as info:
        read_log(path)
    assert info.value.path == str(path) and str(path) in str(info.value)
    assert words in str(info.value)


@reliability
def test_a_truncated_parquet_log_is_refused_at_every_cut(tmp_path):
    path = tmp_path / "log.parquet"
    write_log(small_log(), path)
    data = path.read_bytes()
    rng = random.Random(2)
    cuts = sorted({0, 1, 4, len(data) - 1, len(data) - 8, *rng.sample(range(len(data)), 60)})
    for cut in cuts:
        path.write_bytes(data[:cut])
        with pytest.raises(StorageError) as info:
            read_log(path)
        assert info.value.path == str(path)


def _outcome(path: Path, original: EventLog) -> tuple[str, BaseException | None]:
    """How reading a possibly damaged log ends: refused, unverifiable, the same, or changed."""
    try:
        log = read_log(path)
    except StorageError as exc:
        return "storage", exc
    except Exception as exc:  # a foreign exception: a bug
        return f"foreign {type(exc).__name__}", exc
    try:
        log.verify()
    except IntegrityError as exc:
        assert exc.event_id == log[exc.seq].id and shown(exc.event_id) in str(exc)
        return "integrity", exc
    if log.head != original.head:
        return "head", None
    if tuple(log) != tuple(original):
        return "MISSED", None
    if (log.sources, log.releases) != (original.sources, original.releases):
        return "metadata-only", None
    return "unchanged", None


@reliability
def test_flipped_bytes_are_refused_or_fail_verification(tmp_path):
    """Random single-bit flips anywhere in the file: each is refused, fails verification or
    changes nothing the log holds, and none escapes as a foreign exception (bugs J and K, an
    OverflowError and a UnicodeDecodeError, are fixed; their own tests below pin them)."""
    original = small_log(8)
    path = tmp_path / "log.parquet"
    write_log(original, path)
    data = path.read_bytes()
    rng = random.Random(3)
    counts: collections.Counter[str] = collections.Counter()
    for _ in range(FLIPS):
        buf = bytearray(data)
        buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(buf))
        outcome, exc = _outcome(path, original)
        counts[outcome] += 1
        if outcome == "storage":
            assert str(path) in str(exc)
    print(f"\n{FLIPS} bit flips: {dict(sorted(counts.items()))}")
    assert counts["MISSED"] == 0
    assert not [k for k in counts if k.startswith("foreign")], counts
    assert counts["storage"] + counts["integrity"] > FLIPS // 2


@reliability
def test_an_impossible_date_in_the_file_is_a_storage_error(tmp_path):
    table = parquet.log_to_table(small_log())
    i = table.schema.get_field_index("date")
    dates = table.column("date").combine_chunks()
    huge = pa.array([2**31 - 1] * len(table), pa.int32()).cast(pa.date32())
    fields = [dates.type.field(k) for k in range(dates.type.num_fields)]
    parts = [dates.field("text"), dates.field("precision"), huge, dates.field("latest")]
    struct = pa.StructArray.from_arrays(parts, fields=fields)
    pq.write_table(table.set_column(i, table.schema.field(i), struct), tmp_path / "log.parquet")
    with pytest.raises(StorageError):
        read_log(tmp_path / "log.parquet")


@reliability
def test_a_column_name_that_is_not_utf8_is_a_storage_error(tmp_path):
    original = small_log()
    path = tmp_path / "log.parquet"
    write_log(original, path)
    data = path.read_bytes()
    for match in re.finditer(b"summary", data):
        damaged = bytearray(data)
        damaged[match.start()] = 0xFF
        path.write_bytes(bytes(damaged))
        assert _outcome(path, original)[0] in ("storage", "integrity", "unchanged")


@functools.cache
def _varied_log() -> EventLog:
    """Up to two events of every kind from the bundled data, references cut, re-chained."""
    bundled = steelbond.bundled_log()
    chosen: list[steelbond.kinds.Event] = []
    per_kind: collections.Counter[str] = collections.Counter()
    for e in bundled:
        kind = type(e).kind
        if kind == "retraction" or per_kind[kind] >= 2:
            continue
        e = attrs.evolve(e, supersedes=(), same_as=None, seq=None, prev_hash=None, hash=None)
        if isinstance(e, steelbond.kinds.Conflict):
            if len(chosen) < 2:
                continue
            e = attrs.evolve(e, events=(chosen[0].id, chosen[1].id))
        if isinstance(e, CitationAdded):
            if not chosen:
                continue
            e = attrs.evolve(e, adds_to=chosen[0].id)
        per_kind[kind] += 1
        chosen.append(e)
    return EventLog(sources=bundled.sources, releases=bundled.releases).append(*chosen)


def _changed(rng: random.Random, value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice((1, -1))
    if isinstance(value, float):
        return value + rng.choice((1.0, -0.5))
    if isinstance(value, str):
        if value and rng.random() < 0.5:
            i = rng.randrange(len(value))
            return value[:i] + ("x" if value[i] != "x" else "y") + value[i + 1 :]
        return value + rng.choice((" ", ".", "x"))
    if isinstance(value, list):
        return [*value, "x"] if not value or isinstance(value[0], str) else value[:-1]
    return "x"


def _tamper(rng: random.Random, path: Path, log: EventLog, how: str) -> int | None:
    """Apply one edit of kind ``how`` to the stored log; the index of the first event it
    breaks, or None when the break shows only in the head (or is unknown: a byte flip)."""
    n = len(log)
    if how == "byte":
        data = bytearray(path.read_bytes())
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))
        return None
    if how in ("rechain", "append-forged"):
        events = list(log)
        if how == "rechain":  # edit one event and recompute every hash from there on
            i = rng.randrange(n)
            events[i] = attrs.evolve(events[i], summary=events[i].summary + "!")
        fresh = [attrs.evolve(e, seq=None, prev_hash=None, hash=None) for e in events]
        forged = EventLog(sources=log.sources, releases=log.releases).append(*fresh)
        if how == "append-forged":
            forged = forged.append(testing.sample_event("forged"))
        write_log(forged, path)
        return None
    table = pq.read_table(path)
    rows = table.to_pylist()
    i = rng.randrange(n)
    expected: int | None = i
    if how == "field":
        names = [a.name for a in attrs.fields(KINDS[rows[i]["kind"]])]
        name = rng.choice([*(x for x in names if x not in ("date", "citations")), "kind"])
        if name == "kind":
            rows[i]["kind"] = rng.choice(sorted(set(KINDS) - {rows[i]["kind"]}))
        elif rows[i][name] is None:
            if not pa.types.is_string(table.schema.field(name).type):
                return _tamper(rng, path, log, how)
            rows[i][name] = "x"
        else:
            rows[i][name] = _changed(rng, rows[i][name])
    elif how == "date":
        while True:
            d = steelbond.parse_date(rng.choice(("2011", "2013-05", "2019-autumn", "../2000")))
            if d.text != rows[i]["date"]["text"]:
                break
        rows[i]["date"] = {
            "text": d.text,
            "precision": d.precision.value,
            "earliest": d.earliest,
            "latest": d.latest,
        }
    elif how == "quote":
        cites = rows[i]["citations"]
        k = rng.randrange(len(cites))
        cites[k]["quote"] = _changed(rng, cites[k]["quote"])
    elif how == "reorder":
        j = rng.randrange(n - 1)
        j += j >= i  # another row
        i, j = min(i, j), max(i, j)
        if rng.random() < 0.5:
            rows[i], rows[j] = rows[j], rows[i]
        else:
            rows.insert(j, rows.pop(i))
        expected = i
    elif how == "delete":
        del rows[i]
        expected = None if i == n - 1 else i  # the last one: a shorter valid chain
    elif how == "insert":
        intruder = dict(rows[rng.randrange(n)])
        intruder["id"] = intruder["id"] + "-intruder"
        intruder["seq"] = i
        rows.insert(i, intruder)
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
    return expected


TAMPERING = (
    "field",
    "date",
    "quote",
    "byte",
    "reorder",
    "delete",
    "insert",
    "rechain",
    "append-forged",
)


@reliability
def test_every_single_edit_of_a_stored_log_is_caught(tmp_path):
    """Reading raises StorageError, or verify() raises IntegrityError naming the first bad
    event, or (deleting the last event, re-chaining, appending a forged event) the head
    differs from the head recorded when the log was written."""
    log = _varied_log()
    base = tmp_path / "base.parquet"
    write_log(log, base)
    path = tmp_path / "log.parquet"
    rng = random.Random(4)
    tally: dict[str, collections.Counter[str]] = {how: collections.Counter() for how in TAMPERING}
    for k in range(MUTATIONS):
        how = TAMPERING[k % len(TAMPERING)]
        shutil.copyfile(base, path)
        expected = _tamper(rng, path, log, how)
        outcome, exc = _outcome(path, log)
        tally[how][outcome] += 1
        if outcome == "integrity" and expected is not None:
            assert isinstance(exc, IntegrityError)
            assert exc.seq == expected, (how, str(exc))
    lines = [f"{how:14} {dict(sorted(c.items()))}" for how, c in tally.items()]
    total = collections.Counter()
    for c in tally.values():
        total.update(c)
    edits = sum(total.values()) - total["unchanged"] - total["metadata-only"]
    caught = total["storage"] + total["integrity"] + total["head"]
    print(f"\n{MUTATIONS} edits, caught {caught}/{edits}:\n" + "\n".join(lines))
    assert total["MISSED"] == 0 and not any(k.startswith("foreign") for k in total)
    assert caught == edits
    for how in ("rechain", "append-forged"):
        assert set(tally[how]) == {"head"}, "these keep a valid chain: only the head shows them"
    for how in ("field", "date", "quote", "reorder", "insert"):
        assert tally[how]["storage"] + tally[how]["integrity"] == sum(tally[how].values())


@reliability
def test_deleting_the_last_event_is_caught_by_the_seal(tmp_path):
    """The chain alone cannot see a missing last event (a shorter chain is valid); the seal
    over the head, sources and releases in the file's metadata does."""
    log = small_log()
    path = tmp_path / "log.parquet"
    write_log(log, path)
    _rewrite(path, lambda rows, schema: rows.pop() and None)
    with pytest.raises(StorageError, match="seal"):
        read_log(path)


@reliability
def test_editing_a_release_or_source_in_the_file_is_caught(tmp_path):
    log = small_log()
    path = tmp_path / "log.parquet"
    write_log(log, path)
    data = path.read_bytes()
    assert data.count(b"2026-01-31") == 1  # the release's coverage_end, in the metadata
    path.write_bytes(data.replace(b"2026-01-31", b"2126-01-31"))
    outcome, _ = _outcome(path, log)
    # now steelbond would answer for 2126 without a word: state_at extrapolates a century
    assert outcome in ("storage", "integrity", "head")


def test_the_same_log_always_gives_the_same_bytes(tmp_path: Path):
    write_log(small_log(3), tmp_path / "a.parquet")
    write_log(small_log(3), tmp_path / "b.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()


def test_a_parquet_file_that_is_not_a_log_is_refused(tmp_path: Path):
    pq.write_table(pa.table({"x": [1]}), tmp_path / "other.parquet")
    with pytest.raises(StorageError, match="not a steelbond log"):
        read_log(tmp_path / "other.parquet")


def test_the_bytes_written_are_the_bytes_of_to_bytes(tmp_path: Path):
    write_log(small_log(3), tmp_path / "log.parquet")
    assert (tmp_path / "log.parquet").read_bytes() == parquet.to_bytes(small_log(3))
