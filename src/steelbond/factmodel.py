"""Facts, claims and disputes: which reports tell one fact, and which compete.

The log holds *reports*: each event is one source's account of something. Counting reports
counts sources, not facts (seven arms deals in 2022 where there are four), and merging
reports that disagree hides the disagreement. This module decides both questions once;
replay, the timeline, ``states_at``, the SQL views, the CLI and the plot all take their facts
from :func:`find_facts`.

A fact
    A set of reports that **agree**: linked by ``same_as``, of the same kind, with the same
    values on the kind's :attr:`~steelbond.kinds.Event.fact_fields` (a field a report leaves
    unset agrees with any value), and with dates whose bounds overlap, so that all can be
    true at once. The fact's date is the *intersection* of its reports' bounds: "2012"
    and "September 2012" give September 2012. Its values are those of its most specific
    report (the narrowest date, then the most fields given, then log order), each field a
    report leaves unset filled from the next most specific (``Fact.event``).
Competing claims
    Reports that disagree on a value, or whose dates cannot both be true, are not one fact.
    Two places say which accounts compete: a ``conflict`` event with ``claims`` (the ledger's
    record of a dispute: each claim names the events of one account), and a ``same_as``
    group whose reports turn out to disagree (the ledger check refuses these, but a log of
    your own may hold them): each fact of such a group is one claim.
A dispute
    The claims about one matter (:class:`Dispute`). The state carries one claim and shows
    the others wherever they would give a state field another value
    (``State.disputed``).

The rule for the claim the state carries
----------------------------------------
Deterministic, and the same everywhere:

1. **The most precisely dated claim.** A claim is as precise as its vaguest date (the widest
   span of days among its facts; an open bound is infinitely wide). A source that dates a
   thing to the day usually stands closer to it than one that gives the year.
2. **Then the best kind of source** behind it: official records (governments, NATO) before
   news agencies, newspapers and broadcasters, before analysis, trade press and company
   releases (the review article among them), before encyclopedias (:data:`SOURCE_RANKS`).
3. **Then the claim recorded first** in the log: a later report of equal standing does
   not overturn the record.

The facts of every other claim are left out of the state (and so of the counts), and a fact
that loses in any dispute is left out even where it wins another. ``conflict``,
``retraction`` and ``citation_added`` events are records *about* reports, not facts, and have
no fact of their own.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from .dates import PartialDate, parse_date
from .kinds import CitationAdded, Conflict, Event, Retraction

__all__ = ["SOURCE_RANKS", "Dispute", "DisputeClaim", "Fact", "Facts", "agree", "find_facts"]

SOURCE_RANKS: Mapping[str, int] = {
    "official": 0,
    "news_agency": 1,
    "newspaper": 1,
    "broadcaster": 1,
    "news": 1,
    "analysis": 2,
    "trade_press": 2,
    "corporate": 2,
    "encyclopedia": 3,
}
"""How the rule ranks a source by its ``kind`` (lower first); any other kind ranks last."""

_UNRANKED = max(SOURCE_RANKS.values()) + 1
_ENVELOPE = frozenset(attrs.fields_dict(Event))
_META = (Conflict, Retraction, CitationAdded)
_PAIRED = {
    "personnel_approximate": ("personnel",),
    "quantity_approximate": ("quantity",),
    "value_approximate": ("value_usd", "value"),
}
"""Flags that qualify other fields: taken from the report that gave the first of them."""


@attrs.frozen
class Fact:
    """One fact: the reports that agree on it, its date, and its values.

    ``id`` is the id of its first report in log order. ``event`` is the merged account, an
    event of the fact's kind whose ``id`` is the fact's and whose ``date`` is the fact's
    (see the module docs for how its values are chosen). ``values_from`` names the most
    specific report.
    """

    id: str
    kind: str
    date: PartialDate
    event: Event
    reports: tuple[str, ...]
    sources: tuple[str, ...]
    values_from: str
    first_seq: int


@attrs.frozen
class DisputeClaim:
    """One side of a dispute: its label, its facts, their reports and sources."""

    label: str
    facts: tuple[str, ...]
    events: tuple[str, ...]
    sources: tuple[str, ...]


@attrs.frozen
class Dispute:
    """Competing claims about one matter, and the one the state carries.

    ``id`` is the id of the ``conflict`` event that records it (``recorded``), or
    ``same-as:<first report>`` for a ``same_as`` group whose reports disagree.
    """

    id: str
    claims: tuple[DisputeClaim, ...]
    carried: int
    note: str
    recorded: bool

    @property
    def carried_claim(self) -> DisputeClaim:
        """The claim the state carries."""
        return self.claims[self.carried]


@attrs.frozen
class Facts:
    """Every fact of a log (as of a release) and every dispute among them."""

    facts: tuple[Fact, ...]
    disputes: tuple[Dispute, ...]
    fact_of: Mapping[str, str]
    """Each standing report's fact id."""
    losing: frozenset[str]
    """The ids of the facts the state leaves out (those of the claims it does not carry)."""

    def standing(self) -> tuple[Fact, ...]:
        """The facts the state is made of: every fact but those of claims not carried."""
        return tuple(f for f in self.facts if f.id not in self.losing)

    def by_id(self) -> dict[str, Fact]:
        """The facts by id."""
        return {f.id: f for f in self.facts}

    def dispute_of(self) -> dict[str, Dispute]:
        """For each fact in a dispute, the (first) dispute it is a claim of."""
        out: dict[str, Dispute] = {}
        for dispute in self.disputes:
            for claim in dispute.claims:
                for fact_id in claim.facts:
                    out.setdefault(fact_id, dispute)
        return out


