"""The human-edited ledger: TOML files in the repository that the Parquet data is built from.

Parquet does not diff in review, so people write events in ``ledger/`` (its README gives the
format) and ``read_ledger`` turns them into an :class:`~steelbond.EventLog`, in a fixed
order, so the same ledger always gives the same log and the same hashes. ``check_ledger``
checks every citation against the source documents.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .converter import structure, structure_event
from .errors import EventError, LedgerError, SteelbondError
from .kinds import ArmsDeal, Conflict, Event, Release, Source
from .log import EventLog

__all__ = [
    "check_ledger",
    "default_ledger_dir",
    "default_seeds_dir",
    "normalise",
    "read_ledger",
    "unquoted",
]


def default_ledger_dir() -> Path:
    """``ledger/`` of the source checkout this module runs from."""
    return Path(__file__).resolve().parents[2] / "ledger"


def default_seeds_dir() -> Path:
    """The source documents: ``$STEELBOND_SEEDS`` or ``../shared/seeds`` beside the checkout."""
    env = os.environ.get("STEELBOND_SEEDS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "seeds"


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LedgerError(f"cannot read ledger file {path}: {exc}", str(path)) from None


def _tables(doc: dict[str, Any], key: str, path: Path) -> list[dict[str, Any]]:
    """The ``[[key]]`` array of tables of a ledger file, checked to be one."""
    items = doc.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise LedgerError(
            f"{path.name}: '{key}' must be an array of tables ([[{key}]]), "
            f"not {type(items).__name__}",
            str(path),
        )
    return items


def _event_row(raw: dict[str, Any], release: str, path: Path) -> dict[str, Any]:
    row = dict(raw)
    if not row.get("citation"):
        raise LedgerError(
            f"{path.name}: event {row.get('id')!r} has no [[event.citation]]; every event "
            "needs at least one",
            str(path),
        )
    row["citations"] = row.pop("citation")
    if "release" in row:
        raise LedgerError(
            f"{path.name}: event {row.get('id')!r} sets 'release'; the folder it is in says "
            "which release recorded it",
            str(path),
        )
    row["release"] = release
    return row


def read_ledger(root: Path | None = None) -> EventLog:
    """Read the ledger at ``root`` (default: the checkout's ``ledger/``) into a log.

    Releases are read in the order ``releases.toml`` lists them, each release's files in
    file-name order, events in file order: that order is the log's ``seq``.
    """
    root = root or default_ledger_dir()
    sources_path, releases_path = root / "sources.toml", root / "releases.toml"
    sources_list: list[Source] = []
    # sources.toml, then sources-<part>.toml files in name order: a part of the record
    # researched on its own keeps its sources in its own file
    for path in [sources_path, *sorted(root.glob("sources-*.toml"))]:
        try:
            sources_list += [
                structure(s, Source) for s in _tables(_load_toml(path), "source", path)
            ]
        except EventError as exc:
            raise LedgerError(f"{path.name}: {exc}", str(path)) from None
    sources = tuple(sources_list)
    ids = [s.id for s in sources]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise LedgerError(
            f"source ids defined more than once (in sources*.toml): {repeated}; give each "
            "document one id",
            str(sources_path),
        )
    try:
        releases = tuple(
            structure(r, Release)
            for r in _tables(_load_toml(releases_path), "release", releases_path)
        )
    except EventError as exc:
        raise LedgerError(f"{releases_path.name}: {exc}", str(releases_path)) from None
    for release in releases:
        if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.+-]*", release.name):
            raise LedgerError(
                f"releases.toml: release name {release.name!r} must be a version such as "
                "'0.2.0' (it names a folder of the ledger)",
                str(releases_path),
            )
    log = EventLog(sources=sources, releases=releases)
    known_sources = {s.id for s in sources}
    for release in releases:
        folder = root / release.name
        for path in sorted(folder.glob("*.toml")):
            for raw in _tables(_load_toml(path), "event", path):
                row = _event_row(raw, release.name, path)
                try:
                    event = structure_event(row)
                    for cit in event.citations:
                        if cit.source not in known_sources:
                            raise EventError(
                                f"event {event.id!r} cites unknown source {cit.source!r}; "
                                f"known: {sorted(known_sources)}",
                                event.id,
                            )
                    log = log.append(event)
                except SteelbondError as exc:
                    raise LedgerError(f"{path.name}: {exc}", str(path)) from None
    return log


_HYPHEN_BREAK = re.compile(r"(\w)-[ \t]*\n\s*(\w)")
_SPACE = re.compile(r"\s+")


def normalise(text: str, *, keep_hyphens: bool = False) -> str:
    """Whitespace collapsed to single spaces; words broken across lines joined.

    A hyphen at a line end is usually the extraction breaking one word ("Mir-\\nšajmer");
    with ``keep_hyphens`` it is kept as a real hyphen ("војно-\\nцивилни" → "војно-цивилни").
    """
    joined = _HYPHEN_BREAK.sub(r"\1-\2" if keep_hyphens else r"\1\2", text)
    return _SPACE.sub(" ", joined).strip()


@attrs.frozen
class _Document:
    joined: str
    hyphenated: str

    def contains(self, quote: str) -> bool:
        q = normalise(quote)
        return q in self.joined or q in self.hyphenated


def check_ledger(root: Path | None = None, seeds: Path | None = None) -> list[str]:
    """Every problem of the ledger, as readable lines (empty when all is well).

    Reads the whole ledger, then checks each citation: its source exists, its quote is found
    verbatim in the source document (when ``seeds`` holds it), its quote is short, and a
    non-English quote has an English rendering.
    """
    seeds = seeds or default_seeds_dir()
    try:
        log = read_ledger(root)
    except SteelbondError as exc:
        return [str(exc)]
    problems: list[str] = []
    pinned = {p.stem for p in ((root or default_ledger_dir()) / "pins").glob("*.txt")}
    documents: dict[str, _Document] = {}
    for src in log.sources:
        if src.file and (seeds / src.file).is_file():
            text = (seeds / src.file).read_text(encoding="utf-8")
            documents[src.id] = _Document(normalise(text), normalise(text, keep_hyphens=True))
    languages = {s.id: s.language for s in log.sources}
    by_id = {e.id: e for e in log}
    problems += _fact_problems(log)
    for event in log:
        if event.same_as is not None:
            first = by_id[event.same_as]
            if first.same_as is not None:
                problems.append(
                    f"{event.id}: same_as names {first.id}, which is itself the same as "
                    f"{first.same_as}; name the first report"
                )
            if type(first) is not type(event):
                problems.append(f"{event.id}: same_as names {first.id}, an event of another kind")
        if event.release not in pinned:
            problems += _arms_deal_problems(event, by_id)
            # from the first release not yet pinned on, every citation has its quote (one
            # that a citation_added supplies counts); released ones are listed by unquoted()
            for cit in log.citations_of(event):
                if not cit.quote.strip():
                    problems.append(
                        f"{event.id} [{cit.source}, {cit.locator}]: the quote is empty; every "
                        "citation needs the verbatim sentence or clause that states the fact, "
                        "in the source's language"
                    )
        for cit in event.citations:
            where = f"{event.id} [{cit.source}, {cit.locator}]"
            doc = documents.get(cit.source)
            if doc is not None and not doc.contains(cit.quote):
                problems.append(f"{where}: quote not found in the source: {cit.quote!r}")
            if len(cit.quote.split()) > 40:
                problems.append(f"{where}: quote is {len(cit.quote.split())} words; keep it short")
            if languages.get(cit.source) != "en" and not cit.english:
                problems.append(f"{where}: quote is not in English and has no 'english' rendering")
    return problems


_STAGES = frozenset({"talks", "mou", "framework", "contract", "delivery", "purchase", "other"})


def _arms_deal_problems(event: Event, by_id: Mapping[str, Event]) -> list[str]:
    """The rules an arms deal recorded from release 0.3.0 on must keep: a value with its
    currency or a note saying why there is none, a known stage, and an ``under`` that names
    an earlier framework agreement or MoU."""
    if not isinstance(event, ArmsDeal):
        return []
    problems: list[str] = []
    if (
        event.part_of is None  # an item line shares its deal's value
        and event.value is None
        and event.value_usd is None
        and not event.value_note
    ):
        problems.append(
            f"{event.id}: an arms deal needs its value (value and currency, as the source "
            "states it) or a value_note saying which sources were read and that none states one"
        )
    if (event.value is None) != (event.currency is None):
        problems.append(f"{event.id}: value and currency go together (currency is ISO 4217)")
    if event.currency is not None and not re.fullmatch(r"[A-Z]{3}", event.currency):
        problems.append(
            f"{event.id}: currency {event.currency!r} is not an ISO 4217 code such as EUR"
        )
    if event.stage not in _STAGES:
        problems.append(f"{event.id}: stage {event.stage!r} is not one of {sorted(_STAGES)}")
    if event.under is not None:
        frame = by_id.get(event.under)
        if (
            not isinstance(frame, ArmsDeal)
            or frame.stage not in {"framework", "mou"}
            or frame.seq is None
            or (event.seq is not None and frame.seq > event.seq)
        ):
            problems.append(
                f"{event.id}: under {event.under} must name an earlier arms deal whose stage "
                "is framework or mou"
            )
    return problems


def unquoted(log: EventLog) -> list[str]:
    """The citations of the standing events that still lack a verbatim quote, as the log
    reads them (``citation_added`` events merged): what release 0.2.0 left without quotes
    and no later release has supplied yet."""
    return [
        f"{event.id} [{cit.source}]"
        for event in log.effective()
        for cit in log.citations_of(event)
        if not cit.quote.strip()
    ]


def _fact_problems(log: EventLog) -> list[str]:
    """The links and disputes the fact model cannot take, in the log as it now stands.

    A ``same_as`` must join reports that agree (see :mod:`steelbond.factmodel`), unless a
    dispute sets them apart as competing claims: that is how a released link between
    disagreeing reports is corrected without editing it. A dispute's claims must name
    events of its own ``events`` list, each in one claim only, and there must be two.
    """
    from .replay import facts_of

    problems: list[str] = []
    # A dispute the ledger did not record is a same_as group whose reports disagree.
    for dispute in (d for p in log.partners() for d in facts_of(log.of_partner(p)).disputes):
        if not dispute.recorded:
            linked = ", ".join(i for c in dispute.claims for i in c.events)
            problems.append(
                f"{dispute.id.removeprefix('same-as:')}: same_as links reports that disagree "
                f"(kind, a fact field or dates that cannot both be true): {linked}; they "
                "cannot be one fact, so record them as competing claims (a conflict with "
                "claims) or drop the link"
            )
    by_id = {e.id: e for e in log}
    for event in log.effective():
        part_of = event.part_of if isinstance(event, ArmsDeal) else None
        if part_of is not None:
            deal = by_id.get(part_of)
            if (
                not isinstance(deal, ArmsDeal)
                or deal.part_of is not None
                or deal.seq is None
                or (event.seq is not None and deal.seq > event.seq)
            ):
                problems.append(
                    f"{event.id}: part_of {part_of} must name an earlier arms deal that is not "
                    "itself an item line"
                )
    for event in log.effective():
        if not isinstance(event, Conflict) or not event.claims:
            continue
        named = [i for c in event.claims for i in c.events]
        if len(event.claims) < 2:
            problems.append(f"{event.id}: a dispute needs at least two claims")
        if len(named) != len(set(named)):
            problems.append(f"{event.id}: an event is named in more than one claim")
        stray = sorted(set(named) - set(event.events))
        if stray:
            problems.append(f"{event.id}: claims name events missing from its events: {stray}")
    return problems
