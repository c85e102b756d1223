"""The event log: an immutable, append-only, hash-chained sequence of typed events.

:class:`EventLog` is a value. :meth:`steelbond.EventLog.append` returns a new log and
leaves the old one as it was; there is no update and no delete. A correction is a new event whose
``supersedes`` names the old one, a withdrawal is a :class:`~steelbond.kinds.Retraction`:
replay honours both, and the old event stays in the log for anyone reproducing an old
release. Each event's ``hash`` is SHA-256 over its predecessor's hash and its own canonical
encoding, so :meth:`steelbond.EventLog.verify` finds any edited, reordered, inserted or
removed event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Container, Iterable, Iterator, Sequence
from typing import overload

import attrs

from .converter import canonical_bytes
from .errors import (
    ArgumentError,
    EventError,
    IntegrityError,
    UnknownReleaseError,
    check_type,
    shown,
)
from .kinds import Citation, CitationAdded, Conflict, Event, Release, Retraction, Source

__all__ = ["GENESIS", "EventLog", "chain_hash", "stamp"]

GENESIS = "0" * 64
"""The ``prev_hash`` of the first event of every log."""


def chain_hash(prev_hash: str, event: Event) -> str:
    """SHA-256 (hex) over the previous hash and the event's canonical encoding."""
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(canonical_bytes(event))
    return digest.hexdigest()


