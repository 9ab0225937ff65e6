"""The add-in's VBA project: which modules, from which text, with which references.

The project (``salesxl``) holds, in this order:

* the document modules of the workbook and its sheet (``ThisWorkbook``,
  ``Sheet2``): just their attributes, named after the code names in the
  package's ``workbook.xml`` and sheet parts, as Excel stores them;
* ``Dictionary``: VBA-Dictionary, which xlwings' module uses on the Mac instead
  of ``Scripting.Dictionary`` (``macros/Dictionary.cls``, generated);
* ``xlwings``: xlwings' own add-in module of the pinned xlwings, with our
  project name and a UTF-8 settings reader (``macros/xlwings.bas``, generated,
  :func:`xlwings_vba` lists the edits);
* ``SalesxlRibbon``: the one ``OnAction`` callback (``macros/SalesxlRibbon.bas``);
* ``xlwings_udfs``: the wrappers of the worksheet functions of
  :mod:`salesxl.udfs`, the text xlwings' *Import Functions* writes
  (:func:`udf_wrappers`). It keeps xlwings' module name, so that if someone
  runs xlwings' ``ImportPythonUDFsToAddin`` later, it replaces this module
  instead of adding a second copy of every function.

Every file in ``macros/`` is exactly the text its module stream holds
(``Attribute VB_Name`` first, Windows line ends, code page 1252), so the check
"olevba reads back the sources" compares bytes. References: OLE Automation
(stdole) and the Office object library (``IRibbonControl``), as in the
project Excel wrote for xlwings' own add-in.
"""

from __future__ import annotations

import ast
import inspect
import io
import re
from pathlib import Path
from types import ModuleType

from ..vba.project import CLASS, DOCUMENT, PROCEDURAL, Module, Project, Reference

PROJECT = "salesxl"
PROJECT_ID = "{3759B128-9A36-4818-97DD-031AD5F4D447}"
"""The project's GUID (``ID=`` in the PROJECT stream): fixed, so every build is the same."""
CODE_PAGE = 1252
MACROS = Path(__file__).resolve().parent / "macros"
CUSTOM_UI = MACROS / "customUI.xml"
RIBBON_MODULE = "SalesxlRibbon"
UDF_MODULE = "salesxl.udfs"
UDF_VBA_MODULE = "xlwings_udfs"
"""The name xlwings' *Import Functions* gives the wrappers' module (``xlwings.udfs.import_udfs``)."""

REFERENCES = (
    Reference("stdole", r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb"
                        r"#OLE Automation"),
    Reference("Office", r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files"
                        r"\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library"),
)
"""As in xlwings' ``addin/xlwings.xlam`` (written by Excel): Excel finds a registered library by its GUID and version."""

DOCUMENT_BASES = {"workbook": "0{00020819-0000-0000-C000-000000000046}",
                  "worksheet": "0{00020820-0000-0000-C000-000000000046}"}
"""``VB_Base`` of a document module: the COM class of Excel's Workbook and Worksheet."""
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
"""``VB_Base`` Excel stores for a class module."""


# The generated sources (python -m salesxl.addin regenerate) ------------------------------------------------

def xlwings_dir() -> Path:
    import xlwings

    return Path(xlwings.__file__).resolve().parent


