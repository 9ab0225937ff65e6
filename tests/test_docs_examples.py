"""Every shell example in the docs runs, and the worked examples quote the demo's real numbers.

A fenced ``bash`` block in README.md or under docs/ either runs here or says why not, in an
HTML comment just above it (invisible on the site): ``<!-- not run: needs Excel -->``. A block
that runs holds ``salesxl`` commands only (``.venv/bin/salesxl`` too), one per line or joined
by ``&&``, each called in-process through the CLI and expected to exit 0. The blocks of a page
run in order in one empty folder; a page whose examples continue from another command says so
at its top, ``<!-- examples run after: salesxl demo -->``, and the folder then starts with what
that command wrote. ``salesxl demo`` and ``salesxl demo --month-end`` run once per session and
are copied from there (a full demo takes half a minute).

Each number a step page quotes from the demo is listed in :data:`QUOTED` with the cell it comes
from, read from the workbook the page's own commands left behind: a change to the demo or to a
step that moves one of them fails here, naming the page to update.
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from salesxl.cli import app

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"(?:<!--\s*(?P<marker>[^>]*?)\s*-->[ \t]*\n[ \t]*)?```(?P<lang>bash|sh|shell|console|bat|cmd|powershell)"
                   r"[ \t]*\n(?P<body>.*?)```", re.S)
"""A fenced shell block (Windows ones too), with the HTML comment just above it if there is one."""
AFTER = re.compile(r"^<!--\s*examples run after:\s*(.+?)\s*-->\s*$", re.M)
SHARED = ("salesxl demo", "salesxl demo --month-end")
"""Commands run once per session and copied: each writes a full-size demo workbook."""


@dataclass(frozen=True)
class Block:
    page: str
    line: int
    marker: str
    commands: tuple[str, ...]

    @property
    def runs(self) -> bool:
        return not self.marker.startswith("not run")


def blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    found = []
    for match in BLOCK.finditer(text):
        commands = []
        for line in match.group("body").splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                commands += [part.strip() for part in line.split("&&")]
        found.append(Block(str(path.relative_to(ROOT)), text[:match.start("body")].count("\n") + 1,
                           (match.group("marker") or "").strip(), tuple(commands)))
    return found


ALL_BLOCKS = [b for page in PAGES for b in blocks(page)]
RUN_PAGES = sorted({b.page for b in ALL_BLOCKS if b.runs})


def test_every_shell_block_runs_or_says_why_not():
    assert ALL_BLOCKS, "no shell examples found"
    for block in ALL_BLOCKS:
        where = f"{block.page}:{block.line}"
        if block.runs:
            assert block.commands, f"{where}: an empty shell block"
            for command in block.commands:
                assert shlex.split(command)[0] in ("salesxl", ".venv/bin/salesxl"), \
                    f"{where}: '{command}' is not a salesxl command; mark the block <!-- not run: why -->"
        else:
            reason = block.marker.removeprefix("not run").lstrip(":").strip()
            assert len(reason) > 8, f"{where}: say why the block is not run"


runner = CliRunner()


def salesxl(command: str, where: str) -> None:
    args = shlex.split(command)[1:]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, f"{where}: `{command}` exited {result.exit_code}\n{result.output[-3000:]}"


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """The folder each of :data:`SHARED` leaves behind, made on first use."""
    made: dict[str, Path] = {}

    def folder(command: str) -> Path:
        if command not in made:
            made[command] = tmp_path_factory.mktemp("shared")
            with pytest.MonkeyPatch.context() as patch:
                patch.chdir(made[command])
                salesxl(command, f"shared `{command}`")
        return made[command]
    return folder


def normal(command: str) -> str:
    return " ".join(shlex.split(command)).replace(".venv/bin/salesxl", "salesxl")


@pytest.fixture(scope="module")
def ran(tmp_path_factory, shared):
    """``page -> folder`` after running the page's blocks in order (each page once per module)."""
    done: dict[str, Path] = {}

    def run(page: str) -> Path:
        if page in done:
            return done[page]
        folder = tmp_path_factory.mktemp(Path(page).stem)
        after = AFTER.search((ROOT / page).read_text(encoding="utf-8"))
        commands = [after.group(1)] if after else []
        commands += [c for b in ALL_BLOCKS if b.page == page and b.runs for c in b.commands]
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(folder)
            for command in commands:
                if normal(command) in SHARED:
                    shutil.copytree(shared(normal(command)), folder, dirs_exist_ok=True)
                else:
                    salesxl(command, page)
        done[page] = folder
        return folder
    return run


@pytest.mark.parametrize("page", RUN_PAGES)
def test_the_shell_examples_of_each_page_run(page, ran):
    assert ran(page).is_dir()


