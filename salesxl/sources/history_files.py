"""History from files: a CSV or Parquet file, or a folder of them, instead of the History sheet.

Three years of daily sales for a national sales force — tens of millions of rows — cannot
live on a sheet (Excel stops at 1,048,576 rows, and long before that the workbook is too
slow to open). So the Settings sheet may name a file instead: ``history_source`` is a CSV
or Parquet file, or a folder of them, relative to the workbook's folder (an absolute path
works too). Blank, the History sheet is read as always.

The files have the History sheet's columns, found by the same bilingual headers (``日期``,
``Date``, ``日期 Date`` ...): a date (daily rows) or a month (monthly rows), region, rep,
outlet, SKU, quantity and amount. Amounts and quantities are plain numbers (``1234.5``),
dates ``2026-02-01`` (or a date column in Parquet), months ``2026-02``.

**The grain the core needs.** Every step works on monthly totals by region × rep × outlet
× SKU (``salesxl.core.history.monthly_sales``); only the daily split's weekday pattern
looks at days, and then only at which weekday sold. So the rows are summed to that grain
in DuckDB (embedded, no server), which streams the files and never holds the daily rows
in Python: the frame handed to the core has one row per month × region × rep × outlet ×
SKU (× weekday, when Settings' ``weekday_pattern`` is on; that row's date is the group's
first day, so its month and weekday are the group's). Monthly rows are History rows like
any other — the sheet mixes both grains — so the core computes exactly what it would on
the same rows typed into the sheet. DuckDB was measured against pandas and pyarrow on the
same files (``benchmarks/history_files.py``, ``benchmarks/README.md``) and is the faster.

**Checked like the sheet.** A missing file, a folder without CSV or Parquet files, a file
without the required columns, text in a number column, a blank region or amount, a row
with neither date nor month: each is an error naming the file, the row as a spreadsheet
shows it (the header is row 1) and the column (its letter and header). The check and the
sums are one pass over the files; only when something is wrong are the bad rows looked up
(20 per kind of mistake are listed, with a count of the rest).
"""

from __future__ import annotations

import copy

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc
from openpyxl.utils import get_column_letter

from ..problems import Problem
from ..workbook.contract.target import HISTORY
from ..workbook.schema import SheetLayout, SheetSchema

READERS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
SHOWN_PER_KIND = 20
TEXT_KEYS = ("region", "rep_id", "outlet_id", "sku")
NUMBER_KEYS = ("qty", "amount")
GROUP_KEYS = ("sales_month", "day_month", "weekday", "region", "rep_id", "outlet_id", "sku")


@dataclass(frozen=True)
class SettingCell:
    """Where ``history_source`` was typed, so problems with the source itself point at it."""

    sheet: str
    row: int | None
    letter: str | None
    header: str | None

    def problem(self, code: str, zh: str, en: str) -> Problem:
        return Problem(self.sheet, self.row, "value", code, zh, en, "error", self.letter, self.header)


@dataclass(frozen=True)
class HistoryFile:
    """One file of the source, with where its columns were found.

    Attributes:
        path: the file.
        name: the file as the planner sees it in a problem (relative to the workbook's folder).
        reader: ``csv`` or ``parquet``.
        columns: column key -> (the file's header, its letter, its DuckDB type).
    """

    path: Path
    name: str
    reader: str
    columns: dict[str, tuple[str, str, str]]
    typed: bool = False

    def scan(self, numbered: bool = False) -> str:
        """The DuckDB table function reading this file: a CSV's cells as text (the check types them), or,
        when ``typed``, its dates and numbers as such (the fast way, failing at a cell that is not one).

        A CSV is read strictly, with the header on row 1 and the delimiter its header uses: left
        to guess, DuckDB's sniffer may skip lines or take a malformed row for the header.
        """
        path = sql_text(str(self.path))
        if self.reader == "csv":
            read_as = (f"types={{{', '.join(f'{sql_text(h)}: {sql_text(t)}' for h, _, t in self.columns.values())}}}"
                       if self.typed else "all_varchar=true")
            return (f"read_csv({path}, {read_as}, header=true, skip=0, delim={sql_text(delimiter(self.path))}, "
                    "quote='\"', strict_mode=true)")
        return f"read_parquet({path}{', file_row_number=true' if numbered else ''})"