UTF8_CONFIG_READER = '''\
Function GetConfigFromFile(sFile As String, sName As String, Optional sValue As String) As Boolean
' salesxl: on Windows, read the settings file as UTF-8 (ADODB.Stream), the encoding `salesxl configure`
' writes, so a path such as C:\\Users\\<any name>\\... comes back as it was written; Input # would read it
' in the ANSI code page. On the Mac, xlwings' Input # loop as it was.

  Dim iFileNum As Long, lErrLast As Long
  Dim sVarName As String, sVarValue As String
  #If Not Mac Then
  Dim oStream As Object, sLines() As String, i As Long
  #End If

  ' assume false unless variable is found
  GetConfigFromFile = False

  ' open text file to read settings
  If FileExists(sFile) Then
    #If Mac Then
    iFileNum = FreeFile
    Open sFile For Input As iFileNum
      Do While Not EOF(iFileNum)
        Input #iFileNum, sVarName, sVarValue
        If LCase(sVarName) = LCase(sName) Then
          sValue = sVarValue
          GetConfigFromFile = True
          Exit Do
        End If
      Loop
    Close #iFileNum
    #Else
    Set oStream = CreateObject("ADODB.Stream")
    oStream.Type = 2 ' adTypeText
    oStream.Charset = "utf-8"
    oStream.Open
    oStream.LoadFromFile sFile
    sLines = Split(Replace(oStream.ReadText(-1), vbCrLf, vbLf), vbLf)
    oStream.Close
    For i = LBound(sLines) To UBound(sLines)
      If ParseConfigLine(sLines(i), sVarName, sVarValue) Then
        If LCase(sVarName) = LCase(sName) Then
          sValue = sVarValue
          GetConfigFromFile = True
          Exit For
        End If
      End If
    Next i
    #End If
  End If

End Function

Private Function ParseConfigLine(ByVal sLine As String, sVarName As String, sVarValue As String) As Boolean
' salesxl: one line "KEY","value" as Write # writes it (neither part holds a double quote).
  Dim iComma As Long
  ParseConfigLine = False
  sLine = Trim(sLine)
  iComma = InStr(sLine, \"\"\",\"\"\")
  If Left(sLine, 1) <> \"\"\"\" Or Right(sLine, 1) <> \"\"\"\" Or iComma = 0 Then Exit Function
  sVarName = Mid(sLine, 2, iComma - 2)
  sVarValue = Mid(sLine, iComma + 3, Len(sLine) - iComma - 3)
  ParseConfigLine = True
End Function
'''.replace("\n", "\r\n")


def xlwings_vba() -> bytes:
    """xlwings' add-in module (``xlwings_custom_addin.bas`` of the pinned xlwings) as the add-in carries it.

    Two edits, each made where the original text is found exactly once (an
    xlwings upgrade that moves them fails here, not in Excel):

    1. ``PROJECT_NAME = "salesxl"``: it names the settings file (``salesxl.conf``)
       and sheet, so salesxl never reads or changes another add-in's settings.
    2. ``GetConfigFromFile`` reads the settings file as UTF-8 on Windows
       (:data:`UTF8_CONFIG_READER`), with ``ParseConfigLine`` for its lines.
    """
    source = (xlwings_dir() / "xlwings_custom_addin.bas").read_bytes()
    patched, count = re.subn(rb'(Public Const PROJECT_NAME As String = )"[^"]*"',
                             rb'\1"' + PROJECT.encode() + rb'"', source)
    if count != 1:
        raise RuntimeError("xlwings_custom_addin.bas no longer declares PROJECT_NAME once")
    reader = re.compile(rb"Function GetConfigFromFile\(.*?\r\nEnd Function\r\n", re.S)
    if len(reader.findall(patched)) != 1:
        raise RuntimeError("xlwings_custom_addin.bas no longer has one GetConfigFromFile")
    return reader.sub(lambda _: UTF8_CONFIG_READER.encode("ascii"), patched)


def dictionary_class() -> bytes:
    """VBA-Dictionary (xlwings' ``addin/Dictionary.cls``) as a class module's stream holds it.

    An exported class starts with a ``VERSION 1.0 CLASS``/``BEGIN``/``END``
    header that the VBA editor reads on import; the stream instead carries the
    ``VB_Base``, ``VB_TemplateDerived`` and ``VB_Customizable`` attributes (as in
    the project Excel wrote for xlwings' ribbon add-in).
    """
    text = (xlwings_dir() / "addin" / "Dictionary.cls").read_bytes()
    header = re.match(rb"VERSION 1\.0 CLASS\r\nBEGIN\r\n.*?\r\nEND\r\n", text, re.S)
    if not header:
        raise RuntimeError("xlwings' Dictionary.cls no longer starts with the class header")
    text = text[header.end():]
    text = text.replace(b'Attribute VB_Name = "Dictionary"\r\n',
                        b'Attribute VB_Name = "Dictionary"\r\nAttribute VB_Base = "' + CLASS_BASE.encode() + b'"\r\n', 1)
    text = text.replace(b"Attribute VB_Exposed = True\r\n", b"Attribute VB_Exposed = True\r\n"
                        b"Attribute VB_TemplateDerived = False\r\nAttribute VB_Customizable = False\r\n", 1)
    return text


GENERATED = {"xlwings.bas": xlwings_vba, "Dictionary.cls": dictionary_class}
"""macros/ files made from the pinned xlwings; ``python -m salesxl.addin regenerate`` writes them."""


