"""Out to every rep and back, on the demo company: issue-files, the reps fill their files, collect.

One module fixture releases the demo month and issues the files once; another fills them as reps
would (seeded: visits, expenses, sales, touches, a few answers, some loosely typed values) and plants
what a collect must refuse: a typo no one can read, last month's file, a file edited to report another
rep's outlet. One rep's file comes back twice. Each test collects into its own copy of the master.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from salesxl.core.collect import normal
from salesxl.problems import has_errors, render
from salesxl.steps.agree import issue_draft
from salesxl.steps.breakdown import breakdown
from salesxl.steps.collect import collect, read_log
from salesxl.steps.followups import followups
from salesxl.steps.issue_files import issue_files
from salesxl.steps.target import target
from salesxl.steps.track import track
from salesxl.steps.weekly import weekly
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs
from salesxl.workbook.contract.reps import LOG_CONFLICTS, LOG_FILES, LOG_REFUSALS
from salesxl.workbook.contract import schema
from salesxl.workbook.template import DEFAULT_TEMPLATE, SHIPPED_DEMO
from tests.conftest import digest
from tests.workbook.libreoffice import SOFFICE, needs_soffice

DATA = Path(__file__).resolve().parents[1] / "data" / "bad"
DAYS = [dt.datetime(2026, 12, d) for d in (14, 15, 16, 17, 18)]  # the week after the demo's own logs end
SHEETS = {"daily_log": "日志 Daily Log", "actuals": "实际销售 Actuals", "touches": "跟进记录 Touches"}
COLUMNS = {key: [c.key for c in schema(key).columns] for key in SHEETS}


@pytest.fixture(scope="module")
def issued(tmp_path_factory) -> tuple[Path, list[Path]]:
    """The demo master, released (target, breakdown, issue-draft) and its files issued: ``(master, files)``."""
    folder = tmp_path_factory.mktemp("reps")
    master = folder / "plan.xlsx"
    shutil.copy(SHIPPED_DEMO, master)
    for step in (target, breakdown, issue_draft):
        assert step(FileWorkbook(master)).ok
    result = issue_files(FileWorkbook(master), outdir=folder / "out")
    assert result.ok, [render(p) for p in result.problems]
    return master, sorted((folder / "out").glob("*.xlsx"))


# ---- The reps at work ----

def lists_of(path: Path) -> dict[str, list[str]]:
    """What a rep's drop-downs offer (the hidden Lists sheet): their ID, outlets, SKUs and customers."""
    rows = list(openpyxl.load_workbook(path, read_only=True)["清单 Lists"].iter_rows(values_only=True))
    return {key: [r[j] for r in rows[1:] if r[j] is not None] for j, key in enumerate(rows[0])}


def put_rows(ws, rows: list[list]) -> None:
    """Type rows under the header and grow the table over them, as Excel does when a rep types below it."""
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            ws.cell(row=i, column=j, value=value)
    table = next(iter(ws.tables.values()))
    table.ref = f"A1:{table.ref.split(':')[1].rstrip('0123456789')}{max(2, len(rows) + 1)}"


