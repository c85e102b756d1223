"""Resetting what steelbond remembers between calls.

Answers are cached because logs are immutable: a log's replayed timeline and its facts,
and the bundled log and timelines read from disk, never go stale on their own.
:func:`clear_caches` forgets them all, for long sessions that read many logs and for tests
that swap the installed data.
"""

from __future__ import annotations

__all__ = ["clear_caches"]


def clear_caches() -> None:
    """Forget every cached answer; the next question reads and replays afresh.

    >>> import steelbond
    >>> steelbond.clear_caches()
    >>> steelbond.state_at("2015-06-30").mission_to_nato
    False
    """
    from . import api, bundled

    api.forget()
    bundled.bundled_log.cache_clear()
    bundled.bundled_timeline.cache_clear()
