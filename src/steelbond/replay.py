"""Replay: the relationship's state at any date, folded from the log's facts.

Replay folds *facts*, not reports: :func:`steelbond.factmodel.find_facts` decides which reports
tell one fact (its date the intersection of theirs) and which compete, and replay folds
each fact once, leaving out the claims the state does not carry.

The rule for uncertain dates
----------------------------
A fact counts as happened on day *d* only when it **certainly** happened by then: when
its latest possible day is on or before *d*. "September 2012" counts from 30 September
2012; "2012" from 31 December 2012; "before 2022" (``../2021``) from 31 December 2021; an
undated fact never. On a day inside a fact's bounds but before its latest day (the fact
*straddles* the day) the state leaves it out. A field is **uncertain** on that day only if
such a fact would change the field's value, had it happened by then: a further report of
a value the state already holds leaves the field certain. ``State.uncertain_fields``
names those fields and ``State.uncertain`` the reports behind them. Nothing is guessed.

Disputes
--------
Where competing claims would give a field another value than the carried claim does,
``State.disputed`` shows every claim's value, events and sources on each such day: each
claim's world is the state's own facts with the carried claim's facts swapped for that
claim's, folded by the same functions.

Ties in date are broken by log order, so replay is deterministic.

One fold, three uses
--------------------
``apply`` is the one pure fold ``(state, event) -> state``, one function per kind.
:func:`steelbond.replay.replay` runs it once over the events in date order and records
the state after every day on which anything changes: that is the :class:`~steelbond.Timeline`, a
list of half-open intervals ``[valid_from, valid_to)``. :meth:`steelbond.Timeline.state_at`
and :meth:`steelbond.Timeline.states_at` answer one date or many by searching that list,
never by replaying again.

Coverage
--------
A timeline covers the days from its earliest event to the release's ``coverage_end`` (the
last day its sources speak for). Dates outside are refused with
:class:`~steelbond.errors.OutOfCoverageError`; the system clock is never read.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import heapq
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from ._grown import grow
from ._pending import Filtered, Sweep
from .dates import to_day
from .errors import OutOfCoverageError
from .factmodel import Dispute, Fact, Facts, find_facts
from .kinds import (
    ArmsDeal,
    Contribution,
    Cooperation,
    DesignationChange,
    Event,
    MinisterialMeeting,
    MissionOpened,
    OperationJoined,
    OperationLeft,
    ProgrammeRevised,
    ProgrammeSigned,
    SummitAttended,
)
from .log import EventLog
from .state import (
    Basis,
    ClaimedValue,
    Disputed,
    Meeting,
    Operation,
    Programme,
    State,
    Summit,
    Timeline,
    field_text,
)

__all__ = [
    "Basis",
    "Meeting",
    "Operation",
    "Programme",
    "State",
    "Summit",
    "Timeline",
    "apply",
    "facts_of",
    "replay",
]


# --- the fold: one pure function per kind that changes the state -------------------------


def _designation(s: State, e: DesignationChange) -> State:
    return attrs.evolve(s, designation=e.designation, basis=s.basis.only("designation", e.id))


def _programme_signed(s: State, e: ProgrammeSigned) -> State:
    prog = s.programme
    if prog is not None and prog.name == e.programme and prog.signed is None:
        # Its revision became certain first (a revision dated "2012-09", a signing "2012"):
        # the signing completes that programme rather than replacing it.
        signed = attrs.evolve(prog, signed=e.date, areas=e.areas or prog.areas, term=e.term)
        return attrs.evolve(s, programme=signed, basis=s.basis.add("programme", e.id))
    return attrs.evolve(
        s,
        programme=Programme(name=e.programme, signed=e.date, areas=e.areas, term=e.term),
        basis=s.basis.only("programme", e.id),
    )


def _programme_revised(s: State, e: ProgrammeRevised) -> State:
    prog = s.programme
    if prog is None or prog.name != e.programme:
        # A revision known before its signing: the programme exists, its signing date not yet.
        prog = Programme(name=e.programme, signed=None)
    prog = attrs.evolve(prog, revisions=prog.revisions + 1, last_revised=e.date)
    return attrs.evolve(s, programme=prog, basis=s.basis.add("programme", e.id))


def _mission(s: State, e: MissionOpened) -> State:
    return attrs.evolve(s, mission_to_nato=True, basis=s.basis.add("mission_to_nato", e.id))


def _joined(s: State, e: OperationJoined) -> State:
    op = Operation(
        name=e.operation,
        since=e.date,
        role=e.role,
        place=e.place,
        personnel=e.personnel,
        personnel_approximate=e.personnel_approximate,
    )
    ops = (*tuple(o for o in s.operations if o.name != e.operation), op)
    return attrs.evolve(s, operations=ops, basis=s.basis.add("operations", e.id))


def _left(s: State, e: OperationLeft) -> State:
    ops = tuple(o for o in s.operations if o.name != e.operation)
    return attrs.evolve(s, operations=ops, basis=s.basis.add("operations", e.id))


def _summit(s: State, e: SummitAttended) -> State:
    summit = Summit(
        name=e.summit, date=e.date, host=e.host, attended_by=e.attended_by, level=e.level
    )
    return attrs.evolve(s, summits=grow(s.summits, summit), basis=s.basis.add("summits", e.id))


def _ministerial(s: State, e: MinisterialMeeting) -> State:
    meeting = Meeting(level=e.level, meeting=e.meeting, date=e.date, attended_by=e.attended_by)
    return attrs.evolve(
        s, ministerials=grow(s.ministerials, meeting), basis=s.basis.add("ministerials", e.id)
    )


def _cooperation(s: State, e: Cooperation) -> State:
    areas = s.cooperation_areas if e.area in s.cooperation_areas else (*s.cooperation_areas, e.area)
    basis = s.basis.add("cooperation_areas", e.id)
    since = s.dialogue_since
    if e.area == "political_dialogue" and since is None:
        since = e.date
        basis = basis.only("dialogue_since", e.id)
    return attrs.evolve(s, cooperation_areas=areas, dialogue_since=since, basis=basis)


def _contribution(s: State, e: Contribution) -> State:
    return attrs.evolve(
        s,
        trust_fund_usd=s.trust_fund_usd + (e.amount_usd or 0.0),
        basis=s.basis.add("trust_fund_usd", e.id),
    )


def _item_line(e: Event) -> bool:
    """An arms deal's item line (``part_of``): part of a deal counted already, so it adds
    nothing to the count of deals."""
    return isinstance(e, ArmsDeal) and e.part_of is not None


def _arms_deal(s: State, e: ArmsDeal) -> State:
    if _item_line(e):
        return attrs.evolve(s, basis=s.basis.add("arms_deals", e.id))
    return attrs.evolve(s, arms_deals=s.arms_deals + 1, basis=s.basis.add("arms_deals", e.id))


FOLDS: dict[type[Event], Callable[[State, Any], State]] = {
    DesignationChange: _designation,
    ProgrammeSigned: _programme_signed,
    ProgrammeRevised: _programme_revised,
    MissionOpened: _mission,
    OperationJoined: _joined,
    OperationLeft: _left,
    SummitAttended: _summit,
    MinisterialMeeting: _ministerial,
    Cooperation: _cooperation,
    Contribution: _contribution,
    ArmsDeal: _arms_deal,
}
"""The fold's functions by event class; a kind not listed does not change the state."""


