"""Rows over Excel's limit: a table too long for a sheet goes to a Parquet file beside the workbook.

A sheet holds at most 1,048,576 rows. A national release can produce more — 10,000 core
outlets × 200 SKUs is 2,000,000 core outlet × SKU targets — and a table cut at the limit
would be silently wrong. So before a step writes, :func:`spill_oversized` looks at each
sheet it is about to write: when the sheet would run past the limit, its long tables go
whole to a Parquet file beside the workbook (``plan.outlet_targets.core_outlet_sku_targets.parquet``
for ``plan.xlsx``'s Outlet Targets), and the sheet shows each such table summed to a coarser
grain (core outlet × SKU → rep × SKU) with a note giving the file. The step reports it as a
notice, so the command line says so too. The decision is made here, on the
:class:`SheetOutput` data, before any writer sees it.

The Parquet file is written before the workbook (atomically, like the workbook); if the
workbook write then fails, the file is left beside it and the next run replaces it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..problems import Problem
from .backend import GridRows, OutColumn, OutTable, RawSheet, SheetOutput, WorkbookBackend
from .contract import OUTPUT_SHEETS
from .schema import SheetLayout, SheetSchema

EXCEL_MAX_ROWS = 1_048_576
"""The rows a worksheet holds (Excel 2007 and later). Tests lower it to spill a small demo."""

SUMMABLE = ("amount", "decimal", "integer")


@dataclass(frozen=True)
class SummedView:
    """How a long table is shown on its sheet when its rows go to Parquet.

    Attributes:
        heading: the heading of the table (on the sheet named by the mapping's key).
        by: the columns it is summed by (e.g. ``rep_id``, ``sku``); every summable column
            (amounts, numbers) is summed, the others are left out.
        zh, en: the grain in words, for the heading and the note (``业务员×产品``, ``rep × SKU``).
        key: names the Parquet file: ``plan.outlet_targets.core_outlet_sku_targets.parquet``.
    """

    heading: str
    by: tuple[str, ...]
    zh: str
    en: str
    key: str


def sheet_rows(output: SheetOutput) -> int:
    """The rows the sheet takes when rendered: title block, then each table with its heading, header and totals.

    Mirrors :func:`salesxl.workbook.render.render_sheet`'s layout: title, the run line (every sheet
    a step writes has one: :func:`salesxl.steps.run_step` stamps it after this count is taken),
    subtitle, one row per note, a blank row; per table any space left above it, its heading, header,
    rows (at least one), a totals row when a column is totalled, and a blank row.
    """
    rows = 1 + 1 + (1 if output.subtitle else 0) + len(output.notes) + 1
    for table in output.tables:
        rows += table.space_above + (1 if table.heading else 0) + 1 + max(len(table.frame), 1)
        rows += 1 if any(c.total for c in table.columns) else 0
        rows += 1
    return rows - 1  # the blank row after the last table is not written


def spill_oversized(outputs: Sequence[SheetOutput], workbook: Path | None,
                    views: Mapping[str, Sequence[SummedView]]) -> tuple[list[SheetOutput], list[Problem]]:
    """``outputs`` with every sheet that would pass the row limit cut down to fit, and a notice for each.

    ``views`` says, per sheet key, how its long tables are summed. The tables are spilled
    longest first until the sheet fits. Without a workbook path (a live book never saved)
    nothing can be placed beside it: that is an error, and nothing is written.
    """
    kept, problems = [], []
    for output in outputs:
        if sheet_rows(output) <= EXCEL_MAX_ROWS:
            kept.append(output)
            continue
        if workbook is None:
            problems.append(Problem(output.sheet.name, None, None, "too-many-rows-unsaved",
                                    "结果超过Excel的行数上限，需要写入工作簿旁的文件；请先保存工作簿",
                                    "the result has more rows than a sheet holds and must go to a file beside the "
                                    "workbook; save the workbook first"))
            continue
        spilled, notices = spill_sheet(output, workbook, {v.heading: v for v in views.get(output.sheet.key, ())})
        kept.append(spilled)
        problems += notices
    return kept, problems


def spill_sheet(output: SheetOutput, workbook: Path, views: Mapping[str, SummedView]
                ) -> tuple[SheetOutput, list[Problem]]:
    tables, notes, notices = list(output.tables), list(output.notes), []
    longest_first = sorted(range(len(tables)), key=lambda i: -len(tables[i].frame))
    for i in longest_first:
        if sheet_rows(replace(output, tables=tables, notes=notes)) <= EXCEL_MAX_ROWS:
            break
        table = tables[i]
        view = views.get(table.heading or "") or SummedView(table.heading or "", (table.columns[0].key,),
                                                               table.columns[0].zh, table.columns[0].en, f"table{i + 1}")
        path = parquet_path(workbook, output, view)
        write_parquet(table, path)
        tables[i] = summed(table, view, path)
        zh = (f"“{table.heading}”共 {len(table.frame):,} 行，工作表将超过Excel的 {EXCEL_MAX_ROWS:,} 行上限：完整数据"
              f"已写入 {path.name}（与工作簿同一文件夹），本表按{view.zh}汇总")
        en = (f"'{table.heading}' has {len(table.frame):,} rows, which would take the sheet past Excel's "
              f"{EXCEL_MAX_ROWS:,} rows: every row is in {path.name} (beside the workbook); the sheet shows it "
              f"summed by {view.en}")
        notes.append(f"{zh} / {en}")
        notices.append(Problem(output.sheet.name, None, None, "rows-to-parquet", zh, en, "notice"))
    return replace(output, tables=tables, notes=notes), notices


def summed(table: OutTable, view: SummedView, path: Path) -> OutTable:
    """The table summed by the view's columns: the key columns, then every summable column."""
    keys = [c for c in table.columns if c.key in view.by]
    values = [c for c in table.columns if c.kind in SUMMABLE and c.key not in view.by]
    frame = (table.frame.groupby(list(view.by), sort=False, dropna=False)[[c.key for c in values]]
             .sum().reset_index())
    heading = f"{table.heading or ''} — 按{view.zh}汇总 summed by {view.en}（全部行见 every row in {path.name}）"
    return OutTable(frame, keys + values, heading=heading, tone=table.tone, page_break=table.page_break)


