"""Country-period panels: the record as the tables international-relations research merges.

:func:`panel` gives one row per partner and period (a year, quarter, month, ISO week or
day), keyed on explicit country codes (:mod:`steelbond.countries`), with only scalar
columns, so that CSV, Stata and R read it as it is. It is built from the same facts and the
same replayed timeline as :func:`steelbond.state_at` and the SQL views: it adds no rule of
its own about what happened, only about how a period is read.

How a period is read (``at=``)
------------------------------
``"end"``, ``"start"``, ``"mid"``
    The stocks (designation, programme, mission, operations, dialogue, cooperation areas and
    the running totals) are the state on one day of the period: its last, its first, or its
    middle day (the earlier of the two middle days when the period has an even number of
    days). That day is ``read_on``.
``"any"``, ``"all"``
    Each boolean stock (``mission_to_nato``, ``op_*``, ``coop_*``, ``dialogue``, and the
    ``des_*`` indicators that stand for the categorical fields)
    says whether it held on any day, or on every day, of the period; the categorical text
    columns are left out, since a period can hold several values. The running totals and
    personnel are read on the period's last day. ``read_on`` is null.

For example, South Korea's mission to NATO opened in autumn 2022; in a yearly panel
``mission_to_nato`` for 2022 is true with ``at="end"`` and ``at="any"``, and false with
``at="start"`` and ``at="all"``.

Flows and dates
---------------
The flows (summits and ministerial meetings attended, arms deals signed and their value in
US dollars where stated, trust-fund pledges, and facts of each kind) count the facts whose
date lies wholly inside the period. A fact whose date bounds straddle the period's edge (a
summit dated only "2012" in a monthly panel) is not counted anywhere, and sets
``<flow>_uncertain`` on every period it may fall in: steelbond does not pick a month for
it. ``<flow>_disputed`` is set where a fact of a dispute (carried or not) may fall in the
period. The stocks' ``<field>_uncertain`` and ``<field>_disputed`` flags are the state's own
(the state's ``uncertain_fields`` and ``disputed_fields``).

Coverage
--------
Every period between ``start`` and ``end`` has its row. Outside the days the sources cover
the values are null, never zero and never carried forward: a stock is null when its
reading day is not covered (with ``any``/``all``, when the period is not wholly covered),
and a flow is null unless the whole period is covered. ``coverage`` says ``full``,
``partial`` or ``none``, ``covered_days`` how many days of the period are covered, and
``in_coverage`` is true only for a wholly covered period.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs

from .countries import COUNTRIES, Country
from .dates import parse_date
from .designation import Designation
from .errors import ArgumentError, DateError, check_type, shown
from .state import FIELDS

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

    from .factmodel import Fact, Facts
    from .kinds import Source
    from .log import EventLog
    from .state import State, Timeline

__all__ = ["AT", "BY", "SIGNED_STAGES", "Panel", "panel"]

BY = ("year", "quarter", "month", "week", "day")
"""The periods a panel can have a row for."""
AT = ("end", "start", "mid", "any", "all")
"""How a panel reads a period's stocks (see the module docs)."""
SIGNED_STAGES = frozenset({"mou", "framework", "contract", "purchase"})
"""The arms-deal stages that count as a deal signed (talks and deliveries do not)."""

_EPOCH = _dt.date(1970, 1, 1)
_NEVER = 1 << 40
"""Day number standing for an open date bound (far beyond any period)."""
_FLOWS = ("summits_attended", "ministerials_attended", "arms_deals_signed", "trust_fund_pledges")
_META_KINDS = ("conflict", "retraction", "citation_added")


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")


