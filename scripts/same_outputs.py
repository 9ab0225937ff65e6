"""Same outputs before and after: the refactor's safety net.

Runs three scenarios on a checkout of salesxl and compares every file they leave, byte for byte,
against the same scenarios run on a base revision:

* ``demo``: ``salesxl demo`` (the shipped demo workbook, two weeks into the month, every step run);
* ``month-end``: ``salesxl demo --month-end`` (the whole month, released, agreed and closed);
* ``bench-small``: the benchmark's small company (``benchmarks.generate``, seed 1) run through every
  command in the planner's order: check, target, backtest, breakdown, issue-draft, agree, commitments,
  expenses, expenses-review, track, weekly, followups, close, dashboard — steps that find errors
  leave the file unchanged, and their messages are compared too.

Each command's exit code, standard output and standard error are kept beside the workbooks
(``*.log``), so a changed number, message or sheet shows. The clock is frozen (time-machine at
2026-12-11 18:00 UTC, ``SOURCE_DATE_EPOCH`` set, ``TZ=UTC``, and the zip entries openpyxl makes from
its temporary files dated the same), and the login name fixed, so two runs of the same code give the
same bytes.

    python scripts/same_outputs.py                     # base = merge-base of HEAD and main
    python scripts/same_outputs.py --base b3c641d      # against a given revision
    python scripts/same_outputs.py --keep /tmp/outs    # keep both sides' files there

The base revision is checked out with ``git worktree add`` into a temporary folder and run with this
venv's Python (``PYTHONPATH`` points at that checkout); its outputs are cached by commit under
``--cache`` (default ``/tmp/salesxl-same-outputs``). Where two files differ, the xlsx's zip parts are
compared one by one and the first differing lines of each part are printed. Exit code 0 when every file
is identical, 1 otherwise. Needs ``time-machine`` (``pip install time-machine``).
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FROZEN = "2026-12-11 18:00:00"
EPOCH = "1797012000"  # 2026-12-11 18:00 UTC
SCENARIOS = ("demo", "month-end", "bench-small")
BENCH_COMMANDS = ["check", "target", "backtest", "breakdown", "issue-draft", "agree", "commitments", "expenses",
                  "expenses-review", "track", "weekly", "followups", "close", "dashboard"]

# Runs inside the checkout under test (its own salesxl and benchmarks packages), clock frozen.
DRIVER = r'''
import sys, datetime as dt
from pathlib import Path
import time_machine
scenario, out = sys.argv[1], Path(sys.argv[2])
traveller = time_machine.travel(dt.datetime(2026, 12, 11, 18, 0, tzinfo=dt.timezone.utc), tick=False)
traveller.start()
import zipfile
from_file = zipfile.ZipInfo.from_file.__func__

def dated_from_clock(cls, filename, arcname=None, **kwargs):
    # openpyxl zips its temporary sheet files, dated by their mtime, which no frozen clock reaches
    info = from_file(cls, filename, arcname, **kwargs)
    info.date_time = (2026, 12, 11, 18, 0, 0)
    return info

zipfile.ZipInfo.from_file = classmethod(dated_from_clock)
from typer.testing import CliRunner
from salesxl.cli import app

runner = CliRunner()
log = []

def invoke(*args):
    result = runner.invoke(app, [str(a) for a in args])
    log.append(f"$ salesxl {' '.join(str(a).replace(str(out), '<out>') for a in args)}\n"
               f"exit {result.exit_code}\n{result.output}")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback
        log.append("".join(traceback.format_exception(result.exception)))

if scenario == "demo":
    invoke("demo", out / "demo.xlsx")
elif scenario == "month-end":
    invoke("demo", "--month-end", out / "month-end.xlsx")
else:
    from benchmarks.generate import SIZES, write_company
    path = out / "bench-small.xlsx"
    write_company(path, SIZES["small"], seed=1)
    for command in sys.argv[3:]:
        invoke(command, path)
(out / f"{scenario}.log").write_text("\n".join(log).replace(str(out), "<out>"), encoding="utf-8")
'''


def produce(checkout: Path, out: Path) -> None:
    """Run every scenario on ``checkout``'s code, leaving its files in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(checkout), SOURCE_DATE_EPOCH=EPOCH, TZ="UTC", USER="planner",
               LOGNAME="planner", USERNAME="planner", COLUMNS="120", TERM="dumb", NO_COLOR="1")
    for scenario in SCENARIOS:
        extra = BENCH_COMMANDS if scenario == "bench-small" else []
        print(f"  {checkout.name}: {scenario}", flush=True)
        subprocess.run([sys.executable, "-c", DRIVER, scenario, str(out), *extra], cwd=out, env=env, check=True)


