"""The input reader as it was before it read column by column: every cell through ``parse_cell``, row by row.

Kept as the oracle the column-wise reader is compared with (``test_reader_columnwise.py``): same
frame, same layout, same problems in the same order.
"""

from __future__ import annotations

import pandas as pd

from salesxl.problems import Problem
from salesxl.workbook.backend import RawSheet
from salesxl.workbook.cells import BLANK, parse_cell
from salesxl.workbook.reader import REPEATED, check_unique, find_table, reporter
from salesxl.workbook.render import TOTAL_LABEL
from salesxl.workbook.schema import SheetLayout, SheetSchema


def parse_table_cell_by_cell(schema: SheetSchema, raw: RawSheet) -> tuple[pd.DataFrame, SheetLayout, list[Problem]]:
    layout, matched, problems = find_table(schema, raw)
    header_row = layout.header_row
    at = reporter(raw.name, layout, problems)

    records, index = [], []
    position = {col.key: j for j, col in matched.items()}
    parsed: dict[tuple, tuple] = {}  # (column, type, raw value) -> parse_cell's answer, for REPEATED types
    for r, row in enumerate(raw.rows[header_row:], start=header_row + 1):
        cells = {col.key: (row[j] if j < len(row) else None) for j, col in matched.items()}
        uncached = [(j, col) for j, col in matched.items() if (r, j + 1) in raw.uncached] if raw.uncached else []
        blank = all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()) and not uncached
        if schema.issued and (blank or (row and row[0] == TOTAL_LABEL)):
            break  # an issued sheet's first table ends here; other blocks follow
        if blank:
            continue  # blank rows between data are harmless
        never_calculated = {col.key for j, col in uncached}  # said once, not again as "empty"
        for j, col in uncached:
            at(r, col.key, "formula-without-value", "公式没有计算结果，请在Excel中打开并保存后再试",
               "the formula has no calculated value; open and save the file in Excel, then retry")
        record = {}
        for column in schema.columns:
            if column.key not in cells:
                value, issue = BLANK, None
            elif column.type in REPEATED:
                seen = (column.key, type(cells[column.key]), cells[column.key])
                found = parsed.get(seen)
                if found is None:
                    found = parsed[seen] = parse_cell(column, cells[column.key], raw.date1904)
                value, issue = found
            else:
                value, issue = parse_cell(column, cells[column.key], raw.date1904,
                                          (r, position[column.key] + 1) in raw.percent_cells)
            if issue:
                at(r, column.key, issue[1], issue[2], issue[3], issue[0])
            if value is BLANK:
                if column.must_fill and column.key in cells and not issue and column.key not in never_calculated:
                    at(r, column.key, "empty-required", f"必填项“{column.label}”为空",
                       f"the required cell '{column.label}' is empty")
                value = column.default
            record[column.key] = value
        if schema.one_of and all(record[k] is None for k in schema.one_of):
            labels = " / ".join(schema.column(k).label for k in schema.one_of)
            at(r, schema.one_of[0], "needs-one-of", f"请至少填写一项：{labels}", f"fill at least one of: {labels}")
        records.append(record)
        index.append(r)

    frame = typed_frame_of_records(schema, records, index)
    unreadable = {(p.row, p.column) for p in problems if p.severity == "error"}
    check_unique(schema, frame, at, unreadable)
    return frame, layout, problems



def typed_frame_of_records(schema: SheetSchema, records: list[dict], index: list[int]) -> pd.DataFrame:
    data = {}
    for column in schema.columns:
        values = [rec[column.key] for rec in records]
        if column.type == "month":
            data[column.key] = pd.PeriodIndex([v if v is not None else pd.NaT for v in values], freq="M")
        elif column.type in ("text", "choice", "any"):
            data[column.key] = pd.Series(values, dtype="object")
        else:
            data[column.key] = pd.Series(values, dtype=column.dtype)
    frame = pd.DataFrame({k: (v.values if isinstance(v, pd.Series) else v) for k, v in data.items()},
                         index=pd.Index(index, name="excel_row", dtype="int64"))
    return frame
