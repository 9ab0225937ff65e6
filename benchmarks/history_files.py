"""History from files: DuckDB against pandas/pyarrow on the same generated daily history.

Writes a seeded daily history (date, region, rep, outlet, SKU, quantity, amount) as one CSV
and one Parquet file, then times the aggregation salesxl needs before the core sees the
history: monthly sums by region × rep × outlet × SKU. Each engine reads the file itself.

    python benchmarks/history_files.py --rows 3000000 [--folder /tmp/hist]

Prints seconds, rows per second and the peak memory each engine added (resource's maxrss is
per process, so every engine runs in a fresh child process).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

KEYS = ["month", "region", "rep_id", "outlet_id", "sku"]


def generate(rows: int, folder: Path, seed: int = 12) -> tuple[Path, Path]:
    """``rows`` daily rows over 3 years, as a sales system exports them: one row per outlet, SKU and day
    with a sale. 2,000 outlets (40 per rep, 50 reps, 5 regions) each carry 10 of 200 SKUs, and a pair
    sells on about ``rows / 20,000 / 1,096`` of the days — so a month holds many daily rows per
    outlet × SKU, as real history does, and the monthly grain is much smaller than the daily one."""
    rng = np.random.default_rng(seed)
    pairs = rng.integers(0, 20_000, rows)
    outlets = pairs // 10
    frame = pd.DataFrame({
        "date": pd.Timestamp("2023-12-01") + pd.to_timedelta(rng.integers(0, 3 * 365, rows), unit="D"),
        "region": np.array(["华东", "华南", "华北", "华中", "西部"])[outlets % 5],
        "rep_id": pd.Series(outlets // 50).map("R{:04d}".format),
        "outlet_id": pd.Series(outlets).map("O{:05d}".format),
        "sku": pd.Series((outlets * 7 + pairs % 10 * 13) % 200).map("S{:03d}".format),
        "qty": rng.integers(1, 50, rows).astype("float64"),
        "amount": rng.integers(100, 20_000, rows).astype("float64"),
    })
    folder.mkdir(parents=True, exist_ok=True)
    csv, parquet = folder / "history.csv", folder / "history.parquet"
    frame.to_csv(csv, index=False, date_format="%Y-%m-%d")
    frame.to_parquet(parquet, index=False, row_group_size=1_000_000)
    return csv, parquet


def duckdb_monthly(path: Path) -> int:
    import duckdb
    reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
    con = duckdb.connect()
    result = con.sql(f"""
        SELECT date_trunc('month', CAST(date AS DATE)) AS month, region, rep_id, outlet_id, sku,
               sum(qty) AS qty, sum(amount) AS amount
        FROM {reader}('{path}') GROUP BY ALL""").to_arrow_table()
    return result.num_rows


def pyarrow_monthly(path: Path) -> int:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pv
    import pyarrow.parquet as pq
    table = pq.read_table(path) if path.suffix == ".parquet" else pv.read_csv(path)
    dates = table["date"].cast(pa.timestamp("s")) if table["date"].type != pa.date32() else table["date"]
    table = table.append_column("month", pc.strftime(dates, format="%Y-%m"))
    result = table.group_by(KEYS).aggregate([("qty", "sum"), ("amount", "sum")])
    return result.num_rows


def pandas_monthly(path: Path) -> int:
    frame = (pd.read_parquet(path) if path.suffix == ".parquet"
             else pd.read_csv(path, engine="pyarrow", parse_dates=["date"]))
    frame["month"] = pd.to_datetime(frame["date"]).dt.to_period("M")
    result = frame.groupby(KEYS, sort=False, observed=True)[["qty", "amount"]].sum()
    return len(result)


ENGINES = {"duckdb": duckdb_monthly, "pyarrow": pyarrow_monthly, "pandas": pandas_monthly}


def timed(engine: str, path: str, queue) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    groups = ENGINES[engine](Path(path))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put({"engine": engine, "file": Path(path).suffix[1:], "seconds": seconds, "groups": groups,
               "peak_mb": peak / 1024, "added_mb": (peak - before) / 1024})


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/salesxl_history_bench"))
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    csv, parquet = args.folder / "history.csv", args.folder / "history.parquet"
    if not (csv.exists() and parquet.exists()) or len(pd.read_parquet(parquet, columns=["amount"])) != args.rows:
        start = time.perf_counter()
        csv, parquet = generate(args.rows, args.folder)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - start:.1f} s: "
              f"CSV {csv.stat().st_size / 2**20:.0f} MB, Parquet {parquet.stat().st_size / 2**20:.0f} MB")
    context = mp.get_context("spawn")
    for path in (parquet, csv):
        for engine in ENGINES:
            best = None
            for _ in range(args.repeat):
                queue = context.Queue()
                child = context.Process(target=timed, args=(engine, str(path), queue))
                child.start()
                result = queue.get()
                child.join()
                if best is None or result["seconds"] < best["seconds"]:
                    best = result
            print(f"{best['file']:8s} {best['engine']:8s} {best['seconds']:7.2f} s  "
                  f"{args.rows / best['seconds'] / 1e6:6.2f} M rows/s  peak {best['peak_mb']:6.0f} MB  "
                  f"groups {best['groups']:,}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
