"""What each release answers, field by field, as text: the record the changed-answers table
is computed from (run from the repo root).

    python tools/answers.py OUT.json      # the answers of every release under this code's rules

Each release maps each state field (and ``<field> uncertain``, ``<field> disputed``) to the
runs of days with one value: ``[[first_day, last_day, value], ...]``. ``docs/_data/`` keeps
the answers steelbond 0.2.0's rules gave (``answers-rules-0.2.json``), made with this
script by the 0.2.0 code, so that ``tools/changed_answers.py`` can list every answer the
rules of a later version changed.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from steelbond.ledger import read_ledger
from steelbond.replay import replay
from steelbond.state import FIELDS, State, field_text


def _texts(state: State) -> dict[str, str]:
    out = {field: field_text(state, field) for field in FIELDS}
    # the summits by name and date, not only their number (field_text's comparison)
    out["summits"] = "; ".join(f"{m.name} {m.date}" for m in state.summits) or "none"
    uncertain = set(state.uncertain_fields)
    disputed = set(getattr(state, "disputed_fields", ()))
    for field in FIELDS:
        out[f"{field} uncertain"] = "yes" if field in uncertain else "no"
        out[f"{field} disputed"] = "yes" if field in disputed else "no"
    return out


def answers() -> dict[str, Any]:
    """Every release's answers as runs of days per field."""
    log = read_ledger()
    result: dict[str, Any] = {}
    for release in log.release_names():
        timeline = replay(log, release)
        ends = [*timeline.starts[1:], timeline.coverage_end + dt.timedelta(days=1)]
        runs: dict[str, list[list[str]]] = {}
        for start, end, state in zip(timeline.starts, ends, timeline.states, strict=True):
            last = (end - dt.timedelta(days=1)).isoformat()
            for field, text in _texts(state).items():
                field_runs = runs.setdefault(field, [])
                if field_runs and field_runs[-1][2] == text:
                    field_runs[-1][1] = last
                else:
                    field_runs.append([start.isoformat(), last, text])
        result[release] = runs
    return result


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(
        json.dumps(answers(), indent=1, ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8",
    )
