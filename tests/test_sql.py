"""SQL over the bundled data: the views answer as the Python API does, and write nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import steelbond
from steelbond.bundled import bundled_path
from steelbond.views import VIEWS

from .helpers import (
    reliability,
    sha,
)


@pytest.fixture(scope="module")
def con():
    return steelbond.connect()


@pytest.fixture(scope="module")
def every():
    return steelbond.connect(partner=None)  # every partner's rows: the whole bundled log


@pytest.fixture(scope="module")
def window():
    tl = steelbond.timeline().to_pylist()
    return tl[0]["valid_from"], tl[-1]["valid_to"] - dt.timedelta(days=1)


def test_every_view_exists_and_has_rows(con):
    for view in VIEWS:
        assert con.execute(f"SELECT count(*) FROM {view}").fetchall()[0][0] > 0, view


def test_the_events_view_has_one_row_per_stored_event_with_typed_columns(con, every):
    assert every.execute("SELECT count(*) FROM events").fetchall()[0][0] == len(
        steelbond.bundled_log()
    )
    korea = [e for e in steelbond.bundled_log() if e.partner == "KOR"]
    assert con.execute("SELECT count(*) FROM events").fetchall()[0][0] == len(korea)
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE events)").fetchall())
    assert types["value_usd"] == "DOUBLE" and types["date_latest"] == "DATE"
    assert types["quantity"] == "BIGINT" and types["buyer"] == "VARCHAR"


def test_citations_match_the_typed_events(every):
    # as the log reads them: a citation_added's citations count with the event they join
    log = steelbond.bundled_log()
    n = sum(len(log.citations_of(e)) for e in log if e.kind != "citation_added")
    assert every.execute("SELECT count(*) FROM citations").fetchall()[0][0] == n


def test_sources_come_from_the_file(con):
    ids = [r[0] for r in con.execute("SELECT id FROM sources").fetchall()]
    assert ids == [s.id for s in steelbond.sources()]


def test_summits_in_sql_are_the_summits_replay_counts(con):
    sql = [r[0] for r in con.execute("SELECT summit FROM summits").fetchall()]
    assert sql == [s.name for s in steelbond.state_at("2025-12-31").summits]


def test_conflicts_in_sql_name_the_same_events_as_python(con):
    rows = con.execute("SELECT conflict_id, event_id FROM conflicts").fetchall()
    expected = [(c.id, e) for c in steelbond.conflicts() for e in c.events]
    assert sorted(rows) == sorted(expected)


def test_arms_deals_carry_the_sources_of_their_figures(con):
    rows = con.execute("SELECT buyer, sources FROM arms_deals WHERE buyer = 'POL'").fetchall()
    assert rows and all(srcs for _, srcs in rows)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_a_state_asked_in_sql_equals_replay(con, window, data):
    day = data.draw(st.dates(*window))
    row = con.execute(
        "SELECT designation, programme, mission_to_nato, summit_count, operations FROM timeline "
        "WHERE ? >= valid_from AND ? < valid_to",
        [day, day],
    ).fetchall()
    s = steelbond.state_at(day)
    assert row == [
        (
            s.designation.value,
            s.programme.name if s.programme else None,
            s.mission_to_nato,
            len(s.summits),
            [o.name for o in s.operations],
        )
    ]


def test_an_asof_join_of_many_dates_equals_states_at(con, window):
    days = [window[0] + dt.timedelta(days=d) for d in range(0, (window[1] - window[0]).days, 97)]
    con.register("days", __import__("pyarrow").table({"day": days}))
    sql = con.execute(
        "SELECT d.day, t.designation, t.summit_count FROM days d "
        "ASOF JOIN timeline t ON d.day >= t.valid_from ORDER BY d.day"
    ).fetchall()
    table = steelbond.states_at(days).select(["date", "designation", "summit_count"])
    assert sql == [tuple(r.values()) for r in table.to_pylist()]


def test_an_old_release_is_shown_as_it_was(con):
    old = steelbond.connect(as_of_release="0.1.0")
    assert old.execute("SELECT count(*) FROM events").fetchall()[0][0] == len(
        steelbond.bundled_log().release("0.1.0")
    )


@pytest.mark.parametrize(
    "query",
    [
        f"COPY (SELECT 1) TO '{bundled_path()}' (FORMAT parquet)",
        "SET enable_external_access = true",
        f"SELECT * FROM read_parquet('{bundled_path()}')",
        "ATTACH '/tmp/steelbond-other.db'",
    ],
)
def test_no_query_can_touch_files(query):
    before = bundled_path().read_bytes()
    with pytest.raises(duckdb.Error):
        steelbond.connect().execute(query)
    assert bundled_path().read_bytes() == before


def test_a_database_file_of_your_own_keeps_only_your_tables(tmp_path):
    path = tmp_path / "mine.duckdb"
    con = steelbond.connect(path)
    con.execute("CREATE TABLE panel AS SELECT 1 AS x")
    con.close()
    again = duckdb.connect(str(path))
    names = {
        r[0] for r in again.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert names == {"panel"}


def test_sql_returns_a_relation():
    rel = steelbond.sql("SELECT count(*) AS n FROM summits")
    assert rel.fetchall() == [(4,)]


@reliability
def test_the_sql_connection_can_neither_read_nor_write_files(tmp_path):
    import duckdb

    secret = tmp_path / "secret.csv"
    secret.write_text("a,b\n1,2\n", "utf-8")
    bundled = bundled_path()
    digest = sha(bundled)
    out = tmp_path / "out"
    statements = [
        f"COPY (SELECT 1) TO '{out}.csv'",
        f"COPY events TO '{out}.parquet' (FORMAT parquet)",
        f"COPY events TO '{bundled}' (FORMAT parquet)",
        f"EXPORT DATABASE '{out}'",
        f"ATTACH '{out}.db' AS other",
        f"SELECT * FROM read_csv('{secret}')",
        f"SELECT * FROM read_text('{secret}')",
        f"SELECT * FROM read_blob('{secret}')",
        f"SELECT * FROM '{secret}'",
        f"SELECT * FROM read_parquet('{bundled}')",
        f"SELECT * FROM glob('{tmp_path}/*')",
        f"SET temp_directory = '{out}'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "RESET enable_external_access",
        "SET lock_configuration = false",
    ]
    con = steelbond.connect()
    for statement in statements:
        with pytest.raises(duckdb.Error):
            con.execute(statement)
    with pytest.raises(steelbond.errors.QueryError) as info:  # steelbond's error, DuckDB's as cause
        steelbond.sql(statements[0])
    assert isinstance(info.value.__cause__, duckdb.Error)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret.csv"]
    assert sha(bundled) == digest
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] > 0  # and it still works


@reliability
def test_a_database_path_naming_the_bundled_file_does_not_write_it(tmp_path):
    copy = tmp_path / "events.parquet"
    shutil.copyfile(bundled_path(), copy)
    digest = sha(copy)
    con = steelbond.connect(copy)
    with contextlib.suppress(Exception):
        con.execute("CREATE TABLE t AS SELECT 1")
    con.close()
    assert sha(copy) == digest
