"""The state of the relationship, and the timeline of its states: plain frozen values.

:class:`State` (with the :class:`Programme`, :class:`Operation`, :class:`Summit`,
:class:`Meeting` and :class:`Basis` it holds) is what :func:`steelbond.state_at` answers;
:class:`Timeline` is the state as half-open intervals, searched by date. How they are
computed from events is :mod:`steelbond.replay`'s business; these classes are kept apart
from it so that they import neither the event classes nor the log (and so neither cattrs
nor the converter): the bundled data ships its timelines already replayed
(:mod:`steelbond.formats.timeline`), and a cold ``state_at`` needs only this module to answer.
``steelbond.replay.State`` and the others still name these classes.
"""

from __future__ import annotations

import bisect
import datetime as _dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ._grown import grow
from .dates import PartialDate, to_day
from .designation import Designation
from .errors import OutOfCoverageError

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "FIELDS",
    "Basis",
    "ClaimedValue",
    "Disputed",
    "Meeting",
    "Operation",
    "Programme",
    "State",
    "Summit",
    "Timeline",
    "field_text",
]


@attrs.frozen
class Programme:
    """The partnership programme in force: its name, when signed, how often revised."""

    name: str
    signed: PartialDate | None
    revisions: int = 0
    last_revised: PartialDate | None = None
    areas: tuple[str, ...] = ()
    term: str | None = None


@attrs.frozen
class Operation:
    """A NATO-led operation the partner is taking part in."""

    name: str
    since: PartialDate
    role: str | None = None
    place: str | None = None
    personnel: int | None = None
    personnel_approximate: bool = False


@attrs.frozen
class Summit:
    """A NATO summit the partner attended."""

    name: str
    date: PartialDate
    host: str
    level: str | None = None
    attended_by: str | None = None


@attrs.frozen
class Meeting:
    """A NATO ministers' meeting the partner took part in."""

    level: str
    meeting: str
    date: PartialDate
    attended_by: str | None = None


@attrs.frozen
class Basis:
    """The ids of the events behind each field of a :class:`State`, oldest first."""

    designation: Sequence[str] = ()
    programme: Sequence[str] = ()
    mission_to_nato: Sequence[str] = ()
    operations: Sequence[str] = ()
    summits: Sequence[str] = ()
    ministerials: Sequence[str] = ()
    cooperation_areas: Sequence[str] = ()
    dialogue_since: Sequence[str] = ()
    trust_fund_usd: Sequence[str] = ()
    arms_deals: Sequence[str] = ()

    def add(self, field: str, event_id: str) -> Basis:
        """A new basis with ``event_id`` added behind ``field``: O(1), the new basis sharing
        the old one's ids rather than copying them (see ``steelbond._grown``)."""
        current: Sequence[str] = getattr(self, field)
        return attrs.evolve(self, **{field: grow(current, event_id)})

    def only(self, field: str, event_id: str) -> Basis:
        """A new basis with ``event_id`` alone behind ``field``."""
        return attrs.evolve(self, **{field: (event_id,)})

    def all_ids(self) -> tuple[str, ...]:
        """Every event id behind the state, each once."""
        return tuple(dict.fromkeys(i for f in attrs.fields(Basis) for i in getattr(self, f.name)))


@attrs.frozen
class ClaimedValue:
    """What one claim of a dispute gives a state field on a day.

    ``value`` is the field's value under that claim, as
    :func:`steelbond.state.field_text` writes it;
    ``carried`` is true for the claim the state carries (its value is the state's own).
    ``dispute`` is the id of the dispute (see :mod:`steelbond.factmodel`), ``label`` the
    claim's, ``events`` and ``sources`` the reports and documents behind it.
    """

    dispute: str
    label: str
    value: str
    carried: bool
    events: tuple[str, ...]
    sources: tuple[str, ...]


