"""Installing the add-in: ``salesxl addin install`` / ``uninstall`` and ``salesxl configure``.

Install is one step for the planner and touches exactly these files:

* ``<XLSTART>/salesxl.xlam``: the add-in shipped inside the package (or one
  given on the command line), checked first. Excel opens what is in its user
  XLSTART folder (``%APPDATA%\\Microsoft\\Excel\\XLSTART`` on Windows) at
  start-up, trusts it (a trusted location by default), and never asks for
  *Trust access to the VBA project object model*: nothing is imported.
* ``salesxl.conf``: which Python the add-in runs (:func:`config_text`), UTF-8,
  the encoding the add-in's VBA reads (``GetConfigFromFile`` in
  ``macros/xlwings.bas``). Settings of an older file that salesxl does not own
  (``PYTHONPATH``, ``SHOW CONSOLE``...) are kept; an older file in the Windows
  ANSI code page is read in it and rewritten in UTF-8.
* on macOS also xlwings' AppleScript in
  ``~/Library/Application Scripts/com.microsoft.Excel`` (what
  ``xlwings runpython install`` copies), so Excel can start Python from its
  sandbox.

Everything is checked before anything is written (the add-in is an add-in
with our project, Excel is not running, the folders are writable, the old
settings can be read); then the files are written to temporary names and moved
into place, and a failure part way puts back what was there.
"""

from __future__ import annotations

import locale
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Callable

from .build import ADDIN_NAME, VBA_PART, NeedsExcel, package_problems
from .modules import PROJECT, RIBBON_MODULE, UDF_MODULE, UDF_VBA_MODULE, xlwings_dir

SHIPPED_ADDIN = Path(__file__).resolve().parent / ADDIN_NAME
"""The add-in built from this package's sources (``python -m salesxl.addin regenerate`` writes it)."""
OWN_KEYS = ("INTERPRETER_WIN", "INTERPRETER_MAC", "CONDA PATH", "CONDA ENV", "UDF MODULES")
"""The settings ``salesxl configure`` decides; any other key in an existing file is the planner's and kept."""


class InstallProblem(RuntimeError):
    """Install or uninstall cannot go ahead; the message says why and what to do. Nothing was written."""


def is_windows(platform: str) -> bool:
    return platform.startswith("win")


def is_mac(platform: str) -> bool:
    return platform.startswith("darwin")


# Where things go -------------------------------------------------------------------------------------------

def config_path(platform: str = sys.platform, home: Path | None = None) -> Path:
    """Where the add-in's VBA looks for ``salesxl.conf`` (xlwings' ``GetConfigFilePath``)."""
    home = home or Path.home()
    if is_mac(platform):
        # Excel for Mac is sandboxed: its $HOME is its container.
        return home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / f"{PROJECT}.conf"
    return home / f".{PROJECT}" / f"{PROJECT}.conf"


def startup_folder(platform: str = sys.platform, home: Path | None = None, environ: dict | None = None) -> Path:
    """Excel's user start-up folder (what ``Application.StartupPath`` answers)."""
    environ = os.environ if environ is None else environ
    home = home or Path.home()
    if is_mac(platform):
        return (home / "Library" / "Group Containers" / "UBF8T346G9.Office" / "User Content.localized"
                / "Startup.localized" / "Excel")
    appdata = environ.get("APPDATA")
    return (Path(appdata) if appdata else home / "AppData" / "Roaming") / "Microsoft" / "Excel" / "XLSTART"


def applescript_source() -> Path:
    import xlwings

    return xlwings_dir() / f"xlwings-{xlwings.__version__}.applescript"


def applescript_folder(home: Path | None = None) -> Path:
    return (home or Path.home()) / "Library" / "Application Scripts" / "com.microsoft.Excel"


# The settings file --------------------------------------------------------------------------------------------

def conda_settings(executable: str, environ: dict | None = None) -> tuple[str, str] | None:
    """``(conda path, env name)`` when Python runs inside a Conda environment, else None."""
    environ = os.environ if environ is None else environ
    prefix = environ.get("CONDA_PREFIX")
    if not prefix or not Path(executable).resolve().is_relative_to(Path(prefix).resolve()):
        return None
    conda_exe = environ.get("CONDA_EXE")
    base = str(Path(conda_exe).parents[1]) if conda_exe else prefix
    return base, environ.get("CONDA_DEFAULT_ENV") or Path(prefix).name


