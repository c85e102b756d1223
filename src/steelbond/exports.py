"""Exports: the release as flat, documented tables for R, Stata, spreadsheets and Frictionless.

:func:`steelbond.export` writes, into a folder of your choosing, one file per table and format:

========================  ===============================================================
``events``                every event of the release, one row each (``effective`` false
                          for those a later event supersedes or retracts)
``citations``             one row per citation, as the release reads it
``sources``               the documents cited
``facts``                 one row per fact (reports that agree, counted once)
``conflicts``             one row per side of each recorded disagreement
``disputes``              one row per claim of each dispute
``timeline``              the state as intervals ``[valid_from, valid_to)``
``panel_year``            the yearly panel (:func:`steelbond.panel`, ``at="end"``)
``panel_day``             the daily panel
========================  ===============================================================

Every column is a scalar: a list of ids is joined with ``"; "`` (ids never hold a
semicolon), and the few nested values (a dispute's claims) are JSON text. Each table is
written as CSV (UTF-8, a header row, empty cells for missing values, ``TRUE``/``FALSE``),
as Parquet, and, where pandas is installed (``pip install 'steelbond[stata]'``), as Stata
``.dta`` (version 118) with variable labels and value labels for ``designation``. Beside
them: ``codebook.md`` (every table and column with its meaning) and ``datapackage.json``
(a Frictionless Data Package over the CSV files, which ``frictionless validate`` accepts
row by row).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .errors import ArgumentError, check_type, shown

if TYPE_CHECKING:
    import pyarrow as pa

    from .log import EventLog

__all__ = [
    "FORMATS",
    "TABLES",
    "Exported",
    "codebook",
    "datapackage",
    "describe",
    "export",
    "flat_csv",
    "flatten",
    "tables",
    "write_table",
]

TABLES = (
    "events",
    "citations",
    "sources",
    "facts",
    "conflicts",
    "disputes",
    "timeline",
    "panel_year",
    "panel_day",
)
"""The tables :func:`steelbond.export` writes, in order."""
FORMATS = ("csv", "parquet", "dta")
"""The formats :func:`steelbond.export` can write."""
JOIN = "; "
"""What a list of ids or names is joined with in the flat tables."""


@attrs.frozen
class Exported:
    """What :func:`steelbond.export` wrote: the folder, and every file, in the order written."""

    directory: Path
    files: tuple[Path, ...]


def flatten(table: pa.Table) -> pa.Table:
    """``table`` with scalar columns only: strings instead of dictionary-encoded strings,
    lists of scalars joined with ``"; "``, structs and lists of structs as JSON text, and a
    partial-date struct split into ``<name>_text``, ``_precision``, ``_earliest`` and
    ``_latest``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    names: list[str] = []
    arrays: list[Any] = []
    for field, column in zip(table.schema, table.columns, strict=True):
        t = field.type
        if pa.types.is_dictionary(t):
            column, t = column.cast(t.value_type), t.value_type
        if pa.types.is_list(t) and pa.types.is_dictionary(t.value_type):
            column = column.cast(pa.list_(t.value_type.value_type))
            t = column.type
        if pa.types.is_struct(t) and {f.name for f in t} == {
            "text",
            "precision",
            "earliest",
            "latest",
        }:
            for part in ("text", "precision", "earliest", "latest"):
                if f"{field.name}_{part}" in table.schema.names:
                    continue  # the view has the part as a column already
                names.append(f"{field.name}_{part}")
                arrays.append(pc.struct_field(column, part))
        elif pa.types.is_list(t) and pa.types.is_string(t.value_type):
            names.append(field.name)
            arrays.append(pc.binary_join(column, JOIN))
        elif pa.types.is_list(t) or pa.types.is_struct(t):
            names.append(field.name)
            arrays.append(
                pa.array(
                    [
                        None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                        for v in column.to_pylist()
                    ],
                    pa.string(),
                )
            )
        else:
            names.append(field.name)
            arrays.append(column)
    return pa.table(arrays, names=names)


