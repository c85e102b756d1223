"""The reports pending at one step of replay's sweep, as a view that is filled when read.

Replay lists in every state the reports whose dates straddle it (``State.uncertain``). In
a long log thousands are pending at once, so copying them into a tuple at each of the
timeline's intervals costs intervals x pending, which grows faster than the log (at a
million synthetic events: 17,720 intervals x ~12,000 pending ids). Instead the sweep keeps
one shared record, the reports in the order they became pending and in the order they
stopped, and each state holds a :class:`Pending` view: how far into each list the sweep
was when the state was made. So replay costs O(1) per interval here.

A view is filled (and kept) the first time it is read, from the view made before it
(filled first if need be): that view's reports, plus those started since, minus those
stopped since, kept in a dict that the next view goes on from and copied into a tuple, as
the eager sweep did. Filling every view costs what
the eager tuples cost; filling none costs nothing. A view is as immutable as a tuple: the
record only grows, and a view never looks past the point at which it was made.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, overload

__all__ = ["Filtered", "Pending", "Sweep"]


class Sweep:
    """The shared record: reports in the order they became pending, and in the order they
    stopped being pending."""

    __slots__ = ("filled", "last", "lock", "pending", "started", "stopped")

    def __init__(self) -> None:
        # Views are filled when read, from the shared dict below: one fill at a time, so
        # states read from many threads give the answers a single thread would.
        self.lock = threading.Lock()
        self.started: list[str] = []
        self.stopped: list[str] = []
        self.last: Pending | None = None
        # the view filled last and its reports as a dict, which the next view in line
        # goes on from instead of rebuilding it from the tuple
        self.filled: Pending | None = None
        self.pending: dict[str, None] = {}

    def start(self, event_id: str) -> None:
        """``event_id`` is pending from now on."""
        self.started.append(event_id)

    def stop(self, event_id: str) -> None:
        """``event_id`` (pending) is no longer pending from now on."""
        self.stopped.append(event_id)

    def view(self) -> Pending:
        """The reports pending now."""
        self.last = Pending(self, len(self.started), len(self.stopped), self.last)
        return self.last


class _Ids(Sequence[str]):
    """A lazily filled, immutable sequence of ids that compares and hashes as their tuple."""

    __slots__ = ()

    def _items(self) -> tuple[str, ...]:
        raise NotImplementedError

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
        if isinstance(other, _Ids):
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


class Filtered(_Ids):
    """The reports of those pending facts that ``keep`` accepts: replay's
    ``State.uncertain``, filtered from a :class:`Pending` of fact ids when first read (so
    an interval costs O(1) at replay time, as the pending view does). ``keep`` must be a
    pure function of the fact id, so that the view is as immutable as a tuple."""

    __slots__ = ("_filled", "_keep", "_pending", "_reports")

    def __init__(
        self,
        pending: Pending,
        keep: Callable[[str], bool],
        reports: Mapping[str, tuple[str, ...]],
    ) -> None:
        self._pending, self._keep, self._reports = pending, keep, reports
        self._filled: tuple[str, ...] | None = None

    def _items(self) -> tuple[str, ...]:
        if self._filled is None:
            keep, reports = self._keep, self._reports
            self._filled = tuple(r for f in self._pending if keep(f) for r in reports[f])
        return self._filled


class Pending(_Ids):
    """The ids pending at one point of a sweep; compares and hashes as the tuple of them."""

    __slots__ = ("_filled", "_prev", "_started", "_stopped", "_sweep")

    def __init__(self, sweep: Sweep, started: int, stopped: int, prev: Pending | None) -> None:
        self._sweep, self._started, self._stopped = sweep, started, stopped
        self._prev = prev  # the view made before this one, until this one is filled
        self._filled: tuple[str, ...] | None = None

    def _items(self) -> tuple[str, ...]:
        if self._filled is not None:
            return self._filled
        with self._sweep.lock:
            return self._fill()

    def _fill(self) -> tuple[str, ...]:
        if self._filled is not None:  # filled by another thread while this one waited
            return self._filled
        unfilled = []  # this view and the unfilled ones before it, newest first
        view: Pending | None = self
        while view is not None and view._filled is None:
            unfilled.append(view)
            view = view._prev
        sweep = self._sweep
        if view is not None and view is sweep.filled:
            pending = sweep.pending
        else:
            pending = dict.fromkeys(view._filled or ()) if view else {}
        started, stopped = (view._started, view._stopped) if view else (0, 0)
        for view in reversed(unfilled):
            pending.update(dict.fromkeys(sweep.started[started : view._started]))
            for event_id in sweep.stopped[stopped : view._stopped]:
                del pending[event_id]
            view._filled, view._prev = tuple(pending), None
            started, stopped = view._started, view._stopped
        sweep.filled, sweep.pending = self, pending
        return self._filled or ()
