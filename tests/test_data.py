"""The shipped data answers the questions researchers ask of the five source documents.

The expected answers are read from the five documents (quoted beside each test), not from
the ledger, so a wrong or missing event fails here. Release 0.1.0 is the release built on
those documents, so the questions are asked of it (``as_of_release="0.1.0"``); what later
releases changed is tested in test_release_0_2_0.py.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import steelbond
from steelbond import Designation
from steelbond.converter import converter

FACTS = Path(__file__).parent / "data" / "facts.toml"


RELEASE = "0.1.0"


def state(day: str) -> steelbond.State:
    return steelbond.state_at(day, as_of_release=RELEASE)


@pytest.mark.parametrize(
    ("day", "designation"),
    [
        ("2003-06-30", Designation.NONE),  # before Istanbul 2004
        ("2005-06-30", Designation.CONTACT_COUNTRY),  # Istanbul 2004: "контакт-земље"
        ("2007-06-30", Designation.CONTACT_COUNTRY),  # Riga 2006
        ("2009-06-30", Designation.GLOBAL_PARTNER),  # Bucharest 2008, paragraph 35
        ("2015-06-30", Designation.GLOBAL_PARTNER),
        ("2025-06-30", Designation.GLOBAL_PARTNER),
    ],
)
def test_the_designation_at_dates_from_2003_to_2025(day, designation):
    assert state(day).designation is designation


@pytest.mark.parametrize(
    ("day", "in_isaf"),
    [
        ("2003-06-30", True),  # ISAF "од 2002. до 2007."
        ("2006-06-30", True),
        ("2009-06-30", False),  # withdrawn 2007, rejoined 2010
        ("2011-06-30", True),  # "од 2010. до 2013."
        ("2014-06-30", False),
    ],
)
def test_whether_south_korea_was_in_isaf(day, in_isaf):
    assert ("ISAF" in [o.name for o in state(day).operations]) is in_isaf


def test_the_programme_over_time():
    assert state("2012-08-31").programme is None
    ipcp = state("2012-10-01").programme  # MOFA: "2012.9월 최초 체결"
    assert ipcp is not None and ipcp.name == "IPCP" and ipcp.revisions == 0
    assert state("2018-01-01").programme.revisions == 1  # type: ignore[union-attr]
    assert state("2020-01-01").programme.revisions == 2  # type: ignore[union-attr]
    assert state("2023-07-12").programme.name == "ITPP"  # type: ignore[union-attr]


def test_when_the_mission_to_nato_opened():
    assert not state("2022-08-31").mission_to_nato
    autumn = state("2022-10-15")  # "autumn 2022": not yet certain in October
    assert not autumn.mission_to_nato and "mission_to_nato" in autumn.uncertain_fields
    assert state("2022-12-01").mission_to_nato


@pytest.mark.parametrize(
    ("day", "count"),
    [("2022-06-28", 0), ("2022-12-31", 1), ("2023-07-12", 2), ("2024-12-31", 3), ("2025-12-31", 4)],
)
def test_how_many_summits_it_had_attended(day, count):
    assert len(state(day).summits) == count


def test_summits_are_listed_oldest_first_once_each():
    names = [s.name for s in state("2025-12-31").summits]
    assert names == ["Madrid", "Vilnius", "Washington", "The Hague"]


def test_political_dialogue_dates_from_2005():
    since = state("2010-01-01").dialogue_since
    assert since is not None and since.latest is not None and since.latest.year == 2005


def test_the_polish_deal_disagreement_is_listed_with_both_sources():
    conflicts = steelbond.conflicts(as_of_release=RELEASE)
    log = steelbond.bundled_log()
    polish = [
        c
        for c in conflicts
        if any(getattr(log.by_id(i), "buyer", None) == "POL" for i in c.events)
        and {cit.source for i in c.events for cit in log.by_id(i).citations}
        >= {"simikic2026", "gaens2023"}
    ]
    assert polish


def test_context_events_can_be_left_out():
    everything = steelbond.events(as_of_release=RELEASE)
    core = steelbond.events(include_context=False, as_of_release=RELEASE)
    assert 0 < len(core) < len(everything)
    assert all(type(e).kind != "context" for e in core)


def _value(v: object) -> object:
    return converter.unstructure(v)


def _facts() -> list[dict]:
    return tomllib.loads(FACTS.read_text("utf-8"))["fact"]


@pytest.mark.parametrize("fact", _facts(), ids=lambda f: f["name"])
def test_every_listed_fact_is_in_the_log(fact):
    """The coverage checklist (tests/data/facts.toml), written from the sources."""
    found = [
        e
        for e in steelbond.events(fact["kind"], as_of_release=RELEASE)
        if e.date.text == fact["date"]
        and any(c.source == fact["source"] for c in e.citations)
        and all(_value(getattr(e, k, None)) == v for k, v in fact["match"].items())
    ]
    assert found, f"no {fact['kind']} event dated {fact['date']} citing {fact['source']}"