def config_settings(executable: str, platform: str = sys.platform,
                    conda: tuple[str, str] | None = None) -> list[tuple[str, str]]:
    """The settings salesxl writes: the interpreter (or the Conda env on Windows) and the UDF module."""
    if conda and is_windows(platform):
        # On Windows xlwings activates the Conda env itself (DLLs need the activation).
        settings = [("CONDA PATH", conda[0]), ("CONDA ENV", conda[1])]
    else:
        settings = [("INTERPRETER_MAC" if is_mac(platform) else "INTERPRETER_WIN", executable)]
    return settings + [("UDF MODULES", UDF_MODULE)]


def config_text(executable: str, platform: str = sys.platform, conda: tuple[str, str] | None = None,
                kept: list[tuple[str, str]] = ()) -> str:
    """The lines of ``salesxl.conf`` in the ``"KEY","value"`` form xlwings' ``Write #`` writes."""
    lines = config_settings(executable, platform, conda) + list(kept)
    for key, value in lines:
        if '"' in key or '"' in value or "\n" in value or "\r" in value:
            raise InstallProblem(f"the setting {key} = {value!r} holds a double quote or a line break, which "
                                 "salesxl.conf cannot carry")
    return "".join(f'"{key}","{value}"\r\n' for key, value in lines)


@dataclass(frozen=True)
class OldSettings:
    """What an existing ``salesxl.conf`` holds: the planner's own settings, and the encoding it was read in."""

    kept: list[tuple[str, str]] = field(default_factory=list)
    encoding: str = "utf-8"


def read_settings(path: Path, ansi: str | None = None) -> OldSettings:
    """Read an existing ``salesxl.conf`` (UTF-8, or the ANSI code page older files were written in)."""
    if not path.exists():
        return OldSettings()
    raw = path.read_bytes()
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        encoding = ansi or locale.getpreferredencoding(False)
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise InstallProblem(f"{path} is neither UTF-8 nor {encoding}: delete it and run the command "
                                 "again (salesxl writes it afresh). Nothing was written.") from None
    kept = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parsed = parse_config_line(line)
        if parsed is None:
            raise InstallProblem(f'{path}, line {number}: "{line.strip()}" is not a "KEY","value" line. Fix or '
                                 "delete the line (or the file) and run the command again. Nothing was written.")
        if parsed[0].upper() not in OWN_KEYS:
            kept.append(parsed)
    return OldSettings(kept, encoding)


def parse_config_line(line: str) -> tuple[str, str] | None:
    """``"KEY","value"`` -> ``(KEY, value)``, the way the add-in's ``ParseConfigLine`` reads it; else None."""
    line = line.strip(" ")
    comma = line.find('","')
    if not (line.startswith('"') and line.endswith('"') and comma > 0):
        return None
    return line[1:comma], line[comma + 3:-1]


def vba_reads(conf: bytes, key: str) -> str | None:
    """The value the add-in's VBA gets for ``key`` from these bytes (``GetConfigFromFile`` on Windows).

    ADODB.Stream with ``Charset = "utf-8"`` decodes the bytes (and skips a
    byte-order mark); the text is split at line ends; the first line whose key
    matches, ignoring case, gives the value.
    """
    text = conf.decode("utf-8-sig", errors="replace")
    for line in text.replace("\r\n", "\n").split("\n"):
        parsed = parse_config_line(line)
        if parsed and parsed[0].lower() == key.lower():
            return parsed[1]
    return None


# Checking the add-in ----------------------------------------------------------------------------------------------

