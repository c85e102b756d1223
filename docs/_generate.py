"""Generate the codebook and the chronology pages from steelbond's code and bundled data."""

from __future__ import annotations

import typing
from pathlib import Path

import attrs

import steelbond
from steelbond.kinds import Event
from steelbond.replay import State


def _rst(text: str) -> str:
    """Source text as reStructuredText shows it literally: the characters that would start
    markup (emphasis, literals, substitutions, references) escaped."""
    for ch in ("\\", "*", "`", "|", "_"):
        text = text.replace(ch, "\\" + ch)
    return text


def _width(text: str) -> int:
    """Columns the text takes, as docutils counts them for a title's underline (wide and
    full-width characters, as in Korean, take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _type_name(tp: object) -> str:
    text = (
        str(tp)
        .replace("typing.", "")
        .replace("steelbond.dates.", "")
        .replace("steelbond.kinds.", "")
    )
    text = text.replace("datetime.date", "date").replace("<class '", "").replace("'>", "")
    return text


def _doc(cls: type) -> str:
    return " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split())


def _table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> list[str]:
    out = [".. list-table::", "   :header-rows: 1", ""]
    for row in (header, *rows):
        out.append(f"   * - {row[0]}")
        out.extend(f"     - {cell}" for cell in row[1:])
    return [*out, ""]


def codebook() -> str:
    lines = [
        "Codebook",
        "========",
        "",
        "Generated from the code at build time: every event kind with its fields and types, "
        "and every field of the state.",
        "",
        "The envelope (every kind)",
        "-------------------------",
        "",
    ]
    hints = typing.get_type_hints(Event)
    envelope = [(f"``{a.name}``", f"``{_type_name(hints[a.name])}``") for a in attrs.fields(Event)]
    lines += _table(envelope, ("field", "type"))
    for kind, cls in sorted(steelbond.kinds.KINDS.items()):
        title = f"``{kind}`` ({cls.__name__})"
        lines += [title, "-" * len(title), "", _doc(cls), ""]
        if cls.changes_state:
            lines += [f"Changes the state field ``{cls.changes_state}``.", ""]
        hints = typing.get_type_hints(cls)
        own = [a for a in attrs.fields(cls) if a.name not in attrs.fields_dict(Event)]
        rows = [
            (
                f"``{a.name}``",
                f"``{_type_name(hints[a.name])}``",
                "required" if a.default is attrs.NOTHING else f"default ``{a.default!r}``",
            )
            for a in own
        ]
        lines += _table(rows, ("field", "type", "presence"))
    lines += ["The state", "---------", "", _doc(State), ""]
    hints = typing.get_type_hints(State)
    lines += _table(
        [(f"``{a.name}``", f"``{_type_name(hints[a.name])}``") for a in attrs.fields(State)],
        ("field", "type"),
    )
    lines += [
        "The SQL views",
        "-------------",
        "",
        "Every view of :func:`steelbond.connect` with its columns and their DuckDB types, "
        "read from a live connection at build time (the views' meaning is in "
        ":mod:`steelbond.views`).",
        "",
    ]
    from steelbond.views import VIEWS

    con = steelbond.connect()
    for view in VIEWS:
        rows = con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {view})").fetchall()
        lines += [f"``{view}``", "~" * (len(view) + 4), ""]
        lines += _table([(f"``{n}``", f"``{t}``") for n, t in rows], ("column", "type"))
    return "\n".join(lines)


def bibliography() -> str:
    lines = [
        "Sources",
        "=======",
        "",
        "Every document the data cites, generated from the bundled data. The five documents "
        "of release 0.1.0 are quoted verbatim (each quote is checked against the text); the "
        "public records added in 0.2.0 are cited by address with an English paraphrase.",
        "",
    ]
    rows = [
        (
            f"``{s.id}``",
            s.kind,
            (f"{s.author}. " if s.author else "") + s.title_english,
            s.publisher,
            s.date or "n.d.",
            f"`{s.url} <{s.url}>`__" if s.url else (s.license or ""),
        )
        for s in steelbond.sources()
    ]
    lines += _table(rows, ("id", "kind", "title", "publisher", "date", "address or license"))
    return "\n".join(lines)


def chronology() -> str:
    lines = [
        "Chronology",
        "==========",
        "",
        "Every event of the bundled data, by date, with its partner (ISO3), sources and quotes; "
        "generated at build time from ``data/events.parquet``. The figure is South Korea's; "
        "the four partners side by side are on the comparison page.",
        "",
        ".. figure:: timeline.png",
        "   :alt: The relationship as swimlanes over the years",
        "",
        "   ``steelbond.plot.timeline()``: designation, programme, mission and operations over",
        "   the intervals they held; summits and arms deals on the day each became certain.",
        "",
    ]
    for e in steelbond.events(include_superseded=True, partner=None):
        head = f"{e.date} — {_rst(e.summary)}"
        lines += [
            head,
            "-" * _width(head),
            "",
            f"``{e.id}`` · {e.partner} · kind ``{type(e).kind}`` · release {e.release}",
            "",
        ]
        if e.same_as:
            lines += [f"The same fact as ``{e.same_as}``.", ""]
        for c in steelbond.bundled_log().citations_of(e):
            lines.append(f"- *{c.source}*, {_rst(c.locator)}: “{_rst(c.quote)}”")
            if c.english:
                lines.append(f"  — {_rst(c.english)}")
        lines.append("")
    return "\n".join(lines)


def certainty() -> str:
    """The share of covered days on which each field is certain, and undisputed."""
    import datetime as dt

    from steelbond.state import FIELDS

    table = steelbond.timeline().to_pylist()
    windows = (
        ("all covered days", table[0]["valid_from"]),
        ("from 2002", dt.date(2002, 1, 1)),
    )
    end = table[-1]["valid_to"]
    rows = []
    for field in FIELDS:
        cells = [f"``{field}``"]
        for _, start in windows:
            total = certain = undisputed = 0
            for r in table:
                lo, hi = max(r["valid_from"], start), r["valid_to"]
                days = max((hi - lo).days, 0)
                total += days
                certain += days * (field not in r["uncertain_fields"])
                undisputed += days * (field not in r["disputed_fields"])
            cells += [f"{certain / total:.0%}", f"{undisputed / total:.0%}"]
        rows.append(tuple(cells))
    header = (
        "field",
        "certain (all days)",
        "undisputed (all days)",
        "certain (from 2002)",
        "undisputed (from 2002)",
    )
    first = table[0]["valid_from"]
    last = end - dt.timedelta(days=1)
    lines = [
        "How much of the record is certain",
        "=================================",
        "",
        "Generated from the bundled data at build time. For each field of the state, the share "
        f"of covered days ({first} to {last}, and from 2002 on) on which the field is certain "
        "(no pending fact would change it: ``uncertain_fields`` does not name it) and on which "
        "it is undisputed (``disputed_fields`` does not name it). Filtering a panel on certain "
        "days keeps about these shares of it; see :doc:`../concepts` for the rules.",
        "",
    ]
    lines += _table(rows, header)
    return "\n".join(lines)


def cli_reference() -> str:
    """The command line's own --help texts, so the reference cannot drift from the code."""
    from steelbond.cli import COMMANDS
    from steelbond.cli import parser as make_parser

    parser = make_parser()
    lines = ["Command line", "============", "", "Generated from ``steelbond --help``.", ""]
    lines += [".. code-block:: text", ""]
    lines += ["   " + line for line in parser.format_help().splitlines()]
    subparsers = next(a for a in parser._actions if a.choices and "state" in a.choices)
    for name in COMMANDS:
        lines += [
            "",
            f"``steelbond {name}``",
            "-" * (len(name) + 14),
            "",
            ".. code-block:: text",
            "",
        ]
        lines += ["   " + line for line in subparsers.choices[name].format_help().splitlines()]
    return "\n".join(lines) + "\n"