def tables(*, as_of_release: str | None = None, log: EventLog | None = None) -> dict[str, pa.Table]:
    """The flat tables :func:`steelbond.export` writes, by name, as Arrow tables."""
    from .api import check_common, replayed
    from .panels import panel
    from .views import connect

    check_common(as_of_release, log)
    con = connect(partner=None, as_of_release=as_of_release, log=log)
    try:
        out: dict[str, pa.Table] = {}
        for name in TABLES[:7]:
            query = f"SELECT * FROM {name}"
            if name == "events":
                query = "SELECT * EXCLUDE (citations) FROM events ORDER BY seq"
            out[name] = flatten(con.sql(query).to_arrow_table())
    finally:
        con.close()
    windows = [replayed(log, as_of_release, p) for p in _partners(log)]
    start = min(t.coverage_start for t in windows)
    end = max(t.coverage_end for t in windows)
    kw: dict[str, Any] = {"as_of_release": as_of_release, "log": log}
    out["panel_year"] = panel(start.year, end.year, by="year", **kw).to_arrow()
    out["panel_day"] = panel(start, end, by="day", **kw).to_arrow()
    return out


def _partners(log: EventLog | None) -> tuple[str, ...]:
    from .bundled import bundled_log

    return (bundled_log() if log is None else log).partners() or ("KOR",)


def export(
    directory: str | os.PathLike[str],
    *,
    formats: Iterable[str] = FORMATS,
    as_of_release: str | None = None,
    log: EventLog | None = None,
) -> Exported:
    """Write the release's flat tables, ``codebook.md`` and ``datapackage.json`` into
    ``directory`` (made if missing; files of the same names are replaced).

    ``formats`` is any of ``"csv"``, ``"parquet"`` and ``"dta"``; asking for ``"dta"``
    without pandas raises :class:`~steelbond.errors.MissingExtraError`. The folder may not
    be inside the installed package's data.
    """
    from .bundled import refuse_installed

    check_type("directory", directory, (str, os.PathLike), "a folder path")
    chosen = [formats] if isinstance(formats, str) else list(formats)
    for f in chosen:
        if f not in FORMATS:
            raise ArgumentError(f"formats: {shown(f)} is not one of {', '.join(FORMATS)}", f)
    if "dta" in chosen:
        from .frames import require

        require("pandas", "stata")
    folder = Path(directory)
    refuse_installed(folder)
    if folder.exists() and not folder.is_dir():
        raise ArgumentError(f"{folder} exists and is not a folder", str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    flat = tables(as_of_release=as_of_release, log=log)
    written: list[Path] = []
    for name, table in flat.items():
        for format in FORMATS:
            if format in chosen:
                written.append(write_table(table, folder / f"{name}.{format}", format, name=name))
    book = folder / "codebook.md"
    book.write_text(codebook(flat), encoding="utf-8")
    written.append(book)
    if "csv" in chosen:
        package = folder / "datapackage.json"
        document = datapackage(flat, {n: f"{n}.csv" for n in flat})
        package.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
        written.append(package)
    return Exported(directory=folder, files=tuple(written))


def write_table(
    table: pa.Table, path: str | os.PathLike[str], format: str, *, name: str = "table"
) -> Path:
    """Write one flat table to ``path`` as ``csv``, ``parquet`` or ``dta`` (Stata; its
    variable labels come from the codebook, ``name`` saying which table it is)."""
    if format not in FORMATS:
        raise ArgumentError(f"format {shown(format)} is not one of {', '.join(FORMATS)}", format)
    from .bundled import refuse_installed

    target = Path(path)
    refuse_installed(target)
    if format == "csv":
        return _write_csv(table, target)
    if format == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, target)
        return target
    return _write_dta(name, table, target)