def regenerate() -> list[Path]:
    written = []
    for name, make in GENERATED.items():
        (MACROS / name).write_bytes(make())
        written.append(MACROS / name)
    return written


def vba_version(bas: bytes) -> str:
    """The ``XLWINGS_VERSION`` a VBA module was written for."""
    match = re.search(rb'XLWINGS_VERSION As String = "([^"]+)"', bas)
    if not match:
        raise ValueError("no XLWINGS_VERSION in the VBA module")
    return match.group(1).decode()


# The worksheet functions' wrappers ---------------------------------------------------------------------

def udf_wrappers(module: ModuleType | None = None, module_name: str = UDF_MODULE) -> bytes:
    """The ``xlwings_udfs`` module for ``module``'s worksheet functions, as xlwings' *Import Functions* writes it.

    xlwings writes it with ``xlwings.udfs.import_udfs`` and ``generate_vba_wrapper``
    (Windows only: that module imports pywin32), and the VBA editor imports the
    file with Windows line ends. This is the same text, written here from each
    function's signature and decorators (:func:`udf_specs`); a test runs
    xlwings' own ``generate_vba_wrapper`` on the same functions and compares.
    """
    from xlwings.utils import VBAWriter  # plain Python, importable everywhere

    if module is None:
        from .. import udfs as module
    out = io.StringIO()
    vba = VBAWriter(out)
    vba.writeln(f'Attribute VB_Name = "{UDF_VBA_MODULE}"')
    vba.writeln("'Autogenerated code by xlwings - changes will be lost with next import!")
    vba.writeln("""#Const App = "Microsoft Excel" 'Adjust when using outside of Excel""")
    for spec in udf_specs(module):
        write_wrapper(vba, module_name, spec)
    return out.getvalue().replace("\n", "\r\n").encode("ascii")


def udf_specs(module: ModuleType) -> list[dict]:
    """Each ``@xw.func`` of ``module`` as xlwings' ``__xlfunc__`` describes it (name, sub, args, wizard, volatile).

    Off Windows ``xw.func`` and ``xw.arg`` leave no trace on the function, so
    the decorators are read from the module's source: ``@xw.func(volatile=...,
    call_in_wizard=...)``, ``@xw.sub`` and ``@xw.arg(name, vba=...)``; the
    arguments and which are optional come from the signature. Functions come in
    ``dir()`` order, as xlwings takes them.
    """
    decorated = {}
    for node in ast.parse(inspect.getsource(module)).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        spec = None
        vba_args = {}
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call else decorator
            if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                    and target.value.id == "xw"):
                continue
            keywords = {k.arg: ast.literal_eval(k.value) for k in (call.keywords if call else [])
                        if k.arg in ("volatile", "call_in_wizard", "vba")}
            if target.attr in ("func", "sub", "script"):
                spec = {"sub": target.attr != "func", "volatile": keywords.get("volatile", False),
                        "call_in_wizard": keywords.get("call_in_wizard", True)}
            elif target.attr == "arg" and "vba" in keywords:
                vba_args[ast.literal_eval(call.args[0]).lstrip("*")] = keywords["vba"]
        if spec is not None:
            decorated[node.name] = (spec, vba_args)
    specs = []
    for name in sorted(decorated):
        spec, vba_args = decorated[name]
        args = []
        for parameter in inspect.signature(getattr(module, name)).parameters.values():
            if parameter.kind not in (parameter.POSITIONAL_OR_KEYWORD, parameter.VAR_POSITIONAL):
                raise ValueError(f"{name}: xlwings does not support UDFs with keyword arguments")
            arg = {"name": parameter.name, "vararg": parameter.kind == parameter.VAR_POSITIONAL,
                   "vba": "Nothing" if parameter.name == "caller" else vba_args.get(parameter.name)}
            if parameter.default is not parameter.empty:
                arg["optional"] = parameter.default
            args.append(arg)
        specs.append({"name": name, **spec, "args": args})
    return specs


