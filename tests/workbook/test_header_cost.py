"""Finding a table's header costs a few label lookups per column, however long the sheet (issue 22).

The tracking step once spent half a minute folding the labels of every row of the Outlet Targets sheet
(22.9 million ``normalise_label`` calls on a 49-rep company). These tests count the calls, not seconds.
"""

from __future__ import annotations

import pandas as pd
import pytest

from salesxl.workbook import reader, schema
from salesxl.workbook.backend import OutColumn, OutTable, SheetOutput
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs
from salesxl.workbook.contract.breakdown import ISSUED_CORE_OUTLET_SKU_TARGETS, ISSUED_OUTLET_TARGETS, OUTLET_TARGETS

SCHEMAS = (ISSUED_OUTLET_TARGETS, ISSUED_CORE_OUTLET_SKU_TARGETS)


def outlet_targets(outlets: int, core_rows: int) -> SheetOutput:
    """The breakdown's Outlet Targets as it lays them out: a title block, the outlets, then below them
    the core outlet × SKU table (the long one)."""
    ids = [f"O{i:06d}" for i in range(outlets)]
    first = pd.DataFrame({"outlet_id": ids, "rep_id": "R001", "region": "华东", "core": [i % 5 == 0 for i in range(outlets)],
                          "outlet_target": 1000.0})
    second = pd.DataFrame({"outlet_id": [ids[i % outlets] for i in range(core_rows)],
                           "sku": [f"S{i // outlets:03d}" for i in range(core_rows)], "outlet_sku_target": 10.0})
    return SheetOutput(OUTLET_TARGETS, subtitle="2026-12", notes=["a note"], tables=[
        OutTable(first, [OutColumn("outlet_id", "网点编号", "Outlet ID"), OutColumn("rep_id", "业务员编号", "Rep ID"),
                         OutColumn("region", "区域", "Region"), OutColumn("core", "核心店", "Core outlet", "bool"),
                         OutColumn("outlet_target", "网点目标", "Outlet target", "amount", total=True)]),
        OutTable(second, [OutColumn("outlet_id", "网点编号", "Outlet ID"), OutColumn("sku", "产品编码", "SKU"),
                          OutColumn("outlet_sku_target", "网点产品目标", "Outlet SKU target", "amount")],
                 heading="核心店×产品 Core outlet × SKU"),
    ])


@pytest.fixture(scope="module")
def sheets(tmp_path_factory, small_demo_file) -> dict[int, FileWorkbook]:
    """The same sheet with 1,000 and with 100,000 core outlet × SKU rows, each written by salesxl."""
    books = {}
    for rows in (1_000, 100_000):
        path = tmp_path_factory.mktemp("header") / f"{rows}.xlsx"
        path.write_bytes(small_demo_file.read_bytes())
        FileWorkbook(path).write_sheets([outlet_targets(200, rows)])
        books[rows] = path
    return books


def counted_reading(path, monkeypatch) -> tuple[int, dict]:
    """Read both tables of the sheet afresh, counting every ``normalise_label`` call the reading makes."""
    calls = [0]
    fold = schema.normalise_label

    def counting(text):
        calls[0] += 1
        return fold(text)

    monkeypatch.setattr(schema, "normalise_label", counting)
    monkeypatch.setattr(reader, "normalise_label", counting)
    inputs, problems = read_inputs(FileWorkbook(path), schemas=SCHEMAS)
    assert [p for p in problems if p.severity == "error"] == []
    return calls[0], inputs


def test_a_100k_row_output_sheet_folds_labels_as_often_as_a_1k_row_one(sheets, monkeypatch):
    """Both sheets have 5 + 3 header cells and one tab list; the count must not grow with the rows.
    The first reading folds each declaration's spellings once (they are kept); the later ones only the
    sheet names and the cells of the few rows where salesxl's layout can start a table."""
    counted_reading(sheets[1_000], monkeypatch)  # spellings of the schemas folded once, as in any run
    small, small_inputs = counted_reading(sheets[1_000], monkeypatch)
    large, large_inputs = counted_reading(sheets[100_000], monkeypatch)
    assert len(small_inputs["core_outlet_sku_targets"]) == 1_000
    assert len(large_inputs["core_outlet_sku_targets"]) == 100_000
    assert len(large_inputs["outlet_targets"]) == 200
    assert large == small, (large, small)
    # O(columns): the workbook's tab names (the demo's ~40 sheets, for each of the two schemas) and the
    # cells of the candidate header rows (title block, headings, headers: a dozen rows of at most 5 cells)
    assert large < 2 * 40 + 12 * 5 * 2 * 2


def test_the_owned_sheet_says_so_and_its_tables_are_where_they_were_written(sheets):
    """Title (row 1), subtitle, note, blank, header on row 5, 200 outlets (6-205), totals 206, blank 207,
    heading 208, the second header on row 209, its first data row 210."""
    book = FileWorkbook(sheets[1_000])
    assert book.read_sheet(OUTLET_TARGETS.name).owner == "outlet_targets"
    inputs, _ = read_inputs(book, schemas=SCHEMAS)
    assert inputs.layouts["outlet_targets"].header_row == 5
    assert inputs.layouts["core_outlet_sku_targets"].header_row == 209
    assert inputs["core_outlet_sku_targets"].index[0] == 210
    assert inputs.layouts["core_outlet_sku_targets"].columns["sku"] == ("B", "产品编码 SKU")
