"""The cold path: a state query about the bundled data answers from the timelines shipped
already replayed (``data/timeline.json``, see ``steelbond.formats.timeline``), exactly as a
replay of the bundled log would, and never from a file built from other data."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import steelbond
from steelbond import bundled
from steelbond.bundled import TIMELINE_FILE, bundled_log, bundled_path, bundled_timeline
from steelbond.errors import OutOfCoverageError, UnknownReleaseError
from steelbond.formats import timeline as snapshot
from steelbond.formats.jsonl import write as write_json_lines  # unguarded: a stale install
from steelbond.replay import replay
from steelbond.state import Basis, Meeting, Operation, Programme, State, Summit

from .test_replay import state_logs

HEAVY = (
    "cattrs",
    "steelbond.converter",
    "steelbond.kinds",
    "steelbond.log",
    "steelbond.replay",
    "steelbond.storage",
    "steelbond.formats.parquet",
    "steelbond.formats.jsonl",
    "steelbond.formats.folder",
    "steelbond.build",
    "steelbond.ledger",
    "pyarrow",
    "numpy",
    "duckdb",
)
RELEASES = (None, *bundled_log().release_names())
COVERAGE = (replay(bundled_log()).coverage_start, replay(bundled_log()).coverage_end)


def _clear() -> None:
    bundled_log.cache_clear()
    bundled_timeline.cache_clear()


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the bundled data folder that steelbond takes for its bundled data."""
    folder = tmp_path / "package" / "data"
    folder.mkdir(parents=True)
    source = bundled_path().parent
    for name in ("events.parquet", "events.parquet.sha256", "events.jsonl", TIMELINE_FILE):
        shutil.copyfile(source / name, folder / name)
    monkeypatch.setattr(bundled, "bundled_path", lambda: folder / "events.parquet")
    _clear()
    yield folder
    _clear()


def _edit_timelines(folder: Path, edit) -> None:
    path = folder / TIMELINE_FILE
    document = json.loads(path.read_bytes())
    edit(document)
    path.write_text(json.dumps(document), "utf-8")


# --- what a cold query loads --------------------------------------------------------------


@pytest.mark.parametrize("release", RELEASES)
def test_a_cold_state_query_loads_neither_cattrs_nor_the_event_kinds_nor_pyarrow(release):
    code = (
        f"import sys, steelbond; s = steelbond.state_at('2015-06-30', as_of_release={release!r})"
        f"; print(s.designation.value, sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    want = replay(bundled_log(), release).state_at("2015-06-30").designation.value
    assert out.stdout.split() == [want, "[]"]


def test_nothing_public_moved_with_the_state_classes():
    import steelbond.designation
    import steelbond.kinds
    import steelbond.replay
    import steelbond.state

    assert steelbond.Designation is steelbond.kinds.Designation
    assert steelbond.kinds.Designation is steelbond.designation.Designation
    for name in ("State", "Programme", "Operation", "Summit", "Meeting", "Basis", "Timeline"):
        assert getattr(steelbond, name) is getattr(steelbond.replay, name), name
        assert getattr(steelbond, name) is getattr(steelbond.state, name), name


# --- the shipped timelines are the replay's -------------------------------------------------


@pytest.mark.parametrize("release", RELEASES)
def test_every_shipped_timeline_is_the_replay_of_the_bundled_log(release):
    shipped = bundled_timeline(release)
    assert shipped is not None
    assert shipped == replay(bundled_log(), release)


def _answer(day: dt.date, **kwargs) -> object:
    try:
        return steelbond.state_at(day, **kwargs)
    except OutOfCoverageError as exc:
        return str(exc)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(RELEASES),
    st.dates(COVERAGE[0] - dt.timedelta(days=400), COVERAGE[1] + dt.timedelta(days=400)),
)
def test_state_at_from_the_file_equals_state_at_by_replay(release, day):
    from_file = _answer(day, as_of_release=release)
    by_replay = _answer(day, as_of_release=release, log=bundled_log())
    assert from_file == by_replay


