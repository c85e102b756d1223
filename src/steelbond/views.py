"""SQL over the bundled Parquet, through DuckDB views.

:func:`steelbond.connect` returns a DuckDB connection with *temporary views* over the bundled
``events.parquet``, read when the connection opens (never a copy kept elsewhere that could
drift from it). The connection cannot touch files: DuckDB's external access is switched off
and its configuration locked, so no query can write to the bundled data (or anywhere
else). Bring your own data in with ``con.register("panel", your_dataframe_or_arrow_table)``.
The views live only in the connection, so a database file of yours keeps your tables alone.

Views and their columns:

``events``
    Every stored event, one row each, with every typed field as a real column (``buyer``,
    ``value_usd``, ``programme``, ...; null where a kind lacks the field), plus
    ``date_text``, ``date_precision``, ``date_earliest``, ``date_latest`` (the partial
    date's parts), ``year`` (the year of ``date_latest``) and ``effective`` (false when a
    later event of the release supersedes or retracts it).
``effective_events``
    ``events`` where ``effective``: the record as the release stands.
``citations``
    One row per citation: ``event_id``, ``kind``, ``source``, ``locator``, ``quote``,
    ``english``.
``sources``
    The documents cited: ``id``, ``kind``, ``author``, ``title``, ``title_english``,
    ``publisher``, ``date``, ``language``, ``license``, ``file``, ``url``, ``accessed``.
``timeline``
    The state as intervals, the columns of :func:`steelbond.timeline` (``valid_from``
    inclusive, ``valid_to`` exclusive): ``WHERE DATE '2015-06-30' >= valid_from AND
    DATE '2015-06-30' < valid_to`` is the state on that day.
``events_per_year``
    ``year``, ``kind``, ``events``: counts of effective events by the year of their latest
    possible day.
``summits``
    Summits attended, one row per fact, as replay counts them (of the reports linked by
    ``same_as``, the one certain first): ``id``, ``summit``, ``host``, ``level``,
    ``attended_by``, ``date_text``, ``date_latest``, ``reports`` (ids of every report).
``ministerials``
    NATO ministers' meetings, one row per fact, likewise: ``id``, ``level``, ``meeting``,
    ``attended_by``, ``date_text``, ``date_latest``, ``reports``.
``arms_deals``
    Arms trade with NATO members: ``id``, ``year``, ``buyer``, ``seller``, ``item``,
    ``stage``, ``quantity``, ``quantity_approximate``, ``value_usd``, ``value_approximate``,
    ``date_text``, ``same_as``, ``sources`` (the source ids behind each figure).
``conflicts``
    One row per side of each recorded disagreement: ``conflict_id``, ``note``,
    ``event_id``, ``event_kind``, ``event_summary``, ``event_date``.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from .bundled import bundled_log, bundled_path
from .errors import ArgumentError, QueryError, check_type, shown

if TYPE_CHECKING:
    import duckdb

__all__ = ["VIEWS", "connect", "sql"]

VIEWS = (
    "events",
    "effective_events",
    "citations",
    "sources",
    "timeline",
    "events_per_year",
    "summits",
    "ministerials",
    "arms_deals",
    "conflicts",
)
"""The views :func:`steelbond.connect` creates."""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _facts_view(name: str, kind: str, columns: str) -> str:
    """A view with one row per fact of ``kind``: of the reports linked by ``same_as``, the
    one certain first (as replay counts it), with the ids of all reports in ``reports``."""
    return f"""CREATE TEMP VIEW {name} AS
        SELECT id, {columns}, date_text, date_latest, reports FROM (
            SELECT *,
                   row_number() OVER (PARTITION BY fact
                                      ORDER BY date_latest NULLS LAST,
                                               date_earliest DESC NULLS LAST, seq) AS rank,
                   list(id) OVER (PARTITION BY fact ORDER BY seq
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
                       AS reports
            FROM effective_events JOIN _steelbond_facts USING (id)
            WHERE kind = '{kind}')
        WHERE rank = 1 ORDER BY date_latest, seq"""


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]+:")
"""A prefix DuckDB reads as a remote or extension database (``md:``, ``s3://``, ...)."""
_NO_AUTOLOAD = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
"""Set when the connection opens, before any file is read: DuckDB would otherwise fetch an
extension from the network to open a file it recognises (or a prefix it knows)."""


def _database(database: object) -> str:
    """The database :func:`connect` opens: ``":memory:"`` or a local file, as an absolute
    path (so that no prefix of it can mean anything else to DuckDB). Remote and extension
    databases are refused before DuckDB sees them, and so is the installed package."""
    if isinstance(database, str) and database == ":memory:":
        return ":memory:"
    if isinstance(database, str):
        if not database or _SCHEME.match(database):
            raise ArgumentError(
                f"database must be ':memory:' or a local file, not {shown(database)}: "
                "steelbond opens no remote or extension database (for a local file whose "
                "name has a colon, write './name:...' or pass a pathlib.Path)",
                database,
            )
    elif not isinstance(database, os.PathLike):
        raise ArgumentError(
            f"database must be ':memory:' or a path (str or os.PathLike), not "
            f"{type(database).__name__} {shown(database)}",
            database,
        )
    from .storage import _refuse_bundled, path_argument

    path = path_argument("database", database).absolute()
    _refuse_bundled(path)  # a database file is written to: never inside the package
    return str(path)


def _open(database: str) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect`` with extension loading off, its errors as QueryError."""
    import duckdb

    try:
        return duckdb.connect(database, config=dict(_NO_AUTOLOAD))
    except duckdb.Error as exc:
        raise QueryError(f"cannot open database {shown(database)}: {exc}") from exc


def connect(
    database: str | os.PathLike[str] = ":memory:", *, as_of_release: str | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with steelbond's views (see the module docs for their columns).

    ``database`` is in memory by default, or a local file of yours; a remote or extension
    database (``md:``, ``s3://``, ``http://``) is refused with
    :class:`~steelbond.errors.ArgumentError`, and a file DuckDB cannot open raises
    :class:`~steelbond.errors.QueryError`. ``as_of_release`` shows the data as that
    release published it.
    """
    check_type("as_of_release", as_of_release, (str, type(None)), "a release name or None")
    database = _database(database)
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .api import timeline
    from .converter import converter
    from .replay import facts

    log = bundled_log()
    view = log.as_of_release(as_of_release)  # checks the release name
    releases = ", ".join(_quote(r) for r in view.release_names())
    con = _open(database)
    with pq.ParquetFile(bundled_path()) as reader:
        con.register("_steelbond_file", reader.read())
    con.register("_steelbond_timeline", timeline(as_of_release=as_of_release))
    fact_of = facts(view)  # the grouping replay uses, so SQL and Python cannot differ
    con.register(
        "_steelbond_facts",
        pa.table({"id": list(fact_of), "fact": list(fact_of.values())}),
    )
    con.register("_steelbond_sources", pa.Table.from_pylist(converter.unstructure(log.sources)))
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    statements = [
        f"""CREATE TEMP VIEW _steelbond_raw AS
            SELECT * FROM _steelbond_file WHERE release IN ({releases})""",
        """CREATE TEMP VIEW _steelbond_dropped AS
            SELECT DISTINCT unnest(supersedes) AS id FROM _steelbond_raw
            UNION SELECT retracts FROM _steelbond_raw WHERE kind = 'retraction'""",
        """CREATE TEMP VIEW events AS
            SELECT r.*,
                   r.date.text AS date_text, r.date.precision AS date_precision,
                   r.date.earliest AS date_earliest, r.date.latest AS date_latest,
                   year(r.date.latest) AS year,
                   r.id NOT IN (SELECT id FROM _steelbond_dropped) AS effective
            FROM _steelbond_raw r""",
        "CREATE TEMP VIEW effective_events AS SELECT * FROM events WHERE effective",
        """CREATE TEMP VIEW citations AS
            SELECT id AS event_id, kind, c.source, c.locator, c.quote, c.english
            FROM (SELECT id, kind, seq, unnest(citations) AS c FROM events)
            ORDER BY seq""",
        "CREATE TEMP VIEW sources AS SELECT * FROM _steelbond_sources",
        "CREATE TEMP VIEW timeline AS SELECT * FROM _steelbond_timeline",
        """CREATE TEMP VIEW events_per_year AS
            SELECT year, kind, count(*) AS events FROM effective_events
            GROUP BY ALL ORDER BY year, kind""",
        _facts_view("summits", "summit_attended", "summit, host, level, attended_by"),
        _facts_view("ministerials", "ministerial_meeting", "level, meeting, attended_by"),
        """CREATE TEMP VIEW arms_deals AS
            SELECT id, year, buyer, seller, item, stage, quantity, quantity_approximate,
                   value_usd, value_approximate, date_text, same_as,
                   list_distinct([c.source FOR c IN citations]) AS sources
            FROM effective_events WHERE kind = 'arms_deal' ORDER BY date_latest, seq""",
        """CREATE TEMP VIEW conflicts AS
            SELECT c.id AS conflict_id, c.note, e.id AS event_id, e.kind AS event_kind,
                   e.summary AS event_summary, e.date_text AS event_date
            FROM (SELECT id, note, seq, unnest(events) AS side FROM effective_events
                  WHERE kind = 'conflict') c
            JOIN events e ON e.id = c.side
            ORDER BY c.seq, e.seq""",
    ]
    for statement in statements:
        con.execute(statement)
    return con


def sql(query: str, *, as_of_release: str | None = None) -> duckdb.DuckDBPyRelation:
    """Run one query over the views; a DuckDB relation (``.fetchall()``, ``.to_arrow_table()``).

    Each call opens a fresh in-memory connection, so no state leaks between queries. SQL
    DuckDB refuses (a syntax error, an unknown table) raises
    :class:`~steelbond.errors.QueryError`, the DuckDB error kept as its ``__cause__``. The
    relation is DuckDB's own: an error while it runs (when fetched) is DuckDB's too.
    """
    import duckdb

    check_type("query", query, str, "SQL text (a string)")
    con = connect(as_of_release=as_of_release)
    try:
        return con.sql(query)
    except duckdb.Error as exc:
        raise QueryError(f"SQL error: {' '.join(str(exc).split())}") from exc