def read_history_files(source: str, folder: Path | None, setting: SettingCell, weekday_grain: bool = False,
                       schema: SheetSchema = HISTORY) -> tuple[pd.DataFrame, SheetLayout, list[Problem]]:
    """The history in ``source`` (file or folder), summed to the core's grain, with located problems.

    ``folder`` is the workbook's folder (a relative ``source`` is taken from there); with
    ``weekday_grain`` the daily rows keep which weekday they sold on. On any error the frame
    is empty: the step stops before the core runs.
    """
    shown_source = source.strip()
    files, problems = source_files(shown_source, folder, setting)
    if problems:
        return empty_history(schema), SheetLayout(schema.key, shown_source), problems
    # Every step of a run (and every button the planner clicks) reads the history: files unchanged
    # since the last read (same paths, sizes and modification times) are not summed again.
    stats = [(path, path.stat()) for path, _, _ in files]
    key = (shown_source, folder, setting, weekday_grain, schema.key,
           tuple((str(path), stat.st_size, stat.st_mtime_ns) for path, stat in stats))
    if key not in LAST_READ:
        LAST_READ.clear()  # one history is kept: the one this workbook names
        LAST_READ[key] = summed_history(shown_source, files, weekday_grain, schema)
    frame, layout, problems = LAST_READ[key]
    return frame.copy(), copy.deepcopy(layout), list(problems)


LAST_READ: dict[tuple, tuple[pd.DataFrame, SheetLayout, list[Problem]]] = {}


def summed_history(shown_source: str, files: list[tuple[Path, str, str]], weekday_grain: bool,
                   schema: SheetSchema) -> tuple[pd.DataFrame, SheetLayout, list[Problem]]:
    import duckdb

    layout = SheetLayout(schema.key, shown_source)
    problems: list[Problem] = []
    con = duckdb.connect()
    found = []
    for path, name, reader in files:
        file, found_here = described(con, path, name, reader, schema)
        found.append(file)
        problems += found_here
    if problems:
        return empty_history(schema), layout, problems
    layout.columns = {key: (letter, header) for key, (header, letter, _) in found[0].columns.items()}
    if len(found) == 1:
        layout.sheet_name = found[0].name

    try:
        try:  # CSV columns read as dates and numbers straight away: the fast way when every cell is right
            result = summed_and_checked(con, all_rows([typed_csv(f) for f in found]), weekday_grain)
        except duckdb.ConversionException:  # some cell is not: read it all as text and check every cell
            result = summed_and_checked(con, all_rows(found), weekday_grain)
    except Exception as exc:  # a row with too many cells, a damaged file: DuckDB says which line
        return empty_history(schema), layout, [Problem(layout.sheet_name, None, None, "cannot-read",
                                                       f"无法读取历史数据：{first_line(exc)}",
                                                       f"cannot read the history: {first_line(exc)}")]
    n_files_read = len(result) - pc.sum(result["per_key"]).as_py()  # sorted first
    per_file, grouped = result.slice(0, n_files_read).to_pandas(), result.slice(n_files_read)
    del result
    for _, counts in per_file.iterrows():
        if any(counts[kind] > 0 for kind in MISTAKES):
            problems += located_mistakes(con, found[int(counts["file"])], counts)
    if problems:
        return empty_history(schema), layout, problems
    frame = history_frame(grouped, weekday_grain, schema)
    n_files = len(found)
    problems.append(Problem(
        layout.sheet_name, None, None, "history-from-files",
        f"历史销售取自 {shown_source}（{n_files} 个文件，{int(per_file['n_rows'].sum()):,} 行），"
        f"已按月汇总为 {len(frame):,} 行",
        f"the history was read from {shown_source} ({n_files} file(s), {int(per_file['n_rows'].sum()):,} rows), "
        f"summed to {len(frame):,} monthly rows", "notice"))
    return frame, layout, problems


