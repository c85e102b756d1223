"""Replay: the relationship's state at any date, folded from the log's events.

The rule for uncertain dates
----------------------------
An event counts as happened on day *d* only when it **certainly** happened by then: when
its latest possible day is on or before *d*. "September 2012" counts from 30 September
2012; "2012" from 31 December 2012; "before 2022" (``../2021``) from 31 December 2021; an
undated fact never. On a day inside an event's bounds but before its latest day (the event
*straddles* the day) the state leaves it out and lists it in ``State.uncertain``, with
the fields it would change in ``State.uncertain_fields``. Nothing is guessed.

Ties in date are broken by ``seq`` (log order), so replay is deterministic.

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

import datetime as _dt
import heapq
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from ._grown import Grown
from ._pending import Sweep
from .dates import to_day
from .errors import OutOfCoverageError
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
from .state import Basis, Meeting, Operation, Programme, State, Summit, Timeline

__all__ = [
    "Basis",
    "Meeting",
    "Operation",
    "Programme",
    "State",
    "Summit",
    "Timeline",
    "apply",
    "facts",
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
    summits: Grown[Summit] = s.summits  # type: ignore[assignment]
    return attrs.evolve(s, summits=summits.plus(summit), basis=s.basis.add("summits", e.id))


def _ministerial(s: State, e: MinisterialMeeting) -> State:
    meeting = Meeting(level=e.level, meeting=e.meeting, date=e.date, attended_by=e.attended_by)
    ministerials: Grown[Meeting] = s.ministerials  # type: ignore[assignment]
    return attrs.evolve(
        s, ministerials=ministerials.plus(meeting), basis=s.basis.add("ministerials", e.id)
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


def _arms_deal(s: State, e: ArmsDeal) -> State:
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


def facts(log: EventLog) -> dict[str, str]:
    """Each standing event's fact: the id of the earliest report it is ``same_as`` (its own
    id when it stands alone). The SQL views group reports by this, as replay does."""
    return {
        e.id: root
        for root, members in _groups(log.effective(), _replacements(log)).items()
        for e in members
    }


def _replacements(log: EventLog) -> dict[str, str]:
    """Which event replaced which, over every event of the log, superseded ones included, so
    that a chain of corrections (A replaced by B, B by C) leads from A to C."""
    return {old: e.id for e in log for old in e.supersedes}


def _groups(events: Sequence[Event], replaced_by: dict[str, str]) -> dict[str, list[Event]]:
    """Reports of one fact (linked by ``same_as``), keyed by the earliest report's id.

    A ``same_as`` that names a superseded event follows the correction that replaced it,
    so a fact's other reports stay with the corrected account; one that names a retracted
    event leaves the report standing alone.
    """
    seq = {e.id: e.seq or 0 for e in events}
    parent = {e.id: e.id for e in events}

    def find(event_id: str) -> str:
        while parent[event_id] != event_id:
            parent[event_id] = parent[parent[event_id]]
            event_id = parent[event_id]
        return event_id

    for e in events:
        target, hops = e.same_as, 0
        while target in replaced_by and hops < len(replaced_by):
            target, hops = replaced_by[target], hops + 1
        if target is not None and target in parent:
            a, b = sorted((find(e.id), find(target)), key=seq.__getitem__)
            parent[b] = a
    groups: dict[str, list[Event]] = {}
    for e in sorted(events, key=lambda e: e.seq or 0):
        groups.setdefault(find(e.id), []).append(e)
    return groups


def _precision_key(e: Event) -> tuple[_dt.date, int, int]:
    """Certain first; among reports certain on the same day, the narrowest; then log order."""
    latest = e.date.latest or _dt.date.max
    earliest = e.date.earliest or _dt.date.min
    return (latest, -earliest.toordinal(), e.seq or 0)


def _representatives(groups: dict[str, list[Event]]) -> list[tuple[Event, tuple[str, ...]]]:
    """For each fact, the report replay folds (see :func:`_precision_key`), and the ids of
    the others."""
    chosen = []
    for members in groups.values():
        first = min(members, key=_precision_key)
        chosen.append((first, tuple(e.id for e in members if e is not first)))
    chosen.sort(key=lambda pair: (pair[0].date.latest or _dt.date.max, pair[0].seq or 0))
    return chosen


def replay(log: EventLog, release: str | None = None) -> Timeline:
    """Fold the log (as of ``release``) into its full timeline, once."""
    view = log.as_of_release(release)
    start, end = _coverage(view)
    groups = _groups([e for e in view.effective() if type(e) in FOLDS], _replacements(view))
    folding = _representatives(groups)
    points = {start}
    for members in groups.values():
        for e in members:
            for bound in (e.date.earliest, e.date.latest):
                if bound is not None and start < bound <= end:
                    points.add(bound)
    root_of = {e.id: root for root, members in groups.items() for e in members}
    certain_at = {
        root: min((e.date.latest or _dt.date.max) for e in members)
        for root, members in groups.items()
    }
    by_start = sorted(
        (e for members in groups.values() for e in members),
        key=lambda e: (e.date.earliest or _dt.date.min, e.seq or 0),
    )
    started = 0
    sweep = Sweep()
    pending: dict[str, str] = {}  # id -> the field it would change
    pending_fields: Counter[str] = Counter()
    expiring: list[tuple[_dt.date, int, str]] = []
    name = view.releases[-1].name
    state = State(release=name)
    starts: list[_dt.date] = []
    states: list[State] = []
    applied = 0
    for point in sorted(points):
        changed = not states
        while applied < len(folding) and folding[applied][0].date.certainly_by(point):
            event, others = folding[applied]
            state = apply(state, event)
            field = type(event).changes_state
            for other in others:
                state = attrs.evolve(state, basis=state.basis.add(field or "", other))
            applied += 1
            changed = True
        # The sweep of uncertainty: a report is pending from its earliest day until its
        # fact is certain (through this report or another), kept in O(1) per change.
        while started < len(by_start) and (by_start[started].date.earliest or point) <= point:
            e = by_start[started]
            started += 1
            if point < certain_at[root_of[e.id]]:
                sweep.start(e.id)
                pending[e.id] = type(e).changes_state or ""
                pending_fields[pending[e.id]] += 1
                heapq.heappush(expiring, (certain_at[root_of[e.id]], e.seq or 0, e.id))
                changed = True
        while expiring and expiring[0][0] <= point:
            done = heapq.heappop(expiring)[2]
            sweep.stop(done)
            pending_fields[pending.pop(done)] -= 1
            changed = True
        # Every fold adds to the basis, so a point where nothing was folded and no report
        # started or stopped pending leaves the state as it was: no new interval.
        if not changed:
            continue
        starts.append(point)
        states.append(
            attrs.evolve(
                state,
                uncertain=sweep.view(),
                uncertain_fields=tuple(sorted(f for f, n in pending_fields.items() if n)),
            )
        )
    return Timeline(tuple(starts), tuple(states), start, end, name)
