"""Sheets salesxl writes can be read back as the issued figures later steps work from."""

from __future__ import annotations

import pandas as pd

from salesxl.workbook.backend import OutColumn, OutTable, SheetOutput
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs
from salesxl.workbook.schema import Column, OutputSheetName, SheetSchema

ISSUED = OutputSheetName("issued_demo", "下达", "Issued")
SCHEMA = SheetSchema("issued_demo", "下达", "Issued", (
    Column("rep_id", "业务员编号", "Rep ID"),
    Column("target", "目标", "Target", "decimal"),
), issued=True)


def test_issued_sheet_reads_back_its_first_table_only(workbook):
    reps = pd.DataFrame({"rep_id": ["R001", "R002"], "target": [1200.0, 800.0]})
    other = pd.DataFrame({"what": ["x"], "n": [1.0]})
    output = SheetOutput(ISSUED, subtitle="2026-12", notes=["a note"], tables=[
        OutTable(reps, [OutColumn("rep_id", "业务员编号", "Rep ID"),
                        OutColumn("target", "目标", "Target", "amount", total=True)]),
        OutTable(other, [OutColumn("what", "项目", "What"), OutColumn("n", "数", "N", "decimal")], heading="Other"),
    ])
    book = FileWorkbook(workbook)
    book.write_sheets([output])
    inputs, problems = read_inputs(FileWorkbook(workbook), schemas=[SCHEMA])
    assert problems == []
    frame = inputs["issued_demo"]
    assert frame.to_dict("list") == {"rep_id": ["R001", "R002"], "target": [1200.0, 800.0]}
    assert list(frame.index) == [6, 7]  # title, subtitle, note, blank, header on row 5
