"""Pending: the views of the reports pending at each step behave as their tuples."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from steelbond._pending import Sweep


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=40),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_every_view_stays_the_set_pending_at_its_step(steps, read_early, rng):
    """At each step some reports start and some pending ones stop; each step's view must
    list exactly the reports pending then, in the order they started, whenever it is read
    (right away, or only after later steps have stopped some of its reports) and in
    whatever order the views are read."""
    sweep = Sweep()
    pending: list[str] = []
    expected = []
    views = []
    counter = 0
    for starts, stops in steps:
        for _ in range(starts):
            sweep.start(f"r{counter}")
            pending.append(f"r{counter}")
            counter += 1
        for event_id in pending[:stops]:  # the oldest ones stop
            sweep.stop(event_id)
        pending = pending[stops:]
        view = sweep.view()
        if read_early:
            assert tuple(view) == tuple(pending)
        views.append(view)
        expected.append(tuple(pending))
    pairs = list(zip(views, expected, strict=True))
    rng.shuffle(pairs)  # read in any order: each view is filled from the ones before it
    for view, want in pairs:
        assert view == want and tuple(view) == want and len(view) == len(want)
        assert hash(view) == hash(want) and view[:2] == want[:2]
