"""Replay: a hand-made log with known answers, the uncertainty rule, corrections, releases."""

from __future__ import annotations

import datetime as dt
import itertools

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import steelbond
from steelbond import Designation, EventLog, testing
from steelbond.dates import parse_date
from steelbond.errors import OutOfCoverageError, UnknownReleaseError
from steelbond.kinds import (
    Cooperation,
    DesignationChange,
    MissionOpened,
    OperationJoined,
    OperationLeft,
    ProgrammeRevised,
    ProgrammeSigned,
    Retraction,
    SummitAttended,
)
from steelbond.replay import FOLDS, State, apply, facts_of, replay
from steelbond.state import field_text

CITE = (testing.sample_citation(),)


def _env(event_id: str, date: str) -> dict:
    return {"id": event_id, "date": parse_date(date), "summary": event_id, "citations": CITE}


def _known_log() -> EventLog:
    first = (
        DesignationChange(**_env("contact", "2006-11"), designation=Designation.CONTACT_COUNTRY),
        DesignationChange(**_env("global", "2008-04-03"), designation=Designation.GLOBAL_PARTNER),
        OperationJoined(**_env("isaf-in", "2010"), operation="ISAF", personnel=470),
        ProgrammeSigned(**_env("ipcp", "2012-09"), programme="IPCP"),
        OperationLeft(**_env("isaf-out", "2013"), operation="ISAF"),
        ProgrammeRevised(**_env("ipcp-rev-1", "2017-11"), programme="IPCP"),
        ProgrammeRevised(**_env("ipcp-rev-2", "2019-11"), programme="IPCP"),
        MissionOpened(**_env("mission", "2022-autumn"), mission="Mission to NATO"),
        SummitAttended(
            **_env("madrid", "2022-06-29/2022-06-30"), summit="Madrid", host="ESP", level="other"
        ),
        ProgrammeSigned(**_env("itpp", "2023-07-11/2023-07-12"), programme="ITPP"),
    )
    second = (
        attrs.evolve(
            MissionOpened(**_env("mission-day", "2022-11-22"), mission="Mission to NATO"),
            supersedes=("mission",),
        ),
        Retraction(**_env("no-madrid", "2022-06-30"), retracts="madrid", reason="test"),
    )
    log = EventLog(
        sources=(testing.sample_source(),),
        releases=(
            testing.sample_release("r1", "2025-12-31"),
            testing.sample_release("r2", "2025-12-31"),
        ),
    )
    return log.append(*first, release="r1").append(*second, release="r2")


@pytest.fixture(scope="module")
def log() -> EventLog:
    return _known_log()


def at(log: EventLog, day: str, release: str | None = "r1") -> State:
    return steelbond.state_at(day, as_of_release=release, log=log)


def test_designation_follows_the_known_dates(log):
    assert at(log, "2006-11-29").designation is Designation.NONE
    assert at(log, "2006-11-30").designation is Designation.CONTACT_COUNTRY
    assert at(log, "2008-04-02").designation is Designation.CONTACT_COUNTRY
    assert at(log, "2008-04-03").designation is Designation.GLOBAL_PARTNER


def test_a_month_dated_event_counts_from_the_last_day_of_the_month(log):
    before = at(log, "2012-09-29")
    assert before.programme is None
    assert "ipcp" in before.uncertain and "programme" in before.uncertain_fields
    on = at(log, "2012-09-30")
    assert on.programme is not None and on.programme.name == "IPCP"
    assert on.uncertain == ()
    assert on.basis.programme == ("ipcp",)


def test_an_event_is_not_uncertain_before_its_earliest_day(log):
    assert "ipcp" not in at(log, "2012-08-31").uncertain


def test_revisions_are_counted_and_a_new_programme_replaces_the_old(log):
    assert at(log, "2019-12-01").programme.revisions == 2  # type: ignore[union-attr]
    itpp = at(log, "2023-07-12").programme
    assert itpp is not None and (itpp.name, itpp.revisions) == ("ITPP", 0)
    assert at(log, "2023-07-11").programme.name == "IPCP"  # type: ignore[union-attr]


def test_operations_start_and_end_with_their_events(log):
    assert at(log, "2010-06-01").operations == ()
    assert "operations" in at(log, "2010-06-01").uncertain_fields
    isaf = at(log, "2011-01-01").operations
    assert [o.name for o in isaf] == ["ISAF"] and isaf[0].personnel == 470
    assert [o.name for o in at(log, "2013-06-01").operations] == ["ISAF"]
    assert at(log, "2014-01-01").operations == ()