def all_rows(files: list[HistoryFile]) -> str:
    return " UNION ALL BY NAME ".join(typed_rows(i, f) for i, f in enumerate(files))


def typed_csv(file: HistoryFile) -> HistoryFile:
    """A CSV file read with its dates as dates and its numbers as numbers (DuckDB stops at the first cell
    that is not one); other files as they are."""
    if file.reader != "csv":
        return file
    kinds = {"date": "DATE", "qty": "DOUBLE", "amount": "DOUBLE"}
    columns = {key: (header, letter, kinds.get(key, "VARCHAR")) for key, (header, letter, _) in file.columns.items()}
    return HistoryFile(file.path, file.name, file.reader, columns, typed=True)


def summed_and_checked(con, rows: str, weekday_grain: bool):
    """One pass over every file: the sums by month and keys, and per file the count of each kind of mistake.

    ``GROUPING SETS`` gives both from the same scan: rows with ``per_key`` 0 are the files'
    counts (they sort first), rows with ``per_key`` 1 the sums at the core's grain. The rows are
    sorted (in Arrow, measured faster than DuckDB's ORDER BY here) so that a rerun on the same
    files hands the core the same frame, row for row.
    """
    weekday = "true" if weekday_grain else "false"
    table = con.sql(f"""
        WITH typed AS ({rows}),
        keyed AS (
            SELECT *, coalesce(month_given, date_trunc('month', date)) AS sales_month,
                   CASE WHEN {weekday} AND date IS NOT NULL THEN date_trunc('month', date) END AS day_month,
                   CASE WHEN {weekday} AND date IS NOT NULL THEN isodow(date) END AS weekday
            FROM typed)
        SELECT GROUPING(file) AS per_key, file, {", ".join(GROUP_KEYS)},
               (year(sales_month) - 1970) * 12 + month(sales_month) - 1 AS month_ordinal,
               sum(qty) AS qty, sum(amount) AS amount, min(date) AS first_date, count(*) AS n_rows,
               {", ".join(f"sum({kind}::INTEGER) AS {kind}" for kind in MISTAKES)}
        FROM keyed
        GROUP BY GROUPING SETS ((file), ({", ".join(GROUP_KEYS)}))
    """).to_arrow_table()
    order = ["per_key", *GROUP_KEYS[:3], "first_date", *GROUP_KEYS[3:]]
    return table.sort_by([(key, "ascending") for key in order])


# ---- which files ----

def source_files(source: str, folder: Path | None, setting: SettingCell
                 ) -> tuple[list[tuple[Path, str, str]], list[Problem]]:
    """``(path, shown name, reader)`` of every file the source names, or the problem with the source."""
    path = Path(source).expanduser()
    if not path.is_absolute():
        if folder is None:
            return [], [setting.problem("history-source-unsaved",
                                        f"工作簿尚未保存，无法找到相对路径“{source}”；请先保存工作簿，或填写完整路径",
                                        f"the workbook has not been saved, so the relative path '{source}' has no "
                                        "folder; save the workbook first or give the full path")]
        path = folder / path
    if not path.exists():
        return [], [setting.problem("history-file-missing",
                                    f"找不到历史数据文件或文件夹“{source}”（在 {path.parent} 中查找）",
                                    f"the history file or folder '{source}' does not exist (looked in {path.parent})")]
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READERS
                       and not p.name.startswith((".", "~")))
        if not files:
            return [], [setting.problem("history-folder-empty",
                                        f"文件夹“{source}”中没有CSV或Parquet文件",
                                        f"the folder '{source}' holds no CSV or Parquet files")]
    elif path.suffix.lower() not in READERS:
        return [], [setting.problem("history-file-type",
                                    f"“{source}”不是CSV或Parquet文件（.csv / .parquet）",
                                    f"'{source}' is not a CSV or Parquet file (.csv / .parquet)")]
    else:
        files = [path]
    return [(f, shown_name(f, folder), READERS[f.suffix.lower()]) for f in files], []


