"""The date types research code passes: pandas, polars and NumPy, accepted or refused."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import polars as pl
import pytest

import steelbond
from steelbond.errors import DateError

DAYS = [dt.date(2010, 1, 1), dt.date(2015, 6, 30), dt.date(2023, 7, 12)]
EXPECTED = [steelbond.state_at(d).designation.value for d in DAYS]


def _designations(table: object) -> list[str]:
    return table.column("designation").cast("string").to_pylist()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "days",
    [
        pd.DatetimeIndex(DAYS),
        pd.Series(pd.to_datetime(DAYS)),
        pd.Series(DAYS, dtype=object),
        pl.Series(DAYS),
        pl.Series([dt.datetime(d.year, d.month, d.day) for d in DAYS]),
        np.array(DAYS, dtype="datetime64[D]"),
        np.array(DAYS, dtype="datetime64[s]"),
        np.array(DAYS, dtype="datetime64[ns]"),
        [pd.Timestamp(d) for d in DAYS],
        [np.datetime64(d, "D") for d in DAYS],
    ],
    ids=[
        "pandas-DatetimeIndex",
        "pandas-Series-datetime64",
        "pandas-Series-of-dates",
        "polars-Date",
        "polars-Datetime-midnight",
        "numpy-D",
        "numpy-s-midnight",
        "numpy-ns-midnight",
        "pandas-Timestamps",
        "numpy-scalars",
    ],
)
def test_accepted_date_types_give_the_states_of_those_days(days: object) -> None:
    assert _designations(steelbond.states_at(days)) == EXPECTED


@pytest.mark.parametrize(
    "day", [pd.Timestamp("2015-06-30"), np.datetime64("2015-06-30"), dt.datetime(2015, 6, 30)]
)
def test_one_midnight_day_of_any_type_is_that_day(day: object) -> None:
    assert steelbond.state_at(day) == steelbond.state_at("2015-06-30")


@pytest.mark.parametrize(
    ("days", "says"),
    [
        (np.array(["2015-06"], dtype="datetime64[M]"), "by='month'"),
        (np.array(["2015"], dtype="datetime64[Y]"), "by='year'"),
        (np.array(["2015-06-30"], dtype="datetime64[W]"), "by='week'"),
        (np.array(["2015-06-30T12:00"], dtype="datetime64[m]"), "time of day"),
        (pd.DatetimeIndex(["2015-06-30 00:00"], tz="Asia/Seoul"), "time zone"),
        (pl.Series([dt.datetime(2015, 6, 30)]).dt.replace_time_zone("UTC"), "time zone"),
        (pd.Series(pd.to_datetime(["2015-06-30", None])), "NaT"),
        ([pd.Timestamp("2015-06-30 09:00")], "time of day"),
    ],
)
def test_refused_date_types_say_why_and_what_to_do(days: object, says: str) -> None:
    with pytest.raises(DateError, match=says.replace("(", r"\(").replace(")", r"\)")):
        steelbond.states_at(days)


def test_a_coarse_numpy_unit_points_to_the_panel() -> None:
    with pytest.raises(DateError, match=r"steelbond\.panel\(start, end, by='month'\)"):
        steelbond.state_at(np.datetime64("2015-06", "M"))
