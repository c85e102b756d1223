"""``timeline.json``: the bundled log's timelines, shipped already replayed.

Why it exists
-------------
Answering the first ``state_at`` of a process from the log means reading every event, which
imports cattrs and ``steelbond.converter``, creates the event classes, generates cattrs'
structuring code for each and replays them: a cold query took about as long as starting
DuckDB. The bundled log never changes after a release, so ``tools/build_data.py``
replays it once per release (``steelbond.build.render_timelines``, build time only) and
writes the timelines in this format (``dumps``), and a cold ``state_at`` reads them back
with ``json`` and attrs alone (``read_timeline``, through
:func:`steelbond.bundled.bundled_timeline`). Events, conflicts, sources and SQL still read
the log. This module never replays: it imports neither the event classes nor replay.

Why not cattrs
--------------
Everywhere else cattrs (``steelbond.converter``) is the one road between objects and
stored rows. On this path it is the cost being removed. A cattrs converter of the state
classes alone (without the event kinds) was measured against this decoder, each in 3 rounds
of 11 cold runs alternated with DuckDB counting the Parquet file's rows, bytecode not
cached: 0.61x-0.77x DuckDB's time against 0.50x-0.53x (with bytecode cached: 0.60x against
0.47x). Importing cattrs and having it generate the classes' structuring code puts the goal
of 0.75x out of safe reach, so this module decodes explicitly: one table per class naming
each field's decoder, each decoder strict about its JSON type. Tests hold the tables to the
classes' fields and the decoded timelines equal to replay's, for every release
(``tests/test_cold_path.py``).

Stale files
-----------
The file records the name and SHA-256 of the log file it was replayed from, the file
:func:`steelbond.bundled_log` reads. ``read_timeline`` answers ``None`` when those do
not match the bundled file, when the file is missing or malformed, or when it lacks the
release asked for; the caller then replays the log, so a stale file is never believed.
``tools/build_data.py --check`` (run in CI) fails when the file is not what the ledger gives.

The format
----------
One compact JSON object, keys sorted, no timestamps::

    {"format": 1, "log": "events.jsonl", "sha256": "<hex>", "latest": "0.2.0",
     "timelines": {"0.1.0": TIMELINE, "0.2.0": TIMELINE}}

``latest`` names the release whose timeline is the whole log's (``as_of_release=None``),
or is ``null``. A ``TIMELINE`` mirrors :class:`~steelbond.Timeline`'s fields (days as ISO
text), except that each entry of ``states`` holds only what changed since the interval
before (the first: since ``State()``): ``"field": value``, or ``"field+": [items]`` for
the items a growing field (``summits``, ``ministerials``, every field of ``basis``,
which nests the same way) gained. So the file grows with the log, not with the log times
its intervals, and the decoded states share their growing lists as replay's do.
Values are in their JSON form: a partial date as its text, a designation as its value, a
record as an object of all its fields.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from .._grown import Grown, grow
from ..dates import PartialDate, parse_date
from ..designation import Designation
from ..state import (
    Basis,
    ClaimedValue,
    Disputed,
    Meeting,
    Operation,
    Programme,
    State,
    Summit,
    Timeline,
)

__all__ = ["FORMAT", "decode_timeline", "dumps", "encode_timeline", "read_timeline"]

FORMAT = 2
"""The layout's version; a file of another version is not read (the log is replayed)."""

Decode = Callable[[Any], Any]


# --- encoding: objects to their JSON form (build time) -----------------------------------


def _json(value: Any) -> Any:
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, PartialDate):
        return value.text
    if isinstance(value, Designation):
        return value.value
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, Sequence):  # a tuple, or replay's growing and lazily filled ones
        return [_json(v) for v in value]
    if isinstance(value, Disputed):
        return {field: _json(claims) for field, claims in value.items()}
    if attrs.has(type(value)):
        return {f.name: _json(getattr(value, f.name)) for f in attrs.fields(type(value))}
    raise TypeError(f"no JSON form for {type(value).__name__} {value!r}")


