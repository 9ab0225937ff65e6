"""The scratch workbook the splice renders into is saved as openpyxl saves it, part for part, only stored instead
of deflated and with each sheet's relationships found by id (openpyxl's save passes over the list once per table:
quadratic in a sheet's tables, issue 22)."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pandas as pd
import pytest
from openpyxl.packaging.relationship import Relationship

from salesxl.workbook.backend import OutColumn, OutTable, SheetOutput
from salesxl.workbook.contract.agree import COMMITMENTS
from salesxl.workbook.render import render_sheet
from salesxl.workbook.splice import IndexedRelationships, saved_scratch


def test_a_relationship_is_found_by_id_as_openpyxl_finds_it():
    """rId1 twice: the first is found, as openpyxl's pass finds it; one appended later is found too."""
    first, second, third = (Relationship(Id="rId1", Type="a", Target="x"), Relationship(Id="rId1", Type="b", Target="y"),
                            Relationship(Id="rId2", Type="c", Target="z"))
    rels = IndexedRelationships([first, second])
    assert rels.get("rId1") is first
    rels.append(third)
    assert rels.get("rId2") is third
    with pytest.raises(KeyError):
        rels.get("rId3")


def test_the_scratch_holds_the_parts_openpyxl_would_save_uncompressed():
    """A sheet of 30 tables: the same part names with the same bytes as Workbook.save, every entry stored."""
    from openpyxl import Workbook

    columns = [OutColumn("a", "甲", "A"), OutColumn("b", "乙", "B", "amount", total=True)]
    output = SheetOutput(COMMITMENTS, tables=[
        OutTable(pd.DataFrame({"a": [f"r{i}", "s"], "b": [1.5, float(i)]}), columns, heading=f"第{i}组") for i in range(30)])

    def rendered() -> Workbook:
        book = Workbook()
        render_sheet(book.active, output, set())
        return book

    ours = zipfile.ZipFile(BytesIO(saved_scratch(rendered())))
    buffer = BytesIO()
    rendered().save(buffer)
    theirs = zipfile.ZipFile(buffer)
    assert ours.namelist() == theirs.namelist() and len([n for n in ours.namelist() if "/tables/" in n]) == 30
    assert {i.compress_type for i in ours.infolist()} == {zipfile.ZIP_STORED}
    for name in ours.namelist():
        if name != "docProps/core.xml":  # the save's time stamp
            assert ours.read(name) == theirs.read(name), name