def module_flow() -> str:
    """The concepts page's picture of the modules and the flow of data, drawn from the
    import graph that ``tools/import_graph.py`` reads from the source (and
    ``tests/test_architecture.py`` holds to the picture's stages)."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "tools" / "import_graph.py"
    spec = importlib.util.spec_from_file_location("import_graph", path)
    assert spec is not None and spec.loader is not None
    import_graph = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(import_graph)
    graph = import_graph.scan()
    problems = import_graph.flow_problems(graph.imports)
    if problems:
        raise RuntimeError("the module picture does not fit the code: " + "; ".join(problems))
    text: str = import_graph.render_flow(graph.imports)
    return text


def corrections() -> str:
    """The data changelog of corrections: every event of each release that corrects
    (``supersedes``), withdraws (``retracts``) or adds quotes to (``adds_to``) an earlier
    one, with what it changes. Released events are never edited; this is how they change."""
    lines = [
        "Corrections, release by release",
        "===============================",
        "",
        "Released events are never edited. A correction is a new event that names the one",
        "it supersedes; a retraction withdraws one; a ``citation_added`` event adds a verbatim",
        "quote to one. This page lists every such event of every release, generated from",
        "the data.",
        "",
    ]
    log = steelbond.bundled_log()
    for release in log.release_names():
        rows = []
        for e in log:
            if e.release != release:
                continue
            targets = [*e.supersedes]
            for name in ("retracts", "adds_to"):
                value = getattr(e, name, None)
                if value:
                    targets.append(value)
            if targets:
                verb = {"retraction": "retracts", "citation_added": "adds quotes to"}.get(
                    type(e).kind, "supersedes"
                )
                changed = ", ".join(f"``{t}``" for t in targets)
                rows.append(f"- ``{e.id}`` {verb} {changed}: {e.summary}")
        if rows:
            title = f"Release {release} ({len(rows)})"
            lines += [title, "-" * len(title), "", *rows, ""]
    return "\n".join(lines) + "\n"


def comparative() -> str:
    """A short comparative chronology of the four Indo-Pacific partners, from the data: who
    was first to each step, and who attended which summit at what level."""
    from steelbond.countries import COUNTRIES

    partners = steelbond.bundled_log().partners()
    name = {p: COUNTRIES[p].name for p in partners}
    lines = [
        "The four Indo-Pacific partners compared",
        "=======================================",
        "",
        "NATO groups South Korea, Japan, Australia and New Zealand as its Indo-Pacific",
        "partners. This page is generated from the data (release "
        f"{steelbond.data_version().release}); every line is a fact of the log, dated as its",
        "sources date it. Each partner's record covers its own sources' window.",
        "",
        ".. figure:: partners.png",
        "   :alt: The four partners as swimlanes, one above another",
        "",
        "   ``steelbond.plot.timeline(partners=['KOR', 'JPN', 'AUS', 'NZL'])``.",
        "",
        "Who took each step first",
        "------------------------",
        "",
    ]
    steps = (
        ("first programme signed", "programme_signed", None),
        ("mission to NATO opened", "mission_opened", None),
        ("named an Indo-Pacific partner", "designation", "indo_pacific_partner"),
    )  # a step's date as its sources give it; the list is ordered by its latest day
    for label, kind, value in steps:
        rows = []
        for p in partners:
            found = [
                f
                for f in steelbond.facts(partner=p).standing()
                if f.kind == kind
                and (value is None or getattr(f.event, "designation", None).value == value)
                and f.date.latest is not None
            ]
            if found:
                first = min(found, key=lambda f: f.date.sort_key())
                rows.append((first.date.sort_key(), f"{name[p]}: {first.date} (``{first.id}``)"))
            else:
                rows.append(((_MAX,), f"{name[p]}: none in the record"))
        lines += [f"**{label[0].upper()}{label[1:]}**", ""]
        lines += [f"#. {text}" for _, text in sorted(rows)]
        lines.append("")
    lines += ["Summits attended, and at what level", "-----------------------------------", ""]
    header = ("summit", *(name[p] for p in partners))
    by_summit: dict[str, dict[str, str]] = {}
    order: dict[str, tuple] = {}
    titles: dict[str, str] = {}
    for p in partners:
        for f in steelbond.facts(partner=p).standing():
            if f.kind != "summit_attended":
                continue
            # one row per summit: its host and year (sources name the city differently)
            year = f.date.latest.year if f.date.latest else 0
            key = f"{f.event.host} {year}"
            titles.setdefault(key, f"{f.event.summit.split(' (')[0]} {year}")
            order[key] = min(order.get(key, f.date.sort_key()), f.date.sort_key())
            who = f.event.attended_by or "attended"
            level = f" ({f.event.level.replace('_', ' ')})" if f.event.level else ""
            by_summit.setdefault(key, {})[p] = f"{who}{level}"
    rows = [
        (titles[key], *(by_summit[key].get(p, "") for p in partners))
        for key in sorted(by_summit, key=lambda k: order[k])
    ]
    lines += _table(rows, header)
    return "\n".join(lines) + "\n"


_MAX = __import__("datetime").date.max


def write_all(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    pages = (
        ("codebook.rst", codebook()),
        ("chronology.rst", chronology()),
        ("cli.rst", cli_reference()),
        ("sources.rst", bibliography()),
        ("certainty.rst", certainty()),
        ("modules.inc", module_flow()),  # included by concepts.rst, not a page of its own
        ("corrections.rst", corrections()),
        ("partners.rst", comparative()),
    )
    import matplotlib

    matplotlib.use("Agg")
    import steelbond.plot

    steelbond.plot.timeline().savefig(folder / "timeline.png", dpi=110)
    partners = list(steelbond.bundled_log().partners())
    steelbond.plot.timeline(partners=partners).savefig(folder / "partners.png", dpi=90)
    for name, text in pages:
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
