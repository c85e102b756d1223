"""Facts, not reports: one account of each fact, disputes shown, uncertainty that means
something. The first tests ask the real data the six questions that went wrong before the
fact model, each saying what the sources say and checking that the state, SQL and the
plot's data agree; the properties then hold the rules on random logs."""

from __future__ import annotations

import datetime as dt
import itertools

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import steelbond
from steelbond import EventLog, testing
from steelbond.dates import parse_date
from steelbond.factmodel import agree
from steelbond.kinds import Claim, Conflict, Cooperation
from steelbond.plot import marks
from steelbond.replay import FOLDS, replay
from steelbond.state import FIELDS, field_text


@pytest.fixture(scope="module")
def found():
    return steelbond.facts()


@pytest.fixture(scope="module")
def con():
    return steelbond.connect()


def _row_on(con, day: str) -> dict:
    rel = con.sql(f"FROM timeline WHERE DATE '{day}' >= valid_from AND DATE '{day}' < valid_to")
    (row,) = rel.fetchall()
    return dict(zip(rel.columns, row, strict=True))


def _claims(state, field: str) -> dict[str, set[str]]:
    """Each value a field's claims give, with the events behind it."""
    out: dict[str, set[str]] = {}
    for claim in state.disputed.get(field, ()):
        out.setdefault(claim.value, set()).update(claim.events)
    return out


# --- 1. the end of South Korea's part in ISAF ---------------------------------------------


def test_isaf_is_not_ended_in_2013_while_reports_date_the_end_to_june_2014(con):
    # The Korea Herald and NewDaily report the Parwan PRT's closing ceremony on 23 June 2014,
    # KBS the last Ashena troops leaving on 25 June 2014; the review article and NATO's
    # relations page say "2010 to 2013". Three dates that cannot all be true: a dispute.
    s = steelbond.state_at("2014-06-01")
    assert "ISAF" in [o.name for o in s.operations]
    assert "operations" in s.disputed_fields
    claims = _claims(s, "operations")
    assert any("rel-isaf-left-2013" in ids for value, ids in claims.items() if value == "none")
    row = _row_on(con, "2014-06-01")
    assert "ISAF" in row["operations"] and "operations" in row["disputed_fields"]
    # Once every claim has ended it, nothing is left to dispute.
    later = steelbond.state_at("2014-07-01")
    assert later.operations == () and "operations" not in later.disputed_fields


# --- 2. reports that disagree are not merged ------------------------------------------------


def test_the_2006_status_shows_the_ministrys_global_partner_claim(con, found):
    # simikic2026 and MOFA's overview: "contact countries" at Riga 2006; MOFA's 2017 and 2018
    # releases: a NATO "global partner" since 2006.
    s = steelbond.state_at("2007-06-30")
    assert "designation" in s.disputed_fields
    claims = _claims(s, "designation")
    assert {"contact_country", "global_partner"} <= claims.keys()
    assert "c2-global-partner-2006-mofa" in claims["global_partner"]
    official = {src.id for src in steelbond.sources() if src.kind == "official"}
    (mofa,) = [c for c in s.disputed["designation"] if c.value == "global_partner"]
    assert set(mofa.sources) & official
    assert (
        found.fact_of["c2-global-partner-2006-mofa"]
        != found.fact_of["rel-contact-country-riga-2006"]
    )
    rows = con.sql(
        "SELECT fact_id FROM facts WHERE list_contains(reports, 'c2-global-partner-2006-mofa')"
    ).fetchall()
    assert rows == [(found.fact_of["c2-global-partner-2006-mofa"],)]


def test_no_fact_of_the_data_joins_reports_that_disagree(found):
    log = steelbond.bundled_log()
    by_id = {e.id: e for e in log}
    for fact in found.facts:
        for a, b in itertools.combinations(fact.reports, 2):
            assert agree(by_id[a], by_id[b]), (fact.id, a, b)
    # ... and no dispute of the data is one the ledger did not record
    assert all(d.recorded for d in found.disputes)


# --- 3. counts of facts, not of reports -----------------------------------------------------


