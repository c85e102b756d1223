"""The command line, driven as a real subprocess, against the Python API."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import steelbond

from .helpers import (
    reliability,
)

README = Path(__file__).resolve().parents[1] / "README.md"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "steelbond.cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def test_state_prints_the_readable_state_with_event_ids():
    out = run("state", "2015-06-30")
    assert out.returncode == 0
    assert out.stdout.strip() == str(steelbond.state_at("2015-06-30"))


def test_state_as_json_matches_states_at():
    out = run("state", "2024-01-01", "--format", "json")
    (row,) = json.loads(out.stdout)
    expected = steelbond.states_at(["2024-01-01"]).to_pylist()[0]
    assert row["designation"] == expected["designation"]
    assert row["summit_count"] == expected["summit_count"]


def test_events_filters_like_the_api():
    out = run("events", "--kind", "summit_attended", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["id"] for r in rows] == list(steelbond.events("summit_attended").ids())


def test_events_search_narrows_to_the_events_whose_summary_or_quotes_match():
    needle = "locked shields"  # any case: the search folds it
    everything = steelbond.events()
    log = steelbond.bundled_log()

    def matches(e, where):
        texts = (
            [e.summary]
            if where == "summary"
            else [c.quote + "\n" + (c.english or "") for c in log.citations_of(e)]
        )
        return any(needle in t.casefold() for t in texts)

    by_summary = {e.id for e in everything if matches(e, "summary")}
    by_quote = {e.id for e in everything if matches(e, "quotes")} - by_summary
    assert by_summary and by_quote  # found by its summary, and by a quote alone
    out = run("events", "--search", needle, "--format", "json")
    assert out.returncode == 0, out.stderr
    found = [e["id"] for e in json.loads(out.stdout)]
    assert found == [e.id for e in everything if e.id in by_summary | by_quote]  # log order
    assert len(found) < len(everything) // 10  # the others are left out
    unsearched = run("events", "--format", "json")
    assert len(json.loads(unsearched.stdout)) == len(everything)


def test_sql_reads_a_query_from_standard_input():
    out = run("sql", "--format", "csv", stdin="SELECT count(*) AS n FROM summits")
    assert out.stdout.splitlines() == ["n", "4"]


def test_verify_passes_on_the_bundled_data():
    out = run("verify")
    assert out.returncode == 0 and out.stdout.startswith("ok:")


@pytest.mark.parametrize(
    "args",
    [
        ("state", "2015-02-30"),
        ("state", "1800-01-01"),
        ("state", "yesterday"),
        ("events", "--kind", "coup"),
        ("events", "--since", "12/09/2012"),
        ("sql", "SELEC 1"),
        ("sql", "COPY (SELECT 1) TO '/tmp/x.csv'"),
        ("state", "2015-06-30", "--release", "9.9"),
        ("frobnicate",),
        ("state",),
        (),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_code_2(args):
    out = run(*args)
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1
    assert out.stderr.startswith("steelbond: error:")
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    "command", ["state", "events", "timeline", "conflicts", "sources", "sql", "verify"]
)
def test_every_command_has_help_with_examples(command):
    out = run(command, "--help")
    assert out.returncode == 0 and "examples:" in out.stdout


def _readme_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text("utf-8"), re.S)


def test_the_readme_sql_example_runs_as_written():
    (block,) = [b for b in _readme_blocks("python") if "steelbond.sql(" in b]
    namespace: dict[str, object] = {}
    exec(block.replace("print(rows)", "pass"), namespace)
    # the output the README shows is the output the data gives
    (shown,) = re.findall(r"print\(rows\)\s+# (.*)", block)
    assert repr(namespace["rows"]) == shown.strip()


def test_the_readme_cli_example_runs_as_written(tmp_path):
    """Each line as a shell runs it (redirections included), in a folder of its own."""
    (block,) = [b for b in _readme_blocks("sh") if b.startswith("steelbond ")]
    command = f"{shlex.quote(sys.executable)} -m steelbond.cli"
    for line in block.strip().splitlines():
        before = set(tmp_path.rglob("*"))
        out = subprocess.run(
            line.replace("steelbond", command, 1),
            shell=True,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr
        made = [p for p in set(tmp_path.rglob("*")) - before if p.is_file()]
        assert out.stdout.strip() or (made and all(p.stat().st_size for p in made)), line


def _cli(*argv: str) -> tuple[int, str, str]:
    """The command line in-process (``steelbond.cli.main``): exit code, output, errors."""
    from steelbond.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


@reliability
@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("table", "a  a\n-  -\n1  2\n"),
        ("json", '[\n {\n  "a": 1,\n  "a_2": 2\n }\n]\n'),
        ("csv", "a,a\n1,2\n"),
    ],
)
def test_sql_with_repeated_column_names_keeps_every_column(fmt, expected):
    """JSON objects cannot repeat a key: the second ``a`` is ``a_2`` there, not lost."""
    code, out, err = _cli("sql", "SELECT 1 AS a, 2 AS a", "--format", fmt)
    assert (code, out, err) == (0, expected, "")


@reliability
@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("table", ["d         e          f", "infinity  -infinity  2015-06-30"]),
        ("json", ['  "d": "infinity",', '  "e": "-infinity",', '  "f": "2015-06-30"']),
        ("csv", ["d,e,f", "infinity,-infinity,2015-06-30"]),
    ],
)
def test_sql_prints_dates_python_cannot_hold_as_duckdb_writes_them(fmt, expected):
    """DuckDB's infinite dates have no ``datetime.date``: they print as DuckDB's text."""
    query = "SELECT DATE 'infinity' AS d, DATE '-infinity' AS e, DATE '2015-06-30' AS f"
    code, out, err = _cli("sql", query, "--format", fmt)
    assert (code, err) == (0, "")
    assert all(line in out.splitlines() for line in expected), out


@reliability
def test_a_command_line_error_is_one_line_even_with_newlines_in_the_input():
    code, _, err = _cli("events", "--bogus", "a\nb")
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("steelbond: error:")
