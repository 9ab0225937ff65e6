"""The wheel carries the add-in: built from the package's files alone, installed in a fresh venv, it builds and
plans an install without the checkout.

The fresh venv gets the wheel with ``--no-deps``; its dependencies are found in this test run's own
site-packages through a ``.pth`` line (whose own ``.pth`` files, the editable salesxl among them, are not read),
so nothing is downloaded but the build backend, and the ``salesxl`` that runs is the wheel's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from salesxl import addin

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory) -> tuple[Path, Path]:
    """``(the venv's salesxl command, the wheel)``."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(ROOT / "salesxl", source / "salesxl", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"),
                           str(source)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    [wheel] = (work / "dist").glob("salesxl-*.whl")
    env = work / "venv"
    venv.create(env, with_pip=False)
    purelib = Path(subprocess.run([str(env / "bin" / "python"), "-c", "import sysconfig; print("
                                   "sysconfig.get_path('purelib'))"], capture_output=True, text=True,
                                  check=True).stdout.strip())
    with zipfile.ZipFile(wheel) as archive:  # installing a pure wheel is unpacking it (no pip in the venv)
        archive.extractall(purelib)
    (purelib / "test-run-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    command = env / "bin" / "salesxl"
    command.write_text(f"#!{env / 'bin' / 'python'}\nimport sys\nfrom salesxl.cli import app\nsys.exit(app())\n",
                       encoding="utf-8")
    command.chmod(0o755)
    return command, wheel


def run(command: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    environ = {**os.environ, "COLUMNS": "500"}  # rich wraps at the terminal's width: keep each path on one line
    return subprocess.run([str(command), *args], capture_output=True, text=True, cwd=cwd, timeout=300, env=environ)


def test_the_wheel_carries_the_add_in_and_its_sources(wheel_env):
    _, wheel = wheel_env
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert archive.read("salesxl/addin/salesxl.xlam") == addin.SHIPPED_ADDIN.read_bytes()
    assert {f"salesxl/addin/macros/{p.name}" for p in addin.MACROS.iterdir() if p.is_file()} <= names


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the venv layout (bin/) and messages of Linux")
def test_from_the_wheel_addin_build_and_install_dry_run_work_without_the_checkout(wheel_env, tmp_path):
    command, _ = wheel_env
    where = run(command.parent / "python", "-c", "import salesxl.addin as a; print(a.SHIPPED_ADDIN)", cwd=tmp_path)
    shipped = Path(where.stdout.strip())
    assert shipped.is_file() and ROOT not in shipped.parents, where.stderr  # the wheel's copy, not the checkout's
    built = run(command, "addin", "build", "salesxl.xlam", cwd=tmp_path)
    assert built.returncode == 0, built.stdout + built.stderr
    assert (tmp_path / "salesxl.xlam").read_bytes() == shipped.read_bytes() == addin.SHIPPED_ADDIN.read_bytes()
    planned = run(command, "addin", "install", "--dry-run", cwd=tmp_path)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    text = planned.stdout
    assert f"copy of {shipped}" in text and "XLSTART" in text and "salesxl.conf" in text
    assert '"UDF MODULES","salesxl.udfs"' in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["salesxl.xlam"]  # the dry run wrote nothing
