"""A log as JSON lines: deterministic, and a damaged file refused naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from steelbond.errors import StorageError
from steelbond.formats import jsonl
from steelbond.storage import read_json_lines, write_json_lines

from .helpers import small_log


def test_the_same_log_always_gives_the_same_bytes(tmp_path: Path):
    write_json_lines(small_log(3), tmp_path / "a.jsonl")
    write_json_lines(small_log(3), tmp_path / "b.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert (tmp_path / "a.jsonl").read_bytes() == jsonl.to_bytes(small_log(3))


def test_a_header_line_then_one_line_per_event_with_the_date_as_its_text(tmp_path: Path):
    log = small_log(2)
    header, *events = (json.loads(line) for line in jsonl.to_bytes(log).splitlines())
    assert set(header) == {"sources", "releases"}
    assert [(e["id"], e["date"]) for e in events] == [(e.id, e.date.text) for e in log]


@pytest.mark.parametrize(
    "damage",
    [
        lambda lines: [*lines[:1], b"{not json", *lines[2:]],
        lambda lines: [b'{"sources": []}', *lines[1:]],
        lambda lines: [*lines[:1], lines[1].replace(b'"kind": "context"', b'"kind": "coup"')],
        lambda lines: [],
    ],
    ids=["bad json", "header lacks releases", "unknown kind", "empty"],
)
def test_a_damaged_file_is_a_storage_error_naming_it(tmp_path: Path, damage):
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"\n".join(damage(jsonl.to_bytes(small_log(2)).splitlines())) + b"\n")
    with pytest.raises(StorageError) as info:
        read_json_lines(path)
    assert info.value.path == str(path) and str(path) in str(info.value)