def fill(path: Path, seed: int, loose: bool = False) -> dict[str, list[dict]]:
    """Fill one rep's file as the rep would; returns the rows as meant (what the master should get).

    A week of itineraries (three stops and the day's travel), two orders a day and two calls. With
    ``loose`` the first row of each sheet is typed loosely but readably: the date as ``2026/12/14``
    text, the Rep ID left blank (the file is theirs), an amount as text with a thousands comma.
    """
    rng = np.random.default_rng(seed)
    own = lists_of(path)
    rep = own["rep_id"][0]
    meant: dict[str, list[dict]] = {key: [] for key in SHEETS}
    for day in DAYS:
        for n, outlet in enumerate(rng.choice(own["outlet_id"], size=3, replace=False), start=1):
            visited = bool(rng.random() < 0.9)
            expense = float(rng.choice([80, 120, 260])) if visited and rng.random() < 0.3 else None
            meant["daily_log"].append({
                "date": day, "rep_id": rep, "stop": n, "outlet_id": str(outlet), "planned": True, "visited": visited,
                "time": f"{9 + n}:30" if visited else None, "purpose": "订货 order",
                "result": "下单 ordered" if visited else "未去 not visited",
                "expense_category": "招待 entertainment" if expense else None, "expense": expense,
                "feedback": "店长希望增加陈列 more display wanted" if n == 2 else None, "next_action": None})
        meant["daily_log"].append({"date": day, "rep_id": rep, "stop": None, "outlet_id": None, "planned": False,
                                   "visited": False, "time": None, "purpose": None, "result": None,
                                   "expense_category": "差旅 travel", "expense": float(rng.integers(6, 22) * 10),
                                   "feedback": None, "next_action": None})
        for outlet in rng.choice(own["outlet_id"], size=2, replace=False):
            qty = float(rng.integers(1, 30))
            meant["actuals"].append({"date": day, "rep_id": rep, "outlet_id": str(outlet),
                                     "sku": str(rng.choice(own["sku"])), "qty": qty,
                                     "amount": qty * float(rng.integers(80, 900)) + 0.5})
    for day in DAYS[1::2]:
        meant["touches"].append({"date": day, "customer_id": str(rng.choice(own["customer_id"])), "channel": "call",
                                 "rep_id": rep, "note": "电话回访 follow-up call"})
    book = openpyxl.load_workbook(path)
    for key, rows in meant.items():
        typed = []
        for i, row in enumerate(rows):
            values = {c: ("是" if v is True else "否" if v is False else v) for c, v in row.items()}
            if key == "touches":
                values["channel"] = "电话 call"
            if loose and i == 0:
                values.update(rep_id=None, date=f"{row['date']:%Y/%m/%d}")
                if key == "actuals":
                    values["amount"] = f"{row['amount']:,.2f}"
            typed.append([values[c] for c in COLUMNS[key]])
        put_rows(book[SHEETS[key]], typed)
    book.save(path)
    return meant


def edit(path: Path, sheet: str, cells: dict[str, object]) -> None:
    book = openpyxl.load_workbook(path)
    for cell, value in cells.items():
        book[sheet][cell] = value
    book.save(path)


@dataclass
class Back:
    """The files as they come back.

    Attributes:
        clean: the files a collect takes, in order (the last is a copy of the third: sent twice).
        refused: the planted refusals, ``(file, sheet!cell, code)``.
        meant: each clean file's rows as the rep meant them, by sheet.
        answers: rep ID -> (proposal, reason) typed on Feedback.
    """

    clean: list[Path]
    refused: list[tuple[str, str, str]]
    meant: dict[str, dict[str, list[dict]]]
    answers: dict[str, tuple[float, str]]

    @property
    def refused_files(self) -> list[Path]:
        return [self.clean[0].parent / name for name, _, _ in self.refused]


@pytest.fixture(scope="module")
def back(issued, tmp_path_factory) -> Back:
    _, files = issued
    folder = tmp_path_factory.mktemp("back")
    clean, refused, meant, answers = [], [], {}, {}
    for i, original in enumerate(files):
        path = folder / original.name
        shutil.copy(original, path)
        rows = fill(path, seed=100 + i, loose=i == 1)
        if i % 4 == 0:
            answers[original.name.split("_")[1]] = (150_000.0 + 1000 * i, "新店尚在培育 new outlets still being built")
            edit(path, "反馈 Feedback", dict(zip(("F2", "G2"), answers[original.name.split("_")[1]])))
        if i == 4:  # a typo no one can read: 1200 typed with the letter O
            edit(path, SHEETS["actuals"], {"F3": "12O0"})
            refused.append((path.name, "实际销售 Actuals!F3", "not-a-number"))
        elif i == 6:  # last month's file: the fingerprint says November
            edit(path, "指纹 Fingerprint", {"B5": "2026-11"})
            path = path.rename(path.with_name(path.name.replace("2026-12", "2026-11")))
            refused.append((path.name, "指纹 Fingerprint!B5", "other-month"))
        elif i == 9:  # edited for another rep: the second stop of the first day is the next rep's outlet
            edit(path, SHEETS["daily_log"], {"D3": lists_of(files[10])["outlet_id"][0]})
            refused.append((path.name, "日志 Daily Log!D3", "outlet-other-rep"))
        else:
            clean.append(path)
            meant[path.name] = rows
        if i in (4, 6, 9):
            answers.pop(original.name.split("_")[1], None)
    twice = folder / clean[2].name.replace(".xlsx", " (1).xlsx")  # sent again, as WeChat names a second copy
    shutil.copy(clean[2], twice)
    return Back(clean + [twice], refused, meant, answers)


