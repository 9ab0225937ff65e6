"""Regenerate the bad-input corpus: ``python tests/data/bad/make_bad.py``.

Each workbook is a tiny demo company (5 reps, 6 outlets, 4 products, a year of history) with
exactly one fault a planner could make or one kind of file salesxl must refuse. The expected
message of each (sheet, row, column, code) is in ``tests/workbook/test_bad_corpus.py``; the
README beside this script lists them in words.

The output is deterministic (fixed zip dates and document timestamps), so rerunning this
script gives the same bytes and a diff shows only what a change to the script did.
``old_format.xls`` and ``encrypted.xlsx`` are real files from calamine's test suite and are
not generated (see the README).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import zipfile
from io import BytesIO
from pathlib import Path

from lxml import etree
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.workbook.protection import WorkbookProtection

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from salesxl.demo import DemoSize, demo_workbook_data  # noqa: E402
from salesxl.workbook.template import build_workbook  # noqa: E402

HERE = Path(__file__).resolve().parent
TINY = DemoSize(reps=5, outlets=6, skus=4, years=1)
SEED = 11
FIXED_TIME = (2026, 1, 1, 0, 0, 0)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CHINESE_DATE = 'yyyy"年"m"月"d"日"'
"""Chinese Excel's built-in date format number 31; files refer to it by number, without defining it."""


def tiny_company():
    return demo_workbook_data(seed=SEED, size=TINY)


def base_book():
    return build_workbook(*tiny_company())


def set_cells(changes: dict[str, object]):
    def fault(book):
        for where, value in changes.items():
            sheet, cell = where.rsplit("!", 1)
            book[sheet][cell] = value
    return fault


def as_text(changes: dict[str, str]):
    """Values typed as text even when they start with = + - @ (as Excel stores '=1+1 typed with a quote)."""
    def fault(book):
        for where, value in changes.items():
            sheet, cell = where.rsplit("!", 1)
            book[sheet][cell].value = value
            book[sheet][cell].data_type = "s"
    return fault


def general_number(where: str, value: float):
    def fault(book):
        sheet, cell = where.rsplit("!", 1)
        book[sheet][cell] = value
        book[sheet][cell].number_format = "General"  # pasted from another system: a bare serial number
    return fault


def drop_tables(book, sheet: str) -> None:
    for name in list(book[sheet].tables):
        del book[sheet].tables[name]
    book[sheet].data_validations.dataValidation = []


def missing_sheet(book):
    del book["产品结构 RoleMix"]


def blank_rows_and_columns(book):
    drop_tables(book, "业务员 Reps")  # a plain range: the planner's own layout
    book["业务员 Reps"].insert_rows(4, 2)
    book["业务员 Reps"].insert_cols(3, 1)


def header_not_first_row(book):
    drop_tables(book, "产品结构 RoleMix")
    book["产品结构 RoleMix"].insert_rows(1, 2)
    book["产品结构 RoleMix"]["A1"] = "我们的产品结构 Our product mix"


def duplicate_id(book):
    book["业务员 Reps"].append(["R005", "曹洋二", "华中", "华中经理", "是", None, dt.datetime(2026, 11, 10)])


def merged_cells(book):
    book["业务员 Reps"].merge_cells("D3:D4")


def protected_sheet(book):
    book["业务员 Reps"].protection.sheet = True
    book["业务员 Reps"].protection.password = "planner"


def protected_workbook(book):
    book.security = WorkbookProtection(workbookPassword="planner", lockStructure=True)


def date_system_1904(book):
    book.epoch = CALENDAR_MAC_1904
    general_number("日历 Calendar!A2", 44919)(book)  # 2026-12-25 in the 1904 system (46381 - 1462)


def chinese_date_format(book):
    for row in (2, 3):
        book["日历 Calendar"].cell(row=row, column=1).number_format = CHINESE_DATE


def empty_workbook(book):
    for sheet in book.sheetnames[1:]:
        del book[sheet]
    book.active.title = "Sheet1"
    for row in book.active.iter_rows():
        for cell in row:
            cell.value = None
    book.defined_names.clear()


