"""History from files: DuckDB against pandas/pyarrow on the same generated daily history.

Writes a seeded daily history (date, region, rep, outlet, SKU, quantity, amount) as one CSV
and one Parquet file, then times the aggregation salesxl needs before the core sees the
history: monthly sums by region × rep × outlet × SKU. Each engine reads the file itself.

    python benchmarks/history_files.py --rows 3000000 [--folder /tmp/hist]

Prints seconds, rows per second and the peak memory of the process (VmHWM: every engine runs
in a fresh child process, whose high-water mark starts at the interpreter's own). ``salesxl``
is the whole of :func:`salesxl.sources.history_files.read_history_files` — the check of every
cell, the sums and the typed pandas frame the core gets — on DuckDB.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
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


def salesxl_monthly(path: Path) -> int:
    from salesxl.sources.history_files import SettingCell, read_history_files
    frame, _, problems = read_history_files(path.name, path.parent, SettingCell("设置 Settings", 2, "B", "值 Value"))
    assert not [p for p in problems if p.severity == "error"], problems[:3]
    return len(frame)


ENGINES = {"duckdb": duckdb_monthly, "pyarrow": pyarrow_monthly, "pandas": pandas_monthly,
           "salesxl": salesxl_monthly}


def high_water_mb() -> float:
    """The process's peak resident memory (VmHWM; unlike ru_maxrss it is not inherited across exec)."""
    with open("/proc/self/status") as status:
        line = next(l for l in status if l.startswith("VmHWM"))
    return int(line.split()[1]) / 1024


def timed(engine: str, path: str, queue) -> None:
    import duckdb, pyarrow  # noqa: F401  imported before the clock starts, as salesxl has them loaded
    start = time.perf_counter()
    groups = ENGINES[engine](Path(path))
    seconds = time.perf_counter() - start
    queue.put({"engine": engine, "file": Path(path).suffix[1:], "seconds": seconds, "groups": groups,
               "peak_mb": high_water_mb()})


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/salesxl_history_bench"))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated, of: " + ", ".join(ENGINES))
    args = parser.parse_args(argv)
    csv, parquet = args.folder / "history.csv", args.folder / "history.parquet"
    if not (csv.exists() and parquet.exists()) or len(pd.read_parquet(parquet, columns=["amount"])) != args.rows:
        start = time.perf_counter()
        csv, parquet = generate(args.rows, args.folder)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - start:.1f} s: "
              f"CSV {csv.stat().st_size / 2**20:.0f} MB, Parquet {parquet.stat().st_size / 2**20:.0f} MB")
    context = mp.get_context("spawn")
    for path in (parquet, csv):
        for engine in args.engines.split(","):
            best = None
            for _ in range(args.repeat):
                queue = context.Queue()
                child = context.Process(target=timed, args=(engine, str(path), queue))
                child.start()
                result = queue.get(timeout=900)
                child.join()
                if best is None or result["seconds"] < best["seconds"]:
                    best = result
            print(f"{best['file']:8s} {best['engine']:8s} {best['seconds']:7.2f} s  "
                  f"{args.rows / best['seconds'] / 1e6:6.2f} M rows/s  peak {best['peak_mb']:6.0f} MB  "
                  f"groups {best['groups']:,}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
