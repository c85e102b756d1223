"""Adversarial tests: the library as an outside tester attacks it, one section per bug class.

Each section holds the examples that were found (issue 15, "Reliability II") and a rule
that must hold for all inputs of the class (Hypothesis, where the inputs can be generated).
A new bug found adversarially gets its example here, in the section of its class, or a new
section.

By default a quick subset runs (CI): few Hypothesis examples, inputs of a few hundred
kilobytes. The full run, whose figures ``docs/reliability.rst`` records, is on demand::

    STEELBOND_ADVERSARIAL_FULL=1 python -m pytest tests/test_adversarial.py

It runs 20 times as many Hypothesis examples, 10 MB strings and lists nested 100,000 deep,
and more Ctrl-C timings. Everything runs on real files in ``tmp_path``, real Parquet and a
real DuckDB; nothing is mocked (the bundled data is replaced by a copy in ``tmp_path`` where
a test must try to write it, by pointing ``steelbond.bundled.bundled_path`` at the copy).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import steelbond
from steelbond import EventLog, LogFolder, SteelbondError, testing
from steelbond import bundled as bundled_module
from steelbond.bundled import (
    TIMELINE_FILE,
    bundled_log,
    bundled_path,
    bundled_timeline,
    protected_folders,
)
from steelbond.cli import main as cli_main
from steelbond.errors import (
    MESSAGE_LIMIT,
    QUOTE_LIMIT,
    ArgumentError,
    DateError,
    QueryError,
    StorageError,
    shown,
)
from steelbond.storage import read_log, write_json_lines, write_log

FULL = os.environ.get("STEELBOND_ADVERSARIAL_FULL") == "1"
EXAMPLES = 2000 if FULL else 100
BIG = 10_000_000 if FULL else 300_000
"""Characters of the huge string argument."""
DEEP = 100_000 if FULL else 20_000
"""Depth of the nested list argument."""
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DAY = dt.date(2015, 6, 30)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _deep(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


class _BadRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


def _refused(call: Any) -> SteelbondError:
    """Call ``call()``; it must raise a SteelbondError (returned) whose message and repr
    are bounded."""
    try:
        call()
    except SteelbondError as exc:
        assert len(str(exc)) <= MESSAGE_LIMIT
        assert len(repr(exc)) <= MESSAGE_LIMIT + 100
        return exc
    raise AssertionError("accepted")


def _only_ours(call: Any) -> None:
    """``call()`` may succeed or raise a SteelbondError with a bounded message; any other
    exception is a failure of class 1."""
    try:
        call()
    except SteelbondError as exc:
        assert len(str(exc)) <= MESSAGE_LIMIT, len(str(exc))


# Values no public call expects: of every common type, odd numbers, nested and huge ones.
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.binary(max_size=20),
    st.text(max_size=30),
    st.lists(st.one_of(st.integers(), st.text(max_size=5), st.none()), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
    st.sets(st.integers(), max_size=3),
    st.tuples(st.integers(), st.text(max_size=3)),
    st.just(object()),
    st.just(_BadRepr()),
    st.just(_deep(50)),
    st.just(np.array(5)),
    st.just(np.zeros((2, 2))),
    st.just(np.datetime64("2015-06-30T12:00", "ns")),
    st.just(dt.datetime(2015, 6, 30, 12, 0)),
    st.just(Path("x")),
    st.just(float("nan")),
    st.just(10**5000),
    st.just(pa.array([1, 2])),
)
NOT_STR = ODD.filter(lambda v: not isinstance(v, str | Path))
"""For path arguments: a string or a Path could create a file where the test runs."""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in its own empty working directory, to see any file it creates."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the bundled data folder that steelbond takes for its bundled data."""
    folder = tmp_path / "package" / "data"
    folder.mkdir(parents=True)
    for name in ("events.parquet", "events.parquet.sha256", "events.jsonl", TIMELINE_FILE):
        shutil.copyfile(bundled_path().parent / name, folder / name)
    monkeypatch.setattr(bundled_module, "bundled_path", lambda: folder / "events.parquet")
    bundled_log.cache_clear()
    bundled_timeline.cache_clear()
    yield folder
    bundled_log.cache_clear()
    bundled_timeline.cache_clear()


