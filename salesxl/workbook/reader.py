"""Reading the planner's input sheets into clean, typed DataFrames.

``read_inputs(book)`` returns ``(inputs, problems)``. It never raises for a
planner's mistake: every missing sheet, missing column, unreadable cell,
duplicate key and unknown reference becomes a :class:`~salesxl.problems.Problem`
that names the sheet, the Excel row and the column (letter and header).

Each DataFrame is indexed by the Excel row number (``excel_row``), so a problem
found later by the core still points at the right cell after any filtering.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ..core.settings import Settings
from ..problems import Problem
from ..sources.history_files import SettingCell, read_history_files, unknown_references
from ..terms import normalise_label
from .backend import RawSheet, WorkbookBackend
from .cells import BLANK, parse_cell
from .contract import INPUT_SHEETS, SETTINGS
from .contract.base import SETTINGS_SHEET
from .overflow import spilled_table
from .schema import Column, SheetLayout, SheetSchema
from .tablefind import columns_of, find_table, row_is_blank, table_length, uncached_rows

SETTING_KEYS = frozenset(s.key for s in SETTINGS)
REPEATED = frozenset(("text", "choice", "month", "date", "bool"))
"""Column types whose values repeat down a long sheet (IDs, regions, months, yes/no) and whose reading
depends on the value alone (not on a percentage format): each distinct value is parsed once per sheet."""


@dataclass
class Inputs:
    """Everything read from a workbook.

    Attributes:
        settings: the Settings sheet, typed, every setting it leaves out at its default.
        tables: sheet key -> DataFrame with one column per declared column.
        layouts: sheet key -> where the sheet and its columns were found.
    """

    settings: Settings = field(default_factory=Settings)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    layouts: dict[str, SheetLayout] = field(default_factory=dict)

    def __getitem__(self, key: str) -> pd.DataFrame:
        return self.tables[key]


def read_inputs(book: WorkbookBackend, only: Iterable[str] | None = None,
                schemas: Iterable[SheetSchema] = INPUT_SHEETS) -> tuple[Inputs, list[Problem]]:
    """Read and check every input sheet (or the keys in ``only``)."""
    wanted = set(only) if only is not None else None
    schemas = [s for s in schemas if wanted is None or s.key in wanted]
    inputs, problems = Inputs(), []
    names = book.sheet_names()
    missing = set()
    from_files = set()
    for schema in schemas:
        if schema.key == "history" and (source := history_source(book, inputs, names)) is not None:
            # History from files (issue 12): the Settings sheet names a CSV/Parquet file or folder.
            frame, layout, found = read_history_source(book, source)
            inputs.tables[schema.key], inputs.layouts[schema.key] = frame, layout
            problems += found
            from_files.add(schema.key)
            continue
        name = find_sheet(schema, names)
        if name is None:
            missing.add(schema.key)
            inputs.tables[schema.key] = schema.empty_frame()
            inputs.layouts[schema.key] = SheetLayout(schema.key, schema.name)
            if schema.required:
                problems.append(Problem(schema.name, None, None, "missing-sheet",
                                        f"缺少工作表“{schema.name}”；运行 salesxl init（功能区：添加输入表）即可添加",
                                        f"the sheet '{schema.name}' is missing; run `salesxl init` (ribbon: 添加输入表) "
                                        "to add them"))
            continue
        raw = book.read_sheet(name)
        # A release table too long for its sheet is read from its Parquet file (issue 12).
        spilled = spilled_table(book, schema, raw) if schema.issued else None
        frame, layout, found = spilled if spilled is not None else read_table(schema, raw)
        inputs.tables[schema.key], inputs.layouts[schema.key] = frame, layout
        problems += found
    problems += check_references(inputs, [s for s in schemas if s.key not in from_files])
    if from_files:
        problems += unknown_references(inputs.tables["history"], inputs.layouts["history"], inputs.tables,
                                       {k: layout.sheet_name for k, layout in inputs.layouts.items()})
    if "reps" in inputs.tables:
        problems += check_manager_cycles(inputs.tables["reps"], inputs.layouts["reps"])
    if "settings" in inputs.tables:
        inputs.settings, found = read_settings(inputs.tables["settings"], inputs.layouts["settings"])
        problems += found if "settings" not in missing else []  # the missing sheet was reported already
    return inputs, problems


def history_source(book: WorkbookBackend, inputs: Inputs, names: list[str]):
    """``(text, settings, where)`` when Settings' ``history_source`` names a file or folder, else None.

    The Settings sheet is read first (it leads INPUT_SHEETS); a step that does not read it
    still honours it, so the sheet is read here quietly (its problems are the check step's).
    """
    frame, layout = inputs.tables.get("settings"), inputs.layouts.get("settings")
    if frame is None:
        name = find_sheet(SETTINGS_SHEET, names)
        if name is None:
            return None
        frame, layout, _ = read_table(SETTINGS_SHEET, book.read_sheet(name))
    settings, _ = read_settings(frame, layout)
    text = settings.history_source
    if text is None or not str(text).strip():
        return None
    letter, header = layout.columns.get("value", (None, None))
    return str(text), settings, (layout.sheet_name, setting_rows(frame).get("history_source"), letter, header)


def read_history_source(book: WorkbookBackend, source) -> tuple[pd.DataFrame, SheetLayout, list[Problem]]:
    """The History table from the files ``source`` names (see :mod:`salesxl.sources.history_files`)."""
    text, settings, where = source
    return read_history_files(text, book.path.parent if book.path is not None else None, SettingCell(*where),
                              weekday_grain=bool(settings.weekday_pattern))




def find_sheet(schema: SheetSchema, names: list[str]) -> str | None:
    """The tab that is this schema's sheet: ``设置 Settings``, ``Settings``, ``设置`` or ``settings``."""
    spellings = schema.spellings()
    return next((n for n in names if normalise_label(n) in spellings), None)


def read_table(schema: SheetSchema, raw: RawSheet) -> tuple[pd.DataFrame, SheetLayout, list[Problem]]:
    """Find the header row, match headers to columns, parse every cell.

    The result is kept on ``raw``, so a sheet the backend hands out again (the next step of the same
    run) is not parsed again; each caller gets its own copy to change.
    """
    if id(schema) not in raw.parsed:  # the schema is kept with its result, so its id stays its own
        raw.parsed[id(schema)] = (schema, parse_table(schema, raw))
    _, (frame, layout, problems) = raw.parsed[id(schema)]
    return frame.copy(), copy.deepcopy(layout), list(problems)


def parse_table(schema: SheetSchema, raw: RawSheet) -> tuple[pd.DataFrame, SheetLayout, list[Problem]]:
    layout, matched, problems = find_table(schema, raw)
    header_row = layout.header_row

    # The cells are checked a column at a time (a long History sheet is a million cells); the problems
    # are then put in the order a planner reads them: row by row, left to right.
    if schema.issued:  # an issued sheet's first table ends at a blank row or its totals row; other blocks follow
        body = raw.rows[header_row:header_row + table_length(raw, header_row, matched)]
        keep = np.arange(len(body))
    else:
        body = raw.rows[header_row:]
    cells = columns_of(body, matched)
    uncached = uncached_rows(raw, header_row, len(body), matched)
    if not schema.issued:
        keep = np.flatnonzero(~row_is_blank(cells, uncached, len(body)))  # blank rows between data are harmless
    index = (keep + header_row + 1).tolist()
    found: list[tuple[tuple, Problem]] = []  # (row, part of the row, column position, ...) -> problem

    def add(order: tuple, row: int, key: str, issue: tuple):
        severity, code, zh, en = issue
        found.append((order, problem_at(raw.name, layout, row, key, code, zh, en, severity)))

    never_calculated = {}
    for position, (j, column) in enumerate(matched.items()):
        rows_without_value = uncached[j][keep]
        never_calculated[column.key] = rows_without_value
        for i in np.flatnonzero(rows_without_value):
            add((index[i], 0, position, 0), index[i], column.key, FORMULA_WITHOUT_VALUE)
    position = {col.key: j for j, col in matched.items()}
    columns = {}
    for order, column in enumerate(schema.columns):
        if column.key not in position:
            columns[column.key] = [column.default] * len(keep)
            continue
        j = position[column.key]
        values = cells[j] if len(keep) == len(body) else [cells[j][i] for i in keep]
        percent = [(r, j + 1) in raw.percent_cells for r in index] if raw.percent_cells and column.type == "percent" else None
        parsed, issues, empty = parse_column(column, values, raw.date1904, percent)
        for i, issue in issues.items():
            add((index[i], 1, order, 0), index[i], column.key, issue)
        if column.must_fill:
            quiet = never_calculated[column.key]
            for i in empty:
                if i not in issues and not quiet[i]:
                    add((index[i], 1, order, 1), index[i], column.key, ("error", "empty-required",
                        f"必填项“{column.label}”为空", f"the required cell '{column.label}' is empty"))
        for i in empty:
            parsed[i] = column.default
        columns[column.key] = parsed
    if schema.one_of:
        labels = " / ".join(schema.column(k).label for k in schema.one_of)
        none_filled = np.logical_and.reduce([np.array([v is None for v in columns[k]], dtype=bool)
                                             for k in schema.one_of])
        for i in np.flatnonzero(none_filled).tolist():
            add((index[i], 2, 0, 0), index[i], schema.one_of[0],
                ("error", "needs-one-of", f"请至少填写一项：{labels}", f"fill at least one of: {labels}"))
    problems += [problem for _, problem in sorted(found, key=lambda pair: pair[0])]

    frame = typed_frame(schema, columns, index)
    unreadable = {(p.row, p.column) for p in problems if p.severity == "error"}
    check_unique(schema, frame, reporter(raw.name, layout, problems), unreadable)
    return frame, layout, problems


def reporter(sheet: str, layout: SheetLayout, problems: list[Problem]):
    """``at(row, key, code, zh, en, severity)``: add a problem at a cell of this table to ``problems``."""
    def at(row, key, code, zh, en, severity="error"):
        problems.append(problem_at(sheet, layout, row, key, code, zh, en, severity))
    return at


def problem_at(sheet: str, layout: SheetLayout, row, key: str, code: str, zh: str, en: str,
               severity: str = "error") -> Problem:
    """A problem at a cell of this table, named by the column's letter and header as found."""
    letter, header = layout.columns.get(key, (None, None))
    return Problem(sheet, row, key, code, zh, en, severity, letter, header)


FORMULA_WITHOUT_VALUE = ("error", "formula-without-value", "公式没有计算结果，请在Excel中打开并保存后再试",
                         "the formula has no calculated value; open and save the file in Excel, then retry")


NUMBER_TYPES = frozenset(("decimal", "integer", "percent"))


def parse_column(column: Column, values: list, date1904: bool, percent: list[bool] | None):
    """Each cell of one column read as :func:`~salesxl.workbook.cells.parse_cell` reads it:
    ``(values, {position: issue}, positions of blank cells)``.

    A number column holding only numbers is read as one array, and only the cells that need a word
    (out of bounds, 15 meaning 15 %, 2.5 in a whole-number column, NaN) go through ``parse_cell``;
    a column whose values repeat down the sheet (IDs, regions, months) parses each distinct value
    once; anything else is parsed cell by cell.
    """
    kinds = set(map(type, values))
    if column.type in NUMBER_TYPES and kinds <= {int, float} and not (percent and any(percent)):
        return number_column(column, values, date1904)
    if column.type in REPEATED:
        return repeated_column(column, values, date1904, kinds)
    return each_cell(column, values, date1904, percent)


def number_column(column: Column, values: list, date1904: bool):
    numbers = np.array(values, dtype=np.float64)
    special = np.isnan(numbers) | (np.abs(numbers) > 2**53)
    if column.type == "integer":
        special |= np.abs(numbers - np.round(numbers)) > 1e-9
    if column.type == "percent":
        special |= np.abs(numbers) > 1
    with np.errstate(invalid="ignore"):
        if column.minimum is not None:
            special |= numbers < column.minimum
        if column.maximum is not None:
            special |= numbers > column.maximum
    if column.type == "integer":
        parsed = np.round(np.where(special, 0, numbers)).astype(np.int64).tolist()
    else:
        parsed = numbers.tolist()
    issues, blanks = {}, []
    for i in np.flatnonzero(special).tolist():
        parsed[i], issue = parse_cell(column, values[i], date1904)
        if issue:
            issues[i] = issue
        if parsed[i] is BLANK:
            blanks.append(i)
    return parsed, issues, blanks


def repeated_column(column: Column, values: list, date1904: bool, kinds: set):
    if len(kinds - {type(None)}) <= 1:  # one type and blanks: distinct values found by hashing, in one go
        codes, distinct = pd.factorize(np.array(values, dtype=object))
        answers = [parse_cell(column, value, date1904) for value in distinct] + [parse_cell(column, None, date1904)]
        parsed = np.array([a[0] for a in answers], dtype=object)[codes].tolist()  # code -1 (None) takes the last
        wrong = [k if k < len(distinct) else -1 for k, a in enumerate(answers) if a[1]]
        issues = {i: answers[codes[i]][1] for i in np.flatnonzero(np.isin(codes, wrong)).tolist()}
        empty = [k if k < len(distinct) else -1 for k, a in enumerate(answers) if a[0] is BLANK]
        return parsed, issues, np.flatnonzero(np.isin(codes, empty)).tolist()
    known: dict[tuple, tuple] = {}  # 1, 1.0 and True are equal keys in a dict: the type keeps them apart
    parsed, issues, blanks = [], {}, []
    for i, value in enumerate(values):
        seen = (value.__class__, value)
        answer = known.get(seen)
        if answer is None:
            answer = known[seen] = parse_cell(column, value, date1904)
        parsed.append(answer[0])
        if answer[1]:
            issues[i] = answer[1]
        if answer[0] is BLANK:
            blanks.append(i)
    return parsed, issues, blanks


def each_cell(column: Column, values: list, date1904: bool, percent: list[bool] | None):
    parsed, issues, blanks = [], {}, []
    for i, value in enumerate(values):
        value, issue = parse_cell(column, value, date1904, bool(percent and percent[i]))
        parsed.append(value)
        if issue:
            issues[i] = issue
        if value is BLANK:
            blanks.append(i)
    return parsed, issues, blanks


def typed_frame(schema: SheetSchema, columns: dict[str, list], index: list[int]) -> pd.DataFrame:
    data = {}
    for column in schema.columns:
        values = columns[column.key]
        if column.type == "month":
            data[column.key] = months(values)
        elif column.type in ("text", "choice", "any"):
            data[column.key] = pd.Series(values, dtype="object")
        else:
            data[column.key] = pd.Series(values, dtype=column.dtype)
    frame = pd.DataFrame({k: (v.values if isinstance(v, pd.Series) else v) for k, v in data.items()},
                         index=pd.Index(index, name="excel_row", dtype="int64"))
    return frame


def months(values: list) -> pd.PeriodIndex:
    """Months (``pd.Period`` or None) as a monthly PeriodIndex, built from their ordinals in one go."""
    missing = pd.NaT.value
    ordinals = np.fromiter((missing if v is None else v.ordinal for v in values), np.int64, len(values))
    return pd.PeriodIndex(pd.arrays.PeriodArray(ordinals, dtype="period[M]"))


def check_unique(schema: SheetSchema, frame: pd.DataFrame, at, unreadable: set = frozenset()) -> None:
    """Report every repeat of a unique key at its own row, naming the first occurrence.

    Rows whose key cell could not be read (``unreadable``: ``(row, column)``) are
    left out: their error is already reported, and a blank read would repeat it.
    """
    for keys in schema.unique:
        filled = frame.dropna(subset=[k for k in keys if schema.column(k).must_fill])
        readable = [not any((row, k) in unreadable for k in keys) for row in filled.index]
        filled = filled.loc[np.array(readable, dtype=bool)]  # a plain [] would select no columns
        # A blank in an optional key column (Factors' year) is a value of its own: compare it as "".
        keys_only = filled[list(keys)]
        key_frame = keys_only.astype(object).where(keys_only.notna(), "").astype(str)
        dupes = key_frame[key_frame.duplicated(keep="first")]
        for row in dupes.index:
            first = key_frame.index[(key_frame == key_frame.loc[row]).all(axis=1)][0]
            value = " / ".join(v for v in key_frame.loc[row] if v)
            at(int(row), keys[0], "duplicate-key", f"“{value}”重复，与第{first}行相同",
               f"'{value}' is a duplicate of row {first}")


def check_references(inputs: Inputs, schemas: list[SheetSchema]) -> list[Problem]:
    """Values that must exist on another sheet: Reps.region in Regions, and so on."""
    problems = []
    for schema in schemas:
        frame, layout = inputs.tables[schema.key], inputs.layouts[schema.key]
        for column in schema.columns:
            if column.ref is None or column.key not in frame or column.ref[0] not in inputs.tables:
                continue
            target_key, target_col = column.ref
            target = inputs.tables[target_key]
            known = set(target[target_col].dropna().astype(str))
            values = frame[column.key]
            unknown = values[values.notna() & ~values.astype(str).isin(known)]
            # History may mention departed reps, old outlets and discontinued SKUs: warn only.
            severity = "warning" if schema.key == "history" else "error"
            target_name = inputs.layouts[target_key].sheet_name
            letter, header = layout.columns.get(column.key, (None, None))
            shown = 0
            for row, value in unknown.items():
                if severity == "warning" and shown >= 20:
                    break
                shown += 1
                problems.append(Problem(layout.sheet_name, int(row), column.key, "unknown-reference",
                                        f"“{value}”在“{target_name}”中不存在",
                                        f"'{value}' is not on the sheet '{target_name}'", severity, letter, header))
            if severity == "warning" and len(unknown) > shown:
                problems.append(Problem(layout.sheet_name, None, column.key, "unknown-reference",
                                        f"另有 {len(unknown) - shown} 行引用未知值",
                                        f"{len(unknown) - shown} more rows refer to unknown values",
                                        severity, letter, header))
    return problems


def check_manager_cycles(reps: pd.DataFrame, layout: SheetLayout) -> list[Problem]:
    """A rep whose chain of managers comes back to them (R001 → R002 → R001) has no one to report to.

    A manager counts as a rep when the cell holds a rep's ID or name; any other text (``华东经理``)
    is a manager outside the rep list and ends the chain.
    """
    if reps.empty or "manager" not in reps:
        return []
    ids = {str(v): row for row, v in reps["rep_id"].items() if v is not None}
    names = reps["name"].dropna().astype(str)
    unique_names = {n: row for row, n in names.items() if (names == n).sum() == 1}
    boss = {}
    for row, manager in reps["manager"].items():
        if manager is not None and str(manager).strip():
            target = ids.get(str(manager).strip(), unique_names.get(str(manager).strip()))
            if target is not None:
                boss[row] = target
    letter, header = layout.columns.get("manager", (None, None))
    problems, reported = [], set()
    for start in boss:
        chain, row = [start], boss[start]
        while row in boss and row not in chain:
            chain.append(row)
            row = boss[row]
        if row != start or start in reported:
            continue
        reported |= set(chain)
        loop = " → ".join(str(reps.at[r, "rep_id"]) for r in chain + [start])
        for r in chain:
            problems.append(Problem(layout.sheet_name, int(r), "manager", "manager-cycle",
                                    f"主管关系形成循环：{loop}", f"the managers go round in a circle: {loop}",
                                    letter=letter, header=header))
    return sorted(problems, key=lambda p: p.row)


def setting_rows(frame: pd.DataFrame) -> dict[str, int]:
    """Setting key -> the Excel row of the Settings sheet it is on (settings not on the sheet are left out)."""
    by_label = {}
    for row, key in frame["key"].items():
        if key is not None:
            by_label[normalise_label(key)] = row
    rows = {}
    for setting in SETTINGS:
        row = next((by_label[s] for s in setting.spellings() if s in by_label), None)
        if row is not None:
            rows[setting.key] = int(row)
    return rows


def setting_cells(inputs: Inputs, keys: Iterable[str]) -> dict[str, str]:
    """Setting key -> its value cell as an absolute reference (``'设置 Settings'!$B$17``), for formulas
    that should follow the Settings sheet; settings not on the sheet are left out."""
    frame, layout = inputs.tables.get("settings"), inputs.layouts.get("settings")
    letter = layout.columns.get("value", (None, None))[0] if layout is not None else None
    if frame is None or letter is None:
        return {}
    sheet = "'" + layout.sheet_name.replace("'", "''") + "'"
    rows = setting_rows(frame)
    return {key: f"{sheet}!${letter}${rows[key]}" for key in keys if key in rows}


def read_settings(frame: pd.DataFrame, layout: SheetLayout) -> tuple[Settings, list[Problem]]:
    """Turn the key/value Settings sheet into typed settings, every one it leaves out at its default."""
    problems: list[Problem] = []
    settings: dict[str, Any] = {}
    rows = setting_rows(frame)
    letter, header = layout.columns.get("value", (None, None))
    used_rows = set()
    for setting in SETTINGS:
        row = rows.get(setting.key)
        if row is None:
            if setting.default is None:
                problems.append(Problem(layout.sheet_name, None, "key", "missing-setting",
                                        f"缺少参数“{setting.label}”（{setting.key}）",
                                        f"the setting '{setting.label}' ({setting.key}) is missing",
                                        letter=layout.columns.get("key", (None,))[0]))
            settings[setting.key] = setting.default
            continue
        used_rows.add(row)
        value, issue = parse_cell(setting.as_column(), frame.at[row, "value"])
        if issue:
            problems.append(Problem(layout.sheet_name, int(row), "value", issue[1], issue[2], issue[3],
                                    issue[0], letter, header))
        if value is BLANK:
            if setting.default is None and not issue:
                problems.append(Problem(layout.sheet_name, int(row), "value", "empty-required",
                                        f"参数“{setting.label}”为空", f"the setting '{setting.label}' is empty",
                                        letter=letter, header=header))
            value = setting.default
        settings[setting.key] = value
    for row, key in frame["key"].items():
        if key is not None and row not in used_rows:
            problems.append(Problem(layout.sheet_name, int(row), "key", "unknown-setting",
                                    f"未知参数“{key}”，已忽略", f"unknown setting '{key}', ignored", "warning",
                                    layout.columns.get("key", (None,))[0]))
    return Settings(**settings), problems


def locate(problems: Iterable[Problem], inputs: Inputs) -> list[Problem]:
    """Give core problems (sheet and column keys) the names and letters a planner sees.

    A problem about a setting (sheet ``settings``, column = the setting's key) points at the setting's value
    cell, or at the key column when the sheet leaves the setting out.
    """
    frame = inputs.tables.get("settings")
    rows = setting_rows(frame) if frame is not None else None
    located = []
    for p in problems:
        if p.sheet == "settings" and rows is not None and p.column in SETTING_KEYS:
            row = rows.get(p.column)
            p = p.at(row=row, column="value" if row is not None else "key")
        layout = inputs.layouts.get(p.sheet or "")
        if layout is None:
            located.append(p)
            continue
        letter, header = layout.columns.get(p.column or "", (None, None))
        located.append(p.at(sheet=layout.sheet_name, letter=p.letter or letter, header=p.header or header))
    return located

