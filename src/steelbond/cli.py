"""The ``steelbond`` command: a thin layer over the same functions the Python API offers.

Bad input (a bad date, an unknown kind, bad SQL) prints one line on stderr and exits with
code 2; ``steelbond verify`` exits 1 when the data does not verify. Ctrl-C stops any command
at once (a running query included), prints one line and exits with 130; a closed pipe
(``steelbond events | head -1``) ends the output quietly, exit code 141.

Output is exact. A value is printed as Python holds it only where Python holds it exactly
(integers up to 64 bits, doubles, text, booleans, and lists of them); any other value a query
returns (times, timestamps, dates, decimals, 128-bit integers, intervals, ...) is printed in
DuckDB's own text form, so ``TIME '24:00:00'`` prints ``24:00:00``, not ``00:00:00``. In
``--format json``, NaN and the infinities, which JSON has no number for, are ``null``, and
128-bit integers are JSON numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import math
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from .errors import ArgumentError, SteelbondError, clip

if TYPE_CHECKING:
    import duckdb

__all__ = ["main", "parser"]

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
    "panel": "steelbond panel --from 2002 --to 2026 --by year --at end --format csv\n"
    "  steelbond panel --from 2022-01 --to 2023-12 --by month --format dta --output p.dta",
    "export": "steelbond export steelbond-data\n  steelbond export out --formats csv parquet",
    "cite": "steelbond cite --format bibtex > steelbond.bib",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse quotes the bad argument whole: cut it, as every error message is
        self.exit(2, f"steelbond: error: {clip(' '.join(message.split()), 300)} (see --help)\n")


def _finite(value: Any) -> Any:
    """``value`` with every NaN and infinity made ``None``: JSON has no number for them
    (``json.dumps`` would print ``NaN``, which no JSON parser reads), and null is what a
    missing number is."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value


