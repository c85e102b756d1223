"""Partial dates: when a thing happened, with exactly the precision the source gives.

Sources say "2012", "September 2012", "autumn 2022", "11–12 July 2023", "before 2022", or give
no date at all. A :class:`PartialDate` keeps that precision and the earliest and latest day it
allows (either may be open). Replay counts an event as happened on a day only once its
*latest* possible day has passed (see :mod:`steelbond.replay`).

The text forms (ISO 8601 with ``/`` for ranges and ``..`` for an open end):

==========================  ==========================================  =========
text                        meaning                                     precision
==========================  ==========================================  =========
``2012-09-05``              that day                                    day
``2012-09``                 some day in September 2012                  month
``2022-autumn``             some day in Sep–Nov 2022                    season
``2012``                    some day in 2012                            year
``2023-07-11/2023-07-12``   from the first day of the start to the      range
                            last day of the end
``../2021``                 on or before 31 December 2021               range
``2010/..``                 on or after 1 January 2010                  range
``../..``                   no date given                               unknown
==========================  ==========================================  =========

Seasons are meteorological, northern hemisphere (Korea and NATO's Europe): spring is
March–May, summer June–August, autumn September–November, winter December to February of
the next year. Parsing is strict: ``2023-02-30``, ``last year`` and ``12/09/2012`` are errors.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import enum
import re
from collections.abc import Iterable
from typing import Any, cast

import attrs

from .errors import DateError, shown

__all__ = ["PartialDate", "Precision", "day_numbers", "parse_date", "to_day"]

_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 14)}
_POINT = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-(spring|summer|autumn|winter))?", re.ASCII)
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
MIN_YEAR = 1000
MAX_YEAR = 9999
_EPOCH = _dt.date(1970, 1, 1)
_PERIOD_OF_UNIT = {"Y": "year", "M": "month", "W": "week"}


class Precision(enum.Enum):
    """How precisely a source dates a thing."""

    DAY = "day"
    MONTH = "month"
    SEASON = "season"
    YEAR = "year"
    RANGE = "range"
    UNKNOWN = "unknown"


@attrs.frozen(order=False)
class PartialDate:
    """A date known to a given precision, with its earliest and latest possible day.

    ``earliest`` or ``latest`` is ``None`` where that side is open. Build one with
    :func:`parse_date`; the constructor checks that the three parts agree with the text.

    >>> d = parse_date("2022-autumn")
    >>> d.precision, d.earliest, d.latest
    (<Precision.SEASON: 'season'>, datetime.date(2022, 9, 1), datetime.date(2022, 11, 30))
    """

    text: str
    precision: Precision
    earliest: _dt.date | None
    latest: _dt.date | None

    def __attrs_post_init__(self) -> None:
        # Each part is checked for its type first: a wrong one (precision="year") must be
        # refused by name, not fail inside the comparison below.
        if not isinstance(self.text, str):
            raise DateError(
                f"a partial date's text must be a string, not {type(self.text).__name__} "
                f"{shown(self.text)}",
                self.text,
            )
        if not isinstance(self.precision, Precision):
            raise DateError(
                f"a partial date's precision must be a steelbond.dates.Precision, not "
                f"{type(self.precision).__name__} {shown(self.precision)}",
                self.precision,
            )
        for bound in (self.earliest, self.latest):
            if bound is not None and not _is_plain_date(bound):
                raise DateError(
                    f"a partial date's bounds must be datetime.date or None, not "
                    f"{type(bound).__name__} {shown(bound)}",
                    bound,
                )
        again = _parse(self.text)
        if (again.precision, again.earliest, again.latest) != (
            self.precision,
            self.earliest,
            self.latest,
        ):
            raise DateError(
                f"partial date {shown(self.text)} does not match its precision and bounds "
                f"({self.precision.value}, {self.earliest}, {self.latest}); "
                "build partial dates with steelbond.parse_date",
                self.text,
            )

    @property
    def is_exact(self) -> bool:
        """True when the date is one known day."""
        return self.earliest is not None and self.earliest == self.latest

    def certainly_by(self, day: _dt.date) -> bool:
        """True when the thing certainly happened on or before ``day``."""
        return self.latest is not None and self.latest <= day

    def straddles(self, day: _dt.date) -> bool:
        """True when ``day`` falls inside the date's bounds but before its latest day.

        On such a day the thing may or may not have happened yet: replay leaves it out and
        reports it as uncertain.
        """
        started = self.earliest is None or self.earliest <= day
        return started and not self.certainly_by(day)

    def sort_key(self) -> tuple[_dt.date, _dt.date, str]:
        """Order by latest day, then earliest day (open ends sort last and first)."""
        return (
            self.latest or _dt.date.max,
            self.earliest or _dt.date.min,
            self.text,
        )

    def __str__(self) -> str:
        return self.text


def _is_plain_date(value: object) -> bool:
    """A date and not a datetime (a datetime is a date subclass, whose time would be lost)."""
    return isinstance(value, _dt.date) and not isinstance(value, _dt.datetime)


def _check_year(year: int, text: object) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(
            f"year {year} in {shown(text)} is out of range; "
            f"years {MIN_YEAR}-{MAX_YEAR} are accepted",
            text,
        )


def _point(part: str, whole: str) -> tuple[Precision, _dt.date, _dt.date]:
    m = _POINT.fullmatch(part)
    if m is None:
        raise DateError(
            f"cannot read date {shown(whole)}: expected YYYY, YYYY-MM, YYYY-MM-DD, YYYY-season "
            "(spring, summer, autumn, winter), a range A/B, or an open range ../B or A/..",
            whole,
        )
    year = int(m.group(1))
    _check_year(year, whole)
    month, day, season = m.group(2), m.group(3), m.group(4)
    try:
        if season is not None:
            first, last = _SEASONS[season]
            start = _dt.date(year, first, 1)
            end_year, end_month = (year + 1, last - 12) if last > 12 else (year, last)
            if end_year > MAX_YEAR:
                raise DateError(f"season in {shown(whole)} runs past year {MAX_YEAR}", whole)
            end = _dt.date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
            return Precision.SEASON, start, end
        if month is None:
            return Precision.YEAR, _dt.date(year, 1, 1), _dt.date(year, 12, 31)
        mo = int(month)
        if day is None:
            start = _dt.date(year, mo, 1)
            return Precision.MONTH, start, _dt.date(year, mo, calendar.monthrange(year, mo)[1])
        exact = _dt.date(year, mo, int(day))
        return Precision.DAY, exact, exact
    except ValueError as exc:
        raise DateError(f"{shown(whole)} is not a real date: {exc}", whole) from None


def _parse(text: str) -> PartialDate:
    if "/" not in text:
        precision, start, end = _point(text, text)
        return _make(text, precision, start, end)
    left, _sep, right = text.partition("/")
    if "/" in right or not left or not right:
        raise DateError(
            f"cannot read range {shown(text)}: expected exactly one '/' between two dates", text
        )
    first = None if left == ".." else _point(left, text)[1]
    last = None if right == ".." else _point(right, text)[2]
    if first is None and last is None:
        return _make(text, Precision.UNKNOWN, None, None)
    if first is not None and last is not None and first > last:
        raise DateError(f"range {shown(text)} ends before it starts", text)
    return _make(text, Precision.RANGE, first, last)


def _make(
    text: str, precision: Precision, start: _dt.date | None, end: _dt.date | None
) -> PartialDate:
    # Bypass __attrs_post_init__'s re-parse: these parts come straight from the parser.
    obj = object.__new__(PartialDate)
    object.__setattr__(obj, "text", text)
    object.__setattr__(obj, "precision", precision)
    object.__setattr__(obj, "earliest", start)
    object.__setattr__(obj, "latest", end)
    return obj


def parse_date(value: object) -> PartialDate:
    """Read a partial date from its text form (see the module docs); strict.

    >>> parse_date("2023-07-11/2023-07-12").latest
    datetime.date(2023, 7, 12)
    >>> parse_date("2023-02-30")
    Traceback (most recent call last):
    ...
    steelbond.errors.DateError: '2023-02-30' is not a real date: day is out of range for month
    """
    if isinstance(value, PartialDate):
        return value
    if not isinstance(value, str):
        raise DateError(
            f"a partial date must be a string such as '2012-09', not {type(value).__name__} "
            f"{shown(value)}",
            value,
        )
    return _parse(value)


def to_day(value: object) -> _dt.date:
    """Read one query day: a :class:`datetime.date`, an ISO ``YYYY-MM-DD`` string, a
    datetime at midnight without a time zone (a pandas ``Timestamp``, say), or a NumPy
    ``datetime64`` of a day.

    Other datetimes are refused rather than silently cut to their date (a timezone would
    change the day): pass ``dt.date()``.

    >>> to_day("2015-06-30")
    datetime.date(2015, 6, 30)
    """
    if isinstance(value, _dt.datetime):
        # a datetime (a pandas Timestamp is one) names a day only at midnight, without a
        # zone: any other would be cut to its date, or its zone would decide the day
        if value.tzinfo is not None or value.time() != _dt.time(0):
            raise DateError(
                f"got a datetime {shown(value)} with a time of day or a time zone; pass a "
                "datetime.date (for example value.date()) so no clock or zone decides the "
                "day silently",
                value,
            )
        value = value.date()
    if type(value).__name__ == "datetime64" and type(value).__module__ == "numpy":
        (number,) = day_numbers(_numpy_one(value))
        value = _EPOCH + _dt.timedelta(days=int(number))
    if isinstance(value, _dt.date):
        _check_year(value.year, value)
        return value
    if isinstance(value, str):
        m = _DAY.fullmatch(value)
        if m is None:
            raise DateError(
                f"cannot read day {shown(value)}: expected an ISO date YYYY-MM-DD "
                "such as '2015-06-30'",
                value,
            )
        _check_year(int(m.group(1)), value)
        try:
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError as exc:
            raise DateError(f"{shown(value)} is not a real date: {exc}", value) from None
    raise DateError(
        f"a query date must be a datetime.date or an ISO string 'YYYY-MM-DD', not "
        f"{type(value).__name__} {shown(value)}",
        value,
    )


def day_numbers(days: Iterable[object]) -> Any:
    """Many query dates as a NumPy int64 array of days since 1970-01-01 (no narrowing
    before the coverage check, so a far date cannot wrap into a covered one).

    ``days`` may be an iterable of what ``to_day`` reads, an Arrow ``date32`` array, a
    NumPy ``datetime64`` array, a pandas ``DatetimeIndex`` or ``Series``, or a polars
    ``Date`` or ``Datetime`` Series.

    Nothing is coerced: a NumPy date with a time of day is refused (it would be cut to its
    day), and so are units coarser than a day (``[M]``, ``[Y]`` and ``[W]`` name a month,
    a year, a week, not a day: ``[W]`` would land on a Thursday).
    """
    import math

    import numpy as np
    import pyarrow as pa

    from .errors import ArgumentError

    library = type(days).__module__.partition(".")[0]
    if library in ("pandas", "polars"):
        zone = getattr(getattr(days, "dtype", None), "tz", None) or getattr(
            getattr(days, "dtype", None), "time_zone", None
        )
        if zone is not None:
            raise DateError(
                f"the dates carry a time zone ({zone}); steelbond does not pick the day for "
                "you: convert them to naive dates in the zone you mean first",
                str(zone),
            )
        days = cast(Any, days).to_numpy()
    if isinstance(days, pa.ChunkedArray):
        days = days.combine_chunks()
    if isinstance(days, pa.Array):
        if not pa.types.is_date32(days.type):
            raise DateError(
                f"an Arrow array of dates must have type date32, not {days.type}", days.type
            )
        if days.null_count:
            raise DateError("the dates contain nulls; drop or fill them first", None)
        return days.to_numpy(zero_copy_only=False).astype("datetime64[D]").astype(np.int64)
    if isinstance(days, np.ndarray) and days.ndim != 1:
        raise ArgumentError(
            f"states_at takes a one-dimensional array of dates, not one of shape {days.shape}",
            days.shape,
        )
    if isinstance(days, np.ndarray) and days.dtype.kind == "M":
        if np.isnat(days).any():
            raise DateError("the dates contain NaT; drop or fill them first", None)
        unit, count = np.datetime_data(days.dtype)
        per_day = {"D": 1, "h": 24, "m": 1440, "s": 86400}
        per_day.update({u: 86400 * 10**p for u, p in (("ms", 3), ("us", 6), ("ns", 9))})
        per_day.update({u: 86400 * 10**p for u, p in (("ps", 12), ("fs", 15), ("as", 18))})
        if unit not in per_day:
            coarse = {"Y": "a year", "M": "a month", "W": "a week"}.get(unit, "no day")
            raise DateError(
                f"NumPy dates of unit [{unit}] name {coarse}, not a day (steelbond does not "
                "pick one for you); give datetime64[D] dates, or for one row per period ask "
                f"steelbond.panel(start, end, by={_PERIOD_OF_UNIT.get(unit, 'day')!r})",
                str(days.dtype),
            )
        # A tick is `count` units. A date is a whole day when ticks * count is a multiple of
        # the units in a day, that is when ticks is a multiple of `step`:
        g = math.gcd(count, per_day[unit])
        step, scale = per_day[unit] // g, count // g
        ticks = days.astype(np.int64)
        if step > np.iinfo(np.int64).max:  # [fs], [as]: the array spans hours around 1970
            whole, quotient = ticks == 0, np.zeros(len(ticks), dtype=np.int64)
        else:
            quotient, rest = np.divmod(ticks, np.int64(step))
            whole = rest == 0
        if not whole.all():
            first = days[~whole][0]
            raise DateError(
                f"the dates carry a time of day (the first is {first}); steelbond does not "
                "cut it off: give datetime64[D] dates",
                str(first),
            )
        return quotient * scale
    if isinstance(days, str | bytes):
        raise DateError(f"states_at takes many dates, not one string {shown(days)}", days)
    if not isinstance(days, Iterable) or (isinstance(days, np.ndarray) and days.ndim == 0):
        raise ArgumentError(
            f"states_at takes an iterable of dates, not {type(days).__name__} {shown(days)}",
            days,
        )
    return np.fromiter(((to_day(d) - _EPOCH).days for d in days), dtype=np.int64)


def _numpy_one(value: object) -> Any:
    import numpy as np

    return np.array([value])
