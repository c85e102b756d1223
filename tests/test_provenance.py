"""Quotes attached to released events: citation_added is read with the event it names, in
Python and in SQL alike, the released event keeping its id and hash; and the ledger check
asks every citation of an unpinned release for its quote."""

from __future__ import annotations

import attrs

import steelbond
from steelbond import EventLog, testing
from steelbond.dates import parse_date
from steelbond.kinds import Citation, CitationAdded
from steelbond.ledger import check_ledger, default_ledger_dir, read_ledger, unquoted


def _logs() -> tuple[EventLog, EventLog]:
    empty = Citation(source="notes", locator="body", quote="", english="a paraphrase")
    other = Citation(source="press", locator="p. 2", quote="kept as it is")
    released = attrs.evolve(testing.sample_event("fact", "2012-09"), citations=(empty, other))
    before = EventLog(releases=(testing.sample_release("r1"),)).append(released, release="r1")
    added = CitationAdded(
        id="q-fact",
        date=parse_date("2012-09"),
        summary="Verbatim quote for fact.",
        citations=(Citation(source="notes", locator="paragraph 3", quote="the very words"),),
        adds_to="fact",
    )
    after = attrs.evolve(before, releases=(*before.releases, testing.sample_release("r2")))
    return before, after.append(added, release="r2")


def test_an_added_quote_replaces_the_empty_one_and_keeps_the_others():
    before, after = _logs()
    fact = after.by_id("fact")
    assert [c.quote for c in before.citations_of(fact)] == ["", "kept as it is"]
    assert [c.quote for c in after.citations_of(fact)] == ["kept as it is", "the very words"]
    # the released event is untouched: same object, same hash
    assert fact == before.by_id("fact") and fact.hash == before.by_id("fact").hash
    # the release that did not know the quote still reads it without
    older = after.release("r1")
    assert [c.quote for c in older.citations_of(older.by_id("fact"))] == ["", "kept as it is"]


def test_the_sql_citations_view_reads_citations_as_python_does():
    _, log = _logs()
    rows = steelbond.sql("SELECT event_id, source, quote, added_by FROM citations", log=log)
    got = rows.fetchall()
    assert got == [
        ("fact", "press", "kept as it is", None),
        ("fact", "notes", "the very words", "q-fact"),
    ]


def test_an_added_citation_is_not_a_fact_of_its_own():
    _, log = _logs()
    assert [f.id for f in steelbond.facts(log=log).facts] == ["fact"]


def test_the_bundled_citations_view_matches_citations_of_for_every_event():
    log = steelbond.bundled_log()
    rows = steelbond.sql(
        "SELECT event_id, source, locator, quote FROM citations", partner=None
    ).fetchall()
    want = [
        (e.id, c.source, c.locator, c.quote)
        for e in log
        if e.kind != "citation_added"
        for c in log.citations_of(e)
    ]
    assert sorted(rows) == sorted(want)


def _one_release_ledger(tmp_path, text: str):
    root = tmp_path / "ledger"
    root.mkdir()
    (root / "sources.toml").write_text(
        (default_ledger_dir() / "sources.toml").read_text("utf-8"), "utf-8"
    )
    (root / "releases.toml").write_text(
        '[[release]]\nname = "9.9.9"\ndate = "2026-12-01"\ncoverage_end = "2026-01-31"\n',
        "utf-8",
    )
    (root / "9.9.9").mkdir()
    (root / "9.9.9" / "10.toml").write_text(text, "utf-8")
    return root


def test_the_check_asks_an_unpinned_release_for_every_quote(tmp_path):
    root = _one_release_ledger(
        tmp_path,
        """
[[event]]
id = "unquoted"
kind = "context"
date = "2012"
summary = "A citation without its quote."
topic = "other"
[[event.citation]]
source = "reuters2023"
locator = "paragraph 1"
quote = ""
""",
    )
    problems = check_ledger(root, tmp_path / "no-seeds")
    assert any("unquoted" in p and "quote is empty" in p for p in problems)


def test_every_citation_the_log_reads_has_its_verbatim_quote():
    """Release 0.3.0 gave every released citation with an empty quote its quote (by a
    citation_added event, or, where the cited page has no stored copy, by a correction
    citing pages that state the fact): none is left."""
    assert unquoted(read_ledger()) == []


_LINKED = """
[[event]]
id = "madrid-june"
kind = "summit_attended"
date = "2022-06"
summary = "A summit."
summit = "Madrid"
host = "ESP"
[[event.citation]]
source = "reuters2023"
locator = "paragraph 1"
quote = "one"

[[event]]
id = "madrid-july"
kind = "summit_attended"
date = "2022-07"
summary = "The same summit, dated otherwise."
summit = "Madrid"
host = "ESP"
same_as = "madrid-june"
[[event.citation]]
source = "reuters2023"
locator = "paragraph 2"
quote = "two"
"""

_DISPUTE = """
[[event]]
id = "madrid-dates"
kind = "conflict"
date = "2022"
summary = "Two dates."
events = ["madrid-june", "madrid-july"]
note = "June or July."
[[event.citation]]
source = "reuters2023"
locator = "paragraph 3"
quote = "three"
[[event.claims]]
label = "June"
events = ["madrid-june"]
[[event.claims]]
label = "July"
events = ["madrid-july"]
"""


def test_the_check_refuses_a_same_as_between_reports_that_disagree(tmp_path):
    problems = check_ledger(_one_release_ledger(tmp_path, _LINKED), tmp_path / "no-seeds")
    assert any("madrid-june" in p and "disagree" in p for p in problems)


def test_a_recorded_dispute_sets_the_disagreeing_reports_apart(tmp_path):
    root = _one_release_ledger(tmp_path, _LINKED + _DISPUTE)
    assert check_ledger(root, tmp_path / "no-seeds") == []
