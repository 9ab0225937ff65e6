"""Every planner step timed on a workbook in the state a planner clicks it in (issue 22).

    python -m benchmarks.run --size medium --steps all      # or --steps track,weekly

The company of :func:`benchmarks.generate.month_in_progress` is written twice: two weeks into the month
(daily logs and actual sales to Friday the 11th) and at month end (the whole month's sales). On the first,
the steps run in the planner's order, each timed in a fresh process on the workbook the steps before it
left: check, target, backtest, breakdown, issue-draft, (the reps answer the draft: not timed), agree,
commitments, commitments with PDFs, expenses, expenses-review, track, weekly, followups. On the second,
the month is released, agreed and signed, budgeted, tracked and followed up without timing, then close and
dashboard are timed.

Each step reports its seconds, the rows of the sheets it read and of the tables it wrote (to sheets or
Parquet), its peak memory (``ru_maxrss``, the interpreter and libraries included) and where the seconds
went: reading (input sheets and the sheets read back), computing, writing and the PDF export.

Machines and moments differ (the VM is shared), so the run also times a fixed baseline in its own
process: fastexcel reading every sheet of the month-end input workbook. ``× base`` is a step's seconds
over that baseline, comparable across runs where seconds are not. ``cpu s`` is the processor time the
step's process used (all its threads): on a busy machine the seconds stretch while it stays about the same;
``LO cpu`` is the LibreOffice runs' (the PDF export's), which spread over the cores.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable  # (book, progress) -> StepResult


def step_table() -> dict[str, Step]:
    """The steps a planner clicks, by the name the CLI gives them (and the demo's stand-ins for typing)."""
    from salesxl import demo, steps
    from salesxl.steps import agree
    from salesxl.steps import expenses as expense_steps
    from salesxl.steps.backtest import backtest
    from salesxl.steps.breakdown import breakdown
    from salesxl.steps.close import close
    from salesxl.steps.commitments import commitments
    from salesxl.steps.dashboard import dashboard
    from salesxl.steps.followups import followups
    from salesxl.steps.target import target
    from salesxl.steps.track import track
    from salesxl.steps.weekly import weekly

    def with_pdfs(book, progress):
        folder = Path(book.path).with_name("pdf")
        shutil.rmtree(folder, ignore_errors=True)
        return commitments(book, progress, pdf_dir=folder)

    table = [
        Step("check", steps.check), Step("target", target), Step("backtest", backtest),
        Step("breakdown", breakdown), Step("issue-draft", agree.issue_draft),
        Step("answer-draft", demo.fill_demo_feedback), Step("agree", agree.agree),
        Step("agree-signed", demo.agree_signed_demo), Step("commitments", commitments),
        Step("commitments-pdf", with_pdfs), Step("expenses", expense_steps.expenses),
        Step("expenses-review", expense_steps.expenses_review), Step("track", track), Step("weekly", weekly),
        Step("followups", followups), Step("close", close), Step("dashboard", dashboard),
    ]
    return {step.name: step for step in table}


MID_MONTH = ["check", "target", "backtest", "breakdown", "issue-draft", "answer-draft", "agree", "commitments",
             "commitments-pdf", "expenses", "expenses-review", "track", "weekly", "followups"]
"""Two weeks into the month, in the planner's order."""
MONTH_END_PREP = ["target", "breakdown", "issue-draft", "answer-draft", "agree-signed", "expenses",
                  "expenses-review", "track", "followups"]
MONTH_END = ["close", "dashboard"]
UNTIMED = {"answer-draft", "agree-signed"}
"""What the reps and the manager type between steps (the demo's stand-ins), not a click to time."""
TIMED = [s for s in MID_MONTH if s not in UNTIMED] + MONTH_END


def wanted_steps(text: str) -> list[str]:
    """``all`` or a comma-separated list of timed step names, in the order they run."""
    if text == "all":
        return list(TIMED)
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in TIMED]
    if unknown:
        raise SystemExit(f"unknown steps {unknown}; choose from {', '.join(TIMED)}")
    return [n for n in TIMED if n in names]


# ---- in the measuring process ----

