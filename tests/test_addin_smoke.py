"""``python -m salesxl.addin smoke`` on the in-memory double of xlwings: what can be tried without Excel.

The double stands for Excel: opening the add-in checks it as install does; a
press runs the Python that the add-in's ``SalesxlRibbon.RunButton`` hands to
``RunPython`` (taken from the built add-in's module text, the button id put
in); a function call is what xlwings' wrapper hands to Python.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import xlwings as xw
from oletools.olevba import VBA_Parser

from salesxl import addin, ribbon, udfs
from salesxl.addin import smoke

from .workbook.fake_xlwings import book_from_file


def run_python_of_run_button(path: Path) -> str:
    """The Python ``RunButton`` passes to ``RunPython``, with ``{}`` where the button id goes."""
    parser = VBA_Parser(str(path))
    try:
        text = next(code for _, _, name, code in parser.extract_macros() if name.startswith("SalesxlRibbon"))
    finally:
        parser.close()
    body = re.search(r"Sub RunButton\(buttonId As String\)\r\n\s*RunPython (\".*\")\r\nEnd Sub", text).group(1)
    parts = re.split(r' & buttonId & ', body)
    assert len(parts) == 2
    return parts[0][1:-1].replace('""', '"') + "{}" + parts[1][1:-1].replace('""', '"')


class FakeSession:
    def __init__(self, monkeypatch, wrong: str | None = None):
        self.monkeypatch, self.wrong, self.book, self.code = monkeypatch, wrong, None, None
        self.ran: list[str] = []

    def open_addin(self, path: Path) -> None:
        problems = addin.addin_problems(path)
        if problems:
            raise RuntimeError("; ".join(problems))
        self.code = run_python_of_run_button(path)

    def open_book(self, path: Path):
        self.book = book_from_file(path)
        self.monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: self.book))
        return self.book

    def run(self, macro: str, *args) -> None:
        assert macro == smoke.RUN_BUTTON
        self.ran.append(args[0])
        exec(self.code.format(args[0]), {})

    def status_bar(self) -> str:
        return str(self.book.app.status_bar or "")

    def formula_value(self, book, formula: str):
        name, column = re.fullmatch(r"=INDEX\((SALESXL_\w+)\(.*\),1,(\d)\)", formula).groups()
        value = getattr(udfs, name)(*smoke.UDF_EXAMPLES[name][1])
        value = value[0][int(column) - 1] if isinstance(value, list) else value
        return "#VALUE!" if name == self.wrong else value


def test_every_function_has_an_example_call():
    assert set(smoke.UDF_EXAMPLES) == {n for n in dir(udfs) if n.startswith("SALESXL_")}


def test_the_examples_give_the_values_the_docs_promise():
    # docs/getting-started/functions.md: ALLOCATE(100, {1;1;1}) -> 34, 33, 33; WORKDAYS("2026-02") -> 16; MONTH_TARGET(...) -> 311,975;
    # DAILY_SPLIT(309000, "2026-02", "CN", 0.01) -> 16 rows of 19,312.50; ATTAINMENT -> 112 %; TIER(100%) -> base;
    # PAYOUT(...) -> 3,240.
    values = {n: getattr(udfs, n)(*args) for n, (_, args) in smoke.UDF_EXAMPLES.items()}
    assert values["SALESXL_ALLOCATE"] == [[34.0], [33.0], [33.0]] and values["SALESXL_WORKDAYS"] == 16
    assert round(values["SALESXL_MONTH_TARGET"]) == 311975 and values["SALESXL_ATTAINMENT"] == pytest.approx(1.12)
    assert [row[1] for row in values["SALESXL_DAILY_SPLIT"]] == [19312.5] * 16
    assert values["SALESXL_TIER"] == "基础 base" and values["SALESXL_PAYOUT"] == pytest.approx(3240)


def test_smoke_presses_every_button_and_calls_every_function(monkeypatch, tmp_path, small_demo_file):
    """One run (every step is pressed once): the double computes every function right but SALESXL_TIER."""
    session = FakeSession(monkeypatch, wrong="SALESXL_TIER")
    checks = smoke.smoke(session, addin.SHIPPED_ADDIN, tmp_path, small_demo_file, say=lambda m: None)
    assert session.ran == list(ribbon.BUTTONS)
    assert [c.what for c in checks] == ["打开加载项 open the add-in"] + \
        [f"按钮 button {b.label}" for b in ribbon.BUTTONS.values()] + \
        [f"函数 function {n}" for n in sorted(smoke.UDF_EXAMPLES)]
    buttons = {c.what: c for c in checks if c.what.startswith("按钮")}
    assert buttons["按钮 button 检查 Check"].ok and buttons["按钮 button 月度目标 Target"].ok
    # A press passes exactly when the step's last status says Done, as the message box does.
    assert all(c.ok == ("完成 Done" in c.detail) for c in buttons.values())
    functions = {c.what.split()[-1]: c for c in checks if c.what.startswith("函数")}
    assert [n for n, c in functions.items() if not c.ok] == ["SALESXL_TIER"]
    assert functions["SALESXL_TIER"].detail == "Excel '#VALUE!', Python '基础 base'"
    text = smoke.table(checks)
    assert "FAIL  函数 function SALESXL_TIER" in text and \
        text.endswith(f"{sum(c.ok for c in checks)}/{len(checks)} passed")
    assert (tmp_path / f"smoke_{small_demo_file.name}").exists() and small_demo_file.exists()


def test_an_add_in_that_does_not_open_ends_the_run(monkeypatch, tmp_path, small_demo_file):
    checks = smoke.smoke(FakeSession(monkeypatch), addin.xlwings_template(), tmp_path, small_demo_file,
                         say=lambda m: None)
    assert len(checks) == 1 and not checks[0].ok and "not the salesxl add-in" in checks[0].detail


def test_main_exits_1_unless_everything_passed(monkeypatch, tmp_path, small_demo_file, capsys):
    code = smoke.main(["--workbook", str(small_demo_file), "--folder", str(tmp_path), "--addin",
                       str(addin.xlwings_template())], session_factory=lambda: FakeSession(monkeypatch))
    assert code == 1 and "FAIL  打开加载项 open the add-in" in capsys.readouterr().out
