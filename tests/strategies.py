"""Hypothesis strategies for steelbond's values, shared by the test modules."""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any

import attrs
from hypothesis import strategies as st

from steelbond.dates import PartialDate, parse_date
from steelbond.kinds import KINDS, Citation, Claim, Designation, Event

years = st.integers(min_value=1000, max_value=9998)
days = st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9998, 12, 31))
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=20)
ids = st.from_regex(r"[a-q][a-z0-9-]{0,15}", fullmatch=True)
refs = st.from_regex(r"r-[a-z0-9]{1,8}", fullmatch=True)
"""Ids that events refer to; disjoint from ``ids`` so no event refers to itself."""


@st.composite
def point_texts(draw: st.DrawFn) -> str:
    """A valid single partial-date text: a day, month, season or year."""
    d = draw(days)
    form = draw(st.sampled_from(["day", "month", "season", "year"]))
    if form == "day":
        return d.isoformat()
    if form == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if form == "season":
        return f"{d.year:04d}-{draw(st.sampled_from(['spring', 'summer', 'autumn', 'winter']))}"
    return f"{d.year:04d}"


@st.composite
def date_texts(draw: st.DrawFn) -> str:
    """Any valid partial-date text, ranges and open ranges included."""
    shape = draw(st.sampled_from(["point", "range", "open-start", "open-end", "unknown"]))
    if shape == "point":
        return draw(point_texts())
    if shape == "unknown":
        return "../.."
    if shape == "open-start":
        return f"../{draw(point_texts())}"
    if shape == "open-end":
        return f"{draw(point_texts())}/.."
    a, b = draw(point_texts()), draw(point_texts())
    first, last = parse_date(a).earliest, parse_date(b).latest
    assert first is not None and last is not None
    if first > last:  # then b lies wholly before a
        a, b = b, a
    return f"{a}/{b}"


partial_dates = date_texts().map(parse_date)
citations = st.builds(Citation, source=ids, locator=text, quote=text, english=st.none() | text)
claims = st.builds(Claim, label=text, events=st.lists(refs, min_size=1, max_size=2).map(tuple))


def _for_type(tp: Any) -> st.SearchStrategy[Any]:
    origin = typing.get_origin(tp)
    if origin is not None and type(None) in typing.get_args(tp):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return st.none() | _for_type(inner)
    if origin is tuple:
        inner = typing.get_args(tp)[0]
        if inner is Citation:
            return st.lists(citations, min_size=1, max_size=3).map(tuple)
        return st.lists(_for_type(inner), max_size=3).map(tuple)
    return {
        str: text,
        int: st.integers(min_value=-(2**62), max_value=2**62),
        float: st.floats(allow_nan=False, allow_infinity=False),
        bool: st.booleans(),
        PartialDate: partial_dates,
        Claim: claims,
        Designation: st.sampled_from(Designation),
    }[tp]


def events_of(cls: type[Event]) -> st.SearchStrategy[Event]:
    """Any event of the kind ``cls``, envelope included (hash fields left to the log)."""
    hints = typing.get_type_hints(cls)
    fields = {
        a.name: _for_type(hints[a.name])
        for a in attrs.fields(cls)
        if a.name not in {"seq", "prev_hash", "hash", "schema_version", "id"}
    }
    fields["id"] = ids
    for name, strategy in {
        "supersedes": st.lists(refs, max_size=2).map(tuple),
        "same_as": st.none() | refs,
        "retracts": refs,
        "adds_to": refs,
        "events": st.lists(refs, min_size=1, max_size=3).map(tuple),
    }.items():
        if name in fields:
            fields[name] = strategy
    return st.builds(cls, **fields)


any_event = st.sampled_from(sorted(KINDS.values(), key=lambda c: c.kind)).flatmap(events_of)
