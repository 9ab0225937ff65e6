"""The add-in, checked without Excel: the ribbon, the VBA and Python agree, in the add-in as BUILT.

* customUI.xml is well-formed; its namespace matches its part name and the
  relationship type written into ``_rels/.rels``; ids are unique; every button id
  is a key of ``salesxl.ribbon.BUTTONS`` and every step has a CLI twin.
* The static bar, on the built ``salesxl.xlam`` as olevba reads it: every
  ``onAction`` names a ``(control As IRibbonControl)`` Sub of a module inside it,
  every UDF has its wrapper, and its ``XLWINGS_VERSION`` is the pinned xlwings.
* Readers salesxl did not write: olevba gives back every module byte for byte;
  olefile lists the streams an Excel-made project has, and the ``dir`` records
  follow Excel's; LibreOffice imports the project with the same modules and text.
* The build is reproducible and the shipped add-in is the build of these sources.
"""

from __future__ import annotations

import inspect
import io
import re
import struct
import subprocess
import tomllib
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import olefile
import pytest
import xlwings
from oletools.olevba import VBA_Parser, decompress_stream
from typer.testing import CliRunner

from salesxl import addin, ribbon, udfs
from salesxl.addin.modules import (CLASS_BASE, DOCUMENT_BASES, GENERATED, REFERENCES, UDF_VBA_MODULE,
                                   document_module, udf_wrappers)
from salesxl.cli import app

from .workbook.libreoffice import SOFFICE, needs_soffice
from .xlwings_on_windows import module_as_on_windows, wrappers_by_xlwings

ROOT = Path(__file__).resolve().parents[1]
MACROS = addin.MACROS
runner = CliRunner()


def custom_ui() -> ElementTree.Element:
    return ElementTree.fromstring(addin.CUSTOM_UI.read_bytes())


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def buttons() -> list[ElementTree.Element]:
    return [e for e in custom_ui().iter() if local(e.tag) == "button"]


def vba_modules() -> dict[str, str]:
    """macros/*.bas and *.cls by their ``Attribute VB_Name``."""
    modules = {}
    for path in [*MACROS.glob("*.bas"), *MACROS.glob("*.cls")]:
        text = path.read_bytes().decode("cp1252")
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


def test_the_one_callback_hands_the_button_id_to_dispatch():
    text = vba_modules()["SalesxlRibbon"]
    assert re.search(r"Sub OnAction\(control As IRibbonControl\)\r\n    RunButton control\.Id\r\nEnd Sub", text)
    assert re.search(r"""Sub RunButton\(buttonId As String\)\r\n    RunPython "import salesxl\.ribbon; """
                     r"""salesxl\.ribbon\.dispatch\('" & buttonId & "'\)"\r\nEnd Sub""", text)
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



# The built add-in, as readers salesxl did not write see it -------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return addin.build(tmp_path_factory.mktemp("addin") / "salesxl.xlam")


@pytest.fixture(scope="module")
def olevba_modules(built) -> dict[str, bytes]:
    """``{module: source}`` as olevba extracts them (decoded in the project's code page; encoded back here)."""
    parser = VBA_Parser(str(built))
    try:
        return {Path(vba_filename).stem: code.encode("cp1252")
                for _, _, vba_filename, code in parser.extract_macros()}
    finally:
        parser.close()


def ole_streams(blob: bytes) -> dict[str, bytes]:
    with olefile.OleFileIO(io.BytesIO(blob), raise_defects=olefile.DEFECT_INCORRECT) as ole:
        return {"/".join(p): ole.openstream("/".join(p)).read() for p in ole.listdir()}


def vba_project_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read(addin.VBA_PART)


def dir_records(blob: bytes) -> list[tuple[int, bytes]]:
    """The records of a project's ``dir`` stream (PROJECTVERSION's size field is reserved: 6 bytes follow)."""
    data = decompress_stream(bytearray(ole_streams(blob)["VBA/dir"]))
    records, at = [], 0
    while at < len(data):
        record_id, size = struct.unpack_from("<HI", data, at)
        size = 6 if record_id == 0x09 else size
        records.append((record_id, data[at + 6:at + 6 + size]))
        at += 6 + size
    return records


