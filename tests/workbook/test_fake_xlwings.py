"""The xlwings double cannot invent a call: its engine has only members xlwings' Windows engine has.

The double (``fake_xlwings``, its engine in ``fake_xlwings/engine.py``) is an xlwings *engine*: tests hold xlwings' own ``Book``, ``Sheet``,
``Range``..., which call the engine. Here every public member of each engine class is looked up
in the installed xlwings' Windows engine (``xlwings/_xlwindows.py``, read as source: it imports
pywin32) or, where the Windows engine inherits it, in ``xlwings.base_classes`` with a body that
does something: the member must be there, be a property exactly where it is one (settable exactly
where it is settable), and take the same parameters with the same defaults. So a test that passes
on the double makes only calls Excel's engine answers.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from pathlib import Path

import pytest
import xlwings
from xlwings import base_classes

from . import fake_xlwings as fake

WINDOWS = Path(xlwings.__file__).with_name("_xlwindows.py")
PUBLIC_DUNDERS = {"__call__", "__len__", "__iter__", "__getitem__", "__contains__"}


def described(function: ast.FunctionDef) -> tuple:
    """``("method", [(name, kind, default source)...])`` of a function as the AST has it."""
    args = function.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    params = [(a.arg, "positional", ast.unparse(d) if d is not None else None) for a, d in zip(positional, defaults)]
    if args.vararg:
        params.append(("*" + args.vararg.arg, "var", None))
    params += [(a.arg, "keyword", ast.unparse(d) if d is not None else None)
               for a, d in zip(args.kwonlyargs, args.kw_defaults)]
    return "method", params


def windows_members() -> dict[str, dict[str, tuple]]:
    """Class -> member -> ``("property", settable)`` or ``("method", params)``, inheritance within the
    Windows engine followed (``Tables(Collection, base_classes.Tables)`` has ``Collection``'s members)."""
    tree = ast.parse(WINDOWS.read_text(encoding="utf-8"))
    own, bases = {}, {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        members = {}
        for item in node.body:
            if isinstance(item, ast.FunctionDef):
                decorators = [ast.unparse(d) for d in item.decorator_list]
                if "property" in decorators:
                    members[item.name] = ("property", False)
                elif any(d.endswith(".setter") for d in decorators):
                    members[item.name] = ("property", True)
                elif "staticmethod" in decorators:
                    kind, params = described(item)
                    members[item.name] = (kind, [("self", "positional", None)] + params)
                else:
                    members[item.name] = described(item)
            elif isinstance(item, ast.Assign):  # ``api = xl``: an alias of a property
                for target in item.targets:
                    if isinstance(target, ast.Name) and isinstance(item.value, ast.Name) and item.value.id in members:
                        members[target.id] = members[item.value.id]
        own[node.name] = members
        bases[node.name] = [ast.unparse(b) for b in node.bases]

    def resolved(name: str) -> dict[str, tuple]:
        members = {}
        for base in reversed(bases.get(name, [])):
            if base in own:
                members.update(resolved(base))
        members.update(own[name])
        return members
    return {name: resolved(name) for name in own}


def base_member(cls_name: str, member: str) -> tuple | None:
    """A member the Windows engine inherits from ``xlwings.base_classes`` with a working body."""
    base = getattr(base_classes, cls_name, None)
    attr = inspect.getattr_static(base, member, None) if base is not None else None
    if attr is None:
        return None
    function = attr.fget if isinstance(attr, property) else attr
    source = textwrap.dedent(inspect.getsource(function))
    if "NotImplementedError" in source:
        return None
    if isinstance(attr, property):
        return "property", attr.fset is not None
    return described(ast.parse(source).body[0])


def fake_described(attr) -> tuple:
    if isinstance(attr, property):
        return "property", attr.fset is not None
    function = attr.__func__ if isinstance(attr, staticmethod) else attr
    params = []
    for p in inspect.signature(function).parameters.values():
        if p.kind == p.VAR_POSITIONAL:
            params.append(("*" + p.name, "var", None))
            continue
        kind = "keyword" if p.kind == p.KEYWORD_ONLY else "positional"
        if p.default is inspect.Parameter.empty:
            default = None
        elif p.default is base_classes._UNSET:
            default = "base_classes._UNSET"
        else:
            default = repr(p.default)
        params.append((p.name, kind, default))
    if isinstance(attr, staticmethod):
        params = [("self", "positional", None)] + params
    return "method", params


ENGINE = [cls for cls in vars(fake.engine).values()
          if isinstance(cls, type) and cls.__module__ == fake.engine.__name__
          and (cls is fake.Engine or any(b.__module__ == base_classes.__name__ for b in cls.__mro__[1:]))]


def test_the_double_covers_the_engine_classes_salesxl_reaches():
    assert {c.__name__ for c in ENGINE} >= {"Engine", "Apps", "App", "Book", "Sheets", "Sheet", "Range", "Font",
                                            "Names", "Name", "Tables", "Table", "Charts", "Chart", "ChartSeries",
                                            "ChartAxis", "ChartLegend", "ConditionalFormats", "PageSetup"}


@pytest.mark.parametrize("cls", ENGINE, ids=lambda c: c.__name__)
def test_every_member_of_the_double_is_one_the_windows_engine_has(cls):
    windows = windows_members()
    assert cls.__name__ in windows, f"the Windows engine has no class {cls.__name__}"
    for name, attr in vars(cls).items():
        if (name.startswith("_") and name not in PUBLIC_DUNDERS) or name == "__init__":
            continue
        if not (isinstance(attr, (property, staticmethod)) or inspect.isfunction(attr)):
            continue  # the double's own state, e.g. an attribute set in __init__
        expected = windows[cls.__name__].get(name) or base_member(cls.__name__, name)
        assert expected is not None, f"{cls.__name__}.{name}: the Windows engine has no such member"
        found = fake_described(attr)
        if expected[0] == "property":  # read-only where Excel could set it is stricter, so allowed
            assert found[0] == "property" and (not found[1] or expected[1]), \
                f"{cls.__name__}.{name}: {found} where the Windows engine has {expected}"
        else:
            assert found[0] == "method", f"{cls.__name__}.{name} is a method in the Windows engine"
            assert found[1] == expected[1], f"{cls.__name__}.{name}{found[1]} differs from {expected[1]}"


def test_the_check_itself_catches_an_invented_member():
    """A member the Windows engine lacks (freeze panes: only xlwings Server and Lite have it) is caught."""
    windows = windows_members()
    assert "freeze_panes" not in windows["Sheet"] and base_member("Sheet", "freeze_panes") is None
    assert windows["Sheets"]["add"] == ("method", [("self", "positional", None), ("before", "positional", "None"),
                                                   ("after", "positional", "None"), ("name", "positional", "None")])


def test_com_doubles_answer_only_their_members():
    book = fake.new_book()
    sheet = book.sheets.add(name="s")
    with pytest.raises(AttributeError, match="PrintQuality"):
        sheet.page_setup.api.PrintQuality = 600
    with pytest.raises(AttributeError, match="Orientaton"):
        sheet.api.PageSetup.Orientaton = 2
    with pytest.raises(ValueError):
        sheet.api.PageSetup.Orientation = "landscape"  # COM takes xlLandscape (2)
    with pytest.raises(AttributeError):
        book.api.Windows(1).FreezePane = True
    with pytest.raises(AttributeError):
        book.app.api.Calculate()
    sheet.api.PageSetup.Orientation = 2
    assert sheet.page_setup.api.Orientation == 2


def test_xlwings_itself_refuses_what_it_does_not_have():
    book = fake.new_book()
    sheet = book.sheets.add(name="s")
    font = sheet.range("A1").font
    font.underline = True  # xlwings' Font has no underline: Python keeps the attribute, Excel sees nothing
    assert not hasattr(xlwings.main.Font, "underline") and (1, 1) not in fake.cells(sheet)
    with pytest.raises(ValueError):
        sheet.range("A1:A3").conditional_formats.add_custom("AND(A1>1)")  # a formula starts with '='
    with pytest.raises(NotImplementedError):
        sheet.freeze_panes.freeze_at("A2")  # only xlwings Server and Lite freeze panes