def parquet_path(workbook: Path, output: SheetOutput, view: SummedView) -> Path:
    """``plan.outlet_targets.core_outlet_sku_targets.parquet`` beside ``plan.xlsx``: workbook, sheet, table."""
    return workbook.with_name(f"{workbook.stem}.{output.sheet.key}.{view.key}.parquet")


def write_parquet(table: OutTable, path: Path) -> None:
    """Every row of the table, its shown columns under their bilingual headers, written atomically."""
    frame = table.frame[[c.key for c in table.columns]].copy()
    for c in table.columns:
        if frame[c.key].dtype == object:
            # Plain values stay as they are (bools stay bools); anything else (a Period, a Link) as its text.
            frame[c.key] = frame[c.key].map(lambda v: v if v is None or isinstance(v, (str, bool, int, float, np.generic))
                                            else str(v))
    frame.columns = [c.label for c in table.columns]
    temp = path.with_name(f"~salesxl-{os.getpid()}-{path.name}")
    try:
        frame.to_parquet(temp, index=False)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


# ---- reading a spilled table back (tracking and close read the release as issued) ----

def spilled_table(book: WorkbookBackend, schema: SheetSchema, raw: RawSheet
                  ) -> tuple[pd.DataFrame, SheetLayout, list[Problem]] | None:
    """The issued table ``schema`` from its Parquet file, when the sheet ``raw`` says its rows went there.

    The sheet's note names the file (``every row in plan.outlet_targets.core_outlet_sku_targets.parquet``),
    so a file left over from an earlier, smaller release is never read by mistake. The file's
    columns carry the sheet's bilingual headers; rows are numbered as a spreadsheet shows the
    file (the header is row 1), so a problem found in them names the file and the row.
    """
    workbook = book.path
    sheet = next((s for s in OUTPUT_SHEETS if s.name == raw.name), None)
    if workbook is None or sheet is None:
        return None
    path = workbook.with_name(f"{workbook.stem}.{sheet.key}.{schema.key}.parquet")
    mark = f"every row in {path.name}"
    column_a = raw.rows.column(0) if isinstance(raw.rows, GridRows) else [row[0] if row else None for row in raw.rows]
    if not any(isinstance(value, str) and mark in value for value in column_a):
        return None
    layout = SheetLayout(schema.key, path.name)
    if not path.exists():
        return pd.DataFrame(), layout, [Problem(path.name, None, None, "spilled-file-missing",
                                                f"工作表“{raw.name}”的完整数据文件 {path.name} 不见了；请重新运行分解",
                                                f"the file {path.name} holding every row of '{raw.name}' is missing; "
                                                "run the breakdown again")]
    frame = pd.read_parquet(path)
    matched, _ = schema.match_headers(list(frame.columns))
    layout.columns = {c.key: (None, str(frame.columns[j])) for j, c in matched.items()}
    found = {c.key: frame.iloc[:, j] for j, c in matched.items()}
    data = {}
    for c in schema.columns:
        values = found.get(c.key, pd.Series([c.default] * len(frame), dtype="object"))
        if c.type == "month":
            data[c.key] = pd.PeriodIndex(pd.to_datetime(values), freq="M")
        elif c.type == "date":
            data[c.key] = pd.to_datetime(values).astype("datetime64[ns]").to_numpy()
        elif c.type in ("decimal", "percent"):
            data[c.key] = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()
        elif c.type == "integer":
            data[c.key] = pd.to_numeric(values, errors="coerce").astype("Int64").array
        elif c.type == "bool":
            data[c.key] = values.map(lambda v: None if v is None or v is pd.NA else
                                     (bool(v) if not isinstance(v, str) else v in ("是", "True", "true"))
                                     ).astype("boolean").array
        else:
            data[c.key] = values.astype(object).where(values.notna(), None).to_numpy()
    index = pd.Index(range(2, len(frame) + 2), name="excel_row", dtype="int64")
    return pd.DataFrame(data, index=index), layout, []
