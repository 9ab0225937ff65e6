"""Regenerate the docs' pictures: the demo's main sheets as LibreOffice prints them.

``python -m salesxl.docs_images [OUT]`` (default ``docs/images``) writes the demo
workbook and the month-end demo, runs every demo step on each, issues the demo's
files to the reps, prints the sheets below to PDF with LibreOffice and saves each
one's first page as a PNG. It needs
``soffice`` and ``pdftoppm`` (``apt-get install libreoffice-calc-nogui
poppler-utils fonts-noto-cjk``) and takes a few minutes.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from . import api, steps
from .cli import DEMO_STEPS, MONTH_END_DEMO_STEPS
from .demo import demo_workbook_data, month_end_demo_data
from .workbook.filebook import FileWorkbook
from .workbook.pdf import pdf_to_pngs, sheets_to_pdf
from .workbook.template import SHIPPED_DEMO, save_new_workbook

IMAGES = {
    "demo": {"总览 Dashboard": "dashboard", "任务结构 Target Structure": "target_structure",
             "月度目标 Month Target": "month_target", "回测 Backtest": "backtest",
             "目标确认 Agreed Targets": "agreed_targets", "业务员目标 Rep Targets": "rep_targets",
             "费用预算 Expense Budget": "expense_budget", "进度 Progress": "progress"},
    "month_end": {"总览 Dashboard": "dashboard_month_end", "月末绩效 Performance": "performance"},
    "rep_file": {"我的目标 My Targets": "rep_file"},
}
"""Which sheet of which workbook becomes which picture (``docs/images/<name>.png``): the demo, the
month-end demo, or the demo's first rep's file (:data:`REP`). The README and the step pages under
``docs/month/`` show them, and ``tests/test_docs.py`` checks every picture shown is here."""

REP = "R001"
"""Whose file (``salesxl issue-files`` on the demo) the ``rep_file`` picture shows."""

DPI = 110


def run_demo(path: Path, month_end: bool) -> None:
    """The demo workbook at ``path`` with every demo step run on it, as ``salesxl demo`` writes it."""
    if month_end:
        save_new_workbook(path, *month_end_demo_data())
    elif SHIPPED_DEMO.exists():
        shutil.copyfile(SHIPPED_DEMO, path)
    else:
        save_new_workbook(path, *demo_workbook_data())
    book = FileWorkbook(path)
    for step in ([steps.check] + (MONTH_END_DEMO_STEPS if month_end else DEMO_STEPS)):
        result = step(book)
        if not result.ok:
            raise SystemExit(f"{step.__name__} failed on the demo: {result.problems[:3]}")


def rep_file(demo: Path, folder: Path) -> Path:
    """:data:`REP`'s workbook, as ``salesxl issue-files salesxl_demo.xlsx 业务员文件`` writes it in ``folder``
    from a copy of the demo at ``demo`` (the file names its master)."""
    folder.mkdir(parents=True, exist_ok=True)
    master, outdir = folder / "salesxl_demo.xlsx", folder / "业务员文件"
    shutil.copyfile(demo, master)
    result = api.issue_files(FileWorkbook(master), outdir=outdir)
    if not result.ok:
        raise SystemExit(f"issue-files failed on the demo: {result.problems[:3]}")
    (found,) = outdir.glob(f"*_{REP}_*.xlsx")
    return found


def render_images(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="salesxl-docs-") as temp:
        for demo, pictures in IMAGES.items():
            if demo == "rep_file":
                workbook = rep_file(Path(temp) / "demo.xlsx", Path(temp) / "rep_file")
            else:
                workbook = Path(temp) / f"{demo}.xlsx"
                print(f"running the {demo} demo…", file=sys.stderr)
                run_demo(workbook, month_end=demo == "month_end")
            pdfs = sheets_to_pdf(workbook, list(pictures), Path(temp) / f"{demo}-pdf")
            for sheet, name in pictures.items():
                (page, *_) = pdf_to_pngs(pdfs[sheet], Path(temp) / "png" / name, dpi=DPI, first=1, last=1)
                shutil.copyfile(page, out / f"{name}.png")
                written.append(out / f"{name}.png")
                print(f"wrote {out / f'{name}.png'}", file=sys.stderr)
    return written


if __name__ == "__main__":
    render_images(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/images"))
