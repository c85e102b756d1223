"""The functions researchers call: questions asked of the bundled log (or of any log).

Each takes ``as_of_release`` — the second kind of time. ``state_at("2015-06-30",
as_of_release="0.1.0")`` answers exactly as release 0.1.0 did, corrections made later left
out; without it, the latest release answers. Each also takes ``log`` to ask the same of a
log of your own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

import attrs

from .bundled import bundled_log, bundled_timeline
from .dates import to_day
from .errors import ArgumentError, DateError, EventError, check_type, shown
from .state import State, Timeline

if TYPE_CHECKING:
    import pyarrow as pa

    from .factmodel import Dispute, Facts
    from .kinds import Conflict, Event, Source
    from .log import EventLog

__all__ = [
    "EventCollection",
    "check_common",
    "check_partner",
    "conflicts",
    "disputes",
    "events",
    "facts",
    "forget",
    "replayed",
    "sources",
    "state_at",
    "states_at",
    "timeline",
]

_TIMELINES: dict[tuple[int, str | None, str], tuple[EventLog, Timeline]] = {}
_FACTS: dict[tuple[int, str | None, str], tuple[EventLog, Facts]] = {}


def forget() -> None:
    """Forget the replayed timelines and facts cached per log (see
    :func:`steelbond.clear_caches`)."""
    _TIMELINES.clear()
    _FACTS.clear()


def check_common(release: object, log: object) -> None:
    """The arguments every question takes: a release name (a string: it keys a cache, so a
    list would fail there) and a log (an :class:`~steelbond.EventLog`, not a path)."""
    check_type("as_of_release", release, (str, type(None)), "a release name (a string) or None")
    if log is not None:
        from .log import EventLog

        if not isinstance(log, EventLog):
            hint = (
                "; read a stored log with steelbond.read_log(path)"
                if isinstance(log, str | bytes)
                else ""
            )
            raise ArgumentError(
                f"log must be a steelbond.EventLog or None, not {type(log).__name__} "
                f"{shown(log)}{hint}",
                log,
            )


def _kinds(kind: object, known_names: Iterable[str]) -> set[str] | None:
    """The kind names asked for: one name, several, or ``None`` (all). Each must be a string
    (checked before they are sorted for the message) and a known kind."""
    if kind is None:
        return None
    if isinstance(kind, str):
        names: list[object] = [kind]
    elif isinstance(kind, Iterable) and not isinstance(kind, bytes | dict):
        try:
            names = list(kind)
        except TypeError:  # iterable by its type, not by its value (a 0-d NumPy array)
            names = [kind]
    else:
        raise ArgumentError(
            f"kind must be a kind name, several names or None, not {type(kind).__name__} "
            f"{shown(kind)}",
            kind,
        )
    for name in names:
        check_type("each kind", name, str, "a kind name (a string)")
    chosen = set(names)
    known = set(known_names)
    unknown = sorted(str(n) for n in chosen if n not in known)
    if unknown:
        raise EventError(
            f"unknown event kind(s) {shown(unknown)}; known: {', '.join(sorted(known))}"
        )
    return {str(n) for n in chosen}


def check_partner(partner: object, log: EventLog | None) -> str:
    """``partner``, an ISO3 code the log has events about; refused, with the list of those
    it has, otherwise. South Korea's ``"KOR"`` is not looked up, so that a cold question
    about it need not read the log."""
    check_type("partner", partner, str, "an ISO3 code such as 'KOR' or 'JPN'")
    assert isinstance(partner, str)
    if partner == "KOR":
        return partner
    known = (bundled_log() if log is None else log).partners()
    if partner not in known:
        raise ArgumentError(
            f"partner {shown(partner)} is not in the data; the partners are: {', '.join(known)}",
            partner,
        )
    return partner


def replayed(log: EventLog | None, release: str | None, partner: str = "KOR") -> Timeline:
    """The timeline that answers state questions about ``partner`` in ``log`` (``None``:
    the bundled log), as of ``release`` (``None``: the latest); cached, since logs are
    immutable.

    South Korea's timelines of the bundled log come as shipped, already replayed
    (``bundled_timeline``), so that a cold ``state_at`` imports neither cattrs nor the event
    classes: this module imports those, the log and replay only when a question needs them.
    """
    if log is None:
        shipped = bundled_timeline(release) if partner == "KOR" else None
        if shipped is not None:
            return shipped
        log = bundled_log()  # no usable timeline.json: replay the bundled log
    key = (id(log), release, partner)
    cached = _TIMELINES.get(key)
    # A log is immutable, so its timeline never goes stale. The entry holds the log itself:
    # an id is reused once its object is freed, so the identity is checked, not trusted.
    if cached is None or cached[0] is not log:
        from .replay import replay

        if len(_TIMELINES) > 32:
            _TIMELINES.clear()
        found = facts(as_of_release=release, log=log, partner=partner)
        cached = _TIMELINES[key] = (log, replay(log, release, facts=found, partner=partner))
    return cached[1]


def state_at(
    day: object,
    *,
    partner: str = "KOR",
    as_of_release: str | None = None,
    log: EventLog | None = None,
) -> State:
    """A partner's standing with NATO on ``day`` (a date or ``"YYYY-MM-DD"``): South
    Korea's unless ``partner`` names another (``"JPN"``, ``"AUS"``, ``"NZL"``).

    >>> import steelbond
    >>> s = steelbond.state_at("2015-06-30")
    >>> s.designation
    <Designation.PARTNER_ACROSS_THE_GLOBE: 'partner_across_the_globe'>
    >>> s.mission_to_nato
    False
    """
    check_common(as_of_release, log)
    return replayed(log, as_of_release, check_partner(partner, log)).state_at(day)


def states_at(
    days: Iterable[object],
    *,
    partner: str = "KOR",
    as_of_release: str | None = None,
    log: EventLog | None = None,
) -> pa.Table:
    """Many dates in one vectorised pass: a ``pyarrow.Table``, one row per date, in order.

    ``days`` may be a list of dates or ISO strings, a ``pyarrow`` date32 array, a NumPy
    ``datetime64`` array, a pandas ``DatetimeIndex`` or ``Series``, or a polars date
    Series. The columns are listed in :mod:`steelbond.tables`.
    """
    check_common(as_of_release, log)
    return replayed(log, as_of_release, check_partner(partner, log)).states_at(days)


def timeline(
    *, partner: str = "KOR", as_of_release: str | None = None, log: EventLog | None = None
) -> pa.Table:
    """The state as intervals ``[valid_from, valid_to)``, one column per state field."""
    check_common(as_of_release, log)
    return replayed(log, as_of_release, check_partner(partner, log)).to_arrow()


@attrs.frozen
class EventCollection(Sequence["Event"]):
    """A filtered, ordered selection of typed events."""

    items: tuple[Event, ...]

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> Event: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Event]: ...
    def __getitem__(self, index: int | slice) -> Event | Sequence[Event]:
        return self.items[index]

    def __iter__(self) -> Iterator[Event]:
        return iter(self.items)

    def ids(self) -> tuple[str, ...]:
        """The events' ids, in order."""
        return tuple(e.id for e in self.items)

    def to_arrow(self) -> pa.Table:
        """The events as an Arrow table with the stored log's columns."""
        from .formats.parquet import log_to_table
        from .log import EventLog

        return log_to_table(EventLog.from_events(self.items))

    def to_pandas(self) -> Any:
        """The events as a ``pandas.DataFrame`` (needs the ``pandas`` extra)."""
        from .frames import to_pandas

        return to_pandas(self.to_arrow())

    def to_polars(self) -> Any:
        """The events as a ``polars.DataFrame`` (needs the ``polars`` extra)."""
        from .frames import to_polars

        return to_polars(self.to_arrow())

    def _repr_html_(self) -> str:
        from .frames import html_table

        rows = [
            (e.id, e.date, type(e).kind, e.summary, sorted({c.source for c in e.citations}))
            for e in self.items
        ]
        return html_table(
            ("id", "date", "kind", "summary", "sources"), rows, f"{len(self.items)} events"
        )


