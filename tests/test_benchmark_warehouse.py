"""The warehouse benchmark's history and queries at a tiny size (no timings: those live in the benchmark)."""

from __future__ import annotations

import duckdb
import ibis

from benchmarks.warehouse import generate, queries


def test_the_generated_history_is_seeded_sorted_by_day_and_summed_whole_by_salesxls_query(tmp_path):
    """20,000 rows over 1,096 days: each rep owns 50 outlets (rep = outlet // 50) in one region, rows are
    in day order, a second generation gives the same rows, and the all-months query sums every row."""
    [part] = generate(20_000, tmp_path / "a", threads=1)
    con = duckdb.connect()
    rows = con.read_parquet(str(part)).df()
    assert len(rows) == 20_000
    assert (str(rows["date"].min().date()), str(rows["date"].max().date())) == ("2023-12-01", "2026-11-30")
    assert rows["date"].is_monotonic_increasing
    outlet = rows["outlet_id"].str[1:].astype(int)
    assert (rows["rep_id"].str[1:].astype(int) == outlet // 50).all()
    assert rows.groupby("rep_id")["region"].nunique().max() == 1
    assert rows.groupby("outlet_id")["sku"].nunique().max() <= 8
    again = con.read_parquet(str(generate(20_000, tmp_path / "b", threads=1)[0])).df()
    assert again.equals(rows)

    table = ibis.duckdb.connect().read_parquet(str(part), table_name="history")
    [(name, all_months), _] = queries()
    [(expr, params)] = all_months(table)
    sums = table.get_backend().to_pyarrow(expr, params=params)
    assert name == "region×rep, all months"
    assert sums["n_rows"].to_pylist() and sum(sums["n_rows"].to_pylist()) == 20_000
    assert round(sum(sums["amount"].to_pylist()), 2) == round(float(rows["amount"].sum()), 2)