class Disputed(Mapping[str, tuple[ClaimedValue, ...]]):
    """The disputed fields of a state, each mapped to its claims (the carried one first):
    an immutable mapping, equal to the dict of the same items, and hashable."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[tuple[str, tuple[ClaimedValue, ...]]] = ()) -> None:
        order = {field: i for i, field in enumerate(FIELDS)}
        # in the order the state prints its fields, however the items came
        self._items: dict[str, tuple[ClaimedValue, ...]] = dict(
            sorted(items, key=lambda item: order.get(item[0], len(order)))
        )

    def __getitem__(self, field: str) -> tuple[ClaimedValue, ...]:
        return self._items[field]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._items) == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __repr__(self) -> str:
        return f"Disputed({self._items!r})"

    def __reduce__(self) -> Any:
        return (Disputed, (tuple(self._items.items()),))


@attrs.frozen
class State:
    """South Korea's formal standing with NATO on one day, with the events behind it.

    ``date`` is the day asked about (``None`` inside a timeline, where a state holds for an
    interval); ``partner`` the partner it is the standing of (ISO3, ``"KOR"`` unless
    asked). ``uncertain`` lists the reports of facts whose date bounds straddle that day
    and which would change a field if they had happened by then; they are not counted, and
    ``uncertain_fields`` names the fields they would change. ``disputed`` maps each field
    that competing claims give different values on that day to those claims (the carried
    one first), and ``disputed_fields`` names them (see :mod:`steelbond.factmodel`).

    ``summits``, ``ministerials``, ``uncertain`` and the basis's ids are immutable
    sequences, equal (and hashing equal) to the tuple of their items. Which class holds
    them is replay's business: it shares them between the states of a timeline instead of
    copying them, and folds a state built by hand with tuples as well.
    """

    date: _dt.date | None = None
    release: str | None = None
    partner: str = "KOR"
    designation: Designation = Designation.NONE
    programme: Programme | None = None
    mission_to_nato: bool = False
    operations: tuple[Operation, ...] = ()
    summits: Sequence[Summit] = ()
    ministerials: Sequence[Meeting] = ()
    cooperation_areas: tuple[str, ...] = ()
    dialogue_since: PartialDate | None = None
    trust_fund_usd: float = 0.0
    arms_deals: int = 0
    uncertain: Sequence[str] = ()
    uncertain_fields: tuple[str, ...] = ()
    disputed: Mapping[str, tuple[ClaimedValue, ...]] = attrs.field(factory=Disputed)
    disputed_fields: tuple[str, ...] = ()
    basis: Basis = attrs.field(factory=Basis)

    def __str__(self) -> str:
        b = self.basis
        prog = self.programme
        lines = [
            f"{_country_name(self.partner)} and NATO on {self.date or 'the interval'}"
            f" (data release {self.release or 'unreleased'})",
            _line("designation", self.designation.value.replace("_", " "), b.designation),
            _line(
                "programme",
                f"{prog.name}, signed {prog.signed or 'date unknown'}, {prog.revisions} revision(s)"
                if prog
                else "none",
                b.programme,
            ),
            _line("mission to NATO", "yes" if self.mission_to_nato else "no", b.mission_to_nato),
            _line("operations", ", ".join(o.name for o in self.operations) or "none", b.operations),
            _line(
                "summits",
                ", ".join(f"{s.name} ({s.date})" for s in self.summits) or "none",
                b.summits,
            ),
            _line("ministerials", str(len(self.ministerials)), b.ministerials),
            _line(
                "cooperation",
                ", ".join(self.cooperation_areas) or "none",
                b.cooperation_areas,
            ),
            _line("dialogue since", str(self.dialogue_since or "none"), b.dialogue_since),
            _line("trust funds (USD)", f"{self.trust_fund_usd:,.0f}", b.trust_fund_usd),
            _line("arms deals", str(self.arms_deals), b.arms_deals),
        ]
        if self.uncertain:
            lines.append(_line("uncertain", ", ".join(self.uncertain_fields), self.uncertain))
        for field, claims in self.disputed.items():
            told = " | ".join(dict.fromkeys(f"{c.value}{' (carried)' * c.carried}" for c in claims))
            ids = tuple(dict.fromkeys(i for c in claims for i in c.events))
            lines.append(_line("disputed", f"{field}: {told}", ids))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from .frames import html_table

        title, *rows = str(self).split("\n")
        cells = []
        for row in rows:
            label, value = row[2:20].strip(), row[21:]
            value, _, ids = value.partition("  [")
            cells.append((label, value.strip(), ids.rstrip("]")))
        return html_table(("field", "value", "events"), cells, title)


FIELDS = (
    "designation",
    "programme",
    "mission_to_nato",
    "operations",
    "summits",
    "ministerials",
    "cooperation_areas",
    "dialogue_since",
    "trust_fund_usd",
    "arms_deals",
)
"""The state's fields that events change, in the order the state prints them."""


