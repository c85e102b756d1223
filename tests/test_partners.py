"""NATO's other Indo-Pacific partners (data release 0.4.0): Japan, Australia and New Zealand,
each with its own state, coverage and disputes, and South Korea's answers unchanged."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

import steelbond
from steelbond.converter import converter
from steelbond.errors import ArgumentError, OutOfCoverageError
from steelbond.kinds import KINDS
from steelbond.state import Designation

DATA = Path(__file__).parent / "data"
PARTNERS = ("JPN", "AUS", "NZL")
STATE_CHANGING = {k for k, cls in KINDS.items() if cls.changes_state}
PRIMARY = {"official"}


def _checklist(partner: str) -> list[dict]:
    return tomllib.loads((DATA / f"facts-{partner.lower()}.toml").read_text("utf-8"))["fact"]


@pytest.mark.parametrize(
    ("partner", "fact"),
    [(p, f) for p in PARTNERS for f in _checklist(p)],
    ids=lambda x: x if isinstance(x, str) else x["name"],
)
def test_every_fact_of_the_independent_checklist_is_in_the_log(partner, fact):
    """tests/data/facts-<partner>.toml was written by a reviewer from the sources, before
    reading the ledger: each of its facts must be an effective event of that partner."""
    found = [
        e
        for e in steelbond.events(fact["kind"], partner=partner)
        if e.date.text == fact["date"]
        and any(c.source == fact["source"] for c in steelbond.bundled_log().citations_of(e))
        and all(converter.unstructure(getattr(e, k, None)) == v for k, v in fact["match"].items())
    ]
    assert found, f"no {partner} {fact['kind']} dated {fact['date']} citing {fact['source']}"


@pytest.mark.parametrize(
    ("partner", "day", "designation", "programme", "mission"),
    [
        # Japan: contact country by 2006, the IPCP of 6 May 2014, the mission of 1 July 2018,
        # the ITPP of 12 July 2023
        ("JPN", "2014-05-05", Designation.PARTNER_ACROSS_THE_GLOBE, None, False),
        ("JPN", "2014-05-06", Designation.PARTNER_ACROSS_THE_GLOBE, "IPCP", False),
        ("JPN", "2018-07-01", Designation.PARTNER_ACROSS_THE_GLOBE, "IPCP", True),
        ("JPN", "2023-07-12", Designation.PARTNER_ACROSS_THE_GLOBE, "ITPP", True),
        # Australia: the IPCP signed 21 February 2013, its first ambassador to NATO in 2012
        ("AUS", "2013-02-21", Designation.PARTNER_ACROSS_THE_GLOBE, "IPCP", True),
        # New Zealand: its IPCP of 4 June 2012, no mission to NATO in the record
        ("NZL", "2012-06-03", Designation.CONTACT_COUNTRY, None, False),
        ("NZL", "2012-06-04", Designation.CONTACT_COUNTRY, "IPCP", False),
    ],
)
def test_each_partner_s_state_on_days_from_its_own_record(
    partner, day, designation, programme, mission
):
    s = steelbond.state_at(day, partner=partner)
    assert s.partner == partner
    assert (s.designation, s.programme.name if s.programme else None) == (designation, programme)
    assert s.mission_to_nato is mission
    ids = set(s.basis.all_ids())
    assert ids and all(
        e.partner == partner for e in steelbond.bundled_log() if e.id in ids
    )  # built from its own events only


def test_south_korea_s_answers_do_not_change_with_the_other_partners():
    days = [dt.date(2002, 1, 1) + dt.timedelta(days=d) for d in range(0, 8800, 17)]
    for release in ("0.1.0", "0.2.0", "0.3.0"):
        assert steelbond.states_at(days, as_of_release=release).equals(
            steelbond.states_at(days, as_of_release=release, partner="KOR")
        )
    korea_only = steelbond.bundled_log().of_partner("KOR")
    assert steelbond.states_at(days).equals(steelbond.states_at(days, log=korea_only))
    assert len(steelbond.events()) == len(steelbond.events(partner="KOR"))


def test_each_partner_s_window_is_its_own_sources_window():
    release = steelbond.bundled_log().releases[-1]
    for partner in PARTNERS:
        end = dt.date.fromisoformat(release.coverage_end_of(partner))
        steelbond.state_at(end, partner=partner)
        with pytest.raises(OutOfCoverageError):
            steelbond.state_at(end + dt.timedelta(days=1), partner=partner)
        first = min(
            e.date.earliest or e.date.latest
            for e in steelbond.bundled_log().of_partner(partner)
            if (e.date.earliest or e.date.latest) is not None
        )
        with pytest.raises(OutOfCoverageError):
            steelbond.state_at(first - dt.timedelta(days=1), partner=partner)


def test_a_partner_not_in_the_data_is_refused_with_those_that_are():
    for call in (
        lambda: steelbond.state_at("2015-06-30", partner="FRA"),
        lambda: steelbond.events(partner="FRA"),
        lambda: steelbond.facts(partner="FRA"),
        lambda: steelbond.connect(partner="FRA"),
        lambda: steelbond.panel(2015, 2016, partner="FRA"),
    ):
        with pytest.raises(ArgumentError, match="the partners are: KOR, AUS, JPN, NZL"):
            call()


def test_every_state_changing_fact_of_a_partner_has_a_primary_source_or_says_it_lacks_one():
    """The brief of 0.4.0: NATO or the partner's government behind each change of state;
    where none was found, the event says so (its summary or date note)."""
    kinds = {s.id: s.kind for s in steelbond.sources()}
    log = steelbond.bundled_log()
    core = {"designation", "programme_signed", "programme_revised", "mission_opened"}
    for partner in PARTNERS:
        for fact in steelbond.facts(partner=partner).standing():
            if fact.kind not in core:
                continue
            reports = [e for e in log if e.id in fact.reports]
            kinds_of = {kinds.get(c.source) for e in reports for c in log.citations_of(e)}
            said = " ".join(f"{e.summary} {e.date_note or ''}" for e in reports).lower()
            assert kinds_of & PRIMARY or "primary" in said or "press" in said, fact.id


def test_the_sql_views_carry_the_partner_and_keep_korea_by_default():
    every = steelbond.sql("SELECT DISTINCT partner FROM summits", partner=None).fetchall()
    assert {p for (p,) in every} == {"KOR", *PARTNERS}
    assert steelbond.sql("SELECT DISTINCT partner FROM timeline").fetchall() == [("KOR",)]
    japan = steelbond.sql("SELECT count(*) FROM summits", partner="JPN").fetchall()[0][0]
    assert japan == len(steelbond.state_at("2025-12-31", partner="JPN").summits)


def test_the_panel_of_all_four_has_each_partner_s_codes_and_rows():
    table = steelbond.panel(2002, 2025).to_arrow()
    codes = {(r["partner"], r["ccode"], r["gwcode"]) for r in table.to_pylist()}
    assert codes == {("KOR", 732, 732), ("JPN", 740, 740), ("AUS", 900, 900), ("NZL", 920, 920)}
    for r in table.to_pylist():
        if r["coverage"] == "full":
            s = steelbond.state_at(r["read_on"], partner=r["partner"])
            assert r["designation"] == s.designation.value, (r["partner"], r["year"])
            assert r["summits_total"] == len(s.summits), (r["partner"], r["year"])


def test_the_comparative_plot_draws_one_panel_per_partner():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import steelbond.plot

    fig = steelbond.plot.timeline(partners=["KOR", *PARTNERS])
    titles = [ax.get_title() for ax in fig.axes]
    assert [t.split(" and NATO")[0] for t in titles] == [
        "South Korea",
        "Japan",
        "Australia",
        "New Zealand",
    ]
    with pytest.raises(ArgumentError):
        steelbond.plot.timeline(partners=[])