def apply(state: State, event: Event) -> State:
    """The fold: the state after ``event`` (the state itself when the kind changes nothing)."""
    fold = FOLDS.get(type(event))
    return state if fold is None else fold(state, event)


def _coverage(log: EventLog) -> tuple[_dt.date, _dt.date]:
    bounds = [e.date.earliest or e.date.latest for e in log]
    known = [b for b in bounds if b is not None]
    if not known or not log.releases:
        raise OutOfCoverageError(
            "this log has no dated events or no release, so it covers no days", None
        )
    return min(known), to_day(log.releases[-1].coverage_end)


def facts_of(log: EventLog) -> Facts:
    """The facts and disputes of ``log`` (all of it: pass ``log.release(...)`` for a
    release), ranked by the sources the log carries."""
    return find_facts(tuple(log), {s.id: s.kind for s in log.sources})


def _touches(fact: Fact) -> tuple[str, ...]:
    """The state fields a fact's fold can change."""
    field = type(fact.event).changes_state
    if field is None:
        return ()
    return (field, "dialogue_since") if isinstance(fact.event, Cooperation) else (field,)


_ALWAYS = (SummitAttended, MinisterialMeeting, ArmsDeal, ProgrammeRevised)
"""Kinds whose fold always changes their field (a count, a list, a revision number), but
for the item lines of an arms deal, which change nothing."""


