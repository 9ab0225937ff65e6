"""Issued targets for end-to-end tests of the steps after the breakdown.

The small demo is released once (target, then breakdown) and its issued sheets read back; they are then
written into a copy of the small demo without its History rows, which tracking never reads, so every
tracking test opens a small file.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from salesxl.problems import has_errors, render
from salesxl.steps.breakdown import breakdown
from salesxl.steps.target import target
from salesxl.workbook.backend import OutColumn, OutTable, SheetOutput
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs
from salesxl.workbook.schema import OutputSheetName
from salesxl.workbook.contract.breakdown import ISSUED_SHEETS
from salesxl.workbook.template import save_new_workbook

KINDS = {"decimal": "amount", "date": "date", "month": "month", "bool": "bool"}


def issued_outputs(frames: dict[str, pd.DataFrame]) -> list[SheetOutput]:
    """The frames as the issued sheets: one table per schema, on the sheet the schema names."""
    sheets: dict[str, SheetOutput] = {}
    for schema in ISSUED_SHEETS:
        name = OutputSheetName(schema.key, schema.zh, schema.en)
        output = sheets.setdefault(schema.name, SheetOutput(name, subtitle="测试下达 issued for tests"))
        columns = [OutColumn(c.key, c.zh, c.en, KINDS.get(c.type, "text")) for c in schema.columns]
        output.tables.append(OutTable(frames[schema.key], columns, heading=schema.purpose_en))
    return list(sheets.values())


@pytest.fixture(scope="session")
def small_issued(tmp_path_factory, small_demo_file) -> dict[str, pd.DataFrame]:
    """The small demo's targets as the breakdown releases them (target, then breakdown), read back."""
    path = tmp_path_factory.mktemp("released") / "released.xlsx"
    shutil.copy(small_demo_file, path)
    for step in (target, breakdown):
        result = step(FileWorkbook(path))
        assert result.ok, [render(p) for p in result.problems]
    issued, problems = read_inputs(FileWorkbook(path), schemas=ISSUED_SHEETS)
    assert not has_errors(problems), [render(p) for p in problems]
    return issued.tables


@pytest.fixture(scope="session")
def untracked_demo_file(tmp_path_factory, small_demo):
    """The small demo without its History rows: tracking never reads them, and the file loads much faster."""
    settings, tables = small_demo
    path = tmp_path_factory.mktemp("untracked") / "untracked.xlsx"
    save_new_workbook(path, settings, {**tables, "history": tables["history"].iloc[0:0]})
    return path


@pytest.fixture(scope="session")
def tracked_demo_file(tmp_path_factory, untracked_demo_file, small_issued):
    path = tmp_path_factory.mktemp("tracked") / "tracked.xlsx"
    shutil.copy(untracked_demo_file, path)
    FileWorkbook(path).write_sheets(issued_outputs(small_issued))
    return path


@pytest.fixture
def tracked(tmp_path, tracked_demo_file):
    """A private copy of the small demo workbook with issued targets, free to spoil."""
    path = tmp_path / "plan.xlsx"
    shutil.copy(tracked_demo_file, path)
    return path


@pytest.fixture
def untracked(tmp_path, untracked_demo_file):
    """A private copy of the small demo workbook before the breakdown has run."""
    path = tmp_path / "plan.xlsx"
    shutil.copy(untracked_demo_file, path)
    return path


# ---- Close (step 7): the small demo at month end, released by the real breakdown, with its expense ledger ----

@pytest.fixture(scope="session")
def month_end_demo():
    """``(settings, tables)`` of the small demo company with the whole plan month's actual sales."""
    from salesxl.demo import month_end_demo_data

    from ..conftest import SMALL
    return month_end_demo_data(seed=7, size=SMALL)


@pytest.fixture(scope="session")
def released_file(tmp_path_factory, month_end_demo):
    """The month-end small demo after the breakdown, the expense budget and the expense review."""
    from salesxl.steps import expenses as expense_steps
    from salesxl.steps.breakdown import breakdown

    path = tmp_path_factory.mktemp("released") / "released.xlsx"
    save_new_workbook(path, *month_end_demo)
    for step in (breakdown, expense_steps.expenses, expense_steps.expenses_review):
        result = step(FileWorkbook(path))
        assert result.ok, [p.message_en for p in result.problems if p.severity == "error"]
    return path


@pytest.fixture
def closable(tmp_path, released_file):
    """A private copy of the released month-end demo, ready to close and free to spoil."""
    path = tmp_path / "plan.xlsx"
    shutil.copy(released_file, path)
    return path


def table_rows(ws, heading: str) -> list[list]:
    """The data rows of the table under ``heading`` (header row excluded, totals row excluded)."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r and r[0] == heading) + 2
    out = []
    for r in rows[start:]:
        if r[0] is None or r[0] == "合计 Total":
            break
        out.append(r)
    return out