def test_arms_deals_count_each_deal_once_whatever_the_number_of_reports(con, found):
    # Every report of a deal is in one row only: several reports, one deal.
    rows = con.sql("SELECT id, value_usd, reports, items, date_latest FROM arms_deals").fetchall()
    seen: dict[str, str] = {}
    for id_, _, reports, _, _ in rows:
        for report in reports:
            assert report not in seen, (report, id_, seen.get(report))
            seen[report] = id_
    assert any(len(r[2]) > 1 for r in rows)
    # The review article's July 2022 "contract" (5.8 billion dollars; Reuters too) is a claim
    # that the public record disputes: three framework agreements were signed in July and
    # the executive contracts in August. The state carries the August account, so the July
    # contract is no row of its own and its figure is not summed.
    july = con.sql(
        "SELECT carried FROM disputes WHERE list_contains(events, 'new-arms-pol-2022-07')"
    ).fetchall()
    assert (False,) in july  # it loses to the August contracts (and so is not standing,
    # whatever the older dispute over its figure says)
    assert "new-arms-pol-2022-07" not in seen
    frameworks = con.sql(
        "SELECT item, quantity FROM arms_deals WHERE buyer = 'POL' AND stage = 'framework' "
        "AND date_text = '2022-07-27'"
    ).fetchall()
    assert len(frameworks) == 3  # K2, K9, FA-50
    total = con.sql("SELECT sum(value_usd) FROM arms_deals").fetchall()[0][0]
    standing = [f for f in found.standing() if f.kind == "arms_deal" and f.event.part_of is None]
    assert total == sum(f.event.value_usd or 0.0 for f in standing)
    assert total < sum(e.value_usd or 0.0 for e in steelbond.events("arms_deal"))
    # the state counts the same deals as the view
    day = dt.date(2022, 12, 31)
    assert steelbond.state_at(day).arms_deals == sum(
        1 for r in rows if r[4] is not None and r[4] <= day
    )
    # the README's query counts deals under a year only when the whole date lies in it
    for year, n in con.sql("SELECT year, count(*) FROM arms_deals GROUP BY year").fetchall():
        in_year = [
            f
            for f in standing
            if f.date.earliest is not None
            and f.date.latest is not None
            and f.date.earliest.year == f.date.latest.year
        ]
        if year is None:
            assert n == len(standing) - len(in_year)
        else:
            assert n == sum(1 for f in in_year if f.date.latest.year == year), year


def test_events_per_year_counts_a_fact_under_a_year_only_when_its_year_is_certain(con, found):
    counted = con.sql(
        "SELECT year, kind, facts FROM events_per_year WHERE NOT year_uncertain"
    ).fetchall()
    for year, kind, n in counted:
        assert n == sum(
            1
            for f in found.standing()
            if f.kind == kind
            and f.date.earliest is not None
            and f.date.latest is not None
            and f.date.earliest.year == f.date.latest.year == year
        )
    # "../2026" background items of the review article are not facts of 2026
    open_ended = [f for f in found.standing() if f.date.earliest is None]
    assert open_ended
    uncertain = con.sql("SELECT sum(facts) FROM events_per_year WHERE year_uncertain").fetchall()[
        0
    ][0]
    assert uncertain >= len(open_ended)


# --- 4. uncertainty a researcher can filter on ----------------------------------------------


def test_a_further_report_of_a_value_already_held_leaves_the_field_certain(found):
    # rel-ccdcoe-tallinn: the review article names South Korea's part in the CCDCOE with no
    # date (before 2026 at the latest), while Aju dates its membership to 5 May 2022: on a
    # day in 2023 cyber defence is already held, so the undated report is not an uncertainty.
    day = dt.date(2023, 6, 30)
    s = steelbond.state_at(day)
    held = [
        f
        for f in found.standing()
        if isinstance(f.event, Cooperation)
        and f.date.straddles(day)
        and f.event.area in s.cooperation_areas
        and f.event.area != "political_dialogue"
    ]
    assert held, "the data has pending reports of areas already held"
    assert not {r for f in held for r in f.reports} & set(s.uncertain)


def test_not_every_day_is_uncertain():
    table = steelbond.timeline().to_pylist()
    certain = {f: sum(f not in r["uncertain_fields"] for r in table) for f in FIELDS}
    assert all(n > 0 for n in certain.values()), certain


# --- 5. recorded conflicts reach the state --------------------------------------------------


def test_the_isaf_framework_of_2002_to_2007_is_shown_as_disputed(con):
    # The review article has South Korea in ISAF from 2002 to 2007; Dong-A, KUNA (citing
    # Yonhap) and Hankyoreh place the Dongui and Dasan units in the US-led coalition at Bagram.
    s = steelbond.state_at("2005-06-30")
    assert "operations" in s.disputed_fields
    values = _claims(s, "operations")
    assert any(v.startswith("ISAF") for v in values) and "none" in values
    assert "operations" in _row_on(con, "2005-06-30")["disputed_fields"]