def events(
    kind: str | Iterable[str] | None = None,
    *,
    since: object = None,
    until: object = None,
    include_context: bool = True,
    include_superseded: bool = False,
    search: str | None = None,
    partner: str | None = "KOR",
    as_of_release: str | None = None,
    log: EventLog | None = None,
) -> EventCollection:
    """The typed events, oldest first (by latest possible day, then log order).

    ``kind`` is one kind name or several (see ``steelbond.kinds.KINDS``). ``since`` and
    ``until`` (dates, inclusive) keep the events whose date bounds overlap that window;
    undated bounds count as open. Superseded and retracted events are left out unless
    ``include_superseded``. ``partner`` keeps one partner's events (``None``: every
    partner's). ``search`` keeps the events whose summary, or a quote or its
    English rendering among their citations (those added later included), contains the
    text, ignoring case. A window that ends before it starts is refused
    (:class:`~steelbond.errors.DateError`), not answered with nothing or everything.

    >>> import steelbond
    >>> [e.id for e in steelbond.events("mission_opened", search="22 November")][:1]
    ['c2-mission-opened-2022-11-22']
    """
    from .kinds import KINDS, Context

    check_common(as_of_release, log)
    check_type("include_context", include_context, bool, "True or False")
    check_type("include_superseded", include_superseded, bool, "True or False")
    check_type("search", search, (str, type(None)), "text to find, or None")
    needle = (search or "").casefold()
    kinds = _kinds(kind, KINDS.keys())
    lo = None if since is None else to_day(since)
    hi = None if until is None else to_day(until)
    if lo is not None and hi is not None and hi < lo:
        raise DateError(f"until ({hi}) is before since ({lo}): the window is empty", (lo, hi))
    view = (bundled_log() if log is None else log).release(as_of_release)
    if partner is not None:
        view = view.of_partner(check_partner(partner, log))
    chosen = []
    for e in view if include_superseded else view.effective():
        if kinds is not None and type(e).kind not in kinds:
            continue
        if not include_context and isinstance(e, Context):
            continue
        if lo is not None and e.date.latest is not None and e.date.latest < lo:
            continue
        if hi is not None and e.date.earliest is not None and e.date.earliest > hi:
            continue
        if needle and not _mentions(view, e, needle):
            continue
        chosen.append(e)
    chosen.sort(key=lambda e: (*e.date.sort_key(), e.seq or 0))
    return EventCollection(tuple(chosen))


