"""The add-in's static checks (no Excel here): ribbon XML, VBA and Python agree; the package is right.

* customUI.xml is well-formed; its namespace matches its part name and the
  relationship type written into ``_rels/.rels``; ids are unique.
* Every button id is a key of ``salesxl.ribbon.BUTTONS`` and vice versa; every
  ``onAction`` names a Sub with the ``(control As IRibbonControl)`` signature in
  macros/*.bas; every step has a CLI twin that calls the same function.
* The built package has the ribbon relationship, the macro-enabled content type
  and ``vbaProject.bin``; the VBA the add-in carries is xlwings' own for exactly
  the pinned xlwings version.
"""

from __future__ import annotations

import inspect
import io
import re
import sys
import tomllib
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import olefile
import pytest
import xlwings
from typer.testing import CliRunner

from salesxl import addin, ribbon
from salesxl.cli import app

ROOT = Path(__file__).resolve().parents[1]
MACROS = ROOT / "macros"
runner = CliRunner()


def custom_ui() -> ElementTree.Element:
    return ElementTree.fromstring(addin.CUSTOM_UI.read_bytes())


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def buttons() -> list[ElementTree.Element]:
    return [e for e in custom_ui().iter() if local(e.tag) == "button"]


def vba_modules() -> dict[str, str]:
    """macros/*.bas by their ``Attribute VB_Name``."""
    modules = {}
    for path in MACROS.glob("*.bas"):
        text = path.read_bytes().decode("latin-1")
        modules[re.search(r'Attribute VB_Name = "([^"]+)"', text).group(1)] = text
    return modules


# Ribbon XML ---------------------------------------------------------------------------------------

def test_custom_ui_namespace_matches_its_part_name():
    part = addin.ribbon_part_for(addin.CUSTOM_UI.read_bytes())
    assert part.part == f"customUI/{addin.CUSTOM_UI.name}"
    assert part.relationship == "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"


def test_the_part_table_pairs_each_namespace_with_its_own_part_and_relationship():
    ui14 = addin.RIBBON_PARTS["http://schemas.microsoft.com/office/2009/07/customui"]
    assert (ui14.part, ui14.relationship) == (
        "customUI/customUI14.xml", "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility")
    with pytest.raises(ValueError):
        addin.ribbon_part_for(b'<customUI xmlns="http://example.com/other"/>')


def test_ids_are_unique_and_buttons_are_complete():
    ids = [e.get("id") for e in custom_ui().iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    for button in buttons():
        assert button.get("label") and button.get("screentip") and button.get("imageMso"), button.get("id")
        assert re.search(r"[\u4e00-\u9fff]", button.get("label")), "labels are in Chinese"


def test_button_ids_and_dispatch_keys_are_the_same():
    assert [b.get("id") for b in buttons()] == list(ribbon.BUTTONS)


def test_every_on_action_is_a_ribbon_callback_sub_in_macros():
    modules = vba_modules()
    for button in buttons():
        module, _, sub = button.get("onAction").rpartition(".")
        sources = [modules[module]] if module else list(modules.values())
        pattern = rf"^\s*(Public\s+)?Sub\s+{re.escape(sub)}\s*\(\s*control\s+As\s+IRibbonControl\s*\)"
        assert any(re.search(pattern, text, re.M | re.I) for text in sources), button.get("onAction")


def test_the_one_callback_hands_the_button_id_to_dispatch():
    text = vba_modules()["SalesxlRibbon"]
    assert re.search(r"""RunPython "import salesxl\.ribbon; salesxl\.ribbon\.dispatch\('" & control\.Id & "'\)\"""",
                     text)
    assert text.count("\r\n") == text.count("\n"), "VBA modules keep Windows line ends for VBE's Import"
    assert {b.get("onAction") for b in buttons()} == {"SalesxlRibbon.OnAction"}


def objects_named_in(function) -> list:
    """What the names in ``function`` (and the lambdas inside it) refer to: ``steps.check`` gives
    the module ``steps`` and its attribute ``check``."""
    codes, names = [function.__code__], set()
    while codes:
        code = codes.pop()
        names |= set(code.co_names)
        codes += [c for c in code.co_consts if inspect.iscode(c)]
    found = [function.__globals__[n] for n in names if n in function.__globals__]
    return found + [getattr(obj, n) for obj in found if inspect.ismodule(obj) for n in names if hasattr(obj, n)]


def test_every_step_exists_and_has_a_cli_twin_calling_the_same_function():
    commands = {c.name or c.callback.__name__: c.callback for c in app.registered_commands}
    for button_id, button in ribbon.BUTTONS.items():
        assert callable(button.step), button_id
        assert button.cli in commands, f"{button_id}: no `salesxl {button.cli}` command"
        assert any(obj is button.step for obj in objects_named_in(commands[button.cli])), \
            f"`salesxl {button.cli}` does not call {button.step.__module__}.{button.step.__name__}"


# The package ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return addin.build(tmp_path_factory.mktemp("addin") / "salesxl.xlam", ribbon_only=True)


def test_built_package_has_our_ribbon_related_by_the_right_type(built):
    assert addin.package_problems(built) == []
    with zipfile.ZipFile(built) as package:
        rels = ElementTree.fromstring(package.read("_rels/.rels"))
        ribbons = [(r.get("Type"), r.get("Target")) for r in rels
                   if r.get("Type") in addin.RIBBON_RELATIONSHIPS]
        assert ribbons == [("http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
                            "customUI/customUI.xml")]
        assert package.read("customUI/customUI.xml") == addin.CUSTOM_UI.read_bytes()
        assert addin.ADDIN_CONTENT_TYPE in package.read("[Content_Types].xml").decode()
        # Everything else is xlwings' add-in, untouched.
        with zipfile.ZipFile(addin.xlwings_template()) as template:
            for name in template.namelist():
                if name not in ("_rels/.rels", "customUI/customUI.xml"):
                    assert package.read(name) == template.read(name), name


def test_the_modules_the_build_replaces_are_in_xlwings_template():
    """Stage 2 removes xlwings' sample modules by name; they must be there to remove."""
    with zipfile.ZipFile(addin.xlwings_template()) as template:
        ole = olefile.OleFileIO(io.BytesIO(template.read(addin.VBA_PART)))
        streams = {"/".join(s) for s in ole.listdir()}
    assert {f"VBA/{name}" for name in addin.SAMPLE_MODULES} <= streams


def test_package_problems_are_named(tmp_path):
    broken = tmp_path / "broken.xlam"
    with zipfile.ZipFile(addin.xlwings_template()) as template, zipfile.ZipFile(broken, "w") as out:
        for item in template.infolist():
            if item.filename != addin.VBA_PART:
                out.writestr(item, template.read(item))
    # xlwings' template pairs the 2006/01 part with the 2007 relationship type; the spec pairs it with 2006.
    problems = addin.package_problems(broken)
    assert any("does not match its namespace" in p for p in problems)
    assert any("xl/vbaProject.bin is missing" in p for p in problems)


def test_building_without_excel_says_so_and_writes_nothing(tmp_path):
    target = tmp_path / "salesxl.xlam"
    with pytest.raises(addin.NeedsExcel, match="VBA object model"):
        addin.build(target, platform="linux")
    assert not target.exists()
    result = runner.invoke(app, ["addin", "build", str(target)])
    assert result.exit_code == 4 and not target.exists()


# The VBA version pin --------------------------------------------------------------------------------

def test_xlwings_is_pinned_to_the_version_of_the_vba_the_add_in_carries():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith("xlwings")]
    assert len(pins) == 1 and pins[0].startswith("xlwings=="), pins
    pinned = pins[0].split("==")[1]
    carried = addin.vba_version((MACROS / "xlwings.bas").read_bytes())
    assert pinned == carried == xlwings.__version__
    assert f'"xlwings64-{carried}.dll"'.encode() in (MACROS / "xlwings.bas").read_bytes()


