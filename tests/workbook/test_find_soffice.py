"""Finding LibreOffice where its installers put it, not only on PATH (fake install trees)."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesxl.workbook.pdf import find_soffice


@pytest.fixture(autouse=True)
def empty_path(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))


def program(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    path.chmod(0o755)
    return path


def test_on_path_it_is_found_first(monkeypatch, tmp_path):
    on_path = program(tmp_path / "bin" / "soffice")
    monkeypatch.setenv("PATH", str(on_path.parent))
    program(tmp_path / "Program Files" / "LibreOffice" / "program" / "soffice.exe")
    assert find_soffice("win32", {"ProgramFiles": str(tmp_path / "Program Files")}, registry=lambda: []) == \
        str(on_path)


def test_windows_program_files(tmp_path):
    exe = program(tmp_path / "Program Files" / "LibreOffice" / "program" / "soffice.exe")
    assert find_soffice("win32", {"ProgramFiles": str(tmp_path / "Program Files")}, registry=lambda: []) == str(exe)
    assert find_soffice("win32", {"ProgramFiles": str(tmp_path / "elsewhere")}, registry=lambda: []) is None


def test_windows_32_bit_and_per_user_installs(tmp_path):
    x86 = program(tmp_path / "Program Files (x86)" / "LibreOffice" / "program" / "soffice.exe")
    assert find_soffice("win32", {"ProgramFiles": str(tmp_path / "none"),
                                  "ProgramFiles(x86)": str(tmp_path / "Program Files (x86)")},
                        registry=lambda: []) == str(x86)
    user = program(tmp_path / "Local" / "Programs" / "LibreOffice" / "program" / "soffice.exe")
    assert find_soffice("win32", {"LOCALAPPDATA": str(tmp_path / "Local")}, registry=lambda: []) == str(user)


def test_windows_registry_app_paths_come_first(tmp_path):
    registered = program(tmp_path / "D" / "Office Suites" / "LibreOffice 24" / "program" / "soffice.exe")
    program(tmp_path / "Program Files" / "LibreOffice" / "program" / "soffice.exe")
    assert find_soffice("win32", {"ProgramFiles": str(tmp_path / "Program Files")},
                        registry=lambda: [str(registered)]) == str(registered)
    # A stale registration (LibreOffice removed) is passed over.
    assert find_soffice("win32", {}, registry=lambda: [str(tmp_path / "gone" / "soffice.exe")]) is None


def test_macos_applications(tmp_path):
    app = program(tmp_path / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice")
    assert find_soffice("darwin", {}, home=tmp_path / "home", root=tmp_path) == str(app)
    mine = program(tmp_path / "home" / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice")
    app.unlink()
    assert find_soffice("darwin", {}, home=tmp_path / "home", root=tmp_path) == str(mine)


def test_elsewhere_only_path_counts(tmp_path):
    program(tmp_path / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice")
    assert find_soffice("linux", {}, home=tmp_path, root=tmp_path) is None