def _missing(value: object) -> bool:
    return value is None or value == () or value == ""


def _span(date: PartialDate) -> float:
    if date.earliest is None or date.latest is None:
        return float("inf")
    return float((date.latest - date.earliest).days + 1)


def _overlap(dates: Iterable[PartialDate]) -> tuple[_dt.date | None, _dt.date | None, bool]:
    """The intersection of the dates' bounds, and whether it is non-empty."""
    lo: _dt.date | None = None
    hi: _dt.date | None = None
    for d in dates:
        if d.earliest is not None and (lo is None or d.earliest > lo):
            lo = d.earliest
        if d.latest is not None and (hi is None or d.latest < hi):
            hi = d.latest
    return lo, hi, lo is None or hi is None or lo <= hi


def agree(a: Event, b: Event) -> bool:
    """Whether two reports can be one fact: one kind, no two different values on a fact
    field (unset agrees with anything), and dates that can both be true."""
    if type(a) is not type(b):
        return False
    for name in type(a).fact_fields:
        va, vb = getattr(a, name), getattr(b, name)
        if not (_missing(va) or _missing(vb) or va == vb):
            return False
    return _overlap((a.date, b.date))[2]


def _specificity(e: Event) -> tuple[float, int, int]:
    given = sum(
        1
        for a in attrs.fields(type(e))
        if a.name not in _ENVELOPE and not _missing(getattr(e, a.name))
    )
    return (_span(e.date), -given, e.seq or 0)


def _fact_date(reports: Sequence[Event]) -> PartialDate:
    lo, hi, _ = _overlap(r.date for r in reports)
    for r in sorted(reports, key=_specificity):
        if (r.date.earliest, r.date.latest) == (lo, hi):
            return r.date  # a report says exactly this, at its own precision
    if lo is not None and lo == hi:
        return parse_date(lo.isoformat())
    return parse_date(f"{lo.isoformat() if lo else '..'}/{hi.isoformat() if hi else '..'}")


def _merge(fact_id: str, reports: Sequence[Event], date: PartialDate) -> tuple[Event, str]:
    ordered = sorted(reports, key=_specificity)
    base = ordered[0]
    values: dict[str, Any] = {}
    for a in attrs.fields(type(base)):
        if a.name in _ENVELOPE or a.name in _PAIRED:
            continue
        for r in ordered:
            value = getattr(r, a.name)
            if not _missing(value):
                values[a.name] = value
                for flag, fields in _PAIRED.items():
                    if a.name in fields and flag not in values and hasattr(r, flag):
                        values[flag] = getattr(r, flag)
                break
    return attrs.evolve(base, id=fact_id, date=date, **values), base.id


def _sources(reports: Iterable[Event]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.source for r in reports for c in r.citations))