NOT_COMPETING = {
    # its note: 'global partner' from Bucharest 2008 and NATO's later formal label
    # 'partners across the globe' are two facts in sequence, not rival accounts
    "c3-conflict-partner-label",
}


def test_every_recorded_conflict_that_bears_on_the_state_is_a_fact_or_a_dispute(found):
    log = steelbond.bundled_log()
    by_id = {e.id: e for e in log.effective()}
    in_dispute = {f for d in found.disputes for c in d.claims for f in c.facts}
    for conflict in steelbond.conflicts():
        state_facts = {
            found.fact_of[e]
            for e in conflict.events
            if e in by_id and e in found.fact_of and type(by_id[e]).changes_state
        }
        # Competing accounts of a state field are claims of a dispute; a conflict whose
        # state-changing reports all tell one fact was a difference of precision only.
        if conflict.id in NOT_COMPETING:
            assert not conflict.claims and len(state_facts) > 1
            continue
        assert len(state_facts) <= 1 or state_facts & in_dispute, conflict.id


@pytest.mark.parametrize(
    ("dispute", "day", "field"),
    [
        ("c3-conflict-status-2006", "2007-06-30", "designation"),
        ("c3-conflict-parwan-prt-end", "2014-03-01", "operations"),
        ("c3-conflict-prt-strength", "2011-06-30", "operations"),
        ("c3-conflict-isaf-2002-2007-framework", "2005-06-30", "operations"),
    ],
)
def test_each_recorded_dispute_over_a_state_field_shows_on_its_days(dispute, day, field):
    # the claims give the field other values on that day (see each conflict's note)
    s = steelbond.state_at(day)
    assert field in s.disputed_fields
    assert {c.dispute for c in s.disputed[field]} >= {dispute}
    carried = [c for c in s.disputed[field] if c.carried and c.dispute == dispute]
    assert [c.value for c in carried] == [field_text(s, field)]


# --- 6. the plot draws the facts' dates -----------------------------------------------------


def test_the_plot_marks_summits_on_the_days_the_state_and_sql_count_them(con):
    # MOFA: Vilnius 11-12 July 2023; Washington 10-11 July 2024 (Korean reports).
    days = marks("summit_attended")
    view = [r[0] for r in con.sql("SELECT date_latest FROM summits ORDER BY 1").fetchall()]
    assert days == view
    assert dt.date(2023, 7, 12) in days and dt.date(2023, 12, 31) not in days
    assert dt.date(2024, 7, 11) in days and dt.date(2024, 12, 31) not in days
    end = steelbond.state_at("2025-12-31")
    assert sorted(s.date.latest for s in end.summits) == [d for d in days if d <= end.date]


def test_the_plot_draws_the_same_marks():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from steelbond.plot import timeline as draw

    fig = draw()
    (line,) = [ln for ln in fig.axes[0].lines if ln.get_label() == "summits"]
    import matplotlib.dates as mdates

    drawn = [mdates.num2date(x).date() for x in mdates.date2num(line.get_xdata())]
    assert drawn == [d for d in marks("summit_attended") if d >= dt.date(2000, 1, 1)]


# --- properties on random logs --------------------------------------------------------------

_KINDS = [cls for cls in FOLDS]


@st.composite
def linked_logs(draw: st.DrawFn) -> EventLog:
    """Random logs of state-changing reports, some linked by same_as (agreeing or not), some
    set apart by a recorded dispute."""
    from .strategies import events_of

    n = draw(st.integers(1, 10))
    events: list = []
    for i in range(n):
        year = draw(st.integers(2001, 2029))
        text = draw(st.sampled_from([f"{year}", f"{year}-06", f"{year}-03-15", f"../{year}"]))
        same_as = None
        if events and draw(st.booleans()):
            target = draw(st.sampled_from(events))
            cls, same_as = type(target), target.id
        else:
            cls = draw(st.sampled_from(_KINDS))
        e = draw(events_of(cls))
        events.append(
            attrs.evolve(
                e, id=f"e{i}", date=parse_date(text), supersedes=(), same_as=same_as, partner="KOR"
            )
        )
    extra = []
    if len(events) >= 2 and draw(st.booleans()):
        a, b = draw(st.lists(st.sampled_from(events), min_size=2, max_size=2, unique=True))
        extra.append(
            Conflict(
                id="dispute",
                date=parse_date("2030"),
                summary="x",
                citations=(testing.sample_citation(),),
                events=(a.id, b.id),
                note="x",
                claims=(Claim("first", (a.id,)), Claim("second", (b.id,))),
            )
        )
    anchor = testing.sample_event("anchor", "2000-01-01")
    return EventLog(releases=(testing.sample_release("x", "2030-12-31"),)).append(
        anchor, *events, *extra, release="x"
    )


