"""Time salesxl against the I/O floor and against pandas + openpyxl, on the same workbook, in one run.

    python -m benchmarks.run --size medium [--seed 1] [--skip c] [--profile]
    python -m benchmarks.run --size medium --steps all      # every planner step (benchmarks/steps.py)

(a) salesxl end to end: the target step and the breakdown step on the planner's workbook (read the
    input sheets, compute, write the output sheets into the workbook), as ``salesxl target`` then
    ``salesxl breakdown`` do, on one :class:`~salesxl.workbook.filebook.FileWorkbook`.
(b) the I/O floor: read the same input sheets with fastexcel (to pandas), and write the same output
    rows as raw sheet XML (:mod:`benchmarks.rawxlsx`) into a new workbook; nothing else.
(c) what planners' scripts do today: ``pandas.read_excel`` and ``DataFrame.to_excel`` with openpyxl,
    writing the output tables into (a copy of) the workbook.

Each measurement runs in a fresh Python process, so its peak memory (``ru_maxrss``, which includes
the interpreter and imported libraries) is its own. Rows per second count the input rows read plus
the output rows written, the same numerator for all three. The outputs (a) wrote are handed to (b)
and (c) through a pickle, outside the timing.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
RESULTS = Path(__file__).resolve().parent / "results"


def input_sheet_names() -> list[str]:
    """The input sheets the target and the breakdown read (each read once by (b) and (c))."""
    from salesxl.core.plan import PLAN_SHEETS
    from salesxl.steps.breakdown import BREAKDOWN_SHEETS
    from salesxl.workbook.contract import INPUT_SHEETS

    keys = set(PLAN_SHEETS) | set(BREAKDOWN_SHEETS)
    return [s.name for s in INPUT_SHEETS if s.key in keys]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


# ---- (a) salesxl ----

def measure_salesxl(workbook: Path, work: Path, profile: Path | None = None) -> dict:
    from salesxl.steps.breakdown import breakdown
    from salesxl.steps.target import target
    from salesxl.workbook.filebook import FileWorkbook

    path = work / "a.xlsx"
    shutil.copyfile(workbook, path)
    for stale in spilled_files(work):
        stale.unlink()
    recorded, excluded = [], [0.0]
    outputs_file = open(work / "outputs.pickle", "wb")

    class Recording(FileWorkbook):
        def write_sheets(self, outputs):
            super().write_sheets(outputs)
            start = time.perf_counter()  # handing the outputs to (b) and (c) is not salesxl's time
            for output in outputs:
                pickle.dump([(output.sheet.name, [(t.frame[[c.key for c in t.columns]],
                                                   [(c.key, c.label, c.kind) for c in t.columns])
                                                  for t in output.tables])], outputs_file)
                recorded.append(output.sheet.name)
            excluded[0] += time.perf_counter() - start

    phases = []

    def progress(message: str) -> None:
        phases.append((round(time.perf_counter() - start - excluded[0], 2), message))

    profiler = None
    if profile:
        from pyinstrument import Profiler
        profiler = Profiler(interval=0.005)
        profiler.start()
    start = time.perf_counter()
    book = Recording(path)
    first = target(book, progress)
    second = breakdown(book, progress)
    seconds = time.perf_counter() - start - excluded[0]
    if profiler:
        profiler.stop()
        profile.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    outputs_file.close()
    problems = [str(p) for p in first.problems + second.problems if p.severity == "error"]
    if problems or not (first.ok and second.ok):
        raise SystemExit("salesxl failed:\n" + "\n".join(problems[:20]))
    return {"seconds": seconds, "written": recorded, "file_mb": path.stat().st_size / 2 ** 20, "phases": phases,
            "split": split_by_phase(phases, seconds)}


def split_by_phase(phases: list[tuple[float, str]], seconds: float) -> dict[str, float]:
    """Seconds spent reading, computing and writing, from the phases the steps report (each phase lasts
    until the next begins; the last until the end): the steps' reading and writing phases, the rest computes."""
    from salesxl.steps import READING, WRITING

    split = {"reading": 0.0, "computing": 0.0, "writing": 0.0}
    for (begun, message), ended in zip(phases, [t for t, _ in phases[1:]] + [seconds]):
        kind = "reading" if message == READING else "writing" if message == WRITING else "computing"
        split[kind] += ended - begun
    return {kind: round(spent, 2) for kind, spent in split.items()}