def compare(base: Path, new: Path) -> list[str]:
    """Every difference between the two folders' files, as lines to print (empty when identical)."""
    found = []
    names = sorted({p.relative_to(base) for p in base.rglob("*") if p.is_file()}
                   | {p.relative_to(new) for p in new.rglob("*") if p.is_file()})
    for name in names:
        a, b = base / name, new / name
        if not a.exists() or not b.exists():
            found.append(f"{name}: only in {'new' if b.exists() else 'base'}")
        elif a.read_bytes() != b.read_bytes():
            found.append(f"{name}: differs")
            found += ["    " + line for line in explain(a, b)]
    return found


def explain(a: Path, b: Path, lines: int = 12) -> list[str]:
    """Which parts of two xlsx files differ, and how; for other files, a unified diff."""
    if not zipfile.is_zipfile(a) or not zipfile.is_zipfile(b):
        return list(difflib.unified_diff(text(a.read_bytes()), text(b.read_bytes()), "base", "new", lineterm=""))[:40]
    za, zb = zipfile.ZipFile(a), zipfile.ZipFile(b)
    found = []
    if za.namelist() != zb.namelist():
        found.append(f"part list: base {za.namelist()} / new {zb.namelist()}")
    for part in sorted(set(za.namelist()) & set(zb.namelist())):
        pa, pb = za.read(part), zb.read(part)
        if pa != pb:
            diff = list(difflib.unified_diff(text(pa), text(pb), f"base {part}", f"new {part}", lineterm="", n=0))
            found.append(f"{part}: differs")
            found += ["  " + line[:200] for line in diff[:lines]]
    if not found:
        found.append("same parts, different zip bytes (entry order, dates or compression)")
    return found


def text(blob: bytes) -> list[str]:
    """A part's lines, XML split at tags so that one changed cell is one changed line."""
    decoded = blob.decode("utf-8", errors="replace")
    return decoded.replace("><", ">\n<").splitlines()


def checkout_of(revision: str) -> tuple[str, Path]:
    commit = subprocess.run(["git", "rev-parse", revision], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    where = Path(tempfile.mkdtemp(prefix="salesxl-base-"))
    subprocess.run(["git", "worktree", "add", "--detach", str(where), commit], cwd=ROOT, check=True,
                   capture_output=True)
    return commit, where


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="revision to compare against (default: merge-base of HEAD and main)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "salesxl-same-outputs")
    parser.add_argument("--keep", type=Path, help="also keep this checkout's outputs in this folder")
    args = parser.parse_args()
    revision = args.base or subprocess.run(["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True,
                                           text=True, check=True).stdout.strip()
    commit = subprocess.run(["git", "rev-parse", revision], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    reference = args.cache / commit[:12]
    if not (reference / "done").exists():
        print(f"base {commit[:12]}: producing the reference outputs", flush=True)
        _, where = checkout_of(commit)
        try:
            shutil.rmtree(reference, ignore_errors=True)
            produce(where, reference)
            (reference / "done").write_text(commit)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(where)], cwd=ROOT, check=False)
    new = args.keep or Path(tempfile.mkdtemp(prefix="salesxl-new-"))
    shutil.rmtree(new, ignore_errors=True)
    print("this checkout: producing its outputs", flush=True)
    produce(ROOT, new)
    (new / "done").write_text(commit)
    differences = compare(reference, new)
    for line in differences:
        print(line)
    files = len([p for p in reference.iterdir() if p.is_file()])
    print(f"{'DIFFERENT' if differences else 'identical'}: {files} files compared against {commit[:12]}")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
