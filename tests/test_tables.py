"""Arrow tables of states: many dates at once, refused when outside coverage."""

from __future__ import annotations

import pytest

import steelbond
from steelbond import SteelbondError

from .helpers import (
    reliability,
)


@reliability
@pytest.mark.parametrize("days", [2**32 + 16616, 2**31 - 1], ids=["wraps", "overflows"])
def test_numpy_days_far_outside_coverage_are_refused(days):
    import numpy as np

    asked = np.array([days], dtype="datetime64[D]")
    with pytest.raises(SteelbondError):
        table = steelbond.states_at(asked)
        # 2**32 + 16616 days wraps to 16616, 2015-06-30: an answer for the wrong date
        assert table.column("date").to_pylist() == []