def load_outputs(work: Path) -> list:
    found = []
    with open(work / "outputs.pickle", "rb") as f:
        while True:
            try:
                found += pickle.load(f)
            except EOFError:
                return found


def output_rows(outputs) -> int:
    return sum(len(frame) for _, tables in outputs for frame, _ in tables)


def spilled_files(work: Path) -> list[Path]:
    """The Parquet files (a) wrote beside its workbook for tables too long for a sheet (issue 12's overflow)."""
    return sorted(work.glob("a.*.parquet"))


def spilled_tables(work: Path) -> dict[str, "object"]:
    """Those tables as frames (read outside the timing): (b) and (c) write the same rows to Parquet too."""
    import pandas as pd
    return {path.name[len("a"):]: pd.read_parquet(path) for path in spilled_files(work)}


def spilled_rows(work: Path) -> int:
    import pyarrow.parquet as pq
    return sum(pq.ParquetFile(path).metadata.num_rows for path in spilled_files(work))


# ---- (b) the I/O floor ----

def measure_floor(workbook: Path, work: Path) -> dict:
    import fastexcel

    from .rawxlsx import Block, write_xlsx

    import pyarrow as pa
    import pyarrow.parquet as pq

    outputs = load_outputs(work)
    spilled = spilled_tables(work)
    names = input_sheet_names()
    start = time.perf_counter()
    reader = fastexcel.read_excel(str(workbook))
    present = set(reader.sheet_names)
    frames = {name: reader.load_sheet_by_name(name).to_pandas() for name in names if name in present}
    read = time.perf_counter() - start
    sheets = [(name, [Block([label for _, label, _ in columns], frame, [kind for _, _, kind in columns])
                      for frame, columns in tables]) for name, tables in latest(outputs)]
    write_xlsx(work / "b.xlsx", sheets)
    for suffix, frame in spilled.items():
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), work / f"b{suffix}")
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows_in": sum(len(f) for f in frames.values()),
            "split": {"reading": round(read, 2), "computing": 0.0, "writing": round(seconds - read, 2)}}


def latest(outputs):
    """Each output sheet once, as last written (Versions is written by both steps)."""
    by_name = {}
    for name, tables in outputs:
        by_name[name] = tables
    return list(by_name.items())


# ---- (c) pandas + openpyxl ----

def measure_pandas(workbook: Path, work: Path) -> dict:
    import pandas as pd

    outputs = load_outputs(work)
    spilled = spilled_tables(work)
    path = work / "c.xlsx"
    shutil.copyfile(workbook, path)
    start = time.perf_counter()
    frames = pd.read_excel(path, sheet_name=input_sheet_names(), engine="openpyxl")
    with pd.ExcelWriter(path, engine="openpyxl", mode="a", if_sheet_exists="replace") as writer:
        for name, tables in latest(outputs):
            row = 0
            for frame, columns in tables:
                shown = frame.rename(columns={key: label for key, label, _ in columns})
                shown.to_excel(writer, sheet_name=name[:31], startrow=row, index=False)
                row += len(frame) + 2
    for suffix, frame in spilled.items():
        frame.to_parquet(work / f"c{suffix}", index=False)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows_in": sum(len(f) for f in frames.values())}


MEASURES = {"a": measure_salesxl, "b": measure_floor, "c": measure_pandas}
LABELS = {"a": "(a) salesxl end to end", "b": "(b) I/O floor: fastexcel + raw XML",
          "c": "(c) pandas read_excel/to_excel + openpyxl"}


# ---- the run ----

def child(args) -> None:
    """One measurement, in this process; prints its result as JSON on the last line."""
    base = peak_mb()
    kwargs = {"profile": args.profile} if args.measure == "a" and args.profile else {}
    result = MEASURES[args.measure](args.workbook, args.work, **kwargs)
    result.update(peak_mb=peak_mb(), start_mb=base)
    print(json.dumps(result))