def _small_log(n: int = 3) -> EventLog:
    return EventLog().append(*(testing.sample_event(f"e{i}") for i in range(n)))


def _prefix_of_bundled() -> EventLog:
    """The bundled log: a valid chain with events of every kind."""
    return bundled_log()


# --- 1. errors that are not the library's own ----------------------------------------------


ISSUE_EXAMPLES = {
    "states_at(None)": lambda: steelbond.states_at(None),
    "states_at(5)": lambda: steelbond.states_at(5),
    "states_at(0-d array)": lambda: steelbond.states_at(np.array("2015-06-30", "M8[D]")),
    "states_at(2-D array)": lambda: steelbond.states_at(np.array([["2015-06-30"]], "M8[D]")),
    "events(kind=123)": lambda: steelbond.events(kind=123),
    "events(kind=['nope', 5])": lambda: steelbond.events(kind=["nope", 5]),
    "state_at(d, log='x')": lambda: steelbond.state_at(DAY, log="x"),
    "state_at(d, as_of_release=[...])": lambda: steelbond.state_at(DAY, as_of_release=["0.1.0"]),
    "PartialDate(precision='year')": lambda: steelbond.PartialDate(
        text="2012", precision="year", earliest=None, latest=None
    ),
    "EventLog().append('x')": lambda: EventLog().append("x"),
    "write_log(None, p)": lambda: write_log(None, Path("p.parquet")),
    "read_log(None)": lambda: read_log(None),
    "LogFolder(None)": lambda: LogFolder(None),
    "LogFolder('')": lambda: LogFolder("").append(testing.sample_event("a")),
    "LogFolder.append(release=5)": lambda: LogFolder("f").append(
        testing.sample_event("a"), release=5
    ),
    "LogFolder.append(expected_head=123)": lambda: LogFolder("f").append(
        testing.sample_event("a"), expected_head=123
    ),
    "states_at(datetime64[fs])": lambda: steelbond.states_at(np.array([1], dtype="datetime64[fs]")),
    "states_at(nested 100,000 deep)": lambda: steelbond.states_at([_deep(DEEP)]),
    "state_at(nested 100,000 deep)": lambda: steelbond.state_at(_deep(DEEP)),
}


@pytest.mark.parametrize("name", ISSUE_EXAMPLES)
def test_the_examples_of_the_issue_raise_the_librarys_errors(name, tmp_path):
    _refused(ISSUE_EXAMPLES[name])
    assert list(tmp_path.iterdir()) == []  # and nothing was written


@pytest.mark.parametrize(
    ("call", "builtin"),
    [
        (lambda: steelbond.states_at(None), TypeError),
        (lambda: steelbond.events(kind=123), TypeError),
        (lambda: steelbond.state_at(DAY, log="x"), TypeError),
        (lambda: LogFolder(None), TypeError),
        (lambda: steelbond.connect(123), TypeError),
        (lambda: steelbond.state_at("2015-02-30"), ValueError),
        (lambda: steelbond.events(since="2020-01-01", until="2010-01-01"), ValueError),
        (lambda: steelbond.parse_date("last year"), ValueError),
    ],
)
def test_errors_are_also_the_builtin_python_convention_expects(call, builtin):
    with pytest.raises(builtin) as info:
        call()
    assert isinstance(info.value, SteelbondError)


def test_argument_error_is_both_type_and_value_error():
    assert issubclass(ArgumentError, SteelbondError)
    assert issubclass(ArgumentError, TypeError) and issubclass(ArgumentError, ValueError)
    assert issubclass(DateError, ValueError) and issubclass(QueryError, SteelbondError)


