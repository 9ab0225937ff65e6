"""A write that fails at any point leaves the planner's file byte-identical, and the next run succeeds.

Faults are injected where they can happen: while the new package is built, while the temporary
file is written (an error, a full disk), when the power goes off before the data reached the disk
(the temporary file is truncated), while the backup is written, at the final swap, and by killing
the process outright.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from salesxl.problems import ProblemsFound
from salesxl.workbook import filebook, splice
from salesxl.workbook.filebook import FileWorkbook

from .outputs import MONTH_TARGET, month_target_rows, planner_outputs
from ..conftest import digest

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "real"


@pytest.fixture
def plan(tmp_path) -> Path:
    """A planner's workbook with slicers, already holding salesxl's sheets from an earlier run."""
    path = tmp_path / "plan.xlsx"
    shutil.copy(REAL / "table_slicer.xlsx", path)
    FileWorkbook(path).write_sheets(planner_outputs())
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("~salesxl-"))


def intact_and_next_run_succeeds(path: Path, before: str, backup_before: str, leftover: bool = False) -> None:
    assert digest(path) == before
    assert digest(filebook.backup_path(path)) == backup_before
    assert len(leftovers(path.parent)) == leftover
    FileWorkbook(path).write_sheets(planner_outputs())
    assert leftovers(path.parent) == []
    assert FileWorkbook(path).read_sheet(MONTH_TARGET.name).rows == month_target_rows()
    assert digest(filebook.backup_path(path)) == before  # the backup is the version before this run


def half_then(error: Exception, only: str | None = None):
    """A ``write_file`` that writes half the bytes, then fails (only for files whose name contains ``only``)."""
    real = filebook.write_file

    def write_file(path: Path, data: bytes) -> None:
        if only is not None and only not in path.name:
            return real(path, data)
        with open(path, "wb") as f:
            f.write(data[: len(data) // 2])
        raise error
    return write_file


class Boom(Exception):
    pass


def test_an_error_while_building_the_new_workbook(plan, monkeypatch):
    before, backup = digest(plan), digest(filebook.backup_path(plan))
    monkeypatch.setattr(splice.Splice, "write_tables", lambda *a: (_ for _ in ()).throw(Boom("building")))
    with pytest.raises(Boom):
        FileWorkbook(plan).write_sheets(planner_outputs())
    monkeypatch.undo()
    intact_and_next_run_succeeds(plan, before, backup)


@pytest.mark.parametrize("target", [None, ".bak"], ids=["new file", "backup"])
def test_an_error_in_the_middle_of_writing(plan, monkeypatch, target):
    before, backup = digest(plan), digest(filebook.backup_path(plan))
    monkeypatch.setattr(filebook, "write_file", half_then(Boom("writing"), only=target))
    with pytest.raises(Boom):
        FileWorkbook(plan).write_sheets(planner_outputs())
    monkeypatch.undo()
    intact_and_next_run_succeeds(plan, before, backup)


@pytest.mark.parametrize("target", [None, ".bak"], ids=["new file", "backup"])
def test_a_full_disk(plan, monkeypatch, target):
    before, backup = digest(plan), digest(filebook.backup_path(plan))
    monkeypatch.setattr(filebook, "write_file", half_then(OSError(errno.ENOSPC, "No space left on device"), target))
    with pytest.raises(ProblemsFound) as found:
        FileWorkbook(plan).write_sheets(planner_outputs())
    assert [(p.cell, p.code) for p in found.value.problems] == [("plan.xlsx", "disk-full")]
    monkeypatch.undo()
    intact_and_next_run_succeeds(plan, before, backup)


def test_power_lost_before_the_data_reached_the_disk(plan, monkeypatch):
    """The temporary file is shorter than what was written: found by reading it back, never swapped in."""
    before, backup = digest(plan), digest(filebook.backup_path(plan))
    real = filebook.write_file

    def write_then_lose_the_tail(path: Path, data: bytes) -> None:
        real(path, data)
        with open(path, "r+b") as f:
            f.truncate(len(data) // 3)
    monkeypatch.setattr(filebook, "write_file", write_then_lose_the_tail)
    with pytest.raises(ProblemsFound) as found:
        FileWorkbook(plan).write_sheets(planner_outputs())
    assert [p.code for p in found.value.problems] == ["write-failed"]
    monkeypatch.undo()
    intact_and_next_run_succeeds(plan, before, backup)


def test_the_final_swap_fails(plan, monkeypatch):
    before = digest(plan)
    real = os.replace

    def replace(src, dst):
        if Path(dst) == plan:
            raise Boom("swap")
        return real(src, dst)
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(Boom):
        FileWorkbook(plan).write_sheets(planner_outputs())
    monkeypatch.undo()
    assert digest(plan) == before
    assert digest(filebook.backup_path(plan)) == before  # the backup was already refreshed: same bytes
    assert leftovers(plan.parent) == []
    intact_and_next_run_succeeds(plan, before, before)


def test_the_process_killed_just_before_the_swap(plan):
    """A real kill (no cleanup runs): the original stays, the next run succeeds and clears the leftover."""
    before = digest(plan)
    child = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from salesxl.workbook import filebook
        from tests.workbook.outputs import planner_outputs
        real = os.replace
        def replace(src, dst):
            if Path(dst) == Path({str(plan)!r}):
                os._exit(9)
            return real(src, dst)
        os.replace = replace
        filebook.FileWorkbook({str(plan)!r}).write_sheets(planner_outputs())
    """)
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120)
    assert done.returncode == 9, done.stderr
    assert digest(plan) == before
    intact_and_next_run_succeeds(plan, before, before, leftover=True)  # the dead run's temporary file


