"""salesxl writes into real workbooks saved by Excel and LibreOffice without damaging anything.

The corpus (tests/data/real/, sources and licences in its README) holds pivot tables with
caches, slicers, a timeline, charts and a chart sheet, shapes, form controls, ActiveX, VBA,
embedded OLE objects, in-cell pictures, Excel 365 checkboxes, threaded comments, Excel 2010
validations and conditional formats, tables, connections, external links, hidden and very
hidden sheets, protected sheets, merged cells and dynamic arrays. Each file gets salesxl's
output sheets, then:

(a) every zip entry salesxl does not own is byte-identical (raw compressed bytes, same order);
(b) the result opens in openpyxl and in LibreOffice, with every sheet there and the totals
    formula calculated;
(c) running again, or on another copy, gives a byte-identical file.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import openpyxl
import pytest

from salesxl.problems import ProblemsFound
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.package import Package, main_part, rels_name
from salesxl.workbook.splice import MARKER

from .libreoffice import needs_soffice, sheets_as_csv
from .outputs import MONTH_TARGET, PROBLEMS, TOTAL, month_target_rows, planner_outputs
from ..conftest import digest

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
STRICT = "ActiveXControls-O12-XL-Controls.xlsx"
CORPUS = sorted(p.name for p in REAL.glob("*.xls[xm]") if p.name != STRICT)
OUTPUT_NAMES = [MONTH_TARGET.name, PROBLEMS.name]


def test_the_corpus_is_big_enough_and_small():
    assert len(CORPUS) >= 15
    assert sum((REAL / name).stat().st_size for name in CORPUS) < 3_000_000


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Each corpus file written once, written again, and written once more from another copy."""
    root = tmp_path_factory.mktemp("real")
    runs = {}
    for name in CORPUS:
        once, again, other = (root / folder / name for folder in ("once", "again", "other"))
        for path in (once, other):
            path.parent.mkdir(exist_ok=True)
            shutil.copy(REAL / name, path)
            FileWorkbook(path).write_sheets(planner_outputs())
        again.parent.mkdir(exist_ok=True)
        shutil.copy(once, again)
        FileWorkbook(again).write_sheets(planner_outputs())
        runs[name] = (once, again, other)
    return runs


def owned_entries(package: Package) -> set[str]:
    """The entries salesxl may change: workbook, its relationships, content types, app properties, styles."""
    workbook = main_part(package)
    styles = [n for n in package.names() if n.endswith("styles.xml") and n.startswith(workbook.rsplit("/", 1)[0])]
    return {workbook, rels_name(workbook), "[Content_Types].xml", "docProps/app.xml", *styles}


@pytest.mark.parametrize("name", CORPUS)
def test_untouched_entries_are_byte_identical_and_in_order(written, name):
    before = Package((REAL / name).read_bytes())
    after = Package(written[name][0].read_bytes())
    owned = owned_entries(before)
    kept = [e for e in sorted(before.entries, key=lambda e: e.place) if e.name not in owned]
    found = {e.name: e for e in after.entries}
    for entry in kept:
        assert found[entry.name].local == entry.local, entry.name  # header, compressed data, descriptor
        assert found[entry.name].central[46:] == entry.central[46:]  # name, extra field, comment
        assert found[entry.name].central[:42] == entry.central[:42]
    order = [e.name for e in sorted(after.entries, key=lambda e: e.place) if e.name in {k.name for k in kept}]
    assert order == [e.name for e in kept]
    added = set(found) - {e.name for e in before.entries}
    assert all(n.startswith(("xl/worksheets/", "xl/tables/")) for n in added), added


@pytest.mark.parametrize("name", CORPUS)
def test_reruns_give_the_same_bytes(written, name):
    once, again, other = written[name]
    assert digest(again) == digest(once)
    assert digest(other) == digest(once)


@pytest.mark.parametrize("name", CORPUS)
def test_written_sheets_read_back_and_every_sheet_still_reads(written, name):
    book = FileWorkbook(written[name][0])
    original = FileWorkbook(REAL / name)
    assert book.sheet_names() == original.sheet_names() + OUTPUT_NAMES
    month = book.read_sheet(MONTH_TARGET.name)
    assert month.rows == month_target_rows()
    assert month.uncached == {(12, 3)}  # the SUBTOTAL: Excel computes it on opening
    for sheet in original.sheet_names():
        assert book.read_sheet(sheet) == original.read_sheet(sheet)


@pytest.mark.parametrize("name", CORPUS)
def test_opens_in_openpyxl(written, name):
    path = written[name][0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert openpyxl.load_workbook(path, read_only=True).sheetnames[-2:] == OUTPUT_NAMES
        try:
            openpyxl.load_workbook(REAL / name)
        except Exception:  # openpyxl cannot load the original either (a Mac Excel pivot cache)
            assert name == "pivots.xlsx"
            return
        book = openpyxl.load_workbook(path, keep_vba=name.endswith(".xlsm"))
    sheet = book[MONTH_TARGET.name]
    assert [sheet.cell(row=r, column=2).value for r in range(7, 12)] == ["王伟", "=1+1", "@SUM(A1)", "-5", "+86 138"]
    assert {sheet.cell(row=r, column=2).data_type for r in range(7, 12)} == {"s"}  # text, never formulas
    assert sheet["C12"].value == "=SUBTOTAL(109,sx_month_target_1[月度目标 Month target])"
    assert list(sheet.tables) == ["sx_month_target_1"]
    assert book.defined_names.get(MARKER) is None  # the marker is sheet-level, not a workbook name
    assert sheet.defined_names[MARKER].attr_text == '"month_target"'


@pytest.fixture(scope="module")
def in_libreoffice(written, tmp_path_factory):
    files = [written[name][0] for name in CORPUS]
    return sheets_as_csv(files, tmp_path_factory.mktemp("csv"))


@pytest.mark.soffice
@needs_soffice
@pytest.mark.parametrize("name", CORPUS)
def test_opens_in_libreoffice_with_every_sheet_and_the_total_calculated(written, in_libreoffice, name):
    path = written[name][0]
    sheets = in_libreoffice[path]
    assert set(sheets) == set(FileWorkbook(path).sheet_names())
    month = sheets[MONTH_TARGET.name]
    assert month[7][:2] == ["R002", "=1+1"]
    assert month[11][0] == "合计 Total" and float(month[11][2]) == TOTAL


def test_a_strict_open_xml_workbook_reads_but_is_not_written(tmp_path):
    path = tmp_path / STRICT
    shutil.copy(REAL / STRICT, path)
    before = digest(path)
    book = FileWorkbook(path)
    assert book.sheet_names() == ["Sheet1", "Sheet2", "Sheet3"]
    with pytest.raises(ProblemsFound) as found:
        book.write_sheets(planner_outputs())
    assert [(p.sheet, p.code) for p in found.value.problems] == [(STRICT, "strict-format")]
    assert digest(path) == before