def _public_calls(value: Any, folder: Path) -> dict[str, Any]:
    """Each public call with ``value`` in one argument (paths only where the value cannot
    name a file)."""
    ev = testing.sample_event("adv-1")
    log = _small_log(1)
    calls = {
        "state_at day": lambda: steelbond.state_at(value),
        "state_at release": lambda: steelbond.state_at(DAY, as_of_release=value),
        "state_at log": lambda: steelbond.state_at(DAY, log=value),
        "states_at days": lambda: steelbond.states_at(value),
        "states_at [day]": lambda: steelbond.states_at([value]),
        "states_at release": lambda: steelbond.states_at([DAY], as_of_release=value),
        "timeline release": lambda: steelbond.timeline(as_of_release=value),
        "timeline log": lambda: steelbond.timeline(log=value),
        "events kind": lambda: steelbond.events(kind=value),
        "events since": lambda: steelbond.events(since=value),
        "events until": lambda: steelbond.events(until=value),
        "events context": lambda: steelbond.events(include_context=value),
        "events superseded": lambda: steelbond.events(include_superseded=value),
        "events release": lambda: steelbond.events(as_of_release=value),
        "events log": lambda: steelbond.events(log=value),
        "conflicts release": lambda: steelbond.conflicts(as_of_release=value),
        "conflicts log": lambda: steelbond.conflicts(log=value),
        "sources log": lambda: steelbond.sources(log=value),
        "parse_date": lambda: steelbond.parse_date(value),
        "PartialDate text": lambda: steelbond.PartialDate(
            value, steelbond.dates.Precision.YEAR, None, None
        ),
        "PartialDate precision": lambda: steelbond.PartialDate("2012", value, None, None),
        "PartialDate earliest": lambda: steelbond.PartialDate(
            "2012", steelbond.dates.Precision.YEAR, value, dt.date(2012, 12, 31)
        ),
        "EventLog.append": lambda: EventLog().append(value),
        "EventLog.append release": lambda: EventLog().append(ev, release=value),
        "EventLog.as_of_release": lambda: log.release(value),
        "EventLog.by_id": lambda: log.by_id(value),
        "read_log": lambda: read_log(value),
        "write_log log": lambda: write_log(value, folder / "w.parquet"),
        "write_json_lines log": lambda: write_json_lines(value, folder / "w.jsonl"),
        "LogFolder.append event": lambda: LogFolder(folder / "lf").append(value),
        "LogFolder.append head": lambda: LogFolder(folder / "lf").append(ev, expected_head=value),
        "LogFolder.append release": lambda: LogFolder(folder / "lf").append(ev, release=value),
        "LogFolder.append sources": lambda: LogFolder(folder / "lf").append(ev, sources=value),
        "LogFolder.create log": lambda: LogFolder.create(folder / "lc", value),
        "connect release": lambda: steelbond.connect(as_of_release=value),
        "sql query": lambda: steelbond.sql(value),
        "sql release": lambda: steelbond.sql("SELECT 1", as_of_release=value),
        "cite format": lambda: steelbond.cite(format=value),
    }
    if not isinstance(value, str | Path):
        calls.update(
            {
                "read_log path": lambda: read_log(value),
                "write_log path": lambda: write_log(log, value),
                "LogFolder path": lambda: LogFolder(value),
                "LogFolder.create path": lambda: LogFolder.create(value, log),
                "connect database": lambda: steelbond.connect(value),
            }
        )
    return calls


