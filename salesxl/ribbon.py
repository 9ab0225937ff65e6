"""The ribbon: each salesxl button runs, on the workbook open in Excel, the step the CLI runs.

Every button of ``salesxl/addin/macros/customUI.xml`` calls the one VBA callback
``SalesxlRibbon.OnAction``, which runs ``salesxl.ribbon.dispatch(<button id>)``
through xlwings' ``RunPython``. :data:`BUTTONS` maps each id to its step with an
explicit dict — never ``getattr`` on what Excel sends — so adding a step is one
``<button>`` in customUI.xml and one entry here. Tests check that the XML, the
VBA and this dict agree, and that each step has its twin command in the CLI.

A press reads the calling workbook through the live backend, runs the step with
its progress in Excel's status bar (reading each sheet with its rows, computing,
writing each sheet with its cells), then shows the outcome where a planner
looks: the status bar, a message box, the step's main sheet, and — when there
are problems — the ``问题 Problems`` sheet, each problem a link to its cell.
Esc stops a step at the next phase boundary before anything is written
(:mod:`salesxl.workbook.escape`); the workbook is then exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import xlwings as xw

from . import api
from .api import ProblemsFound, StepResult, by_severity, render
from .reports.problems import problems_sheet
from .steps import WRITING
from .workbook.escape import Cancelled, EscapeWatch
from .workbook.livebook import LiveWorkbook
from .workbook.contract.base import PROBLEMS
from .workbook.pdf import excel_pdf

MESSAGE_LIMIT = 900
"""Excel's message box shows about 1,024 characters; the rest is on the Problems sheet."""
CANCELLED = "已取消，工作簿未修改 Cancelled; the workbook was not changed"
CAN_CANCEL = " · Esc 取消 cancel"


@dataclass(frozen=True)
class Button:
    """One ribbon button.

    Attributes:
        label: as on the ribbon, ``检查 Check``.
        step: the step function, ``step(book, progress) -> StepResult``.
        cli: the ``salesxl`` command that runs the same step on a file.
        reads_inputs: the step checks the input sheets, so its outcome refreshes the Problems sheet.
        options: the step's keyword options, from the xlwings Book (what the CLI takes as ``--options``).
    """

    label: str
    step: Callable[..., StepResult]
    cli: str
    reads_inputs: bool = True
    options: Callable[[Any], dict[str, Any]] | None = None


PDF_FOLDER = "{stem} 军令状 PDF"
"""Commitments pressed in Excel: the per-rep PDFs go in this folder beside the workbook."""


def pdf_beside_workbook(book) -> dict[str, Any]:
    """``pdf_dir`` = ``<workbook folder>/<workbook name> 军令状 PDF`` for a saved workbook; nothing for a new one.

    The ribbon has no place to type ``--pdf DIR``, so the folder is fixed and
    next to the file the planner knows. A workbook never saved (``Book1``) has no
    folder: only the sheet is written, which Excel prints or exports as it is.
    The PDFs are Excel's own export (``pdf_converter``), so no LibreOffice is needed.
    """
    path = Path(str(getattr(book, "fullname", "") or ""))
    if not path.is_absolute() or not path.parent.is_dir():
        return {}
    return {"pdf_dir": path.parent / PDF_FOLDER.format(stem=path.stem), "pdf_converter": excel_pdf(book.app)}


REP_FILES_FOLDER = "{stem} 业务员文件 Rep files"
RETURNED_FOLDER = "{stem} 收回 Returned"
"""Issue to reps and Collect pressed in Excel: the reps' files go to, and come back from, these folders
beside the workbook (the ribbon has no place to type a folder)."""


def beside_workbook(book, folder: str) -> Path | None:
    path = Path(str(getattr(book, "fullname", "") or ""))
    if not path.is_absolute() or not path.parent.is_dir():
        return None
    return path.parent / folder.format(stem=path.stem)


def rep_files_beside_workbook(book) -> dict[str, Any]:
    """``outdir`` = ``<workbook folder>/<name> 业务员文件 Rep files``; nothing for a workbook never saved."""
    folder = beside_workbook(book, REP_FILES_FOLDER)
    return {} if folder is None else {"outdir": folder}


def returned_beside_workbook(book) -> dict[str, Any]:
    """``files`` = the ``<name> 收回 Returned`` folder beside the workbook (made when missing, so the
    planner sees where the returned files go)."""
    folder = beside_workbook(book, RETURNED_FOLDER)
    if folder is None:
        return {}
    folder.mkdir(exist_ok=True)
    return {"files": [folder]}