def test_olevba_reads_back_every_module_byte_for_byte(olevba_modules):
    assert olevba_modules == {
        "ThisWorkbook": document_module("ThisWorkbook", DOCUMENT_BASES["workbook"]),
        "Sheet2": document_module("Sheet2", DOCUMENT_BASES["worksheet"]),
        "Dictionary": (MACROS / "Dictionary.cls").read_bytes(),
        "xlwings": (MACROS / "xlwings.bas").read_bytes(),
        "SalesxlRibbon": (MACROS / "SalesxlRibbon.bas").read_bytes(),
        UDF_VBA_MODULE: udf_wrappers(),
    }


def test_every_on_action_is_a_ribbon_callback_sub_inside_the_built_add_in(built, olevba_modules):
    with zipfile.ZipFile(built) as package:
        ui = ElementTree.fromstring(package.read("customUI/customUI.xml"))
    actions = {e.get("onAction") for e in ui.iter() if local(e.tag) == "button"}
    assert actions
    for action in actions:
        module, _, sub = action.rpartition(".")
        pattern = rf"^\s*(Public\s+)?Sub\s+{re.escape(sub)}\s*\(\s*control\s+As\s+IRibbonControl\s*\)"
        assert re.search(pattern, olevba_modules[module].decode("cp1252"), re.M | re.I), action


def test_every_worksheet_function_has_its_wrapper_inside_the_built_add_in(olevba_modules):
    text = olevba_modules[UDF_VBA_MODULE].decode("cp1252")
    for name in (n for n in dir(udfs) if n.startswith("SALESXL_")):
        params = list(inspect.signature(getattr(udfs, name)).parameters.values())
        signature = ", ".join(("Optional " if p.default is not p.empty else "") + p.name for p in params)
        assert f"Function {name}({signature})\r\n" in text, name
        assert f'{name} = XLPy.CallUDF("salesxl.udfs", "{name}", Array(' \
               f'{", ".join(p.name for p in params)}), ActiveWorkbook, Application.Caller)' in text, name
    assert text.count("\r\nFunction ") == len([n for n in dir(udfs) if n.startswith("SALESXL_")])


def test_the_built_add_in_carries_the_vba_of_the_pinned_xlwings(olevba_modules):
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith("xlwings")]
    assert len(pins) == 1 and pins[0].startswith("xlwings=="), pins
    carried = addin.vba_version(olevba_modules["xlwings"])
    assert pins[0].split("==")[1] == carried == xlwings.__version__
    assert f'"xlwings64-{carried}.dll"'.encode() in olevba_modules["xlwings"]
    assert b'Public Const PROJECT_NAME As String = "salesxl"' in olevba_modules["xlwings"]