def measure_step(name: str, workbook: Path) -> dict:
    """Run one step on ``workbook`` (changing it, as the planner's click does) and say what it cost.

    The seconds are split by where they were spent, not by the phases a step announces: reading is the
    time inside :func:`~salesxl.workbook.reader.read_inputs` and the backend's ``read_sheet`` (input
    sheets and the sheets read back: issued targets, versions, notes), writing the time inside
    ``write_sheets``, the PDF export the time inside ``export_pdfs``; computing is the rest.
    """
    from salesxl.workbook.filebook import FileWorkbook

    step = step_table()[name]
    instrument()
    counts = {"rows_read": 0, "rows_written": 0, "sheets_read": []}
    SPENT.update(reading=0.0, writing=0.0, pdf=0.0)

    class Counting(FileWorkbook):
        @timed("reading")
        def read_sheet(self, sheet):
            fresh = sheet not in self._sheets
            raw = super().read_sheet(sheet)
            if fresh:
                counts["rows_read"] += len(raw.rows)
                counts["sheets_read"].append(sheet)
            return raw

        @timed("writing")
        def write_sheets(self, outputs):
            super().write_sheets(outputs)
            counts["rows_written"] += sum(len(t.frame) for o in outputs for t in o.tables)

    cpu, children = cpu_seconds(), cpu_seconds(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = step.run(Counting(workbook), lambda message: None)
    seconds = time.perf_counter() - start
    cpu, children = cpu_seconds() - cpu, cpu_seconds(resource.RUSAGE_CHILDREN) - children
    errors = [str(p) for p in result.problems if p.severity == "error"]
    if errors:
        raise SystemExit(f"{name} failed:\n" + "\n".join(errors[:20]))
    split = {"reading": SPENT["reading"], "computing": seconds - sum(SPENT.values()), "writing": SPENT["writing"],
             "pdf": SPENT["pdf"]}
    return {"step": name, "seconds": seconds, "cpu_seconds": cpu, "children_cpu_seconds": children, **counts,
            "split": {kind: round(part, 2) for kind, part in split.items()}, "summary": result.summary}


SPENT = {"reading": 0.0, "writing": 0.0, "pdf": 0.0}
"""Seconds spent reading, writing and exporting PDFs in the step being measured."""
_inside = [False]


def timed(kind: str):
    """Add the seconds spent in the decorated function to ``SPENT[kind]`` (the outermost call only: reading
    the inputs reads sheets, and that is counted once)."""
    def decorate(function):
        def measured(*args, **kwargs):
            if _inside[0]:
                return function(*args, **kwargs)
            _inside[0] = True
            begun = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                SPENT[kind] += time.perf_counter() - begun
                _inside[0] = False
        measured.measured = True
        return measured
    return decorate


def instrument() -> None:
    """Time every step's calls of ``read_inputs`` and the PDF export (once per process)."""
    from salesxl.workbook import pdf, reader

    for module in [m for n, m in list(sys.modules.items()) if n == "salesxl.steps" or n.startswith("salesxl.steps.")]:
        if getattr(module, "read_inputs", None) is reader.read_inputs:
            module.read_inputs = timed("reading")(reader.read_inputs)
    if not getattr(pdf.export_pdfs, "measured", False):
        pdf.export_pdfs = timed("pdf")(pdf.export_pdfs)


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """Processor time so far of this process, every thread's (user and system), or (``RUSAGE_CHILDREN``) of its
    children that have ended: the LibreOffice runs of the PDF export."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def measure_baseline(workbook: Path) -> dict:
    """The run's yardstick: fastexcel reading every sheet of ``workbook`` to pandas."""
    import fastexcel

    start = time.perf_counter()
    reader = fastexcel.read_excel(str(workbook))
    rows = sum(len(reader.load_sheet_by_name(n).to_pandas()) for n in reader.sheet_names)
    return {"step": "baseline", "seconds": time.perf_counter() - start, "rows_read": rows}


def child(args) -> None:
    if args.code:
        sys.path.insert(0, str(args.code))  # time another version of salesxl (a baseline in the same run)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.measure_step == "baseline":
        result = measure_baseline(args.workbook)
    elif args.measure_step.startswith("prep:"):
        for name in args.measure_step[5:].split(","):
            measure_step(name, args.workbook)
        result = {"step": args.measure_step}
    else:
        result = measure_step(args.measure_step, args.workbook)
    result.update(peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, start_mb=base)
    print(json.dumps(result, ensure_ascii=False))


# ---- the run ----

def in_child(what: str, workbook: Path, code: Path | None = None) -> dict:
    """Measure ``what`` in a fresh process; a step that fails is reported as failed (the run goes on)."""
    command = [sys.executable, "-m", "benchmarks.run", "--measure-step", what, "--workbook", str(workbook)]
    command += ["--code", str(code)] if code else []
    done = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    if done.returncode:
        lines = (done.stdout + done.stderr).strip().splitlines()
        print(f"{what} failed:\n" + "\n".join(lines[-15:]), file=sys.stderr)
        return {"step": what, "failed": lines[-1] if lines else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def inputs_workbook(size: str, seed: int, state: str, out: Path) -> Path:
    from .generate import SIZES, write_company

    path = out / f"{size}-{seed}-{state}.xlsx"
    if not path.exists():
        start = time.perf_counter()
        write_company(path, SIZES[size], seed, state)
        print(f"generated {path} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return path


def run_steps(size: str, seed: int, names: list[str], out: Path, code: Path | None = None,
              json_path: Path | None = None) -> dict:
    """Time ``names`` (each in the state the steps before it leave); returns the results."""
    from .run import machine

    work = out / f"steps-{size}-{seed}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    results: list[dict] = []
    end_inputs = inputs_workbook(size, seed, "month-end", out)
    print("measuring the baseline ...", file=sys.stderr)
    summary = {"size": size, "seed": seed, "baseline": in_child("baseline", end_inputs), "steps": results,
               "machine": machine(), "load": load_average(), "code": str(code) if code else None}

    def chain(state: Path, steps: list[str], timed: list[str], label: str) -> None:
        for name in steps[:max(steps.index(n) for n in timed) + 1]:  # each step before the last asked leaves its state
            if name == "commitments-pdf" and name not in timed:
                continue  # it leaves the state commitments leaves, plus PDFs no later step reads
            print(f"{'measuring' if name in timed else 'preparing'} {name} ...", file=sys.stderr)
            result = in_child(name if name in timed else f"prep:{name}", state, code)
            if name in timed:
                results.append({**result, "state": label})
                summary["load"] = load_average()
                if json_path:  # written as it goes: a run cut short keeps what it measured
                    json_path.parent.mkdir(parents=True, exist_ok=True)
                    json_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False))

    timed_mid = [n for n in names if n in MID_MONTH]
    if timed_mid:
        state = work / "mid-month.xlsx"
        shutil.copyfile(inputs_workbook(size, seed, "mid-month", out), state)
        chain(state, MID_MONTH, timed_mid, "mid-month")
    timed_end = [n for n in names if n in MONTH_END]
    if timed_end:
        state = work / "month-end.xlsx"
        shutil.copyfile(end_inputs, state)
        print(f"preparing the month end ({', '.join(MONTH_END_PREP)}) ...", file=sys.stderr)
        in_child("prep:" + ",".join(MONTH_END_PREP), state, code)
        chain(state, MONTH_END, timed_end, "month-end")
    summary["machine"] = machine()
    return summary


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in __import__("os").getloadavg()]
    except OSError:
        return []