def write_wrapper(vba, module_name: str, spec: dict) -> None:
    """One wrapper, line for line as ``xlwings.udfs.generate_vba_wrapper`` writes it for an add-in (``.xlam``)."""
    fname, kind = spec["name"], "Sub" if spec["sub"] else "Function"
    params, vararg, last = [], "", ""
    for arg in spec["args"]:
        if arg["vba"]:
            continue
        last = arg["name"]
        prefix = "Optional " if "optional" in arg else "ParamArray " if arg["vararg"] else ""
        if arg["vararg"] and "optional" not in arg:
            vararg = arg["name"]
        params.append(prefix + arg["name"] + ("()" if arg["vararg"] else ""))
    with vba.block(f"{kind} {fname}({', '.join(params)})"):
        if kind == "Function":
            if not spec["call_in_wizard"]:
                vba.writeln('If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then Exit Function')
            if spec["volatile"]:
                vba.writeln("Application.Volatile")
        if vararg:
            non_varargs = [a["vba"] or a["name"] for a in spec["args"] if not a["vararg"]]
            vba.writeln("Dim argsArray() As Variant")
            vba.writeln("argsArray = Array(%s)" % tuple({", ".join(non_varargs)}))
            vba.writeln(f"ReDim Preserve argsArray(0 to UBound({vararg}) - LBound({vararg}) + {len(non_varargs)})")
            vba.writeln(f"For k = LBound({vararg}) To UBound({vararg})")
            vba.writeln(f"argsArray({len(non_varargs)} + k - LBound({vararg})) = {last}(k)")
            vba.writeln("Next k")
            args_vba = "argsArray"
        else:
            args_vba = "Array(" + ", ".join(a["vba"] or a["name"] for a in spec["args"]) + ")"
        call = f'"{module_name}", "{fname}", {args_vba}'
        if kind == "Sub":
            with vba.block('#If App = "Microsoft Excel" Then'):
                vba.writeln(f"XLPy.CallUDF {call}, ActiveWorkbook, Application.Caller")
            with vba.block("#Else"):
                vba.writeln(f"XLPy.CallUDF {call}")
            vba.writeln("#End If")
        else:
            with vba.block('#If App = "Microsoft Excel" Then'):
                vba.writeln("If TypeOf Application.Caller Is Range Then On Error GoTo failed")
                vba.writeln(f"{fname} = XLPy.CallUDF({call}, ActiveWorkbook, Application.Caller)")
                vba.writeln("Exit " + kind)
            with vba.block("#Else"):
                vba.writeln(f"{fname} = XLPy.CallUDF({call})")
                vba.writeln("Exit " + kind)
            vba.writeln("#End If")
            vba.write_label("failed")
            vba.writeln(fname + " = Err.Description")
    vba.writeln("End " + kind)
    vba.writeln("")


# The project ------------------------------------------------------------------------------------------------

def document_module(name: str, base: str) -> bytes:
    """A document module with no code: only the attributes Excel stores for it."""
    return (f'Attribute VB_Name = "{name}"\r\nAttribute VB_Base = "{base}"\r\n'
            "Attribute VB_GlobalNameSpace = False\r\nAttribute VB_Creatable = False\r\n"
            "Attribute VB_PredeclaredId = True\r\nAttribute VB_Exposed = True\r\n"
            "Attribute VB_TemplateDerived = False\r\nAttribute VB_Customizable = True\r\n").encode("ascii")


def module_name(source: bytes) -> str:
    match = re.match(rb'Attribute VB_Name = "([A-Za-z][A-Za-z0-9_]*)"\r\n', source)
    if not match:
        raise ValueError('a module must start with Attribute VB_Name = "<name>" and a Windows line end')
    return match.group(1).decode()


def source_module(path: Path, kind: str) -> Module:
    source = path.read_bytes()
    try:
        source.decode(f"cp{CODE_PAGE}")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path.name} is not text in code page {CODE_PAGE} (byte {exc.start})") from None
    if b"\n" in source.replace(b"\r\n", b""):
        raise ValueError(f"{path.name} must have Windows line ends (CR LF) throughout")
    return Module(module_name(source), source, kind)


def addin_project(code_names: dict[str, str]) -> Project:
    """The add-in's project for a package whose document code names are ``code_names`` (name -> workbook/worksheet)."""
    documents = tuple(Module(name, document_module(name, DOCUMENT_BASES[kind]), DOCUMENT)
                      for name, kind in code_names.items())
    modules = documents + (
        source_module(MACROS / "Dictionary.cls", CLASS),
        source_module(MACROS / "xlwings.bas", PROCEDURAL),
        source_module(MACROS / f"{RIBBON_MODULE}.bas", PROCEDURAL),
        Module(UDF_VBA_MODULE, udf_wrappers(), PROCEDURAL),
    )
    return Project(PROJECT, modules, REFERENCES, PROJECT_ID, CODE_PAGE)