def test_the_streams_are_those_of_a_project_excel_wrote(built):
    ours = ole_streams(vba_project_of(built))
    excel = ole_streams(vba_project_of(addin.xlwings_template()))
    shape = lambda streams: {p for p in streams if p in ("PROJECT", "PROJECTwm") or p.startswith("VBA/_") or  # noqa: E731
                             p == "VBA/dir"}
    assert shape(ours) == shape(excel) == {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"}
    modules = [line.split("=", 1)[1].split("/")[0] for line in ours["PROJECT"].decode("cp1252").splitlines()
               if line.split("=", 1)[0] in ("Module", "Class", "Document")]
    assert modules == ["ThisWorkbook", "Sheet2", "Dictionary", "xlwings", "SalesxlRibbon", UDF_VBA_MODULE]
    assert set(ours) == {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"} | {f"VBA/{m}" for m in modules}
    # MS-OVBA 2.3.4.1: 0x61CC, version 0xFFFF (no p-code), 0x00, 0x0000.
    assert ours["VBA/_VBA_PROJECT"] == bytes.fromhex("CC61FFFF000000")
    assert ours["PROJECTwm"] == b"".join(m.encode() + b"\0" + m.encode("utf-16-le") + b"\0\0" for m in modules) + \
        b"\0\0"


def test_the_dir_records_follow_excels_order(built):
    ours, excel = dir_records(vba_project_of(built)), dir_records(vba_project_of(addin.xlwings_template()))
    ids = lambda records, start, end: [r for r, _ in records[start:end]]  # noqa: E731
    first_reference = lambda records: next(i for i, (r, _) in enumerate(records) if r == 0x16)  # noqa: E731
    # PROJECTINFORMATION: syskind, lcid, lcid invoke, code page, name, doc strings, help, libflags, version, constants
    assert ids(ours, 0, first_reference(ours)) == ids(excel, 0, first_reference(excel)) == \
        [0x01, 0x02, 0x14, 0x03, 0x04, 0x05, 0x40, 0x06, 0x3D, 0x07, 0x08, 0x09, 0x0C, 0x3C]
    values = dict(ours[:first_reference(ours)])
    assert values[0x03] == struct.pack("<H", 1252) and values[0x02] == struct.pack("<I", 1033)
    assert values[0x04] == b"salesxl"
    # each module: name, unicode name, stream name (twice), doc string (twice), offset, help, cookie, type, end
    module_ids = [0x19, 0x47, 0x1A, 0x32, 0x1C, 0x48, 0x31, 0x1E, 0x2C]
    for records in (ours, excel):
        starts = [i for i, (r, _) in enumerate(records) if r == 0x19]
        for start in starts:
            assert ids(records, start, start + 9) == module_ids and records[start + 10][0] == 0x2B
    assert all(data == bytes(4) for r, data in ours if r == 0x31), "MODULEOFFSET 0: the stream holds only source"
    assert [data for r, data in ours if r == 0x21 or r == 0x22] == [b""] * 6
    assert ours[-1] == (0x10, b"")


def test_references_are_those_excel_wrote_for_xlwings_own_add_in(built):
    excel = dir_records(vba_project_of(addin.xlwings_dir() / "addin" / "xlwings.xlam"))
    names = [data.decode() for r, data in excel if r == 0x16]
    libids = [data[4:4 + struct.unpack_from("<I", data)[0]].decode("cp1252") for r, data in excel if r == 0x0D]
    assert [(r.name, r.libid) for r in REFERENCES] == list(zip(names, libids))
    ours = dir_records(vba_project_of(built))
    assert [data.decode() for r, data in ours if r == 0x16] == ["stdole", "Office"]


def test_the_class_and_document_modules_carry_the_attributes_excel_stores():
    dictionary = (MACROS / "Dictionary.cls").read_bytes()
    assert dictionary.startswith(b'Attribute VB_Name = "Dictionary"\r\nAttribute VB_Base = "'
                                 + CLASS_BASE.encode() + b'"\r\n')
    assert not dictionary.startswith(b"VERSION") and b"Attribute VB_Customizable = False\r\n" in dictionary
    excel = VBA_Parser(str(addin.xlwings_template()))
    try:
        stored = {Path(n).stem: code for _, _, n, code in excel.extract_macros()}
    finally:
        excel.close()
    attributes = lambda text: [line.split("=")[0] for line in text.splitlines() if line.startswith("Attribute")]  # noqa: E731
    assert attributes(dictionary.decode("cp1252")) == attributes(stored["Dictionary"])
    assert document_module("Sheet2", DOCUMENT_BASES["worksheet"]).decode() == stored["Sheet2"]
    assert document_module("ThisWorkbook", DOCUMENT_BASES["workbook"]).decode() == stored["ThisWorkbook"]


def test_the_project_lines_decrypt_to_no_protection_no_password_visible(built):
    text = ole_streams(vba_project_of(built))["PROJECT"].decode("cp1252")
    lines = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    key = sum(lines["ID"].strip('"').encode()) & 0xFF
    assert decrypt(lines["CMG"].strip('"')) == (2, key, bytes(4))
    assert decrypt(lines["DPB"].strip('"')) == (2, key, b"\x00")
    assert decrypt(lines["GC"].strip('"')) == (2, key, b"\xff")
    # Excel's own lines decrypt the same way (the template's project is unprotected too).
    excel = ole_streams(vba_project_of(addin.xlwings_template()))["PROJECT"].decode("cp1252")
    excel_lines = dict(line.split("=", 1) for line in excel.splitlines() if "=" in line)
    assert decrypt(excel_lines["GC"].strip('"'))[2] == b"\xff"


def decrypt(text: str) -> tuple[int, int, bytes]:
    """MS-OVBA 2.4.3.3 Data Decryption: ``(version, project key, data)``."""
    encrypted = bytes.fromhex(text)
    seed, version, key = encrypted[0], encrypted[0] ^ encrypted[1], encrypted[0] ^ encrypted[2]
    plain, back_1, back_2, out = key, encrypted[2], encrypted[1], []
    for byte in encrypted[3:]:
        value = byte ^ ((back_2 + plain) & 0xFF)
        out.append(value)
        back_2, back_1, plain = back_1, byte, value
    body = bytes(out[(seed & 6) // 2:])
    length = struct.unpack_from("<I", body)[0]
    assert len(body) == 4 + length
    return version, key, body[4:]


@needs_soffice
def test_libreoffice_imports_the_same_modules_and_text(built, tmp_path):
    """LibreOffice's VBA importer, a third reader: the add-in converted to .ods keeps every module as Basic.

    LibreOffice opens it as a macro-enabled workbook (the add-in content type is not one it converts), drops
    the ``Attribute`` lines, adds its own two first lines and ``Option ClassModule`` to a class, and ends with
    a line end; the rest is the source, with Unix line ends.
    """
    book = tmp_path / "salesxl.xlsm"
    with zipfile.ZipFile(built) as source, zipfile.ZipFile(book, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == addin.CONTENT_TYPES:
                data = data.replace(addin.ADDIN_CONTENT_TYPE.encode(),
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            target.writestr(item, data)
    done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                           "--convert-to", "ods", "--outdir", str(tmp_path), str(book)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(tmp_path / "salesxl.ods") as ods:
        library = ElementTree.fromstring(ods.read("Basic/salesxl/script-lb.xml"))
        listed = sorted(e.get("{http://openoffice.org/2000/library}name") for e in library)
        modules = {name: ElementTree.fromstring(ods.read(f"Basic/salesxl/{name}.xml")).text for name in listed}
    expected_kinds = {"ThisWorkbook": "VBADocumentModule", "Sheet2": "VBADocumentModule",
                      "Dictionary": "VBAClassModule", "xlwings": "VBAModule", "SalesxlRibbon": "VBAModule",
                      UDF_VBA_MODULE: "VBAModule"}
    assert listed == sorted(expected_kinds)
    sources = {"ThisWorkbook": document_module("ThisWorkbook", DOCUMENT_BASES["workbook"]),
               "Sheet2": document_module("Sheet2", DOCUMENT_BASES["worksheet"]),
               "Dictionary": (MACROS / "Dictionary.cls").read_bytes(),
               "xlwings": (MACROS / "xlwings.bas").read_bytes(),
               "SalesxlRibbon": (MACROS / "SalesxlRibbon.bas").read_bytes(), UDF_VBA_MODULE: udf_wrappers()}
    for name, kind in expected_kinds.items():
        code = [line for line in sources[name].decode("cp1252").replace("\r\n", "\n").split("\n")
                if not line.startswith("Attribute ")]
        extra = "Option ClassModule\n" if kind == "VBAClassModule" else ""
        assert modules[name] == f"Rem Attribute VBA_ModuleType={kind}\nOption VBASupport 1\n{extra}" + \
            "\n".join(code) + "\n", name


# The worksheet functions' wrappers are xlwings' own text ---------------------------------------------------

def test_the_wrappers_are_what_xlwings_import_functions_writes():
    """xlwings' own decorators and ``generate_vba_wrapper`` (taken from the installed xlwings) on salesxl.udfs."""
    source = inspect.getsource(udfs)
    as_on_windows = module_as_on_windows(source, "salesxl.udfs_on_windows", package="salesxl")
    assert udf_wrappers() == wrappers_by_xlwings(as_on_windows, "salesxl.udfs").replace("\n", "\r\n").encode()


EVERY_KIND = '''
import xlwings as xw

@xw.func(volatile=True, call_in_wizard=False)
@xw.arg("x", doc="x")
def volatile_one(x, y=2):
    return x

@xw.func
@xw.arg("caller", vba="Application.Caller")
def with_caller(a, caller):
    return a

@xw.func
def many(first, *rest):
    return first

@xw.sub
def a_macro():
    pass
'''


def test_every_kind_of_wrapper_matches_xlwings(tmp_path, monkeypatch):
    """Optional, ParamArray, a ``vba=`` argument, ``volatile``, ``call_in_wizard=False`` and a Sub."""
    module = module_as_on_windows(EVERY_KIND, "every_kind")
    plain_path = tmp_path / "every_kind.py"
    plain_path.write_text(EVERY_KIND, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import every_kind  # on Linux xw.func leaves no trace: salesxl reads the decorators from the source

    ours = udf_wrappers(every_kind, "every_kind").decode()
    theirs = wrappers_by_xlwings(module, "every_kind").replace("\n", "\r\n")
    assert ours == theirs
    assert "Application.Volatile" in ours and "ParamArray rest()" in ours and "Sub a_macro()" in ours


# Reproducible, shipped --------------------------------------------------------------------------------------

def test_the_build_is_byte_for_byte_reproducible(built, tmp_path):
    again = addin.build(tmp_path / "again.xlam")
    assert again.read_bytes() == built.read_bytes()
    with zipfile.ZipFile(built) as package:
        assert {(i.date_time, i.compress_type, i.create_system, i.external_attr) for i in package.infolist()} == \
            {((1980, 1, 1, 0, 0, 0), zipfile.ZIP_STORED, 0, 0o600 << 16)}


def test_the_shipped_add_in_is_the_build_of_these_sources(built):
    """After changing macros/, a worksheet function or the xlwings pin: ``python -m salesxl.addin regenerate``."""
    assert addin.SHIPPED_ADDIN.read_bytes() == built.read_bytes()
    assert set(GENERATED) == {"xlwings.bas", "Dictionary.cls"}
    for name, make in GENERATED.items():
        assert (MACROS / name).read_bytes() == make(), name


def test_built_package_has_our_ribbon_and_otherwise_xlwings_parts(built):
    assert addin.package_problems(built) == []
    with zipfile.ZipFile(built) as package:
        rels = ElementTree.fromstring(package.read("_rels/.rels"))
        ribbons = [(r.get("Type"), r.get("Target")) for r in rels if r.get("Type") in addin.RIBBON_RELATIONSHIPS]
        assert ribbons == [("http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
                            "customUI/customUI.xml")]
        assert package.read("customUI/customUI.xml") == addin.CUSTOM_UI.read_bytes()
        with zipfile.ZipFile(addin.xlwings_template()) as template:
            for name in template.namelist():
                if name not in ("_rels/.rels", "customUI/customUI.xml", addin.VBA_PART):
                    assert package.read(name) == template.read(name), name


def test_the_modules_the_fallback_replaces_are_in_xlwings_template():
    """``--via-excel`` removes xlwings' sample modules by name; they must be there to remove."""
    streams = ole_streams(vba_project_of(addin.xlwings_template()))
    assert {f"VBA/{name}" for name in addin.SAMPLE_MODULES} <= set(streams)


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


def test_the_fallback_needs_excel_and_writes_nothing(tmp_path):
    target = tmp_path / "salesxl.xlam"
    with pytest.raises(addin.NeedsExcel, match="VBA object model"):
        addin.build_via_excel(target, platform="linux")
    assert not target.exists()


def test_addin_build_on_the_command_line(tmp_path):
    result = runner.invoke(app, ["addin", "build", str(tmp_path / "x.xlam")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x.xlam").read_bytes() == addin.SHIPPED_ADDIN.read_bytes()


def test_info_shows_versions_and_where_settings_live():
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0
    assert f"xlwings {xlwings.__version__}" in result.output and "salesxl.conf" in result.output
