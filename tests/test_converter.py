"""The one converter: events to rows and back, losslessly, for every kind."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steelbond import EventLog, testing
from steelbond.converter import canonical_bytes, structure_event, unstructure_event
from steelbond.errors import EventError
from steelbond.formats.parquet import log_from_table, log_to_table
from steelbond.kinds import KINDS
from steelbond.log import _references

from .strategies import any_event, events_of


@pytest.mark.parametrize("kind", sorted(KINDS))
@settings(max_examples=25)
@given(data=st.data())
def test_every_kind_round_trips_through_a_plain_row(kind, data):
    event = data.draw(events_of(KINDS[kind]))
    row = unstructure_event(event)
    assert row["kind"] == kind
    assert structure_event(row) == event


@settings(max_examples=60)
@given(st.lists(any_event, min_size=1, max_size=6, unique_by=lambda e: e.id))
def test_logs_of_mixed_kinds_round_trip_through_arrow(events):
    ids = {e.id for e in events}
    refs = {r for e in events for r in _references(e)} - ids
    targets = [testing.sample_event(r) for r in sorted(refs)]
    log = EventLog(releases=(testing.sample_release(),)).append(*targets, *events, release="mine-1")
    back = log_from_table(log_to_table(log))
    assert list(back) == list(log)
    assert back.releases == log.releases
    back.verify()


def test_canonical_encoding_leaves_out_the_hash_but_keeps_the_link():
    event = EventLog().append(testing.sample_event("a"))[0]
    assert event.hash and event.hash not in canonical_bytes(event).decode()
    assert b'"prev_hash"' in canonical_bytes(event)


def test_an_optional_field_at_its_default_leaves_the_hash_unchanged():
    """Fields added later (like ProgrammeSigned.term, new in 0.2.0) keep old hashes valid."""
    from steelbond.dates import parse_date
    from steelbond.kinds import ProgrammeSigned

    kwargs = {
        "id": "p",
        "date": parse_date("2012-09"),
        "summary": "s",
        "citations": (testing.sample_citation(),),
        "programme": "IPCP",
    }
    plain = canonical_bytes(ProgrammeSigned(**kwargs))
    assert b"term" not in plain
    assert canonical_bytes(ProgrammeSigned(**kwargs, term="2023/2026")) != plain


def test_an_unknown_kind_is_named_in_the_error():
    row = unstructure_event(testing.sample_event("a")) | {"kind": "coup"}
    with pytest.raises(EventError, match="unknown kind 'coup'") as info:
        structure_event(row)
    assert info.value.event_id == "a"


def test_a_missing_field_is_named():
    row = unstructure_event(testing.sample_event("a"))
    del row["topic"]
    with pytest.raises(EventError, match="missing field 'topic'"):
        structure_event(row)


@pytest.mark.parametrize(
    ("field", "value"),
    [("topic", 5), ("summary", None), ("partner", b"KOR"), ("date", 2012), ("schema_version", "1")],
)
def test_a_wrongly_typed_field_is_not_coerced(field, value):
    row = unstructure_event(testing.sample_event("a")) | {field: value}
    with pytest.raises(EventError, match="'a'"):
        structure_event(row)


def test_an_unknown_field_is_refused_in_the_ledger():
    row = unstructure_event(testing.sample_event("a")) | {"topc": "typo"}
    with pytest.raises(EventError, match="topc"):
        structure_event(row)


def test_a_row_from_a_newer_schema_is_refused_with_advice():
    row = unstructure_event(testing.sample_event("a")) | {"schema_version": 99}
    with pytest.raises(EventError, match="upgrade steelbond"):
        structure_event(row)