@settings(max_examples=100, deadline=None)
@given(state_logs())
def test_decoding_inverts_encoding_for_any_replayed_log(log):
    timeline = replay(log)
    stored = json.loads(json.dumps(snapshot.encode_timeline(timeline)))
    assert snapshot.decode_timeline(stored) == timeline


def test_the_decoder_names_every_field_of_the_state_classes():
    def names(cls: type) -> set[str]:
        return {f.name for f in attrs.fields(cls)}

    assert set(snapshot.PROGRAMME) == names(Programme)
    assert set(snapshot.OPERATION) == names(Operation)
    assert set(snapshot.SUMMIT) == names(Summit)
    assert set(snapshot.MEETING) == names(Meeting)
    assert {*snapshot.STATE, *snapshot.STATE_GROWN, "basis"} == names(State)
    assert set(snapshot.BASIS_GROWN) == names(Basis)


def test_the_file_records_the_log_it_was_replayed_from():
    document = json.loads((bundled_path().parent / TIMELINE_FILE).read_bytes())
    assert document["log"] == "events.jsonl"
    assert document["latest"] == bundled_log().releases[-1].name
    assert sorted(document["timelines"]) == sorted(bundled_log().release_names())


def test_an_unknown_release_is_still_an_error():
    with pytest.raises(UnknownReleaseError, match=r"unknown data release '9\.9'"):
        steelbond.state_at("2015-06-30", as_of_release="9.9")


# --- a file that cannot be trusted is not believed ----------------------------------------


def test_a_copy_of_the_data_is_believed(data_copy):
    assert bundled_timeline() is not None
    assert bundled_timeline() == replay(bundled_log())


def test_a_stale_timeline_file_is_refused_and_the_log_replayed(data_copy):
    # The log now holds release 0.1.0 only; timeline.json is still the full log's.
    older = bundled_log().release("0.1.0")
    write_json_lines(older, data_copy / "events.jsonl")
    _clear()
    assert bundled_timeline() is None
    assert bundled_timeline("0.1.0") is None
    state = steelbond.state_at("2023-06-30")
    assert state == replay(older).state_at("2023-06-30")
    assert state.release == "0.1.0"  # the stale file would have said 0.2.0


def _drop_release(document: dict) -> None:
    del document["timelines"]["0.1.0"]


def _string_for_an_int(document: dict) -> None:
    document["timelines"]["0.1.0"]["states"][-1]["arms_deals"] = "4"


def _unknown_field(document: dict) -> None:
    document["timelines"]["0.1.0"]["states"][0]["mood"] = "cordial"


def _newer_format(document: dict) -> None:
    document["format"] += 1


@pytest.mark.parametrize(
    "damage", [_drop_release, _string_for_an_int, _unknown_field, _newer_format]
)
def test_a_timeline_the_decoder_cannot_trust_is_replayed_instead(data_copy, damage):
    _edit_timelines(data_copy, damage)
    assert bundled_timeline("0.1.0") is None
    state = steelbond.state_at("2023-06-30", as_of_release="0.1.0")
    assert state == replay(bundled_log(), "0.1.0").state_at("2023-06-30")


@pytest.mark.parametrize("content", [None, b"", b'{"format": 1', b"[]"])
def test_a_missing_or_unreadable_timeline_file_is_replayed_instead(data_copy, content):
    path = data_copy / TIMELINE_FILE
    if content is None:
        path.unlink()
    else:
        path.write_bytes(content)
    assert bundled_timeline() is None
    assert steelbond.state_at("2015-06-30") == replay(bundled_log()).state_at("2015-06-30")


def test_verify_catches_a_timeline_file_that_does_not_answer_as_replay(data_copy, capsys):
    from steelbond import cli

    latest = RELEASES[-1]

    def tamper(document: dict) -> None:
        assert document["latest"] == latest
        document["timelines"][latest]["states"][-1]["arms_deals"] = 999

    _edit_timelines(data_copy, tamper)  # the recorded checksum still matches: believed
    assert bundled_timeline() is not None
    with pytest.raises(SystemExit) as exit_info:
        cli._verify(argparse.Namespace())
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "timeline.json does not hold the replayed timeline of the whole log" in err
    assert f"release {latest}" in err
    assert "release 0.1.0" not in err
