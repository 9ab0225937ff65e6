"""``python -m salesxl.addin smoke``: the add-in, tried in a real Excel by a person with Windows and Excel.

What no test here can see (the readers of ``tests/test_addin.py`` parse the
VBA but none is Excel), this script checks on the planner's kind of machine:

1. it writes a fresh copy of the month-end demo workbook (nothing run on it);
2. it starts Excel through xlwings, opens the add-in (the shipped one, or
   ``--addin PATH``) — opening it makes Excel compile the VBA — and the copy;
3. it presses every ribbon button in the planner's order, through
   ``Application.Run`` of ``SalesxlRibbon.RunButton``, the macro the buttons'
   ``OnAction`` calls with its id. Each press shows its message box as a click
   would: **click OK** on each. A press passes when Excel's status bar then says
   ``完成 Done``;
4. it types every worksheet function into a sheet of its own and compares what
   Excel computes with what the Python function gives for the same arguments;
5. it prints a pass/fail table, leaves Excel open on the copy for a look, and
   exits 0 only if everything passed.

The steps talk to Excel only through :class:`Session`, so tests run the same
script on the in-memory double of xlwings.
"""

from __future__ import annotations

import argparse
import math
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol

RUN_BUTTON = "SalesxlRibbon.RunButton"
"""The macro every button's ``OnAction`` calls with the button's id."""

UDF_EXAMPLES: dict[str, tuple[str, tuple]] = {
    # function: (its arguments as typed in a cell, the same arguments as Excel hands them to Python)
    "SALESXL_ALLOCATE": ("100, {1;1;1}", (100.0, [[1.0], [1.0], [1.0]])),
    "SALESXL_WORKDAYS": ('"2026-02"', ("2026-02",)),
    "SALESXL_DAILY_SPLIT": ('309000, "2026-02", "CN", 0.01', (309000.0, "2026-02", "CN", 0.01)),
    "SALESXL_MONTH_TARGET": ("300000, {280000,250000,200000}, 10%, 15%, {40%,30%,20%,10%}",
                             (300000.0, [280000.0, 250000.0, 200000.0], 0.1, 0.15, [0.4, 0.3, 0.2, 0.1])),
    "SALESXL_ATTAINMENT": ("112000, 100000", (112000.0, 100000.0)),
    "SALESXL_TIER": ("100%", (1.0,)),
    "SALESXL_PAYOUT": ("112000, 100000, {100000,110000,120000}, {500,1000,2000}, {1%,2%,3%}",
                       (112000.0, 100000.0, [100000.0, 110000.0, 120000.0], [500.0, 1000.0, 2000.0],
                        [0.01, 0.02, 0.03])),
}
"""One call per worksheet function, the examples of docs/getting-started/functions.md; a test checks every
function has one."""


@dataclass(frozen=True)
class Check:
    what: str
    ok: bool
    detail: str


class Session(Protocol):
    """What the smoke test needs of Excel."""

    def open_addin(self, path: Path) -> None: ...
    def open_book(self, path: Path) -> Any: ...
    def run(self, macro: str, *args: Any) -> None: ...
    def status_bar(self) -> str: ...
    def formula_value(self, book: Any, formula: str) -> Any: ...


class ExcelSession:
    """A visible Excel through xlwings (Windows)."""

    def __init__(self) -> None:
        import xlwings as xw

        self.app = xw.App(visible=True, add_book=False)
        self.addin_name = None

    def open_addin(self, path: Path) -> None:
        self.addin_name = self.app.books.open(str(path)).name

    def open_book(self, path: Path):
        book = self.app.books.open(str(path))
        book.activate()
        return book

    def run(self, macro: str, *args: Any) -> None:
        self.app.api.Run(f"'{self.addin_name}'!{macro}", *args)

    def status_bar(self) -> str:
        return str(self.app.status_bar or "")

    def formula_value(self, book, formula: str) -> Any:
        sheet = book.sheets["smoke"] if "smoke" in [s.name for s in book.sheets] else book.sheets.add("smoke")
        sheet.range("A1").formula2 = formula
        self.app.calculate()
        return sheet.range("A1").value


