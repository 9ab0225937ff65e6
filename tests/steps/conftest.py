"""A small demo workbook with issued targets, ready to close."""

from __future__ import annotations

import shutil

import pytest

from .issued import write_issued_targets


@pytest.fixture(scope="session")
def issued_file(tmp_path_factory, small_demo_file):
    path = tmp_path_factory.mktemp("issued") / "issued.xlsx"
    shutil.copy(small_demo_file, path)
    write_issued_targets(path)
    return path


@pytest.fixture
def closable(tmp_path, issued_file):
    """A private copy of the small demo with issued targets and the month's actuals."""
    path = tmp_path / "plan.xlsx"
    shutil.copy(issued_file, path)
    return path