def shown_name(path: Path, folder: Path | None) -> str:
    """The file relative to the workbook's folder when it is inside it, else its full path."""
    try:
        return path.relative_to(folder).as_posix() if folder is not None else str(path)
    except ValueError:
        return str(path)


# ---- which columns ----

def described(con, path: Path, name: str, reader: str, schema: SheetSchema) -> tuple[HistoryFile, list[Problem]]:
    """The file's columns matched to the schema's, or the problems with its header."""

    file = HistoryFile(path, name, reader, {})
    try:
        described = con.sql(f"DESCRIBE SELECT * FROM {file.scan()}").fetchall()
    except Exception as exc:  # duckdb raises its own error classes for a damaged or unreadable file
        return file, [Problem(name, None, None, "cannot-read", f"无法读取文件：{first_line(exc)}",
                              f"cannot read the file: {first_line(exc)}")]
    headers = [row[0] for row in described]
    types = {row[0]: row[1] for row in described}
    matched, duplicates = schema.match_headers(headers)  # the sheet's own header rules
    columns = {c.key: (headers[j], get_column_letter(j + 1), types[headers[j]]) for j, c in matched.items()}
    problems = [Problem(name, 1, c.key, "duplicate-column", f"“{c.label}”列出现了两次",
                        f"the column '{c.label}' appears twice", "error", get_column_letter(j + 1), headers[j])
                for j, c in duplicates]
    for column in schema.columns:
        if column.required and column.key not in columns:
            problems.append(Problem(name, 1, column.key, "missing-column", f"第1行缺少必填列“{column.label}”",
                                    f"row 1 has no required column '{column.label}'"))
    if schema.one_of and not any(k in columns for k in schema.one_of):
        labels = " / ".join(schema.column(k).label for k in schema.one_of)
        problems.append(Problem(name, 1, schema.one_of[0], "missing-column", f"第1行至少需要一列：{labels}",
                                f"row 1 needs at least one of the columns: {labels}"))
    return HistoryFile(path, name, reader, columns), problems


def delimiter(path: Path) -> str:
    """The delimiter of a CSV file: whichever of comma, semicolon, tab and bar its header line uses most."""
    with open(path, "rb") as f:
        header = f.readline()
    return max((",", ";", "\t", "|"), key=lambda d: header.count(d.encode()))


def first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


# ---- typing and checking every cell, in SQL ----

MISTAKES = {
    "bad_date": ("date", "not-a-date", "“{raw}”不是日期，请写成 2026-02-01", "'{raw}' is not a date; write it as 2026-02-01"),
    "bad_month": ("month", "not-a-month", "“{raw}”不是月份，请写成 2026-02", "'{raw}' is not a month; write it as 2026-02"),
    "bad_qty": ("qty", "not-a-number", "“{raw}”不是数字", "'{raw}' is not a number"),
    "bad_amount": ("amount", "not-a-number", "“{raw}”不是数字", "'{raw}' is not a number"),
    "blank_region": ("region", "empty-required", "必填项“区域 Region”为空", "the required cell 'Region' is empty"),
    "blank_amount": ("amount", "empty-required", "必填项“金额 Amount”为空", "the required cell 'Amount' is empty"),
    "no_when": ("date", "needs-one-of", "请至少填写一项：日期 Date / 月份 Month",
                "fill at least one of: 日期 Date / 月份 Month"),
}
"""Each kind of mistake the check counts: flag -> (column key, code, message zh, message en)."""


