"""The file backend: a planner's .xlsx/.xlsm on disk, no Excel needed.

Reading opens only the parts a sheet needs (:mod:`salesxl.workbook.xlsxread`),
so a workbook with parts no library understands still reads. Writing splices
salesxl's own sheets into the package and leaves every other part byte for byte
as it was (:mod:`salesxl.workbook.splice`).

Writing is all or nothing. The new file is written to a temporary file beside
the original, flushed to disk and read back to check it; the original is kept
as one backup (``name.bak.xlsx``); then the temporary file replaces the
original in one step. A failure at any point — an error, a full disk, the
power going off — leaves the original byte-identical, and the next run simply
starts again (leftover temporary files are cleared).

A workbook open in Excel, WPS or LibreOffice is not written: they keep a lock
file beside it (``~$plan.xlsx``, ``.~lock.plan.xlsx#``), and on Windows the file
itself is locked.
"""

from __future__ import annotations

import errno
import os
import re
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Sequence

from lxml import etree

from ..problems import Problem, ProblemsFound
from .backend import AppendedRows, InputSheet, RawSheet, SheetOutput
from .package import Package, PackageError
from .splice import add_sheets, write_outputs
from .xlsxread import WorkbookValues

SUFFIXES = {".xlsx", ".xlsm"}
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEMP_PREFIX = "~salesxl-"


def file_problem(path: Path, code: str, zh: str, en: str) -> ProblemsFound:
    return ProblemsFound([Problem(path.name, None, None, code, zh, en)])


def check_openable(path: Path) -> None:
    """Refuse, with a clear message, what is not a workbook salesxl can read."""
    if not path.exists():
        raise file_problem(path, "no-such-file", f"找不到文件 {path}", f"no such file: {path}")
    if path.stat().st_size == 0:
        raise file_problem(path, "empty-file", "文件是空的（0字节）", "the file is empty (0 bytes)")
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except PermissionError as exc:
        raise locked(path) from exc
    if head == OLE_SIGNATURE:
        raise old_or_encrypted(path)
    if path.suffix.lower() in (".xls", ".csv"):
        raise file_problem(path, "not-xlsx",
                           f"这个 {path.suffix} 文件不是Excel工作簿（常见于系统导出的网页或文本）；请在Excel中打开并另存为 .xlsx",
                           f"this {path.suffix} file is not an Excel workbook (often a web page or text exported by "
                           "another system); open it in Excel and save it as .xlsx")
    if path.suffix.lower() not in SUFFIXES:
        raise file_problem(path, "not-xlsx", f"只支持 .xlsx/.xlsm，不支持 {path.suffix}",
                           f"only .xlsx/.xlsm are supported, not {path.suffix}")
    if not zipfile.is_zipfile(path):
        raise file_problem(path, "corrupt-file", "文件已损坏，不是有效的Excel工作簿",
                           "the file is damaged: not a valid Excel workbook")


def old_or_encrypted(path: Path) -> ProblemsFound:
    """An OLE compound file: a password-encrypted workbook, an old .xls, or something else of that kind."""
    content = read_file(path)
    if "EncryptedPackage".encode("utf-16-le") in content:
        return file_problem(path, "encrypted",
                            "工作簿设置了打开密码，salesxl无法读取；请在Excel中清除密码（文件→信息→保护工作簿→用密码进行加密）后重试",
                            "the workbook is encrypted with a password salesxl cannot open; clear it in Excel "
                            "(File > Info > Protect Workbook > Encrypt with Password) and run again")
    if any(name.encode("utf-16-le") in content for name in ("Workbook", "Book")):
        return file_problem(path, "old-xls", "这是旧版 .xls 工作簿；请在Excel中另存为 .xlsx 或 .xlsm 后重试",
                            "this is an old .xls workbook; save it in Excel as .xlsx or .xlsm and run again")
    return file_problem(path, "old-or-encrypted",
                        "这是旧版 .xls 或设置了打开密码的工作簿；请在Excel中另存为无密码的 .xlsx",
                        "this is an old .xls or a password-protected workbook; save it in Excel as .xlsx without a password")


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except PermissionError as exc:
        raise locked(path) from exc
    except OSError as exc:
        raise file_problem(path, "cannot-read", f"无法读取文件：{exc.strerror}", f"cannot read the file: {exc.strerror}") from exc


