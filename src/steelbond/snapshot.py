"""Deprecated: the shipped timelines' format lives in :mod:`steelbond.formats.timeline` now,
and rendering the file (build time) in :func:`steelbond.build.render_timelines`.

The module's names still import from here until the next release, with a
``DeprecationWarning``.
"""

from __future__ import annotations

import warnings
from typing import Any

__all__: list[str] = []

_MOVED = {
    "FORMAT": "steelbond.formats.timeline.FORMAT",
    "decode_timeline": "steelbond.formats.timeline.decode_timeline",
    "encode_timeline": "steelbond.formats.timeline.encode_timeline",
    "read_timeline": "steelbond.formats.timeline.read_timeline",
    "render": "steelbond.build.render_timelines",
}


def __getattr__(name: str) -> Any:
    if name not in _MOVED:
        raise AttributeError(f"module 'steelbond.snapshot' has no attribute {name!r}")
    warnings.warn(
        f"steelbond.snapshot.{name} moved to {_MOVED[name]}; the old path goes in the next release",
        DeprecationWarning,
        stacklevel=2,
    )
    if name == "render":
        from .build import render_timelines

        return render_timelines
    from .formats import timeline

    return getattr(timeline, name)