def _always_changes(event: Event) -> bool:
    return isinstance(event, _ALWAYS) and not _item_line(event)


def _effect(event: Event) -> tuple[Any, ...]:
    """What a fact's fold does to its fields' text, as a key: two facts with one key change
    a given state alike, so replay asks once per key, not once per pending fact."""
    if _always_changes(event):
        return (event.kind, "always")
    if isinstance(event, ArmsDeal):
        return (event.kind, "item line")
    if isinstance(event, DesignationChange):
        return (event.kind, event.designation)
    if isinstance(event, ProgrammeSigned):
        return (event.kind, event.programme, event.date.text, event.areas, event.term)
    if isinstance(event, MissionOpened):
        return (event.kind,)
    if isinstance(event, OperationJoined):
        return (event.kind, event.operation, event.personnel, event.personnel_approximate)
    if isinstance(event, OperationLeft):
        return (event.kind, event.operation)
    if isinstance(event, Cooperation):
        # a political dialogue sets dialogue_since only while it is unset, whatever its date
        return (event.kind, event.area)
    if isinstance(event, Contribution):
        return (event.kind, event.amount_usd)
    return (event.kind, event.id)  # pragma: no cover - every folding kind is listed above


def _would_change(s: State, field: str, e: Event) -> bool:
    """Whether folding ``e`` into ``s`` would change ``field_text(s, field)``: the fold's
    effect on one field, answered without building the new state (the property tests hold
    it to the fold itself)."""
    if isinstance(e, DesignationChange):
        return s.designation is not e.designation
    if isinstance(e, ProgrammeSigned):
        prog = s.programme
        if prog is None or prog.name != e.programme or prog.signed is None:
            return True
        return (prog.signed.text, prog.revisions, prog.last_revised) != (e.date.text, 0, None)
    if isinstance(e, MissionOpened):
        return not s.mission_to_nato
    if isinstance(e, OperationJoined):
        current = next((o for o in s.operations if o.name == e.operation), None)
        if current is None or s.operations[-1] is not current:  # new, or moved to the end
            return True
        return (current.personnel, current.personnel_approximate) != (
            e.personnel,
            e.personnel_approximate,
        )
    if isinstance(e, OperationLeft):
        return any(o.name == e.operation for o in s.operations)
    if isinstance(e, Cooperation):
        if field == "dialogue_since":
            return e.area == "political_dialogue" and s.dialogue_since is None
        return e.area not in s.cooperation_areas
    if isinstance(e, Contribution):
        return f"{s.trust_fund_usd + (e.amount_usd or 0.0):.2f}" != f"{s.trust_fund_usd:.2f}"
    return not _item_line(e)  # a summit, a meeting, a revision, a deal: a count grows


def _certain_order(fact: Fact) -> tuple[_dt.date, int]:
    return (fact.date.latest or _dt.date.max, fact.first_seq)


