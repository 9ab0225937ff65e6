"""The template and the demo follow the contract, and round-trip through a workbook."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import openpyxl
import pandas as pd
import pytest

from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs
from salesxl.workbook.contract import INPUT_SHEETS, SETTINGS
from salesxl.workbook.template import DEFAULT_TEMPLATE, WRITTEN_BY_SALESXL, build_workbook

TEMPLATE_SHEETS = [s for s in INPUT_SHEETS if s.key not in WRITTEN_BY_SALESXL]
"""The input sheets the template holds; 反馈 Feedback is created by ``salesxl issue-draft``."""


def sheet_values(book):
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book.worksheets}


def saved_values(book, tmp_path):
    """Cell values as they read back from disk (openpyxl keeps dates as datetimes there)."""
    book.save(tmp_path / "fresh.xlsx")
    return sheet_values(openpyxl.load_workbook(tmp_path / "fresh.xlsx"))


def test_committed_template_matches_the_contract(tmp_path):
    """Regenerate with ``python -m salesxl.workbook.template`` when this fails."""
    committed = openpyxl.load_workbook(DEFAULT_TEMPLATE)
    assert sheet_values(committed) == saved_values(build_workbook(), tmp_path)
    for schema in TEMPLATE_SHEETS:
        ws = committed[schema.name]
        assert [c.value for c in ws[1]] == [c.label for c in schema.columns]
        assert ws.freeze_panes == "A2"
        assert list(ws.tables) == [f"tbl_{schema.key}"]
    assert [r[0].value for r in committed["设置 Settings"].iter_rows(min_row=2)] == [s.label for s in SETTINGS]


def test_template_has_drop_downs_for_choices_yes_no_and_regions():
    book = build_workbook()
    formulas = {dv.formula1 for dv in book["业务员 Reps"].data_validations.dataValidation}
    assert formulas == {"=salesxl_regions", '"是,否"'}
    roles = {dv.formula1 for dv in book["产品 Products"].data_validations.dataValidation}
    assert '"战斗机型 flagship,规模型 volume,利润型 profit,形象型 image"' in roles
    assert book.defined_names["salesxl_regions"].attr_text == "'区域 Regions'!$A$2:$A$501"


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index(drop=True).copy()
    for column in out:
        if isinstance(out[column].dtype, pd.PeriodDtype) or out[column].dtype.kind == "M":
            out[column] = out[column].astype(str).replace({"NaT": None})
        elif out[column].dtype.kind in "fiu" or str(out[column].dtype) in ("Int64", "boolean"):
            out[column] = out[column].astype("float64")
        else:
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


def test_round_trip_demo_data_reads_back_identical(small_demo, small_demo_file):
    settings, tables = small_demo
    inputs, problems = read_inputs(FileWorkbook(small_demo_file))
    assert problems == []
    assert inputs.settings.plan_month == settings["plan_month"]
    assert inputs.settings.rounding_unit == 1.0 and inputs.settings.history_method == "trend"
    for schema in TEMPLATE_SHEETS[1:]:
        keys = [c.key for c in schema.columns]
        written = tables[schema.key].reindex(columns=keys)
        for c in schema.columns:  # blank cells of optional columns read back as their default
            if c.default is not None:
                written[c.key] = written[c.key].where(written[c.key].notna(), c.default)
        pd.testing.assert_frame_equal(comparable(inputs[schema.key]), comparable(written), check_dtype=False,
                                      obj=schema.name)
    assert list(inputs["reps"].index[:3]) == [2, 3, 4]  # Excel row numbers


def test_demo_is_realistic(small_demo):
    settings, tables = small_demo
    history = tables["history"]
    months = history.month.where(history.month.notna(), history.date.dt.to_period("M"))
    assert months.min() == settings["plan_month"] - 36 and months.max() == settings["plan_month"] - 1
    assert history.date.notna().sum() > 0 and history.month.notna().sum() > 0
    by_month = history.groupby(months).amount.sum()
    # Chinese New Year dip: February is the weakest month of each year.
    for year in (2024, 2025, 2026):
        year_months = by_month[[m for m in by_month.index if m.year == year]]
        assert year_months.idxmin() == pd.Period(f"{year}-02", "M")
    assert set(tables["products"].role) == {"flagship", "volume", "profit", "image"}
    new_skus = set(tables["products"].sku[tables["products"]["new"]])
    assert new_skus and not new_skus & set(history.sku)
    assert (~tables["reps"].active).sum() == 1
    assert np.isclose(tables["role_mix"].share.sum(), 1)


@pytest.mark.soffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_demo_workbook_opens_in_libreoffice(small_demo_file, tmp_path):
    done = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                           str(small_demo_file)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "small_demo.pdf"
    assert pdf.exists() and pdf.stat().st_size > 10_000


def test_shipped_demo_is_the_generated_demo(tmp_path):
    """Regenerate with ``python -m salesxl.workbook.template`` when this fails."""
    from salesxl.demo import demo_workbook_data
    from salesxl.workbook.template import SHIPPED_DEMO

    # Read with salesxl's own reader, a tenth of openpyxl's time on this 10,000-row workbook.
    build_workbook(*demo_workbook_data()).save(tmp_path / "fresh.xlsx")
    assert cell_values(SHIPPED_DEMO) == cell_values(tmp_path / "fresh.xlsx")


def cell_values(path) -> dict[str, list[list]]:
    book = FileWorkbook(path)
    return {name: book.read_sheet(name).rows for name in book.sheet_names()}