def flat_csv(table: pa.Table) -> bytes:
    """A flat table as CSV bytes: UTF-8, a header row, empty cells for nulls."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    # TRUE/FALSE: what base R's read.csv reads as logical (it keeps "true" as text), and
    # what pandas and the data package's schema read as booleans too
    columns = [
        pc.if_else(c, "TRUE", "FALSE") if pa.types.is_boolean(c.type) else c for c in table.columns
    ]
    sink = pa.BufferOutputStream()
    pcsv.write_csv(
        pa.table(columns, names=table.column_names),
        sink,
        pcsv.WriteOptions(quoting_style="needed"),
    )
    return bytes(sink.getvalue().to_pybytes())


def _write_csv(table: pa.Table, path: Path) -> Path:
    path.write_bytes(flat_csv(table))
    return path


def _write_dta(name: str, table: pa.Table, path: Path) -> Path:
    """A Stata file: booleans as 0/1 bytes, dates as Stata dates, missing text as the empty
    string (Stata's missing string), designation with value labels, and every variable
    labelled from the codebook (cut to Stata's 80 characters)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from .designation import Designation
    from .frames import require

    pd = require("pandas", "stata")

    columns = {}
    dates = {}
    for field, column in zip(table.schema, table.columns, strict=True):
        if len(field.name) > 32:
            raise ArgumentError(f"{name}.{field.name}: longer than Stata's 32 characters", name)
        if pa.types.is_boolean(field.type):
            columns[field.name] = column.cast(pa.int8()).to_pandas()
        elif pa.types.is_date32(field.type):
            columns[field.name] = pd.to_datetime(column.to_pandas())
            dates[field.name] = "td"
        elif field.name == "designation" and name.startswith("panel"):
            # value labels: Stata stores the designation as a labelled integer
            columns[field.name] = pd.Categorical(
                column.to_pylist(), categories=[d.value for d in Designation]
            )
        elif pa.types.is_string(field.type):
            # Stata's missing string is the empty string
            columns[field.name] = pc.fill_null(column, "").to_pandas().astype(object)
        else:
            columns[field.name] = column.to_pandas()
    frame = pd.DataFrame(columns)
    # Stata's str holds up to 2,045 bytes; longer text goes in strL (measured in Arrow,
    # where the byte lengths are one vectorised call)
    long_text = [
        f.name
        for f, column in zip(table.schema, table.columns, strict=True)
        if pa.types.is_string(f.type) and (pc.max(pc.binary_length(column)).as_py() or 0) > 2000
    ]
    labels = {c: describe(name, c)[:80] for c in frame.columns}
    frame.to_stata(
        path,
        write_index=False,
        version=118,
        convert_dates=dates,
        convert_strl=long_text,
        variable_labels=labels,
        data_label=f"steelbond {name}",
    )
    return path


_FIXED = {
    "id": "the event's id: stable, unique, never reused",
    "seq": "the event's place in the log (0 first)",
    "kind": "the kind of event or fact (see the codebook's list of kinds)",
    "partner": "the partner country, ISO 3166-1 alpha-3 (KOR)",
    "summary": "one line saying what happened, in English",
    "release": "the data release that recorded it",
    "hash": "SHA-256 chain hash over the previous event's hash and this event",
    "prev_hash": "the previous event's hash (64 zeros for the first)",
    "supersedes": "ids of the events this one corrects (joined with '; ')",
    "same_as": "id of the earlier report of the same fact",
    "date_text": "the date as the source gives it (partial date: 2012, 2012-09, ../2021)",
    "date_precision": "the date's precision: day, month, season, year, range, unknown",
    "date_earliest": "the earliest day the date allows (empty when open)",
    "date_latest": "the latest day the date allows (empty when open)",
    "date_note": "where a date bound comes from, or why it cannot be closed",
    "year": "the year (of the period; of a fact or event only when its whole date is in it)",
    "effective": "false when a later event of the release supersedes or retracts it",
    "event_id": "id of the event",
    "source": "id of the source document (see the sources table)",
    "locator": "where in the source: section, paragraph, footnote",
    "quote": "short verbatim quote, in the source's language",
    "english": "English rendering of the quote (empty when the source is in English)",
    "added_by": "the citation_added event that gave this citation, if any",
    "author": "author of the document",
    "title": "title of the document, in its language",
    "title_english": "English title",
    "publisher": "publisher, journal or outlet",
    "date": "date of the document",
    "language": "language of the document (ISO 639-1)",
    "license": "licence of the document",
    "file": "file name of a seed document",
    "url": "web address the document was read at",
    "accessed": "the day it was read",
    "fact_id": "the fact's id: the id of its first report",
    "reports": "ids of the reports of the fact (joined with '; ')",
    "report_count": "how many reports",
    "sources": "ids of the documents behind it (joined with '; ')",
    "source_kinds": "kinds of those documents (official, news_agency, analysis, ...)",
    "corroborated": "true when two or more documents state the fact",
    "official_source": "true when an official text is among its documents",
    "values_from": "the most specific report, whose values the fact takes",
    "standing": "false for a claim of a dispute that the state does not carry",
    "dispute": "id of the dispute it is a claim of",
    "claim": "label of its claim in that dispute",
    "first_seq": "log position of its first report",
    "part_of_fact": "the arms deal (fact id) this item line belongs to",
    "under_fact": "the framework agreement (fact id) this contract is concluded under",
    "conflict_id": "id of the conflict event",
    "note": "what the disagreement is",
    "event_kind": "kind of the event on this side",
    "event_summary": "summary of the event on this side",
    "event_date": "date of the event on this side",
    "dispute_id": "id of the dispute",
    "carried": "true for the claim the state carries",
    "facts": "ids of the claim's facts (joined with '; ')",
    "events": "ids of events (joined with '; ')",
    "claims": "the dispute's claims as JSON: label and events",
    "valid_from": "first day of the interval (inclusive)",
    "valid_to": "day after the interval's last day (exclusive)",
    "designation": "NATO's name for the partner's status (none, contact_country, ...)",
    "programme": "partnership programme in force (IPCP, ITPP), if any",
    "programme_signed": "its signing date as the source gives it",
    "programme_revisions": "how often it had been revised",
    "mission_to_nato": "whether the partner had a diplomatic mission to NATO",
    "operations": "NATO-led operations it took part in (joined with '; ')",
    "summits": "summits attended by then (joined with '; ')",
    "summit_count": "summits attended by then",
    "ministerial_count": "NATO ministers' meetings attended by then",
    "cooperation_areas": "practical cooperation areas begun by then (joined with '; ')",
    "dialogue_since": "start of political dialogue (partial date), if begun",
    "trust_fund_usd": "trust-fund money with a stated amount, summed (USD)",
    "arms_deals": "arms deals with NATO members by then",
    "uncertain": "reports of facts whose date straddles the day and would change the state",
    "uncertain_fields": "the state fields those facts would change",
    "disputed_fields": "the state fields competing claims give other values",
    "disputed": "each claim on those fields: field: value [carried] (events)",
    "event_ids": "ids of the events behind the state (joined with '; ')",
    "ccode": "Correlates of War country code (South Korea 732)",
    "gwcode": "Gleditsch-Ward country code (South Korea 732)",
    "country": "country name",
    "framework": "NATO partnership framework the partner belongs to",
    "period": "the period's label (2015, 2015Q2, 2015-06, 2015-W23, 2015-06-30)",
    "period_start": "first day of the period",
    "period_end": "last day of the period",
    "in_coverage": "true when the whole period lies within the sources' coverage",
    "coverage": "how much of the period the sources cover: full, partial, none",
    "covered_days": "days of the period the sources cover",
    "read_on": "the day the stocks are read (empty for at=any/all or when not covered)",
    "dialogue": "whether political dialogue had begun",
    "summits_total": "summits attended by the reading day",
    "ministerials_total": "NATO ministers' meetings attended by the reading day",
    "arms_deals_total": "arms deals with NATO members by the reading day",
    "trust_fund_usd_total": "trust-fund money with a stated amount by the reading day (USD)",
    "summits_attended": "summits attended in the period (facts dated wholly inside it)",
    "ministerials_attended": "ministers' meetings attended in the period",
    "arms_deals_signed": "arms deals signed in the period (MoU, framework, contract, purchase)",
    "arms_deals_value_usd": "stated USD value of those deals, summed (empty if none states one)",
    "arms_deals_value_usd_partial": "true when some of those deals state no USD value",
    "trust_fund_pledges": "trust-fund contributions in the period",
    "trust_fund_pledged_usd": "their stated USD amounts, summed",
    "trust_fund_pledged_usd_partial": "true when some contributions state no amount",
}
"""What each column means (a column found in no entry is described by its pattern)."""


def describe(table: str, column: str) -> str:
    """What ``column`` of the flat table ``table`` means, for the codebook and Stata labels."""
    from .designation import Designation
    from .kinds import KINDS

    if column in _FIXED:
        return _FIXED[column]
    for suffix, text in (
        ("_uncertain", "true when a fact whose date straddles the period may change"),
        ("_disputed", "true when competing claims disagree on"),
    ):
        if column.endswith(suffix):
            return f"{text} {column.removesuffix(suffix)}"
    if column.startswith("des_") and column.removeprefix("des_") in {d.value for d in Designation}:
        return f"designation is {column.removeprefix('des_')} (indicator)"
    if column.startswith("op_"):
        name = column.removeprefix("op_")
        if name.endswith("_personnel"):
            return f"personnel in operation {name.removesuffix('_personnel')}, where stated"
        return f"takes part in NATO-led operation {name}"
    if column.startswith("coop_"):
        return f"cooperation in area {column.removeprefix('coop_')} has begun"
    if column.startswith("facts_"):
        return f"facts of kind {column.removeprefix('facts_')} dated wholly inside the period"
    owners = sorted(k for k, cls in KINDS.items() if column in attrs.fields_dict(cls))
    if owners:
        return f"field {column} of {', '.join(owners)} events (see steelbond.kinds)"
    raise ArgumentError(f"no description for column {table}.{column}", column)


def _frictionless_type(t: Any) -> str:
    import pyarrow as pa

    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t):
        return "number"
    if pa.types.is_date32(t):
        return "date"
    return "string"


def datapackage(flat: Mapping[str, pa.Table], paths: Mapping[str, str]) -> dict[str, Any]:
    """A Frictionless Data Package (v1 descriptor, which frictionless-r reads without a
    warning) over the flat tables written as CSV at ``paths``."""
    from .bundled import data_version

    version = data_version()
    resources = []
    for name, table in flat.items():
        fields = [
            {
                "name": f.name,
                "type": _frictionless_type(f.type),
                "description": describe(name, f.name),
                **(
                    {"trueValues": ["TRUE"], "falseValues": ["FALSE"]}
                    if _frictionless_type(f.type) == "boolean"
                    else {}
                ),
            }
            for f in table.schema
        ]
        resource: dict[str, Any] = {
            "profile": "tabular-data-resource",
            "name": name.replace("_", "-"),
            "path": paths[name],
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {"fields": fields, "missingValues": [""]},
        }
        resources.append(resource)
    return {
        "profile": "tabular-data-package",
        "name": "steelbond",
        "title": "steelbond: the South Korea-NATO relationship as sourced events",
        "version": version.release,
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "resources": resources,
    }


def codebook(flat: Mapping[str, pa.Table]) -> str:
    """The codebook of the flat tables, in Markdown: each table, each column, its meaning."""
    from .bundled import data_version

    version = data_version()
    lines = [
        f"# steelbond codebook (data release {version.release})",
        "",
        "Flat tables: lists of ids are joined with `; `; an empty cell is a missing value,",
        "never a zero. See the documentation for how facts, disputes and panels are built.",
        "",
    ]
    for name, table in flat.items():
        lines += [f"## {name}", "", f"{table.num_rows} rows.", "", "| column | type | meaning |"]
        lines.append("| --- | --- | --- |")
        for f in table.schema:
            lines.append(
                f"| `{f.name}` | {_frictionless_type(f.type)} | {describe(name, f.name)} |"
            )
        lines.append("")
    return "\n".join(lines)