def _changes(
    before: Any, after: Any, growing: Mapping[str, Decode], skip: str = ""
) -> dict[str, Any]:
    """The fields in which ``after`` differs from ``before`` (attrs instances of one class);
    a field of ``growing`` that only gained items gives the items it gained."""
    out: dict[str, Any] = {}
    for field in attrs.fields(type(after)):
        old, new = getattr(before, field.name), getattr(after, field.name)
        if field.name == skip or new == old:
            continue
        if field.name in growing and len(old) < len(new) and tuple(new[: len(old)]) == tuple(old):
            out[field.name + "+"] = _json(new[len(old) :])
        else:
            out[field.name] = _json(new)
    return out


def encode_timeline(timeline: Timeline) -> dict[str, Any]:
    """The timeline's JSON form (see the module docs)."""
    states = []
    before = State()
    for state in timeline.states:
        changes = _changes(before, state, STATE_GROWN, skip="basis")
        basis = _changes(before.basis, state.basis, BASIS_GROWN)
        if basis:
            changes["basis"] = basis
        states.append(changes)
        before = state
    return {
        "release": timeline.release,
        "coverage_start": timeline.coverage_start.isoformat(),
        "coverage_end": timeline.coverage_end.isoformat(),
        "starts": [day.isoformat() for day in timeline.starts],
        "states": states,
    }


def dumps(
    timelines: Mapping[str, Timeline], latest: str | None, log_file: str, log_bytes: bytes
) -> bytes:
    """The bytes of ``timeline.json``: ``timelines`` by release name, ``latest`` the release
    whose timeline is the whole log's (or ``None``).

    ``log_file`` and ``log_bytes`` are the name and content of the file the log is read
    from; their SHA-256 is recorded, so a file built from other data is refused.
    """
    document = {
        "format": FORMAT,
        "log": log_file,
        "sha256": hashlib.sha256(log_bytes).hexdigest(),
        "latest": latest,
        "timelines": {name: encode_timeline(t) for name, t in timelines.items()},
    }
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


# --- decoding: the JSON form back to typed objects (the cold path) -----------------------


def _exactly(kind: type[Any]) -> Decode:
    def decode(value: Any) -> Any:
        if type(value) is not kind:
            raise TypeError(f"expected {kind.__name__}, got {type(value).__name__} {value!r}")
        return value

    return decode


_str, _int, _bool, _float, _list, _dict = map(_exactly, (str, int, bool, float, list, dict))


def _optional(decode: Decode) -> Decode:
    return lambda value: None if value is None else decode(value)


def _tuple(decode: Decode) -> Decode:
    return lambda value: tuple(decode(v) for v in _list(value))


def _day(value: Any) -> _dt.date:
    return _dt.date.fromisoformat(_str(value))


def _partial_date(value: Any) -> PartialDate:
    return parse_date(_str(value))


def _designation(value: Any) -> Designation:
    return Designation(_str(value))


def _record(cls: type[Any], fields: Mapping[str, Decode]) -> Decode:
    """A decoder of ``cls`` from an object of its fields (an unknown field is an error)."""
    return lambda value: cls(**{name: fields[name](v) for name, v in _dict(value).items()})


PROGRAMME: dict[str, Decode] = {
    "name": _str,
    "signed": _optional(_partial_date),
    "revisions": _int,
    "last_revised": _optional(_partial_date),
    "areas": _tuple(_str),
    "term": _optional(_str),
}
OPERATION: dict[str, Decode] = {
    "name": _str,
    "since": _partial_date,
    "role": _optional(_str),
    "place": _optional(_str),
    "personnel": _optional(_int),
    "personnel_approximate": _bool,
}
SUMMIT: dict[str, Decode] = {
    "name": _str,
    "date": _partial_date,
    "host": _str,
    "level": _optional(_str),
    "attended_by": _optional(_str),
}
CLAIMED: dict[str, Decode] = {
    "dispute": _str,
    "label": _str,
    "value": _str,
    "carried": _bool,
    "events": _tuple(_str),
    "sources": _tuple(_str),
}