BUTTONS: dict[str, Button] = {
    "init": Button("添加输入表 Add input sheets", api.init, cli="init"),
    "check": Button("检查 Check", api.check, cli="check"),
    "target": Button("月度目标 Target", api.target, cli="target"),
    "backtest": Button("回测 Backtest", api.backtest, cli="backtest"),
    "breakdown": Button("分解 Breakdown", api.breakdown, cli="breakdown"),
    "issueDraft": Button("下发草案 Issue draft", api.issue_draft, cli="issue-draft"),
    "agree": Button("确认目标 Agree", api.agree, cli="agree"),
    "commitments": Button("军令状 Commitments", api.commitments, cli="commitments", options=pdf_beside_workbook),
    "expenses": Button("费用预算 Expenses", api.expenses, cli="expenses"),
    "expenseReview": Button("费用审核 Expense review", api.expenses_review, cli="expenses-review"),
    "issueFiles": Button("下发到业务员 Issue to reps", api.issue_files, cli="issue-files", options=rep_files_beside_workbook),
    "collect": Button("收回 Collect", api.collect, cli="collect", options=returned_beside_workbook),
    "track": Button("进度跟踪 Track", api.track, cli="track"),
    "weekly": Button("周例会 Weekly", api.weekly, cli="weekly"),
    "followups": Button("跟进计划 Follow-ups", api.followups, cli="followups"),
    "close": Button("月末考核 Close", api.close, cli="close"),
    "dashboard": Button("总览 Dashboard", api.dashboard, cli="dashboard"),
    "help": Button("帮助 Help", api.about, cli="info", reads_inputs=False),
}
"""Ribbon button id (customUI.xml) -> what it runs, in the planner's order."""


def dispatch(control_id: str) -> None:
    """Called by the VBA callback with the id of the pressed button."""
    book = xw.Book.caller()
    button = BUTTONS.get(control_id)
    if button is None:
        book.app.alert(f"未知按钮“{control_id}”：请更新 salesxl 加载项。\n"
                       f"Unknown button '{control_id}': the add-in and salesxl are out of step; "
                       "update both (see docs/getting-started/excel.md, 'Upgrading').", title="salesxl", mode="critical")
        return
    press(book, button)


def press(book, button: Button) -> StepResult:
    """Run ``button``'s step on ``book`` (an xlwings Book) and show the outcome.

    Until the step starts writing, each progress message is a phase boundary where Esc stops it.
    """
    app = book.app
    writing = False

    with EscapeWatch(app.hwnd) as escape:
        def progress(message: str) -> None:
            nonlocal writing
            if not writing:
                escape.check()
                writing = message == WRITING
            app.status_bar = f"salesxl {button.label}: {message}" + ("" if writing else CAN_CANCEL)

        live = LiveWorkbook(book, progress)
        try:
            result = button.step(live, progress, **(button.options(book) if button.options else {}))
        except Cancelled:
            app.status_bar = f"salesxl {button.label}: {CANCELLED}"
            return StepResult(summary=CANCELLED)
        except ProblemsFound as found:
            result = StepResult(found.problems)
        except Exception:
            app.status_bar = False  # give the status bar back; xlwings shows the traceback
            raise
    live.progress = lambda message: setattr(app, "status_bar", f"salesxl {button.label}: {message}")
    show(book, live, button, result)
    return result


def show(book, live: LiveWorkbook, button: Button, result: StepResult) -> None:
    """Status bar, message box, and the Problems sheet when the step looked at the inputs."""
    app = book.app
    names = live.sheet_names()
    listed = False
    if button.reads_inputs and (result.problems or PROBLEMS.name in names):
        try:
            live.write_sheets([problems_sheet(result.problems, names, button.label)])
            listed = True
        except ProblemsFound:  # a protected workbook takes no Problems sheet either: the message box says why
            pass
    if not result.ok:
        if listed:
            book.sheets[PROBLEMS.name].activate()
    else:
        land(book, result.written)
    app.status_bar = f"salesxl {button.label}: {headline(result)}"
    app.alert(message(result, listed), title=f"salesxl · {button.label}", mode="info" if result.ok else "critical")


def land(book, written: list[str]) -> None:
    """Show the step's main sheet (the first it wrote that is not hidden), where the planner reads on."""
    shown = [s for s in book.sheets if s.name in written and s.visible]
    first = min(shown, key=lambda s: written.index(s.name), default=None)
    if first is not None:
        first.activate()


def headline(result: StepResult) -> str:
    counts = {s: sum(p.severity == s for p in result.problems) for s in ("error", "warning", "notice")}
    if not result.ok:
        return f"{counts['error']} 个错误，工作簿未修改 errors; the workbook was not changed"
    extra = f" · {counts['warning']} 个警告 warnings · {counts['notice']} 条提示 notices" if result.problems else ""
    return "完成 Done" + extra


def message(result: StepResult, listed: bool = True) -> str:
    """The message box text: the outcome, then the problems (errors first) as far as they fit, and where the rest
    are when they are ``listed`` on the Problems sheet."""
    lines = [headline(result)]
    if result.summary:
        lines.append(result.summary)
    lines += [f"已写入 wrote: {name}" for name in result.written]
    ordered = by_severity(result.problems)
    shown = 0
    for p in ordered:
        line = render(p)
        if sum(len(x) + 1 for x in lines) + len(line) > MESSAGE_LIMIT:
            break
        lines.append(line)
        shown += 1
    if shown < len(ordered):
        lines.append(f"… 另有 {len(ordered) - shown} 条 {len(ordered) - shown} more")
    if ordered and listed:
        lines.append(f"全部问题见“{PROBLEMS.name}”表 All problems are on the sheet '{PROBLEMS.name}'.")
    return "\n".join(lines)
