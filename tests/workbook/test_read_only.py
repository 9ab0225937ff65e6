"""A workbook the planner marked read-only is not written (issue 21).

``chmod 444`` (or Windows' read-only attribute) used to be replaced by a new, writable file. A workbook
saved with *read-only recommended* or a *password to modify* (``<fileSharing>`` in ``xl/workbook.xml``)
is refused too, unless the planner says ``--force``.
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesxl.cli import app
from salesxl.problems import ProblemsFound
from salesxl.workbook.filebook import FileWorkbook

from .outputs import planner_outputs
from ..conftest import digest

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "real"
runner = CliRunner()


@pytest.fixture
def plan(tmp_path) -> Path:
    path = tmp_path / "plan.xlsx"
    shutil.copy(REAL / "table_slicer.xlsx", path)
    return path


def with_file_sharing(path: Path, element: str) -> None:
    """Put ``element`` (a ``<fileSharing .../>``) into the workbook part, where Excel writes it: first."""
    with zipfile.ZipFile(path) as source:
        parts = {info: source.read(info.filename) for info in source.infolist()}
    out = path.with_suffix(".tmp")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts.items():
            if info.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                start = text.index("<", text.index("<workbook") + 1)
                data = (text[:start] + element + text[start:]).encode("utf-8")
            target.writestr(info, data)
    out.replace(path)


def test_a_read_only_file_is_refused_and_stays_read_only(plan):
    os.chmod(plan, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)  # chmod 444
    before = digest(plan)
    try:
        with pytest.raises(ProblemsFound) as found:
            FileWorkbook(plan).write_sheets(planner_outputs())
        assert [(p.cell, p.code) for p in found.value.problems] == [("plan.xlsx", "read-only-file")]
        assert "make it writable" in found.value.problems[0].message_en
        assert digest(plan) == before
        assert not os.stat(plan).st_mode & stat.S_IWUSR
    finally:
        os.chmod(plan, stat.S_IRUSR | stat.S_IWUSR)


@pytest.mark.parametrize("element, code", [
    ('<fileSharing readOnlyRecommended="1"/>', "read-only-recommended"),
    ('<fileSharing userName="Alice" algorithmName="SHA-512" hashValue="aGFzaA==" saltValue="c2FsdA==" '
     'spinCount="100000"/>', "password-to-modify"),
    ('<fileSharing userName="Alice" reservationPassword="CC3D"/>', "password-to-modify"),
])
def test_read_only_recommended_or_a_password_to_modify_is_refused_unless_forced(plan, element, code):
    with_file_sharing(plan, element)
    before = digest(plan)
    with pytest.raises(ProblemsFound) as found:
        FileWorkbook(plan).write_sheets(planner_outputs())
    assert [(p.cell, p.code) for p in found.value.problems] == [("plan.xlsx", code)]
    assert "--force" in found.value.problems[0].message_en
    assert digest(plan) == before

    FileWorkbook(plan, force=True).write_sheets(planner_outputs())
    assert digest(plan) != before
    assert element.split()[0] in zipfile.ZipFile(plan).read("xl/workbook.xml").decode()  # the setting is kept


def test_the_command_line_refuses_and_force_writes(tmp_path, small_demo_file):
    path = tmp_path / "plan.xlsx"
    shutil.copy(small_demo_file, path)
    with_file_sharing(path, '<fileSharing readOnlyRecommended="1"/>')
    before = digest(path)
    result = runner.invoke(app, ["target", str(path)])
    assert result.exit_code == 1 and digest(path) == before
    result = runner.invoke(app, ["--force", "target", str(path)])
    assert result.exit_code == 0, result.output
    assert digest(path) != before