def test_the_carried_vba_is_xlwings_own_with_our_project_name():
    """Regenerate with ``python -m salesxl.addin`` after changing the pin."""
    assert (MACROS / "xlwings.bas").read_bytes() == addin.xlwings_vba()
    assert b'Public Const PROJECT_NAME As String = "salesxl"' in addin.xlwings_vba()


# Configure and install -----------------------------------------------------------------------------------

def test_settings_file_for_each_system(tmp_path):
    assert addin.config_path("win32", tmp_path) == tmp_path / ".salesxl" / "salesxl.conf"
    assert addin.config_path("darwin", tmp_path) == \
        tmp_path / "Library/Containers/com.microsoft.Excel/Data/salesxl.conf"
    assert addin.config_text(r"C:\venv\Scripts\python.exe", "win32") == \
        '"INTERPRETER_WIN","C:\\venv\\Scripts\\python.exe"\r\n"UDF MODULES","salesxl.udfs"\r\n'
    assert addin.config_text("/Users/a/venv/bin/python", "darwin").startswith('"INTERPRETER_MAC","/Users/a/')
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


def test_configure_writes_the_file_the_vba_reads(tmp_path):
    path = addin.configure("win32", tmp_path, r"C:\venv\Scripts\python.exe")
    assert path.read_bytes().split(b"\r\n")[0] == b'"INTERPRETER_WIN","C:\\venv\\Scripts\\python.exe"'


@pytest.mark.skipif(sys.platform.startswith(("win", "darwin")), reason="checks the message where Excel is missing")
def test_configure_and_install_say_excel_is_needed_and_what_they_would_do(tmp_path):
    result = runner.invoke(app, ["configure"])
    assert result.exit_code == 4
    assert "INTERPRETER_WIN" in result.output and "salesxl.conf" in result.output
    result = runner.invoke(app, ["addin", "install"])
    assert result.exit_code == 4 and "XLSTART" in result.output
    with pytest.raises(addin.NeedsExcel, match="XLSTART"):
        addin.install(tmp_path / "salesxl.xlam", platform="linux")
    with pytest.raises(addin.NeedsExcel, match="build it with `salesxl addin build` on Windows"):
        addin.install(None, platform="darwin")


def test_info_shows_versions_and_where_settings_live():
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0
    assert f"xlwings {xlwings.__version__}" in result.output and "salesxl.conf" in result.output
