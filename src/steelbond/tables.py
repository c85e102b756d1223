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

from .dates import day_numbers
from .errors import OutOfCoverageError

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["states_table", "timeline_table"]

_EPOCH = _dt.date(1970, 1, 1)
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
    lo = (coverage_start - _EPOCH).days
    hi = (coverage_end - _EPOCH).days
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