@SETTINGS
@given(value=ODD)
def test_every_public_call_raises_only_steelbond_errors(value, tmp_path):
    folder = tmp_path / "calls"
    folder.mkdir(exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, call in _public_calls(value, folder).items():
            try:
                _only_ours(call)
            except AssertionError:
                raise
            except Exception as exc:
                raise AssertionError(f"{name}: {type(exc).__name__}: {exc}") from exc
    assert {p.name for p in tmp_path.iterdir()} <= {"calls"}


# --- 2. messages that grow with the input --------------------------------------------------


def test_shown_cuts_every_value_and_never_raises():
    assert len(shown("x" * BIG)) <= QUOTE_LIMIT + 40
    assert len(shown(_deep(DEEP))) <= QUOTE_LIMIT
    assert shown(_BadRepr()).startswith("<_BadRepr")
    assert shown(10**5000).startswith("<int") or len(shown(10**5000)) <= QUOTE_LIMIT + 40
    assert shown("2012-13") == "'2012-13'"


@pytest.mark.parametrize(
    "call",
    [
        lambda huge: steelbond.parse_date(huge),
        lambda huge: steelbond.state_at(huge),
        lambda huge: steelbond.states_at([huge]),
        lambda huge: steelbond.events(kind=huge),
        lambda huge: steelbond.events(kind=[huge]),
        lambda huge: steelbond.events(since=huge),
        lambda huge: steelbond.state_at(DAY, as_of_release=huge),
        lambda huge: steelbond.sql("SELEC " + huge),
        lambda huge: steelbond.connect("md:" + huge),
        lambda huge: EventLog().by_id(huge),
    ],
)
def test_a_huge_argument_makes_a_short_message(call):
    huge = "x" * BIG
    exc = _refused(lambda: call(huge))
    assert len(str(exc)) < 1000


@SETTINGS
@given(text=st.text(min_size=200, max_size=5000))
def test_a_refused_date_quotes_the_value_cut(text):
    try:
        steelbond.parse_date(text)
    except DateError as exc:
        assert shown(text) in str(exc)
        assert len(str(exc)) < 1000


def test_a_huge_command_line_argument_prints_one_short_line(capsys):
    assert cli_main(["state", "x" * 100_000]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 500
    with pytest.raises(SystemExit) as info:  # argparse's own message, which quotes it whole
        cli_main(["events", "--format", "y" * 100_000])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 500


def test_a_message_of_any_length_is_bounded():
    assert len(str(SteelbondError("z" * BIG))) <= MESSAGE_LIMIT


# --- 3. silent coercion --------------------------------------------------------------------


@pytest.mark.parametrize(
    "days",
    [
        np.array(["2015-06-30T23:30"], dtype="datetime64[ns]"),
        np.array(["2015-06-30T00:00:01"], dtype="datetime64[s]"),
        np.array(["2015-06-30T06"], dtype="datetime64[6h]"),
        np.array(["2015-06"], dtype="datetime64[M]"),
        np.array(["2015"], dtype="datetime64[Y]"),
        np.array(["2015-06-25"], dtype="datetime64[W]"),
        np.array([1], dtype="datetime64[fs]"),
    ],
    ids=str,
)
def test_numpy_dates_that_are_not_whole_days_are_refused(days):
    with pytest.raises(DateError):
        steelbond.states_at(days)


@SETTINGS
@given(
    day=st.dates(dt.date(2003, 1, 1), dt.date(2025, 12, 31)),
    unit=st.sampled_from(["D", "h", "m", "s", "ms", "us", "ns", "2D", "6h"]),
    offset=st.integers(0, 86399),
)
def test_numpy_dates_of_any_unit_are_the_day_they_name_or_refused(day, unit, offset):
    midnight = np.datetime64(day, "D").astype(f"datetime64[{unit}]")
    if midnight.astype("datetime64[D]") != np.datetime64(day, "D"):
        return  # a [2D] tick that does not start on this day
    assert steelbond.states_at(np.array([midnight])).column("date").to_pylist() == [day]
    later = np.datetime64(day, "D") + np.timedelta64(offset, "s")
    later = np.array([later]).astype(f"datetime64[{unit}]")
    if later[0].astype("datetime64[s]") != np.datetime64(day, "D") + np.timedelta64(offset, "s"):
        return  # the unit cannot hold this time of day
    if offset == 0:
        return
    with pytest.raises(DateError, match="time of day"):
        steelbond.states_at(later)


def test_a_reversed_window_is_refused_in_python_and_on_the_command_line(capsys):
    with pytest.raises(DateError, match="before since"):
        steelbond.events(since="2020-01-01", until="2010-01-01")
    assert len(steelbond.events(since="2020-01-01", until="2020-01-01")) >= 0  # one day: fine
    assert cli_main(["events", "--since", "2020-01-01", "--until", "2010-01-01"]) == 2
    assert "before since" in capsys.readouterr().err


@pytest.mark.parametrize("database", [123, None, 1.5, b"db", ["x"]])
def test_connect_to_a_non_path_creates_no_file(database, tmp_path):
    with pytest.raises(ArgumentError):
        steelbond.connect(database)
    assert list(tmp_path.iterdir()) == []


# --- 4. SQL errors and remote databases ----------------------------------------------------


def test_bad_sql_is_a_query_error_with_duckdbs_error_as_cause():
    with pytest.raises(QueryError) as info:
        steelbond.sql("SELEC")
    assert isinstance(info.value.__cause__, duckdb.ParserException)
    with pytest.raises(QueryError):
        steelbond.sql("SELECT * FROM no_such_view")


def test_a_file_that_is_not_a_database_is_a_query_error(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100, "utf-8")
    for path in ("/etc/passwd", text):
        with pytest.raises(QueryError) as info:
            steelbond.connect(path)
        assert isinstance(info.value.__cause__, duckdb.Error)
    assert text.read_text("utf-8") == "not a database\n" * 100


def test_a_sqlite_file_needs_no_extension_from_the_network(tmp_path):
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    began = time.monotonic()
    with pytest.raises(QueryError):
        steelbond.connect(path)
    assert time.monotonic() - began < 10  # refused at once: no download was tried


@pytest.mark.parametrize(
    "database",
    [
        "md:",
        "md:my_db",
        "motherduck:x",
        "http://example.org/x.duckdb",
        "https://example.org/x.duckdb",
        "s3://bucket/x.duckdb",
        "gcs://bucket/x.duckdb",
        "hf://datasets/x/y.duckdb",
        "sqlite:x.db",
        "",
    ],
)
def test_remote_and_extension_databases_are_refused_before_duckdb(database, tmp_path):
    with pytest.raises(ArgumentError) as info:
        steelbond.connect(database)
    assert info.value.__cause__ is None  # refused by steelbond, not by DuckDB
    assert list(tmp_path.iterdir()) == []


def test_a_local_file_whose_name_has_a_colon_is_still_a_local_file(tmp_path):
    con = steelbond.connect(tmp_path / "md:mine.duckdb")
    con.execute("CREATE TABLE t AS SELECT 1 AS x")
    con.close()
    assert (tmp_path / "md:mine.duckdb").is_file()
    con = steelbond.connect("./md:mine.duckdb")  # the working directory is tmp_path
    assert con.execute("SELECT x FROM t").fetchall() == [(1,)]


# --- 5. the installed data, all of it out of reach ------------------------------------------


def _writes(path: Path) -> dict[str, Any]:
    log = _small_log(2)
    return {
        "write_log": lambda: write_log(log, path),
        "write_json_lines": lambda: write_json_lines(log, path),
        "LogFolder.append": lambda: LogFolder(path).append(testing.sample_event("w")),
        "LogFolder.create": lambda: LogFolder.create(path, log),
        "connect": lambda: steelbond.connect(path),
    }


@pytest.mark.parametrize(
    "name",
    [
        "events.parquet",
        "events.jsonl",
        "events.parquet.sha256",
        TIMELINE_FILE,
        "new.parquet",
        "new-folder",
        ".",
    ],
)
@pytest.mark.parametrize(
    "how", ["write_log", "write_json_lines", "LogFolder.append", "LogFolder.create", "connect"]
)
def test_no_write_api_touches_the_bundled_data_folder(data_copy, name, how):
    before = {p.name: _sha(p) for p in data_copy.iterdir()}
    with pytest.raises(StorageError, match="read-only"):
        _writes(data_copy / name)[how]()
    assert {p.name: _sha(p) for p in data_copy.iterdir()} == before
    # still works
    assert len(steelbond.events(include_superseded=True, partner=None)) == len(bundled_log())
    count = steelbond.sql("SELECT count(*) FROM events", partner=None).fetchall()
    assert count == [(len(bundled_log()),)]


def test_a_link_into_the_data_folder_is_refused(data_copy, tmp_path):
    link = tmp_path / "link"
    link.symlink_to(data_copy, target_is_directory=True)
    before = sorted(p.name for p in data_copy.iterdir())
    for how, call in _writes(link / "events.jsonl").items():
        with pytest.raises(StorageError, match="read-only"):
            call()
        assert sorted(p.name for p in data_copy.iterdir()) == before, how


def test_the_installed_package_itself_is_protected():
    package = Path(steelbond.__file__).resolve().parent
    assert package in protected_folders()
    assert bundled_path().resolve().parent in protected_folders()
    target = package / "adversarial-new.parquet"
    try:
        with pytest.raises(StorageError, match="read-only"):
            write_log(_small_log(1), target)
    finally:
        assert not target.exists()


# --- 6. tampering that verify missed: every value of a log file covered --------------------


def _tamper(path: Path, edit) -> None:
    table = pq.read_table(path)
    pq.write_table(edit(table), path)


def _set_cell(name: str, kind: str, value: Any):
    def edit(table: pa.Table) -> pa.Table:
        kinds = table.column("kind").to_pylist()
        row = kinds.index(kind)
        values = table.column(name).to_pylist()
        values[row] = value
        index = table.schema.get_field_index(name)
        column = pa.array(values, table.schema.field(name).type)
        return table.set_column(index, table.schema.field(name), column)

    return edit


def _add_column(table: pa.Table) -> pa.Table:
    return table.append_column("note_extra", pa.array(["x"] * len(table)))


def _retype_seq(table: pa.Table) -> pa.Table:
    index = table.schema.get_field_index("seq")
    field = pa.field("seq", pa.int32())
    return table.set_column(index, field, table.column("seq").cast(pa.int32()))


def _extra_metadata(table: pa.Table) -> pa.Table:
    return table.replace_schema_metadata({**table.schema.metadata, b"injected": b"yes"})


TAMPERING = {
    "buyer on a summit row": _set_cell("buyer", "summit_attended", "Narnia"),
    "value_usd on a summit row": _set_cell("value_usd", "summit_attended", 1e12),
    "summit on an arms deal row": _set_cell("summit", "arms_deal", "Atlantis"),
    "an unknown column": _add_column,
    "a column of another type": _retype_seq,
    "unknown metadata": _extra_metadata,
}


@pytest.mark.parametrize("how", TAMPERING)
def test_a_value_outside_what_the_hash_covers_is_refused(tmp_path, how):
    log = _prefix_of_bundled()
    assert {"summit_attended", "arms_deal"} <= {type(e).kind for e in log}
    path = tmp_path / "log.parquet"
    write_log(log, path)
    _tamper(path, TAMPERING[how])
    with pytest.raises(StorageError) as info:
        read_log(path)
    assert str(path) in str(info.value)


def test_steelbond_verify_fails_on_an_injected_value_with_a_matching_checksum(data_copy, capsys):
    parquet = data_copy / "events.parquet"
    _tamper(parquet, _set_cell("buyer", "summit_attended", "Narnia"))
    checksum = data_copy / "events.parquet.sha256"
    checksum.write_text(f"{_sha(parquet)}  events.parquet\n", "ascii")  # updated to match
    bundled_log.cache_clear()
    with pytest.raises(SystemExit) as info:
        cli_main(["verify"])
    assert info.value.code == 1
    assert "buyer" in capsys.readouterr().err


@SETTINGS
@given(data=st.data())
def test_a_value_in_any_column_of_another_kind_is_refused(tmp_path_factory, data):
    from steelbond.formats.parquet import _owners

    log = _prefix_of_bundled()
    kinds = sorted({type(e).kind for e in log})
    kind = data.draw(st.sampled_from(kinds))
    foreign = sorted(n for n, owners in _owners().items() if kind not in owners)
    name = data.draw(st.sampled_from(foreign))
    path = tmp_path_factory.mktemp("kinds") / "log.parquet"
    write_log(log, path)
    table = pq.read_table(path)
    field = table.schema.field(name)
    # a value of the column's own type, taken from a row of a kind that has the field
    donors = [v for v in table.column(name).to_pylist() if v is not None]
    if not donors:
        return
    _tamper(path, _set_cell(name, kind, donors[0]))
    assert field.type == pq.read_table(path).schema.field(name).type
    with pytest.raises(StorageError, match="belongs to"):
        read_log(path)


# --- 7. LogFolder: ids checked against the segments themselves --------------------------------


def _folder_with(tmp_path: Path, n: int = 3) -> LogFolder:
    log_file = LogFolder(tmp_path / "mine")
    for i in range(n):
        log_file.append(testing.sample_event(f"m{i}"))
    return log_file


def _empty_index(log_file: LogFolder) -> None:
    con = sqlite3.connect(log_file.path / "index.sqlite3")
    con.execute("DELETE FROM ids")
    con.commit()
    con.close()


def test_an_emptied_index_does_not_let_a_repeated_id_in(tmp_path):
    log_file = _folder_with(tmp_path)
    _empty_index(log_file)
    with pytest.raises(StorageError, match="index"):
        log_file.verify()
    with (
        pytest.warns(steelbond.errors.StorageWarning, match="rebuilt"),
        pytest.raises(steelbond.errors.EventError, match="already in the log"),
    ):
        log_file.append(testing.sample_event("m1"))
    assert len(read_log(log_file.path)) == 3
    with pytest.warns(steelbond.errors.StorageWarning, match="rebuilt"):
        done = log_file.append(testing.sample_event("m3"))  # a new id: accepted
    assert done.length == 4
    assert len(log_file.verify()) == 4  # and the index is whole again


def test_a_folder_holding_an_id_twice_does_not_verify(tmp_path):
    """A folder as an append through an emptied index left it before the fix: the chain
    holds, the id is in two segments."""
    from steelbond.log import stamp

    log_file = _folder_with(tmp_path)
    head = log_file.head
    _empty_index(log_file)
    (again,) = stamp([testing.sample_event("m1")], seq=3, prev_hash=head, known=())
    con = sqlite3.connect(log_file.path / "index.sqlite3", isolation_level=None)
    log_file._commit_segment(con, EventLog.from_events([again], *_meta(log_file)))
    con.close()
    for check in (lambda: read_log(log_file.path), log_file.verify):
        with pytest.raises(StorageError, match="earlier segment"):
            check()
    with pytest.raises(StorageError):
        log_file.append(testing.sample_event("m9"))


def _meta(log_file: LogFolder) -> tuple[Any, Any]:
    log = log_file.read()
    return log.sources, log.releases


def test_a_whole_folder_verifies(tmp_path):
    log_file = _folder_with(tmp_path, 40)  # merged segments too
    assert len(log_file.verify()) == 40
    assert LogFolder(tmp_path / "none").verify() == EventLog()


# --- 8. the command line: exact, and stopping at once ---------------------------------------


def _json(out: str) -> Any:
    def refuse(constant: str) -> None:
        raise AssertionError(f"not JSON: {constant}")

    return json.loads(out, parse_constant=refuse)


EXACT = [
    ("TIME '24:00:00'", "24:00:00"),
    ("340282366920938463463374607431768211455::UHUGEINT", 340282366920938463463374607431768211455),
    ("(-170141183460469231731687303715884105727 - 1)::HUGEINT", -(2**127)),
    ("'infinity'::TIMESTAMP_NS", "infinity"),
    ("'-infinity'::TIMESTAMP", "-infinity"),
    ("'infinity'::DATE", "infinity"),
    ("TIMESTAMP '2020-01-01 12:34:56.789'", "2020-01-01 12:34:56.789"),
    ("0.1::REAL", 0.1),
    ("1.50::DECIMAL(5,2)", "1.50"),
    ("INTERVAL 1 DAY", "1 day"),
    ("[TIME '24:00:00']", "['24:00:00']"),
    ("18446744073709551615::UBIGINT", 18446744073709551615),
    ("'nan'::DOUBLE", None),
    ("'inf'::DOUBLE", None),
    ("'-inf'::REAL", None),
    ("['nan'::DOUBLE, 1.5]", [None, 1.5]),
]


@pytest.mark.parametrize(("expression", "expected"), EXACT, ids=[e for e, _ in EXACT])
def test_sql_values_print_exactly(expression, expected, capsys):
    assert cli_main(["sql", f"SELECT {expression} AS v", "--format", "json"]) == 0
    assert _json(capsys.readouterr().out) == [{"v": expected}]
    assert cli_main(["sql", f"SELECT {expression} AS v", "--format", "csv"]) == 0
    text = capsys.readouterr().out.splitlines()[1]
    if isinstance(expected, str) and not expected.startswith("["):
        assert text == expected


@SETTINGS
@given(value=st.floats(allow_nan=True, allow_infinity=True))
def test_any_double_prints_as_json(value, capsys):
    literal = repr(value) if math.isfinite(value) else f"'{value}'"
    assert cli_main(["sql", f"SELECT {literal}::DOUBLE AS v", "--format", "json"]) == 0
    (row,) = _json(capsys.readouterr().out)
    assert row["v"] == (value if math.isfinite(value) else None)


@SETTINGS
@given(value=st.integers(-(2**127), 2**127 - 1))
def test_any_hugeint_prints_exactly(value, capsys):
    assert cli_main(["sql", f"SELECT '{value}'::HUGEINT AS v", "--format", "json"]) == 0
    assert _json(capsys.readouterr().out) == [{"v": value}]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "steelbond.cli", *args]


def test_a_closed_pipe_ends_the_output_quietly():
    process = subprocess.Popen(
        _cli("sql", "SELECT * FROM range(2000000)"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert err == ""  # no BrokenPipeError traceback


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.5] + ([0.1, 0.6, 1.5, 4.0] if FULL else []))
def test_ctrl_c_stops_a_long_query_at_once(delay):
    process = subprocess.Popen(
        _cli("sql", "SELECT count(*) FROM range(100000000000) a"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a shell starts background jobs with SIGINT ignored: give it back its default
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(delay)
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert time.monotonic() - sent < 5
    assert process.returncode == 130
    assert err == "steelbond: interrupted\n" and out == ""


def test_the_json_lines_mirror_holds_nothing_unchecked(tmp_path):
    from steelbond.storage import read_json_lines

    path = tmp_path / "log.jsonl"
    write_json_lines(_small_log(2), path)
    header, *rows = path.read_text("utf-8").splitlines()
    edits = {
        "a key in the header": json.dumps({**json.loads(header), "injected": 1}),
        "a field of another kind": json.dumps({**json.loads(rows[0]), "buyer": "Narnia"}),
    }
    for what, line in edits.items():
        lines = [line, *rows] if what.endswith("header") else [header, line, *rows[1:]]
        path.write_text("\n".join(lines) + "\n", "utf-8")
        with pytest.raises(StorageError):
            read_json_lines(path)