def addin_problems(path: Path) -> list[str]:
    """What keeps ``path`` from being a salesxl add-in that Excel can load (empty when fine)."""
    import olefile

    path = Path(path)
    if not path.is_file():
        return [f"{path} does not exist"]
    try:
        with zipfile.ZipFile(path) as package:
            blob = package.read(VBA_PART) if VBA_PART in package.namelist() else None
    except (zipfile.BadZipFile, OSError) as exc:
        return [f"{path.name} is not an add-in (not a zip package: {exc})"]
    if blob is None:
        return [f"{path.name} is not the salesxl add-in: it has no VBA project ({VBA_PART})"]
    if not olefile.isOleFile(data=blob):
        return [f"{path.name}: its VBA project ({VBA_PART}) is not a compound file"]
    try:
        with olefile.OleFileIO(blob) as ole:
            project = ole.openstream("PROJECT").read().decode("latin-1")
            streams = {"/".join(s) for s in ole.listdir()}
    except Exception as exc:  # olefile raises several types for a damaged container
        return [f"{path.name}: its VBA project cannot be read ({exc})"]
    lines = project.splitlines()
    if f'Name="{PROJECT}"' not in lines:
        name = next((line[5:] for line in lines if line.startswith("Name=")), "none")
        return [f"{path.name} is not the salesxl add-in: its VBA project is named {name}, not \"{PROJECT}\""]
    missing = [f"{path.name}: its VBA project has no module {m}" for m in ("xlwings", RIBBON_MODULE, UDF_VBA_MODULE)
               if f"VBA/{m}" not in streams]
    return missing or package_problems(path)


# Excel running ---------------------------------------------------------------------------------------------------

def excel_is_running(platform: str = sys.platform) -> bool:
    """Whether Excel runs now (it keeps XLSTART's add-in open and would not see a new one until restarted)."""
    if is_windows(platform):
        found = subprocess.run(["tasklist", "/FI", "IMAGENAME eq EXCEL.EXE", "/NH"], capture_output=True, text=True)
        return "excel.exe" in found.stdout.lower()
    if is_mac(platform):
        return subprocess.run(["pgrep", "-x", "Microsoft Excel"], capture_output=True).returncode == 0
    return False


# Install ------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Install:
    """What ``salesxl addin install`` writes: ``files`` as ``(target, source or text, what)``."""

    files: list[tuple[Path, Path | str, str]]
    notes: list[str]

    def describe(self) -> str:
        lines = []
        for target, source, what in self.files:
            origin = f"copy of {source}" if isinstance(source, PurePath) else "text:\n    " + \
                source.rstrip("\r\n").replace("\r\n", "\n    ")
            lines.append(f"{target}  ({what}; {origin})")
        return "\n".join(lines + self.notes)


def plan_install(addin: Path | None = None, platform: str = sys.platform, home: Path | None = None,
                 environ: dict | None = None, executable: str = sys.executable,
                 startup: Path | None = None, ansi: str | None = None) -> Install:
    """Check everything and say what install would write; raises InstallProblem if it cannot."""
    addin = Path(addin) if addin else SHIPPED_ADDIN
    problems = addin_problems(addin)
    if problems:
        hint = ("Build a fresh one with `salesxl addin build` or run `salesxl addin install` without a file to "
                "install the add-in that comes with salesxl." if addin != SHIPPED_ADDIN else
                "The add-in inside the salesxl package is damaged: reinstall salesxl.")
        raise InstallProblem("; ".join(problems) + f". {hint} Nothing was installed.")
    conf = config_path(platform, home)
    old = read_settings(conf, ansi)
    text = config_text(executable, platform, conda_settings(executable, environ), old.kept)
    notes = []
    if old.encoding != "utf-8":
        notes.append(f"{conf.name} was written in {old.encoding}; it is rewritten in UTF-8, the encoding the add-in reads.")
    if old.kept:
        notes.append(f"kept from the existing {conf.name}: " + ", ".join(k for k, _ in old.kept))
    files = [(Path(startup or startup_folder(platform, home, environ)) / ADDIN_NAME, addin, "the add-in"),
             (conf, text, "settings")]
    if is_mac(platform):
        source = applescript_source()
        files.append((applescript_folder(home) / source.name, source,
                      "xlwings' AppleScript, as `xlwings runpython install` copies it"))
    return Install(files, notes)


def check_writable(folder: Path) -> None:
    """Create ``folder`` if needed and prove a file can be written in it; raise InstallProblem if not."""
    probe = folder / f"~{PROJECT}-write-test"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InstallProblem(f"cannot write in {folder} ({exc.strerror or exc}). Check that the folder is yours "
                             "and not read-only (or pass another with --startup). Nothing was installed.") from None


