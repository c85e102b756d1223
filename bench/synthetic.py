"""Seeded synthetic logs for the benchmarks, built from steelbond's real event kinds.

The mix of kinds and of date precisions follows the bundled data (release 0.1.0, 257
events; see ``KIND_WEIGHTS`` and ``PRECISION_WEIGHTS``), and so do the shapes that matter
to replay and storage: about 13% of events report a fact already in the log (``same_as``,
agreeing with it as the ledger check requires: same fact fields, same date),
about 6% are ``Conflict`` records naming two or three earlier events, a few corrections
(``supersedes``) and retractions, one or two citations per event with a ~100-character
quote and usually an English rendering, and ~120-character summaries.

Two ways to stamp the events (``seq``, ``prev_hash``, ``hash``):

``method="append"`` (the default)
    ``steelbond.EventLog().append(*events, release=...)``: the library's own path, in one
    call. That is fast enough for a million events (about a minute here, linear in the
    number of events). Appending them one call at a time would not be: each call copies
    the log and rebuilds its id set, so a million single appends are quadratic.
``method="fast"``
    The same stamping done here: ``attrs.evolve`` once per event with ``seq``,
    ``prev_hash`` and ``release`` set, the hash from ``steelbond.log.chain_hash`` (the very
    function ``append`` uses), then ``steelbond.EventLog.from_events``. It skips
    ``append``'s second ``attrs.evolve`` per event and its reference checks (the generator
    only makes valid references); it is only about 10% faster, so the benchmarks use
    ``append``. The result is identical: ``python bench/synthetic.py --check`` compares
    both on 2,000 events and runs ``verify()`` and ``replay()``.

Drawing the events themselves (parsing partial dates, building the attrs objects) takes
about 40% of the time; stamping (``chain_hash`` over each event's canonical JSON) the rest.

Usage::

    python bench/synthetic.py 100000 --seed 1        # build one, print its mix and timings
    python bench/synthetic.py --check                # fast path == append path

From Python::

    from synthetic import generate
    log = generate(1_000_000, seed=0)
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import attrs

import steelbond
from steelbond.dates import PartialDate, parse_date
from steelbond.kinds import (
    ArmsDeal,
    Citation,
    Conflict,
    Context,
    Contribution,
    Cooperation,
    Designation,
    DesignationChange,
    Event,
    Incident,
    MinisterialMeeting,
    MissionOpened,
    NatoMilestone,
    OperationJoined,
    OperationLeft,
    ProgrammeRevised,
    ProgrammeSigned,
    Release,
    Retraction,
    Source,
    Statement,
    SummitAttended,
    TradeStatistic,
    Visit,
)
from steelbond.log import GENESIS, EventLog, chain_hash

__all__ = ["KIND_WEIGHTS", "PRECISION_WEIGHTS", "RELEASE", "generate", "generate_events"]

# Counts of each kind in the bundled data, release 0.1.0 (257 events). ``retraction`` does
# not occur there yet; it gets a small weight so that replay's supersede/retract path runs.
KIND_WEIGHTS: dict[str, float] = {
    "context": 100,
    "statement": 32,
    "arms_deal": 23,
    "cooperation": 21,
    "conflict": 16,
    "nato_milestone": 12,
    "trade_statistic": 11,
    "summit_attended": 6,
    "operation_joined": 5,
    "programme_signed": 5,
    "designation": 4,
    "contribution": 4,
    "visit": 4,
    "programme_revised": 4,
    "mission_opened": 3,
    "ministerial_meeting": 3,
    "operation_left": 2,
    "incident": 2,
    "retraction": 0.5,
}

# Date precisions in the bundled data: range 113, year 82, month 40, day 17, season 5.
# Of the ranges, about a third are open at the start ("../2023-01-30"), most of the rest
# closed ("2022/2026", "2023-07-11/2023-07-12"); open ends and undated facts are rare.
PRECISION_WEIGHTS: dict[str, float] = {
    "day": 17,
    "month": 40,
    "season": 5,
    "year": 82,
    "range_closed": 72,
    "range_open_start": 38,
    "range_open_end": 2,
    "unknown": 1,
}

SAME_AS_SHARE = 34 / 257  # events reporting a fact already in the log
SUPERSEDES_SHARE = 0.003  # corrections

COVERAGE_END = "2026-01-31"
RELEASE = Release(name="synthetic-1", date="2026-11-28", coverage_end=COVERAGE_END)
SOURCE = Source(
    id="synthetic",
    kind="analysis",
    author="steelbond benchmarks",
    title="Synthetic source",
    title_english="Synthetic source",
    publisher="",
    date="2026",
    language="en",
    license="CC BY 4.0",
)

_WORDS = (  # noqa: SIM905 - 47 words read better as one string
    "south korea nato partnership alliance summit ministers cooperation dialogue defence "
    "cyber exercise interoperability security indo pacific global partner programme trust "
    "fund contribution arms contract delivery tanks howitzers jets poland norway estonia "
    "mission brussels seoul madrid vilnius washington the of and with in for on by to a"
).split()
_OPERATIONS = ("ISAF", "KFOR", "Ocean Shield", "Resolute Support", "Sea Guardian", "NMI")
_SUMMITS = ("Riga", "Bucharest", "Lisbon", "Chicago", "Wales", "Madrid", "Vilnius", "Washington")
_AREAS = (
    "political_dialogue",
    "other",
    "cyber_defence",
    "information_sharing",
    "exercise",
    "interoperability",
    "science_for_peace",
    "defence_industry",
)
_MEMBERS = ("POL", "NOR", "EST", "FIN", "TUR", "ROU", "GBR", "USA", "CAN", "DEU", "NLD")
_ITEMS = ("K2 tanks", "K9 howitzers", "FA-50 jets", "Chunmoo launchers", "weapons (unspecified)")
_STAGES = ("talks", "framework", "contract", "delivery")
_PROGRAMMES = ("IPCP", "ITPP")
_FUNDS = ("Afghan National Army (ANA) Trust Fund", "CAP Trust Fund", "Ukraine CAP")
_TOPICS = ("korean_peninsula", "ukraine_war", "indo_pacific", "nato_enlargement", "other")


class _Maker:
    """Draws events; one instance per generated log, all randomness from one seeded RNG."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        kinds = list(KIND_WEIGHTS)
        self.kind_cum = list(itertools.accumulate(KIND_WEIGHTS[k] for k in kinds))
        self.kinds = kinds
        precs = list(PRECISION_WEIGHTS)
        self.prec_cum = list(itertools.accumulate(PRECISION_WEIGHTS[p] for p in precs))
        self.precs = precs
        self.dates: dict[str, PartialDate] = {}  # one object per distinct date text
        self.ids: list[str] = []
        self.kind_of: list[str] = []
        self.recent_by_kind: dict[str, list[str]] = {}
        self.recent: dict[str, Event] = {}
        self.dropped: set[str] = set()

    # -- small draws -------------------------------------------------------------------
    def pick(self, options: tuple[str, ...]) -> str:
        return options[int(self.rng.random() * len(options))]

    def words(self, n: int) -> str:
        r = self.rng.random
        w = _WORDS
        return " ".join(w[int(r() * len(w))] for _ in range(n))

    def year(self) -> int:
        # Most of the record is 2002-2025; the background reaches back to 1945.
        r = self.rng.random()
        if r < 0.85:
            return 2002 + int(self.rng.random() * 24)
        return 1945 + int(self.rng.random() * 57)

    def point(self, precision: str) -> str:
        y = self.year()
        m = 1 + int(self.rng.random() * 12)
        if precision == "year":
            return f"{y}"
        if precision == "month":
            return f"{y}-{m:02d}"
        if precision == "season":
            return f"{y}-{self.pick(('spring', 'summer', 'autumn'))}"
        return f"{y}-{m:02d}-{1 + int(self.rng.random() * 28):02d}"

    def date(self) -> PartialDate:
        p = self.precs[bisect.bisect(self.prec_cum, self.rng.random() * self.prec_cum[-1])]
        if p in ("day", "month", "season", "year"):
            text = self.point(p)
        elif p == "range_open_start":
            text = "../" + self.point(self.pick(("year", "month", "day")))
        elif p == "range_open_end":
            text = self.point("year") + "/.."
        elif p == "unknown":
            text = "../.."
        else:  # closed range: a few days, a few months, or several years
            start = self.point(self.pick(("year", "month", "day")))
            y0 = int(start[:4])
            span = self.rng.random()
            if span < 0.3 and len(start) == 10:
                d0 = dt.date.fromisoformat(start)
                end = (d0 + dt.timedelta(days=1 + int(self.rng.random() * 3))).isoformat()
            elif span < 0.5:
                end = f"{y0 + int(self.rng.random() * 2)}-{1 + int(self.rng.random() * 12):02d}"
            else:
                end = f"{min(y0 + 1 + int(self.rng.random() * 8), 2026)}"
            if parse_date(end).latest < parse_date(start).earliest:  # type: ignore[operator]
                end = f"{y0 + 1}"
            text = f"{start}/{end}"
        cached = self.dates.get(text)
        if cached is None:
            cached = self.dates[text] = parse_date(text)
        return cached

    def citations(self) -> tuple[Citation, ...]:
        n = 1 if self.rng.random() < 0.7 else 2
        out = []
        for _ in range(n):
            out.append(
                Citation(
                    source=SOURCE.id,
                    locator=f"section {self.words(3)}, paragraph {1 + int(self.rng.random() * 9)}",
                    quote=self.words(15),
                    english=self.words(16) if self.rng.random() < 0.82 else None,
                )
            )
        return tuple(out)

    def earlier(self, window: int = 2000) -> str:
        n = len(self.ids)
        return self.ids[n - 1 - int(self.rng.random() * min(n, window))]

    # -- one event ---------------------------------------------------------------------
    def event(self, index: int) -> Event:
        r = self.rng.random
        kind = self.kinds[bisect.bisect(self.kind_cum, r() * self.kind_cum[-1])]
        if kind in ("conflict", "retraction") and len(self.ids) < 3:
            kind = "context"
        eid = f"syn-{index:07d}-{kind}"
        env: dict[str, Any] = {
            "id": eid,
            "date": self.date(),
            "summary": self.words(17),
            "citations": self.citations(),
        }
        if self.ids and kind not in ("conflict", "retraction"):
            recent = self.recent_by_kind.get(kind)
            if recent and r() < SAME_AS_SHARE:
                env["same_as"] = recent[int(r() * len(recent))]
            elif r() < SUPERSEDES_SHARE:
                env["supersedes"] = (self.earlier(),)
        event = self._typed(kind, env)
        if "same_as" in env:
            # A further report of a fact agrees with it, as the ledger check requires: the
            # same fact fields, and here the same date (another wording, other citations).
            first = self.recent[env["same_as"]]
            agreed = {f: getattr(first, f) for f in type(first).fact_fields}
            event = attrs.evolve(event, date=first.date, **agreed)
        self.ids.append(eid)
        recent = self.recent_by_kind.setdefault(kind, [])
        recent.append(eid)
        self.recent[eid] = event
        if len(recent) > 50:
            del self.recent[recent.pop(0)]
        return event

    def _typed(self, kind: str, env: dict[str, Any]) -> Event:
        pick, words, r = self.pick, self.words, self.rng.random
        if kind == "context":
            return Context(**env, topic=pick(_TOPICS))
        if kind == "statement":
            return Statement(**env, speaker=words(2), organisation=words(2), topic=words(6))
        if kind == "arms_deal":
            return ArmsDeal(
                **env,
                buyer=pick(_MEMBERS),
                seller="KOR",
                item=pick(_ITEMS),
                stage=pick(_STAGES),
                quantity=int(r() * 500) or None,
                value_usd=round(r() * 1e10, 2) if r() < 0.5 else None,
            )
        if kind == "cooperation":
            return Cooperation(**env, area=pick(_AREAS), activity=words(5))
        if kind == "conflict":
            n = 2 if r() < 0.8 else 3
            sides = tuple(dict.fromkeys(self.earlier() for _ in range(n)))
            return Conflict(**env, events=sides, note=words(12))
        if kind == "nato_milestone":
            return NatoMilestone(**env, milestone=words(4), topic=pick(_TOPICS))
        if kind == "trade_statistic":
            return TradeStatistic(**env, measure=words(3), value=round(r() * 100, 1), period="2020")
        if kind == "summit_attended":
            return SummitAttended(**env, summit=pick(_SUMMITS), host=pick(_MEMBERS), level="head")
        if kind == "operation_joined":
            return OperationJoined(
                **env, operation=pick(_OPERATIONS), role=words(3), personnel=int(r() * 400)
            )
        if kind == "operation_left":
            return OperationLeft(**env, operation=pick(_OPERATIONS))
        if kind == "programme_signed":
            return ProgrammeSigned(**env, programme=pick(_PROGRAMMES), areas=(pick(_AREAS),))
        if kind == "programme_revised":
            return ProgrammeRevised(**env, programme=pick(_PROGRAMMES))
        if kind == "designation":
            designation = list(Designation)[1 + int(r() * 4)]
            return DesignationChange(**env, designation=designation)
        if kind == "contribution":
            return Contribution(**env, fund=pick(_FUNDS), amount_usd=round(r() * 1e7, 2))
        if kind == "visit":
            return Visit(**env, visitor=words(2), place=pick(_SUMMITS))
        if kind == "mission_opened":
            return MissionOpened(**env, mission="Mission of Korea to NATO", city="Brussels")
        if kind == "ministerial_meeting":
            return MinisterialMeeting(**env, level="foreign", meeting=words(3))
        if kind == "incident":
            return Incident(**env, description=words(8), operation=pick(_OPERATIONS), deaths=1)
        if kind == "retraction":
            target = self.earlier()
            return Retraction(**env, retracts=target, reason=words(8))
        raise AssertionError(kind)  # pragma: no cover


