"""How to cite steelbond: the software, the data release, and the sources behind it."""

from __future__ import annotations

from typing import Literal

from .bundled import bundled_log, data_version
from .errors import ArgumentError, shown

__all__ = ["cite"]

REPOSITORY = "https://github.com/steelbond/steelbond"


def _bibtex_escape(text: str) -> str:
    return text.replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}")


def cite(format: Literal["text", "bibtex"] = "text") -> str:
    """A citation for the software, the bundled data release (with its checksum) and every
    source the data quotes.

    >>> import steelbond
    >>> "@software{steelbond" in steelbond.cite("bibtex")
    True
    """
    from . import __version__

    if not isinstance(format, str) or format not in ("text", "bibtex"):
        raise ArgumentError(f"format must be 'text' or 'bibtex', not {shown(format)}", format)
    data = data_version()
    sources = bundled_log().sources
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
        fields = {
            "author": s.author,
            "title": s.title,
            "note": s.title_english if s.title_english != s.title else "",
            "publisher": s.publisher,
            "year": s.date[:4],
            "url": s.url or "",
        }
        body = ",\n".join(f"  {k} = {{{_bibtex_escape(v)}}}" for k, v in fields.items() if v)
        entries.append(f"@misc{{{s.id},\n{body}\n}}")
    return "\n\n".join(entries)