@attrs.frozen
class EventLog(Sequence[Event]):
    """An immutable log of events, with the sources they cite and the releases that made it.

    Build one empty (``EventLog()``) and :meth:`append`, or load one with
    :func:`steelbond.read_log`. Indexing and iteration give events in log order (``seq``).
    """

    _events: tuple[Event, ...] = ()
    sources: tuple[Source, ...] = ()
    releases: tuple[Release, ...] = ()
    _added: dict[str, tuple[Citation, ...]] = attrs.field(
        init=False, factory=dict, eq=False, hash=False, repr=False
    )
    """The citations ``citation_added`` events add, by the id they add to; filled on the
    first :meth:`citations_of` (a log is immutable, so it never goes stale, and a log made
    from this one by ``evolve`` starts with its own, empty)."""

    @property
    def head(self) -> str:
        """The hash of the last event (``GENESIS`` for an empty log)."""
        if not self._events:
            return GENESIS
        return self._events[-1].hash or GENESIS

    def __len__(self) -> int:
        return len(self._events)

    @overload
    def __getitem__(self, index: int) -> Event: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Event]: ...
    def __getitem__(self, index: int | slice) -> Event | Sequence[Event]:
        return self._events[index]

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events)

    def __repr__(self) -> str:
        return f"<EventLog of {len(self)} events, head {self.head[:12]}>"

    def append(self, *events: Event, release: str | None = None) -> EventLog:
        """Return a new log with ``events`` added; this log is unchanged.

        Each event gets its ``seq``, ``prev_hash`` and ``hash``; ``release`` (when given)
        stamps the release that records it. Ids must be new, and references
        (``supersedes``, retractions, conflicts) must name events already in the log or
        earlier in the same call.
        """
        stamped = stamp(
            events,
            seq=len(self._events),
            prev_hash=self.head,
            known={e.id for e in self._events},
            release=release,
        )
        return attrs.evolve(self, events=self._events + stamped)

    def verify(self) -> None:
        """Check the hash chain; raise :class:`~steelbond.errors.IntegrityError` at the first break.

        The error names the first event whose position, link or content does not match,
        which pinpoints an edit (content), a removal or insertion (the link), or a reordering.
        An id that comes twice is a break too: a chain can be valid with a repeated id (a
        writer that checked ids against a damaged index), and the log would then answer
        with two events for one.
        """
        prev = GENESIS
        seen: set[str] = set()
        for index, event in enumerate(self._events):
            where = f"event {shown(event.id)} at position {index}"
            if event.id in seen:
                raise IntegrityError(
                    f"{where} repeats an id already in the log; ids are never reused",
                    index,
                    event.id,
                )
            seen.add(event.id)
            if event.seq != index:
                raise IntegrityError(
                    f"{where} carries seq {event.seq}: events were inserted, removed or reordered",
                    index,
                    event.id,
                )
            if event.prev_hash != prev:
                raise IntegrityError(
                    f"{where} does not link to the event before it: an event was inserted, "
                    "removed or reordered before it",
                    index,
                    event.id,
                )
            if chain_hash(prev, event) != event.hash:
                raise IntegrityError(
                    f"{where} was edited: its content no longer matches its hash", index, event.id
                )
            prev = event.hash

    def release_names(self) -> tuple[str, ...]:
        """The releases this log knows, oldest first."""
        return tuple(r.name for r in self.releases)

    def as_of_release(self, release: str | None) -> EventLog:
        """Deprecated since 0.3.0 (a method named like the keyword): :meth:`release`."""
        import warnings

        warnings.warn(
            "EventLog.as_of_release(name) is now EventLog.release(name); the old name will "
            "be removed in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.release(release)

    def partners(self) -> tuple[str, ...]:
        """The partners this log's events are about (ISO3 codes), South Korea's first."""
        found = {e.partner for e in self._events}
        return tuple(sorted(found, key=lambda p: (p != "KOR", p)))

    def of_partner(self, partner: str) -> EventLog:
        """The events about one partner (``"KOR"``, ``"JPN"``...), with the sources they
        cite, and each release's coverage ending where that partner's sources end: the log
        replay folds into that partner's state. A view for questions: its events keep their
        places and hashes in the whole log, so it is not a chain of its own to verify.
        """
        check_type("partner", partner, str, "an ISO3 code such as 'KOR'")
        if all(e.partner == partner for e in self._events) and not any(
            r.coverage for r in self.releases
        ):
            return self
        events = tuple(e for e in self._events if e.partner == partner)
        cited = {c.source for e in events for c in e.citations}
        return attrs.evolve(
            self,
            events=events,
            sources=tuple(s for s in self.sources if s.id in cited),
            releases=tuple(
                attrs.evolve(r, coverage_end=r.coverage_end_of(partner), coverage=())
                for r in self.releases
            ),
        )

    def release(self, release: str | None) -> EventLog:
        """The log as a given release published it: its events, none added later, and the
        sources they cite.

        ``None`` means the whole log.
        """
        if release is None:
            return self
        check_type("release", release, str, "a release name (a string) or None")
        names = self.release_names()
        if release not in names:
            raise UnknownReleaseError(
                f"unknown data release {shown(release)}; this log has {', '.join(names) or 'none'}",
                release,
            )
        allowed = set(names[: names.index(release) + 1])
        events = tuple(e for e in self._events if e.release in allowed)
        cited = {c.source for e in events for c in e.citations}
        return attrs.evolve(
            self,
            events=events,
            sources=tuple(s for s in self.sources if s.id in cited),
            releases=tuple(r for r in self.releases if r.name in allowed),
        )

    def effective(self) -> tuple[Event, ...]:
        """The events that stand: none superseded or retracted by another event of this log."""
        dropped: set[str] = set()
        for event in self._events:
            dropped.update(event.supersedes)
            if isinstance(event, Retraction):
                dropped.add(event.retracts)
        return tuple(e for e in self._events if e.id not in dropped)

    def by_id(self, event_id: str) -> Event:
        """The event with this id (superseded or not)."""
        check_type("event_id", event_id, str, "an event id (a string)")
        for event in self._events:
            if event.id == event_id:
                return event
        raise EventError(f"no event with id {shown(event_id)} in this log", event_id)

    def source(self, source_id: str) -> Source:
        """The source record with this id."""
        check_type("source_id", source_id, str, "a source id (a string)")
        for src in self.sources:
            if src.id == source_id:
                return src
        raise EventError(
            f"no source with id {shown(source_id)}; known: {shown([s.id for s in self.sources])}"
        )

    def citations_of(self, event: Event) -> tuple[Citation, ...]:
        """``event``'s citations as this log reads them: its own, with those that later
        ``citation_added`` events of the log add to it (a citation of the same source whose
        quote was empty is replaced by the added one; any other is added after its own)."""
        if not self._added and self._events:
            index: dict[str, list[Citation]] = {}
            for e in self.effective():
                if isinstance(e, CitationAdded):
                    index.setdefault(e.adds_to, []).extend(e.citations)
            # the finished index goes in with one update (atomic under the GIL): a thread
            # reading meanwhile sees it empty and builds its own, never a half-built one;
            # the "" key (no event has an empty id) marks a log to which nothing was added
            self._added.update({k: tuple(v) for k, v in index.items()} or {"": ()})
        added = self._added.get(event.id, ())
        if not added:
            return event.citations
        given = {c.source for c in added}
        own = tuple(c for c in event.citations if c.quote.strip() or c.source not in given)
        return own + tuple(added)

    def conflicts(self) -> tuple[Conflict, ...]:
        """The recorded disagreements between sources that still stand."""
        return tuple(e for e in self.effective() if isinstance(e, Conflict))

    @classmethod
    def from_events(
        cls,
        events: Iterable[Event],
        sources: Iterable[Source] = (),
        releases: Iterable[Release] = (),
    ) -> EventLog:
        """A log holding already-stamped events as they are (for readers; nothing is re-hashed)."""
        return cls(tuple(events), tuple(sources), tuple(releases))


def stamp(
    events: Iterable[Event],
    *,
    seq: int,
    prev_hash: str,
    known: Container[str],
    release: str | None = None,
) -> tuple[Event, ...]:
    """Check ``events`` and stamp them to follow a log of ``seq`` events whose head is
    ``prev_hash``: the one rule for appending, shared by :meth:`EventLog.append` and
    :class:`~steelbond.LogFolder` (which looks ids up in its index instead of holding the log).

    ``known`` answers whether an id is already in the log. Ids must be new, every event must
    cite a source, and references must name events in the log or earlier in ``events``.
    """
    check_type("release", release, (str, type(None)), "a release name (a string) or None")
    batch: set[str] = set()
    out: list[Event] = []
    prev = prev_hash
    for event in events:
        if not isinstance(event, Event):
            raise ArgumentError(
                f"only events can be appended, not {type(event).__name__} {shown(event)}; "
                "build one with a kind such as steelbond.kinds.SummitAttended",
                event,
            )
        if not event.citations:
            raise EventError(
                f"event {shown(event.id)} has no citation; every event names its source",
                event.id,
            )
        if event.id in batch or event.id in known:
            raise EventError(
                f"event id {shown(event.id)} is already in the log; ids are never reused — "
                "to correct an event, append a new one with supersedes=[old id]",
                event.id,
            )
        for ref in _references(event):
            if ref not in batch and ref not in known:
                raise EventError(
                    f"event {shown(event.id)} refers to {shown(ref)}, which is not in the log",
                    event.id,
                )
        stamped = attrs.evolve(
            event,
            seq=seq + len(out),
            prev_hash=prev,
            hash=None,
            release=event.release if release is None else release,
        )
        stamped = attrs.evolve(stamped, hash=chain_hash(prev, stamped))
        prev = stamped.hash or GENESIS
        out.append(stamped)
        batch.add(event.id)
    return tuple(out)


def _references(event: Event) -> tuple[str, ...]:
    refs = tuple(event.supersedes)
    if event.same_as is not None:
        refs += (event.same_as,)
    if isinstance(event, Retraction):
        refs += (event.retracts,)
    if isinstance(event, Conflict):
        refs += event.events
    if isinstance(event, CitationAdded):
        refs += (event.adds_to,)
    return refs