class _History:
    """One field folded from the state's own facts alone: the state after each day on which
    a fact of the field became certain. A dispute's other worlds start from it on the day
    they part from it, so a dispute costs the days it spans, not the whole log."""

    def __init__(self, facts: Iterable[Fact], field: str) -> None:
        self.field = field
        self.facts = sorted((f for f in facts if f.date.latest is not None), key=_certain_order)
        self.latest = [f.date.latest or _dt.date.max for f in self.facts]
        self.days: list[_dt.date] = []
        self.states: list[State] = []
        state = State()
        for fact, day in zip(self.facts, self.latest, strict=True):
            state = apply(state, fact.event)
            if self.days and self.days[-1] == day:
                self.states[-1] = state
            else:
                self.days.append(day)
                self.states.append(state)

    def at(self, day: _dt.date) -> State:
        i = bisect.bisect_right(self.days, day) - 1
        return self.states[i] if i >= 0 else State()

    def before(self, day: _dt.date) -> State:
        i = bisect.bisect_left(self.days, day) - 1
        return self.states[i] if i >= 0 else State()


_Span = tuple[_dt.date, _dt.date, str, ClaimedValue, ClaimedValue]
"""A disputed stretch: first day, day after, field, the carried claim's value, another's."""


def _dispute_spans(found: Facts, standing: Sequence[Fact]) -> list[_Span]:
    """Every stretch of days on which a dispute's claims give a state field other values."""
    by_id = found.by_id()
    by_field: dict[str, list[Fact]] = {}
    for fact in standing:
        for field in _touches(fact):
            by_field.setdefault(field, []).append(fact)
    histories: dict[str, _History] = {}
    spans: list[_Span] = []
    for dispute in found.disputes:
        # the carried claim's facts that the state holds (one may lose in another dispute)
        carried = [by_id[i] for i in dispute.carried_claim.facts if i not in found.losing]
        for index, claim in enumerate(dispute.claims):
            if index == dispute.carried:
                continue
            alt = [by_id[f] for f in claim.facts]
            fields = dict.fromkeys(f for fact in (*alt, *carried) for f in _touches(fact))
            for field in fields:
                if field not in histories:
                    histories[field] = _History(by_field.get(field, ()), field)
                out = [f for f in carried if field in _touches(f)]
                into = [f for f in alt if field in _touches(f)]
                runs = _other_world(histories[field], out, into)
                spans += _differences(dispute, index, field, runs)
    return spans


def _other_world(
    history: _History, out: Sequence[Fact], into: Sequence[Fact]
) -> list[tuple[_dt.date, str, str]]:
    """``(day, text in the other world, text in the state's)`` on each day from the first on
    which the worlds can part, until they have met again for good (or the last fact):
    the other world is the state's facts of the field, ``out`` swapped for ``into``."""
    swapped = [f.date.latest for f in (*out, *into) if f.date.latest is not None]
    if not swapped:
        return []  # neither side ever becomes certain: the worlds never part
    first, last = min(swapped), max(swapped)
    field = history.field
    if field in _COUNTS:
        return _other_count(history, out, into, first, last)
    # The basis plays no part in a field's value; a fresh one spares copying the history's
    # (a branch of a growing list copies its prefix on its first append).
    state = attrs.evolve(history.before(first), basis=Basis())
    left = {f.id for f in out}
    start = bisect.bisect_left(history.latest, first)
    mine = ((f, f.id not in left) for f in history.facts[start:])
    theirs = ((f, True) for f in sorted(into, key=_certain_order) if f.date.latest is not None)
    merged = heapq.merge(mine, theirs, key=lambda pair: _certain_order(pair[0]))
    runs: list[tuple[_dt.date, str, str]] = []
    for day, group in itertools.groupby(merged, key=lambda pair: pair[0].date.latest):
        assert day is not None
        for fact, kept in group:
            if kept:
                state = apply(state, fact.event)
        ours = history.at(day)
        runs.append((day, field_text(state, field), field_text(ours, field)))
        if day >= last and getattr(state, field) == getattr(ours, field):
            break  # met again, and nothing swapped is left to fold: the same from here on
    return runs


_COUNTS = ("summits", "ministerials", "arms_deals")
"""Fields whose value is a count of facts: another world's count is the state's, less the
facts swapped out and plus those swapped in that are certain by the day, so it needs no
fold (it is what a fold would give: each of these facts adds one, an item line none)."""