@attrs.frozen
class Panel:
    """A country-period panel: ``table`` (one row per partner and period, scalar columns
    only), how it was read, and the documents behind its values.

    >>> import steelbond
    >>> p = steelbond.panel(2012, 2013, partner="KOR")
    >>> [(r["year"], r["designation"], r["programme"]) for r in p.to_arrow().to_pylist()]
    [(2012, 'partner_across_the_globe', 'IPCP'), (2013, 'partner_across_the_globe', 'IPCP')]
    """

    table: pa.Table
    by: str
    at: str
    release: str
    partners: tuple[str, ...]
    sources: tuple[Source, ...]
    """The documents cited by the events behind the panel's values, the states it reads and
    the facts its flows count (what :func:`steelbond.cite` lists for it)."""

    def __len__(self) -> int:
        return int(self.table.num_rows)

    @property
    def column_names(self) -> list[str]:
        """The panel's columns, in order."""
        return list(self.table.column_names)

    def to_arrow(self) -> pa.Table:
        """The panel as a ``pyarrow.Table``."""
        return self.table

    def to_pandas(self) -> Any:
        """The panel as a ``pandas.DataFrame`` (``pip install 'steelbond[pandas]'``)."""
        from .frames import to_pandas

        return to_pandas(self.table)

    def to_polars(self) -> Any:
        """The panel as a ``polars.DataFrame`` (``pip install 'steelbond[polars]'``)."""
        from .frames import to_polars

        return to_polars(self.table)

    def _repr_html_(self) -> str:
        from .frames import html_table

        shown_columns = ["partner", "period", "coverage", "designation", "programme"]
        names = [c for c in shown_columns if c in self.table.column_names]
        rows = [[r[c] for c in names] for r in self.table.select(names).to_pylist()[:20]]
        caption = (
            f"steelbond panel by {self.by} (at={self.at!r}), data {self.release}: "
            f"{len(self)} rows, {self.table.num_columns} columns"
        )
        return html_table(names, rows, caption)


def _bound(value: object, name: str, last: bool) -> _dt.date:
    """``start`` or ``end``: a year, a partial-date text or a day; the first day of what it
    names for ``start``, the last for ``end``."""
    if isinstance(value, bool):
        raise ArgumentError(f"{name} must be a year, a date or a date text, not {value!r}", value)
    if isinstance(value, int):
        if not 1 <= value <= 9999:
            raise DateError(f"{name}: year {value} is out of range (1 to 9999)", value)
        return _dt.date(value, 12, 31) if last else _dt.date(value, 1, 1)
    if isinstance(value, str):
        parsed = parse_date(value)
        day = parsed.latest if last else parsed.earliest
        if day is None:
            raise DateError(f"{name} {shown(value)} is open on that side; give a bound", value)
        return day
    from .dates import to_day

    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return to_day(value)
    raise ArgumentError(
        f"{name} must be a year (2002), a date text ('2002-06') or a datetime.date, not "
        f"{type(value).__name__} {shown(value)}",
        value,
    )


