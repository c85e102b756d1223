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
    One row per citation as the release reads it: ``event_id``, ``kind``, ``source``,
    ``locator``, ``quote``, ``english``, ``added_by`` (the ``citation_added`` event that
    gave it, or null). A citation whose quote was empty and that a ``citation_added`` of
    the same source replaced is left out, as :meth:`steelbond.EventLog.citations_of` does.
``sources``
    The documents cited: ``id``, ``kind``, ``author``, ``title``, ``title_english``,
    ``publisher``, ``date``, ``language``, ``license``, ``file``, ``url``, ``accessed``.
``timeline``
    The state as intervals, the columns of :func:`steelbond.timeline` (``valid_from``
    inclusive, ``valid_to`` exclusive): ``WHERE DATE '2015-06-30' >= valid_from AND
    DATE '2015-06-30' < valid_to`` is the state on that day.
``facts``
    One row per fact (see :mod:`steelbond.factmodel`): ``fact_id`` (its first report's id),
    ``kind``, the fact's date (``date_text``, ``date_precision``, ``date_earliest``,
    ``date_latest``: the intersection of its reports' bounds), ``year`` (null unless the
    whole date lies in one year), ``reports`` (every report's id, log order),
    ``report_count``, ``sources``, ``source_kinds`` (the kinds of those documents:
    ``official``, ``news_agency``, ``analysis``, ...), ``corroborated`` (true when two or more
    documents state the fact; false where it rests on one alone), ``official_source`` (an
    official text among them), ``values_from`` (the most specific report, whose values
    the fact takes), ``standing`` (false for a claim the state does not carry),
    ``dispute`` and ``claim`` (the dispute it is a claim of, and the claim's label),
    ``first_seq``, ``part_of_fact`` and ``under_fact`` (the facts an arms deal's
    ``part_of`` and ``under`` name), then
    every typed field as a column, as in ``events``.
``disputes``
    One row per claim of each dispute: ``dispute_id``, ``claim`` (its label), ``carried``
    (whether the state carries it), ``facts``, ``events``, ``sources``, ``note``.
``events_per_year``
    ``year``, ``year_uncertain``, ``kind``, ``facts``, ``reports``: how many standing facts
    (and reports of them) each year has. A fact counts under a year only when its whole
    date lies in that year; the rest are counted in the row whose ``year`` is null and
    ``year_uncertain`` true.
``summits``
    Summits attended, one row per standing fact: ``id`` (the fact's), ``summit``, ``host``,
    ``level``, ``attended_by``, ``date_text``, ``date_latest``, ``reports``,
    ``values_from``, ``dispute``.
``ministerials``
    NATO ministers' meetings, one row per standing fact, likewise: ``id``, ``level``,
    ``meeting``, ``attended_by``, ``date_text``, ``date_latest``, ``reports``,
    ``values_from``, ``dispute``.
``arms_deals``
    Arms trade with NATO members, one row per deal (a standing fact that is not an item
    line of another): ``id``, ``year`` (null when the year is uncertain), ``buyer``,
    ``seller``, ``item``, ``stage`` (``talks``, ``mou``, ``framework``, ``contract``,
    ``delivery``, ``purchase``, ``other``), ``quantity``, ``quantity_approximate``,
    ``value`` and ``currency`` (as the source states them), ``value_usd`` (only where a
    source states dollars: currencies are never converted), ``value_approximate``,
    ``value_note`` (why a deal has no value), ``under`` (the framework agreement an
    executive contract is concluded under), ``date_text``, ``date_latest``, ``reports``,
    ``values_from``, ``sources``, ``dispute``, ``items`` (its item lines, "item xN"). A
    claim the state does not carry (a competing figure for the same deal) is not a row
    here; ``disputes`` and ``facts`` list it.
``arms_deal_items``
    The item lines of deals (``part_of``: one contract for several systems, reported with
    one value): ``deal`` (the deal's id), ``id``, ``item``, ``quantity``,
    ``quantity_approximate``, ``value``, ``currency``, ``value_usd``, ``value_approximate``,
    ``date_text``,
    ``reports``, ``values_from``, ``sources``, ``dispute``.
``conflicts``
    One row per side of each recorded disagreement: ``conflict_id``, ``note``,
    ``event_id``, ``event_kind``, ``event_summary``, ``event_date``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from .bundled import bundled_log, bundled_path
from .errors import ArgumentError, QueryError, check_type, shown
from .kinds import Event, Source

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from .factmodel import Facts
    from .log import EventLog

__all__ = ["VIEWS", "connect", "sql"]

VIEWS = (
    "events",
    "effective_events",
    "citations",
    "sources",
    "timeline",
    "facts",
    "disputes",
    "events_per_year",
    "summits",
    "ministerials",
    "arms_deals",
    "arms_deal_items",
    "conflicts",
)
"""The views :func:`steelbond.connect` creates."""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _fact_rows(found: Facts, source_kinds: Mapping[str, str]) -> pa.Table:
    """The ``facts`` view's rows: the facts as replay folds them, so SQL cannot differ."""
    import pyarrow as pa

    from .converter import converter
    from .formats.parquet import arrow_schema

    envelope = set(attrs.fields_dict(Event)) | {"kind"}
    typed = [f for f in arrow_schema() if f.name not in envelope]
    dispute_of = found.dispute_of()
    label_of = {f: c.label for d in found.disputes for c in d.claims for f in c.facts}
    text = pa.string()
    texts = pa.list_(text)
    schema = pa.schema(
        [
            ("fact_id", text),
            ("kind", text),
            ("date_text", text),
            ("date_precision", text),
            ("date_earliest", pa.date32()),
            ("date_latest", pa.date32()),
            ("year", pa.int64()),
            ("reports", texts),
            ("report_count", pa.int64()),
            ("sources", texts),
            ("source_kinds", texts),
            ("corroborated", pa.bool_()),
            ("official_source", pa.bool_()),
            ("values_from", text),
            ("standing", pa.bool_()),
            ("dispute", text),
            ("claim", text),
            ("first_seq", pa.int64()),
            ("part_of_fact", text),
            ("under_fact", text),
            *typed,
        ]
    )
    rows = []
    for fact in found.facts:
        values = converter.unstructure(fact.event)
        part_of, under = values.get("part_of"), values.get("under")
        lo, hi = fact.date.earliest, fact.date.latest
        one_year = lo is not None and hi is not None and lo.year == hi.year
        dispute = dispute_of.get(fact.id)
        rows.append(
            {
                "fact_id": fact.id,
                "kind": fact.kind,
                "date_text": fact.date.text,
                "date_precision": fact.date.precision.value,
                "date_earliest": lo,
                "date_latest": hi,
                "year": lo.year if one_year and lo is not None else None,
                "reports": list(fact.reports),
                "report_count": len(fact.reports),
                "sources": list(fact.sources),
                "source_kinds": sorted({source_kinds.get(s, "unknown") for s in fact.sources}),
                "corroborated": len(set(fact.sources)) >= 2,
                "official_source": any(source_kinds.get(s) == "official" for s in fact.sources),
                "values_from": fact.values_from,
                "standing": fact.id not in found.losing,
                "dispute": dispute.id if dispute else None,
                "claim": label_of.get(fact.id),
                "first_seq": fact.first_seq,
                "part_of_fact": None if part_of is None else found.fact_of.get(part_of, part_of),
                "under_fact": None if under is None else found.fact_of.get(under, under),
                **{f.name: values.get(f.name) for f in typed},
            }
        )
    return pa.Table.from_pylist(rows, schema=schema)


def _with_partner(table: pa.Table, partner: str) -> pa.Table:
    """``table`` with a ``partner`` column (its ISO3 code) first: every view's rows say
    which partner they are about."""
    import pyarrow as pa

    return table.add_column(0, "partner", pa.array([partner] * table.num_rows, pa.string()))


def _dispute_rows(found: Facts) -> pa.Table:
    import pyarrow as pa

    texts = pa.list_(pa.string())
    schema = pa.schema(
        [
            ("dispute_id", pa.string()),
            ("claim", pa.string()),
            ("carried", pa.bool_()),
            ("facts", texts),
            ("events", texts),
            ("sources", texts),
            ("note", pa.string()),
        ]
    )
    rows = [
        {
            "dispute_id": d.id,
            "claim": c.label,
            "carried": i == d.carried,
            "facts": list(c.facts),
            "events": list(c.events),
            "sources": list(c.sources),
            "note": d.note,
        }
        for d in found.disputes
        for i, c in enumerate(d.claims)
    ]
    return pa.Table.from_pylist(rows, schema=schema)


_PER_FACT = """CREATE TEMP VIEW {name} AS
    SELECT partner, fact_id AS id, {columns}, date_text, date_latest, reports, values_from,
           dispute
    FROM facts WHERE kind = '{kind}' AND standing ORDER BY date_latest NULLS LAST, first_seq"""


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
    from .bundled import refuse_installed
    from .errors import path_argument

    path = path_argument("database", database).absolute()
    refuse_installed(path)  # a database file is written to: never inside the package
    return str(path)


def _open(database: str) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect`` with extension loading off, its errors as QueryError."""
    import duckdb

    try:
        return duckdb.connect(database, config=dict(_NO_AUTOLOAD))
    except duckdb.Error as exc:
        raise QueryError(f"cannot open database {shown(database)}: {exc}") from exc


def connect(
    database: str | os.PathLike[str] = ":memory:",
    *,
    partner: str | None = "KOR",
    as_of_release: str | None = None,
    log: EventLog | None = None,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with steelbond's views (see the module docs for their columns).

    The views hold one partner's rows, South Korea's unless ``partner`` names another
    (``"JPN"``, ``"AUS"``, ``"NZL"``); ``partner=None`` holds every partner's, told apart
    by each view's ``partner`` column.

    ``database`` is in memory by default, or a local file of yours; a remote or extension
    database (``md:``, ``s3://``, ``http://``) is refused with
    :class:`~steelbond.errors.ArgumentError`, and a file DuckDB cannot open raises
    :class:`~steelbond.errors.QueryError`. ``as_of_release`` shows the data as that
    release published it. ``log`` asks the same of a log of your own instead of the
    bundled one.
    """
    from .log import EventLog

    check_type("as_of_release", as_of_release, (str, type(None)), "a release name or None")
    check_type("log", log, (EventLog, type(None)), "a steelbond.EventLog or None")
    database = _database(database)
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .api import facts, timeline
    from .converter import converter
    from .formats.parquet import log_to_table

    source = bundled_log() if log is None else log
    view = source.release(as_of_release)  # checks the release name
    releases = ", ".join(_quote(r) for r in view.release_names())
    if partner is None:
        partners = view.partners() or ("KOR",)
    else:
        from .api import check_partner

        partners = (check_partner(partner, log),)
    # replay's facts, per partner: SQL cannot differ
    found = {p: facts(partner=p, as_of_release=as_of_release, log=log) for p in partners}
    con = _open(database)
    if log is None:
        with pq.ParquetFile(bundled_path()) as reader:
            con.register("_steelbond_file", reader.read())
    else:
        con.register("_steelbond_file", log_to_table(log))
    con.register(
        "_steelbond_timeline",
        pa.concat_tables(
            _with_partner(timeline(partner=p, as_of_release=as_of_release, log=log), p)
            for p in partners
        ),
    )
    kinds = {s.id: s.kind for s in view.sources}
    con.register(
        "_steelbond_fact_rows",
        pa.concat_tables(_with_partner(_fact_rows(f, kinds), p) for p, f in found.items()),
    )
    con.register(
        "_steelbond_dispute_rows",
        pa.concat_tables(_with_partner(_dispute_rows(f), p) for p, f in found.items()),
    )
    con.register(
        "_steelbond_sources",
        pa.Table.from_pylist(
            converter.unstructure(source.sources),
            schema=pa.schema([(f.name, pa.string()) for f in attrs.fields(Source)]),
        ),
    )
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    statements = [
        f"""CREATE TEMP VIEW _steelbond_raw AS
            SELECT * FROM _steelbond_file WHERE release IN ({releases})
            AND partner IN ({", ".join(_quote(p) for p in partners)})""",
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
        """CREATE TEMP VIEW _steelbond_added AS
            SELECT a.adds_to AS event_id, e.kind, e.seq, a.seq AS added_seq, a.id AS added_by,
                   generate_subscripts(a.citations, 1) AS n, unnest(a.citations) AS c
            FROM effective_events a JOIN events e ON e.id = a.adds_to
            WHERE a.kind = 'citation_added'""",
        """CREATE TEMP VIEW citations AS
            SELECT event_id, kind, source, locator, quote, english, added_by FROM (
                SELECT o.event_id, o.kind, o.seq, 0 AS added_seq, o.n, o.c.source,
                       o.c.locator, o.c.quote, o.c.english, NULL AS added_by
                FROM (SELECT id AS event_id, kind, seq,
                             generate_subscripts(citations, 1) AS n, unnest(citations) AS c
                      FROM events WHERE kind <> 'citation_added') o
                WHERE trim(o.c.quote) <> '' OR NOT EXISTS (
                    SELECT 1 FROM _steelbond_added a
                    WHERE a.event_id = o.event_id AND a.c.source = o.c.source)
                UNION ALL
                SELECT event_id, kind, seq, added_seq, n, c.source, c.locator, c.quote,
                       c.english, added_by
                FROM _steelbond_added)
            ORDER BY seq, added_seq, n""",
        "CREATE TEMP VIEW sources AS SELECT * FROM _steelbond_sources",
        "CREATE TEMP VIEW timeline AS SELECT * FROM _steelbond_timeline",
        "CREATE TEMP VIEW facts AS SELECT * FROM _steelbond_fact_rows",
        "CREATE TEMP VIEW disputes AS SELECT * FROM _steelbond_dispute_rows",
        """CREATE TEMP VIEW events_per_year AS
            SELECT partner, year, year IS NULL AS year_uncertain, kind, count(*) AS facts,
                   sum(report_count) AS reports
            FROM facts WHERE standing
            GROUP BY partner, year, kind
            ORDER BY partner <> 'KOR', partner, year NULLS LAST, kind""",
        _PER_FACT.format(
            name="summits", kind="summit_attended", columns="summit, host, level, attended_by"
        ),
        _PER_FACT.format(
            name="ministerials",
            kind="ministerial_meeting",
            columns="level, meeting, attended_by",
        ),
        """CREATE TEMP VIEW arms_deal_items AS
            SELECT partner, part_of_fact AS deal, fact_id AS id, item, quantity,
                   quantity_approximate,
                   value, currency, value_usd, value_approximate, date_text, reports,
                   values_from, sources, dispute
            FROM facts WHERE kind = 'arms_deal' AND standing AND part_of_fact IS NOT NULL
            ORDER BY date_latest NULLS LAST, first_seq""",
        """CREATE TEMP VIEW arms_deals AS
            SELECT f.partner, fact_id AS id, year, buyer, seller, f.item, stage, f.quantity,
                   f.quantity_approximate, f.value, f.currency, f.value_usd,
                   f.value_approximate, f.value_note, f.under_fact AS under, f.date_text,
                   f.date_latest, f.reports, f.values_from, f.sources, f.dispute,
                   coalesce(i.items, []) AS items
            FROM facts f
            LEFT JOIN (SELECT partner, deal,
                              list(item || coalesce(' x' || quantity, '') ORDER BY id) AS items
                       FROM arms_deal_items GROUP BY partner, deal) i
                   ON i.deal = f.fact_id AND i.partner = f.partner
            WHERE kind = 'arms_deal' AND standing AND part_of_fact IS NULL
            ORDER BY date_latest NULLS LAST, first_seq""",
        """CREATE TEMP VIEW conflicts AS
            SELECT c.partner, c.id AS conflict_id, c.note, e.id AS event_id,
                   e.kind AS event_kind, e.summary AS event_summary, e.date_text AS event_date
            FROM (SELECT partner, id, note, seq, unnest(events) AS side FROM effective_events
                  WHERE kind = 'conflict') c
            JOIN events e ON e.id = c.side
            ORDER BY c.seq, e.seq""",
    ]
    for statement in statements:
        con.execute(statement)
    return con


def sql(
    query: str,
    *,
    partner: str | None = "KOR",
    as_of_release: str | None = None,
    log: EventLog | None = None,
) -> duckdb.DuckDBPyRelation:
    """Run one query over the views; a DuckDB relation (``.fetchall()``, ``.to_arrow_table()``).

    Each call opens a fresh in-memory connection, so no state leaks between queries. SQL
    DuckDB refuses (a syntax error, an unknown table) raises
    :class:`~steelbond.errors.QueryError`, the DuckDB error kept as its ``__cause__``. The
    relation is DuckDB's own: an error while it runs (when fetched) is DuckDB's too.
    """
    import duckdb

    check_type("query", query, str, "SQL text (a string)")
    con = connect(partner=partner, as_of_release=as_of_release, log=log)
    try:
        return con.sql(query)
    except duckdb.Error as exc:
        raise QueryError(f"SQL error: {' '.join(str(exc).split())}") from exc