def _disputed(value: Any) -> Disputed:
    claims = _tuple(_record(ClaimedValue, CLAIMED))
    return Disputed((_str(field), claims(v)) for field, v in _dict(value).items())


MEETING: dict[str, Decode] = {
    "level": _str,
    "meeting": _str,
    "date": _partial_date,
    "attended_by": _optional(_str),
}
STATE: dict[str, Decode] = {
    "date": _optional(_day),
    "release": _optional(_str),
    "partner": _str,
    "designation": _designation,
    "programme": _optional(_record(Programme, PROGRAMME)),
    "mission_to_nato": _bool,
    "operations": _tuple(_record(Operation, OPERATION)),
    "cooperation_areas": _tuple(_str),
    "dialogue_since": _optional(_partial_date),
    "trust_fund_usd": _float,
    "arms_deals": _int,
    "uncertain": _tuple(_str),
    "uncertain_fields": _tuple(_str),
    "disputed": _disputed,
    "disputed_fields": _tuple(_str),
}
"""The decoder of each field of :class:`State` held whole (``basis`` is nested)."""
STATE_GROWN: dict[str, Decode] = {
    "summits": _record(Summit, SUMMIT),
    "ministerials": _record(Meeting, MEETING),
}
"""The decoder of each item of the :class:`State` fields that are growing sequences."""
BASIS_GROWN: dict[str, Decode] = {field.name: _str for field in attrs.fields(Basis)}
"""Every field of :class:`Basis` is a growing sequence of event ids."""


def _changed(
    before: Any,
    changes: Mapping[str, Any],
    whole: Mapping[str, Decode],
    grown: Mapping[str, Decode],
) -> dict[str, Any]:
    """The decoded values of ``changes`` (see the module docs), growing ``before``'s lists."""
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key.endswith("+"):
            name = key[:-1]
            item = grown[name]
            sequence: Sequence[Any] = getattr(before, name)
            for v in _list(value):
                sequence = grow(sequence, item(v))
            out[name] = sequence
        elif key in grown:
            out[key] = Grown(map(grown[key], _list(value)))
        else:
            out[key] = whole[key](value)
    return out


def _state(before: State, changes: Any) -> State:
    changes = dict(_dict(changes))
    basis = changes.pop("basis", None)
    values = _changed(before, changes, STATE, STATE_GROWN)
    if basis is not None:
        grown = _changed(before.basis, _dict(basis), {}, BASIS_GROWN)
        values["basis"] = attrs.evolve(before.basis, **grown)
    return attrs.evolve(before, **values)


def decode_timeline(value: Any) -> Timeline:
    """The :class:`~steelbond.Timeline` of a JSON form made by :func:`encode_timeline`."""
    document = _dict(value)
    states = []
    state = State()
    for changes in _list(document["states"]):
        state = _state(state, changes)
        states.append(state)
    starts = tuple(map(_day, _list(document["starts"])))
    if len(starts) != len(states) or not states:
        raise ValueError(f"{len(starts)} interval starts for {len(states)} states")
    return Timeline(
        starts=starts,
        states=tuple(states),
        coverage_start=_day(document["coverage_start"]),
        coverage_end=_day(document["coverage_end"]),
        release=_optional(_str)(document["release"]),
    )


def read_timeline(path: Path, log_file: Path, release: str | None) -> Timeline | None:
    """The timeline as of ``release`` (``None``: the whole log) stored in ``path``, or
    ``None`` when it cannot be trusted to be ``log_file``'s: the file is missing or
    malformed, was built from other data (its recorded log name or SHA-256 differ), or
    lacks that release. The caller then replays the log."""
    try:
        document = _dict(json.loads(path.read_bytes()))
        if document.get("format") != FORMAT or document.get("log") != log_file.name:
            return None
        if hashlib.sha256(log_file.read_bytes()).hexdigest() != document.get("sha256"):
            return None
        name = document.get("latest") if release is None else release
        timelines = _dict(document["timelines"])
        if name not in timelines:
            return None
        return decode_timeline(timelines[name])
    except (OSError, ValueError, KeyError, TypeError):
        return None