def test_a_file_locked_by_another_program(plan, monkeypatch):
    """On Windows, replacing a file Excel holds open fails with a permission error."""
    before = digest(plan)
    real = os.replace

    def replace(src, dst):
        if Path(dst) == plan:
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        return real(src, dst)
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(ProblemsFound) as found:
        FileWorkbook(plan).write_sheets(planner_outputs())
    assert [(p.cell, p.code) for p in found.value.problems] == [("plan.xlsx", "file-locked")]
    monkeypatch.undo()
    assert digest(plan) == before
    assert leftovers(plan.parent) == []


@pytest.mark.parametrize("lock", ["~$plan.xlsx", ".~lock.plan.xlsx#"], ids=["Excel or WPS", "LibreOffice"])
def test_a_workbook_open_in_excel_is_read_but_not_written(plan, lock):
    before, backup = digest(plan), digest(filebook.backup_path(plan))
    (plan.parent / lock).write_bytes(b"\x05Alice")
    book = FileWorkbook(plan)
    assert book.read_sheet(MONTH_TARGET.name).rows == month_target_rows()  # reading is fine
    with pytest.raises(ProblemsFound) as found:
        book.write_sheets(planner_outputs())
    assert [(p.cell, p.code) for p in found.value.problems] == [("plan.xlsx", "file-locked")]
    assert lock in found.value.problems[0].message_en
    assert digest(plan) == before
    (plan.parent / lock).unlink()
    intact_and_next_run_succeeds(plan, before, backup)


def test_a_workbook_changed_after_it_was_read_is_not_overwritten(plan):
    book = FileWorkbook(plan)
    book.sheet_names()
    shutil.copy(REAL / "charts.xlsx", plan)  # the planner saved another version meanwhile
    theirs = digest(plan)
    with pytest.raises(ProblemsFound) as found:
        book.write_sheets(planner_outputs())
    assert [p.code for p in found.value.problems] == ["changed-meanwhile"]
    assert digest(plan) == theirs


def test_one_backup_holds_the_version_before_the_run(plan):
    first = digest(plan)
    FileWorkbook(plan).write_sheets(planner_outputs(total=False))
    assert digest(filebook.backup_path(plan)) == first
    assert sorted(p.name for p in plan.parent.iterdir()) == ["plan.bak.xlsx", "plan.xlsx"]
