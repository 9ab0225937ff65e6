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
    """A number a page quotes: ``text`` must appear on ``page`` and equal the cell it names.

    The cell is in ``workbook`` (in the page's folder) on ``sheet``: the column headed ``header``
    in the first table having that header, the row whose first cells hold ``row`` (the first
    data row when ``row`` is empty). ``format`` turns the value into the quoted text.
    """

    page: str
    workbook: str
    sheet: str
    row: str
    header: str
    format: str
    text: str


DEMO, MONTH_END = "salesxl_demo.xlsx", "salesxl_demo_month_end.xlsx"
N, P = "{:,.0f}", "{:.1%}"
QUOTED = [
    # 2 当月指标: 华东's month target from its four factors (x 0.4, 0.3, 0.15, 0.15)
    Quoted("docs/month/2-target.md", DEMO, "月度目标 Month Target", "", "月度目标 Month target", N, "4,493,386"),
    Quoted("docs/month/2-target.md", DEMO, "月度目标 Month Target", "", "年度预算当月 Budget for the month", N,
           "4,599,000"),
    Quoted("docs/month/2-target.md", DEMO, "月度目标 Month Target", "", "去年同期实际 Last year's actual", N,
           "4,106,110"),
    Quoted("docs/month/2-target.md", DEMO, "月度目标 Month Target", "华东", "区域月度目标 Region month target", N,
           "1,223,163"),
    Quoted("docs/month/2-target.md", DEMO, "月度目标 Month Target", "华东", "历史同期因素 History factor", N,
           "1,177,955"),
]


def value(workbook: Path, sheet: str, row: str, header: str):
    rows = list(openpyxl.load_workbook(workbook, read_only=True, data_only=True)[sheet].iter_rows(values_only=True))
    for i, cells in enumerate(rows):
        if header in cells and sum(c is not None for c in cells) > 1:  # a header row, not a table's title
            column = cells.index(header)
            for data in rows[i + 1:]:
                if not any(c is not None for c in data):
                    break
                if not row or row in [str(c) for c in data[:3]]:
                    return data[column]
            raise AssertionError(f"{sheet}: no row {row!r} under {header!r}")
    raise AssertionError(f"{sheet}: no column {header!r}")


@pytest.mark.parametrize("quoted", QUOTED, ids=lambda q: f"{Path(q.page).stem}:{q.text}")
def test_each_quoted_number_is_the_demos(quoted, ran):
    page_text = (ROOT / quoted.page).read_text(encoding="utf-8")
    assert quoted.text in page_text, f"{quoted.page} no longer quotes {quoted.text}"
    found = quoted.format.format(value(ran(quoted.page) / quoted.workbook, quoted.sheet, quoted.row, quoted.header))
    assert found == quoted.text, f"{quoted.page} quotes {quoted.text}; the demo now gives {found}"
