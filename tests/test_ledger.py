"""The ledger behind the data: quotes in their sources, Parquet built from it, history pinned."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import steelbond
from steelbond import testing
from steelbond.bundled import bundled_path
from steelbond.converter import structure_event, unstructure_event
from steelbond.errors import LedgerError, StorageError
from steelbond.kinds import SCHEMA_VERSION
from steelbond.ledger import check_ledger, default_ledger_dir, read_ledger
from steelbond.storage import read_log, write_log

from .helpers import (
    reliability,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ledger():
    return read_ledger()


def test_every_citation_is_found_verbatim_in_its_source(seeds):
    assert check_ledger(seeds=seeds) == []


def test_the_quote_check_catches_a_quote_not_in_the_source(seeds, tmp_path):
    root = tmp_path / "ledger"
    root.mkdir()
    for name in ("sources.toml", "releases.toml"):
        (root / name).write_text((default_ledger_dir() / name).read_text("utf-8"), "utf-8")
    (root / "0.1.0").mkdir()
    (root / "0.1.0" / "10.toml").write_text(
        """
[[event]]
id = "fake"
kind = "context"
date = "2012"
summary = "A quote the source does not contain."
topic = "other"
[[event.citation]]
source = "reuters2023"
locator = "paragraph 1"
quote = "NATO and South Korea signed a treaty of alliance"
""",
        "utf-8",
    )
    problems = check_ledger(root, seeds)
    assert len(problems) == 1 and "fake" in problems[0] and "not found" in problems[0]


def test_the_bundled_parquet_is_exactly_what_the_ledger_builds(ledger, tmp_path):
    write_log(ledger, tmp_path / "events.parquet")
    assert (tmp_path / "events.parquet").read_bytes() == bundled_path().read_bytes()


def test_the_bundled_log_verifies_and_equals_the_ledger(ledger):
    log = read_log(bundled_path())
    log.verify()
    assert log == ledger


def test_released_events_never_change(ledger):
    pins = sorted((default_ledger_dir() / "pins").glob("*.txt"))
    assert pins, "every released data release pins its events' hashes"
    current = {e.id: (e.seq, e.hash) for e in ledger}
    for pin in pins:
        for line in pin.read_text("utf-8").splitlines():
            seq, event_id, digest = line.split()
            assert current.get(event_id) == (int(seq), digest), f"{pin.name}: {event_id} changed"


def test_every_release_has_a_folder_and_every_folder_a_release(ledger):
    folders = {p.name for p in default_ledger_dir().iterdir() if p.is_dir() and p.name != "pins"}
    assert folders == set(ledger.release_names())


def test_conflicts_name_events_on_every_side(ledger):
    conflicts = ledger.conflicts()
    assert conflicts
    for c in conflicts:
        assert len(c.events) >= 2 or len({cit.source for cit in c.citations}) >= 1
        for event_id in c.events:
            assert ledger.by_id(event_id).seq < c.seq  # type: ignore[operator]


def test_the_build_tool_reports_a_stale_parquet(tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_data.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


RELEASED = sorted((Path(__file__).parent / "data" / "releases").glob("*/events.parquet"))


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: p.parent.name)
def test_every_released_file_loads_with_the_current_code(path, ledger):
    """Each release's file as it shipped (kept in tests/data/releases) still reads and
    verifies, and says exactly what the ledger says of that release."""
    old = read_log(path)
    old.verify()
    assert [(e.id, e.hash) for e in old] == [
        (e.id, e.hash) for e in ledger.release(path.parent.name)
    ]


def test_a_row_of_an_older_schema_is_upgraded_on_read(monkeypatch):
    """The upcast path: a row written before a (hypothetical) rename still loads."""
    from steelbond import converter as conv
    from steelbond.testing import sample_event

    row = conv.unstructure_event(sample_event("old")) | {"schema_version": 0}
    row["subject"] = row.pop("topic")

    def rename_subject(old_row):
        new = dict(old_row)
        new["topic"] = new.pop("subject")
        return new

    monkeypatch.setitem(conv.UPCASTS, 0, rename_subject)
    event = conv.structure_event(row)
    assert event.topic == "other" and event.schema_version == conv.SCHEMA_VERSION


def test_the_json_lines_mirror_holds_exactly_the_parquet_log():
    from steelbond.bundled import bundled_log
    from steelbond.storage import read_json_lines

    mirror = read_json_lines(bundled_path().with_suffix(".jsonl"))
    mirror.verify()
    assert mirror == read_log(bundled_path())
    bundled_log.cache_clear()
    assert bundled_log() == mirror


def test_a_damaged_mirror_is_a_storage_error(tmp_path):
    from steelbond.storage import read_json_lines

    path = tmp_path / "events.jsonl"
    path.write_text('{"sources": []}\n{"kind": "context"}\n', "utf-8")
    with pytest.raises(StorageError, match=str(path)):
        read_json_lines(path)


_SOURCES = """
[[source]]
id = "notes"
kind = "analysis"
author = ""
title = "Research notes"
title_english = "Research notes"
publisher = ""
date = "2026"
language = "en"
license = "CC BY 4.0"
"""


_RELEASES = """
[[release]]
name = "r1"
date = "2026-01-01"
coverage_end = "2026-01-31"
"""


def _event_toml(event_id: str, extra: str = "", kind: str = "context", cite: bool = True) -> str:
    body = f'\n[[event]]\nid = "{event_id}"\nkind = "{kind}"\ndate = "2012"\n'
    body += 'summary = "An event."\n'
    body += 'topic = "other"\n' if kind == "context" else ""
    body += extra
    if cite:
        body += '\n[[event.citation]]\nsource = "notes"\nlocator = "p. 1"\nquote = "a quote"\n'
    return body


def _ledger(root: Path, events: str | bytes, sources: str = _SOURCES, releases: str = _RELEASES):
    (root / "r1").mkdir(parents=True)
    (root / "sources.toml").write_text(sources, "utf-8")
    (root / "releases.toml").write_text(releases, "utf-8")
    path = root / "r1" / "10-events.toml"
    if isinstance(events, str):
        events = events.encode("utf-8")
    path.write_bytes(events)
    return path


@reliability
def test_a_well_formed_ledger_reads(tmp_path):
    _ledger(tmp_path, _event_toml("e1") + _event_toml("e2"))
    log = read_ledger(tmp_path)
    log.verify()
    assert [e.id for e in log] == ["e1", "e2"]


_JOINED = 'operation = "ISAF"\npersonnel = true\n'


@reliability
@pytest.mark.parametrize(
    ("fault", "second", "words"),
    [
        ("missing field", _event_toml("e2").replace('summary = "An event."\n', ""), "summary"),
        ("unknown kind", _event_toml("e2", kind="coup"), "unknown kind 'coup'"),
        ("wrong type", _event_toml("e2").replace('"An event."', "5"), "expected a string"),
        ("wrong type", _event_toml("e2", _JOINED, "operation_joined"), "an integer"),
        ("unknown field", _event_toml("e2", "colour = 'red'\n"), "colour"),
        ("duplicate id", _event_toml("e1"), "'e1' is already in the log"),
        (
            "unknown source",
            _event_toml("e2").replace('source = "notes"', 'source = "nope"'),
            "unknown source 'nope'",
        ),
        ("no citation", _event_toml("e2", cite=False), "citation"),
        ("bad date", _event_toml("e2").replace('"2012"', '"2023-02-30"'), "2023-02-30"),
        ("newer schema", _event_toml("e2", f"schema_version = {SCHEMA_VERSION + 1}\n"), "newer"),
        ("dangling reference", _event_toml("e2", 'supersedes = ["zz"]\n'), "'zz'"),
        ("sets its release", _event_toml("e2", 'release = "r9"\n'), "release"),
    ],
)
def test_a_faulty_ledger_event_is_a_ledger_error_naming_file_and_event(
    tmp_path, fault, second, words
):
    path = _ledger(tmp_path, _event_toml("e1") + second)
    with pytest.raises(LedgerError) as info:
        read_ledger(tmp_path)
    message = str(info.value)
    assert info.value.path == str(path)
    assert path.name in message and ("'e2'" in message or fault == "duplicate id"), message
    assert words in message, message


@reliability
def test_unreadable_toml_is_a_ledger_error_naming_the_file(tmp_path):
    path = _ledger(tmp_path, _event_toml("e1") + "\n[[event]\nid = 'e2'\n")
    with pytest.raises(LedgerError) as info:
        read_ledger(tmp_path)
    assert info.value.path == str(path) and str(path) in str(info.value)


@reliability
@pytest.mark.parametrize(
    ("file", "text"),
    [
        ("r1/10-events.toml", "event = 5\n"),
        ("r1/10-events.toml", "event = 'abc'\n"),
        ("r1/10-events.toml", "event = [1, 2]\n"),
        ("sources.toml", "source = 5\n"),
        ("sources.toml", "source = ['notes']\n"),
        ("releases.toml", "release = 5\n"),
    ],
)
def test_ledger_tables_of_the_wrong_shape_are_ledger_errors(tmp_path, file, text):
    _ledger(tmp_path, _event_toml("e1"))
    (tmp_path / file).write_text(text, "utf-8")
    with pytest.raises(LedgerError) as info:
        read_ledger(tmp_path)
    assert info.value.path == str(tmp_path / file)


@reliability
@pytest.mark.parametrize("version", [0, -1])
def test_an_impossible_old_schema_version_is_refused(tmp_path, version):
    row = unstructure_event(testing.sample_event("x")) | {"schema_version": version}
    with pytest.raises(steelbond.errors.EventError, match="schema version"):
        structure_event(row)
    _ledger(tmp_path, _event_toml("e1", f"schema_version = {version}\n"))
    with pytest.raises(LedgerError):
        read_ledger(tmp_path)


@reliability
@pytest.mark.parametrize("file", ["sources.toml", "releases.toml"])
def test_a_faulty_source_or_release_names_its_file(tmp_path, file):
    _ledger(tmp_path, _event_toml("e1"))
    text = (tmp_path / file).read_text("utf-8")
    (tmp_path / file).write_text(text.replace('date = "20', 'dated = "20'), "utf-8")
    with pytest.raises(LedgerError) as info:
        read_ledger(tmp_path)
    assert file in str(info.value) and info.value.path == str(tmp_path / file)


@reliability
def test_an_event_with_an_empty_citation_list_is_refused(tmp_path):
    _ledger(tmp_path, _event_toml("e1", "citation = []\n", cite=False))
    with pytest.raises(LedgerError, match="citation"):
        read_ledger(tmp_path)


@reliability
def test_a_string_is_not_silently_split_into_a_tuple(tmp_path):
    row = unstructure_event(testing.sample_event("x"))
    del row["topic"]
    row |= {"kind": "programme_signed", "programme": "IPCP", "areas": "cyber"}
    with pytest.raises(steelbond.errors.EventError, match="areas"):
        structure_event(row)
    extra = 'programme = "IPCP"\nareas = "cyber"\n'
    _ledger(tmp_path, _event_toml("e1", extra, kind="programme_signed"))
    with pytest.raises(LedgerError, match="areas"):
        read_ledger(tmp_path)


@reliability
def test_a_ledger_file_that_is_not_utf8_is_a_ledger_error(tmp_path):
    path = _ledger(tmp_path, _event_toml("e1").encode("utf-8").replace(b"An event", b"An \xff"))
    with pytest.raises(LedgerError) as info:
        read_ledger(tmp_path)
    assert info.value.path == str(path)