def measure(which: str, workbook: Path, work: Path, profile: Path | None = None) -> dict:
    command = [sys.executable, "-m", "benchmarks.run", "--measure", which, "--workbook", str(workbook),
               "--work", str(work)] + (["--profile", str(profile)] if profile else [])
    done = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    if done.returncode:
        raise SystemExit(f"{which} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def input_rows(workbook: Path) -> int:
    """Data rows of the input sheets read (each once), by the salesxl reader: the header row is not a row."""
    from salesxl.workbook.filebook import FileWorkbook
    from salesxl.workbook.reader import read_inputs
    from salesxl.workbook.contract import INPUT_SHEETS

    names = set(input_sheet_names())
    inputs, _ = read_inputs(FileWorkbook(workbook), only=[s.key for s in INPUT_SHEETS if s.name in names])
    return sum(len(t) for t in inputs.tables.values())


def machine() -> dict:
    import importlib.metadata as meta

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() \
        else platform.processor()
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    versions = {}
    for package in ("pandas", "numpy", "openpyxl", "lxml", "fastexcel", "python-calamine", "pyarrow"):
        try:
            versions[package] = meta.version(package)
        except meta.PackageNotFoundError:
            pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": round(ram, 1), "python": platform.python_version(),
            "platform": platform.platform(), "versions": versions}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["small", "medium", "large", "large-fit"], default="medium")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip", default="", help="measurements to leave out, e.g. c")
    parser.add_argument("--profile", type=Path, nargs="?", const=True, default=None,
                        help="profile (a) with pyinstrument; in a measuring child: where to write the profile")
    parser.add_argument("--measure", choices=list(MEASURES), help=argparse.SUPPRESS)
    parser.add_argument("--workbook", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--steps", default=None,
                        help="time planner steps instead: all, or a list such as track,weekly (benchmarks/steps.py)")
    parser.add_argument("--code", type=Path, default=None,
                        help="with --steps: time the salesxl found in this folder (another version, as a baseline)")
    parser.add_argument("--measure-step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        child(args)
        return
    if args.measure_step:
        from .steps import child as step_child
        step_child(args)
        return
    if args.steps:
        from .steps import format_steps, run_steps, wanted_steps
        summary = run_steps(args.size, args.seed, wanted_steps(args.steps), OUT, args.code, args.json)
        print(format_steps(summary))
        return
    report = run(args.size, args.seed, set(args.skip), args.profile is not None, args.json)
    print(report)


def run(size: str, seed: int, skip: set[str], profile: bool = False, json_path: Path | None = None,
        out: Path = OUT) -> str:
    """Run the measurements; returns the printed report (and writes the JSON results)."""
    from .generate import SIZES, write_company

    workbook = out / f"{size}-{seed}.xlsx"
    if not workbook.exists():
        start = time.perf_counter()
        write_company(workbook, SIZES[size], seed)
        print(f"generated {workbook} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    work = out / f"work-{size}-{seed}"
    work.mkdir(parents=True, exist_ok=True)
    results = {}
    for which in "abc":
        if which in skip:
            continue
        print(f"measuring {LABELS[which]} ...", file=sys.stderr)
        results[which] = measure(which, workbook, work, out / f"profile-{size}.txt" if profile and which == "a"
                                 else None)
    rows_in = input_rows(workbook)
    rows_out = output_rows(latest(load_outputs(work))) + spilled_rows(work)
    summary = {"size": size, "seed": seed, "rows_in": rows_in, "rows_out": rows_out, "results": results,
               "machine": machine()}
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    return format_report(summary)


def format_report(summary: dict) -> str:
    rows = summary["rows_in"] + summary["rows_out"]
    lines = [f"size {summary['size']} (seed {summary['seed']}): {summary['rows_in']:,} input rows read, "
             f"{summary['rows_out']:,} output rows written",
             f"{'':44} {'seconds':>9} {'rows/s':>10} {'peak MB':>9}"]
    results = summary["results"]
    for which, result in results.items():
        lines.append(f"{LABELS[which]:44} {result['seconds']:9.2f} {rows / result['seconds']:10,.0f} "
                     f"{result['peak_mb']:9,.0f}")
    for which, result in results.items():
        if "split" in result:
            lines.append(f"    {LABELS[which][:3]} " + ", ".join(f"{kind} {spent:.2f} s"
                                                             for kind, spent in result["split"].items()))
    if "a" in results and "b" in results:
        lines.append(f"(a)/(b) = {results['a']['seconds'] / results['b']['seconds']:.2f}   (target ≤ 1.5)")
    if "a" in results and "c" in results:
        lines.append(f"(c)/(a) = {results['c']['seconds'] / results['a']['seconds']:.2f}   (target ≥ 5)")
    m = summary["machine"]
    lines.append(f"machine: {m['nproc']} cores, {m['cpu']}, {m['ram_gb']} GB RAM, Python {m['python']}; "
                 + ", ".join(f"{k} {v}" for k, v in m["versions"].items()))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