def test_a_two_day_summit_counts_on_its_last_day(log):
    assert at(log, "2022-06-29").summits == ()
    assert [s.name for s in at(log, "2022-06-30").summits] == ["Madrid"]


def test_a_season_is_uncertain_until_its_end(log):
    assert not at(log, "2022-11-29").mission_to_nato
    assert "mission" in at(log, "2022-11-29").uncertain
    assert at(log, "2022-11-30").mission_to_nato


def test_a_later_release_corrects_without_changing_the_old_answer(log):
    assert not at(log, "2022-11-25", "r1").mission_to_nato
    new = at(log, "2022-11-25", "r2")
    assert new.mission_to_nato and new.basis.mission_to_nato == ("mission-day",)
    assert at(log, "2022-11-21", "r2").mission_to_nato is False


def test_a_retraction_hides_the_event_from_later_releases_only(log):
    assert len(at(log, "2023-01-01", "r1").summits) == 1
    assert at(log, "2023-01-01", "r2").summits == ()


def test_the_latest_release_answers_by_default(log):
    assert at(log, "2023-01-01", None) == at(log, "2023-01-01", "r2")


def test_an_unknown_release_is_refused(log):
    with pytest.raises(UnknownReleaseError, match=r"'9\.9'"):
        at(log, "2023-01-01", "9.9")


@pytest.mark.parametrize("day", ["2006-10-31", "2026-01-01", "1999-01-01"])
def test_days_outside_coverage_are_refused(log, day):
    with pytest.raises(OutOfCoverageError, match=day):
        at(log, day)


def test_coverage_boundaries_are_inclusive(log):
    assert at(log, "2006-11-01").designation is Designation.NONE
    assert at(log, "2025-12-31").programme.name == "ITPP"  # type: ignore[union-attr]


def test_ties_on_the_same_day_are_broken_by_log_order():
    a = DesignationChange(**_env("a", "2010-05-05"), designation=Designation.CONTACT_COUNTRY)
    b = DesignationChange(**_env("b", "2010-05-05"), designation=Designation.GLOBAL_PARTNER)
    for order, expected in (
        ((a, b), Designation.GLOBAL_PARTNER),
        ((b, a), Designation.CONTACT_COUNTRY),
    ):
        log = EventLog(releases=(testing.sample_release(),)).append(*order, release="mine-1")
        assert steelbond.state_at("2010-05-05", log=log).designation is expected


def test_reports_of_one_fact_count_once_from_the_first_certain_report():
    vague = ProgrammeSigned(**_env("ipcp-year", "2012"), programme="IPCP")
    exact = attrs.evolve(
        ProgrammeSigned(**_env("ipcp-month", "2012-09"), programme="IPCP"), same_as="ipcp-year"
    )
    rev = ProgrammeRevised(**_env("rev", "2017-11"), programme="IPCP")
    rev_again = attrs.evolve(
        ProgrammeRevised(**_env("rev-again", "2017"), programme="IPCP"), same_as="rev"
    )
    log = EventLog(releases=(testing.sample_release(),)).append(
        vague, exact, rev, rev_again, release="mine-1"
    )
    on = steelbond.state_at("2012-10-01", log=log)
    assert on.programme is not None and on.programme.signed == parse_date("2012-09")
    assert set(on.basis.programme) == {"ipcp-year", "ipcp-month"}
    assert steelbond.state_at("2018-01-01", log=log).programme.revisions == 1  # type: ignore[union-attr]


def test_the_readable_summary_names_the_events_behind_each_line(log):
    text = str(at(log, "2020-01-01"))
    assert "2020-01-01" in text
    assert "global partner" in text and "[global]" in text
    assert "IPCP" in text and "ipcp-rev-2" in text


def test_the_timeline_is_contiguous_half_open_intervals(log):
    table = steelbond.timeline(as_of_release="r1", log=log).to_pylist()
    assert table[0]["valid_from"] == dt.date(2006, 11, 1)
    assert table[-1]["valid_to"] == dt.date(2026, 1, 1)
    for prev, nxt in itertools.pairwise(table):
        assert prev["valid_to"] == nxt["valid_from"] > prev["valid_from"]


# --- properties: one fold, the same answers by every road ---------------------------------

state_kinds = [cls for cls in FOLDS]
coverage = (dt.date(2000, 1, 1), dt.date(2030, 12, 31))