def find_facts(events: Sequence[Event], source_kinds: Mapping[str, str] | None = None) -> Facts:
    """The facts and disputes of ``events`` (a log's events, as of one release, superseded
    and retracted ones included: they are left out here, and their corrections followed).

    ``source_kinds`` maps source ids to their ``kind`` for the rule's second step; a source
    it does not know ranks last.
    """
    kinds = source_kinds or {}
    replaced_by = {old: e.id for e in events for old in e.supersedes}
    dropped = set(replaced_by) | {e.retracts for e in events if isinstance(e, Retraction)}
    standing = [e for e in events if e.id not in dropped]
    by_id = {e.id: e for e in standing}

    def current(event_id: str) -> str | None:
        """The standing event that ``event_id`` is now (following corrections), if any."""
        hops = 0
        while event_id in replaced_by and hops <= len(replaced_by):
            event_id, hops = replaced_by[event_id], hops + 1
        return event_id if event_id in by_id else None

    # Which events the ledger's disputes set apart: events of different claims of one
    # conflict are never one fact, whatever their same_as says.
    recorded = [e for e in standing if isinstance(e, Conflict) and e.claims]
    claim_of: dict[str, dict[str, int]] = {}
    for conflict in recorded:
        for index, claim in enumerate(conflict.claims):
            for named in claim.events:
                now = current(named)
                if now is not None:
                    claim_of.setdefault(now, {}).setdefault(conflict.id, index)

    def apart(a: str, b: str) -> bool:
        ca, cb = claim_of.get(a), claim_of.get(b)
        if not ca or not cb:
            return False
        return any(cb.get(c, i) != i for c, i in ca.items())

    reports = [e for e in standing if not isinstance(e, _META)]
    parent = {e.id: e.id for e in reports}

    def find(event_id: str) -> str:
        while parent[event_id] != event_id:
            parent[event_id] = parent[parent[event_id]]
            event_id = parent[event_id]
        return event_id

    seq = {e.id: e.seq or 0 for e in reports}
    for e in reports:
        target = current(e.same_as) if e.same_as is not None else None
        if target is not None and target in parent:
            a, b = sorted((find(e.id), find(target)), key=seq.__getitem__)
            parent[b] = a
    groups: dict[str, list[Event]] = {}
    for e in sorted(reports, key=lambda e: e.seq or 0):
        groups.setdefault(find(e.id), []).append(e)

    facts: list[Fact] = []
    fact_of: dict[str, str] = {}
    split_groups: list[tuple[str, list[str]]] = []
    for root, members in groups.items():
        if len(members) == 1:  # most reports stand alone: their own fact, as they stand
            (e,) = members
            seq_e = e.seq or 0
            facts.append(Fact(e.id, e.kind, e.date, e, (e.id,), _sources((e,)), e.id, seq_e))
            fact_of[e.id] = e.id
            continue
        parts: list[list[Event]] = []
        for e in members:
            target = current(e.same_as) if e.same_as is not None else None
            home = next((i for i, p in enumerate(parts) if any(m.id == target for m in p)), None)
            order = ([home] if home is not None else []) + [
                i for i in range(len(parts)) if i != home
            ]
            for i in order:
                if all(agree(e, m) and not apart(e.id, m.id) for m in parts[i]):
                    parts[i].append(e)
                    break
            else:
                parts.append([e])
        ids = []
        for part in parts:
            if len(part) == 1:  # a report alone is its own fact, as it stands
                date, event, values_from = part[0].date, part[0], part[0].id
            else:
                date = _fact_date(part)
                event, values_from = _merge(part[0].id, part, date)
            fact = Fact(
                id=part[0].id,
                kind=type(event).kind,
                date=date,
                event=event,
                reports=tuple(r.id for r in part),
                sources=_sources(part),
                values_from=values_from,
                first_seq=part[0].seq or 0,
            )
            facts.append(fact)
            ids.append(fact.id)
            for r in part:
                fact_of[r.id] = fact.id
        if len(parts) > 1:
            split_groups.append((root, ids))
    facts.sort(key=lambda f: f.first_seq)
    by_fact = {f.id: f for f in facts}

    def make_claim(label: str, fact_ids: Iterable[str]) -> DisputeClaim:
        chosen = tuple(dict.fromkeys(fact_ids))
        members = [by_id[r] for f in chosen for r in by_fact[f].reports]
        return DisputeClaim(
            label=label,
            facts=chosen,
            events=tuple(r.id for r in members),
            sources=_sources(members),
        )

    def rank(c: DisputeClaim) -> tuple[float, int, int]:
        widest = max(_span(by_fact[f].date) for f in c.facts)
        best = min(
            (SOURCE_RANKS.get(kinds.get(s, ""), _UNRANKED) for s in c.sources), default=_UNRANKED
        )
        return (widest, best, min(by_fact[f].first_seq for f in c.facts))

    def dispute(dispute_id: str, claims: list[DisputeClaim], note: str, recorded: bool) -> Dispute:
        carried = min(range(len(claims)), key=lambda i: rank(claims[i]))
        return Dispute(dispute_id, tuple(claims), carried, note, recorded)

    disputes: list[Dispute] = []
    covered: list[set[str]] = []
    for conflict in recorded:
        claims: list[DisputeClaim] = []
        for recorded_claim in conflict.claims:
            standing_ids = (current(x) for x in recorded_claim.events)
            fact_ids = [fact_of[n] for n in standing_ids if n is not None and n in fact_of]
            if fact_ids:
                claims.append(make_claim(recorded_claim.label, fact_ids))
        if len(claims) > 1:
            disputes.append(dispute(conflict.id, claims, conflict.note, True))
            covered.append({f for c in claims for f in c.facts})
    for root, ids in split_groups:
        if any(set(ids) <= facts_of for facts_of in covered):
            continue
        claims = [
            make_claim(f"{by_fact[i].date} ({', '.join(by_fact[i].sources)})", [i]) for i in ids
        ]
        note = f"reports linked by same_as to {root} disagree, so they are competing claims"
        disputes.append(dispute(f"same-as:{root}", claims, note, False))
    losing = frozenset(
        f for d in disputes for i, c in enumerate(d.claims) if i != d.carried for f in c.facts
    )
    return Facts(facts=tuple(facts), disputes=tuple(disputes), fact_of=fact_of, losing=losing)
