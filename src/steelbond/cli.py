"""The ``steelbond`` command: a thin layer over the same functions the Python API offers.

Bad input (a bad date, an unknown kind, bad SQL) prints one line on stderr and exits with
code 2; ``steelbond verify`` exits 1 when the data does not verify.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from .errors import SteelbondError

__all__ = ["main"]

EXAMPLES = {
    "state": "steelbond state 2015-06-30\n"
    "  steelbond state 2015-06-30 --release 0.1.0 --format json",
    "events": "steelbond events --kind summit_attended\n"
    "  steelbond events --since 2022-01-01 --until 2022-12-31 --search Poland --format csv",
    "timeline": "steelbond timeline --format csv > timeline.csv",
    "conflicts": "steelbond conflicts",
    "facts": "steelbond facts --format csv > facts.csv",
    "disputes": "steelbond disputes --release 0.3.0",
    "sources": "steelbond sources --format json",
    "sql": 'steelbond sql "SELECT year, count(*) FROM effective_events GROUP BY year"\n'
    "  echo 'SELECT * FROM summits' | steelbond sql --format csv",
    "verify": "steelbond verify",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"steelbond: error: {' '.join(message.split())} (see --help)\n")


def _render(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    def cell(v: Any) -> Any:
        if isinstance(v, list | tuple):
            return "; ".join(str(x) for x in v)
        return "" if v is None else v

    if fmt == "json":
        names = _unique(columns)
        return json.dumps(
            [dict(zip(names, r, strict=True)) for r in rows],
            ensure_ascii=False,
            indent=1,
            default=str,
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[cell(v) for v in r] for r in rows])
        return out.getvalue().rstrip("\n")
    text = [[str(cell(v)) for v in r] for r in rows]
    widths = [min(60, max([len(c), *(len(r[i]) for r in text)])) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            (v if len(v) <= w else v[: w - 1] + "…").ljust(w)
            for v, w in zip(values, widths, strict=True)
        ).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *map(line, text)])


def _unique(columns: Sequence[str]) -> list[str]:
    """Column names made unique for JSON keys (``a``, ``a`` -> ``a``, ``a_2``)."""
    seen: dict[str, int] = {}
    out = []
    for name in columns:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def _table(table: Any, fmt: str) -> str:
    # Column by column, not via to_pylist()'s dicts, which merge repeated column names.
    try:
        rows = list(zip(*(column.to_pylist() for column in table.columns), strict=True))
    except OverflowError as exc:  # DuckDB's DATE 'infinity' has no Python date
        raise SteelbondError(
            f"a value cannot be shown ({exc}); CAST it to VARCHAR in the query"
        ) from None
    return _render(table.column_names, rows, fmt)


def _state(args: argparse.Namespace) -> str:
    from .api import states_at
    from .dates import to_day

    day = to_day(args.date)
    if args.format == "text":
        from .api import state_at

        return str(state_at(day, as_of_release=args.release))
    return _table(states_at([day], as_of_release=args.release), args.format)


def _events(args: argparse.Namespace) -> str:
    from .api import events

    chosen = events(
        args.kind or None,
        since=args.since,
        until=args.until,
        include_context=not args.no_context,
        as_of_release=args.release,
    )
    needle = (args.search or "").casefold()
    rows = [
        (
            e.id,
            e.date.text,
            type(e).kind,
            e.summary,
            sorted({c.source for c in e.citations}),
            e.same_as,
        )
        for e in chosen
        if not needle
        or needle in e.summary.casefold()
        or any(needle in (c.quote + (c.english or "")).casefold() for c in e.citations)
    ]
    return _render(("id", "date", "kind", "summary", "sources", "same_as"), rows, args.format)


def _timeline(args: argparse.Namespace) -> str:
    from .api import timeline

    return _table(timeline(as_of_release=args.release), args.format)


def _conflicts(args: argparse.Namespace) -> str:
    from .views import connect

    return _table(
        connect(as_of_release=args.release).sql("FROM conflicts").to_arrow_table(), args.format
    )


def _facts(args: argparse.Namespace) -> str:
    from .views import connect

    query = """SELECT fact_id, kind, date_text, year, report_count, reports, standing, dispute
               FROM facts ORDER BY first_seq"""
    return _table(connect(as_of_release=args.release).sql(query).to_arrow_table(), args.format)


def _disputes(args: argparse.Namespace) -> str:
    from .views import connect

    query = "SELECT dispute_id, claim, carried, facts, sources FROM disputes"
    return _table(connect(as_of_release=args.release).sql(query).to_arrow_table(), args.format)


def _sources(args: argparse.Namespace) -> str:
    from .views import connect

    query = "SELECT id, kind, date, language, title_english, license FROM sources"
    return _table(connect().sql(query).to_arrow_table(), args.format)


def _run_sql(query: str, args: argparse.Namespace) -> str:
    import duckdb

    from .views import connect

    try:
        result = connect(as_of_release=args.release).sql(query)
        if result is None:
            return ""
        return _table(result.to_arrow_table(), args.format)
    except (duckdb.Error, OverflowError) as exc:
        raise SteelbondError(f"SQL error: {' '.join(str(exc).split())}") from None


def _sql(args: argparse.Namespace) -> str:
    if args.query:
        return _run_sql(args.query, args)
    if not sys.stdin.isatty():
        return _run_sql(sys.stdin.read(), args)
    while True:  # an interactive prompt: one query per line, an empty line or EOF ends it
        try:
            query = input("steelbond> ")
        except EOFError:
            return ""
        if not query.strip():
            return ""
        try:
            print(_run_sql(query, args))
        except SteelbondError as exc:
            print(f"steelbond: error: {exc}", file=sys.stderr)


def _verify(args: argparse.Namespace) -> str:
    from .bundled import bundled_log, bundled_path, data_version
    from .errors import IntegrityError

    path = bundled_path()
    expected_file = path.with_name(path.name + ".sha256")
    digest = data_version().sha256
    problems = []
    if not expected_file.is_file():
        problems.append(f"no checksum file {expected_file.name} beside {path}")
    elif expected_file.read_text("ascii").split()[0] != digest:
        problems.append(f"{path} does not match its checksum {expected_file.name}")
    from .storage import read_log

    stored = read_log(path)
    for log in (stored, bundled_log()):  # the Parquet file and its JSON-lines mirror
        try:
            log.verify()
        except IntegrityError as exc:
            problems.append(str(exc))
    if stored != bundled_log():
        problems.append(
            f"{path.with_suffix('.jsonl').name} does not hold the events of {path.name}"
        )
    from .bundled import TIMELINE_FILE, bundled_timeline
    from .replay import replay

    for release in (None, *bundled_log().release_names()):
        # State queries believe the shipped timelines (when built from this log): hold
        # them to a replay here. A stale file is not believed, so it is no problem.
        shipped = bundled_timeline(release)
        if shipped is not None and shipped != replay(bundled_log(), release):
            problems.append(
                f"{TIMELINE_FILE} does not hold the replayed timeline of "
                f"{'the whole log' if release is None else 'release ' + release}"
            )
    if problems:
        for p in problems:
            print(f"steelbond: verify failed: {p}", file=sys.stderr)
        sys.exit(1)
    return f"ok: {len(bundled_log())} events, hash chain verified, sha256 {digest}"


COMMANDS = {
    "state": (_state, "South Korea's standing with NATO on one day"),
    "events": (_events, "the typed events, filtered"),
    "timeline": (_timeline, "the state as intervals [valid_from, valid_to)"),
    "conflicts": (_conflicts, "disagreements between sources, one row per side"),
    "facts": (_facts, "list the facts: reports that agree, counted once"),
    "disputes": (_disputes, "list the disputes: competing claims and the one the state carries"),
    "sources": (_sources, "the documents the data cites"),
    "sql": (_sql, "SQL over the DuckDB views (a query, standard input, or a prompt)"),
    "verify": (_verify, "check the hash chain and the data file's checksum"),
}


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="steelbond",
        description="The sourced record of the South Korea–NATO relationship.",
        epilog="examples:\n  " + "\n  ".join(e.split("\n")[0] for e in EXAMPLES.values()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (_, help_text) in COMMANDS.items():
        p = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=f"examples:\n  {EXAMPLES[name]}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if name != "verify":
            p.add_argument("--release", help="answer as this data release did (e.g. 0.1.0)")
        tabular = ["table", "json", "csv"]
        if name == "state":
            p.add_argument("date", help="an ISO date, YYYY-MM-DD")
            p.add_argument("--format", choices=["text", *tabular], default="text")
        elif name != "verify":
            p.add_argument("--format", choices=tabular, default="table")
        if name == "events":
            p.add_argument("--kind", action="append", help="an event kind; repeat for several")
            p.add_argument("--since", help="first day, YYYY-MM-DD (inclusive)")
            p.add_argument("--until", help="last day, YYYY-MM-DD (inclusive)")
            p.add_argument("--search", help="text to find in summaries and quotes")
            p.add_argument("--no-context", action="store_true", help="leave out context events")
        if name == "sql":
            p.add_argument("query", nargs="?", help="the SQL; omit to read standard input")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        output = COMMANDS[args.command][0](args)
    except SteelbondError as exc:
        print(f"steelbond: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    if output:
        print(output)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
