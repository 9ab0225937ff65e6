"""The file backend: a planner's .xlsx/.xlsm on disk, no Excel needed.

Reading uses cached values (what Excel last calculated) and, separately, the
formulas, so a formula cell without a cached value can be named. Writing is all
or nothing: the new workbook is saved to a temporary file beside the original,
the original is kept as one backup (``name.bak.xlsx``), then the temporary file
replaces it. A run that fails at any point leaves the original byte-identical.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path
from typing import Sequence

import openpyxl

from ..problems import Problem, ProblemsFound
from .backend import RawSheet, SheetOutput
from .render import render_sheet

SUFFIXES = {".xlsx", ".xlsm"}
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def file_problem(path: Path, code: str, zh: str, en: str) -> ProblemsFound:
    return ProblemsFound([Problem(path.name, None, None, code, zh, en)])


def check_openable(path: Path) -> None:
    """Refuse, with a clear message, what is not a workbook salesxl can read."""
    if not path.exists():
        raise file_problem(path, "no-such-file", f"找不到文件 {path}", f"no such file: {path}")
    if path.stat().st_size == 0:
        raise file_problem(path, "empty-file", "文件是空的（0字节）", "the file is empty (0 bytes)")
    with open(path, "rb") as f:
        head = f.read(8)
    if head == OLE_SIGNATURE:
        raise file_problem(
            path, "old-or-encrypted",
            "这是旧版 .xls 或设置了打开密码的工作簿；请在Excel中另存为无密码的 .xlsx",
            "this is an old .xls or a password-protected workbook; save it in Excel as .xlsx without a password")
    if path.suffix.lower() not in SUFFIXES:
        raise file_problem(path, "not-xlsx", f"只支持 .xlsx/.xlsm，不支持 {path.suffix}",
                           f"only .xlsx/.xlsm are supported, not {path.suffix}")
    if not zipfile.is_zipfile(path):
        raise file_problem(path, "corrupt-file", "文件已损坏，不是有效的Excel工作簿",
                           "the file is damaged: not a valid Excel workbook")


class FileWorkbook:
    """A workbook file; implements :class:`salesxl.workbook.backend.WorkbookBackend`."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        check_openable(self.path)
        self._values = None
        self._formulas = None

    @property
    def keep_vba(self) -> bool:
        return self.path.suffix.lower() == ".xlsm"

    def _load(self, data_only: bool):
        try:
            return openpyxl.load_workbook(self.path, data_only=data_only, keep_vba=self.keep_vba,
                                          keep_links=True, rich_text=False)
        except Exception as exc:  # openpyxl raises many kinds for a broken package
            raise file_problem(self.path, "cannot-read", f"无法读取工作簿：{exc}",
                               f"cannot read the workbook: {exc}") from exc

    @property
    def values_book(self):
        if self._values is None:
            self._values = self._load(data_only=True)
        return self._values

    def sheet_names(self) -> list[str]:
        return list(self.values_book.sheetnames)

    def read_sheet(self, name: str) -> RawSheet:
        ws = self.values_book[name]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        percent = {(c.row, c.column) for row in ws.iter_rows() for c in row
                   if isinstance(c.value, (int, float)) and not isinstance(c.value, bool) and "%" in (c.number_format or "")}
        return RawSheet(name, rows, merged, self._uncached(name, rows), self.values_book.epoch.year == 1904, percent)

    def _uncached(self, name: str, rows: list[list]) -> set[tuple[int, int]]:
        """Formula cells whose cached value is missing (the file was never calculated)."""
        if self._formulas is None:
            self._formulas = openpyxl.load_workbook(self.path, read_only=True, data_only=False,
                                                    keep_links=False)
        found = set()
        for r, row in enumerate(self._formulas[name].iter_rows(values_only=True), start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, str) and value.startswith("="):
                    cached = rows[r - 1][c - 1] if r <= len(rows) and c <= len(rows[r - 1]) else None
                    if cached is None:
                        found.add((r, c))
        return found

    def write_sheets(self, outputs: Sequence[SheetOutput]) -> None:
        book = self._load(data_only=False)
        taken = {name for ws in book.worksheets for name in ws.tables}
        for output in outputs:
            name = output.sheet.name
            index = len(book.sheetnames)
            if name in book.sheetnames:
                index = book.sheetnames.index(name)
                old = book[name]
                taken -= set(old.tables)
                book.remove(old)
            ws = book.create_sheet(title=name, index=index)
            render_sheet(ws, output, taken)
        save_atomically(book, self.path)
        self._values = self._formulas = None


def backup_path(path: Path) -> Path:
    """``plan.xlsx`` -> ``plan.bak.xlsx``: one backup, still opens in Excel."""
    return path.with_name(f"{path.stem}.bak{path.suffix}")


def save_atomically(book, path: Path, backup: bool = True) -> None:
    """Save beside ``path``, keep one backup of the old file, then swap in the new one."""
    temp = path.with_name(f"~salesxl-{os.getpid()}-{path.name}")
    try:
        book.save(temp)
        with open(temp, "rb") as f:
            os.fsync(f.fileno())
        if backup and path.exists():
            shutil.copy2(path, backup_path(path))
        try:
            os.replace(temp, path)
        except PermissionError as exc:
            raise file_problem(path, "file-locked", "文件被占用（可能正在Excel中打开），请关闭后重试",
                               "the file is locked (open in Excel?); close it and try again") from exc
    finally:
        if temp.exists():
            temp.unlink()
