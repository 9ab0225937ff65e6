"""Installing the add-in: what is written where, the settings the VBA reads back, and every refusal.

Excel is not here: the start-up folder, the home folder and "is Excel running"
are given to ``install``; everything it checks and writes is real files.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesxl import addin
from salesxl.addin import installer
from salesxl.addin.installer import OldSettings, read_settings, vba_reads
from salesxl.cli import app

runner = CliRunner()
PYTHON = r"C:\Users\张伟\My Projects\plan env\Scripts\python.exe"
not_running = lambda platform: False  # noqa: E731


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_install_on_windows_copies_the_shipped_add_in_and_writes_utf8_settings(tmp_path):
    home, startup = tmp_path / "home", tmp_path / "XLSTART"
    plan = addin.install(platform="win32", home=home, executable=PYTHON, startup=startup, running=not_running,
                         environ={})
    assert (startup / "salesxl.xlam").read_bytes() == addin.SHIPPED_ADDIN.read_bytes()
    conf = (home / ".salesxl" / "salesxl.conf").read_bytes()
    assert conf == f'"INTERPRETER_WIN","{PYTHON}"\r\n"UDF MODULES","salesxl.udfs"\r\n'.encode("utf-8")
    assert [t for t, _, _ in plan.files] == [startup / "salesxl.xlam", home / ".salesxl" / "salesxl.conf"]
    assert set(tree(tmp_path)) == {"XLSTART/salesxl.xlam", "home/.salesxl/salesxl.conf"}  # no temporary files left


def test_the_vba_reads_back_exactly_what_was_written():
    """A Chinese user name and spaces: GetConfigFromFile (ADODB.Stream, UTF-8) gets the path as written."""
    conf = addin.config_text(PYTHON, "win32").encode("utf-8")
    assert vba_reads(conf, "Interpreter_Win") == PYTHON
    assert vba_reads(conf, "UDF MODULES") == "salesxl.udfs"
    assert vba_reads(conf, "CONDA PATH") is None
    # What xlwings' Input # did instead on Chinese Windows (ANSI code page 936): mojibake, "Could not find Interpreter".
    assert conf.decode("cp936", errors="replace").split(",")[1] != f'"{PYTHON}"\r\n"UDF MODULES"'


def test_the_vba_reader_is_the_one_in_the_add_in():
    """The reader vba_reads mirrors: ADODB.Stream as UTF-8, split at line ends, ParseConfigLine, keys ignoring case."""
    source = (addin.MACROS / "xlwings.bas").read_text(encoding="cp1252")
    assert 'oStream.Charset = "utf-8"' in source and "oStream.LoadFromFile sFile" in source
    assert 'Split(Replace(oStream.ReadText(-1), vbCrLf, vbLf), vbLf)' in source
    assert "If LCase(sVarName) = LCase(sName) Then" in source
    assert 'iComma = InStr(sLine, """,""")' in source  # the first "," splits key and value, as parse_config_line


def test_install_on_macos_adds_xlwings_applescript(tmp_path):
    home = tmp_path / "home"
    plan = addin.install(platform="darwin", home=home, executable="/Users/张伟/plan env/bin/python",
                         running=not_running, environ={})
    startup = home / "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
    script = home / "Library/Application Scripts/com.microsoft.Excel" / installer.applescript_source().name
    assert [t for t, _, _ in plan.files] == [startup / "salesxl.xlam",
                                             home / "Library/Containers/com.microsoft.Excel/Data/salesxl.conf", script]
    assert script.read_bytes() == installer.applescript_source().read_bytes()
    assert vba_reads(plan.files[1][0].read_bytes(), "INTERPRETER_MAC") == "/Users/张伟/plan env/bin/python"


def test_dry_run_lists_the_files_and_writes_nothing(tmp_path):
    plan = addin.install(platform="win32", home=tmp_path, executable=PYTHON, startup=tmp_path / "XLSTART",
                         dry_run=True, running=lambda p: True, environ={})
    text = plan.describe()
    assert f"{tmp_path / 'XLSTART' / 'salesxl.xlam'}  (the add-in; copy of {addin.SHIPPED_ADDIN})" in text
    assert f'{tmp_path / ".salesxl" / "salesxl.conf"}  (settings; text:\n    "INTERPRETER_WIN","{PYTHON}"' in text
    assert tree(tmp_path) == {}


def test_the_default_start_up_folder_is_excels_user_xlstart(tmp_path):
    assert installer.startup_folder("win32", tmp_path, {"APPDATA": r"C:\Users\a\AppData\Roaming"}) == \
        Path(r"C:\Users\a\AppData\Roaming") / "Microsoft" / "Excel" / "XLSTART"


def test_uninstall_removes_what_install_wrote(tmp_path):
    home, startup = tmp_path / "home", tmp_path / "XLSTART"
    addin.install(platform="win32", home=home, executable=PYTHON, startup=startup, running=not_running, environ={})
    assert addin.uninstall(platform="win32", home=home, startup=startup, dry_run=True) == \
        [startup / "salesxl.xlam", home / ".salesxl" / "salesxl.conf"]
    with pytest.raises(addin.InstallProblem, match="Excel is running"):
        addin.uninstall(platform="win32", home=home, startup=startup, running=lambda p: True)
    assert (startup / "salesxl.xlam").exists()
    addin.uninstall(platform="win32", home=home, startup=startup, running=not_running)
    assert tree(tmp_path) == {} and not (home / ".salesxl").exists()
    assert addin.uninstall(platform="win32", home=home, startup=startup, running=not_running) == []


def test_uninstall_where_excel_is_missing_says_what_it_would_remove(tmp_path):
    conf = addin.config_path("linux", tmp_path)
    conf.parent.mkdir(parents=True)
    conf.write_bytes(b'"UDF MODULES","salesxl.udfs"\r\n')
    with pytest.raises(addin.NeedsExcel, match="would remove"):
        addin.uninstall(platform="linux", home=tmp_path, startup=tmp_path / "XLSTART", running=not_running)
    assert conf.exists()


# Refusals: a clear message, and nothing written -------------------------------------------------------------

def refused(tmp_path, match, **kwargs):
    before = tree(tmp_path)
    options = dict(platform="win32", home=tmp_path / "home", executable=PYTHON, startup=tmp_path / "XLSTART",
                   running=not_running, environ={})
    with pytest.raises(addin.InstallProblem, match=match) as caught:
        addin.install(**{**options, **kwargs})
    assert "Nothing was installed" in str(caught.value) or "Nothing was written" in str(caught.value)
    assert tree(tmp_path) == before
    return str(caught.value)


def test_a_corrupt_add_in_is_refused(tmp_path):
    bad = tmp_path / "salesxl.xlam"
    bad.write_bytes(addin.SHIPPED_ADDIN.read_bytes()[:5000])
    assert "not a zip package" in refused(tmp_path, "not an add-in", addin=bad)


def test_a_foreign_add_in_is_refused(tmp_path):
    foreign = tmp_path / "other.xlam"
    foreign.write_bytes(addin.xlwings_template().read_bytes())
    message = refused(tmp_path, "not the salesxl add-in", addin=foreign)
    assert 'named "MyAddin"' in message and "salesxl addin build" in message


def test_an_add_in_whose_vba_is_not_a_compound_file_is_refused(tmp_path):
    damaged = tmp_path / "salesxl.xlam"
    with zipfile.ZipFile(addin.SHIPPED_ADDIN) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            target.writestr(item, b"garbage" if item.filename == addin.VBA_PART else source.read(item))
    refused(tmp_path, "not a compound file", addin=damaged)


def test_excel_running_is_refused(tmp_path):
    refused(tmp_path, "Excel is running: quit Excel", running=lambda p: True)


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else False, reason="root can write anywhere")
def test_an_xlstart_that_is_not_writable_is_refused(tmp_path):
    startup = tmp_path / "XLSTART"
    startup.mkdir()
    startup.chmod(stat.S_IREAD | stat.S_IEXEC)
    try:
        refused(tmp_path, "cannot write in", startup=startup)
    finally:
        startup.chmod(stat.S_IRWXU)


def test_an_xlstart_that_is_a_file_is_refused(tmp_path):
    """A start-up "folder" that cannot be written in (here: a file in the way; as root, chmod does not stop us)."""
    (tmp_path / "XLSTART").write_bytes(b"not a folder")
    message = refused(tmp_path, "cannot write in", startup=tmp_path / "XLSTART")
    assert str(tmp_path / "XLSTART") in message


def test_a_failed_move_puts_back_what_was_there(tmp_path, monkeypatch):
    home, startup = tmp_path / "home", tmp_path / "XLSTART"
    (home / ".salesxl").mkdir(parents=True)
    (home / ".salesxl" / "salesxl.conf").write_bytes(b'"INTERPRETER_WIN","C:\\old\\python.exe"\r\n')
    startup.mkdir()
    (startup / "salesxl.xlam").write_bytes(b"the old add-in")
    before = tree(tmp_path)
    real_replace = os.replace

    def failing(source, target):
        if str(source).endswith(".new") and str(target).endswith("salesxl.conf"):
            raise PermissionError(13, "Permission denied", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(addin.InstallProblem, match="what was there before is back in place"):
        addin.install(platform="win32", home=home, executable=PYTHON, startup=startup, running=not_running,
                      environ={})
    assert tree(tmp_path) == before


# An older salesxl.conf -----------------------------------------------------------------------------------------

def test_an_older_ansi_settings_file_is_rewritten_in_utf8_keeping_the_planners_own_settings(tmp_path):
    conf = tmp_path / "home" / ".salesxl" / "salesxl.conf"
    conf.parent.mkdir(parents=True)
    old = '"INTERPRETER_WIN","C:\\Users\\张伟\\old\\python.exe"\r\n"PYTHONPATH","D:\\共享\\scripts"\r\n'
    conf.write_bytes(old.encode("cp936"))
    assert read_settings(conf, ansi="cp936") == OldSettings([("PYTHONPATH", "D:\\共享\\scripts")], "cp936")
    plan = installer.plan_install(platform="win32", home=tmp_path / "home", executable=PYTHON,
                                             startup=tmp_path / "XLSTART", environ={}, ansi="cp936")
    assert "was written in cp936; it is rewritten in UTF-8" in plan.describe()
    assert "kept from the existing salesxl.conf: PYTHONPATH" in plan.describe()
    text = plan.files[1][1]
    assert vba_reads(text.encode("utf-8"), "PYTHONPATH") == "D:\\共享\\scripts"
    assert vba_reads(text.encode("utf-8"), "INTERPRETER_WIN") == PYTHON


def test_a_settings_file_that_is_not_key_value_lines_is_refused(tmp_path):
    conf = tmp_path / "home" / ".salesxl" / "salesxl.conf"
    conf.parent.mkdir(parents=True)
    conf.write_bytes(b'"INTERPRETER_WIN","C:\\python.exe"\r\nINTERPRETER = C:\\other\r\n')
    message = refused(tmp_path, "line 2")
    assert str(conf) in message and "is not a" in message


# The command line ----------------------------------------------------------------------------------------------

def test_install_dry_run_on_the_command_line_names_every_file():
    result = runner.invoke(app, ["addin", "install", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "salesxl.xlam" in result.output and "XLSTART" in result.output and "salesxl.conf" in result.output
    assert str(addin.SHIPPED_ADDIN) in result.output.replace("\n", "")


def test_install_refusal_on_the_command_line_exits_1(tmp_path):
    bad = tmp_path / "bad.xlam"
    bad.write_bytes(b"nope")
    result = runner.invoke(app, ["addin", "install", str(bad), "--dry-run"])
    assert result.exit_code == 1 and "not an add-in" in result.output


@pytest.mark.skipif(os.name == "nt" or os.uname().sysname == "Darwin", reason="checks the message where Excel is missing")
def test_configure_and_install_say_excel_is_needed_and_what_they_would_do():
    result = runner.invoke(app, ["configure"])
    assert result.exit_code == 4 and "INTERPRETER_WIN" in result.output and "salesxl.conf" in result.output
    result = runner.invoke(app, ["addin", "install"])
    assert result.exit_code == 4 and "XLSTART" in result.output and "salesxl.xlam" in result.output


def test_configure_keeps_the_planners_settings(tmp_path):
    conf = addin.config_path("win32", tmp_path)
    conf.parent.mkdir(parents=True)
    conf.write_bytes(b'"SHOW CONSOLE","True"\r\n"INTERPRETER_WIN","C:\\old.exe"\r\n')
    addin.configure("win32", tmp_path, PYTHON, environ={})
    assert conf.read_bytes().decode("utf-8") == \
        f'"INTERPRETER_WIN","{PYTHON}"\r\n"UDF MODULES","salesxl.udfs"\r\n"SHOW CONSOLE","True"\r\n'


def test_settings_file_for_each_system(tmp_path):
    assert addin.config_path("win32", tmp_path) == tmp_path / ".salesxl" / "salesxl.conf"
    assert addin.config_path("darwin", tmp_path) == \
        tmp_path / "Library/Containers/com.microsoft.Excel/Data/salesxl.conf"
    assert addin.config_text(r"C:\conda\envs\plan\python.exe", "win32", (r"C:\conda", "plan")) == \
        '"CONDA PATH","C:\\conda"\r\n"CONDA ENV","plan"\r\n"UDF MODULES","salesxl.udfs"\r\n'


def test_conda_is_recognised_from_the_environment(tmp_path):
    env = tmp_path / "conda" / "envs" / "plan"
    (env / "bin").mkdir(parents=True)
    environ = {"CONDA_PREFIX": str(env), "CONDA_EXE": str(tmp_path / "conda" / "bin" / "conda"),
               "CONDA_DEFAULT_ENV": "plan"}
    assert addin.conda_settings(str(env / "bin" / "python"), environ) == (str(tmp_path / "conda"), "plan")
    assert addin.conda_settings("/usr/bin/python3", environ) is None
    assert addin.conda_settings("/usr/bin/python3", {}) is None
