"""The ledger behind the data: quotes in their sources, Parquet built from it, history pinned."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from steelbond.bundled import bundled_path
from steelbond.errors import StorageError
from steelbond.ledger import check_ledger, default_ledger_dir, read_ledger
from steelbond.storage import read_log, write_log

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
        (e.id, e.hash) for e in ledger.as_of_release(path.parent.name)
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
