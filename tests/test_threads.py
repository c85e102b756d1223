"""Many threads, one log: the answers a single thread gets, whatever the interleaving.

The states of a timeline fill their ``uncertain`` lists lazily from one record of the
sweep (``steelbond._pending``), and share growing lists (``steelbond._grown``); both are
guarded. The test reads states of a fresh log from many threads at once, the interpreter
switching threads as often as it can, against the answers read serially. Without the lock
on the sweep, 2 of 10 such trials raised a KeyError or gave another ``uncertain``.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

import steelbond
from steelbond import EventLog, testing
from steelbond.dates import parse_date
from steelbond.kinds import SummitAttended


def _events() -> list[SummitAttended]:
    """Summits dated to a year, a month or a span of years: many pending at once."""
    rng = random.Random(1)
    out = []
    for i in range(3000):
        year = rng.randrange(2000, 2025)
        text = rng.choice([f"{year}", f"{year}/{year + 3}", f"{year}-06"])
        out.append(
            SummitAttended(
                id=f"s{i}",
                date=parse_date(text),
                summary="x",
                citations=(testing.sample_citation(),),
                summit=f"S{i}",
                host="X",
            )
        )
    return out


def _fresh(events: list[SummitAttended]) -> EventLog:
    anchor = testing.sample_event("anchor", "2000-01-01")
    release = testing.sample_release("x", "2030-12-31")
    return EventLog(releases=(release,)).append(anchor, *events, release="x")


def _answer(log: EventLog, day: dt.date) -> tuple:
    state = steelbond.state_at(day, log=log)
    return (tuple(state.uncertain), state.uncertain_fields, len(state.summits))


@pytest.fixture
def switching():
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_many_threads_on_one_fresh_log_answer_as_one_thread_does(switching):
    events = _events()
    rng = random.Random(2)
    days = [dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(11000)) for _ in range(400)]
    serial = _fresh(events)
    want = [_answer(serial, d) for d in days]
    for _ in range(10):
        ask = functools.partial(_answer, _fresh(events))  # nothing replayed or filled yet
        with ThreadPoolExecutor(max_workers=8) as pool:
            assert list(pool.map(ask, days)) == want
