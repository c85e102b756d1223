"""Grown: the shared-prefix sequence behind replay's growing lists behaves as a tuple."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from steelbond._grown import Grown, grow


@given(st.lists(st.integers()), st.lists(st.integers()))
def test_every_version_stays_what_it_was_as_later_ones_grow(first, more):
    versions = [Grown(first)]
    for item in more:
        versions.append(versions[-1].plus(item))
    for n, version in enumerate(versions):
        expected = tuple(first) + tuple(more[:n])
        assert version == expected and tuple(version) == expected and len(version) == len(expected)
        assert hash(version) == hash(expected)


@given(st.lists(st.integers(), min_size=1), st.integers(), st.integers())
def test_growing_an_older_version_branches_without_touching_the_newer(items, a, b):
    old = Grown(items)
    newer = old.plus(a)
    branch = old.plus(b)
    assert newer == (*items, a) and branch == (*items, b)


@given(st.lists(st.integers(), min_size=1), st.data())
def test_indexing_and_slicing_match_the_tuple(items, data):
    g, t = Grown(items).plus(0), (*items, 0)
    i = data.draw(st.integers(-len(t), len(t) - 1))
    assert g[i] == t[i]
    assert g[1:-1] == t[1:-1] and g[::2] == t[::2]


def test_grow_shares_a_grown_prefix_and_copies_any_other_sequence_once():
    base = Grown([1, 2])
    longer = grow(base, 3)
    assert longer == (1, 2, 3) and base == (1, 2)
    assert grow(longer, 4)._items is base._items  # the newest view grows in place
    from_tuple = grow((1, 2), 3)
    assert isinstance(from_tuple, Grown) and from_tuple == (1, 2, 3)
