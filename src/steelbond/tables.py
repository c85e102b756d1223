"""Arrow tables of states: the timeline as intervals, and many dates at once.

``states_at`` is one vectorised pass: the dates become one int32 array of days, NumPy's
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

Columns (the same in ``timeline_table``, ``states_table`` and the SQL view
``timeline``):

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
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from .dates import day_numbers
from .errors import OutOfCoverageError

if TYPE_CHECKING:
    import pyarrow as pa

    from .replay import State, Timeline

__all__ = ["states_table", "timeline_table"]

_EPOCH = _dt.date(1970, 1, 1)
_PARALLEL_ROWS = 1 << 16
"""From how many dates ``states_at`` gathers its columns in parallel."""


def _columns(states: Iterable[State]) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {
        "release": [],
        "designation": [],
        "programme": [],
        "programme_signed": [],
        "programme_revisions": [],
        "mission_to_nato": [],
        "operations": [],
        "summits": [],
        "summit_count": [],
        "ministerial_count": [],
        "cooperation_areas": [],
        "dialogue_since": [],
        "trust_fund_usd": [],
        "arms_deals": [],
        "uncertain": [],
        "uncertain_fields": [],
        "disputed_fields": [],
        "disputed": [],
        "event_ids": [],
    }
    for s in states:
        prog = s.programme
        cols["release"].append(s.release)
        cols["designation"].append(s.designation.value)
        cols["programme"].append(prog.name if prog else None)
        cols["programme_signed"].append(str(prog.signed) if prog and prog.signed else None)
        cols["programme_revisions"].append(prog.revisions if prog else 0)
        cols["mission_to_nato"].append(s.mission_to_nato)
        cols["operations"].append([o.name for o in s.operations])
        cols["summits"].append([f"{m.name} {m.date}" for m in s.summits])
        cols["summit_count"].append(len(s.summits))
        cols["ministerial_count"].append(len(s.ministerials))
        cols["cooperation_areas"].append(list(s.cooperation_areas))
        cols["dialogue_since"].append(str(s.dialogue_since) if s.dialogue_since else None)
        cols["trust_fund_usd"].append(s.trust_fund_usd)
        cols["arms_deals"].append(s.arms_deals)
        cols["uncertain"].append(list(s.uncertain))
        cols["uncertain_fields"].append(list(s.uncertain_fields))
        cols["disputed_fields"].append(list(s.disputed_fields))
        cols["disputed"].append(
            [
                f"{field}: {c.value}{' [carried]' if c.carried else ''} ({', '.join(c.events)})"
                for field, claims in s.disputed.items()
                for c in claims
            ]
        )
        cols["event_ids"].append(list(s.basis.all_ids()))
    return cols


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


_TABLES: dict[int, tuple[Timeline, pa.Table]] = {}


def timeline_table(timeline: Timeline) -> pa.Table:
    """One row per interval of the timeline (built once per timeline: both are immutable)."""
    cached = _TABLES.get(id(timeline))
    # The entry holds the timeline itself: an id is reused once its object is freed.
    if cached is not None and cached[0] is timeline:
        return cached[1]
    if len(_TABLES) > 32:
        _TABLES.clear()
    table = _build_timeline_table(timeline)
    _TABLES[id(timeline)] = (timeline, table)
    return table


def _build_timeline_table(timeline: Timeline) -> pa.Table:
    import pyarrow as pa

    cols: dict[str, list[Any]] = {
        "valid_from": list(timeline.starts),
        "valid_to": list(timeline.valid_to()),
    }
    cols.update(_columns(timeline.states))
    return pa.Table.from_pydict(cols, schema=_schema())


def states_table(timeline: Timeline, days: Iterable[object]) -> pa.Table:
    """One row per date, in the order given: the date, then the timeline's columns."""
    import numpy as np
    import pyarrow as pa

    wanted = day_numbers(days)
    starts = np.array([(d - _EPOCH).days for d in timeline.starts], dtype=np.int64)
    lo = (timeline.coverage_start - _EPOCH).days
    hi = (timeline.coverage_end - _EPOCH).days
    outside = (wanted < lo) | (wanted > hi)
    if outside.any():
        first = str(np.datetime64(int(wanted[outside][0]), "D"))
        raise OutOfCoverageError(
            f"{int(outside.sum())} date(s) are outside the days this log's sources cover "
            f"({timeline.coverage_start} to {timeline.coverage_end}), the first {first}; "
            "steelbond does not extrapolate",
            first,
        )
    index = np.searchsorted(starts, wanted, side="right") - 1
    rows = pa.array(index.astype(np.int32))
    timeline_columns = timeline_table(timeline)
    # Many rows: one column per task. Arrow's take releases the GIL, so the columns are
    # gathered on all cores at once (the list columns take most of the time); measured at
    # a million dates on 2 cores, 105 ms against 174 ms one column after another.
    workers = min(pa.cpu_count(), 8) if len(index) >= _PARALLEL_ROWS else 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        columns = list(pool.map(lambda c: c.take(rows), timeline_columns.columns))
    dates = pa.array(wanted.astype(np.int32), pa.int32()).cast(pa.date32())
    schema = timeline_columns.schema.insert(0, pa.field("date", pa.date32()))
    return pa.Table.from_arrays([dates, *columns], schema=schema)
