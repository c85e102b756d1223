"""steelbond: the sourced, event-sourced record of the South Korea–NATO relationship.

>>> import steelbond
>>> steelbond.state_at("2015-06-30").designation
<Designation.PARTNER_ACROSS_THE_GLOBE: 'partner_across_the_globe'>

The top level holds what research code calls: the questions, the records they answer with,
the log, and citing and checking the data. The event kinds live in :mod:`steelbond.kinds`
and the errors in :mod:`steelbond.errors` (``steelbond.SteelbondError`` is the one every
error subclasses). Importing steelbond is cheap: each name loads its module (and pyarrow,
DuckDB) on first use.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    # questions of the bundled data (or of a log of your own)
    "state_at": "api",
    "states_at": "api",
    "timeline": "api",
    "events": "api",
    "facts": "api",
    "disputes": "api",
    "conflicts": "api",
    "sources": "api",
    "clear_caches": "caches",
    "panel": "panels",
    "export": "exports",
    "connect": "views",
    "sql": "views",
    # citing and checking the data
    "cite": "cite",
    "verify": "verification",
    "data_version": "bundled",
    "bundled_log": "bundled",
    # the records the questions answer with
    "State": "state",
    "Programme": "state",
    "Operation": "state",
    "Summit": "state",
    "Meeting": "state",
    "Basis": "state",
    "ClaimedValue": "state",
    "Timeline": "state",
    "Designation": "designation",
    "Fact": "factmodel",
    "Dispute": "factmodel",
    "Panel": "panels",
    "EventCollection": "api",
    "DataVersion": "bundled",
    "Verification": "verification",
    "PartialDate": "dates",
    "parse_date": "dates",
    # the log
    "EventLog": "log",
    "LogFolder": "formats.folder",
    "read_log": "storage",
    "write_log": "storage",
    # the one error every other subclasses
    "SteelbondError": "errors",
}
"""Every top-level name and the module it lives in: the public surface, declared once."""

_MOVED = {
    **dict.fromkeys(
        (
            "KINDS",
            "Event",
            "Citation",
            "Source",
            "Release",
            "ArmsDeal",
            "Conflict",
            "Context",
            "Contribution",
            "Cooperation",
            "DesignationChange",
            "Incident",
            "MinisterialMeeting",
            "MissionOpened",
            "NatoMilestone",
            "OperationJoined",
            "OperationLeft",
            "ProgrammeRevised",
            "ProgrammeSigned",
            "Retraction",
            "Statement",
            "SummitAttended",
            "TradeStatistic",
            "Visit",
        ),
        "kinds",
    ),
    **dict.fromkeys(
        (
            "ArgumentError",
            "ConflictError",
            "DateError",
            "EventError",
            "IntegrityError",
            "LedgerError",
            "MissingExtraError",
            "OutOfCoverageError",
            "QueryError",
            "StorageError",
            "StorageWarning",
            "UnknownReleaseError",
        ),
        "errors",
    ),
    "Precision": "dates",
    "Appended": "formats.folder",
    "LogFile": "formats.folder",
}
"""Names the top level held before 0.3.0, still found there (with a DeprecationWarning)
until the next release: the event kinds are in steelbond.kinds, the errors in
steelbond.errors, ``LogFile`` is ``LogFolder``."""

_SUBMODULES = {
    "countries",
    "dates",
    "errors",
    "exports",
    "factmodel",
    "kinds",
    "panels",
    "plot",
    "replay",
    "testing",
    "views",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    if name == "__version__":
        # written once, in pyproject.toml: the installed package's metadata carries it
        from importlib.metadata import version

        globals()[name] = value = version("steelbond")
        return value
    if name in _MOVED:
        home = _MOVED[name]
        warnings.warn(
            f"steelbond.{name} moved to steelbond.{home}.{name}"
            + ("" if name != "LogFile" else " (as LogFolder)")
            + "; the top-level name will be removed in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(f".{home}", __name__), name)
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'steelbond' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_SUBMODULES])


if TYPE_CHECKING:
    from . import countries as countries
    from . import dates as dates
    from . import errors as errors
    from . import exports as exports
    from . import factmodel as factmodel
    from . import kinds as kinds
    from . import panels as panels
    from . import plot as plot
    from . import replay as replay
    from . import testing as testing
    from . import views as views
    from .api import (
        EventCollection,
        conflicts,
        disputes,
        events,
        facts,
        sources,
        state_at,
        states_at,
        timeline,
    )
    from .bundled import DataVersion, bundled_log, data_version
    from .caches import clear_caches
    from .cite import cite
    from .dates import PartialDate, parse_date
    from .designation import Designation
    from .errors import SteelbondError
    from .exports import export
    from .factmodel import Dispute, Fact
    from .formats.folder import LogFolder
    from .log import EventLog
    from .panels import Panel, panel
    from .state import (
        Basis,
        ClaimedValue,
        Meeting,
        Operation,
        Programme,
        State,
        Summit,
        Timeline,
    )
    from .storage import read_log, write_log
    from .verification import Verification, verify
    from .views import connect, sql

    __version__: str
