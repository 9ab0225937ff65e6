"""A rep's own workbook: written by ``salesxl issue-files``, read back by ``salesxl collect``.

Writing builds a new workbook (openpyxl) and saves it through the same atomic writer as the
template, so a rerun replaces each file whole or not at all:

* the sheets the rep reads — targets, daily targets, commitment page, customers — drawn in the house
  style (:mod:`salesxl.workbook.render`) and protected without a password, only so the layout
  cannot be broken by accident;
* 反馈 Feedback: the rep's row, protected except the proposal and reason cells;
* the input sheets 日志 Daily Log, 实际销售 Actuals and 跟进记录 Touches, made as the template makes
  them (:func:`salesxl.workbook.template.write_input_sheet`) and left unprotected (Excel does not grow
  a table on a protected sheet), their drop-downs limited to the rep's own outlets, SKUs and customers;
* two very hidden sheets: 指纹 Fingerprint (master, month, version, rep — all text, so no program
  re-saving the file turns them into dates or numbers) and 清单 Lists, the drop-downs' source.

The workbook's structure is protected too (no password), so the hidden sheets stay hidden.

Reading takes any .xlsx a rep sends back — saved by Excel, WPS or LibreOffice, or "saved as" with the
tables flattened to plain ranges — through the file backend's reader; every sheet is found by its
name's spellings and every column by its header's. What cannot be read is a problem naming the file,
its sheet and cell: ``[2026-02_R001_张伟.xlsx]日志 Daily Log!E7``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping, Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.protection import WorkbookProtection

from ..core.collect import Fingerprint
from ..problems import Problem, ProblemsFound
from .backend import SheetOutput
from .filebook import FileWorkbook, save_atomically
from .reader import find_sheet, read_table
from .render import render_sheet
from .contract.reps import (FEEDBACK_ANSWERS, FINGERPRINT, FINGERPRINT_KEYS, FINGERPRINT_SHEET, LISTS_SHEET,
                            REP_FEEDBACK, REP_INPUTS)
from .schema import SheetLayout, SheetSchema
from .template import write_input_sheet

INPUT_ROWS = 2000
"""Rows prepared with drop-downs below each input sheet's header: a month of a busy rep's lines."""

FEEDBACK_SHOWN = ("month", "rep_id", "name", "region", "draft", "proposal", "reason")
"""The Feedback columns a rep's file shows; the manager's decision stays in the master."""

LIST_COLUMNS = ("rep_id", "outlet_id", "sku", "customer_id")
"""The drop-downs limited to the rep's own values, one column each on the Lists sheet."""


@dataclass
class RepWorkbook:
    """One rep's file, as data.

    Attributes:
        fingerprint: fingerprint key -> text (see ``contract.reps.FINGERPRINT_KEYS``).
        shown: the sheets the rep reads, in order (protected).
        feedback: the rep's Feedback row (``FEEDBACK_SHOWN`` columns).
        lists: drop-down column key -> the rep's own values (``LIST_COLUMNS``).
    """

    fingerprint: Mapping[str, str]
    shown: Sequence[SheetOutput]
    feedback: pd.DataFrame
    lists: Mapping[str, Sequence[str]]


def write_rep_workbook(path: Path, rep: RepWorkbook) -> None:
    """Write ``rep`` to ``path`` atomically, replacing any file there."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()

    def shown(output: SheetOutput) -> None:
        ws = book.create_sheet(output.sheet.name)
        render_sheet(ws, output, taken)
        ws.protection.sheet = True

    shown(rep.shown[0])  # the targets first, then what the rep fills in, then the rest to read
    formulas = list_formulas(rep.lists)
    for schema in REP_INPUTS:
        ws = book.create_sheet(schema.name)
        write_input_sheet(ws, schema, pd.DataFrame(columns=[c.key for c in schema.columns]),
                          {k: v for k, v in formulas.items() if k in {c.key for c in schema.columns}}, INPUT_ROWS)
    add_feedback(book.create_sheet(REP_FEEDBACK.name), rep.feedback)
    for output in rep.shown[1:]:
        shown(output)
    add_lists(book, rep.lists)
    add_fingerprint(book, rep.fingerprint)
    book.active = 0
    book.security = WorkbookProtection(lockStructure=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_atomically(book, path, backup=False)


def add_feedback(ws, row: pd.DataFrame) -> None:
    """The rep's Feedback row under the Feedback headers; only the answer cells can be typed in."""
    schema = feedback_shown()
    write_input_sheet(ws, schema, row.reindex(columns=list(FEEDBACK_SHOWN)), rows=len(row))
    for j, column in enumerate(schema.columns, start=1):
        if column.key in FEEDBACK_ANSWERS:
            for r in range(2, len(row) + 2):
                ws.cell(row=r, column=j).protection = Protection(locked=False)
    ws.protection.sheet = True


def feedback_shown() -> SheetSchema:
    return replace(REP_FEEDBACK, columns=tuple(REP_FEEDBACK.column(k) for k in FEEDBACK_SHOWN))


