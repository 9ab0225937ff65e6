"""The small demo with every demo step run on it, once per session (the dashboard reads what they wrote)."""

from __future__ import annotations

import shutil

import pytest

from salesxl.cli import DEMO_STEPS
from salesxl.workbook.filebook import FileWorkbook


@pytest.fixture(scope="session")
def demo_after_every_step(tmp_path_factory, small_demo_file):
    """The small demo after `salesxl demo`'s steps (the dashboard last); read it, do not change it."""
    path = tmp_path_factory.mktemp("demo_run") / "demo.xlsx"
    shutil.copy(small_demo_file, path)
    for step in DEMO_STEPS:
        result = step(FileWorkbook(path))
        assert result.ok, (step.__name__, result.problems[:3])
    return path
