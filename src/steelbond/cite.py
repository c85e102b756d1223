"""How to cite steelbond: the software, the data release, and the sources behind it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from .bundled import bundled_log, data_version
from .errors import ArgumentError, shown

if TYPE_CHECKING:
    from .kinds import Source
    from .panels import Panel
    from .state import State

__all__ = ["cite"]

REPOSITORY = "https://github.com/steelbond/steelbond"


def _bibtex_escape(text: str) -> str:
    return text.replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}")


_JOURNAL = re.compile(r"(?P<journal>.+), pp\. (?P<pages>\d+)[-–](?P<last>\d+)")
"""How the ledger writes a journal article's publisher: ``Journal, pp. 121-138``."""


def _sources_of(of: State | Panel | None) -> tuple[Source, ...]:
    from .panels import Panel
    from .state import State

    log = bundled_log()
    if of is None:
        return log.sources
    if isinstance(of, Panel):
        return of.sources
    if isinstance(of, State):
        ids = set(of.basis.all_ids())
        cited = {c.source for e in log if e.id in ids for c in log.citations_of(e)}
        return tuple(s for s in log.sources if s.id in cited)
    raise ArgumentError(
        f"of must be a steelbond.State, a steelbond.Panel or None, not {type(of).__name__}", of
    )


def cite(format: Literal["text", "bibtex"] = "text", *, of: State | Panel | None = None) -> str:
    """A citation for the software, the bundled data release (with its checksum) and the
    sources: every source the data quotes, or, with ``of``, only those behind a state or a
    panel (cite what you used).

    >>> import steelbond
    >>> "@software{steelbond" in steelbond.cite("bibtex")
    True
    >>> used = steelbond.cite(of=steelbond.state_at("2013-01-01"))
    >>> len(used) < len(steelbond.cite())
    True
    """
    from . import __version__

    if not isinstance(format, str) or format not in ("text", "bibtex"):
        raise ArgumentError(f"format must be 'text' or 'bibtex', not {shown(format)}", format)
    data = data_version()
    sources = _sources_of(of)
    if format == "text":
        lines = [
            f"steelbond developers (2026). steelbond: the sourced, event-sourced record of the "
            f"South Korea–NATO relationship. Software version {__version__}. {REPOSITORY}",
            f"steelbond developers (2026). steelbond data, release {data.release} "
            f"({data.events} events, coverage to {data.coverage_end}), SHA-256 {data.sha256}. "
            "CC BY 4.0.",
            "Sources:",
        ]
        for s in sources:
            who = f"{s.author}. " if s.author else ""
            where = f" {s.url}" if s.url else ""
            english = f" [{s.title_english}]" if s.title_english != s.title else ""
            lines.append(f"- {who}{s.title}{english}. {s.publisher}, {s.date}.{where}")
        return "\n".join(lines)
    if format != "bibtex":
        raise ArgumentError(f"format must be 'text' or 'bibtex', not {shown(format)}", format)
    entries = [
        "@software{steelbond,\n"
        "  author = {{steelbond developers}},\n"
        "  title = {steelbond: the sourced, event-sourced record of the South Korea--NATO "
        "relationship},\n"
        f"  version = {{{__version__}}},\n  year = {{2026}},\n  url = {{{REPOSITORY}}}\n}}",
        f"@dataset{{steelbond_data_{data.release.replace('.', '_')},\n"
        "  author = {{steelbond developers}},\n"
        f"  title = {{steelbond data, release {data.release}}},\n"
        f"  version = {{{data.release}}},\n  year = {{2026}},\n"
        f"  note = {{{data.events} events; SHA-256 {data.sha256}; CC BY 4.0}},\n"
        f"  url = {{{REPOSITORY}}}\n}}",
    ]
    for s in sources:
        article = _JOURNAL.fullmatch(s.publisher) if s.kind == "analysis" else None
        fields = {
            "author": s.author,
            "title": s.title,
            "note": s.title_english if s.title_english != s.title else "",
            "year": s.date[:4],
            "url": s.url or "",
        }
        if article is not None:
            # a journal article: the journal and the pages, as BibTeX's @article has them
            # (no volume or issue: the ledger has none the source states)
            fields["journal"] = article["journal"]
            fields["pages"] = f"{article['pages']}--{article['last']}"
            entry = "article"
        else:
            fields["publisher"] = s.publisher
            entry = "misc"
        body = ",\n".join(f"  {k} = {{{_bibtex_escape(v)}}}" for k, v in fields.items() if v)
        entries.append(f"@{entry}{{{s.id},\n{body}\n}}")
    return "\n\n".join(entries)