LIMITS = {"medium": 5.0, "large": 30.0}
"""The issue's targets: every step at medium ≤ 5 s, at large ≤ 30 s (the PDF export aside)."""


def format_steps(summary: dict) -> str:
    base = summary["baseline"]["seconds"]
    limit = LIMITS.get(summary["size"])
    lines = [f"size {summary['size']} (seed {summary['seed']}); baseline (fastexcel reads the month-end inputs, "
             f"{summary['baseline']['rows_read']:,} rows): {base:.2f} s",
             f"{'step':16} {'state':9} {'seconds':>8} {'× base':>7} {'cpu s':>6} {'reading':>8} {'computing':>9} "
             f"{'writing':>8} {'pdf':>6} {'LO cpu':>6} {'rows read':>10} {'rows written':>12} {'peak MB':>8}"]
    for r in summary["steps"]:
        if "failed" in r:
            lines.append(f"{r['step']:16} {r['state']:9} failed: {r['failed'][:90]}")
            continue
        split = r["split"]
        over = " over" if limit and r["seconds"] - split.get("pdf", 0.0) > limit else ""
        lines.append(f"{r['step']:16} {r['state']:9} {r['seconds']:8.2f} {r['seconds'] / base:7.2f} "
                     f"{r['cpu_seconds']:6.1f} {split['reading']:8.2f} {split['computing']:9.2f} {split['writing']:8.2f} "
                     f"{split.get('pdf', 0.0):6.2f} {r.get('children_cpu_seconds', 0.0):6.1f} {r['rows_read']:10,} {r['rows_written']:12,} "
                     f"{r['peak_mb']:8,.0f}{over}")
    m = summary["machine"]
    lines.append(f"target: every step ≤ {limit:g} s at this size (PDF export aside)" if limit else "")
    lines.append(f"machine: {m['nproc']} cores, {m['cpu']}, {m['ram_gb']} GB RAM, Python {m['python']}; "
                 f"load average at the end {summary['load']}")
    return "\n".join(line for line in lines if line)