@settings(max_examples=80, deadline=None)
@given(linked_logs())
def test_every_facts_reports_agree_and_its_date_is_their_intersection(log):
    found = steelbond.facts(log=log)
    by_id = {e.id: e for e in log}
    for fact in found.facts:
        reports = [by_id[r] for r in fact.reports]
        assert all(agree(a, b) for a, b in itertools.combinations(reports, 2))
        lows = [r.date.earliest for r in reports if r.date.earliest is not None]
        highs = [r.date.latest for r in reports if r.date.latest is not None]
        assert fact.date.earliest == (max(lows) if lows else None)
        assert fact.date.latest == (min(highs) if highs else None)
    # every standing report is in exactly one fact
    assert sorted(r for f in found.facts for r in f.reports) == sorted(
        e.id for e in log.effective() if not isinstance(e, Conflict)
    )


@settings(max_examples=40, deadline=None)
@given(linked_logs())
def test_sql_and_replay_give_the_same_facts_disputes_and_counts(log):
    found = steelbond.facts(log=log)
    con = steelbond.connect(log=log)
    rows = con.sql("SELECT fact_id, reports, standing FROM facts").fetchall()
    assert {(f, tuple(r), s) for f, r, s in rows} == {
        (f.id, f.reports, f.id not in found.losing) for f in found.facts
    }
    claims = con.sql("SELECT dispute_id, claim, carried, facts FROM disputes").fetchall()
    assert {(d, c, k, tuple(f)) for d, c, k, f in claims} == {
        (d.id, c.label, i == d.carried, c.facts)
        for d in found.disputes
        for i, c in enumerate(d.claims)
    }
    end = dt.date(2030, 12, 31)
    state = steelbond.state_at(end, log=log)
    query = f"SELECT count(*) FROM summits WHERE date_latest <= DATE '{end}'"
    summits = con.sql(query).fetchall()[0][0]
    assert summits == len(state.summits)
    deals = con.sql(
        f"SELECT count(*) FROM arms_deals WHERE date_latest <= DATE '{end}'"
    ).fetchall()[0][0]
    assert deals == state.arms_deals
    timeline = replay(log)
    sql_rows = con.sql("SELECT valid_from, disputed_fields FROM timeline").fetchall()
    assert sql_rows == [
        (s, list(st.disputed_fields))
        for s, st in zip(timeline.starts, timeline.states, strict=True)
    ]


@settings(max_examples=60, deadline=None)
@given(linked_logs(), st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)), max_size=8))
def test_a_field_is_disputed_exactly_where_a_claims_world_gives_it_another_value(log, days):
    """The rule restated: each non-carried claim's world is the state's facts with the
    carried claim's facts swapped for its own, folded afresh."""
    from steelbond.replay import apply
    from steelbond.state import State

    found = steelbond.facts(log=log)
    timeline = replay(log)
    standing = [f for f in found.standing() if type(f.event) in FOLDS]

    def fold(facts, day):
        state = State()
        for f in sorted(facts, key=lambda f: (f.date.latest, f.first_seq)):
            if f.date.certainly_by(day):
                state = apply(state, f.event)
        return state

    by_id = found.by_id()
    for day in days:
        main = fold(standing, day)
        want: set[str] = set()
        for d in found.disputes:
            carried = set(d.carried_claim.facts)
            for i, c in enumerate(d.claims):
                if i == d.carried:
                    continue
                world = [f for f in standing if f.id not in carried] + [
                    by_id[f] for f in c.facts if type(by_id[f].event) in FOLDS
                ]
                other = fold(world, day)
                want |= {f for f in FIELDS if field_text(other, f) != field_text(main, f)}
        assert set(timeline.state_at(day).disputed_fields) == want


# --- the changed answers, listed ------------------------------------------------------------


def test_the_changed_answers_table_is_current_and_in_the_changelog():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "changed_answers.py", "--check"],
        cwd=root / "tools",
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    rows = [
        line
        for line in (root / "docs" / "changed-answers.md").read_text("utf-8").splitlines()
        if line.startswith("| 0.")
    ]
    assert rows  # the fact model did change answers of the released data
    changelog = (root / "CHANGELOG.md").read_text("utf-8")
    assert all(row in changelog for row in rows)