# ---- The worked examples: every number a page quotes from the demo, and where it comes from ----------

@dataclass(frozen=True)
class Quoted:
    """A number a page quotes: ``text`` must appear on ``page`` and be what the demo shows.

    The value is in ``workbook`` (in the page's folder) on ``sheet``: the column headed ``header``
    in the first table that has that header and a row whose first cells hold ``row`` (the first
    data row when ``row`` is empty); ``format`` turns it into the quoted text. With no ``header``,
    ``text`` must be written somewhere on the sheet (a number in a note).
    """

    page: str
    workbook: str
    sheet: str
    row: str
    header: str
    format: str
    text: str


def quotes(page: str, workbook: str, sheet: str, items: list[tuple[str, str, str, str]]) -> list[Quoted]:
    return [Quoted(page, workbook, sheet, *item) for item in items]


DEMO, MONTH_END = "salesxl_demo.xlsx", "salesxl_demo_month_end.xlsx"
N, N2, P, P2, INT = "{:,.0f}", "{:,.2f}", "{:.1%}", "{:.2%}", "{}"
STEP = "docs/month/{}.md".format
QUOTED = [
    *quotes(STEP("1-structure"), DEMO, "任务结构 Target Structure", [
        ("战斗机型 Flagship", "角色目标 Role target", N, "1,348,016"),
        ("规模型 Volume", "角色目标 Role target", N, "1,572,685"),
        ("利润型 Profit", "角色目标 Role target", N, "1,123,346"),
        ("形象型 Image", "角色目标 Role target", N, "449,339"),
        ("F06", "产品目标 SKU target", N, "107,841"),
        ("F01", "近12月销售 Last 12 months' sales", N, "2,179,000"),
        ("F01", "角色内份额 Share within role", P, "15.9%"),
        ("F01", "产品目标 SKU target", N, "214,703"),
        ("V14", "产品目标 SKU target", N, "78,634"),
        ("华东", "近12月销售 Last 12 months' sales", N, "11,576,780"),
        ("华东", "历史份额 History share", P, "27.1%"),
        ("华东", "未开发容量 Untapped capacity", N, "248,423,220"),
        ("华东", "潜力份额 Potential share", P, "27.4%"),
        ("华东", "最终份额 Final share", P, "27.2%"),
        ("华东", "区域目标 Region target", N, "1,222,139"),
    ]),
    *quotes(STEP("2-target"), DEMO, "月度目标 Month Target", [
        ("", "月度目标 Month target", N, "4,493,386"),
        ("", "年度预算当月 Budget for the month", N, "4,599,000"),
        ("", "去年同期实际 Last year's actual", N, "4,106,110"),
        ("", "目标/预算 Target / budget", P, "97.7%"),
        ("", "较去年同期增长 Growth vs last year", P, "9.4%"),
        ("华东", "年度预算当月 Budget for the month", N, "1,252,000"),
        ("华东", "同期实际 Actual", N, "1,118,110"),
        ("2024-12-01 00:00:00", "同期实际 Actual", N, "1,080,560"),
        ("2023-12-01 00:00:00", "同期实际 Actual", N, "996,080"),
        ("华东", "历史同期因素 History factor", N, "1,177,955"),
        ("华东", "行业增长因素 Industry factor", N, "1,207,559"),
        ("华东", "标杆增长因素 Benchmark factor", N, "1,252,283"),
        ("华东", "区域月度目标 Region month target", N, "1,223,163"),
    ]),
    *quotes(STEP("backtest"), DEMO, "回测 Backtest", [
        ("", "回放月数 Months replayed", INT, "24"),
        ("", "平均绝对百分比误差 Mean abs % error (MAPE)", P, "2.1%"),
        ("", "平均偏差 Mean bias", P, "1.5%"),
        ("", "目标高于实际月数 Months target above actual", INT, "18"),
        ("", "达成基础目标业务员占比 Reps reaching base", P, "40.4%"),
        ("2025-12-01 00:00:00", "回放目标 Replayed target", N, "4,299,347"),
        ("2025-12-01 00:00:00", "实际销售 Actual sales", N, "4,106,110"),
        ("2025-12-01 00:00:00", "误差（目标−实际） Error (target − actual)", N, "193,237"),
        ("1", "平均绝对百分比误差 MAPE", P, "1.7%"),
        ("", "", "", "1,771"),
    ]),
    *quotes(STEP("3-agree"), DEMO, "目标确认 Agreed Targets", [
        ("R006", "草案目标 Draft target", N, "251,069"),
        ("R006", "确认目标 Agreed target", N, "220,900"),
        ("R015", "草案目标 Draft target", N, "134,751"),
        ("R015", "提议目标 Proposed target", N, "101,100"),
        ("R015", "确认目标 Agreed target", N, "121,300"),
        ("R018", "草案目标 Draft target", N, "151,163"),
        ("R018", "确认目标 Agreed target", N, "158,700"),
        ("R022", "草案目标 Draft target", N, "167,934"),
        ("R022", "提议目标 Proposed target", N, "142,700"),
        ("R022", "确认目标 Agreed target", N, "169,481"),
        ("R001", "草案目标 Draft target", N, "173,537"),
        ("R001", "确认目标 Agreed target", N, "175,136"),
        ("R001", "变化率 Change %", P2, "0.92%"),
        ("R029", "确认目标 Agreed target", N, "40,000"),
        ("确认合计 Agreed total", "金额 Amount", N, "4,493,386"),
        ("缺口 Shortfall", "金额 Amount", INT, "0"),
    ]),
    *quotes(STEP("4-release"), DEMO, "反馈 Feedback", [
        ("R001", "草案目标 Draft target", N, "173,537"),
        ("R030", "草案目标 Draft target", N, "63,964"),
    ]),
    *quotes(STEP("4-release"), DEMO, "任务结构 Target Structure", [
        ("华东", "区域目标 Region target", N, "1,222,139"),
    ]),
    *quotes(STEP("4-release"), DEMO, "业务员目标 Rep Targets", [
        ("R001", "历史销售 History", N, "1,643,840"),
        ("R001", "历史份额 History share", P, "14.2%"),
        ("R001", "目标 Target", N, "175,136"),
        ("R001", "挑战目标 Challenge", N, "192,650"),
        ("R001", "冲刺目标 Sprint", N, "210,163"),
        ("R029", "目标 Target", N, "40,000"),
    ]),
    *quotes(STEP("4-release"), DEMO, "网点目标 Outlet Targets", [
        ("O0001", "网点目标 Outlet target", N, "18,535"),
        ("O0004", "网点目标 Outlet target", N, "8,000"),
        ("R001", "网点合计 Sum of outlets", N, "175,136"),
    ]),
    *quotes(STEP("4-release"), DEMO, "日目标 Daily Targets", [
        ("R001", "日目标 Daily target", N, "8,145"),
        ("2026-12-25 00:00:00", "日目标 Daily target", N, "4,073"),
        ("", "公司日目标 Company daily target", N, "208,995"),
        ("2026-12-25 00:00:00", "公司日目标 Company daily target", N, "104,497"),
    ]),
    *quotes(STEP("5-expenses"), DEMO, "费用预算 Expense Budget", [
        ("R001", "目标 Target", N, "175,136"),
        ("R001", "差旅费 Travel", N, "2,000"),
        ("R001", "业务招待费 Entertainment", N, "1,751"),
        ("R001", "网点开发费 Outlet development", N, "3,000"),
        ("R001", "样品费 Samples", N, "600"),
        ("R001", "合计 Total", N, "7,351"),
        ("", "", "", "297,480"),
        ("", "", "", "6.62%"),
        ("", "", "", "359,470.88"),
    ]),
    *quotes(STEP("5-expenses"), DEMO, "费用台账 Expense Ledger", [
        ("R001", "已核查支出 Verified spend", N, "2,295"),
        ("R001", "剩余 Remaining", N, "5,181"),
        ("R001", "不予认可的批复 Approvals refused", N, "1,520"),
        ("R001", "未经批准支出 Unapproved spend", N, "515"),
        ("", "", "", "发现 11 项异常"),
    ]),
    *quotes(STEP("reps"), "业务员文件/2026-12_R001_孙晓东.xlsx", "我的目标 My Targets", [
        ("", "月目标 Month target", N, "175,136"),
        ("", "挑战目标 Challenge", N, "192,650"),
        ("", "冲刺目标 Sprint", N, "210,163"),
    ]),
    *quotes(STEP("reps"), DEMO, "收回记录 Collection Log", [
        ("R001", "结果 Outcome", "{}", "无新内容 nothing new"),
        ("R006", "已有行 Rows already there", INT, "2"),
        ("R029", "文件版本 File version", INT, "1"),
    ]),
    *quotes(STEP("6-tracking"), DEMO, "进度 Progress", [
        ("全公司 Company", "累计目标 Target to date", N, "1,880,955"),
        ("全公司 Company", "累计实际 Actual to date", N, "1,772,900"),
        ("全公司 Company", "完成率 Attainment", P, "39.5%"),
        ("全公司 Company", "进度比 Pace", P, "94.3%"),
        ("全公司 Company", "近期日均 Recent daily rate", N, "196,192"),
        ("全公司 Company", "预测(近期日均) Forecast (run rate)", N, "4,225,300"),
        ("", "", "", "41.9%"),
        ("", "", "", "48.2%"),
        ("", "", "", "14,495"),
    ]),
    *quotes(STEP("6-tracking"), DEMO, "周报 Weekly Review", [
        ("R001", "本周目标 Week target", N, "40,730"),
        ("R001", "本周实际 Week actual", N, "42,250"),
    ]),
    *quotes(STEP("6-tracking"), DEMO, "跟进计划 Follow-up Plan", [
        ("C041", "未接触天数 Days without a touch", INT, "44"),
        ("", "", "", "深圳机械有限公司"),
    ]),
    *quotes(STEP("7-close"), MONTH_END, "月末绩效 Performance", [
        ("月度目标 Month target", "金额 Amount", N, "4,493,386"),
        ("实际销售 Actual", "金额 Amount", N, "4,620,720"),
        ("实际销售 Actual", "达成率 Attainment", P, "102.8%"),
        ("R007", "目标 Target", N, "186,746"),
        ("R007", "实际 Actual", N, "222,270"),
        ("R007", "达成率 Attainment", P, "119.0%"),
        ("R007", "挑战目标 Challenge", N, "205,421"),
        ("R007", "档位奖金 Tier bonus", N, "1,500"),
        ("R007", "提成 Commission", N2, "1,987.65"),
        ("R007", "奖励 Reward", N2, "3,487.65"),
        ("R001", "达成率 Attainment", P, "116.8%"),
        ("R001", "扣发 Withheld", N2, "3,301.98"),
        ("R016", "达成率 Attainment", P, "79.3%"),
        ("R016", "提成 Commission", N2, "1,559.36"),
        ("R016", "净发放 Net payout", N2, "1,059.36"),
        ("R003", "达成率 Attainment", P, "50.2%"),
        ("R003", "净发放 Net payout", N, "−500"),
        ("R029", "达成率 Attainment", P, "188.0%"),
        ("R029", "提成 Commission", N, "3,200"),
        ("奖励合计 Rewards", "金额 Amount", N2, "58,962.19"),
        ("扣款合计 Penalties", "金额 Amount", N, "2,000"),
        ("净发放合计 Net payout", "金额 Amount", N2, "56,962.19"),
    ]),
    *quotes(STEP("dashboard"), DEMO, "总览 Dashboard", [
        ("", "月度目标 Target", N, "4,493,386"),
        ("", "去年同期 Last year", N, "4,106,110"),
        ("", "增长 Growth", P, "9.4%"),
        ("", "累计实际 Actual", N, "1,772,900"),
        ("", "完成率 Attainment", P, "39.5%"),
        ("", "进度比 Pace", P, "94.3%"),
        ("进度落后 Behind pace", "数量 Count", INT, "11"),
        ("跟进逾期 Follow-ups overdue", "数量 Count", INT, "42"),
        ("超期未跟进 Not touched (21 days)", "数量 Count", INT, "10"),
        ("未签署军令状 Unsigned commitments", "数量 Count", INT, "29"),
    ]),
]