def typed_rows(index: int, file: HistoryFile, numbered: bool = False) -> str:
    """One file's rows with the schema's keys and types, and a flag for each kind of mistake."""
    exprs: dict[str, str] = {}
    for key in ("date", "month", *TEXT_KEYS, *NUMBER_KEYS):
        header, _, kind = file.columns.get(key, (None, None, None))
        if header is None:
            exprs[f"raw_{key}"] = "NULL::VARCHAR"
            exprs["month_given" if key == "month" else key] = "NULL::DATE" if key in ("date", "month") else (
                "NULL::VARCHAR" if key in TEXT_KEYS else "NULL::DOUBLE")
            if key not in TEXT_KEYS:
                exprs[f"bad_{key}"] = "false"
            continue
        col = sql_name(header)
        text = f"NULLIF(trim(CAST({col} AS VARCHAR)), '')"
        typed = is_date_type(kind) if key in ("date", "month") else (key in NUMBER_KEYS and is_number_type(kind))
        exprs[f"raw_{key}"] = col if typed else text  # a typed cell is blank when null; a text one when empty too
        if key == "date":
            exprs["date"] = f"CAST({col} AS DATE)" if typed else f"TRY_CAST({text} AS DATE)"
        elif key == "month":
            parsed = (f"CAST(coalesce(TRY_STRPTIME({text}, '%Y-%m'), TRY_STRPTIME({text}, '%Y/%m'), "
                      f"TRY_STRPTIME({text}, '%Y%m'), TRY_CAST({text} AS DATE)) AS DATE)")
            exprs["month_given"] = f"date_trunc('month', {f'CAST({col} AS DATE)' if typed else parsed})"
        elif key in TEXT_KEYS:
            exprs[key] = text
        else:
            exprs[key] = f"CAST({col} AS DOUBLE)" if typed else f"TRY_CAST({text} AS DOUBLE)"
        if key not in TEXT_KEYS:
            value = exprs["month_given" if key == "month" else key]
            exprs[f"bad_{key}"] = "false" if typed else f"({text} IS NOT NULL AND {value} IS NULL)"
    exprs["blank_region"] = f"({exprs['raw_region']} IS NULL)"
    exprs["blank_amount"] = f"({exprs['raw_amount']} IS NULL)"
    exprs["no_when"] = f"({exprs['raw_date']} IS NULL AND {exprs['raw_month']} IS NULL)"
    keep = ["date", "month_given", *TEXT_KEYS, *NUMBER_KEYS, *MISTAKES]
    if numbered:
        keep += [f"raw_{key}" for key in ("date", "month", "qty", "amount")]
        row = "file_row_number + 2" if file.reader == "parquet" else "row_number() OVER () + 1"
        exprs["row"] = row
        keep.append("row")
    select = ", ".join(f"{exprs[k]} AS {k}" for k in keep)
    return f"SELECT {index} AS file, {select} FROM {file.scan(numbered)}"


def located_mistakes(con, file: HistoryFile, counts: pd.Series) -> list[Problem]:
    """The rows behind a file's mistake counts: the first 20 of each kind, and how many more there are.

    Only run when the file has mistakes. CSV rows are numbered in file order, which DuckDB
    keeps when it reads on one thread (set here); Parquet rows carry their own number.
    """
    con.execute("SET threads TO 1")
    flagged = " OR ".join(MISTAKES)
    rows = con.sql(f"""
        SELECT * FROM ({typed_rows(0, file, numbered=True)}) WHERE {flagged} ORDER BY row
    """).df()
    problems = []
    for kind, (key, code, zh, en) in MISTAKES.items():
        hits = rows[rows[kind].astype(bool)]
        header, letter, _ = file.columns.get(key, (None, None, None))
        for _, hit in hits.head(SHOWN_PER_KIND).iterrows():
            raw = hit.get(f"raw_{key}")
            problems.append(Problem(file.name, int(hit["row"]), key, code, zh.format(raw=raw), en.format(raw=raw),
                                    "error", letter, header))
        more = int(counts[kind]) - min(len(hits), SHOWN_PER_KIND)
        if more > 0:
            problems.append(Problem(file.name, None, key, code, f"另有 {more:,} 行同样的问题",
                                    f"{more:,} more rows have the same problem", "error", letter, header))
    return problems