def _mentions(log: EventLog, event: Event, needle: str) -> bool:
    if needle in event.summary.casefold():
        return True
    return any(
        needle in (c.quote + "\n" + (c.english or "")).casefold() for c in log.citations_of(event)
    )


def facts(
    *, partner: str = "KOR", as_of_release: str | None = None, log: EventLog | None = None
) -> Facts:
    """Every fact about ``partner`` and every dispute among them, as replay and SQL count
    them (see :mod:`steelbond.factmodel`).

    >>> import steelbond
    >>> found = steelbond.facts()
    >>> len(found.facts) < len(steelbond.events())  # several reports tell one fact
    True
    """
    check_common(as_of_release, log)
    check_partner(partner, log)
    source = bundled_log() if log is None else log
    key = (id(source), as_of_release, partner)
    cached = _FACTS.get(key)
    # As for timelines: a log is immutable, and the entry holds it, so an id reused by a
    # new object is never mistaken for the old one.
    if cached is None or cached[0] is not source:
        from .replay import facts_of

        if len(_FACTS) > 32:
            _FACTS.clear()
        view = source.release(as_of_release).of_partner(partner)
        cached = _FACTS[key] = (source, facts_of(view))
    return cached[1]


def disputes(
    *, partner: str = "KOR", as_of_release: str | None = None, log: EventLog | None = None
) -> tuple[Dispute, ...]:
    """The disputes: competing claims about one matter, and the one the state carries."""
    return facts(partner=partner, as_of_release=as_of_release, log=log).disputes


def conflicts(
    *, partner: str = "KOR", as_of_release: str | None = None, log: EventLog | None = None
) -> tuple[Conflict, ...]:
    """The recorded disagreements between sources, each naming the events on every side."""
    check_common(as_of_release, log)
    source = bundled_log() if log is None else log
    return source.release(as_of_release).of_partner(check_partner(partner, log)).conflicts()


def sources(*, log: EventLog | None = None) -> tuple[Source, ...]:
    """The documents the log cites."""
    check_common(None, log)
    return (bundled_log() if log is None else log).sources
