"""steelbond: the sourced, event-sourced record of the South Korea–NATO relationship.

>>> import steelbond
>>> steelbond.state_at("2015-06-30").designation
<Designation.PARTNER_ACROSS_THE_GLOBE: 'partner_across_the_globe'>

Importing steelbond is cheap: the names below load their modules (and pyarrow, DuckDB) on
first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

_EXPORTS = {
    # asking questions of the bundled data (or of a log of your own)
    "state_at": "api",
    "states_at": "api",
    "timeline": "api",
    "events": "api",
    "conflicts": "api",
    "facts": "api",
    "disputes": "api",
    "sources": "api",
    "panel": "panels",
    "Panel": "panels",
    "export": "exports",
    "EventCollection": "api",
    "data_version": "bundled",
    "DataVersion": "bundled",
    "cite": "cite",
    "connect": "views",
    "sql": "views",
    "bundled_log": "bundled",
    # the state
    "State": "state",
    "Programme": "state",
    "Operation": "state",
    "Summit": "state",
    "Meeting": "state",
    "Basis": "state",
    "ClaimedValue": "state",
    "Timeline": "state",
    # facts and disputes
    "Fact": "factmodel",
    "Dispute": "factmodel",
    # the log and its storage
    "EventLog": "log",
    "read_log": "storage",
    "write_log": "storage",
    "LogFile": "formats.folder",
    "Appended": "formats.folder",
    # dates
    "PartialDate": "dates",
    "Precision": "dates",
    "parse_date": "dates",
    # events
    "Designation": "designation",
    "Citation": "kinds",
    "Source": "kinds",
    "Release": "kinds",
    "Event": "kinds",
    "KINDS": "kinds",
    "ArmsDeal": "kinds",
    "Conflict": "kinds",
    "Context": "kinds",
    "Contribution": "kinds",
    "Cooperation": "kinds",
    "DesignationChange": "kinds",
    "Incident": "kinds",
    "MinisterialMeeting": "kinds",
    "MissionOpened": "kinds",
    "NatoMilestone": "kinds",
    "OperationJoined": "kinds",
    "OperationLeft": "kinds",
    "ProgrammeRevised": "kinds",
    "ProgrammeSigned": "kinds",
    "Retraction": "kinds",
    "Statement": "kinds",
    "SummitAttended": "kinds",
    "TradeStatistic": "kinds",
    "Visit": "kinds",
    # errors
    "SteelbondError": "errors",
    "MissingExtraError": "errors",
    "ArgumentError": "errors",
    "DateError": "errors",
    "OutOfCoverageError": "errors",
    "UnknownReleaseError": "errors",
    "EventError": "errors",
    "LedgerError": "errors",
    "IntegrityError": "errors",
    "ConflictError": "errors",
    "QueryError": "errors",
    "StorageWarning": "errors",
    "StorageError": "errors",
}
_SUBMODULES = {"testing", "errors", "dates", "kinds", "factmodel", "replay", "views", "plot"}

__all__ = [
    "KINDS",
    "Appended",
    "ArgumentError",
    "ArmsDeal",
    "Basis",
    "Citation",
    "ClaimedValue",
    "Conflict",
    "ConflictError",
    "Context",
    "Contribution",
    "Cooperation",
    "DataVersion",
    "DateError",
    "Designation",
    "DesignationChange",
    "Dispute",
    "Event",
    "EventCollection",
    "EventError",
    "EventLog",
    "Fact",
    "Incident",
    "IntegrityError",
    "LedgerError",
    "LogFile",
    "Meeting",
    "MinisterialMeeting",
    "MissingExtraError",
    "MissionOpened",
    "NatoMilestone",
    "Operation",
    "OperationJoined",
    "OperationLeft",
    "OutOfCoverageError",
    "Panel",
    "PartialDate",
    "Precision",
    "Programme",
    "ProgrammeRevised",
    "ProgrammeSigned",
    "QueryError",
    "Release",
    "Retraction",
    "Source",
    "State",
    "Statement",
    "SteelbondError",
    "StorageError",
    "StorageWarning",
    "Summit",
    "SummitAttended",
    "Timeline",
    "TradeStatistic",
    "UnknownReleaseError",
    "Visit",
    "__version__",
    "bundled_log",
    "cite",
    "conflicts",
    "connect",
    "data_version",
    "disputes",
    "events",
    "export",
    "facts",
    "panel",
    "parse_date",
    "read_log",
    "sources",
    "sql",
    "state_at",
    "states_at",
    "timeline",
    "write_log",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'steelbond' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_SUBMODULES])


if TYPE_CHECKING:
    from . import dates as dates
    from . import errors as errors
    from . import factmodel as factmodel
    from . import kinds as kinds
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
    from .cite import cite
    from .dates import PartialDate, Precision, parse_date
    from .errors import (
        ArgumentError,
        ConflictError,
        DateError,
        EventError,
        IntegrityError,
        LedgerError,
        MissingExtraError,
        OutOfCoverageError,
        QueryError,
        SteelbondError,
        StorageError,
        StorageWarning,
        UnknownReleaseError,
    )
    from .factmodel import Dispute, Fact
    from .formats.folder import Appended, LogFile
    from .kinds import (
        KINDS,
        ArmsDeal,
        Citation,
        Conflict,
        Context,
        Contribution,
        Cooperation,
        Designation,
        DesignationChange,
        Event,
        Incident,
        MinisterialMeeting,
        MissionOpened,
        NatoMilestone,
        OperationJoined,
        OperationLeft,
        ProgrammeRevised,
        ProgrammeSigned,
        Release,
        Retraction,
        Source,
        Statement,
        SummitAttended,
        TradeStatistic,
        Visit,
    )
    from .log import EventLog
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
    from .views import connect, sql