# ---- the frame the core gets ----

def history_frame(grouped, weekday_grain: bool, schema: SheetSchema) -> pd.DataFrame:
    """The summed rows (an Arrow table) as the History sheet's typed frame, with the reader's dtypes.

    Converted column by column, so at most one column exists twice at a time.
    """
    if grouped.num_rows and pc.any(pc.is_null(grouped["sales_month"])).as_py():
        grouped = grouped.filter(pc.is_valid(grouped["sales_month"]))  # reported as errors already
    n = grouped.num_rows
    data: dict[str, Any] = {}
    if weekday_grain:
        dates = pd.to_datetime(grouped["first_date"].to_pandas()).astype("datetime64[ns]")
        has_weekday = grouped["weekday"].is_valid().to_numpy(zero_copy_only=False)
        data["date"] = dates.where(has_weekday).to_numpy()
    else:
        data["date"] = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    ordinals = grouped["month_ordinal"].to_numpy(zero_copy_only=False).astype("int64")
    data["month"] = pd.arrays.PeriodArray(ordinals, dtype=pd.PeriodDtype("M"))
    for key in TEXT_KEYS:
        values = grouped[key].to_numpy(zero_copy_only=False).astype(object)
        values[pd.isna(values)] = None
        data[key] = values
    for key in NUMBER_KEYS:
        data[key] = grouped[key].to_numpy(zero_copy_only=False).astype("float64")
    frame = pd.DataFrame(data, index=pd.Index(range(1, n + 1), name="excel_row", dtype="int64"))
    return frame[[c.key for c in schema.columns]]


def empty_history(schema: SheetSchema) -> pd.DataFrame:
    return schema.empty_frame()


def unknown_references(frame: pd.DataFrame, layout: SheetLayout, tables: dict[str, pd.DataFrame],
                       sheet_names: dict[str, str], schema: SheetSchema = HISTORY) -> list[Problem]:
    """Warnings for values the other sheets do not know (former reps, old SKUs): one per value.

    The sheet warns per row; the summed rows have no rows of the file behind them, so the
    file warns per value, which is what a planner fixes anyway.
    """
    problems = []
    for column in schema.columns:
        if column.ref is None or column.ref[0] not in tables or column.key not in frame:
            continue
        known = set(tables[column.ref[0]][column.ref[1]].dropna().astype(str))
        values = pd.unique(frame[column.key].dropna().astype(str))
        unknown = [v for v in values if v not in known]
        letter, header = layout.columns.get(column.key, (None, None))
        target = sheet_names.get(column.ref[0], column.ref[0])
        for value in unknown[:SHOWN_PER_KIND]:
            problems.append(Problem(layout.sheet_name, None, column.key, "unknown-reference",
                                    f"“{value}”在“{target}”中不存在", f"'{value}' is not on the sheet '{target}'",
                                    "warning", letter, header))
        if len(unknown) > SHOWN_PER_KIND:
            more = len(unknown) - SHOWN_PER_KIND
            problems.append(Problem(layout.sheet_name, None, column.key, "unknown-reference",
                                    f"另有 {more} 个未知值", f"{more} more unknown values", "warning", letter, header))
    return problems


def is_date_type(kind: str) -> bool:
    return kind.startswith(("DATE", "TIMESTAMP"))


def is_number_type(kind: str) -> bool:
    return kind.startswith(("DOUBLE", "FLOAT", "REAL", "DECIMAL", "INTEGER", "BIGINT", "SMALLINT", "TINYINT",
                            "HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT"))


def sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