def _other_count(
    history: _History, out: Sequence[Fact], into: Sequence[Fact], first: _dt.date, last: _dt.date
) -> list[tuple[_dt.date, str, str]]:
    changes: dict[_dt.date, int] = {}
    for facts, sign in ((out, -1), (into, 1)):
        for f in facts:
            if f.date.latest is not None:
                adds = 0 if _item_line(f.event) else 1
                changes[f.date.latest] = changes.get(f.date.latest, 0) + sign * adds
    start = bisect.bisect_left(history.days, first)
    days = sorted(set(history.days[start:]) | changes.keys())
    runs: list[tuple[_dt.date, str, str]] = []
    delta = 0
    for day in days:
        delta += changes.get(day, 0)
        ours = int(field_text(history.at(day), history.field))
        runs.append((day, str(ours + delta), str(ours)))
        if day >= last and delta == 0:
            break
    return runs


def _claimed(dispute: Dispute, index: int, value: str) -> ClaimedValue:
    claim = dispute.claims[index]
    return ClaimedValue(
        dispute=dispute.id,
        label=claim.label,
        value=value,
        carried=index == dispute.carried,
        events=claim.events,
        sources=claim.sources,
    )


def _differences(
    dispute: Dispute, index: int, field: str, runs: list[tuple[_dt.date, str, str]]
) -> list[_Span]:
    spans: list[_Span] = []
    for i, (day, theirs, ours) in enumerate(runs):
        if ours == theirs:
            continue
        until = runs[i + 1][0] if i + 1 < len(runs) else _dt.date.max
        span = (
            day,
            until,
            field,
            _claimed(dispute, dispute.carried, ours),
            _claimed(dispute, index, theirs),
        )
        if spans and spans[-1][1] == day and spans[-1][2:] == span[2:]:
            spans[-1] = (spans[-1][0], until, *span[2:])
        else:
            spans.append(span)
    return spans


def _disputed(active: Iterable[_Span]) -> tuple[Disputed, tuple[str, ...]]:
    claims: dict[str, list[ClaimedValue]] = {}
    for _, _, field, carried, other in sorted(active, key=lambda s: (s[3].dispute, s[4].label)):
        values = claims.setdefault(field, [])
        for value in (carried, other):
            if value not in values:
                values.append(value)
    for values in claims.values():
        values.sort(key=lambda c: not c.carried)  # the carried claims first, stably
    disputed = Disputed((f, tuple(values)) for f, values in claims.items())
    return disputed, tuple(disputed)


_Key = tuple[Any, ...]


class _Uncertainty:
    """Which fields a pending fact would change, kept as the sweep goes. A field is asked
    again only after a fold touched it or a pending effect of it came or went, and the
    asking stops at the first effect that would change it: an effect that would not is
    rare (the value already held, or an operation already last with that strength), so an
    interval costs what changed in it rather than everything pending."""

    def __init__(self, example: dict[_Key, Fact]) -> None:
        self.example = example
        self.pending: dict[str, Counter[_Key]] = {}
        self.uncertain: set[str] = set()
        self.asked: set[str] = set()

    def folded(self, fact: Fact) -> None:
        self.asked.update(_touches(fact))

    def start(self, key: _Key) -> None:
        for field in _touches(self.example[key]):
            self.pending.setdefault(field, Counter())[key] += 1
            self.asked.add(field)

    def stop(self, key: _Key) -> None:
        for field in _touches(self.example[key]):
            counts = self.pending[field]
            counts[key] -= 1
            if not counts[key]:
                del counts[key]
                self.asked.add(field)

    def update(self, state: State) -> tuple[str, ...]:
        """The fields some pending fact would change in ``state``."""
        for field in self.asked:
            keys = self.pending.get(field, ())
            if any(_would_change(state, field, self.example[k].event) for k in keys):
                self.uncertain.add(field)
            else:
                self.uncertain.discard(field)
        self.asked.clear()
        return tuple(sorted(self.uncertain))


def _keeper(state: State, key_of: dict[str, _Key], example: dict[_Key, Fact]) -> Any:
    """The test ``State.uncertain`` filters its pending facts by, on first read."""
    answers: dict[_Key, bool] = {}

    def keep(fact_id: str) -> bool:
        key = key_of[fact_id]
        if key not in answers:
            fact = example[key]
            answers[key] = any(_would_change(state, f, fact.event) for f in _touches(fact))
        return answers[key]

    return keep