def sheet_rows(workbook: Path, sheet: str) -> list[tuple]:
    book = openpyxl.load_workbook(workbook, read_only=True, data_only=True)
    try:
        return list(book[sheet].iter_rows(values_only=True))
    finally:
        book.close()


def value(rows: list[tuple], row: str, header: str):
    """The cell under ``header`` in the first table having a row keyed ``row`` (see :class:`Quoted`)."""
    for i, cells in enumerate(rows):
        if header not in cells or sum(c is not None for c in cells) < 2:  # a header row, not a table's title
            continue
        column = cells.index(header)
        for data in rows[i + 1:]:
            if not any(c is not None for c in data):
                break
            if not row or row in [str(c) for c in data[:3]]:
                return data[column]
    raise AssertionError(f"no row {row!r} under {header!r}")


@pytest.mark.parametrize("quoted", QUOTED, ids=lambda q: f"{Path(q.page).stem}:{q.text}")
def test_each_quoted_number_is_the_demos(quoted, ran):
    page_text = (ROOT / quoted.page).read_text(encoding="utf-8")
    assert quoted.text in page_text, f"{quoted.page} no longer quotes {quoted.text}"
    rows = sheet_rows(ran(quoted.page) / quoted.workbook, quoted.sheet)
    if not quoted.header:
        assert any(quoted.text in str(c) for cells in rows for c in cells if c is not None), \
            f"{quoted.page} quotes {quoted.text}, which {quoted.sheet} no longer shows"
        return
    found = quoted.format.format(value(rows, quoted.row, quoted.header)).replace("-", "−")
    assert found == quoted.text, f"{quoted.page} quotes {quoted.text}; {quoted.sheet} now shows {found}"