def install(addin: Path | None = None, platform: str = sys.platform, home: Path | None = None,
            environ: dict | None = None, executable: str = sys.executable, startup: Path | None = None,
            dry_run: bool = False, running: Callable[[str], bool] = excel_is_running,
            progress: Callable[[str], None] = lambda m: None) -> Install:
    """``salesxl addin install``: the checked add-in into XLSTART, the settings, (macOS) the AppleScript."""
    plan = plan_install(addin, platform, home, environ, executable, startup)
    if dry_run:
        return plan
    if not (is_windows(platform) or is_mac(platform)):
        raise NeedsExcel("Excel runs on Windows and macOS only. There, `salesxl addin install` would write:\n"
                         + plan.describe())
    if running(platform):
        raise InstallProblem("Excel is running: quit Excel (every window), then run `salesxl addin install` again. "
                             "Excel keeps the add-in in XLSTART open and loads a new one only when it starts. "
                             "Nothing was installed.")
    for folder in dict.fromkeys(target.parent for target, _, _ in plan.files):
        check_writable(folder)
    write_all(plan, progress)
    return plan


def write_all(plan: Install, progress: Callable[[str], None]) -> None:
    """Write every file under a temporary name, then move them into place; undo the moves if one fails."""
    staged = []
    try:
        for target, source, what in plan.files:
            temp = target.with_name(f"~{target.name}.new")
            if isinstance(source, PurePath):
                shutil.copyfile(source, temp)
            else:
                temp.write_bytes(source.encode("utf-8"))
            staged.append((temp, target))
        moved = []
        try:
            for temp, target in staged:
                backup = target.with_name(f"~{target.name}.old")
                if target.exists():
                    os.replace(target, backup)
                moved.append((target, backup))
                os.replace(temp, target)
                progress(f"已写入 wrote {target}")
        except OSError:
            for target, backup in reversed(moved):
                if backup.exists():
                    os.replace(backup, target)
                elif target.exists():
                    target.unlink()
            raise
        for target, backup in moved:
            if backup.exists():
                backup.unlink()
    except OSError as exc:
        raise InstallProblem(f"writing {exc.filename or 'a file'} failed ({exc.strerror or exc}); what was there "
                             "before is back in place. Nothing was installed.") from None
    finally:
        for temp, _ in staged:
            if temp.exists():
                temp.unlink()


def configure(platform: str = sys.platform, home: Path | None = None, executable: str = sys.executable,
              environ: dict | None = None) -> Path:
    """``salesxl configure``: write the add-in's settings for this Python (keeping the planner's own)."""
    path = config_path(platform, home)
    old = read_settings(path)
    text = config_text(executable, platform, conda_settings(executable, environ), old.kept)
    if not (is_windows(platform) or is_mac(platform)):
        raise NeedsExcel(
            f"Excel runs on Windows and macOS only. There, `salesxl configure` would write {path.name} "
            f"(Windows: %USERPROFILE%\\.salesxl\\salesxl.conf; macOS: ~/Library/Containers/com.microsoft.Excel/"
            f"Data/salesxl.conf) with:\n{text}")
    check_writable(path.parent)
    write_all(Install([(path, text, "settings")], []), lambda m: None)
    return path


# Uninstall ----------------------------------------------------------------------------------------------------------

def uninstall(platform: str = sys.platform, home: Path | None = None, environ: dict | None = None,
              startup: Path | None = None, dry_run: bool = False,
              running: Callable[[str], bool] = excel_is_running) -> list[Path]:
    """``salesxl addin uninstall``: remove what install wrote (the add-in, the settings and their folder).

    xlwings' AppleScript stays on a Mac: other xlwings add-ins use it too.
    """
    conf = config_path(platform, home)
    targets = [p for p in (Path(startup or startup_folder(platform, home, environ)) / ADDIN_NAME, conf) if p.exists()]
    if dry_run or not targets:
        return targets
    if not (is_windows(platform) or is_mac(platform)):
        raise NeedsExcel("Excel runs on Windows and macOS only. There, `salesxl addin uninstall` would remove:\n"
                         + "\n".join(map(str, targets)))
    if running(platform):
        raise InstallProblem("Excel is running: quit Excel (every window), then run `salesxl addin uninstall` again. "
                             "Nothing was removed.")
    for target in targets:
        try:
            target.unlink()
        except OSError as exc:
            raise InstallProblem(f"cannot remove {target} ({exc.strerror or exc}).") from None
    if not is_mac(platform) and conf.parent.name == f".{PROJECT}" and conf.parent.exists() \
            and not any(conf.parent.iterdir()):
        conf.parent.rmdir()
    return targets
