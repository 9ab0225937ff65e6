"""The ``salesxl`` command: every planning step on a workbook file, no Excel needed.

Each command opens the file, calls one step from :mod:`salesxl.steps`, and
prints the result. Exit codes:

* 0 — done (warnings and notices may have been printed);
* 1 — the workbook has errors; they are listed with sheet, row and column, and
  the file was not changed (``addin install``/``uninstall``: the add-in, a folder
  or a running Excel is in the way, said how; nothing was written);
* 2 — the command line itself was wrong (unknown option, missing argument);
* 3 — salesxl failed unexpectedly; rerun with ``--debug`` to see the traceback;
* 4 — the command needs Excel (``addin build``/``install``, ``configure`` on a
  machine without it); the message says what it would have done.
"""

from __future__ import annotations

import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from . import addin, api
from .api import FileWorkbook, ProblemsFound, StepResult, by_severity
from .core.backtest import LOSSES, MIN_MONTHS
from .demo import DEMO_SEED, agree_signed_demo, demo_workbook_data, fill_demo_feedback, month_end_demo_data
from .problems import SEVERITY_LABEL
from .steps.target import parse_month
from .workbook.template import SHIPPED_DEMO, save_new_workbook

app = typer.Typer(
    help="salesxl — monthly sales targets in your own workbook 月度销售目标.\n\n"
         "Steps: init 添加输入表 · check 检查 · target 月度目标 · backtest 回测 · breakdown 正式下达 · issue-draft 下发草案 · "
         "agree 确认目标 · commitments 军令状 · expenses 费用预算 · expenses-review 费用审核 · "
         "issue-files 下发到业务员 · collect 收回 · track 进度跟踪 · weekly 周例会 · followups 跟进计划 · "
         "close 月末考核 · dashboard 总览.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)
console = Console(stderr=True)
out = Console()
state = {"debug": False, "force": False}

DEFAULT_DEMO = Path("salesxl_demo.xlsx")
DEFAULT_MONTH_END_DEMO = Path("salesxl_demo_month_end.xlsx")

DEMO_STEPS = [api.target, api.backtest, api.breakdown, api.issue_draft, fill_demo_feedback, api.agree, api.commitments,
              api.expenses, api.expenses_review, api.track, api.weekly, api.followups, api.dashboard]
"""Steps ``salesxl demo`` runs after writing the demo workbook, in the planner's order."""

MONTH_END_DEMO_STEPS = [api.target, api.backtest, api.breakdown, api.issue_draft, fill_demo_feedback,
                        agree_signed_demo, api.commitments, api.expenses, api.expenses_review, api.track, api.weekly,
                        api.followups, api.close, api.dashboard]
"""Steps ``salesxl demo --month-end`` runs: the release, the agreement round (signed by all reps but one), the
budget, then the close; at month end every step runs, so this one workbook holds every output sheet (tracking
as of the last day) but the Collection Log: the demo sends no files to the reps."""


@app.callback()
def main(debug: bool = typer.Option(False, "--debug", help="Show the Python traceback on unexpected errors."),
         force: bool = typer.Option(False, "--force", help="Write even a workbook saved as read-only recommended "
                                                           "or with a password to modify.")):
    state["debug"] = debug
    state["force"] = force


def open_workbook(path: Path) -> FileWorkbook:
    """The workbook file a command works on (``--force`` lets it write a read-only-recommended one)."""
    return FileWorkbook(path, force=state["force"])


def print_problems(result: StepResult, limit: int = 200) -> None:
    if not result.problems:
        return
    table = Table(title="问题 Problems", show_lines=False)
    for heading in ("位置 Where", "列 Column", "级别 Level", "说明 Message"):
        table.add_column(heading, overflow="fold")
    ordered = by_severity(result.problems)
    for p in ordered[:limit]:
        table.add_row(p.cell or "—", p.header or p.column or "", SEVERITY_LABEL[p.severity],
                      f"{p.message_zh}\n{p.message_en}")
    console.print(table)
    if len(ordered) > limit:
        console.print(f"… {len(ordered) - limit} more 另有 {len(ordered) - limit} 条")


def run(action) -> StepResult:
    """Run one step with progress shown, turning failures into exit codes."""
    try:
        with console.status("salesxl …") as status:
            result = action(lambda message: status.update(message))
    except ProblemsFound as found:
        result = StepResult(found.problems)
    except Exception as exc:  # unexpected: a bug, not the planner's mistake
        if state["debug"]:
            raise
        console.print(f"[red]salesxl failed unexpectedly 意外错误: {exc!r}[/red]\nRerun with --debug for details.")
        raise typer.Exit(3)
    print_problems(result)
    if not result.ok:
        console.print("[red]有错误，工作簿未修改 Errors found; the workbook was not changed.[/red]")
        raise typer.Exit(1)
    return result


def report(result: StepResult) -> None:
    if result.summary:
        out.print(result.summary)
    for name in result.written:
        out.print(f"已写入 wrote: {name}")
    for p in result.problems:  # rows over Excel's limit went to a Parquet file beside the workbook
        if p.code == "rows-to-parquet":
            out.print(f"已另存 Parquet: {p.message_en}")


@app.command()
def new(path: Path = typer.Argument(..., help="Where to write the blank template (.xlsx or .xlsm).")):
    """新建 New: write a blank template workbook with every input sheet."""
    if path.exists():
        console.print(f"[red]{path} 已存在 already exists; choose another name.[/red]")
        raise typer.Exit(1)
    save_new_workbook(path)
    out.print(f"已创建 created: {path}")


@app.command()
def init(workbook: Path = typer.Argument(..., help="Your own workbook (.xlsx or .xlsm).")):
    """添加输入表 Add input sheets: the input sheets your workbook lacks, as the template has them; nothing else changes."""
    report(run(lambda progress: api.init(FileWorkbook(workbook), progress)))


@app.command()
def demo(path: Path = typer.Argument(DEFAULT_DEMO, help="Where to write the demo workbook."),
         seed: int = typer.Option(DEMO_SEED, help="Seed of the demo data generator (another seed, another company)."),
         month_end: bool = typer.Option(False, "--month-end",
                                        help="The demo at the end of the plan month (the whole month's sales, "
                                             f"default file {DEFAULT_MONTH_END_DEMO}): release it and close it.")):
    """演示 Demo: write the demo workbook, then run every step on it."""
    if month_end and path == DEFAULT_DEMO:
        path = DEFAULT_MONTH_END_DEMO

    def action(progress):
        if month_end:
            progress("生成月末演示数据 Generating the month-end demo data")
            save_new_workbook(path, *month_end_demo_data(seed=seed))
        elif seed == DEMO_SEED and SHIPPED_DEMO.exists():
            progress("复制演示工作簿 Copying the demo workbook")
            shutil.copyfile(SHIPPED_DEMO, path)
        else:
            progress("生成演示数据 Generating demo data")
            save_new_workbook(path, *demo_workbook_data(seed=seed))
        book = FileWorkbook(path)
        result = api.check(book, progress)
        for step in (MONTH_END_DEMO_STEPS if month_end else DEMO_STEPS):
            if not result.ok:
                break
            following = step(book, progress)
            result = StepResult(result.problems + following.problems, result.written + following.written,
                                      following.summary or result.summary)
        return result
    report(run(action))
    out.print(f"演示工作簿 demo workbook: {path}")


def plan_month_option(value: Optional[str]):
    """``--month 2026-12`` as a month; a month that cannot be read is a command-line error (exit 2)."""
    if value is None:
        return None
    month = parse_month(value)
    if month is None:
        raise typer.BadParameter(f"'{value}': 请写成 2026-12 / write the month as YYYY-MM, e.g. 2026-12")
    return month


def month_option(help: str):
    """``--month YYYY-MM``, declared once: read as the Settings sheet's plan month is; ``help`` says what the
    command does with it."""
    return Annotated[Optional[str], typer.Option("--month", callback=plan_month_option, metavar="YYYY-MM", help=help)]


AS_OF_HELP = "The day to report as of (YYYY-MM-DD), its sales included; default: the last day with data."


def as_of_option(help: str = AS_OF_HELP):
    """``--as-of YYYY-MM-DD``, declared once; ``help`` says what the day means to the command."""
    return Annotated[Optional[datetime], typer.Option("--as-of", formats=["%Y-%m-%d"], help=help)]


PlanMonth = month_option("Plan this month instead of the Settings sheet's plan month.")
CloseMonth = month_option("Close this month instead of the Settings sheet's plan month.")
ReleaseMonth = month_option("Release this month instead of the Settings sheet's plan month.")
AsOf = as_of_option()
ReviewAsOf = as_of_option("Date the time elapsed is measured to (default: the log's latest date in the month).")


@app.command()
def target(workbook: Path = typer.Argument(..., help="The workbook to plan in."),
           month: PlanMonth = None):
    """月度目标 Month target: the month's draft target from four factors, and its structure by role, SKU and region."""
    report(run(lambda progress: api.target(open_workbook(workbook), progress, month=month)))




@app.command()
def check(workbook: Path = typer.Argument(..., help="The workbook to check.")):
    """检查 Check inputs: list every problem with sheet, row and column."""
    result = run(lambda progress: api.check(open_workbook(workbook), progress))
    report(result)
    out.print(verdict(result))


def verdict(result: StepResult) -> str:
    """What ``check`` concludes when nothing stops a step: fine, or usable with so many warnings and notices."""
    if not result.problems:
        return "输入无误 Inputs are fine."
    counts = {s: sum(p.severity == s for p in result.problems) for s in ("warning", "notice")}
    zh = "，".join(f"{n} 条{'警告' if s == 'warning' else '提示'}" for s, n in counts.items() if n)
    en = ", ".join(f"{n} {s}{'s' if n > 1 else ''}" for s, n in counts.items() if n)
    return f"输入可用：{zh}，见问题表 Inputs usable: {en}, listed in the Problems table."


@app.command()
def expenses(workbook: Path = typer.Argument(..., help="The workbook, with Rep Targets from the breakdown.")):
    """费用预算 Expenses: budget each expense category headquarters → region → rep, issued with the targets."""
    report(run(lambda progress: api.expenses(open_workbook(workbook), progress)))


@app.command("expenses-review")
def expenses_review(
        workbook: Path = typer.Argument(..., help="The workbook, with the Expense Budget and the Expense Requests."),
        as_of: ReviewAsOf = None):
    """费用审核 Expense review: check requests, approvals and verification; write the Expense Ledger."""
    report(run(lambda progress: api.expenses_review(open_workbook(workbook), progress, as_of=as_of)))


def loss_option(value: Optional[str]):
    """``--loss mape|base_hit``; anything else is a command-line error (exit 2)."""
    if value is not None and value not in LOSSES:
        raise typer.BadParameter(f"'{value}': 请选择 choose {' / '.join(LOSSES)}")
    return value


@app.command()
def backtest(workbook: Path = typer.Argument(..., help="The workbook whose history to replay."),
             months: Optional[int] = typer.Option(None, "--months", min=MIN_MONTHS, metavar="N",
                                                  help="Replay the N months before the plan month "
                                                       "(default: Settings' backtest months, 24)."),
             loss: Optional[str] = typer.Option(None, "--loss", callback=loss_option, metavar="|".join(LOSSES),
                                                help="Rank weights by mape (mean absolute % error, the default) "
                                                     "or base_hit (share of reps reaching base closest to "
                                                     "70%-90%).")):
    """回测 Backtest: replay the month target over past months, score it, and suggest weights (never applied)."""
    report(run(lambda progress: api.backtest(open_workbook(workbook), progress, months=months, loss=loss)))



@app.command("close")
def close_command(workbook: Path = typer.Argument(..., help="The workbook to close the month in."),
                  month: CloseMonth = None):
    """月末考核 Close: attainment, tier, reward, penalty and rank per rep on the Performance sheet."""
    report(run(lambda progress: api.close(open_workbook(workbook), progress, month=month)))



# The Excel add-in ------------------------------------------------------------------------------------

addin_app = typer.Typer(help="The Excel add-in 加载项: build it, install it into Excel.", no_args_is_help=True)
app.add_typer(addin_app, name="addin")


def needs_excel(action):
    """Run an add-in action; on a machine without Excel, say what it would do and exit 4."""
    try:
        return action()
    except addin.NeedsExcel as exc:
        console.print(f"[yellow]需要 Excel Needs Excel.[/yellow] {exc}")
        raise typer.Exit(4)
    except addin.InstallProblem as exc:  # the add-in, a folder or Excel itself is in the way; nothing was written
        console.print(f"[red]未安装 Not done.[/red] {exc}")
        raise typer.Exit(1)
    except Exception as exc:  # Excel refused, a file is locked...: not the planner's data
        if state["debug"]:
            raise
        console.print(f"[red]salesxl failed 失败: {exc!r}[/red]\nRerun with --debug for details.")
        raise typer.Exit(3)


@addin_app.command("build")
def addin_build(target: Path = typer.Argument(Path(addin.ADDIN_NAME), help="Where to write the add-in."),
                via_excel: bool = typer.Option(False, "--via-excel",
                                               help="Fallback: import the VBA through Excel (Windows, VBA trust).")):
    """生成加载项 Build salesxl.xlam: xlwings' ribbon add-in with the salesxl ribbon, VBA and functions (any system)."""
    build = addin.build_via_excel if via_excel else addin.build
    path = needs_excel(lambda: build(target, lambda m: console.print(m)))
    out.print(f"已生成 built: {path}")


@addin_app.command("install")
def addin_install(addin_file: Optional[Path] = typer.Argument(
        None, help="An add-in to install instead of the one that comes with salesxl."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Check, and list the files install would write."),
        startup: Optional[Path] = typer.Option(None, "--startup", help="Excel's start-up folder, if not the usual.")):
    """安装加载项 Install the add-in into Excel's XLSTART folder and write salesxl.conf (quit Excel first)."""
    plan = needs_excel(lambda: addin.install(addin_file, startup=startup, dry_run=dry_run,
                                             progress=lambda m: console.print(m)))
    if dry_run:
        where = "" if sys.platform.startswith(("win", "darwin")) else \
            " (Excel runs on Windows and macOS only; these are the Windows places for this user)"
        out.print(f"将写入 would write{where}:\n{plan.describe()}")
    else:
        out.print("\n".join(plan.notes + ["已安装 Installed. 请启动 Excel. Start Excel."]))


@addin_app.command("uninstall")
def addin_uninstall(dry_run: bool = typer.Option(False, "--dry-run", help="List what would be removed."),
                    startup: Optional[Path] = typer.Option(None, "--startup", help="Excel's start-up folder.")):
    """卸载加载项 Remove the add-in from XLSTART and salesxl.conf (quit Excel first)."""
    removed = needs_excel(lambda: addin.uninstall(startup=startup, dry_run=dry_run))
    verb = "将删除 would remove" if dry_run else "已删除 removed"
    out.print("\n".join(f"{verb}: {p}" for p in removed) or "没有可删除的 Nothing installed.")


@app.command()
def configure():
    """配置 Configure: write salesxl.conf so the add-in runs this Python (interpreter or Conda env)."""
    path = needs_excel(addin.configure)
    out.print(f"已写入 wrote: {path}")


@app.command()
def info():
    """帮助 Help: versions, the Python in use and where the add-in's settings live (as the ribbon's Help)."""
    report(api.about())


@app.command()
def breakdown(workbook: Path = typer.Argument(..., help="The workbook whose month target to release."),
              month: ReleaseMonth = None):
    """正式下达 Breakdown: split the month's target to every rep, outlet, product and working day, with tiers."""
    report(run(lambda progress: api.breakdown(open_workbook(workbook), progress, month=month)))


# ---- Out to every rep and back (salesxl/steps/issue_files.py, salesxl/steps/collect.py) ----

@app.command("issue-files")
def issue_files_command(workbook: Path = typer.Argument(..., help="The master workbook, with the month released."),
                        outdir: Path = typer.Argument(..., help="Folder for the reps' files (made if missing).")):
    """下发到业务员 Issue to reps: one workbook per active rep, named like 2026-02_R001_张伟.xlsx."""
    report(run(lambda progress: api.issue_files(open_workbook(workbook), progress, outdir=outdir)))


@app.command("collect")
def collect_command(workbook: Path = typer.Argument(..., help="The master workbook the files were issued from."),
                    files: list[Path] = typer.Argument(..., help="Returned files, or folders holding them."),
                    skip_bad: bool = typer.Option(False, "--skip-bad",
                                                  help="Collect the clean files and list the refused ones, instead "
                                                       "of changing nothing when any file is refused.")):
    """收回 Collect: merge returned rep files into the master; rows already there are skipped, conflicts listed."""
    report(run(lambda progress: api.collect(open_workbook(workbook), progress, files=files, skip_bad=skip_bad)))


# ---- Tracking (step 6) ----

@app.command()
def track(workbook: Path = typer.Argument(..., help="The workbook with issued targets, daily logs and actuals."),
          as_of: AsOf = None):
    """进度跟踪 Track: month-to-date actual vs target, pace, forecasts and flags, with a burn-up chart."""
    report(run(lambda progress: api.track(open_workbook(workbook), progress, as_of=as_of)))


@app.command()
def weekly(workbook: Path = typer.Argument(..., help="The workbook with issued targets, daily logs and actuals."),
           week: Optional[int] = typer.Option(None, "--week", min=1, max=6,
                                              help="Week of the plan month (Monday to Sunday); default: the "
                                                   "week of the last day with data.")):
    """周例会 Weekly: one block per rep for week N, keeping the reps' reports and the manager's comments."""
    report(run(lambda progress: api.weekly(open_workbook(workbook), progress, week=week)))


@app.command()
def followups(workbook: Path = typer.Argument(..., help="The workbook with the Customers and Touches sheets."),
              as_of: AsOf = None):
    """跟进计划 Follow-ups: per rep, what is overdue, due today and this week; the 21-day rule; key projects."""
    report(run(lambda progress: api.followups(open_workbook(workbook), progress, as_of=as_of)))


# Step 3, issue and agree (salesxl/steps/agree.py) ------------------------------------------------------

@app.command("issue-draft")
def issue_draft(workbook: Path = typer.Argument(..., help="The workbook whose draft rep targets to send down.")):
    """下发草案 Issue draft: write the Feedback sheet (one row per active rep), keeping what was typed there."""
    report(run(lambda progress: api.issue_draft(open_workbook(workbook), progress)))


@app.command()
def agree(workbook: Path = typer.Argument(..., help="The workbook whose feedback to apply."),
          by: Optional[str] = typer.Option(None, "--by", help="Who agrees (default: your login name).")):
    """确认目标 Agree: apply the manager's decisions, rebalance to the month target, record the round, release again."""
    report(run(lambda progress: api.agree(open_workbook(workbook), progress, by=by)))


@app.command("commitments")
def commitments(workbook: Path = typer.Argument(..., help="The workbook whose agreed targets to print."),
                pdf: Optional[Path] = typer.Option(None, "--pdf", metavar="DIR",
                                                   help="Also export one PDF per rep into DIR (LibreOffice).")):
    """军令状 Commitments: one printable A4 page per rep (page breaks on one sheet); --pdf exports each page."""
    report(run(lambda progress: api.commitments(open_workbook(workbook), progress, pdf_dir=pdf)))


# 总览 Dashboard (salesxl/steps/dashboard.py) -------------------------------------------------------------

@app.command()
def dashboard(workbook: Path = typer.Argument(..., help="The workbook whose month to show on one page.")):
    """总览 Dashboard: the month on one A4 landscape page — build-up, structure, progress, reps, expenses, flags."""
    report(run(lambda progress: api.dashboard(open_workbook(workbook), progress)))


if __name__ == "__main__":
    app()