@st.composite
def state_logs(draw: st.DrawFn) -> EventLog:
    from .strategies import events_of

    n = draw(st.integers(1, 12))
    events = []
    for i in range(n):
        cls = draw(st.sampled_from(state_kinds))
        e = draw(events_of(cls))
        year = draw(st.integers(2000, 2030))
        text = draw(
            st.sampled_from(
                [f"{year}", f"{year}-06", f"{year}-03-15", f"{year}-autumn", f"../{year}"]
            )
        )
        events.append(
            attrs.evolve(
                e, id=f"e{i}", date=parse_date(text), supersedes=(), same_as=None, partner="KOR"
            )
        )
    anchor = testing.sample_event("anchor", "2000-01-01")
    return EventLog(releases=(testing.sample_release("x", "2030-12-31"),)).append(
        anchor, *events, release="x"
    )


def _touched(event) -> tuple[str, ...]:
    field = type(event).changes_state
    return (field, "dialogue_since") if isinstance(event, Cooperation) else (field,)


def _naive(log: EventLog, day: dt.date) -> tuple[State, set[str]]:
    """The state on ``day`` folded afresh from the standing facts certain by then, and the
    reports of the straddling facts that would change a field (the rule, restated)."""
    standing = [f for f in facts_of(log).standing() if type(f.event) in FOLDS]
    happened = sorted(
        (f for f in standing if f.date.certainly_by(day)),
        key=lambda f: (f.date.latest, f.first_seq),
    )
    state = State(release="x")
    for fact in happened:
        state = apply(state, fact.event)
        for other in fact.reports[1:]:
            state = attrs.evolve(
                state, basis=state.basis.add(type(fact.event).changes_state, other)
            )
    uncertain = {
        r
        for f in standing
        if f.date.straddles(day)
        and any(
            field_text(apply(state, f.event), name) != field_text(state, name)
            for name in _touched(f.event)
        )
        for r in f.reports
    }
    return state, uncertain


_compared = (
    "designation",
    "programme",
    "mission_to_nato",
    "operations",
    "summits",
    "ministerials",
    "cooperation_areas",
    "trust_fund_usd",
    "arms_deals",
    "basis",
)


@settings(max_examples=80, deadline=None)
@given(state_logs(), st.lists(st.dates(*coverage), min_size=1, max_size=20))
def test_the_timeline_answers_as_a_fresh_fold_would(log, days):
    timeline = replay(log)
    for day in days:
        got, (want, uncertain) = timeline.state_at(day), _naive(log, day)
        for name in _compared:
            assert getattr(got, name) == getattr(want, name), (day, name)
        assert set(got.uncertain) == uncertain


@settings(max_examples=60, deadline=None)
@given(state_logs(), st.lists(st.dates(*coverage), min_size=1, max_size=30))
def test_states_at_gives_the_same_rows_as_state_at_one_by_one(log, days):
    table = steelbond.states_at(days, log=log).to_pylist()
    assert [row["date"] for row in table] == days
    for row, day in zip(table, days, strict=True):
        s = steelbond.state_at(day, log=log)
        assert row["designation"] == s.designation.value
        assert row["programme"] == (s.programme.name if s.programme else None)
        assert row["mission_to_nato"] == s.mission_to_nato
        assert row["operations"] == [o.name for o in s.operations]
        assert row["summit_count"] == len(s.summits)
        assert row["uncertain"] == list(s.uncertain)
        assert row["valid_from"] <= day < row["valid_to"]


def test_states_at_accepts_arrow_and_numpy_dates(log):
    import numpy as np
    import pyarrow as pa

    days = [dt.date(2011, 1, 1), dt.date(2023, 1, 1)]
    expected = steelbond.states_at(days, log=log)
    assert steelbond.states_at(pa.array(days, pa.date32()), log=log).equals(expected)
    assert steelbond.states_at(np.array(days, dtype="datetime64[D]"), log=log).equals(expected)


def test_states_at_refuses_a_date_outside_coverage_naming_it(log):
    with pytest.raises(OutOfCoverageError, match="2030-01-01"):
        steelbond.states_at(["2011-01-01", "2030-01-01"], log=log)


def test_states_at_refuses_one_string_in_place_of_many(log):
    with pytest.raises(steelbond.errors.DateError, match="many dates"):
        steelbond.states_at("2011-01-01", log=log)


