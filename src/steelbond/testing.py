"""Helpers for building small logs in your own tests (and in ours)."""

from __future__ import annotations

from .dates import parse_date
from .kinds import Citation, Context, Release, Source

__all__ = ["sample_citation", "sample_event", "sample_release", "sample_source"]


def sample_source(source_id: str = "notes") -> Source:
    """A source record for hand-made logs."""
    return Source(
        id=source_id,
        kind="analysis",
        author="",
        title="Research notes",
        title_english="Research notes",
        publisher="",
        date="2026",
        language="en",
        license="CC BY 4.0",
    )


def sample_release(name: str = "mine-1", coverage_end: str = "2026-01-31") -> Release:
    """A release record for hand-made logs."""
    return Release(name=name, date="2026-11-28", coverage_end=coverage_end)


def sample_citation(quote: str = "a short verbatim quote", source: str = "notes") -> Citation:
    """A citation for hand-made events."""
    return Citation(source=source, locator="p. 1", quote=quote)


def sample_event(event_id: str, date: str = "2012-09", topic: str = "other") -> Context:
    """A context event (it changes no state), for logs whose content does not matter."""
    return Context(
        id=event_id,
        date=parse_date(date),
        summary=f"Sample event {event_id}.",
        citations=(sample_citation(),),
        topic=topic,
    )
