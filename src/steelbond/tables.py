"""Arrow tables of states: the timeline as intervals, and many dates at once.

This module knows Arrow and NumPy, not the state: :class:`~steelbond.Timeline` gives it
its states as plain columns (``Timeline.to_arrow``) and asks it for many dates at once
(``Timeline.states_at``), so the state's module imports it, never the other way round.

``states_at`` is one vectorised pass: the dates become one int64 array of days, NumPy's
``searchsorted`` finds each date's interval in the timeline, and Arrow's ``take`` gathers
the rows. No date is replayed on its own.

The string columns are dictionary-encoded (``dictionary<int32, string>``, and
``list<dictionary<int32, string>>`` for the lists): each value is an int32 index into one
dictionary of the column's distinct values, so gathering a million rows copies four bytes
per value or list item rather than the string, about 3.5x faster and 4x smaller. pyarrow,
polars and DuckDB read them as strings (DuckDB: ``VARCHAR`` and ``VARCHAR[]``); pandas
makes the scalar ones categoricals, which compare with strings as usual. (pyarrow 26
cannot sort by a dictionary column or run string functions on one; cast it to ``string``
first.) Sharing whole
lists between rows (dictionary-encoded lists, or ``list_view``) would avoid the copy, but
pandas cannot convert the former and pyarrow 26 casts the latter to invalid arrays, so the
output keeps to types every tool reads correctly (see the performance page).

Columns (the same in :meth:`steelbond.Timeline.to_arrow`,
:meth:`steelbond.Timeline.states_at` and the SQL view ``timeline``):

========================  ==========================================================
``valid_from``            first day of the interval (inclusive)
``valid_to``              day after the interval's last day (exclusive)
``release``               data release the state comes from
``designation``           :class:`~steelbond.kinds.Designation` value (``none``, ...)
``programme``             name of the partnership programme in force, or null
``programme_signed``      its signing date as the source gives it (partial date text)
``programme_revisions``   how often it was revised by then
``mission_to_nato``       whether South Korea had a diplomatic mission to NATO
``operations``            NATO-led operations it was taking part in
``summits``               summits attended by then, oldest first ("Madrid 2022-06-29/...")
``summit_count``          how many
``ministerial_count``     NATO ministers' meetings attended by then
``cooperation_areas``     practical cooperation areas begun by then
``dialogue_since``        start of political dialogue (partial date text), or null
``trust_fund_usd``        trust-fund money with a stated amount, summed
``arms_deals``            arms-trade events with NATO members by then
``uncertain``             ids of reports of facts that straddle the day and would change
                          a field, had they happened by then
``uncertain_fields``      the state fields those facts would change
``disputed_fields``       the state fields that competing claims give other values
``disputed``              each claim on those fields: ``field: value [carried] (events)``
``event_ids``             ids of the events behind the state
========================  ==========================================================
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .dates import to_day
from .errors import ArgumentError, DateError, OutOfCoverageError, shown

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

__all__ = ["EPOCH", "day_numbers", "states_table", "timeline_table"]

EPOCH = _dt.date(1970, 1, 1)
"""Day 0 of :func:`day_numbers`."""
_PARALLEL_ROWS = 1 << 16
"""From how many dates ``states_table`` gathers its columns in parallel."""


def _schema() -> pa.Schema:
    import pyarrow as pa

    # Every string is dictionary-encoded: int32 indices into one dictionary of the column's
    # distinct values, so gathering a million rows copies 4 bytes per value or list item
    # instead of the string. They read as strings in pyarrow, polars and DuckDB (VARCHAR,
    # VARCHAR[]); pandas makes the scalar ones categoricals.
    text = pa.dictionary(pa.int32(), pa.string())
    strings = pa.list_(text)
    return pa.schema(
        [
            ("valid_from", pa.date32()),
            ("valid_to", pa.date32()),
            ("release", text),
            ("designation", text),
            ("programme", text),
            ("programme_signed", text),
            ("programme_revisions", pa.int64()),
            ("mission_to_nato", pa.bool_()),
            ("operations", strings),
            ("summits", strings),
            ("summit_count", pa.int64()),
            ("ministerial_count", pa.int64()),
            ("cooperation_areas", strings),
            ("dialogue_since", text),
            ("trust_fund_usd", pa.float64()),
            ("arms_deals", pa.int64()),
            ("uncertain", strings),
            ("uncertain_fields", strings),
            ("disputed_fields", strings),
            ("disputed", strings),
            ("event_ids", strings),
        ]
    )


def timeline_table(
    valid_from: Sequence[_dt.date],
    valid_to: Sequence[_dt.date],
    columns: Mapping[str, Sequence[Any]],
) -> pa.Table:
    """One row per interval: its first day, the day after its last, then ``columns`` (the
    state's columns of the module docs, one plain value per interval)."""
    import pyarrow as pa

    cols: dict[str, Sequence[Any]] = {"valid_from": valid_from, "valid_to": valid_to}
    cols.update(columns)
    return pa.Table.from_pydict(cols, schema=_schema())


def day_numbers(days: Iterable[object]) -> np.ndarray[Any, np.dtype[np.int64]]:
    """The query dates as a NumPy int64 array of days since :data:`EPOCH` (no narrowing
    before the coverage check, so a far date cannot wrap into a covered one).

    Nothing is coerced: a NumPy date with a time of day is refused (it would be cut to its
    day), and so are units coarser than a day (``[M]``, ``[Y]`` and ``[W]`` name a month,
    a year, a week, not a day: ``[W]`` would land on a Thursday).
    """
    import math

    import numpy as np
    import pyarrow as pa

    if isinstance(days, pa.ChunkedArray):
        days = days.combine_chunks()
    if isinstance(days, pa.Array):
        if not pa.types.is_date32(days.type):
            raise DateError(
                f"an Arrow array of dates must have type date32, not {days.type}", days.type
            )
        if days.null_count:
            raise DateError("the dates contain nulls; drop or fill them first", None)
        values: np.ndarray[Any, Any] = days.to_numpy(zero_copy_only=False)
        return values.astype("datetime64[D]").astype(np.int64)
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
                "pick one for you); give datetime64[D] dates",
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
    return np.fromiter(((to_day(d) - EPOCH).days for d in days), dtype=np.int64)


def states_table(
    intervals: pa.Table, days: Iterable[object], *, coverage: tuple[_dt.date, _dt.date]
) -> pa.Table:
    """One row per date, in the order given: the date, then the row of ``intervals`` (a
    :func:`timeline_table`) whose interval holds it. A date outside ``coverage`` (first
    and last day, inclusive) raises :class:`~steelbond.errors.OutOfCoverageError`."""
    import numpy as np
    import pyarrow as pa

    wanted = day_numbers(days)
    starts = intervals.column("valid_from").to_numpy().astype("datetime64[D]").astype(np.int64)
    coverage_start, coverage_end = coverage
    lo = (coverage_start - EPOCH).days
    hi = (coverage_end - EPOCH).days
    outside = (wanted < lo) | (wanted > hi)
    if outside.any():
        first = str(np.datetime64(int(wanted[outside][0]), "D"))
        raise OutOfCoverageError(
            f"{int(outside.sum())} date(s) are outside the days this log's sources cover "
            f"({coverage_start} to {coverage_end}), the first {first}; "
            "steelbond does not extrapolate",
            first,
        )
    index = np.searchsorted(starts, wanted, side="right") - 1
    rows = pa.array(index.astype(np.int32))
    # Many rows: one column per task. Arrow's take releases the GIL, so the columns are
    # gathered on all cores at once (the list columns take most of the time); measured at
    # a million dates on 2 cores, 105 ms against 174 ms one column after another.
    workers = min(pa.cpu_count(), 8) if len(index) >= _PARALLEL_ROWS else 1
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        columns = list(pool.map(lambda c: c.take(rows), intervals.columns))
    dates = pa.array(wanted.astype(np.int32), pa.int32()).cast(pa.date32())
    schema = intervals.schema.insert(0, pa.field("date", pa.date32()))
    return pa.Table.from_arrays([dates, *columns], schema=schema)
