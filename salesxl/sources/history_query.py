"""The history salesxl uses, defined once with Ibis and compiled for the engine that holds the rows.

A national company's history is hundreds of millions of daily outlet × SKU rows in a database, a
warehouse or a Spark cluster; a step needs a few thousand monthly sums. So the sums are written here
once, as Ibis expressions, and each engine runs them where the rows are: DuckDB for CSV/Parquet
files and ``.duckdb`` databases, PostgreSQL, Spark (and any other engine Ibis compiles for). Only the
sums travel to the planner's machine.

Three aggregations, over rows under salesxl's names (:func:`sales_rows`):

- :func:`monthly_sums` at region × rep × outlet × SKU (× weekday) for the months of the target and
  breakdown window (:class:`salesxl.core.history.HistoryWindow` ``detail``);
- :func:`monthly_sums` at region × rep for the same month of the last three years outside that window
  (``by_region``), which the four-factor target needs by region only;
- :func:`daily_actuals`: the plan month's sales by day × rep × outlet × SKU, for tracking.

Every sum also counts the rows behind it (``n_rows``) and keeps the group's first day (``date``), so a
sum of sums is a sum again: the file path sums each file's rows at the finest grain while it checks
every cell, then hands that table to the same :func:`monthly_sums`.

Values never reach SQL as text: months and days are Ibis parameters of type date, bound when the query
runs; table and column names come from the engine's own catalogue (:mod:`salesxl.sources.warehouse`).
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from ibis import _

TEXT_KEYS = ("region", "rep_id", "outlet_id", "sku")
NUMBER_KEYS = ("qty", "amount")
DETAIL_KEYS = TEXT_KEYS
BY_REGION_KEYS = ("region", "rep_id")
ACTUALS_KEYS = ("rep_id", "outlet_id", "sku")
ROW_COLUMNS = ("date", "month", *TEXT_KEYS, *NUMBER_KEYS, "n_rows")
"""What :func:`sales_rows` gives every source: a day or a month, the four keys, the two numbers, and 1 row."""


def sales_rows(table: ir.Table, columns: dict[str, str]) -> ir.Table:
    """The source's rows under salesxl's names, typed: ``date`` and ``month`` as dates, keys as text,
    quantity and amount as numbers, ``n_rows`` 1; a column the source lacks is null.

    ``columns`` maps salesxl's key (``date``, ``region`` ...) to the source's column, whose name comes
    from the engine's catalogue. A month given as text (``2026-02``) becomes the month's first day.
    """
    schema = table.schema()
    out = {}
    for key in ROW_COLUMNS[:-1]:
        name = columns.get(key)
        if name is None:
            kind = "date" if key in ("date", "month") else ("string" if key in TEXT_KEYS else "float64")
            out[key] = ibis.null(kind)
            continue
        value, kind = table[name], schema[name]
        if key in ("date", "month"):
            if kind.is_string():
                text = value.strip()
                value = (text + "-01").cast("date") if key == "month" else text.cast("date")
            elif kind.is_timestamp():
                value = value.date()
            if key == "month":
                value = value.truncate("M")
        elif key in TEXT_KEYS:
            value = value if kind.is_string() else value.cast("string")
        out[key] = value
    out["n_rows"] = ibis.literal(1, type="int64")
    return table.select(**out)


def month_bounds() -> tuple[ir.Scalar, ir.Scalar]:
    """The first day of the window's first month and of the month after its last: two date parameters."""
    return ibis.param("date").name("first_day"), ibis.param("date").name("end_day")


def monthly_sums(rows: ir.Table, keys: Sequence[str], months: Sequence[pd.Period] | None, weekday: bool = False,
                 extra: Sequence[str] = ()) -> tuple[ir.Table, dict]:
    """Quantity, amount and rows by month and ``keys`` (and weekday, for daily rows, with ``weekday``).

    ``months`` None sums every month. Otherwise only rows of those months are summed: the range is a
    filter on the day (or month) column itself, which an engine can answer from a partition or an
    index, and the months in it that the step does not need are then left out. ``extra`` columns are
    summed too (the file check's mistake counts). Returns the expression and the values of its
    parameters.
    """
    sales_month = ibis.coalesce(rows.month, rows.date.truncate("M"))
    params: dict = {}
    if months is not None:
        first, end = month_bounds()
        start, stop = months[0].start_time.date(), (months[-1] + 1).start_time.date()
        params = {first: start, end: stop}
        in_range = ((rows.date >= first) & (rows.date < end)) | ((rows.month >= first) & (rows.month < end))
        rows = rows.filter(in_range)
        sales_month = ibis.coalesce(rows.month, rows.date.truncate("M"))
        wanted = [m.start_time.date() for m in months]
        if len(wanted) < (months[-1] - months[0]).n + 1:  # gaps: the months in the range the step skips
            rows = rows.filter(sales_month.isin(wanted))
            sales_month = ibis.coalesce(rows.month, rows.date.truncate("M"))
    groups = {"sales_month": sales_month}
    if weekday:
        groups["weekday"] = rows.date.day_of_week.index()  # 0 = Monday; null for monthly rows
    groups |= {key: rows[key] for key in keys}
    metrics = {"qty": _.qty.sum(), "amount": _.amount.sum(), "n_rows": _.n_rows.sum(), "date": _.date.min()}
    metrics |= {name: rows[name].sum() for name in extra}
    return rows.group_by(**groups).aggregate(**metrics), params


