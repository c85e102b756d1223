"""The state classes hold the types they declare, whichever road made them: a replay, the
shipped timelines, or a hand-built state folded by replay."""

from __future__ import annotations

import collections.abc
import datetime as dt
import pickle
import types
import typing

import attrs
import pytest

import steelbond
from steelbond import Basis, Designation, State, testing
from steelbond.bundled import bundled_log, bundled_timeline
from steelbond.dates import parse_date
from steelbond.kinds import MinisterialMeeting, SummitAttended
from steelbond.replay import apply, replay


def _holds(value: object, tp: typing.Any) -> bool:
    """Whether ``value`` is of the declared type ``tp``, items and fields included."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        return any(_holds(value, a) for a in args)
    if tp is type(None):
        return value is None
    if origin is tuple:
        return isinstance(value, tuple) and all(_holds(v, args[0]) for v in value)
    if origin is collections.abc.Sequence:
        return isinstance(value, collections.abc.Sequence) and all(
            _holds(v, args[0]) for v in value
        )
    if origin is collections.abc.Mapping:
        return isinstance(value, collections.abc.Mapping) and all(
            _holds(k, args[0]) and _holds(v, args[1]) for k, v in value.items()
        )
    if attrs.has(tp):
        hints = typing.get_type_hints(tp)
        return isinstance(value, tp) and all(
            _holds(getattr(value, f.name), hints[f.name]) for f in attrs.fields(tp)
        )
    if tp in (int, float, bool, str):
        return type(value) is tp
    return isinstance(value, tp)


def _states():
    yield "State()", State()
    for release in (None, *bundled_log().release_names()):
        for road, timeline in (
            ("replayed", replay(bundled_log(), release)),
            ("shipped", bundled_timeline(release)),
        ):
            assert timeline is not None
            for i in range(0, len(timeline.states), 7):
                yield f"{road} {release} #{i}", timeline.states[i]


def test_every_state_holds_the_types_its_fields_declare():
    wrong = [name for name, state in _states() if not _holds(state, State)]
    assert wrong == []


def test_the_check_of_declared_types_can_fail():
    assert not _holds(attrs.evolve(State(), arms_deals=1.0), State)
    assert not _holds(attrs.evolve(State(), summits=("not a summit",)), State)
    assert not _holds(Basis(summits=(1,)), Basis)


def _summit(event_id: str, day: str) -> SummitAttended:
    citations = (testing.sample_citation(),)
    return SummitAttended(
        id=event_id,
        date=parse_date(day),
        summary="s",
        citations=citations,
        summit=event_id,
        host="BEL",
    )


def test_the_fold_takes_a_state_built_by_hand_with_tuples():
    first = _summit("first", "2022-06-29")
    by_hand = State(summits=(), ministerials=(), basis=Basis(summits=()))
    assert apply(by_hand, first) == apply(State(), first)
    meeting = MinisterialMeeting(
        id="m",
        date=parse_date("2023-04-04"),
        summary="s",
        citations=(testing.sample_citation(),),
        level="foreign",
        meeting="FMM",
    )
    summit = steelbond.Summit(name="first", date=first.date, host="BEL")
    earlier = attrs.evolve(summit, name="x")
    grown = apply(apply(State(summits=(earlier,)), first), meeting)
    assert [s.name for s in grown.summits] == ["x", "first"]
    assert grown.summits[1] == summit and len(grown.ministerials) == 1
    assert Basis(summits=("a",)).add("summits", "b").summits == ("a", "b")


def test_growing_fields_compare_hash_and_pickle_as_their_tuples():
    state = replay(bundled_log()).states[-1]
    for name in ("summits", "ministerials", "uncertain"):
        value = getattr(state, name)
        assert value == tuple(value) and tuple(value) == value
        assert hash(value) == hash(tuple(value))
        assert pickle.loads(pickle.dumps(value)) == tuple(value)
    assert pickle.loads(pickle.dumps(state)) == state
    assert state == bundled_timeline().states[-1]


def test_a_state_equals_the_same_state_built_by_hand():
    day = dt.date(2015, 6, 30)
    state = steelbond.state_at(day)
    by_hand = attrs.evolve(
        state,
        summits=tuple(state.summits),
        ministerials=tuple(state.ministerials),
        uncertain=tuple(state.uncertain),
        basis=Basis(**{f.name: tuple(getattr(state.basis, f.name)) for f in attrs.fields(Basis)}),
    )
    assert by_hand == state and hash(by_hand) == hash(state)
    assert state.designation is Designation.PARTNER_ACROSS_THE_GLOBE


@pytest.mark.parametrize("field", [f.name for f in attrs.fields(Basis)])
def test_every_basis_field_grows_from_a_tuple(field):
    assert Basis().add(field, "a").add(field, "b").only(field, "c").add(field, "d") == Basis(
        **{field: ("c", "d")}
    )
