"""Shared fixtures: a small demo workbook on disk, and helpers to spoil it."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest

from salesxl.demo import DemoSize, demo_workbook_data
from salesxl.workbook.template import save_new_workbook

SMALL = DemoSize(reps=8, outlets=40, skus=12, years=3)


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
    """Set cells, e.g. ``{"业务员 Reps!B3": None}``; then save (openpyxl, formulas uncached)."""
    book = openpyxl.load_workbook(path)
    for where, value in changes.items():
        sheet, cell = where.rsplit("!", 1)
        book[sheet][cell] = value
    book.save(path)