def field_text(state: State, field: str) -> str:
    """The value of one of the state's fields (``steelbond.state.FIELDS``) as text: what two
    states are compared by when replay asks whether a fact or a claim would change a field,
    and what a dispute shows for each claim. Every detail the state keeps for the field is in it (an
    operation's personnel), so two texts are equal only when the values are, except that
    the growing fields (summits, ministerials, arms deals, trust funds) are compared by
    their count or sum: a claim about a summit's date disputes the number of summits
    attended by a day, not every day after it."""
    if field == "designation":
        return state.designation.value
    if field == "programme":
        prog = state.programme
        if prog is None:
            return "none"
        return (
            f"{prog.name}, signed {prog.signed or 'date unknown'}, "
            f"{prog.revisions} revision(s)"
            + (f", last {prog.last_revised}" if prog.last_revised else "")
        )
    if field == "mission_to_nato":
        return "yes" if state.mission_to_nato else "no"
    if field == "operations":
        if not state.operations:
            return "none"
        return "; ".join(
            o.name
            + (
                f" ({'about ' if o.personnel_approximate else ''}{o.personnel} personnel)"
                if o.personnel is not None
                else ""
            )
            for o in state.operations
        )
    if field == "summits":
        return str(len(state.summits))
    if field == "ministerials":
        return str(len(state.ministerials))
    if field == "cooperation_areas":
        return ", ".join(state.cooperation_areas) if state.cooperation_areas else "none"
    if field == "dialogue_since":
        return str(state.dialogue_since or "none")
    if field == "trust_fund_usd":
        return f"{state.trust_fund_usd:.2f}"
    if field == "arms_deals":
        return str(state.arms_deals)
    raise KeyError(f"{field!r} is not a field of the state; fields: {', '.join(FIELDS)}")


def _line(label: str, value: str, ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:4]) + (f", +{len(ids) - 4} more" if len(ids) > 4 else "")
    return f"  {label:<18} {value}" + (f"  [{shown}]" if ids else "")


@attrs.frozen
class Timeline:
    """The state as half-open intervals ``[starts[i], starts[i+1])``; the last runs to
    ``coverage_end`` inclusive."""

    starts: tuple[_dt.date, ...]
    states: tuple[State, ...]
    coverage_start: _dt.date
    coverage_end: _dt.date
    release: str | None
    _table: pa.Table | None = attrs.field(default=None, init=False, eq=False, repr=False)
    """The Arrow table of :meth:`to_arrow`, built on first use: both are immutable."""

    def _check(self, day: _dt.date) -> None:
        if not self.coverage_start <= day <= self.coverage_end:
            raise OutOfCoverageError(
                f"{day} is outside the days this log's sources cover "
                f"({self.coverage_start} to {self.coverage_end}"
                f"{', release ' + self.release if self.release else ''}); "
                "steelbond does not extrapolate",
                day,
            )

    def state_at(self, day: object) -> State:
        """The state on ``day`` (a date or an ISO string)."""
        d = to_day(day)
        self._check(d)
        index = bisect.bisect_right(self.starts, d) - 1
        return attrs.evolve(self.states[index], date=d)

    def valid_to(self) -> tuple[_dt.date, ...]:
        """The exclusive end of each interval (the day after coverage for the last)."""
        return (*self.starts[1:], self.coverage_end + _dt.timedelta(days=1))

    def to_arrow(self) -> pa.Table:
        """The timeline as an Arrow table, one row per interval (see :mod:`steelbond.tables`),
        built once per timeline."""
        table = self._table
        if table is None:
            from .tables import timeline_table

            table = timeline_table(self.starts, self.valid_to(), _columns(self.states))
            object.__setattr__(self, "_table", table)  # a cache: the timeline is unchanged
        return table

    def to_pandas(self) -> Any:
        """The timeline as a ``pandas.DataFrame`` (needs the ``pandas`` extra)."""
        from .frames import to_pandas

        return to_pandas(self.to_arrow())

    def to_polars(self) -> Any:
        """The timeline as a ``polars.DataFrame`` (needs the ``polars`` extra)."""
        from .frames import to_polars

        return to_polars(self.to_arrow())

    def states_at(self, days: Iterable[object]) -> pa.Table:
        """Many dates in one vectorised pass: one row per date, in the order given."""
        from .tables import states_table

        return states_table(
            self.to_arrow(), days, coverage=(self.coverage_start, self.coverage_end)
        )


def _columns(states: Iterable[State]) -> dict[str, list[Any]]:
    """The states as the columns of :mod:`steelbond.tables`, one plain value per state."""
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


def _country_name(partner: str) -> str:
    from .countries import COUNTRIES

    country = COUNTRIES.get(partner)
    return country.name if country else partner
