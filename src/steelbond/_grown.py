"""An immutable sequence that grows in O(1) by sharing its prefix with older versions.

Replay's state only ever appends to some of its lists (summits attended, the ids behind a
field). Copying a tuple at every step would make a replay of n events cost n² work and
memory; a :class:`Grown` instead views the first ``n`` items of a list that only grows, so
every state of the timeline shares one list. Appending from the newest view appends in
place; appending from an older view (rare: a branch) copies its prefix first. No view ever
sees an item beyond its length, so each one is as immutable as a tuple.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")

__all__ = ["Grown", "grow"]

_LOCK = threading.Lock()


class Grown(Sequence[T], Generic[T]):
    """The first ``n`` items of a shared, append-only list; compares equal to the tuple."""

    __slots__ = ("_items", "_n")

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._items: list[T] = list(items)
        self._n = len(self._items)

    @classmethod
    def _view(cls, items: list[T], n: int) -> Grown[T]:
        view = cls.__new__(cls)
        view._items, view._n = items, n
        return view

    def plus(self, item: T) -> Grown[T]:
        """A new sequence: this one with ``item`` at the end (this one is unchanged).

        The check that this view is the newest and the append are one step under a lock:
        two threads growing one view must not both append to the shared list.
        """
        with _LOCK:
            if self._n == len(self._items):
                self._items.append(item)
                return self._view(self._items, self._n + 1)
        return self._view([*self._items[: self._n], item], self._n + 1)

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if isinstance(index, slice):
            return tuple(self._items[: self._n][index])
        if not -self._n <= index < self._n:
            raise IndexError("index out of range")
        return self._items[index % self._n]

    def __iter__(self) -> Iterator[T]:
        items = self._items
        return (items[i] for i in range(self._n))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Grown):
            if other._items is self._items:
                return other._n == self._n
            return other._n == self._n and self._items[: self._n] == other._items[: other._n]
        if isinstance(other, tuple):
            return tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __reduce__(self) -> Any:  # copies and deep copies behave like the tuple
        return (Grown, (tuple(self),))


def grow(items: Sequence[T], item: T) -> Grown[T]:
    """``items`` with ``item`` at the end: in O(1) when ``items`` is a :class:`Grown` (see
    :meth:`Grown.plus`), copying ``items`` once when it is any other sequence (a tuple), so
    that a state built by hand folds like one built by replay."""
    return (items if isinstance(items, Grown) else Grown(items)).plus(item)
