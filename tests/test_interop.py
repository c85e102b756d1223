"""Dataframes, notebooks and the picture."""

from __future__ import annotations

import sys

import pytest

import steelbond
from steelbond.errors import MissingExtraError


def test_events_convert_to_pandas_and_polars_with_the_same_rows():
    events = steelbond.events("summit_attended")
    pdf, pldf = events.to_pandas(), events.to_polars()
    assert list(pdf["id"]) == list(events.ids()) == pldf["id"].to_list()


def test_the_timeline_converts_to_dataframes():
    tl = steelbond.replay.replay(steelbond.bundled_log())
    assert tl.to_pandas().shape == tl.to_polars().shape == tl.to_arrow().shape


@pytest.mark.parametrize(("module", "call"), [("pandas", "to_pandas"), ("polars", "to_polars")])
def test_a_missing_extra_names_what_to_install(monkeypatch, module, call):
    monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    with pytest.raises(MissingExtraError, match=rf"steelbond\[{module}\]"):
        getattr(steelbond.events("summit_attended"), call)()


def test_states_events_and_collections_render_as_html_tables():
    state = steelbond.state_at("2024-01-01")
    state_html = state._repr_html_()
    designation = state.designation.value.replace("_", " ")
    assert state_html.startswith("<table>") and designation in state_html
    collection = steelbond.events("summit_attended")
    assert collection._repr_html_().count("<tr>") == len(collection) + 1
    assert "<td>summit_attended</td>" in collection[0]._repr_html_()


def test_an_events_html_shows_the_converters_row_for_every_bundled_event():
    from steelbond.converter import unstructure_event
    from steelbond.frames import html_table

    for event in steelbond.bundled_log():
        row = unstructure_event(event)  # what the event's HTML shows, but for two fields
        row["date"] = event.date.text
        row["citations"] = [
            f"{c.source}, {c.locator}: “{c.quote}”" + (f" ({c.english})" if c.english else "")
            for c in event.citations
        ]
        expected = html_table(("field", "value"), list(row.items()), f"{event.kind} {event.id}")
        assert event._repr_html_() == expected, event.id


def test_html_escapes_what_the_data_says():
    from steelbond.frames import html_table

    assert "&lt;script&gt;" in html_table(("a",), [("<script>",)])


def test_the_plot_draws_every_lane_and_a_mark_per_summit():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import steelbond.plot

    fig = steelbond.plot.timeline()
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [
        "arms deals",
        "summits",
        "operations",
        "mission to NATO",
        "programme",
        "designation",
    ]
    summits = [line for line in ax.get_lines() if line.get_marker() == "D"]
    assert len(summits[0].get_xdata()) == len(steelbond.state_at("2025-12-31").summits)


def test_states_at_string_columns_read_as_strings_in_every_tool():
    """The string columns are dictionary-encoded for speed; every reader must still see
    strings and lists of strings equal to what ``state_at`` says for the same day."""
    import duckdb
    import polars as pl

    days = ["2008-04-03", "2015-06-30", "2023-07-12", "2025-12-31"]
    table = steelbond.states_at(days)
    frame = table.to_pandas()
    polars = pl.from_arrow(table)
    con = duckdb.connect()
    con.register("s", table)
    in_sql = con.sql("SELECT event_ids, cooperation_areas FROM s").fetchall()
    for i, day in enumerate(days):
        state = steelbond.state_at(day)
        ids = list(state.basis.all_ids())
        areas = list(state.cooperation_areas)
        assert [str(x) for x in frame["event_ids"][i]] == ids
        assert polars["event_ids"][i].to_list() == ids
        assert list(in_sql[i][0]) == ids
        assert list(in_sql[i][1]) == areas
        assert table["cooperation_areas"][i].as_py() == areas
        assert frame["designation"][i] == polars["designation"][i] == state.designation.value
    types = dict(zip(con.sql("FROM s").columns, map(str, con.sql("FROM s").types), strict=True))
    assert (types["event_ids"], types["designation"]) == ("VARCHAR[]", "VARCHAR")
