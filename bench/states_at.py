"""The **states_at** figure: many dates at once, against DuckDB and pandas.

``steelbond.states_at`` over N random dates (NumPy ``datetime64[D]``) against DuckDB's
``ASOF JOIN`` of the same dates (an Arrow table) on the same timeline table
(``steelbond.timeline()``) materialised as an Arrow table, and against pandas'
``merge_asof`` of the same dates, the sort of the dates included; all state columns in
every output; median of 5.
"""

from __future__ import annotations

import argparse
from typing import Any

from common import (
    Logs,
    Result,
    bundled_timeline,
    fmt_all,
    fmt_bytes,
    fmt_s,
    log,
    median_time,
    query_days,
)

KEY = "states_at"


def figure(args: argparse.Namespace, logs: Logs) -> Result:
    import duckdb
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    import steelbond

    n = args.n
    runs = 5
    days = query_days(n)
    table = steelbond.timeline()
    steelbond.states_at(days[:10])  # warm: timeline replayed and cached

    log(f"states_at: {n:,} dates, steelbond / DuckDB ASOF JOIN / pandas merge_asof, {runs} runs")
    steelbond.states_at(days)  # one untimed call each first
    sb_t, sb_all = median_time(lambda: steelbond.states_at(days), runs)
    result = steelbond.states_at(days)

    con = duckdb.connect()
    con.register("q", pa.table({"date": pa.array(days)}))
    con.register("tl", table)
    query = "SELECT q.date, tl.* FROM q ASOF JOIN tl ON q.date >= tl.valid_from"
    con.sql(query).to_arrow_table()
    db_t, db_all = median_time(lambda: con.sql(query).to_arrow_table(), runs)
    db = con.sql(query).to_arrow_table()

    tl_df = table.to_pandas(date_as_object=False)
    q_df = pd.DataFrame({"date": days.astype(tl_df["valid_from"].dtype)})

    def pandas_asof() -> Any:
        return pd.merge_asof(q_df.sort_values("date"), tl_df, left_on="date", right_on="valid_from")

    pandas_asof()
    pd_t, pd_all = median_time(pandas_asof, runs)
    pdf = pandas_asof()

    # The three agree (order-free check on two columns; pandas' output is sorted by date).
    def counts(values: Any) -> dict[Any, int]:
        u, c = np.unique(np.asarray(values, dtype=object).astype(str), return_counts=True)
        return dict(zip(u.tolist(), c.tolist(), strict=True))

    agree = (
        counts(result["designation"].to_numpy(zero_copy_only=False))
        == counts(db["designation"].to_numpy(zero_copy_only=False))
        == counts(pdf["designation"].to_numpy())
    )
    agree = agree and result.num_rows == db.num_rows == len(pdf) == n
    faster = sb_t < db_t and sb_t < pd_t
    # Where steelbond's time goes, by the public steps of one call: the timeline's table
    # (built once per timeline and cached on it, so timed on fresh copies) and the dates
    # read as days; the rest is finding each date's interval and gathering the rows.
    import attrs

    import steelbond.dates

    tl = bundled_timeline()
    tl.states_at(days)  # untimed: its states' lazily filled lists filled, its table built
    parts = {}
    parts["Timeline.to_arrow() of a fresh copy of the timeline (cached after)"] = median_time(
        lambda: attrs.evolve(tl).to_arrow(), 3
    )[0]
    parts["steelbond.dates.day_numbers(days): the dates as int64 days, checked"] = median_time(
        lambda: steelbond.dates.day_numbers(days), 3
    )[0]
    parts["Timeline.states_at(days), all of it (the call above, timed)"] = median_time(
        lambda: tl.states_at(days), 3
    )[0]
    return Result(
        "states_at",
        f"`states_at` for {n:,} random dates, all state fields",
        fmt_s(sb_t),
        f"DuckDB ASOF JOIN {fmt_s(db_t)}; pandas merge_asof with sort {fmt_s(pd_t)}",
        "faster than both",
        faster,
        [
            f"median of {runs} after one untimed call each; steelbond runs {fmt_all(sb_all)}; "
            f"DuckDB {fmt_all(db_all)}; pandas {fmt_all(pd_all)}",
            f"timeline of {table.num_rows} intervals; output {fmt_bytes(result.nbytes)} "
            f"(steelbond), {fmt_bytes(db.nbytes)} (DuckDB); results agree: {agree}",
            "steelbond's time by part: " + "; ".join(f"{k} {fmt_s(v)}" for k, v in parts.items()),
        ],
        {
            "steelbond": sb_t,
            "duckdb": db_t,
            "pandas": pd_t,
            "agree": agree,
            "out_bytes": result.nbytes,
            "parts": parts,
        },
    )