def replay(
    log: EventLog,
    as_of_release: str | None = None,
    *,
    facts: Facts | None = None,
    partner: str = "KOR",
) -> Timeline:
    """Fold the log (as of ``as_of_release``) into one partner's full timeline, once.

    Only ``partner``'s events are folded (every event names its partner); its coverage
    ends where the release says that partner's sources end. ``facts`` are those events'
    facts when they have been found already (:func:`steelbond.facts` keeps them), so that
    replay and SQL share one finding.
    """
    view = log.release(as_of_release).of_partner(partner)
    start, end = _coverage(view)
    found = facts_of(view) if facts is None else facts
    standing = [f for f in found.standing() if type(f.event) in FOLDS]
    folding = sorted(standing, key=_certain_order)
    spans = [s for s in _dispute_spans(found, standing) if s[0] <= end and s[1] > start]
    points = {start}
    for fact in standing:
        for bound in (fact.date.earliest, fact.date.latest):
            if bound is not None and start < bound <= end:
                points.add(bound)
    for first, after, *_ in spans:
        points.update(d for d in (first, after) if start < d <= end)
    by_start = sorted(
        (f for f in standing if f.date.latest is None or f.date.earliest != f.date.latest),
        key=lambda f: (f.date.earliest or _dt.date.min, f.first_seq),
    )
    key_of = {f.id: _effect(f.event) for f in standing}
    reports = {f.id: f.reports for f in standing}
    example = {key_of[f.id]: f for f in standing}
    started = 0
    sweep = Sweep()
    uncertainty = _Uncertainty(example)
    expiring: list[tuple[_dt.date, int, str]] = []
    spans.sort(key=lambda s: s[0])
    next_span = 0
    active: list[_Span] = []
    disputed: Disputed = Disputed()
    disputed_fields: tuple[str, ...] = ()
    name = view.releases[-1].name
    state = State(release=name, partner=partner)
    starts: list[_dt.date] = []
    states: list[State] = []
    applied = 0
    for point in sorted(points):
        changed = not states
        while applied < len(folding) and folding[applied].date.certainly_by(point):
            fact = folding[applied]
            state = apply(state, fact.event)
            field = type(fact.event).changes_state or ""
            for other in fact.reports[1:]:
                state = attrs.evolve(state, basis=state.basis.add(field, other))
            uncertainty.folded(fact)
            applied += 1
            changed = True
        # The sweep of uncertainty: a fact is pending from its earliest day until its
        # latest, kept in O(1) per change.
        while started < len(by_start) and (by_start[started].date.earliest or point) <= point:
            fact = by_start[started]
            started += 1
            if fact.date.latest is None or point < fact.date.latest:
                sweep.start(fact.id)
                uncertainty.start(key_of[fact.id])
                if fact.date.latest is not None:
                    heapq.heappush(expiring, (fact.date.latest, fact.first_seq, fact.id))
                changed = True
        while expiring and expiring[0][0] <= point:
            done = heapq.heappop(expiring)[2]
            sweep.stop(done)
            uncertainty.stop(key_of[done])
            changed = True
        before = len(active)
        active = [s for s in active if s[1] > point]
        while next_span < len(spans) and spans[next_span][0] <= point:
            if spans[next_span][1] > point:
                active.append(spans[next_span])
            next_span += 1
        if len(active) != before or any(s[0] == point for s in active):
            disputed, disputed_fields = _disputed(active)
            changed = True
        if not changed:
            continue
        # A field is uncertain when a pending fact would change its value.
        uncertain_fields = uncertainty.update(state)
        starts.append(point)
        states.append(
            attrs.evolve(
                state,
                uncertain=Filtered(sweep.view(), _keeper(state, key_of, example), reports),
                uncertain_fields=uncertain_fields,
                disputed=disputed,
                disputed_fields=disputed_fields,
            )
        )
    return Timeline(tuple(starts), tuple(states), start, end, name)
