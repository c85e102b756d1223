"""Panels: every row agrees with state_at and with the facts, on the real data."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import steelbond
from steelbond.api import replayed
from steelbond.errors import ArgumentError, DateError
from steelbond.panels import SIGNED_STAGES

TIMELINE = replayed(None, None)
START, END = TIMELINE.coverage_start, TIMELINE.coverage_end
STOCK_FIELDS = ("designation", "programme", "mission_to_nato", "programme_revisions")


def _rows(**kw: object) -> list[dict[str, object]]:
    start, end = kw.pop("start"), kw.pop("end")
    kw.setdefault("partner", "KOR")
    return steelbond.panel(start, end, **kw).to_arrow().to_pylist()  # type: ignore[arg-type]


def _expected_stocks(day: dt.date) -> dict[str, object]:
    s = steelbond.state_at(day)
    return {
        "designation": s.designation.value,
        "programme": s.programme.name if s.programme else None,
        "mission_to_nato": s.mission_to_nato,
        "programme_revisions": s.programme.revisions if s.programme else 0,
        "summits_total": len(s.summits),
        "ministerials_total": len(s.ministerials),
        "arms_deals_total": s.arms_deals,
        "op_isaf": any(o.name == "ISAF" for o in s.operations),
        "designation_uncertain": "designation" in s.uncertain_fields,
        "operations_disputed": "operations" in s.disputed_fields,
    }


@pytest.mark.parametrize("by", ["year", "quarter", "month", "week"])
@pytest.mark.parametrize("at", ["end", "start", "mid"])
def test_stocks_are_the_state_on_the_reading_day(by: str, at: str) -> None:
    rows = _rows(start=2001, end=2025, by=by, at=at)
    step = max(1, len(rows) // 40)  # about 40 periods each, spread over the years
    for row in rows[::step]:
        first, last = row["period_start"], row["period_end"]
        assert isinstance(first, dt.date) and isinstance(last, dt.date)
        day = {"end": last, "start": first, "mid": first + (last - first) // 2}[at]
        assert row["read_on"] == day
        expected = _expected_stocks(day)
        assert {k: row[k] for k in expected} == expected, row["period"]


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=START, max_value=END))
def test_a_daily_panel_row_is_the_state_of_that_day(day: dt.date) -> None:
    (row,) = _rows(start=day, end=day, by="day")
    assert row["period"] == day.isoformat() and row["coverage"] == "full"
    expected = _expected_stocks(day)
    assert {k: row[k] for k in expected} == expected


def test_a_yearly_panel_has_the_codes_written_in_and_one_row_per_year() -> None:
    rows = _rows(start=2002, end=2025)
    assert [r["year"] for r in rows] == list(range(2002, 2026))
    assert {(r["partner"], r["ccode"], r["gwcode"], r["country"]) for r in rows} == {
        ("KOR", 732, 732, "South Korea")
    }
    assert all(r["period_start"] == dt.date(r["year"], 1, 1) for r in rows)  # type: ignore[arg-type]


def test_every_column_is_a_scalar() -> None:
    import pyarrow as pa

    table = steelbond.panel(2002, 2025, by="month").to_arrow()  # every partner
    for field in table.schema:
        assert not pa.types.is_nested(field.type), field
        assert not pa.types.is_null(field.type), field
        assert not pa.types.is_dictionary(field.type), field


def test_flows_count_the_facts_dated_wholly_inside_each_period() -> None:
    facts = steelbond.facts()
    standing = facts.standing()
    for by in ("year", "month"):
        rows = _rows(start=START, end=END, by=by)
        full = [r for r in rows if r["coverage"] == "full"]
        for column, wanted in (
            ("summits_attended", lambda f: f.kind == "summit_attended"),
            ("ministerials_attended", lambda f: f.kind == "ministerial_meeting"),
            (
                "arms_deals_signed",
                lambda f: (
                    f.kind == "arms_deal"
                    and f.event.part_of is None
                    and f.event.stage in SIGNED_STAGES
                ),
            ),
        ):
            for row in full:
                first, last = row["period_start"], row["period_end"]
                inside = [
                    f
                    for f in standing
                    if wanted(f)
                    and f.date.earliest is not None
                    and f.date.latest is not None
                    and first <= f.date.earliest
                    and f.date.latest <= last
                ]
                assert row[column] == len(inside), (by, row["period"], column)
        kinds = {f.kind for f in standing}
        for kind in kinds - {"conflict", "retraction", "citation_added"}:
            counted = sum(r[f"facts_{kind}"] for r in full)  # type: ignore[misc]
            placed = [
                f
                for f in standing
                if f.kind == kind
                and any(
                    f.date.earliest is not None
                    and f.date.latest is not None
                    and r["period_start"] <= f.date.earliest
                    and f.date.latest <= r["period_end"]
                    for r in full
                )
            ]
            assert counted == len(placed), (by, kind)


def test_a_summit_dated_wider_than_a_month_is_uncertain_in_every_month_it_may_fall_in() -> None:
    standing = [f for f in steelbond.facts().standing() if f.kind == "summit_attended"]
    rows = {r["period"]: r for r in _rows(start=START, end=END, by="month")}
    for f in standing:
        lo, hi = f.date.earliest, f.date.latest
        if lo is None or hi is None or (lo.year, lo.month) == (hi.year, hi.month):
            continue
        months = [k for k, r in rows.items() if r["period_start"] <= hi and r["period_end"] >= lo]
        assert months and all(rows[m]["summits_attended_uncertain"] for m in months), f.id


def test_the_running_totals_grow_by_the_flows_where_nothing_is_uncertain() -> None:
    rows = _rows(start=2002, end=2025)
    for before, row in itertools.pairwise(rows):
        if row["summits_attended_uncertain"] or row["summits_disputed"]:
            continue
        grown = row["summits_total"] - before["summits_total"]  # type: ignore[operator]
        assert grown == row["summits_attended"], row["year"]


def test_outside_coverage_stocks_and_flows_are_null_never_zero() -> None:
    rows = _rows(start=1940, end=2030)
    identifiers = {
        "partner", "ccode", "gwcode", "country", "framework", "period", "period_start",
        "period_end", "year", "in_coverage", "coverage", "covered_days", "read_on",
    }  # fmt: skip
    for row in rows:
        year = row["year"]
        assert isinstance(year, int)
        if year < START.year or year > END.year:
            assert row["coverage"] == "none" and row["covered_days"] == 0
            assert all(v is None for k, v in row.items() if k not in identifiers), year
        elif year in (START.year, END.year):
            assert row["coverage"] == "partial" and not row["in_coverage"]
            # flows need the whole period; the end-of-year stock is read on an uncovered day
            assert row["summits_attended"] is None and row["facts_visit"] is None
        else:
            assert row["coverage"] == "full" and row["in_coverage"]
            assert row["summits_attended"] is not None and row["designation"] is not None


def test_a_partly_covered_period_keeps_a_covered_reading_day() -> None:
    (row,) = _rows(start=END.year, end=END.year, at="start")
    assert row["coverage"] == "partial" and row["read_on"] == dt.date(END.year, 1, 1)
    assert row["designation"] == steelbond.state_at(dt.date(END.year, 1, 1)).designation.value
    assert row["summits_attended"] is None


def _mission_day() -> dt.date:
    """The day the mission to NATO first shows in the state (its fact's latest day)."""
    days = np.arange(np.datetime64("2022-01-01"), np.datetime64("2023-01-01"))
    flags = steelbond.states_at(days).column("mission_to_nato").to_pylist()
    return dt.date(2022, 1, 1) + dt.timedelta(days=flags.index(True))


@pytest.mark.parametrize(
    ("at", "expected"), [("end", True), ("start", False), ("any", True), ("all", False)]
)
def test_each_reading_rule_on_the_year_the_mission_opened(at: str, expected: bool) -> None:
    (row,) = _rows(start=2022, end=2022, at=at)
    assert row["mission_to_nato"] is expected


def test_any_and_all_on_the_boundary_days_of_a_change() -> None:
    opened = _mission_day()
    # the period that ends the day before the change never held it; the one that starts
    # on the day of the change held it on every day
    (before,) = _rows(start=opened - dt.timedelta(days=1), end=opened - dt.timedelta(days=1),
                      by="day", at="any")  # fmt: skip
    (on,) = _rows(start=opened, end=opened, by="day", at="all")
    assert before["mission_to_nato"] is False and on["mission_to_nato"] is True
    weeks = _rows(start=opened - dt.timedelta(days=14), end=opened + dt.timedelta(days=14),
                  by="week", at="all")  # fmt: skip
    for w in weeks:
        assert w["mission_to_nato"] is (w["period_start"] >= opened)
    weeks_any = _rows(start=opened - dt.timedelta(days=14), end=opened + dt.timedelta(days=14),
                      by="week", at="any")  # fmt: skip
    for w in weeks_any:
        assert w["mission_to_nato"] is (w["period_end"] >= opened)
        assert w["read_on"] is None and "designation" not in w


def test_mid_reads_the_earlier_middle_day() -> None:
    (row,) = _rows(start="2023-02", end="2023-02", by="month", at="mid")  # 28 days
    assert row["read_on"] == dt.date(2023, 2, 14)


def test_week_periods_are_iso_weeks_from_monday() -> None:
    rows = _rows(start="2020-12-30", end="2021-01-05", by="week")
    assert [r["period"] for r in rows] == ["2020-W53", "2021-W01"]
    assert rows[0]["period_start"] == dt.date(2020, 12, 28)


def test_an_old_release_panel_answers_as_that_release() -> None:
    old = _rows(start=2022, end=2023, as_of_release="0.1.0")
    for row in old:
        day = row["read_on"]
        assert isinstance(day, dt.date)
        state = steelbond.state_at(day, as_of_release="0.1.0")
        assert row["designation"] == state.designation.value
        assert row["summits_total"] == len(state.summits)


@pytest.mark.parametrize(
    ("kwargs", "error", "says"),
    [
        ({"by": "decade"}, ArgumentError, "by must be one of"),
        ({"at": "middle"}, ArgumentError, "at must be one of"),
        ({"partner": "FRA"}, ArgumentError, "partners are: KOR, AUS, JPN, NZL"),
        ({"partner": 732}, ArgumentError, "partner must be"),
        ({"as_of_release": "9.9.9"}, steelbond.errors.UnknownReleaseError, "9.9.9"),
    ],
)
def test_bad_arguments_are_refused_with_what_to_do(
    kwargs: dict[str, object], error: type[Exception], says: str
) -> None:
    with pytest.raises(error, match=says):
        steelbond.panel(2002, 2003, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "end"),
    [(2005, 2002), (True, 2003), (2.5, 2003), ("../2002", "2003"), (2002, "2003/..")],
)
def test_bad_bounds_are_refused(start: object, end: object) -> None:
    with pytest.raises((ArgumentError, DateError)):
        steelbond.panel(start, end)


def test_a_panel_cites_only_the_sources_behind_its_values() -> None:
    small = steelbond.panel(2012, 2012, partner="KOR")
    ids = {s.id for s in small.sources}
    assert ids and ids < {s.id for s in steelbond.sources()}
    text = steelbond.cite(of=small)
    assert all(s.title in text for s in small.sources)
    state = steelbond.state_at("2012-12-31")
    behind = set(state.basis.all_ids())
    log = steelbond.bundled_log()
    assert {c.source for e in log if e.id in behind for c in log.citations_of(e)} <= ids


def test_pandas_and_polars_frames_have_the_panel_s_rows() -> None:
    p = steelbond.panel(2010, 2020, partner="KOR")
    frame = p.to_pandas()
    assert list(frame["year"]) == list(range(2010, 2021))
    assert p.to_polars().shape == (len(p), len(p.column_names))
    assert "<table>" in p._repr_html_()