# ---- The master after a collect ----

def master_copy(issued, folder: Path, name: str = "plan.xlsx") -> Path:
    path = folder / name
    shutil.copy(issued[0], path)
    return path


def rows_of(path: Path) -> dict[str, list[tuple]]:
    """The master's rows of each appended sheet, normalised as a collect compares them, in sheet order."""
    inputs, problems = read_inputs(FileWorkbook(path), only=("daily_log", "actuals", "touches", "customers", "reps",
                                                              "outlets", "products", "settings"))
    assert not has_errors(problems), [render(p) for p in problems if p.severity == "error"]
    return {key: [tuple(normal(v) for v in row) for row in inputs[key][COLUMNS[key]].itertuples(index=False)]
            for key in SHEETS}


def as_rows(rows: list[dict], key: str) -> list[tuple]:
    return [tuple(normal(r[c]) for c in COLUMNS[key]) for r in rows]


def errors_by_file(result) -> list[tuple[str, str, str]]:
    """``(file, sheet!cell, code)`` of each error found in a returned file."""
    found = []
    for p in result.problems:
        if p.severity == "error":
            name, _, place = p.cell[1:].partition("]") if p.cell.startswith("[") else (p.cell, "", "")
            found.append((name, place, p.code))
    return sorted(found)


def test_a_bad_file_among_them_stops_the_collect_naming_file_sheet_and_cell(issued, back, tmp_path):
    master = master_copy(issued, tmp_path)
    before = digest(master)
    result = collect(FileWorkbook(master), files=back.clean + back.refused_files)
    assert not result.ok
    assert errors_by_file(result) == sorted(back.refused)  # exactly the planted ones, each at its cell
    assert digest(master) == before  # all or nothing: not a byte written


def test_skip_bad_collects_exactly_the_clean_rows_then_nothing_twice_then_a_conflict(issued, back, tmp_path):
    master = master_copy(issued, tmp_path)
    before = rows_of(master)
    result = collect(FileWorkbook(master), files=back.clean + back.refused_files, skip_bad=True)
    assert result.ok, [render(p) for p in result.problems if p.severity == "error"]
    after = rows_of(master)
    for key in SHEETS:  # the master's own rows, then exactly the clean files' rows, file by file
        assert after[key] == before[key] + [r for name in back.meant for r in as_rows(back.meant[name][key], key)], key
    assert not [p for p in result.problems if p.code == "conflict"]  # the copy sent twice brought nothing new
    log = read_log(FileWorkbook(master))
    files, refusals = log[LOG_FILES.key], log[LOG_REFUSALS.key]
    assert sorted(zip(refusals["file"], refusals["where"].str.partition("]")[2], refusals["code"])) == \
        sorted(back.refused)
    twice = files.iloc[len(back.clean) - 1]
    sent = back.meant[back.clean[2].name]
    assert (twice["file"], twice["status"], twice["daily_log"], twice["already"]) == (
        back.clean[-1].name, "无新内容 nothing new", 0, sum(len(rows) for rows in sent.values()))
    feedback = read_inputs(FileWorkbook(master), only=("feedback",))[0]["feedback"].set_index("rep_id")
    for rep, (proposal, reason) in back.answers.items():
        assert (feedback.at[rep, "proposal"], feedback.at[rep, "reason"]) == (proposal, reason)

    # The same files again: nothing added, nothing in conflict.
    again = collect(FileWorkbook(master), files=back.clean, skip_bad=True)
    assert again.ok and rows_of(master) == after
    assert not [p for p in again.problems if p.code == "conflict"]

    # The third rep sends the file once more: one more order, and a corrected amount on the second order.
    changed = tmp_path / back.clean[2].name
    shutil.copy(back.clean[2], changed)
    first = sent["actuals"][1]
    edit(changed, SHEETS["actuals"], {"F3": first["amount"] + 100, "A12": DAYS[-1], "C12": first["outlet_id"],
                                       "D12": first["sku"], "E12": 2, "F12": 500})
    third = collect(FileWorkbook(master), files=[changed])
    assert third.ok
    conflicts = [p for p in third.problems if p.code == "conflict"]
    assert [(p.cell, p.severity) for p in conflicts] == [(f"[{changed.name}]实际销售 Actuals!F3", "warning")]
    assert rows_of(master)["actuals"] == after["actuals"] + as_rows(
        [{"date": DAYS[-1], "rep_id": first["rep_id"], "outlet_id": first["outlet_id"], "sku": first["sku"],
          "qty": 2.0, "amount": 500.0}], "actuals")  # the new order in; the master's amount kept
    logged = read_log(FileWorkbook(master))[LOG_CONFLICTS.key].iloc[-1]
    assert (logged["cell"], float(logged["master_value"].replace(",", "")),
            float(logged["file_value"].replace(",", ""))) == ("实际销售 Actuals!F3", first["amount"], first["amount"] + 100)

    # Tracking reads the merged rows as if typed in the master: it runs to the last collected day.
    book = FileWorkbook(master)  # one workbook for the three steps: each sheet is read once
    tracked = track(book)
    assert tracked.ok and tracked.summary.startswith(f"截至 as of {DAYS[-1]:%Y-%m-%d}"), tracked.summary
    assert weekly(book).ok and followups(book).ok


