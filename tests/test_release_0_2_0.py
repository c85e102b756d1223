"""Release 0.2.0 corroborates 0.1.0 from the public record without editing it.

Side by side, the state under 0.1.0 and under 0.2.0 where they differ; and
``as_of_release="0.1.0"`` answers exactly as the 0.1.0 file itself does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import steelbond
from steelbond import Designation
from steelbond.storage import read_log

RELEASED_0_1_0 = Path(__file__).parent / "data" / "releases" / "0.1.0" / "events.parquet"


def both(day: str) -> tuple[steelbond.State, steelbond.State]:
    return (
        steelbond.state_at(day, as_of_release="0.1.0"),
        steelbond.state_at(day, as_of_release="0.2.0"),
    )


def test_the_mission_opened_on_22_november_2022_not_somewhere_in_autumn():
    old, new = both("2022-11-22")
    assert not old.mission_to_nato and "mission_to_nato" in old.uncertain_fields
    assert new.mission_to_nato
    assert not both("2022-11-21")[1].mission_to_nato


def test_dialogue_dates_from_ban_ki_moons_address_of_2_december_2005():
    old, new = both("2005-12-15")
    assert old.dialogue_since is None
    assert new.dialogue_since is not None and new.dialogue_since.text == "2005-12-02"


def test_the_global_partner_label_dates_from_the_bucharest_summit_day():
    old, new = both("2008-06-30")
    assert old.designation is Designation.CONTACT_COUNTRY  # "2008" is certain only at year end
    assert new.designation is Designation.GLOBAL_PARTNER  # 3 April 2008


def test_the_hague_summit_moves_from_may_to_june_2025():
    old, new = both("2025-06-01")
    assert "The Hague" in [s.name for s in old.summits]
    assert "The Hague" not in [s.name for s in new.summits]
    assert [s.name for s in both("2025-06-25")[1].summits][-1] == "The Hague"


def test_ocean_shield_ends_with_the_operation_in_december_2016():
    old, new = both("2025-12-31")
    assert "Ocean Shield" in [o.name for o in old.operations]
    assert "Ocean Shield" not in [o.name for o in new.operations]


def test_the_itpp_carries_its_term_from_the_public_record():
    old, new = both("2024-01-01")
    assert old.programme is not None and old.programme.term is None
    assert new.programme is not None and new.programme.name == "ITPP"
    assert new.programme.term == "2023-2026"


def test_as_of_0_1_0_answers_exactly_as_the_0_1_0_file_does():
    released = read_log(RELEASED_0_1_0)
    first = steelbond.timeline(log=released).to_pylist()[0]["valid_from"]
    days = [first + dt.timedelta(days=d) for d in range(0, 30000, 13)]
    days = [d for d in days if d <= dt.date(2026, 1, 31)]
    assert steelbond.states_at(days, as_of_release="0.1.0").equals(
        steelbond.states_at(days, log=released)
    )


def test_nothing_of_0_1_0_was_edited():
    released = read_log(RELEASED_0_1_0)
    current = steelbond.bundled_log()
    assert list(current)[: len(released)] == list(released)


@pytest.mark.parametrize(
    "kind",
    [
        "designation",
        "programme_signed",
        "programme_revised",
        "mission_opened",
        "operation_joined",
        "operation_left",
        "summit_attended",
        "ministerial_meeting",
    ],
)
def test_state_changing_events_rest_on_a_source_besides_the_review_article(kind):
    """Each fact is backed by another source in some report of it, or named in the note on
    the data release as unconfirmed (ISAF 2002, Istanbul 2004, Ocean Shield)."""
    log = steelbond.bundled_log()
    unconfirmed = {
        "rel-isaf-joined-2002",
        "rel-contact-country-istanbul-2004",
        "rel-ocean-shield-joined",
        "bg-ip4-group",
    }
    by_fact: dict[str, set[str]] = {}
    for e in log.effective():
        if type(e).kind == kind:
            root = e.same_as or e.id
            by_fact.setdefault(root, set()).update(c.source for c in e.citations)
    lacking = {root for root, srcs in by_fact.items() if srcs <= {"simikic2026"}}
    assert lacking <= unconfirmed, sorted(lacking - unconfirmed)
