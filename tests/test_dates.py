"""Partial dates: strict parsing, honest bounds, and the rule replay uses."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steelbond import DateError, PartialDate, Precision, parse_date
from steelbond.dates import to_day

from .strategies import date_texts, days


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest"),
    [
        ("2012-09-05", Precision.DAY, dt.date(2012, 9, 5), dt.date(2012, 9, 5)),
        ("2012-09", Precision.MONTH, dt.date(2012, 9, 1), dt.date(2012, 9, 30)),
        ("2024-02", Precision.MONTH, dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2022-autumn", Precision.SEASON, dt.date(2022, 9, 1), dt.date(2022, 11, 30)),
        ("2023-winter", Precision.SEASON, dt.date(2023, 12, 1), dt.date(2024, 2, 29)),
        ("2012", Precision.YEAR, dt.date(2012, 1, 1), dt.date(2012, 12, 31)),
        ("2023-07-11/2023-07-12", Precision.RANGE, dt.date(2023, 7, 11), dt.date(2023, 7, 12)),
        ("2002/2007", Precision.RANGE, dt.date(2002, 1, 1), dt.date(2007, 12, 31)),
        ("../2021", Precision.RANGE, None, dt.date(2021, 12, 31)),
        ("2010/..", Precision.RANGE, dt.date(2010, 1, 1), None),
        ("../..", Precision.UNKNOWN, None, None),
    ],
)
def test_each_form_keeps_its_precision_and_bounds(text, precision, earliest, latest):
    d = parse_date(text)
    assert (d.text, d.precision, d.earliest, d.latest) == (text, precision, earliest, latest)


@pytest.mark.parametrize(
    "bad",
    [
        "2023-02-30",
        "2023-13",
        "last year",
        "12/09/2012",
        "2012/09/05",
        "",
        "2012-9",
        "2012-09-5",
        "2012 ",
        " 2012",
        "2012.09",
        "0999",
        "2007/2002",
        "2012-09-05/2012-09-04",
        "2012//2013",
        "../../..",
        "2012-fall",
        "２０１２",
        "2012\n",
    ],
)
def test_malformed_dates_are_refused_with_the_value_named(bad):
    with pytest.raises(DateError) as info:
        parse_date(bad)
    assert info.value.value == bad
    assert repr(bad) in str(info.value)


@pytest.mark.parametrize("bad", [None, 2012, 2012.5, dt.date(2012, 9, 1), b"2012"])
def test_non_strings_are_not_partial_dates(bad):
    with pytest.raises(DateError, match="must be a string"):
        parse_date(bad)


@given(date_texts())
def test_every_valid_text_round_trips_and_bounds_are_ordered(text):
    d = parse_date(text)
    assert d.text == text
    assert parse_date(d.text) == d
    assert PartialDate(d.text, d.precision, d.earliest, d.latest) == d
    if d.earliest is not None and d.latest is not None:
        assert d.earliest <= d.latest


@given(date_texts(), days)
def test_a_day_is_either_certain_straddled_or_before(text, day):
    d = parse_date(text)
    certain, straddled = d.certainly_by(day), d.straddles(day)
    assert not (certain and straddled)
    before = d.earliest is not None and day < d.earliest
    assert certain or straddled or before


@given(date_texts())
def test_certainty_holds_from_the_latest_day_on(text):
    d = parse_date(text)
    if d.latest is None:
        assert not d.certainly_by(dt.date(9999, 12, 31))
    else:
        assert d.certainly_by(d.latest)
        assert d.latest == dt.date.min or not d.certainly_by(d.latest - dt.timedelta(days=1))


def test_a_partial_date_whose_parts_disagree_with_its_text_is_refused():
    with pytest.raises(DateError, match="does not match"):
        PartialDate("2012", Precision.DAY, dt.date(2012, 1, 1), dt.date(2012, 1, 1))


@pytest.mark.parametrize(
    "bad",
    [
        "2015-6-30",
        "30.06.2015",
        "2015-06-31",
        "yesterday",
        None,
        20150630,
        1.5,
        dt.datetime(2015, 6, 30, 12),
        dt.datetime(2015, 6, 30, 0, 0, 1),
        dt.datetime(2015, 6, 30, tzinfo=dt.UTC),
    ],
)
def test_query_days_are_read_strictly(bad):
    with pytest.raises(DateError):
        to_day(bad)


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_a_naive_datetime_at_midnight_names_its_day(day):
    """A pandas Timestamp or datetime at midnight, without a zone, is a day; any other
    time or a zone is refused above, since cutting it would decide the day silently."""
    assert to_day(dt.datetime(day.year, day.month, day.day)) == day


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_query_days_round_trip_through_iso_text(day):
    assert to_day(day.isoformat()) == day == to_day(day)