def daily_actuals(rows: ir.Table, month: pd.Period) -> tuple[ir.Table, dict]:
    """The sales of ``month`` by day, rep, outlet and SKU (monthly rows carry no day and are left out)."""
    first, end = month_bounds()
    params = {first: month.start_time.date(), end: (month + 1).start_time.date()}
    days = rows.filter((rows.date >= first) & (rows.date < end))
    summed = days.group_by(date=days.date, **{key: days[key] for key in ACTUALS_KEYS}).aggregate(
        qty=_.qty.sum(), amount=_.amount.sum(), n_rows=_.n_rows.sum())
    return summed, params


def resummed(summed: ir.Table) -> ir.Table:
    """Sums (as :func:`monthly_sums` gives them) as rows again, for another :func:`monthly_sums`."""
    weekday = "weekday" in summed.columns
    return summed.select(
        date=summed.date if weekday else ibis.null("date"), month=summed.sales_month,
        **{key: summed[key] if key in summed.columns else ibis.null("string") for key in TEXT_KEYS},
        qty=summed.qty.cast("float64"), amount=summed.amount.cast("float64"), n_rows=summed.n_rows.cast("int64"))


# ---- the frames the core gets ----

def history_frame(parts: Sequence[pa.Table], weekday_grain: bool, columns: Sequence[str]) -> pd.DataFrame:
    """Summed rows (Arrow tables from :func:`monthly_sums`) as the History sheet's typed frame.

    The rows are sorted, so the same sums in any order (engines return groups as they finish) give
    the core the same frame, row for row. Converted column by column, so at most one column exists
    twice at a time.
    """
    grouped = concatenated(parts)
    if grouped.num_rows and pc.any(pc.is_null(grouped["sales_month"])).as_py():
        grouped = grouped.filter(pc.is_valid(grouped["sales_month"]))  # rows without a month: reported already
    order = ["sales_month", "weekday", "date", *TEXT_KEYS]
    grouped = grouped.sort_by([(key, "ascending") for key in order])
    n = grouped.num_rows
    data: dict = {}
    if weekday_grain:
        dates = pd.to_datetime(grouped["date"].to_pandas()).astype("datetime64[ns]")
        has_weekday = grouped["weekday"].is_valid().to_numpy(zero_copy_only=False)
        data["date"] = dates.where(has_weekday).to_numpy()
    else:
        data["date"] = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    data["month"] = months_of(grouped["sales_month"])
    return typed_frame(data, grouped, TEXT_KEYS, columns)


def actuals_frame(summed: pa.Table, columns: Sequence[str]) -> pd.DataFrame:
    """Daily sums (from :func:`daily_actuals`) as the Actuals sheet's typed frame, sorted."""
    summed = summed.sort_by([(key, "ascending") for key in ("date", *ACTUALS_KEYS)])
    data: dict = {"date": pd.to_datetime(summed["date"].to_pandas()).astype("datetime64[ns]").to_numpy()}
    return typed_frame(data, summed, ACTUALS_KEYS, columns)


def typed_frame(data: dict, summed: pa.Table, text_keys: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    """``data`` (the dates) with the sums' text keys and numbers, as a sheet's frame numbered from row 1."""
    for key in text_keys:
        data[key] = texts(summed[key])
    for key in NUMBER_KEYS:
        data[key] = numbers(summed[key])
    frame = pd.DataFrame(data, index=pd.Index(range(1, summed.num_rows + 1), name="excel_row", dtype="int64"))
    return frame[list(columns)]


def concatenated(parts: Sequence[pa.Table]) -> pa.Table:
    """The parts as one table: each part's columns in one shape (a part without weekday gets a null one)."""
    columns = ["sales_month", "weekday", "date", *TEXT_KEYS, *NUMBER_KEYS, "n_rows"]
    kinds = {"sales_month": pa.date32(), "weekday": pa.int16(), "date": pa.date32(), "qty": pa.float64(),
             "amount": pa.float64(), "n_rows": pa.int64()}
    shaped = []
    for part in parts:
        arrays = []
        for name in columns:
            kind = kinds.get(name, pa.string())
            if name in part.column_names:
                arrays.append(part[name].cast(kind) if part[name].type != kind else part[name])
            else:
                arrays.append(pa.nulls(part.num_rows, kind))
        shaped.append(pa.table(arrays, names=columns))
    return pa.concat_tables(shaped) if shaped else pa.table(
        [pa.array([], kinds.get(name, pa.string())) for name in columns], names=columns)


def months_of(days) -> pd.arrays.PeriodArray:
    """First days of months (date32) as monthly periods, built from their ordinals in one go."""
    stamps = days.cast(pa.timestamp("s")).to_numpy(zero_copy_only=False).astype("datetime64[M]")
    ordinals = (stamps.astype("int64"))  # months since 1970-01, as a monthly period's ordinal
    return pd.arrays.PeriodArray(ordinals, dtype=pd.PeriodDtype("M"))


def texts(column) -> np.ndarray:
    values = column.to_numpy(zero_copy_only=False).astype(object)
    values[pd.isna(values)] = None
    return values


def numbers(column) -> np.ndarray:
    return column.cast(pa.float64()).to_numpy(zero_copy_only=False).astype("float64")


def months_covered(parts: Sequence[pa.Table]) -> list[pd.Period]:
    """The months that have sums, in order."""
    found = set()
    for part in parts:
        column = part["sales_month"] if "sales_month" in part.column_names else part["date"]
        for day in pc.unique(column.drop_null()).to_pylist():
            found.add(pd.Period(day if isinstance(day, dt.date) else day.date(), freq="M"))
    return sorted(found)
