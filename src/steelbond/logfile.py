"""Deprecated: the log folder lives in :mod:`steelbond.formats.folder` now.

``steelbond.logfile.LogFile`` and the module's other names still import from here until the
next release, with a ``DeprecationWarning``; ``steelbond.LogFile`` is unchanged.
"""

from __future__ import annotations

import warnings
from typing import Any

__all__: list[str] = []

_MOVED = ("FANOUT", "INDEX", "Appended", "LogFile", "LogFolder", "is_log_folder", "read_log_folder")


def __getattr__(name: str) -> Any:
    if name not in _MOVED:
        raise AttributeError(f"module 'steelbond.logfile' has no attribute {name!r}")
    warnings.warn(
        f"steelbond.logfile.{name} moved to steelbond.formats.folder.{name}; the old path "
        "goes in the next release",
        DeprecationWarning,
        stacklevel=2,
    )
    from .formats import folder

    return getattr(folder, name)
