"""Dataframes, notebooks and the picture."""

from __future__ import annotations

import sys

import pytest

import steelbond
from steelbond import MissingExtraError


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
    state_html = steelbond.state_at("2024-01-01")._repr_html_()
    assert state_html.startswith("<table>") and "global partner" in state_html
    collection = steelbond.events("summit_attended")
    assert collection._repr_html_().count("<tr>") == len(collection) + 1
    assert "<td>summit_attended</td>" in collection[0]._repr_html_()


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