def generate_events(n: int, seed: int = 0) -> Iterator[Event]:
    """``n`` unstamped events (no seq or hashes), the same for the same seed."""
    maker = _Maker(seed)
    for index in range(n):
        yield maker.event(index)


def generate(n: int, seed: int = 0, *, method: str = "append") -> EventLog:
    """A stamped, hash-chained log of ``n`` synthetic events with one release and source."""
    events = generate_events(n, seed)
    base = EventLog(sources=(SOURCE,), releases=(RELEASE,))
    if method == "append":
        return base.append(*events, release=RELEASE.name)
    if method != "fast":
        raise ValueError(f"method must be 'fast' or 'append', not {method!r}")
    out: list[Event] = []
    prev = GENESIS
    name = RELEASE.name
    evolve = attrs.evolve
    for seq, event in enumerate(events):
        stamped = evolve(event, seq=seq, prev_hash=prev, hash=None, release=name)
        prev = chain_hash(prev, stamped)
        object.__setattr__(stamped, "hash", prev)  # a fresh object nobody else holds yet
        out.append(stamped)
    return EventLog.from_events(out, base.sources, base.releases)


def _check() -> None:
    fast = generate(2000, seed=7, method="fast")
    slow = generate(2000, seed=7, method="append")
    assert list(fast) == list(slow), "fast path differs from EventLog.append"
    assert fast.head == slow.head
    fast.verify()
    steelbond.replay.replay(fast)
    print("ok: fast path == EventLog.append on 2,000 events; verify() and replay() pass")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--method", choices=("fast", "append"), default="append")
    parser.add_argument("--check", action="store_true", help="compare fast path and append")
    args = parser.parse_args(argv)
    if args.check:
        _check()
        return 0
    t = time.perf_counter()
    log = generate(args.n, args.seed, method=args.method)
    took = time.perf_counter() - t
    print(f"{len(log):,} events in {took:.2f} s ({len(log) / took:,.0f} events/s, {args.method})")
    kinds = Counter(type(e).kind for e in log)
    precs = Counter(e.date.precision.value for e in log)
    print("kinds:", ", ".join(f"{k} {v / len(log):.1%}" for k, v in kinds.most_common()))
    print("precisions:", ", ".join(f"{k} {v / len(log):.1%}" for k, v in precs.most_common()))
    same = sum(1 for e in log if e.same_as)
    print(f"same_as {same / len(log):.1%}, head {log.head[:12]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
