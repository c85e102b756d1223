"""Dataframes and notebooks: pandas and polars conversions, and HTML for Jupyter.

pandas and polars are optional (``pip install steelbond[pandas]`` or ``[polars]``); asking
for one that is missing raises :class:`~steelbond.errors.MissingExtraError` naming the extra.
"""

from __future__ import annotations

import html
import importlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .errors import MissingExtraError

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["html_table", "require", "to_pandas", "to_polars"]


def require(module: str, extra: str) -> Any:
    """Import an optional dependency, or say which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{module} is not installed; install it with: pip install 'steelbond[{extra}]'",
            extra,
        ) from None


def to_pandas(table: pa.Table) -> Any:
    """The Arrow table as a ``pandas.DataFrame``."""
    require("pandas", "pandas")
    return table.to_pandas()


def to_polars(table: pa.Table) -> Any:
    """The Arrow table as a ``polars.DataFrame``."""
    return require("polars", "polars").from_arrow(table)


def html_table(header: Sequence[str], rows: Iterable[Sequence[object]], caption: str = "") -> str:
    """A small HTML table, every cell escaped."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    return str(value)
