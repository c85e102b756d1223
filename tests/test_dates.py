"""Partial dates: strict parsing, honest bounds, and the rule replay uses."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import steelbond
from steelbond import PartialDate, SteelbondError, parse_date, testing
from steelbond.converter import structure_event, unstructure_event
from steelbond.dates import Precision, to_day
from steelbond.errors import DateError, shown

from .helpers import (
    reliability,
)
from .strategies import date_texts, days, years


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


@reliability
@settings(max_examples=200, deadline=None)
@given(date_texts())
def test_every_accepted_date_form_round_trips(text):
    d = _parse_checked(text)
    assert PartialDate(d.text, d.precision, d.earliest, d.latest) == d
    row = unstructure_event(testing.sample_event("x")) | {"date": text}
    event = structure_event(row)
    assert event.date == d
    assert structure_event(unstructure_event(event)).date == d  # the row (struct) form


def _parse_checked(text: str) -> PartialDate:
    d = steelbond.parse_date(text)
    assert (d.text, str(d)) == (text, text)
    assert steelbond.parse_date(d.text) == d
    if d.earliest is not None and d.latest is not None:
        assert d.earliest <= d.latest
    return d


_WORDS = (
    "last year",
    "yesterday",
    "today",
    "now",
    "circa 2012",
    "2012ish",
    "September 2012",
    "spring 2012",
    "2012 autumn",
    "2012-fall",
    "2012-Spring",
    "2012-W37",
    "2012-Q3",
    "2012-09-05T10:00",
    "2012-09-05Z",
    "20120905",
)


_FOREIGN_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def malformed_dates(draw: st.DrawFn) -> str:
    """Texts near the accepted forms that must be refused, one family at a time."""
    family = draw(
        st.sampled_from(
            [
                "impossible-day",
                "impossible-month",
                "reversed-range",
                "year-out-of-range",
                "mixed-separators",
                "words",
                "blank",
                "padded",
                "foreign-digits",
                "season-past-9999",
                "bad-range-shape",
            ]
        )
    )
    year = draw(years)
    if family == "impossible-day":
        month = draw(st.integers(1, 12))
        last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
        day = draw(st.sampled_from([0, *range(last + 1, 100)]))
        return f"{year:04d}-{month:02d}-{day:02d}"
    if family == "impossible-month":
        month = draw(st.sampled_from([0, *range(13, 100)]))
        return f"{year:04d}-{month:02d}" + draw(st.sampled_from(["", "-01"]))
    if family == "reversed-range":
        a, b = draw(date_texts()), draw(date_texts())
        first, last = steelbond.parse_date(a), steelbond.parse_date(b)
        if "/" in a + b or first.earliest <= last.latest:  # type: ignore[operator]
            # make one that certainly ends before it starts
            later = draw(st.integers(1001, 9998))
            return f"{later:04d}/{later - draw(st.integers(1, later - 1000)):04d}"
        return f"{a}/{b}"
    if family == "year-out-of-range":
        bad = draw(st.integers(0, 999) | st.integers(10_000, 10**7))
        return f"{bad:04d}" + draw(st.sampled_from(["", "-06", "-06-15", "-autumn"]))
    if family == "mixed-separators":
        d = draw(st.dates(dt.date(1000, 1, 1), dt.date(9998, 12, 31))).isoformat()
        pos = draw(st.sampled_from([4, 7]))
        return d[:pos] + draw(st.sampled_from(["/", ".", " ", "_", ":", "\\"])) + d[pos + 1 :]
    if family == "words":
        return draw(st.sampled_from(_WORDS))
    if family == "blank":
        return draw(st.sampled_from(["", " ", "\t", "\n", "/", "..", "../", "/.."]))
    if family == "padded":
        return draw(st.sampled_from([" ", "\n", "\t", "\u00a0"])) + draw(date_texts())
    if family == "foreign-digits":
        text = draw(date_texts())
        return text.translate(_FOREIGN_DIGITS) if any(c.isdigit() for c in text) else "٢٠١٢"
    if family == "season-past-9999":
        return "9999-winter"
    return draw(date_texts()) + draw(st.sampled_from(["/", "//", "/../..", "/2012/2013"]))


@reliability
@settings(max_examples=300, deadline=None)
@given(malformed_dates())
def test_malformed_dates_raise_a_date_error_naming_the_value(bad):
    with pytest.raises(DateError) as info:
        steelbond.parse_date(bad)
    assert isinstance(info.value, SteelbondError)
    assert info.value.value == bad
    assert shown(bad) in str(info.value)


_offsets = st.timedeltas(min_value=-dt.timedelta(hours=23), max_value=dt.timedelta(hours=23))


aware_datetimes = st.datetimes(
    min_value=dt.datetime(1000, 1, 2), max_value=dt.datetime(9998, 12, 30)
).flatmap(lambda d: st.builds(lambda o: d.replace(tzinfo=dt.timezone(o)), _offsets))


non_strings = st.one_of(
    st.none(),
    st.floats(),
    st.integers(),
    st.binary(max_size=12),
    st.dates(),
    st.datetimes(),
    aware_datetimes,
    st.lists(st.integers(), max_size=3),
    st.decimals(allow_nan=False),
)


@reliability
@settings(deadline=None)
@given(non_strings)
def test_non_strings_are_not_partial_dates(value):
    with pytest.raises(DateError, match="must be a string") as info:
        steelbond.parse_date(value)
    assert info.value.value is value
    assert shown(value) in str(info.value)


@st.composite
def bad_query_days(draw: st.DrawFn) -> object:
    return draw(
        st.one_of(
            aware_datetimes,
            st.datetimes().filter(lambda d: d.time() != dt.time(0)),  # midnight is a day
            st.floats(),
            st.integers(),
            malformed_dates(),
            date_texts().filter(lambda t: not re.fullmatch(r"\d{4}-\d{2}-\d{2}", t)),
            st.sampled_from(["2015-6-30", "30.06.2015", "2015/06/30", "2015-06-30 "]),
        )
    )


@reliability
@settings(max_examples=150, deadline=None)
@given(bad_query_days())
def test_bad_query_days_raise_a_date_error_naming_the_value(value):
    calls = {
        "to_day": lambda: to_day(value),
        "state_at": lambda: steelbond.state_at(value),
        "states_at": lambda: steelbond.states_at([dt.date(2015, 6, 30), value]),
        "events": lambda: steelbond.events(since=value),
    }
    for name, call in calls.items():
        with pytest.raises(DateError) as info:
            call()
        assert shown(value) in str(info.value), name


@reliability
@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30) | st.from_regex(r"[0-9./\-a-z]{0,24}", fullmatch=True))
def test_any_text_is_a_round_tripping_date_or_refused_by_name(text):
    try:
        d = steelbond.parse_date(text)
    except DateError as exc:
        assert exc.value == text and shown(text) in str(exc)
    else:
        assert d.text == text and steelbond.parse_date(text) == d
