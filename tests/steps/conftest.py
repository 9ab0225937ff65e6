"""Issued targets for end-to-end tests of the steps after the breakdown.

A stand-in for the breakdown's output: simple, exact splits of each rep's target written as the issued sheets
(``ISSUED_SHEETS``) with the file backend, so tracking can be tested on the small demo workbook on its own.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from salesxl.core.allocation import allocate
from salesxl.core.calendar import month_calendar, split_by_workdays
from salesxl.workbook.backend import OutColumn, OutTable, SheetOutput
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.schema import OutputSheetName
from salesxl.workbook.sheets import ISSUED_SHEETS
from salesxl.workbook.template import save_new_workbook

KINDS = {"decimal": "amount", "date": "date", "month": "month", "bool": "bool"}


def issued_frames(settings, tables) -> dict[str, pd.DataFrame]:
    """Each active rep's target is last year's same month × 1.1 (50,000 for a rep without one), split exactly."""
    month = settings["plan_month"]
    reps = tables["reps"][tables["reps"].active].reset_index(drop=True)
    history = tables["history"]
    last_year = history[history.date.dt.to_period("M") == month - 12].groupby("rep_id").amount.sum()
    target = (reps.rep_id.map(last_year).fillna(50_000 / 1.1) * 1.1).round(-2)
    rep_targets = pd.DataFrame({"month": month, "rep_id": reps.rep_id, "name": reps.name, "region": reps.region,
                                "target": target, "base": target, "challenge": (target * 1.1).round(),
                                "sprint": (target * 1.2).round()})
    products = tables["products"][tables["products"].active].reset_index(drop=True)
    mix = dict(zip(tables["role_mix"].role, tables["role_mix"].share))
    weights = products.role.map(mix) / products.groupby("role").sku.transform("count")
    rep_skus = pd.concat([pd.DataFrame({"rep_id": r.rep_id, "sku": products.sku, "role": products.role,
                                        "sku_target": allocate(r.target, weights.to_numpy())})
                          for r in rep_targets.itertuples()], ignore_index=True)
    outlets = tables["outlets"][tables["outlets"].rep_id.isin(set(reps.rep_id))].reset_index(drop=True)
    outlet_target = np.zeros(len(outlets))
    for r in rep_targets.itertuples():
        mine = np.flatnonzero(outlets.rep_id == r.rep_id)
        if len(mine):
            outlet_target[mine] = allocate(r.target, [1.0] * len(mine))
    outlet_targets = pd.DataFrame({"outlet_id": outlets.outlet_id, "rep_id": outlets.rep_id, "region": outlets.region,
                                   "core": outlets.core, "outlet_target": outlet_target})
    core = outlet_targets[outlet_targets.core]
    core_skus = pd.concat([pd.DataFrame({"outlet_id": o.outlet_id, "sku": products.sku,
                                         "outlet_sku_target": allocate(o.outlet_target, weights.to_numpy())})
                           for o in core.itertuples()], ignore_index=True)
    calendar, _ = month_calendar(month, settings.get("country", "CN"), tables.get("calendar"))
    daily = []
    for r in rep_targets.itertuples():
        days = split_by_workdays(r.target, calendar)
        days = days[days.weight > 0]
        daily.append(pd.DataFrame({"date": days.date, "rep_id": r.rep_id, "daily_target": days.target,
                                   "target_to_date": days.cumulative}))
    return {"rep_targets": rep_targets, "rep_sku_targets": rep_skus, "outlet_targets": outlet_targets,
            "core_outlet_sku_targets": core_skus, "daily_targets": pd.concat(daily, ignore_index=True)}


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
def small_issued(small_demo):
    return issued_frames(*small_demo)


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