def _periods(first: _dt.date, last: _dt.date, by: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Each period's first and last day (day numbers) and its label, from the period that
    holds ``first`` to the one that holds ``last``."""
    import numpy as np

    d0, d1 = np.datetime64(first, "D"), np.datetime64(last, "D")
    if by == "day":
        starts = np.arange(d0, d1 + 1)
        ends = starts
        labels = [str(d) for d in starts]
    elif by == "week":
        monday0 = first - _dt.timedelta(days=first.weekday())
        starts = np.arange(np.datetime64(monday0, "D"), d1 + 1, 7)
        ends = starts + 6
        labels = []
        for s in starts.astype(object):
            iso = s.isocalendar()
            labels.append(f"{iso.year}-W{iso.week:02d}")
    else:
        step = {"year": 12, "quarter": 3, "month": 1}[by]
        m0 = (first.year * 12 + first.month - 1) // step * step
        m1 = (last.year * 12 + last.month - 1) // step * step
        months = np.arange(m0, m1 + 1, step)
        starts = (months - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]")
        ends = (months + step - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]") - 1
        years, within = months // 12, months % 12
        if by == "year":
            labels = [str(y) for y in years]
        elif by == "quarter":
            labels = [f"{y}Q{m // 3 + 1}" for y, m in zip(years, within, strict=True)]
        else:
            labels = [f"{y}-{m + 1:02d}" for y, m in zip(years, within, strict=True)]
    return starts.astype(np.int64), ends.astype(np.int64), labels


def _day_number(day: _dt.date | None, default: int) -> int:
    return default if day is None else (day - _EPOCH).days


def _arrow_type(name: str, values: Sequence[Any]) -> pa.DataType:
    """A stock column's type, from its values, or its name when they are all null (an
    operation's personnel that no source states): never Arrow's ``null`` type, which CSV,
    Stata and R cannot type."""
    import pyarrow as pa

    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, bool):
        return pa.bool_()
    if isinstance(sample, int) or name.endswith(("_personnel", "_revisions", "_total")):
        return pa.float64() if name == "trust_fund_usd_total" else pa.int64()
    if isinstance(sample, float):
        return pa.float64()
    return pa.string()


def _stock_rows(states: Sequence[State], operations: Sequence[str]) -> dict[str, list[Any]]:
    """Each timeline interval's stocks as scalars, one list per column."""
    cols: dict[str, list[Any]] = {}

    def put(name: str, value: Any) -> None:
        cols.setdefault(name, []).append(value)

    for s in states:
        put("designation", s.designation.value)
        for d in Designation:
            put(f"des_{d.value}", s.designation is d)
        put("programme", s.programme.name if s.programme else None)
        put(
            "programme_signed",
            str(s.programme.signed) if s.programme and s.programme.signed else None,
        )
        put("programme_revisions", s.programme.revisions if s.programme else 0)
        put("mission_to_nato", s.mission_to_nato)
        put("dialogue", s.dialogue_since is not None)
        put("dialogue_since", str(s.dialogue_since) if s.dialogue_since else None)
        by_name = {o.name: o for o in s.operations}
        for name in operations:
            op = by_name.get(name)
            put(f"op_{_slug(name)}", op is not None)
            put(f"op_{_slug(name)}_personnel", op.personnel if op else None)
        put("summits_total", len(s.summits))
        put("ministerials_total", len(s.ministerials))
        put("arms_deals_total", s.arms_deals)
        put("trust_fund_usd_total", s.trust_fund_usd)
        for field in FIELDS:
            put(f"{field}_uncertain", field in s.uncertain_fields)
            put(f"{field}_disputed", field in s.disputed_fields)
        put("_areas", frozenset(s.cooperation_areas))
    return cols


def panel(
    start: object,
    end: object,
    *,
    by: Literal["year", "quarter", "month", "week", "day"] = "year",
    at: Literal["end", "start", "mid", "any", "all"] = "end",
    partner: str | Iterable[str] | None = None,
    as_of_release: str | None = None,
    log: EventLog | None = None,
) -> Panel:
    """A country-period panel from ``start`` to ``end`` (years, date texts or dates).

    ``by`` is the period (``year``, ``quarter``, ``month``, ``week`` (ISO, from Monday) or
    ``day``), ``at`` how a period's stocks are read (``end``, ``start``, ``mid``, ``any``,
    ``all``), ``partner`` an ISO3 code or several (``None``: every partner in the log). The
    rules, the columns and how coverage is shown are in :mod:`steelbond.panels` and on the
    panels page of the docs.

    >>> import steelbond
    >>> rows = steelbond.panel(2021, 2023, partner="KOR").to_arrow().to_pylist()
    >>> [(r["year"], r["ccode"], r["mission_to_nato"], r["summits_attended"]) for r in rows]
    [(2021, 732, False, 0), (2022, 732, True, 1), (2023, 732, True, 1)]
    """
    import pyarrow as pa

    from .api import check_common, facts, replayed
    from .bundled import bundled_log

    check_common(as_of_release, log)
    check_type("by", by, str, f"one of {', '.join(BY)}")
    check_type("at", at, str, f"one of {', '.join(AT)}")
    if by not in BY:
        raise ArgumentError(f"by must be one of {', '.join(BY)}, not {shown(by)}", by)
    if at not in AT:
        raise ArgumentError(f"at must be one of {', '.join(AT)}, not {shown(at)}", at)
    first, last = _bound(start, "start", last=False), _bound(end, "end", last=True)
    if first > last:
        raise DateError(f"start ({first}) is after end ({last})", (first, last))
    source = bundled_log() if log is None else log
    released = source.release(as_of_release)
    partners = _partners(partner, released.partners())
    starts, ends, labels = _periods(first, last, by)
    found = {p: facts(partner=p, as_of_release=as_of_release, log=log) for p in partners}
    # one set of columns for every partner: an operation or area one partner never had is
    # false for it, not missing
    from .kinds import Cooperation, OperationJoined

    operations = sorted(
        {
            f.event.operation
            for one in found.values()
            for f in one.facts
            if isinstance(f.event, OperationJoined)
        }
    )
    areas = sorted(
        {
            f.event.area
            for one in found.values()
            for f in one.facts
            if isinstance(f.event, Cooperation)
        }
    )
    tables = []
    behind: set[str] = set()
    release_name = ""
    for code in partners:
        timeline = replayed(log, as_of_release, code)
        release_name = timeline.states[-1].release or release_name
        table, used = _partner_rows(
            COUNTRIES[code], timeline, found[code], starts, ends, labels, at, operations, areas
        )
        tables.append(table)
        behind |= used
    cited = {c.source for e in released if e.id in behind for c in released.citations_of(e)}
    return Panel(
        table=pa.concat_tables(tables),
        by=by,
        at=at,
        release=release_name,
        partners=partners,
        sources=tuple(s for s in released.sources if s.id in cited),
    )


def _partner_rows(
    country: Country,
    timeline: Timeline,
    found: Facts,
    starts: np.ndarray,
    ends: np.ndarray,
    labels: list[str],
    at: str,
    operations: Sequence[str],
    areas: Sequence[str],
) -> tuple[pa.Table, set[str]]:
    """One partner's rows of the panel, and the ids of the events behind their values."""
    import numpy as np
    import pyarrow as pa

    cov_lo = (timeline.coverage_start - _EPOCH).days
    cov_hi = (timeline.coverage_end - _EPOCH).days
    covered = np.clip(np.minimum(ends, cov_hi) - np.maximum(starts, cov_lo) + 1, 0, None)
    length = ends - starts + 1
    full = covered == length
    pointwise = at in ("end", "start", "mid")
    if at == "end":
        read = ends
    elif at == "start":
        read = starts
    else:
        read = starts + (length - 1) // 2
    if pointwise:
        stock_valid = (read >= cov_lo) & (read <= cov_hi)
    else:
        stock_valid = full
        read = ends
    interval_starts = np.array([(d - _EPOCH).days for d in timeline.starts], dtype=np.int64)
    safe_read = np.clip(read, cov_lo, cov_hi)
    at_index = np.searchsorted(interval_starts, safe_read, side="right") - 1
    if pointwise:
        first_index = at_index
    else:
        first_index = np.searchsorted(interval_starts, np.clip(starts, cov_lo, cov_hi), "right") - 1

    stocks = _stock_rows(timeline.states, operations)
    area_sets = stocks.pop("_areas")
    for area in areas:
        stocks[f"coop_{_slug(area)}"] = [area in a for a in area_sets]

    rows = pa.array(at_index.astype(np.int32), pa.int32(), mask=~stock_valid)
    text_stocks = ("designation", "programme", "programme_signed", "dialogue_since")
    flags = {name for name in stocks if name.endswith(("_uncertain", "_disputed"))}
    columns: dict[str, Any] = {}
    for name, values in stocks.items():
        if not pointwise and name in text_stocks:
            continue
        if not pointwise and isinstance(values[0], bool):
            # any/all over the intervals the period spans (it is wholly covered, or masked)
            prefix = np.concatenate([[0], np.cumsum(np.array(values, dtype=np.int64))])
            hits = prefix[at_index + 1] - prefix[first_index]
            spans = at_index - first_index + 1
            held = hits > 0 if (at == "any" or name in flags) else hits == spans
            columns[name] = pa.array(held, mask=~stock_valid)
            continue
        # one value per interval, gathered by Arrow (a null index where not covered)
        columns[name] = pa.array(values, _arrow_type(name, values)).take(rows)
    columns.update(_flows(found, starts, ends, full))
    table = pa.table(
        {
            **_identifiers(
                country, labels, starts, ends, covered, full, read, pointwise, stock_valid
            ),
            **columns,
        }
    )
    behind = _behind(timeline, at_index, first_index, stock_valid, found, starts, ends, full)
    return table, behind


def _identifiers(
    country: Country,
    labels: list[str],
    starts: np.ndarray,
    ends: np.ndarray,
    covered: np.ndarray,
    full: np.ndarray,
    read: np.ndarray,
    pointwise: bool,
    stock_valid: np.ndarray,
) -> dict[str, Any]:
    import numpy as np
    import pyarrow as pa

    n = len(labels)

    def days(values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
        return pa.array(values.astype(np.int32), pa.int32(), mask=mask).cast(pa.date32())

    coverage = np.where(full, "full", np.where(covered > 0, "partial", "none"))
    return {
        "partner": pa.array([country.iso3] * n),
        "ccode": pa.array([country.ccode] * n, pa.int64()),
        "gwcode": pa.array([country.gwcode] * n, pa.int64()),
        "country": pa.array([country.name] * n),
        "framework": pa.array([country.framework] * n),
        "period": pa.array(labels),
        "period_start": days(starts),
        "period_end": days(ends),
        "year": pa.array(
            starts.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970,
            pa.int64(),
        ),
        "in_coverage": pa.array(full),
        "coverage": pa.array(coverage.tolist()),
        "covered_days": pa.array(covered, pa.int64()),
        "read_on": days(read, mask=~stock_valid if pointwise else np.ones(n, dtype=bool)),
    }


def _fact_spans(facts: Iterable[Any]) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    lo = np.array([_day_number(f.date.earliest, -_NEVER) for f in facts], dtype=np.int64)
    hi = np.array([_day_number(f.date.latest, _NEVER) for f in facts], dtype=np.int64)
    return lo, hi


def _place(
    facts: Sequence[Any], starts: np.ndarray, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each fact, the period its date lies wholly inside (-1: none), and for each
    period whether a fact's date straddles it (it may or may not fall there)."""
    import numpy as np

    n = len(starts)
    inside = np.full(len(facts), -1, dtype=np.int64)
    straddled = np.zeros(n + 1, dtype=np.int64)
    if not facts or not n:
        return inside, straddled[:n] > 0
    lo, hi = _fact_spans(facts)
    first = np.searchsorted(ends, lo, side="left")  # first period ending on or after lo
    last = np.searchsorted(starts, hi, side="right") - 1  # last period starting by hi
    overlaps = (first <= last) & (first < n) & (last >= 0)
    whole = (
        overlaps
        & (first == last)
        & (lo >= starts[np.clip(first, 0, n - 1)])
        & (hi <= ends[np.clip(last, 0, n - 1)])
    )
    inside[whole] = first[whole]
    partial = overlaps & ~whole
    np.add.at(straddled, np.clip(first[partial], 0, n), 1)
    np.add.at(straddled, np.clip(last[partial] + 1, 0, n), -1)
    return inside, np.cumsum(straddled)[:n] > 0


def _flows(found: Facts, starts: np.ndarray, ends: np.ndarray, full: np.ndarray) -> dict[str, Any]:
    """The flow columns: facts counted in the period their date lies wholly inside."""
    import numpy as np
    import pyarrow as pa

    from .kinds import KINDS, ArmsDeal, Contribution

    n = len(starts)
    standing = found.standing()
    disputed_ids = set(found.dispute_of())
    groups: dict[str, Callable[[Fact], bool]] = {
        "summits_attended": lambda f: f.kind == "summit_attended",
        "ministerials_attended": lambda f: f.kind == "ministerial_meeting",
        "arms_deals_signed": lambda f: (
            isinstance(f.event, ArmsDeal)
            and f.event.part_of is None
            and f.event.stage in SIGNED_STAGES
        ),
        "trust_fund_pledges": lambda f: isinstance(f.event, Contribution),
    }
    out: dict[str, Any] = {}
    mask = ~full

    def counted(chosen: Sequence[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        inside, straddled = _place(chosen, starts, ends)
        counts = np.bincount(inside[inside >= 0], minlength=n)[:n]
        return counts, straddled, inside

    for name, wanted in groups.items():
        chosen = [f for f in standing if wanted(f)]
        counts, straddled, inside = counted(chosen)
        out[name] = pa.array(counts, pa.int64(), mask=mask)
        out[f"{name}_uncertain"] = pa.array(straddled, mask=mask)
        in_dispute = [f for f in found.facts if wanted(f) and f.id in disputed_ids]
        d_inside, d_straddled = _place(in_dispute, starts, ends)
        touched = d_straddled.copy()
        touched[d_inside[d_inside >= 0]] = True
        out[f"{name}_disputed"] = pa.array(touched, mask=mask)
        amount = "value_usd" if name == "arms_deals_signed" else "amount_usd"
        if name in ("arms_deals_signed", "trust_fund_pledges"):
            label = "arms_deals_value_usd" if amount == "value_usd" else "trust_fund_pledged_usd"
            total = np.zeros(n)
            missing = np.zeros(n, dtype=bool)
            stated = np.zeros(n, dtype=bool)
            for f, where in zip(chosen, inside, strict=True):
                if where < 0:
                    continue
                value = getattr(f.event, amount)
                if value is None:
                    missing[where] = True
                else:
                    total[where] += value
                    stated[where] = True
            # some deals and none with a dollar value: the sum is unknown, not zero
            unknown = missing & ~stated
            out[label] = pa.array(total, pa.float64(), mask=mask | unknown)
            out[f"{label}_partial"] = pa.array(missing & stated, mask=mask)
    for kind in sorted(KINDS):
        if kind in _META_KINDS:
            continue
        counts, _, _ = counted([f for f in standing if f.kind == kind])
        out[f"facts_{kind}"] = pa.array(counts, pa.int64(), mask=mask)
    return out


def _behind(
    timeline: Timeline,
    at_index: np.ndarray,
    first_index: np.ndarray,
    stock_valid: np.ndarray,
    found: Facts,
    starts: np.ndarray,
    ends: np.ndarray,
    full: np.ndarray,
) -> set[str]:
    """The ids of the events behind the panel's values: the states it reads and the reports
    of the facts its flows count."""
    import numpy as np

    behind: set[str] = set()
    # the intervals any read period spans, marked on a difference array in one pass
    marks = np.zeros(len(timeline.states) + 1, dtype=np.int64)
    np.add.at(marks, first_index[stock_valid], 1)
    np.add.at(marks, at_index[stock_valid] + 1, -1)
    for i in np.flatnonzero(np.cumsum(marks)[:-1] > 0):
        behind.update(timeline.states[i].basis.all_ids())
    facts = found.standing()
    inside, _ = _place(facts, starts, ends)
    for f, where in zip(facts, inside, strict=True):
        if where >= 0 and full[where]:
            behind.update(f.reports)
    return behind


def _partners(partner: object, known: Sequence[str]) -> tuple[str, ...]:
    if partner is None:
        return tuple(known)
    names = [partner] if isinstance(partner, str) else partner
    if not isinstance(names, Iterable):
        raise ArgumentError(
            f"partner must be an ISO3 code, several, or None, not {shown(partner)}", partner
        )
    chosen = list(names)
    for name in chosen:
        if not isinstance(name, str) or name not in known:
            raise ArgumentError(
                f"partner {shown(name)} is not in the data; the partners are: {', '.join(known)}",
                name,
            )
    return tuple(dict.fromkeys(chosen))