def demo_copy(folder: Path) -> Path:
    """A fresh month-end demo workbook (no step run on it yet)."""
    from ..demo import month_end_demo_data
    from ..workbook.template import save_new_workbook

    path = folder / "salesxl_smoke.xlsx"
    save_new_workbook(path, *month_end_demo_data())
    return path


def press_every_button(session: Session) -> list[Check]:
    from ..ribbon import BUTTONS

    checks = []
    for control_id, button in BUTTONS.items():
        try:
            session.run(RUN_BUTTON, control_id)
        except Exception as exc:  # the macro did not run at all: VBA compile error, DLL, interpreter...
            checks.append(Check(f"按钮 button {button.label}", False, f"{type(exc).__name__}: {exc}"))
            continue
        status = session.status_bar()
        checks.append(Check(f"按钮 button {button.label}", "完成 Done" in status, status or "(empty status bar)"))
    return checks


def call_every_function(session: Session, book) -> list[Check]:
    from .. import udfs

    checks = []
    for name in sorted(n for n in dir(udfs) if n.startswith("SALESXL_")):
        if name not in UDF_EXAMPLES:
            checks.append(Check(f"函数 function {name}", False, "no example call in salesxl.addin.smoke"))
            continue
        typed, args = UDF_EXAMPLES[name]
        column = 2 if name == "SALESXL_DAILY_SPLIT" else 1  # its first column is the date
        value = getattr(udfs, name)(*args)
        expected = value[0][column - 1] if isinstance(value, list) else value
        try:
            got = session.formula_value(book, f"=INDEX({name}({typed}),1,{column})")
        except Exception as exc:
            checks.append(Check(f"函数 function {name}", False, f"{type(exc).__name__}: {exc}"))
            continue
        checks.append(Check(f"函数 function {name}", same(got, expected), f"Excel {got!r}, Python {expected!r}"))
    return checks


def same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def smoke(session: Session, addin: Path, folder: Path, workbook: Path | None = None,
          say: Callable[[str], None] = print) -> list[Check]:
    """Every check, in order, on a copy of ``workbook`` (default: a fresh month-end demo) in ``folder``.

    The add-in failing to open ends it early: nothing else could run.
    """
    if workbook is None:
        workbook = demo_copy(folder)
    else:
        workbook = Path(shutil.copyfile(workbook, folder / f"smoke_{Path(workbook).name}"))
    say(f"工作簿副本 workbook copy: {workbook}")
    try:
        session.open_addin(addin)
    except Exception as exc:
        return [Check("打开加载项 open the add-in", False, f"{type(exc).__name__}: {exc}")]
    checks = [Check("打开加载项 open the add-in", True, str(addin))]
    book = session.open_book(workbook)
    say("每个按钮都会弹出消息框：请点“确定”。Each button shows a message box: click OK.")
    checks += press_every_button(session)
    checks += call_every_function(session, book)
    return checks


def table(checks: list[Check]) -> str:
    width = max(len(c.what) for c in checks)
    lines = [f"{'PASS' if c.ok else 'FAIL'}  {c.what.ljust(width)}  {c.detail}" for c in checks]
    passed = sum(c.ok for c in checks)
    return "\n".join(lines + [f"{passed}/{len(checks)} passed"])


def main(argv: list[str], session_factory: Callable[[], Session] = ExcelSession) -> int:
    from .installer import SHIPPED_ADDIN

    parser = argparse.ArgumentParser(prog="python -m salesxl.addin smoke", description=__doc__.split("\n\n")[0])
    parser.add_argument("--addin", type=Path, default=SHIPPED_ADDIN, help="the add-in to try (default: the shipped one)")
    parser.add_argument("--workbook", type=Path, default=None,
                        help="a workbook to press the buttons on (a copy of it; default: a fresh month-end demo)")
    parser.add_argument("--folder", type=Path, default=None, help="where to write the copy (default: a temp folder)")
    options = parser.parse_args(argv)
    folder = options.folder or Path(tempfile.mkdtemp(prefix="salesxl-smoke-"))
    checks = smoke(session_factory(), options.addin, folder, options.workbook)
    print(table(checks))
    return 0 if all(c.ok for c in checks) else 1