def test_of_reports_certain_on_the_same_day_the_narrowest_gives_the_details():
    vague = SummitAttended(**_env("madrid-month", "2022-06"), summit="Madrid", host="ESP")
    exact = attrs.evolve(
        SummitAttended(
            **_env("madrid-days", "2022-06-29/2022-06-30"),
            summit="Madrid",
            host="ESP",
            level="head_of_state",
            attended_by="President",
        ),
        same_as="madrid-month",
    )
    log = EventLog(releases=(testing.sample_release(),)).append(vague, exact, release="mine-1")
    (summit,) = steelbond.state_at("2022-07-01", log=log).summits
    assert (summit.level, summit.attended_by) == ("head_of_state", "President")
    # the fact's id (its first report) first, then its other reports
    assert steelbond.state_at("2022-07-01", log=log).basis.summits == (
        "madrid-month",
        "madrid-days",
    )


def test_other_reports_of_a_corrected_fact_stay_with_the_correction():
    wrong = SummitAttended(**_env("hague-may", "2025-05"), summit="The Hague", host="NLD")
    echo = attrs.evolve(
        SummitAttended(**_env("hague-echo", "2025"), summit="The Hague", host="NLD"),
        same_as="hague-may",
    )
    fixed = attrs.evolve(
        SummitAttended(
            **_env("hague-june", "2025-06-24/2025-06-25"), summit="The Hague", host="NLD"
        ),
        supersedes=("hague-may",),
    )
    log = EventLog(releases=(testing.sample_release(),)).append(
        wrong, echo, fixed, release="mine-1"
    )
    late = steelbond.state_at("2025-12-31", log=log)
    assert [s.name for s in late.summits] == ["The Hague"]
    assert set(late.basis.summits) == {"hague-june", "hague-echo"}
    assert steelbond.state_at("2025-06-01", log=log).summits == ()


def test_dialogue_since_names_the_event_that_started_it():
    from steelbond.kinds import Cooperation

    log = EventLog(releases=(testing.sample_release(),)).append(
        Cooperation(**_env("exercise", "2004"), area="exercise", activity="x"),
        Cooperation(**_env("talks", "2005-12"), area="political_dialogue", activity="y"),
        release="mine-1",
    )
    s = steelbond.state_at("2006-01-01", log=log)
    assert s.dialogue_since == parse_date("2005-12")
    assert s.basis.dialogue_since == ("talks",)
    assert "dialogue since     2005-12  [talks]" in str(s)


def test_a_chain_of_corrections_keeps_other_reports_with_the_last_one():
    first = SummitAttended(**_env("a", "2012"), summit="X", host="H")
    echo = attrs.evolve(SummitAttended(**_env("f", "2012-05"), summit="X", host="H"), same_as="a")
    fix = attrs.evolve(
        SummitAttended(**_env("b", "2012-05"), summit="X", host="H"), supersedes=("a",)
    )
    fix_again = attrs.evolve(
        SummitAttended(**_env("c", "2012-05-02"), summit="X", host="H"), supersedes=("b",)
    )
    log = EventLog(releases=(testing.sample_release(),)).append(
        first, echo, fix, fix_again, release="mine-1"
    )
    late = steelbond.state_at("2012-12-31", log=log)
    assert len(late.summits) == 1
    assert set(late.basis.summits) == {"c", "f"}


def test_a_signing_certain_after_its_revision_keeps_the_revision():
    sign = ProgrammeSigned(**_env("sign", "2012"), programme="IPCP")
    revise = ProgrammeRevised(**_env("rev", "2012-09"), programme="IPCP")
    log = EventLog(releases=(testing.sample_release(),)).append(sign, revise, release="mine-1")
    programme = steelbond.state_at("2012-12-31", log=log).programme
    assert programme is not None
    assert (programme.signed, programme.revisions) == (parse_date("2012"), 1)
    assert steelbond.state_at("2012-12-31", log=log).basis.programme == ("rev", "sign")


def test_many_dates_gathered_in_parallel_equal_the_same_dates_one_chunk_at_a_time():
    """states_at gathers columns on several threads from 65,536 dates on; the answer must be
    exactly what the one-thread path gives for the same dates."""
    import numpy as np
    import pyarrow as pa

    from steelbond.tables import _PARALLEL_ROWS

    tl = steelbond.replay.replay(steelbond.bundled_log())
    lo = np.datetime64(tl.coverage_start, "D")
    n = (np.datetime64(tl.coverage_end, "D") - lo).astype(int) + 1
    days = lo + np.random.default_rng(7).integers(0, n, _PARALLEL_ROWS + 10)
    whole = tl.states_at(days)
    chunks = [tl.states_at(days[i : i + 10_000]) for i in range(0, len(days), 10_000)]
    assert whole.equals(pa.concat_tables(chunks))
