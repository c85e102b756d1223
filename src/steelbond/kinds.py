"""The typed events of the log: one frozen, slotted attrs class per kind.

Every event shares an envelope (``Event``): a stable id, its place in the log (``seq``),
when it happened (a :class:`~steelbond.dates.PartialDate`), the partner country, a one-line
summary, its citations, the release that recorded it, the events it supersedes, and the hash
chain fields. The kinds add their own typed fields. This module knows nothing of storage:
turning events into Arrow rows is ``steelbond.converter``'s job.
"""

from __future__ import annotations

import enum
from typing import ClassVar

import attrs

from .dates import PartialDate
from .designation import Designation  # its own module, so the state needs no event class

__all__ = [
    "KINDS",
    "ArmsDeal",
    "Citation",
    "CitationAdded",
    "Claim",
    "Conflict",
    "Context",
    "Contribution",
    "Cooperation",
    "Designation",
    "DesignationChange",
    "Event",
    "Incident",
    "MinisterialMeeting",
    "MissionOpened",
    "NatoMilestone",
    "OperationJoined",
    "OperationLeft",
    "ProgrammeRevised",
    "ProgrammeSigned",
    "Release",
    "Retraction",
    "Source",
    "Statement",
    "SummitAttended",
    "TradeStatistic",
    "Visit",
]

SCHEMA_VERSION = 1
"""Version of the row layout; every stored row records the version it was written with."""


@attrs.frozen
class Citation:
    """Where a claim comes from: a source id, the place in it, and a short verbatim quote.

    ``english`` renders the quote in English when the source is in another language.
    """

    source: str
    locator: str
    quote: str
    english: str | None = None


@attrs.frozen
class Source:
    """A document the log's events cite."""

    id: str
    kind: str
    author: str
    title: str
    title_english: str
    publisher: str
    date: str
    language: str
    license: str
    file: str | None = None
    url: str | None = None
    accessed: str | None = None


@attrs.frozen
class Coverage:
    """One partner's window in a release: the last day that partner's sources speak for."""

    partner: str
    end: str


@attrs.frozen
class Release:
    """A data release: its name, when it was made, and the last day its sources speak for.

    ``coverage_end`` is South Korea's (and any partner's that ``coverage`` does not name);
    ``coverage`` gives each other partner its own last day (added in data 0.4.0).
    """

    name: str
    date: str
    coverage_end: str
    coverage: tuple[Coverage, ...] = ()

    def coverage_end_of(self, partner: str) -> str:
        """The last day ``partner``'s sources speak for in this release."""
        for c in self.coverage:
            if c.partner == partner:
                return c.end
        return self.coverage_end


@attrs.frozen(kw_only=True)
class Event:
    """The envelope every event shares. Not used directly: each kind is a subclass.

    ``seq``, ``prev_hash`` and ``hash`` are set by :meth:`steelbond.EventLog.append`;
    ``release`` names the data release that recorded the event (the second kind of time,
    beside ``date``). ``supersedes`` names events this one corrects (replay then ignores
    them). ``same_as`` names an earlier event that reports the same fact, from another
    source or at another precision: replay counts the fact once, from the first day any of
    its reports makes it certain (taking the details of that report, or of the narrowest
    such report), with every report's id behind it.
    """

    kind: ClassVar[str] = ""
    changes_state: ClassVar[str | None] = None
    """The state field this kind of event changes, or None when it changes none."""
    fact_fields: ClassVar[tuple[str, ...]] = ()
    """The typed fields on which two reports of one fact must agree (see
    :mod:`steelbond.factmodel`): the values the state takes or that tell one fact from another.
    Free-text fields (a summary, an activity, a role in words) are left out: two sources
    word one fact differently. A field a report leaves unset agrees with any value."""

    id: str
    date: PartialDate
    summary: str
    citations: tuple[Citation, ...]
    partner: str = "KOR"
    release: str = ""
    supersedes: tuple[str, ...] = ()
    same_as: str | None = None
    date_note: str | None = None
    """Why the date has the bounds it has, where they come from the context rather than
    the source's own words, or why an open bound (``..``) stays open (added in data 0.3.0)."""
    seq: int | None = None
    prev_hash: str | None = None
    hash: str | None = None
    schema_version: int = SCHEMA_VERSION

    def _repr_html_(self) -> str:
        from .frames import html_table

        # The fields as plain values (an enum as its value), the converter's row without
        # importing it: the converter imports this module, not the other way round.
        row: dict[str, object] = {"kind": self.kind}
        row.update(attrs.asdict(self, value_serializer=_plain))
        row["date"] = self.date.text
        row["citations"] = [
            f"{c.source}, {c.locator}: “{c.quote}”" + (f" ({c.english})" if c.english else "")
            for c in self.citations
        ]
        return html_table(("field", "value"), list(row.items()), f"{self.kind} {self.id}")