def test_bad_files_each_get_a_clear_line_and_change_nothing(issued, back, tmp_path):
    truncated = tmp_path / "2026-12_R001_truncated.xlsx"
    truncated.write_bytes(back.clean[0].read_bytes()[:20_000])
    csv = tmp_path / "日志.csv"
    csv.write_text("日期,业务员编号\n2026-12-14,R001\n", encoding="utf-8")
    bad = [truncated, DATA / "encrypted.xlsx", DATA / "old_format.xls", csv, DEFAULT_TEMPLATE]
    master = master_copy(issued, tmp_path)
    before = digest(master)
    result = collect(FileWorkbook(master), files=bad)
    assert not result.ok and digest(master) == before
    assert errors_by_file(result) == sorted([
        (truncated.name, "", "corrupt-file"), ("encrypted.xlsx", "", "encrypted"), ("old_format.xls", "", "old-xls"),
        (csv.name, "", "not-xlsx"), (DEFAULT_TEMPLATE.name, "", "not-a-rep-file")])
    rows = rows_of(master)
    logged = collect(FileWorkbook(master), files=bad, skip_bad=True)
    assert logged.ok and rows_of(master) == rows  # with --skip-bad: listed in the log, no row added
    files = read_log(FileWorkbook(master))[LOG_FILES.key]
    assert list(files["status"]) == ["拒收 refused"] * 5
    assert files["note"].str.len().min() > 20


def flattened(path: Path, into: Path) -> Path:
    """The file as a phone app "saves as" .xlsx: every table a plain range, no drop-downs, no protection."""
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        for name in list(ws.tables):
            del ws.tables[name]
        ws.data_validations.dataValidation = []
        ws.protection.sheet = False
    book.security = None
    target = into / path.name
    book.save(target)
    return target


@needs_soffice
def test_files_resaved_by_libreoffice_or_flattened_collect_the_same(issued, back, tmp_path):
    chosen = [back.clean[i] for i in (0, 1, 3)]  # with an answer, the loosely typed one, a plain one
    resaved = tmp_path / "resaved"
    with tempfile.TemporaryDirectory() as profile:  # one soffice call for every file: starting it is the slow part
        done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                               "xlsx", "--outdir", str(resaved), *map(str, chosen)], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    flat = tmp_path / "flat"
    flat.mkdir()
    others = [resaved / chosen[0].name, resaved / chosen[1].name, flattened(chosen[2], flat)]
    original, copy = master_copy(issued, tmp_path, "a.xlsx"), master_copy(issued, tmp_path, "b.xlsx")
    assert collect(FileWorkbook(original), files=chosen).ok
    result = collect(FileWorkbook(copy), files=others)
    assert result.ok, [render(p) for p in result.problems if p.severity == "error"]
    assert rows_of(copy) == rows_of(original)
    answers = [read_inputs(FileWorkbook(p), only=("feedback",))[0]["feedback"][["rep_id", "proposal", "reason"]]
               for p in (original, copy)]
    pd.testing.assert_frame_equal(answers[0], answers[1])
