"""A picture of the relationship: swimlanes over the years (needs the ``plot`` extra).

``steelbond.plot.timeline().savefig("steelbond.png")`` draws the figure shown in the
documentation's chronology.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

from .errors import ArgumentError
from .frames import require

__all__ = ["marks", "timeline"]

_LANES = ("designation", "programme", "mission to NATO", "operations", "summits", "arms deals")


def marks(kind: str, *, partner: str = "KOR", as_of_release: str | None = None) -> list[_dt.date]:
    """The days the plot marks for ``kind`` (``summit_attended``, ``arms_deal``): the last
    possible day of each standing fact's date, the day replay counts it from (so the marks
    and the state agree). Facts never certain (an open end) are not marked."""
    from .api import facts

    return sorted(
        f.date.latest
        for f in facts(partner=partner, as_of_release=as_of_release).standing()
        if f.kind == kind and f.date.latest is not None
    )


def timeline(
    *,
    as_of_release: str | None = None,
    start: str = "2000-01-01",
    ax: Any = None,
    partners: Sequence[str] | None = None,
) -> Any:
    """Draw the state as swimlanes: designation, programme, mission, operations (bars over
    the intervals they held), summits and arms deals (marks on the day each became certain).

    Returns the matplotlib ``Figure``. ``start`` trims the years before it (the log's
    context reaches back to 1945). ``partners`` (ISO3 codes) draws each partner's lanes,
    one panel above another on one time axis, for comparing them; the default is South
    Korea alone (on ``ax``, when given).
    """
    require("matplotlib", "plot")
    import matplotlib.pyplot as plt

    from .dates import to_day

    first = to_day(start)
    chosen = ["KOR"] if partners is None else list(partners)
    if not chosen:
        raise ArgumentError("partners is empty: name at least one, such as ['KOR']", chosen)
    if ax is not None and len(chosen) == 1:
        _draw(ax, chosen[0], as_of_release, first)
        return ax.figure
    fig, axes = plt.subplots(
        len(chosen), 1, figsize=(11, 3.6 * len(chosen)), sharex=True, squeeze=False
    )
    for row, code in zip(axes[:, 0], chosen, strict=True):
        _draw(row, code, as_of_release, first)
    fig.tight_layout()
    return fig


def _draw(ax: Any, partner: str, as_of_release: str | None, first: _dt.date) -> None:
    """One partner's swimlanes on ``ax``."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from .api import timeline as timeline_table
    from .countries import COUNTRIES

    rows = timeline_table(partner=partner, as_of_release=as_of_release).to_pylist()
    lane = {name: len(_LANES) - 1 - i for i, name in enumerate(_LANES)}
    palette = plt.get_cmap("tab10")
    colours: dict[str, Any] = {}

    spans: dict[str, list[list[Any]]] = {name: [] for name in _LANES}

    def extend(lane_name: str, label: str | None, begin: _dt.date, end: _dt.date) -> None:
        if label is None:
            return
        runs = spans[lane_name]
        for run in runs:
            if run[0] == label and run[2] == begin:
                run[2] = end
                return
        runs.append([label, begin, end])

    for r in rows:
        lo, hi = r["valid_from"], r["valid_to"]
        designation = r["designation"]
        extend(
            "designation", designation.replace("_", " ") if designation != "none" else None, lo, hi
        )
        extend("programme", r["programme"], lo, hi)
        extend("mission to NATO", "mission" if r["mission_to_nato"] else None, lo, hi)
        for op in r["operations"]:
            extend("operations", op, lo, hi)
    for lane_name, runs in spans.items():
        y = lane[lane_name]
        for label, begin, end in runs:
            if end <= first:
                continue
            begin = max(begin, first)
            colour = colours.setdefault(label, palette(len(colours) % 10))
            x = mdates.date2num(begin)
            ax.broken_barh([(x, (end - begin).days)], (y - 0.35, 0.7), color=colour)
            ax.text(x + 40, y, label, va="center", fontsize=8, color="white", zorder=5)
    for kind, lane_name, marker in (
        ("summit_attended", "summits", "D"),
        ("arms_deal", "arms deals", "o"),
    ):
        days = [d for d in marks(kind, partner=partner, as_of_release=as_of_release) if d >= first]
        ax.plot(
            days,
            [lane[lane_name]] * len(days),
            marker,
            color="black",
            ms=5,
            ls="none",
            label=lane_name,
        )
    ax.set_yticks(range(len(_LANES)), list(reversed(_LANES)))
    ax.xaxis.set_major_locator(mdates.YearLocator(2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    end = rows[-1]["valid_to"]
    ax.set_xlim(mdates.date2num(first), mdates.date2num(end))
    name = COUNTRIES[partner].name if partner in COUNTRIES else partner
    ax.set_title(f"{name} and NATO: the relationship as replayed from the log")
    ax.grid(axis="x", alpha=0.3)