def list_formulas(lists: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Column key -> its drop-down's list: the column of the 清单 Lists sheet holding the rep's own values."""
    formulas = {}
    for j, key in enumerate(LIST_COLUMNS, start=1):
        if lists.get(key):
            letter = get_column_letter(j)
            # No leading "=": the file holds a list's source as Excel writes it (LibreOffice drops one anyway).
            formulas[key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(lists[key]) + 1}"
    return formulas


def add_lists(book, lists: Mapping[str, Sequence[str]]) -> None:
    """The very hidden 清单 Lists sheet, one column per :data:`LIST_COLUMNS`."""
    ws = book.create_sheet(LISTS_SHEET)
    for j, key in enumerate(LIST_COLUMNS, start=1):
        ws.cell(row=1, column=j, value=key)
        for i, value in enumerate(lists.get(key, ()), start=2):
            ws.cell(row=i, column=j, value=str(value)).number_format = "@"
    ws.protection.sheet = True
    ws.sheet_state = "veryHidden"


def add_fingerprint(book, fingerprint: Mapping[str, str]) -> None:
    ws = book.create_sheet(FINGERPRINT_SHEET)
    for j, column in enumerate(FINGERPRINT.columns, start=1):
        ws.cell(row=1, column=j, value=column.label)
    for i, (key, label) in enumerate(FINGERPRINT_KEYS, start=2):
        ws.cell(row=i, column=1, value=key)
        ws.cell(row=i, column=2, value=str(fingerprint.get(key, ""))).number_format = "@"
        ws.cell(row=i, column=3, value=label)
    ws.protection.sheet = True
    ws.sheet_state = "veryHidden"


# ---- Reading a returned file ----

@dataclass
class ReturnedFile:
    """A returned file as read.

    Attributes:
        path: where it is.
        fingerprint: what it says it is (None when it has no readable fingerprint).
        tables: sheet key (``daily_log``, ``actuals``, ``touches``, ``feedback``) -> rows by Excel row.
        layouts: sheet key -> where its columns were found (to name cells in messages).
        problems: what could not be read, located in the file (``[file]sheet!cell``).
    """

    path: Path
    fingerprint: Fingerprint | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    layouts: dict[str, SheetLayout] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    def locate(self, problems: Sequence[Problem]) -> list[Problem]:
        """Core problems (sheet keys) named as the planner finds them: ``[file]sheet!E7 (header)``."""
        located = []
        for p in problems:
            layout = self.layouts.get(p.sheet or "")
            if layout is None:
                located.append(in_file(self.name, p))
                continue
            letter, header = layout.columns.get(p.column or "", (None, None))
            located.append(in_file(self.name, p.at(sheet=layout.sheet_name, letter=p.letter or letter,
                                                   header=p.header or header)))
        return located


def in_file(name: str, p: Problem) -> Problem:
    """The problem placed in the file ``name``: ``[name]sheet``, or the file alone."""
    return p.at(sheet=f"[{name}]{p.sheet}" if p.sheet and p.sheet != name else name)


def read_returned(path: Path) -> ReturnedFile:
    """Read a file a rep sent back; never raises for what is wrong with the file (see ``problems``)."""
    path = Path(path)
    returned = ReturnedFile(path)
    try:
        book = FileWorkbook(path)
        names = book.sheet_names()
        where = find_sheet(FINGERPRINT, names)
        if where is None:
            returned.problems.append(Problem(path.name, None, None, "not-a-rep-file",
                                             "不是 salesxl 下发的业务员文件（没有指纹表），未收回",
                                             "not a rep's file issued by salesxl (it has no fingerprint sheet); "
                                             "nothing was collected from it"))
            return returned
        frame, layout, _ = read_table(FINGERPRINT, book.read_sheet(where))
        returned.layouts["fingerprint"] = layout
        returned.fingerprint = fingerprint_of(frame)
        for schema in REP_INPUTS + (REP_FEEDBACK,):
            name = find_sheet(schema, names)
            if name is None:
                returned.problems.append(Problem(path.name, None, None, "rep-sheet-missing",
                                                 f"文件中没有“{schema.name}”表", f"the file has no sheet '{schema.name}'",
                                                 "warning"))
                continue
            frame, layout, found = read_table(schema, book.read_sheet(name))
            returned.tables[schema.key], returned.layouts[schema.key] = frame, layout
            returned.problems += [in_file(path.name, p) for p in found]
    except ProblemsFound as found:
        returned.problems += [in_file(path.name, p) for p in found.problems]
    except Exception as exc:  # noqa: BLE001 — a file from outside: whatever breaks its reading refuses it alone
        returned.problems.append(Problem(path.name, None, None, "cannot-read", f"无法读取此文件：{exc!r}",
                                         f"cannot read this file: {exc!r}"))
    return returned


def fingerprint_of(frame: pd.DataFrame) -> Fingerprint:
    """The Fingerprint sheet's key/value rows as a :class:`Fingerprint` (unreadable values as None)."""
    values, rows = {}, {}
    for row, key, value in zip(frame.index, frame["key"], frame["value"]):
        if key is not None and str(key).strip() not in values:
            values[str(key).strip()] = "" if value is None else str(value).strip()
            rows[str(key).strip()] = int(row)
    try:
        month = pd.Period(values.get("month", ""), freq="M")
    except (ValueError, TypeError):
        month = None
    version = values.get("version", "")
    version = float(version) if version.replace(".", "", 1).isdigit() else None  # "2" or, re-typed, "2.0"
    return Fingerprint(kind=values.get("kind", ""), master=values.get("master", ""),
                       master_name=values.get("master_name", ""), month=None if month is pd.NaT else month,
                       version=int(version) if version is not None and version == int(version) else None,
                       rep_id=values.get("rep_id", ""), rep_name=values.get("rep_name", ""), rows=rows)
