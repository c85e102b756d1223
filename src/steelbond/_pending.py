"""The reports pending at one step of replay's sweep, as a view that is filled when read.

Replay lists in every state the reports whose dates straddle it (``State.uncertain``). In
a long log thousands are pending at once, so copying them into a tuple at each of the
timeline's intervals costs intervals x pending, which grows faster than the log (at a
million synthetic events: 17,720 intervals x ~12,000 pending ids). Instead the sweep keeps
one shared record, every report in the order it became pending with the step at which it
stopped, and each state holds a :class:`Pending` view: the reports that had started by its
step and had not stopped at it. A view is filled (and kept) the first time it is read, so
replay costs O(1) per interval here and a state's list is built only if someone asks.

A view is as immutable as a tuple: the record only grows, and a report's stop step is set
once, at a later step than any view that contains it was made at.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

__all__ = ["Pending", "Sweep"]

_OPEN = 1 << 62  # the stop step of a report still pending


class Sweep:
    """The shared record: each report's id, in the order it became pending, and its stop."""

    __slots__ = ("ids", "index", "stops")

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.stops: list[int] = []
        self.index: dict[str, int] = {}

    def start(self, event_id: str) -> None:
        """``event_id`` is pending from the current step on."""
        self.index[event_id] = len(self.ids)
        self.ids.append(event_id)
        self.stops.append(_OPEN)

    def stop(self, event_id: str, step: int) -> None:
        """``event_id`` is no longer pending from ``step`` on."""
        self.stops[self.index[event_id]] = step

    def view(self, step: int) -> Pending:
        """The reports pending at ``step`` (the current one: every start so far is in it)."""
        return Pending(self, step, len(self.ids))


class Pending(Sequence[str]):
    """The ids pending at one step of a sweep; compares and hashes as the tuple of them."""

    __slots__ = ("_filled", "_started", "_step", "_sweep")

    def __init__(self, sweep: Sweep, step: int, started: int) -> None:
        self._sweep, self._step, self._started = sweep, step, started
        self._filled: tuple[str, ...] | None = None

    def _items(self) -> tuple[str, ...]:
        if self._filled is None:
            sweep, step = self._sweep, self._step
            stops = sweep.stops
            self._filled = tuple(
                event_id for k, event_id in enumerate(sweep.ids[: self._started]) if stops[k] > step
            )
        return self._filled

    def __len__(self) -> int:
        return len(self._items())

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...
    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        return self._items()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Pending):
            return self._items() == other._items()
        if isinstance(other, tuple):
            return self._items() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._items())

    def __repr__(self) -> str:
        return repr(self._items())

    def __reduce__(self) -> Any:  # copies and deep copies behave like the tuple
        return (tuple, (self._items(),))