def _render(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    def cell(v: Any) -> Any:
        if isinstance(v, list | tuple):
            return "; ".join(str(x) for x in v)
        return "" if v is None else v

    if fmt == "json":
        names = _unique(columns)
        return json.dumps(
            [dict(zip(names, _finite(list(r)), strict=True)) for r in rows],
            ensure_ascii=False,
            indent=1,
            default=str,
            allow_nan=False,
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
    """An Arrow table the library made (its values are all Python's exactly)."""
    # Column by column, not via to_pylist()'s dicts, which merge repeated column names.
    rows = list(zip(*(column.to_pylist() for column in table.columns), strict=True))
    return _render(table.column_names, rows, fmt)


_EXACT = {
    "boolean",
    "tinyint",
    "smallint",
    "integer",
    "bigint",
    "utinyint",
    "usmallint",
    "uinteger",
    "ubigint",
    "double",
    "varchar",
}
"""DuckDB types whose values Python holds exactly: shown as Python shows them."""
_FROM_TEXT: dict[str, Callable[[str], Any]] = {"hugeint": int, "uhugeint": int, "float": float}
"""Numbers that travel as DuckDB's text and become Python numbers: 128-bit integers (Arrow
gives them as 38-digit decimals, which the largest overflow: the largest UHUGEINT became
-1) and 32-bit floats (Python would show 0.1 as 0.10000000149011612)."""


def _exact(tp: Any) -> bool:
    if tp.id in ("list", "array"):
        return _exact(tp.child)
    if tp.id == "struct":
        return all(_exact(child) for _, child in tp.children)
    return tp.id in _EXACT


def _relation(relation: duckdb.DuckDBPyRelation, fmt: str) -> str:
    """A query's result, each value exact: as Python holds it where it holds it exactly, in
    DuckDB's own text form otherwise (see the module docs)."""
    columns, numbers = [], {}
    for i, (name, tp) in enumerate(zip(relation.columns, relation.types, strict=True), 1):
        alias = '"' + name.replace('"', '""') + '"'
        if _exact(tp):
            columns.append(f"#{i} AS {alias}")
        else:
            columns.append(f"CAST(#{i} AS VARCHAR) AS {alias}")
            if tp.id in _FROM_TEXT:
                numbers[i - 1] = _FROM_TEXT[tp.id]
    table = relation.project(", ".join(columns)).to_arrow_table()
    values = [column.to_pylist() for column in table.columns]
    for i, number in numbers.items():
        values[i] = [None if v is None else number(v) for v in values[i]]
    return _render(list(relation.columns), list(zip(*values, strict=True)), fmt)


def _state(args: argparse.Namespace) -> str:
    from .api import states_at
    from .dates import to_day

    day = to_day(args.date)
    if args.format == "text":
        from .api import state_at

        return str(state_at(day, partner=args.partner, as_of_release=args.release))
    return _table(states_at([day], partner=args.partner, as_of_release=args.release), args.format)


def _events(args: argparse.Namespace) -> str:
    from .api import events

    chosen = events(
        args.kind or None,
        since=args.since,
        until=args.until,
        include_context=not args.no_context,
        search=args.search,
        partner=args.partner,
        as_of_release=args.release,
    )
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
    ]
    return _render(("id", "date", "kind", "summary", "sources", "same_as"), rows, args.format)


def _timeline(args: argparse.Namespace) -> str:
    from .api import timeline

    return _table(timeline(partner=args.partner, as_of_release=args.release), args.format)


def _conflicts(args: argparse.Namespace) -> str:
    from .views import connect

    return _relation(
        connect(partner=args.partner, as_of_release=args.release).sql("FROM conflicts"), args.format
    )


def _facts(args: argparse.Namespace) -> str:
    from .views import connect

    query = """SELECT fact_id, kind, date_text, year, report_count, reports, standing, dispute
               FROM facts ORDER BY first_seq"""
    return _table(
        connect(partner=args.partner, as_of_release=args.release).sql(query).to_arrow_table(),
        args.format,
    )


def _disputes(args: argparse.Namespace) -> str:
    from .views import connect

    query = "SELECT dispute_id, claim, carried, facts, sources FROM disputes"
    return _table(
        connect(partner=args.partner, as_of_release=args.release).sql(query).to_arrow_table(),
        args.format,
    )


def _panel(args: argparse.Namespace) -> str:
    from .panels import panel

    made = panel(
        _year_or_date(args.start),
        _year_or_date(args.end),
        by=args.by,
        at=args.at,
        partner=args.partner,
        as_of_release=args.release,
    )
    if args.format in ("parquet", "dta"):
        if not args.output:
            raise ArgumentError(
                f"--format {args.format} writes a file: give --output FILE", args.format
            )
        from .exports import write_table

        write_table(made.to_arrow(), args.output, args.format, name="panel")
        return f"wrote {args.output} ({len(made)} rows, {made.table.num_columns} columns)"
    text = _table(made.to_arrow(), args.format)
    if args.output:
        from pathlib import Path

        Path(args.output).write_text(text + "\n", encoding="utf-8")
        return f"wrote {args.output} ({len(made)} rows)"
    return text


def _year_or_date(text: str) -> int | str:
    """A panel bound as typed: ``2002`` is a year, anything else a date text."""
    return int(text) if text.isdigit() and len(text) == 4 else text


def _export(args: argparse.Namespace) -> str:
    from .exports import export

    done = export(args.directory, formats=args.formats, as_of_release=args.release)
    return "\n".join(str(f) for f in done.files)


def _cite(args: argparse.Namespace) -> str:
    from .cite import cite

    return cite(args.format)


def _sources(args: argparse.Namespace) -> str:
    from .views import connect

    query = "SELECT id, kind, date, language, title_english, license FROM sources"
    return _relation(connect().sql(query), args.format)


_RUNNING: list[duckdb.DuckDBPyConnection] = []
"""The connections of the command running, for Ctrl-C to interrupt (see :func:`main`)."""
_STOP = threading.Event()
"""Set by Ctrl-C: a query about to start is not started."""
_LOCK = threading.Lock()


def _run_sql(query: str, args: argparse.Namespace) -> str:
    import duckdb

    from .errors import QueryError
    from .views import connect

    con = connect(partner=args.partner, as_of_release=args.release)
    with _LOCK:
        if _STOP.is_set():
            con.close()
            raise KeyboardInterrupt
        _RUNNING.append(con)
    try:
        result = con.sql(query)
        if result is None:
            return ""
        return _relation(result, args.format)
    except duckdb.InterruptException:
        raise KeyboardInterrupt from None
    except duckdb.Error as exc:
        raise QueryError(f"SQL error: {' '.join(str(exc).split())}") from exc
    finally:
        with _LOCK:
            _RUNNING.remove(con)
        con.close()  # now, in this thread: an interrupted connection left to the
        # interpreter's shutdown makes DuckDB abort the process


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
    from .verification import verify

    outcome = verify()
    if not outcome.ok:
        for p in outcome.problems:
            print(f"steelbond: verify failed: {p}", file=sys.stderr)
        sys.exit(1)
    return str(outcome)


COMMANDS = {
    "state": (_state, "South Korea's standing with NATO on one day"),
    "events": (_events, "the typed events, filtered"),
    "timeline": (_timeline, "the state as intervals [valid_from, valid_to)"),
    "conflicts": (_conflicts, "disagreements between sources, one row per side"),
    "facts": (_facts, "list the facts: reports that agree, counted once"),
    "disputes": (_disputes, "list the disputes: competing claims and the one the state carries"),
    "sources": (_sources, "the documents the data cites"),
    "panel": (_panel, "a country-period panel (year, quarter, month, week or day)"),
    "export": (_export, "write the release as flat tables, a codebook and a data package"),
    "cite": (_cite, "how to cite steelbond, its data release and its sources"),
    "sql": (_sql, "SQL over the DuckDB views (a query, standard input, or a prompt)"),
    "verify": (_verify, "check the hash chain and the data file's checksum"),
}


def parser() -> argparse.ArgumentParser:
    """The command line's parser, one subcommand per :data:`COMMANDS` entry (the docs
    print its help texts)."""
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
        if name not in ("verify", "cite"):
            p.add_argument(
                "--as-of-release",
                "--release",
                dest="release",
                help="answer as this data release did (e.g. 0.1.0)",
            )
        if name in ("state", "events", "timeline", "conflicts", "facts", "disputes", "sql"):
            p.add_argument(
                "--partner",
                default="KOR",
                help="the partner's ISO3 code: KOR (the default), JPN, AUS or NZL",
            )
        tabular = ["table", "json", "csv"]
        if name == "panel":
            p.add_argument("--from", dest="start", required=True, help="first year or date")
            p.add_argument("--to", dest="end", required=True, help="last year or date")
            p.add_argument(
                "--by", choices=["year", "quarter", "month", "week", "day"], default="year"
            )
            p.add_argument("--at", choices=["end", "start", "mid", "any", "all"], default="end")
            p.add_argument("--partner", action="append", help="an ISO3 code; repeat for several")
            p.add_argument("--format", choices=[*tabular, "parquet", "dta"], default="table")
            p.add_argument("--output", help="write to this file (required for parquet and dta)")
        elif name == "export":
            p.add_argument("directory", help="the folder to write into (made if missing)")
            p.add_argument(
                "--formats",
                nargs="+",
                choices=["csv", "parquet", "dta"],
                default=["csv", "parquet"],
                help="default: csv parquet",
            )
        elif name == "cite":
            p.add_argument("--format", choices=["text", "bibtex"], default="text")
        elif name == "state":
            p.add_argument("date", help="an ISO date, YYYY-MM-DD")
            p.add_argument("--format", choices=["text", *tabular], default="text")
        elif name not in ("verify",):
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


def _in_thread(run: Callable[[], str]) -> str:
    """``run()`` in a worker thread, the main thread waiting for it.

    Python runs a signal handler only in the main thread, between bytecodes; a query holds
    the worker inside DuckDB, so Ctrl-C would wait for the query to end. Here the main
    thread, only waiting, takes the KeyboardInterrupt at once and interrupts the running
    queries (``DuckDBPyConnection.interrupt``); the worker is a daemon, so it cannot keep
    the process alive.
    """
    outcome: list[Any] = []
    done = threading.Event()  # waited on, not Thread.join: a KeyboardInterrupt inside
    # join can leave the thread marked as ended while it still runs (Python 3.11)

    def work() -> None:
        try:
            outcome.append((True, run()))
        except BaseException as exc:  # re-raised in the main thread below
            outcome.append((False, exc))
        finally:
            done.set()

    _STOP.clear()
    worker = threading.Thread(target=work, name="steelbond-command", daemon=True)
    worker.start()
    try:
        while not done.wait(0.05):
            pass
    except KeyboardInterrupt:
        with _LOCK:
            _STOP.set()
            for con in _RUNNING:
                con.interrupt()
        # An interrupted query ends within milliseconds; the worker must be out of DuckDB
        # before the interpreter shuts down, which would kill it mid-query (and abort).
        if not done.wait(5):  # pragma: no cover - stuck outside any query
            print("steelbond: interrupted", file=sys.stderr, flush=True)
            os._exit(130)
        raise
    ok, value = outcome[0]
    if not ok:
        raise value
    return str(value)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 done, 1 ``verify`` failed, 2 bad
    input, 130 interrupted, 141 the output's pipe was closed)."""
    try:
        args = parser().parse_args(argv)
        try:
            output = _in_thread(lambda: COMMANDS[args.command][0](args))
        except SteelbondError as exc:
            print(f"steelbond: error: {' '.join(str(exc).split())}", file=sys.stderr)
            return 2
        if output:
            print(output)
            sys.stdout.flush()
    except KeyboardInterrupt:
        print("steelbond: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (head -1): stop writing, quietly. Python would report the
        # failed flush at exit, so stdout is pointed at /dev/null first, as its docs advise.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 141
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
