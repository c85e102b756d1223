"""The log: immutable, append-only, and tamper-evident."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steelbond import EventLog, testing
from steelbond.dates import parse_date
from steelbond.errors import EventError, IntegrityError
from steelbond.kinds import Retraction
from steelbond.log import GENESIS


def _log(n: int) -> EventLog:
    return EventLog().append(*(testing.sample_event(f"e{i}") for i in range(n)))


def test_append_returns_a_new_log_and_leaves_the_old_one_unchanged():
    old = _log(2)
    new = old.append(testing.sample_event("e2"))
    assert (len(old), len(new)) == (2, 3)
    assert old.head == new[1].hash
    assert [e.seq for e in new] == [0, 1, 2]


def test_each_event_links_to_the_one_before():
    log = _log(3)
    assert log[0].prev_hash == GENESIS
    assert [log[i].prev_hash for i in (1, 2)] == [log[0].hash, log[1].hash]
    log.verify()


def test_an_empty_log_has_the_genesis_head():
    assert EventLog().head == GENESIS
    EventLog().verify()


def test_ids_are_never_reused():
    with pytest.raises(EventError, match="already in the log"):
        _log(2).append(testing.sample_event("e1"))


def test_references_must_name_events_already_in_the_log():
    retraction = Retraction(
        id="r",
        date=parse_date("2013"),
        summary="withdrawn",
        citations=(testing.sample_citation(),),
        retracts="nope",
        reason="x",
    )
    with pytest.raises(EventError, match="'nope'"):
        _log(1).append(retraction)


def _tampered(log: EventLog, events: list) -> EventLog:
    return EventLog.from_events(events, log.sources, log.releases)


@settings(max_examples=50)
@given(st.integers(0, 4), st.sampled_from(["summary", "date", "quote", "partner", "seq"]))
def test_verify_names_the_first_edited_event(index, field):
    log = _log(5)
    events = list(log)
    e = events[index]
    changes = {
        "summary": {"summary": e.summary + "!"},
        "date": {"date": parse_date("2013")},
        "quote": {"citations": (testing.sample_citation("another quote"),)},
        "partner": {"partner": "JPN"},
        "seq": {"seq": (e.seq or 0) + 1},
    }[field]
    events[index] = attrs.evolve(e, **changes)
    with pytest.raises(IntegrityError) as info:
        _tampered(log, events).verify()
    assert info.value.event_id == e.id
    assert info.value.seq == index


@given(st.integers(0, 4))
def test_verify_catches_a_removed_event(index):
    log = _log(5)
    events = [e for e in log if e.seq != index]
    if index == 4:  # removing the last event leaves a valid shorter chain; the head shows it
        assert _tampered(log, events).head != log.head
        return
    with pytest.raises(IntegrityError) as info:
        _tampered(log, events).verify()
    assert info.value.seq == index


@given(st.integers(0, 3))
def test_verify_catches_swapped_neighbours(index):
    log = _log(5)
    events = list(log)
    events[index], events[index + 1] = events[index + 1], events[index]
    with pytest.raises(IntegrityError) as info:
        _tampered(log, events).verify()
    assert info.value.seq == index


@given(st.integers(0, 5))
def test_verify_catches_an_inserted_event(index):
    log = _log(5)
    intruder = EventLog().append(testing.sample_event("intruder"))[0]
    events = list(log)
    events.insert(index, attrs.evolve(intruder, seq=index))
    with pytest.raises(IntegrityError) as info:
        _tampered(log, events).verify()
    # An intruder placed first is a well-formed first event; the break shows right after it.
    assert info.value.seq == (1 if index == 0 else index)


def test_effective_drops_superseded_and_retracted_events():
    log = _log(3)
    fix = attrs.evolve(testing.sample_event("fix"), supersedes=("e0",))
    retraction = Retraction(
        id="r",
        date=parse_date("2013"),
        summary="withdrawn",
        citations=(testing.sample_citation(),),
        retracts="e1",
        reason="the source was misread",
    )
    log = log.append(fix, retraction)
    assert [e.id for e in log.effective()] == ["e2", "fix", "r"]
    assert len(log) == 5  # nothing is ever removed from the log itself


def test_an_old_release_keeps_only_its_own_events_and_the_sources_they_cite():
    first = testing.sample_event("a")
    later = attrs.evolve(
        testing.sample_event("b"), citations=(testing.sample_citation(source="new"),)
    )
    log = EventLog(
        sources=(testing.sample_source("notes"), testing.sample_source("new")),
        releases=(testing.sample_release("r1"), testing.sample_release("r2")),
    )
    log = log.append(first, release="r1").append(later, release="r2")
    old = log.release("r1")
    assert [e.id for e in old] == ["a"]
    assert [s.id for s in old.sources] == ["notes"]
    assert old.release_names() == ("r1",)
