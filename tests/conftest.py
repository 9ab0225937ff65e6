"""Shared fixtures: a small demo workbook on disk, and helpers to spoil it."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from salesxl.demo import DemoSize, demo_workbook_data
from salesxl.workbook.template import save_new_workbook

SMALL = DemoSize(reps=8, outlets=40, skus=12, years=3)

os.environ.setdefault("SOURCE_DATE_EPOCH", "1795845600")
"""2026-11-28 06:00 UTC: the run time every step stamps on its sheets' title block
(salesxl.workbook.style.run_time), so two runs on the same inputs write the same cells."""


@pytest.fixture(scope="session")
def small_demo():
    """``(settings, tables)`` of a small demo company (fast to write and read)."""
    return demo_workbook_data(seed=7, size=SMALL)


@pytest.fixture(scope="session")
def small_demo_file(tmp_path_factory, small_demo) -> Path:
    path = tmp_path_factory.mktemp("demo") / "small_demo.xlsx"
    settings, tables = small_demo
    save_new_workbook(path, settings, tables)
    return path


@pytest.fixture
def workbook(tmp_path, small_demo_file) -> Path:
    """A private copy of the small demo workbook, free to spoil."""
    path = tmp_path / "plan.xlsx"
    shutil.copy(small_demo_file, path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def edit(path: Path, changes: dict[str, object]) -> None:
    """Set cells, e.g. ``{"业务员 Reps!B3": None}``, as a planner typing them would; formulas stay uncached.

    Text, numbers, ``None``, formulas (``"=100*2"``) and error values (``"#N/A"``) are written into
    the sheet's XML directly (fast: no whole-workbook load and save); anything else goes through openpyxl.
    """
    if all(value is None or isinstance(value, (str, int, float)) and not isinstance(value, bool)
           for value in changes.values()):
        set_cells_in_xml(path, changes)
        return
    book = openpyxl.load_workbook(path)
    for where, value in changes.items():
        sheet, cell = where.rsplit("!", 1)
        book[sheet][cell] = value
    book.save(path)


def set_cells_in_xml(path: Path, changes: dict[str, object]) -> None:
    from lxml import etree
    from openpyxl.cell.cell import ERROR_CODES
    from openpyxl.utils.cell import coordinate_to_tuple

    from salesxl.workbook.package import Package, main_part, relationships, xml_bytes

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    package = Package(Path(path).read_bytes())
    workbook = main_part(package)
    targets = {r.id: r.target for r in relationships(package, workbook)}
    parts = {s.get("name"): targets[s.get(f"{{{'http://schemas.openxmlformats.org/officeDocument/2006/relationships'}}}id")]
             for s in etree.fromstring(package.read(workbook)).iter(f"{{{main}}}sheet")}
    by_sheet: dict[str, dict[str, object]] = {}
    for where, value in changes.items():
        sheet, ref = where.rsplit("!", 1)
        by_sheet.setdefault(sheet, {})[ref] = value
    for sheet, cells in by_sheet.items():
        root = etree.fromstring(package.read(parts[sheet]))
        data = root.find(f"{{{main}}}sheetData")
        for ref, value in cells.items():
            row_number, column = coordinate_to_tuple(ref)
            row = next((r for r in data if int(r.get("r")) == row_number), None)
            if row is None:
                row = etree.Element(f"{{{main}}}row", r=str(row_number))
                later = [r for r in data if int(r.get("r")) > row_number]
                (later[0].addprevious(row) if later else data.append(row))
            cell = next((c for c in row if coordinate_to_tuple(c.get("r")) == (row_number, column)), None)
            if cell is None:
                cell = etree.Element(f"{{{main}}}c", r=ref)
                later = [c for c in row if coordinate_to_tuple(c.get("r"))[1] > column]
                (later[0].addprevious(cell) if later else row.append(cell))
            for child in list(cell):
                cell.remove(child)
            cell.attrib.pop("t", None)
            if value is None:
                continue
            if isinstance(value, str) and value.startswith("=") and len(value) > 1:
                etree.SubElement(cell, f"{{{main}}}f").text = value[1:]
            elif isinstance(value, str) and value in ERROR_CODES:
                cell.set("t", "e")
                etree.SubElement(cell, f"{{{main}}}v").text = value
            elif isinstance(value, str):
                cell.set("t", "inlineStr")
                etree.SubElement(etree.SubElement(cell, f"{{{main}}}is"), f"{{{main}}}t").text = value
            else:
                etree.SubElement(cell, f"{{{main}}}v").text = repr(value)
        package.write(parts[sheet], xml_bytes(root))
    Path(path).write_bytes(package.to_bytes())