def _plain(_: object, __: object, value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    return list(value) if isinstance(value, tuple) else value


@attrs.frozen(kw_only=True)
class DesignationChange(Event):
    """NATO names the partner's status (contact country, global partner, ...)."""

    kind: ClassVar[str] = "designation"
    changes_state: ClassVar[str | None] = "designation"
    fact_fields: ClassVar[tuple[str, ...]] = ("designation",)
    designation: Designation
    basis: str | None = None


@attrs.frozen(kw_only=True)
class ProgrammeSigned(Event):
    """A partnership programme (IPCP, ITPP) is signed; it replaces any earlier one."""

    kind: ClassVar[str] = "programme_signed"
    changes_state: ClassVar[str | None] = "programme"
    fact_fields: ClassVar[tuple[str, ...]] = ("programme", "areas", "term")
    programme: str
    areas: tuple[str, ...] = ()
    term: str | None = None
    """The period the programme runs for, as the source gives it (added in data 0.2.0)."""


@attrs.frozen(kw_only=True)
class ProgrammeRevised(Event):
    """A signed programme is revised."""

    kind: ClassVar[str] = "programme_revised"
    changes_state: ClassVar[str | None] = "programme"
    fact_fields: ClassVar[tuple[str, ...]] = ("programme",)
    programme: str


@attrs.frozen(kw_only=True)
class MissionOpened(Event):
    """The partner opens a diplomatic mission to NATO."""

    kind: ClassVar[str] = "mission_opened"
    changes_state: ClassVar[str | None] = "mission_to_nato"
    fact_fields: ClassVar[tuple[str, ...]] = ("city",)
    mission: str
    city: str | None = None


@attrs.frozen(kw_only=True)
class OperationJoined(Event):
    """The partner starts taking part in a NATO-led operation."""

    kind: ClassVar[str] = "operation_joined"
    changes_state: ClassVar[str | None] = "operations"
    fact_fields: ClassVar[tuple[str, ...]] = ("operation", "personnel")
    operation: str
    role: str | None = None
    place: str | None = None
    personnel: int | None = None
    personnel_approximate: bool = False


@attrs.frozen(kw_only=True)
class OperationLeft(Event):
    """The partner's part in a NATO-led operation ends."""

    kind: ClassVar[str] = "operation_left"
    changes_state: ClassVar[str | None] = "operations"
    fact_fields: ClassVar[tuple[str, ...]] = ("operation",)
    operation: str


@attrs.frozen(kw_only=True)
class Incident(Event):
    """Casualties, hostage crises and other incidents of an operation."""

    kind: ClassVar[str] = "incident"
    fact_fields: ClassVar[tuple[str, ...]] = ("operation", "deaths")
    description: str
    operation: str | None = None
    deaths: int | None = None


@attrs.frozen(kw_only=True)
class SummitAttended(Event):
    """The partner attends a NATO summit."""

    kind: ClassVar[str] = "summit_attended"
    changes_state: ClassVar[str | None] = "summits"
    fact_fields: ClassVar[tuple[str, ...]] = ("summit", "host", "level")
    summit: str
    host: str
    level: str | None = None
    attended_by: str | None = None


@attrs.frozen(kw_only=True)
class MinisterialMeeting(Event):
    """The partner takes part in a NATO foreign or defence ministers' meeting."""

    kind: ClassVar[str] = "ministerial_meeting"
    changes_state: ClassVar[str | None] = "ministerials"
    fact_fields: ClassVar[tuple[str, ...]] = ("level",)
    level: str
    meeting: str
    attended_by: str | None = None


@attrs.frozen(kw_only=True)
class Cooperation(Event):
    """A step of practical cooperation: dialogue, exercises, cyber defence, science."""

    kind: ClassVar[str] = "cooperation"
    changes_state: ClassVar[str | None] = "cooperation_areas"
    fact_fields: ClassVar[tuple[str, ...]] = ("area",)
    area: str
    activity: str
    role: str | None = None


@attrs.frozen(kw_only=True)
class Contribution(Event):
    """Money the partner gives to a NATO trust fund."""

    kind: ClassVar[str] = "contribution"
    changes_state: ClassVar[str | None] = "trust_fund_usd"
    fact_fields: ClassVar[tuple[str, ...]] = ("fund", "amount_usd")
    fund: str
    amount_usd: float | None = None
    role: str | None = None


@attrs.frozen(kw_only=True)
class ArmsDeal(Event):
    """Arms trade between the partner and a NATO member (talks, contract, delivery...)."""

    kind: ClassVar[str] = "arms_deal"
    changes_state: ClassVar[str | None] = "arms_deals"
    fact_fields: ClassVar[tuple[str, ...]] = (
        "buyer",
        "seller",
        "stage",
        "quantity",
        "value_usd",
        "value",
        "currency",
        "part_of",
        "under",
    )
    buyer: str
    seller: str
    item: str
    stage: str
    quantity: int | None = None
    quantity_approximate: bool = False
    value_usd: float | None = None
    value_approximate: bool = False
    part_of: str | None = None
    """The deal this is one item line of (a contract for several systems, reported with one
    value): an item line is not a deal of its own and never adds to the count of deals
    (added in data 0.3.0)."""
    value: float | None = None
    """The value as the source states it, in ``currency`` (added in data 0.3.0).
    ``value_usd`` is set only where a source itself states the value in US dollars: the data
    never converts currencies. ``value_approximate`` qualifies both."""
    currency: str | None = None
    """The ISO 4217 code of ``value`` (``USD``, ``EUR``, ``PLN``, ``KRW``...)."""
    value_note: str | None = None
    """The reason there is no value, added in data 0.3.0; it names the sources read and says
    that none states one. A deal recorded from 0.3.0 on has a value or this note."""
    under: str | None = None
    """The id of the earlier arms deal, a framework agreement or memorandum of understanding,
    that this executive contract is concluded under (added in data 0.3.0). Unlike
    ``part_of``, the contract is a deal of its own and counts."""


@attrs.frozen(kw_only=True)
class TradeStatistic(Event):
    """A figure on the partner's arms trade: export totals, SIPRI ranks, growth."""

    kind: ClassVar[str] = "trade_statistic"
    fact_fields: ClassVar[tuple[str, ...]] = ("measure", "value", "period")
    measure: str
    value: float
    period: str
    note: str | None = None


@attrs.frozen(kw_only=True)
class Statement(Event):
    """A statement, declaration or communiqué passage bearing on the relationship."""

    kind: ClassVar[str] = "statement"
    fact_fields: ClassVar[tuple[str, ...]] = ("organisation",)
    speaker: str
    organisation: str
    topic: str


@attrs.frozen(kw_only=True)
class Visit(Event):
    """A visit by a leader or official."""

    kind: ClassVar[str] = "visit"
    visitor: str
    place: str


@attrs.frozen(kw_only=True)
class NatoMilestone(Event):
    """NATO's own decisions: its founding, strategic concepts, summit declarations."""

    kind: ClassVar[str] = "nato_milestone"
    milestone: str
    topic: str | None = None


@attrs.frozen(kw_only=True)
class Context(Event):
    """The world around the relationship; :func:`steelbond.events` can leave these out."""

    kind: ClassVar[str] = "context"
    fact_fields: ClassVar[tuple[str, ...]] = ("topic",)
    topic: str


@attrs.frozen(kw_only=True)
class Retraction(Event):
    """Withdraws an earlier event; replay then ignores it (in releases that know this)."""

    kind: ClassVar[str] = "retraction"
    fact_fields: ClassVar[tuple[str, ...]] = ("retracts",)
    retracts: str
    reason: str


@attrs.frozen
class Claim:
    """One side of a recorded disagreement: a label and the events that make up that account.

    The events of one claim are read together (an operation joined and left, say, against
    reports placing the same troops elsewhere); events of different claims are never one
    fact, whatever their ``same_as`` says.
    """

    label: str
    events: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Conflict(Event):
    """Records that sources (or one source with itself) disagree; both sides stay in the log.

    ``claims`` (added in data 0.3.0) names the competing accounts. A conflict with claims is
    a *dispute*: replay carries one claim by the documented rule of :mod:`steelbond.factmodel`
    and shows the others in ``State.disputed`` on every day they would give a state field
    another value. A conflict without claims is a note only.
    """

    kind: ClassVar[str] = "conflict"
    events: tuple[str, ...]
    note: str
    claims: tuple[Claim, ...] = ()


@attrs.frozen(kw_only=True)
class CitationAdded(Event):
    """Adds citations to an earlier event (added in data 0.3.0): the append-only way to give
    a released citation the verbatim quote it lacked, or an event another source.

    The event named in ``adds_to`` keeps its id and hash; its citations are read together
    with these (see :meth:`steelbond.EventLog.citations_of`): a citation of the same source
    with an empty quote is replaced by the added one, any other is added.
    """

    kind: ClassVar[str] = "citation_added"
    adds_to: str


KINDS: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        DesignationChange,
        ProgrammeSigned,
        ProgrammeRevised,
        MissionOpened,
        OperationJoined,
        OperationLeft,
        Incident,
        SummitAttended,
        MinisterialMeeting,
        Cooperation,
        Contribution,
        ArmsDeal,
        TradeStatistic,
        Statement,
        Visit,
        NatoMilestone,
        Context,
        Retraction,
        Conflict,
        CitationAdded,
    )
}
"""Every kind of event by its name, as stored in the ``kind`` column."""
