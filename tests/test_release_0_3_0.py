"""Release 0.3.0 beside 0.1.0 and 0.2.0: appended only, old answers reproduced, and the
arms trade, the meetings and the provenance of every fact from the public record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import steelbond
from steelbond.errors import OutOfCoverageError
from steelbond.kinds import KINDS
from steelbond.storage import read_log

RELEASES = Path(__file__).parent / "data" / "releases"
STATE_CHANGING = sorted(k for k, cls in KINDS.items() if cls.changes_state)


@pytest.mark.parametrize("release", ["0.1.0", "0.2.0", "0.3.0"])
def test_as_of_an_old_release_answers_exactly_as_its_file_does(release: str) -> None:
    released = read_log(RELEASES / release / "events.parquet")
    first = steelbond.timeline(log=released).to_pylist()[0]["valid_from"]
    days = [first + dt.timedelta(days=d) for d in range(0, 30000, 11)]
    days = [d for d in days if d <= dt.date(2026, 1, 31)]
    assert steelbond.states_at(days, as_of_release=release).equals(
        steelbond.states_at(days, log=released)
    )


@pytest.mark.parametrize("release", ["0.1.0", "0.2.0", "0.3.0"])
def test_nothing_released_was_edited(release: str) -> None:
    released = read_log(RELEASES / release / "events.parquet")
    assert list(steelbond.bundled_log())[: len(released)] == list(released)


def _by_release(day: str) -> tuple[steelbond.State, steelbond.State, steelbond.State]:
    return tuple(  # type: ignore[return-value]
        steelbond.state_at(day, as_of_release=r) for r in ("0.1.0", "0.2.0", "0.3.0")
    )


def test_the_april_2024_foreign_ministers_meeting_is_counted_from_0_3_0() -> None:
    _, old, new = _by_release("2024-04-10")
    assert len(new.ministerials) == len(old.ministerials) + 1
    assert any(m.date.text == "2024-04-04" for m in new.ministerials)
    assert not any(m.date.text == "2024-04-04" for m in old.ministerials)


def test_coverage_reaches_the_last_day_the_record_speaks_for() -> None:
    day = "2026-02-10"  # the second Lee-Rutte call
    with pytest.raises(OutOfCoverageError):
        steelbond.state_at(day, as_of_release="0.2.0")
    assert steelbond.state_at(day, as_of_release="0.3.0").designation is not None


def test_the_review_article_s_2010_contracts_are_a_dispute_the_dated_contracts_win() -> None:
    rows = steelbond.sql(
        "SELECT claim, carried, events FROM disputes "
        "WHERE dispute_id = 'arms-conflict-first-contracts-est-nor'"
    ).fetchall()
    carried = [r for r in rows if r[1]]
    lost = [r for r in rows if not r[1]]
    assert len(carried) == 1 and "2018" in carried[0][0]
    assert any("c3-new-arms-est-2010" in r[2] or "new-arms-est-2010" in r[2] for r in lost)
    deals = steelbond.sql("SELECT id FROM arms_deals").fetchall()
    assert ("c3-new-arms-est-2010",) not in deals and ("new-arms-est-2010",) not in deals
    # under 0.2.0 the 2010 claim stood alone
    old = steelbond.sql("SELECT id FROM arms_deals WHERE buyer = 'EST'", as_of_release="0.2.0")
    assert [r[0] for r in old.fetchall()] == ["new-arms-est-2010"]


def test_every_arms_deal_has_its_value_or_a_note_that_no_source_states_one() -> None:
    rows = steelbond.sql(
        "SELECT id, value, currency, value_usd, value_note FROM arms_deals"
    ).fetchall()
    assert len(rows) > 21  # 0.2.0 had 21 rows, 2 with a value
    for id_, value, currency, usd, note in rows:
        assert value is not None or usd is not None or note, id_
        assert (value is None) == (currency is None), id_


def test_an_executive_contract_names_the_framework_it_is_concluded_under() -> None:
    rows = steelbond.sql(
        "SELECT d.id, f.stage FROM arms_deals d JOIN facts f ON f.fact_id = d.under"
    ).fetchall()
    assert rows and {stage for _, stage in rows} <= {"framework", "mou"}
    ids = {r[0] for r in rows}
    assert "pl-k2-contract-2022-08-26" in ids and "pl-k9-contract-2022-08-26" in ids


def test_the_data_changelog_lists_every_appended_correction() -> None:
    """Every event of 0.3.0 that corrects, retracts or adds to an earlier one is in the
    generated corrections page of the docs, with what it corrects."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "docs" / "_generate.py"
    spec = importlib.util.spec_from_file_location("steelbond_docs_generate", path)
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    page = generate.corrections()
    for event in steelbond.bundled_log():
        if event.release != "0.3.0":
            continue
        targets = list(event.supersedes) + [
            getattr(event, name) for name in ("retracts", "adds_to") if hasattr(event, name)
        ]
        if targets:
            assert f"``{event.id}``" in page, event.id
            for target in targets:
                assert f"``{target}``" in page, (event.id, target)


def test_every_state_changing_fact_is_listed_with_its_source_kinds() -> None:
    """The provenance of each fact the state is made of: which kinds of document state it.
    A core status fact (designation, programme, mission, operation) that rests on the
    review article alone is named here, with what was searched for it (data 0.3.0 notes)."""
    kinds = ", ".join(f"'{k}'" for k in STATE_CHANGING)
    rows = steelbond.sql(
        f"SELECT fact_id, kind, source_kinds, corroborated, sources FROM facts "
        f"WHERE standing AND kind IN ({kinds}) ORDER BY kind, first_seq"
    ).fetchall()
    known = {s.kind for s in steelbond.sources()}
    assert rows
    listing = {}
    for fact_id, kind, source_kinds, corroborated, sources in rows:
        assert source_kinds and set(source_kinds) <= known, fact_id
        assert corroborated == (len(set(sources)) >= 2), fact_id
        listing[fact_id] = (kind, tuple(source_kinds))
    core = {"designation", "programme_signed", "programme_revised", "mission_opened"}
    core |= {"operation_joined", "operation_left"}
    review_only = {f for f, (kind, src) in listing.items() if kind in core and src == ("analysis",)}
    # searched in 0.3.0 (NATO pages, the communiqué, MOFA, INSS): nothing dates the label
    assert review_only == {"rel-contact-country-istanbul-2004"}
