"""Properties of writing into a package: whatever text and numbers salesxl writes read back as written,
and the same write gives the same bytes.

Two things come back changed, by design or by Excel's limits: an empty text is an empty cell, and a
number keeps the 16 significant digits openpyxl writes (Excel shows 15).
"""

from __future__ import annotations

import shutil

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesxl.workbook.backend import OutColumn, OutTable, SheetOutput
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.render import NOT_IN_XML

from .outputs import MONTH_TARGET
from ..conftest import digest

COLUMNS = [OutColumn("text", "文本", "Text"), OutColumn("amount", "金额", "Amount", "amount")]


def output(texts: list[str], amounts: list[float]) -> SheetOutput:
    frame = pd.DataFrame({"text": texts, "amount": amounts})
    return SheetOutput(MONTH_TARGET, tables=[OutTable(frame, COLUMNS)])


rows = st.integers(min_value=1, max_value=6).flatmap(lambda n: st.tuples(
    st.lists(st.text(max_size=40), min_size=n, max_size=n),
    st.lists(st.floats(min_value=-1e15, max_value=1e15), min_size=n, max_size=n)))  # amounts, in Excel's range


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows)
def test_text_and_numbers_read_back_exactly_and_writes_are_deterministic(tmp_path_factory, rows):
    texts, amounts = rows
    folder = tmp_path_factory.mktemp("roundtrip")
    first, second = folder / "a.xlsx", folder / "b.xlsx"
    openpyxl.Workbook().save(first)
    shutil.copy(first, second)
    for path in (first, second):
        FileWorkbook(path).write_sheets([output(texts, amounts)])
    assert digest(first) == digest(second)
    sheet = FileWorkbook(first).read_sheet(MONTH_TARGET.name)
    data = sheet.rows[3:3 + len(texts)]  # title, blank row, header, then the rows
    assert [r[0] for r in data] == [NOT_IN_XML.sub("\ufffd", t) or None for t in texts]
    assert [r[1] for r in data] == pytest.approx(amounts, rel=1e-15, abs=0)
    FileWorkbook(first).write_sheets([output(texts, amounts)])  # a rerun changes nothing
    assert digest(first) == digest(second)