class FileWorkbook:
    """A workbook file; implements :class:`salesxl.workbook.backend.WorkbookBackend`."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        check_openable(self.path)
        self._read: bytes | None = None
        self._values: WorkbookValues | None = None
        self._sheets: dict[str, RawSheet] = {}
        """Sheets already read, by name: a run reads each sheet once, whichever steps ask for it."""

    def _book(self) -> WorkbookValues:
        if self._values is None:
            blob = read_file(self.path)
            try:
                self._values = WorkbookValues(Package(blob))
            except PackageError as exc:
                raise file_problem(self.path, "corrupt-file", f"文件已损坏：{exc}", f"the file is damaged: {exc}") from exc
            except (etree.XMLSyntaxError, KeyError, ValueError) as exc:
                raise cannot_read(self.path, exc) from exc
            self._read = blob
        return self._values

    def sheet_names(self) -> list[str]:
        return self._book().sheet_names()

    def read_sheet(self, name: str) -> RawSheet:
        """A sheet's cells, parsed once per FileWorkbook: later reads (the next step's) reuse them.

        A write keeps the sheets it did not replace (the splice copies them byte for byte) and
        forgets the ones it wrote.
        """
        if name in self._sheets:
            return self._sheets[name]
        book = self._book()
        try:
            sheet = self._sheets[name] = book.read_sheet(name)
        except (PackageError, etree.XMLSyntaxError, KeyError, ValueError, IndexError) as exc:
            raise cannot_read(self.path, exc, name) from exc
        return sheet

    def write_sheets(self, outputs: Sequence[SheetOutput], appended: Sequence[AppendedRows] = ()) -> None:
        self.write(lambda current: write_outputs(current, outputs, appended))
        replaced = {output.sheet.name.casefold() for output in outputs} | {b.sheet.casefold() for b in appended}
        self._sheets = {name: sheet for name, sheet in self._sheets.items() if name.casefold() not in replaced}

    def add_sheets(self, sheets: Sequence[InputSheet], names: dict[str, str]) -> None:
        self.write(lambda current: add_sheets(current, sheets, names))

    def write(self, change) -> None:
        """``change(current bytes) -> new bytes``, written all or nothing, unless the file is open or changed."""
        refuse_if_open(self.path)
        current = read_file(self.path)
        if self._read is not None and current != self._read:
            raise file_problem(self.path, "changed-meanwhile", "工作簿在salesxl运行期间被修改过，未写入；请重新运行",
                               "the workbook changed while salesxl was running, so nothing was written; run again")
        try:
            written = change(current)
        except ProblemsFound as found:  # problems with the file as a whole name the file
            raise ProblemsFound([p.at(sheet=self.path.name) if p.sheet is None else p for p in found.problems]) from found
        write_atomically(self.path, written, original=current)
        self._read, self._values = written, None


def cannot_read(path: Path, exc: Exception, sheet: str | None = None) -> ProblemsFound:
    where = f"工作表“{sheet}”" if sheet else "工作簿"
    return ProblemsFound([Problem(sheet or path.name, None, None, "cannot-read", f"无法读取{where}：{exc}",
                                  f"cannot read the {'sheet' if sheet else 'workbook'}: {exc}")])


def locked(path: Path, lock: Path | None = None) -> ProblemsFound:
    if lock is None:
        return file_problem(path, "file-locked", "文件被占用（可能正在Excel中打开），请关闭后重试",
                            "the file is locked (open in Excel?); close it and try again")
    return file_problem(path, "file-locked",
                        f"工作簿正在Excel、WPS或LibreOffice中打开（锁文件 {lock.name}），请先关闭再运行；如果并未打开，请删除该锁文件",
                        f"the workbook is open in Excel, WPS or LibreOffice (lock file {lock.name}); close it and run "
                        "again — if it is not open, delete that lock file")


def lock_files(path: Path) -> list[Path]:
    """Lock files that Excel/WPS (``~$name``) and LibreOffice (``.~lock.name#``) keep beside an open file."""
    names = [f"~${path.name}", f".~lock.{path.name}#"]
    if len(path.stem) > 6:
        names.append(f"~${path.name[2:]}")  # Word-style owner files drop the first two letters of long names
    return [path.with_name(n) for n in names if path.with_name(n).exists()]


def refuse_if_open(path: Path) -> None:
    found = lock_files(path)
    if found:
        raise locked(path, found[0])


def backup_path(path: Path) -> Path:
    """``plan.xlsx`` -> ``plan.bak.xlsx``: one backup, still opens in Excel."""
    return path.with_name(f"{path.stem}.bak{path.suffix}")


def write_atomically(path: Path, data: bytes, original: bytes | None = None) -> None:
    """Replace ``path`` with ``data`` in one step, keeping ``original`` as the backup; all or nothing."""
    temp = temp_path(path)
    try:
        try:
            write_file(temp, data)
            if read_file(temp) != data:
                raise file_problem(path, "write-failed", "写入的文件不完整（磁盘或网络故障？），工作簿未修改",
                                   "the file written was incomplete (disk or network trouble?); the workbook "
                                   "was not changed")
            if original is not None:
                backup = backup_path(path)
                backup_temp = temp_path(backup)
                try:
                    write_file(backup_temp, original)
                    os.replace(backup_temp, backup)
                finally:
                    remove_quietly(backup_temp)
            os.replace(temp, path)
            sync_folder(path.parent)
        except PermissionError as exc:
            raise locked(path) from exc
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise file_problem(path, "disk-full", "磁盘空间不足，工作簿未修改；请腾出空间后重试",
                                   "the disk is full; the workbook was not changed — free some space and run again") from exc
            raise file_problem(path, "cannot-write", f"无法写入，工作簿未修改：{exc.strerror or exc}",
                               f"cannot write, the workbook was not changed: {exc.strerror or exc}") from exc
    finally:
        remove_quietly(temp)
    clear_leftovers(path)


def save_atomically(book, path: Path, backup: bool = True) -> None:
    """Save a new openpyxl workbook (template, demo) to ``path`` atomically."""
    buffer = BytesIO()
    book.save(buffer)
    original = path.read_bytes() if backup and path.exists() else None
    write_atomically(path, buffer.getvalue(), original)


def temp_path(path: Path) -> Path:
    return path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{path.name}")


def write_file(path: Path, data: bytes) -> None:
    """Write and flush to the disk itself, so a power cut cannot leave a file that only looks complete."""
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def clear_leftovers(path: Path) -> None:
    """Temporary files of runs that died (power cut, killed) before they could tidy up."""
    pattern = re.compile(rf"{re.escape(TEMP_PREFIX)}\d+-(?:{re.escape(path.name)}|{re.escape(backup_path(path).name)})")
    for candidate in path.parent.glob(f"{TEMP_PREFIX}*"):
        if pattern.fullmatch(candidate.name):
            remove_quietly(candidate)