FAULTS = {
    "missing_sheet": missing_sheet,
    "renamed_header": set_cells({"产品 Products!D1": "价格 Price"}),
    "blank_rows_and_columns": blank_rows_and_columns,
    "header_not_first_row": header_not_first_row,
    "text_in_number": set_cells({"产品 Products!D3": "约九十"}),
    "amount_in_wan": set_cells({"年度预算 Budget!D2": "30.9万"}),
    "amount_with_commas": set_cells({"年度预算 Budget!D3": "1,234.5"}),
    "full_width_digits": set_cells({"年度预算 Budget!D4": "１２３４"}),
    "negative_amount": set_cells({"年度预算 Budget!D5": -500}),
    "percent_spellings": set_cells({"产品结构 RoleMix!B2": 30, "产品结构 RoleMix!B3": "35%"}),
    "dates_as_text": set_cells({"日历 Calendar!A2": "2026/12/25", "日历 Calendar!A3": "2026年12月31日",
                                "业务员 Reps!G2": "20230527", "业务员 Reps!G3": "2023.7.5"}),
    "ambiguous_date": set_cells({"日历 Calendar!A2": "12/25/2026"}),
    "text_for_a_date": set_cells({"业务员 Reps!G2": "去年五月"}),
    "date_as_serial": general_number("日历 Calendar!A2", 46381),
    "date_system_1904": date_system_1904,
    "chinese_date_format": chinese_date_format,
    "duplicate_id": duplicate_id,
    "unknown_rep": set_cells({"网点 Outlets!C5": "R999"}),
    "unknown_outlet": set_cells({"历史销售 History!E2": "O9999"}),
    "unknown_sku": set_cells({"历史销售 History!F2": "X99"}),
    "manager_cycle": set_cells({"业务员 Reps!D2": "R002", "业务员 Reps!D3": "宋嘉怡"}),
    "merged_cells": merged_cells,
    "formula_without_value": set_cells({"产品 Products!D3": "=100*2"}),
    "error_na": set_cells({"产品 Products!D4": "#N/A"}),
    "error_div0": set_cells({"产品 Products!D5": "#DIV/0!"}),
    "blank_required_cell": set_cells({"业务员 Reps!B3": None}),
    "choice_not_in_list": set_cells({"产品 Products!C2": "明星"}),
    "missing_plan_month": set_cells({"设置 Settings!B2": None}),
    "protected_sheet": protected_sheet,
    "protected_workbook": protected_workbook,
    "formula_injection": as_text({"业务员 Reps!B2": '=HYPERLINK("http://evil.example","点我")',
                                  "业务员 Reps!B3": "+86 138", "业务员 Reps!B4": "-5", "业务员 Reps!B5": "@SUM(A1)"}),
    "empty_workbook": empty_workbook,
    "locked": lambda book: None,  # a clean workbook; the test opens it "in Excel" with a lock file
}


def save_fixed(book) -> bytes:
    """openpyxl's output with fixed zip dates and document times, so regenerating gives the same bytes."""
    buffer = BytesIO()
    book.save(buffer)
    return fixed_times(buffer.getvalue())


def fixed_times(blob: bytes) -> bytes:
    source = zipfile.ZipFile(BytesIO(blob))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", data)
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def rewrite_part(blob: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(BytesIO(blob))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == name:
                data = change(data)
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def builtin_chinese_date(styles: bytes) -> bytes:
    """Point cells at built-in format 31 instead of a defined copy of it, as Chinese Excel saves them."""
    root = etree.fromstring(styles)
    number = None
    for fmt in root.iter(f"{{{MAIN}}}numFmt"):
        if fmt.get("formatCode") == CHINESE_DATE:
            number = fmt.get("numFmtId")
            fmt.getparent().remove(fmt)
    for xf in root.find(f"{{{MAIN}}}cellXfs"):
        if xf.get("numFmtId") == number:
            xf.set("numFmtId", "31")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def damaged_part(blob: bytes) -> bytes:
    """Flip bytes inside xl/workbook.xml's compressed data: the zip directory is fine, the part is not."""
    info = zipfile.ZipFile(BytesIO(blob)).getinfo("xl/workbook.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + 20
    damaged = bytearray(blob)
    for i in range(start, start + 16):
        damaged[i] ^= 0x5A
    return bytes(damaged)


def main() -> None:
    clean = save_fixed(base_book())
    for name, fault in FAULTS.items():
        book = base_book()
        fault(book)
        blob = save_fixed(book)
        if name == "chinese_date_format":
            blob = rewrite_part(blob, "xl/styles.xml", builtin_chinese_date)
        (HERE / f"{name}.xlsx").write_bytes(blob)
    (HERE / "damaged_part.xlsx").write_bytes(damaged_part(clean))
    (HERE / "corrupt_zip.xlsx").write_bytes(clean[: len(clean) // 2])
    (HERE / "zero_bytes.xlsx").write_bytes(b"")
    (HERE / "not_a_workbook.xlsx").write_bytes("区域,金额\n华东,1000\n".encode("utf-8"))
    (HERE / "web_export.xls").write_bytes(
        "<html><body><table><tr><td>区域</td><td>金额</td></tr></table></body></html>".encode("utf-8"))
    print(f"wrote {len(FAULTS) + 5} files to {HERE}")


if __name__ == "__main__":
    main()
