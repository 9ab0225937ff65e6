"""The input reader as it was before it read column by column: every cell through ``parse_cell``, row by row.

Kept as the oracle the column-wise reader is compared with (``test_reader_columnwise.py``): same
frame, same layout, same problems in the same order.
"""

from __future__ import annotations

import pandas as pd
from openpyxl.utils import get_column_letter

from salesxl.problems import Problem
from salesxl.workbook.backend import RawSheet
from salesxl.workbook.cells import BLANK, parse_cell
from salesxl.workbook.reader import HEADER_SEARCH_ROWS, REPEATED, check_unique, dtype_of, find_header
from salesxl.workbook.render import TOTAL_LABEL
from salesxl.workbook.schema import SheetLayout, SheetSchema


def parse_table_cell_by_cell(schema: SheetSchema, raw: RawSheet) -> tuple[pd.DataFrame, SheetLayout, list[Problem]]:
    layout = SheetLayout(schema.key, raw.name)
    problems: list[Problem] = []

    def at(row, key, code, zh, en, severity="error"):
        letter, header = layout.columns.get(key, (None, None))
        problems.append(Problem(raw.name, row, key, code, zh, en, severity, letter, header))

    # An issued sheet may hold several tables; each issued schema finds its own header anywhere.
    header_row, matched, duplicates = find_header(schema, raw.rows, None if schema.issued else HEADER_SEARCH_ROWS)
    layout.header_row = header_row
    for j, column in matched.items():
        layout.columns[column.key] = (get_column_letter(j + 1), str(raw.rows[header_row - 1][j]).strip())
    for j, column in duplicates:
        problems.append(Problem(raw.name, header_row, column.key, "duplicate-column",
                                f"“{column.label}”列出现了两次", f"the column '{column.label}' appears twice",
                                letter=get_column_letter(j + 1), header=str(raw.rows[header_row - 1][j])))
    for column in schema.columns:
        if column.required and column.key not in layout.columns:
            problems.append(Problem(raw.name, header_row, column.key, "missing-column",
                                    f"第{header_row}行缺少必填列“{column.label}”",
                                    f"row {header_row} has no required column '{column.label}'"))
    if header_row > 1 and not schema.issued:  # issued sheets have a title block above the table
        problems.append(Problem(raw.name, header_row, None, "header-not-first-row",
                                f"表头在第{header_row}行，不在第1行；已从该行读取",
                                f"the header is on row {header_row}, not row 1; read from there", "notice"))

    for r1, c1, r2, c2 in raw.merged:
        if r2 >= header_row and any(c1 <= j + 1 <= c2 for j in matched):
            key = next(col.key for j, col in matched.items() if c1 <= j + 1 <= c2)
            problems.append(Problem(raw.name, r1, key, "merged-cells",
                                    f"表格中有合并单元格 {get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}，请取消合并",
                                    f"merged cells {get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2} "
                                    "inside the table; unmerge them", letter=get_column_letter(c1),
                                    header=layout.columns[key][1]))

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
            data[column.key] = pd.Series(values, dtype=dtype_of(column))
    frame = pd.DataFrame({k: (v.values if isinstance(v, pd.Series) else v) for k, v in data.items()},
                         index=pd.Index(index, name="excel_row", dtype="int64"))
    return frame
