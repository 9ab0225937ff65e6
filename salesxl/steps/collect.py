"""收回 Collect: the reps' returned files merged into the master, idempotently, all or nothing.

Each file is read (:mod:`salesxl.workbook.repbook`) and checked (:mod:`salesxl.core.collect`): a
file that cannot be read, is not a rep's file, was issued by another master, for another month, in an
older version or to another rep, or whose rows name another rep, another rep's outlets or customers,
is refused with its file, sheet and cell. The clean files are merged in the order given: rows new to
the master are appended to its 日志 Daily Log, 实际销售 Actuals and 跟进记录 Touches, answers go to
反馈 Feedback, rows already there are skipped, and rows that changed are conflicts — listed with both
values, the master's kept. 收回记录 Collection Log records every file of every collect.

The master is written once, and only when every file is clean; with ``skip_bad`` the clean files
are collected and the refused ones listed (as warnings) in the log. After a collect, ``track``,
``weekly`` and ``followups`` read the merged rows as if they had been typed in the master.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from ..core.collect import (APPENDED, KEYS, Conflict, Merge, Outcome, Owners, Returned, check_fingerprint,
                            check_rows, issue_record, merge, own_rows)
from ..problems import Problem, has_errors, problem
from ..reports.agreement import feedback_sheet
from ..reports.reps import collection_log_sheet
from ..reports.versions import read_versions
from ..workbook import style
from ..workbook.backend import AppendedRows, WorkbookBackend
from ..workbook.filebook import backup_path
from ..workbook.reader import Inputs, find_sheet, read_table
from ..workbook.repbook import ReturnedFile, read_returned
from ..workbook.contract.reps import COLLECTION_LOG_TABLES, FILE_KIND, LOG_CONFLICTS, LOG_FILES, LOG_REFUSALS
from ..workbook.contract import schema as input_schema
from ..workbook.template import cell_value
from . import Progress, StepResult, quiet, run_step

COLLECT_READS = ("settings", "reps", "products", "outlets", "customers", "daily_log", "actuals", "touches",
                 "feedback")
SKIPPED_NAMES = ("~$", ".~lock.", ".", "~salesxl-")
"""Files in a folder that are not returned files: Office lock files, hidden files, salesxl's own temporaries."""


def collect(book: WorkbookBackend, progress: Progress = quiet, files: Sequence[Path] = (), skip_bad: bool = False,
            now: dt.datetime | None = None) -> StepResult:
    """收回 Collect: merge the returned ``files`` (or every file in a folder given) into the master."""

    def plan(inputs: Inputs):
        month = pd.Period(inputs.settings.plan_month, freq="M")
        paths = returned_paths(files, book.path)
        if not paths:
            where = "、".join(str(p) for p in files) or "—"
            return [], [problem(None, None, None, "no-files", f"没有要收回的文件：请把业务员交回的文件放进 {where}",
                                f"there are no files to collect: put the files the reps sent back in {where}")], ""
        record = issue_record(read_versions(book), month)
        owners = Owners.of(inputs["reps"], inputs["outlets"], inputs["customers"], inputs["products"])
        clean, refused, problems = [], [], []
        for path in paths:
            progress(f"读取 Reading {path.name}")
            file = read_returned(path)
            rows, found = checked(file, record, month, owners)
            if rows is None:
                refused.append((file, found))
            else:
                clean.append((file, rows, found))
        master = {key: inputs[key] for key in APPENDED + ("feedback",)}
        columns = {key: list(inputs.layouts[key].columns) for key in APPENDED}
        merged = merge(master, columns, [rows for _, rows, _ in clean], month)
        stamp = style.run_time(now).strftime("%Y-%m-%d %H:%M:%S")
        for (file, _, found), outcome in zip(clean, merged.outcomes):
            problems += found + file.locate(outcome.problems) + conflict_problems(file, outcome, inputs)
        for file, found in refused:
            problems += found if not skip_bad else [p.at(severity="warning") if p.severity == "error" else p
                                                    for p in found]
        appended, found = appended_rows(book, inputs, merged)
        problems += found
        outputs = [collection_log_sheet(*log_tables(book, inputs, clean, refused, merged, stamp))]
        if merged.feedback is not None:
            rows = merged.feedback.reset_index(drop=True)
            outputs.append(feedback_sheet(rows.astype(object).where(rows.notna(), None), month,
                                          inputs.settings.currency))
        return outputs + appended, problems, summary_of(merged, len(refused), skip_bad)

    return run_step(book, COLLECT_READS, plan, progress, now)


def returned_paths(given: Iterable[Path], master: Path | None = None) -> list[Path]:
    """The files to collect, in order: each file given, and the files of each folder given (by name),
    once each. In a folder, the master itself and its backup are not returned files."""
    found: dict[Path, None] = {}
    own = {p.resolve() for p in (master, backup_path(master)) if p is not None} if master else set()
    for path in map(Path, given):
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_file() and not child.name.startswith(SKIPPED_NAMES) and child.resolve() not in own:
                    found.setdefault(child.resolve(), None)
        else:
            found.setdefault(path.resolve() if path.exists() else path, None)
    return list(found)


def checked(file: ReturnedFile, record, month: pd.Period, owners: Owners) -> tuple[Returned | None, list[Problem]]:
    """A read file as the merge takes it (Rep ID filled in), or None when it is refused; and every
    problem found in it, located."""
    found = list(file.problems)
    if has_errors(found) or file.fingerprint is None:
        return None, found
    found += file.locate(check_fingerprint(file.fingerprint, record, month, file.name, FILE_KIND))
    if has_errors(found):
        return None, found
    tables = own_rows(file.tables, file.fingerprint.rep_id)
    found += file.locate(check_rows(tables, file.fingerprint, owners))
    if has_errors(found):
        return None, found
    return Returned(file.name, file.fingerprint.rep_id, tables), found


def conflict_problems(file: ReturnedFile, outcome: Outcome, inputs: Inputs) -> list[Problem]:
    """Each conflict as a warning at the file's cell, naming both values and the master's cell."""
    found = []
    for c in outcome.conflicts:
        where = master_place(c, inputs)
        found.append(problem(c.sheet, c.row, c.column, "conflict",
                             f"与{where}不同，未覆盖：总表 {c.master_value}，本文件 {c.file_value}（{c.row_key}）",
                             f"differs from {where}, not overwritten: master {c.master_value}, this file "
                             f"{c.file_value} ({c.row_key})", "warning"))
    return file.locate(found)


def master_place(conflict: Conflict, inputs: Inputs) -> str:
    """Where the other value is: the master's cell, or the earlier file of this collect."""
    if conflict.master_row is None:
        return f"[{conflict.other_file}]"
    layout = inputs.layouts[conflict.sheet]
    letter = layout.columns.get(conflict.column, ("",))[0]
    return f"{layout.sheet_name}!{letter}{conflict.master_row}"


def appended_rows(book: WorkbookBackend, inputs: Inputs, merged: Merge) -> tuple[list[AppendedRows], list[Problem]]:
    """The new rows as written below each master table, in the master's columns.

    A sheet the master lacks cannot take rows, nor can one without a column that names rows
    (:data:`~salesxl.core.collect.KEYS`): both are errors. A value in another column the master lacks is
    dropped, with a warning.
    """
    blocks, problems = [], []
    names = book.sheet_names()
    for key in APPENDED:
        rows = merged.added[key]
        if not len(rows):
            continue
        schema, layout = input_schema(key), inputs.layouts[key]
        if layout.sheet_name not in names:
            problems.append(problem(schema.name, None, None, "no-master-sheet",
                                    f"总表没有“{schema.name}”表，{len(rows)} 行无法收回；请添加该表后再收回",
                                    f"the master has no sheet '{schema.name}', so {len(rows)} rows cannot be "
                                    "collected; add the sheet and collect again"))
            continue
        missing = [c for c in schema.columns if c.key not in layout.columns]
        for column in missing:
            lost = int(rows[column.key].notna().sum()) if column.key in rows else 0
            if column.key in KEYS[key]:
                problems.append(problem(layout.sheet_name, layout.header_row, None, "no-key-column",
                                        f"总表“{layout.sheet_name}”缺少列“{column.label}”，无法识别各行；请添加该列",
                                        f"the master's '{layout.sheet_name}' has no column '{column.label}', which "
                                        "tells rows apart; add the column"))
            elif lost:
                problems.append(problem(layout.sheet_name, layout.header_row, None, "column-not-kept",
                                        f"总表“{layout.sheet_name}”没有“{column.label}”列，{lost} 个值未收回",
                                        f"the master's '{layout.sheet_name}' has no column '{column.label}'; "
                                        f"{lost} values were not collected", "warning"))
        raw = book.read_sheet(layout.sheet_name)
        columns = {}
        for column in schema.columns:
            if column.key in layout.columns:
                values = [cell_value(column, v) for v in rows[column.key].astype(object)]
                columns[layout.columns[column.key][0]] = (values, column.number_format)
        blocks.append(AppendedRows(layout.sheet_name, layout.header_row,
                                   last_filled_row(raw.rows, layout.header_row) + 1, columns))
    return blocks, problems


def last_filled_row(rows, header_row: int) -> int:
    """The last row holding anything (in any column): new rows go below it, never over a planner's cell."""
    for r in range(len(rows) - 1, header_row - 1, -1):
        if any(v is not None and v != "" for v in rows[r]):
            return r + 1
    return header_row


def log_tables(book: WorkbookBackend, inputs: Inputs, clean, refused, merged: Merge, stamp: str):
    """The Collection Log's three tables: the rows earlier collects left, then this collect's."""
    files, conflicts, refusals = [], [], []
    for (returned, _, _), outcome in zip(clean, merged.outcomes):
        fingerprint = returned.fingerprint
        status = ("已收回，有冲突 collected, with conflicts" if outcome.conflicts else
                  "已收回 collected" if sum(outcome.added.values()) else "无新内容 nothing new")
        files.append({"collected_at": stamp, "file": returned.name, "rep_id": fingerprint.rep_id,
                      "version": fingerprint.version, "status": status, **outcome.added,
                      "already": outcome.already, "conflicts": len(outcome.conflicts), "note": None})
        for c, p in zip(outcome.conflicts, conflict_problems(returned, outcome, inputs)):
            conflicts.append({"collected_at": stamp, "file": returned.name, "cell": p.cell.split("]", 1)[-1],
                              "row_key": c.row_key, "column": p.header or c.column, "master_value": c.master_value,
                              "master_cell": master_place(c, inputs), "file_value": c.file_value})
    for returned, found in refused:
        errors = [p for p in found if p.severity == "error"]
        fingerprint = returned.fingerprint
        files.append({"collected_at": stamp, "file": returned.name,
                      "rep_id": fingerprint.rep_id if fingerprint else None,
                      "version": fingerprint.version if fingerprint else None, "status": "拒收 refused",
                      **{k: 0 for k in APPENDED + ("feedback",)}, "already": 0, "conflicts": 0,
                      "note": errors[0].message if errors else None})
        for p in errors:
            refusals.append({"collected_at": stamp, "file": returned.name, "where": p.cell,
                             "reason_zh": p.message_zh, "reason_en": p.message_en, "code": p.code})
    before = read_log(book)
    return tuple(pd.concat([before[s.key], pd.DataFrame(new, columns=[c.key for c in s.columns])], ignore_index=True)
                 if len(before[s.key]) else pd.DataFrame(new, columns=[c.key for c in s.columns])
                 for s, new in zip(COLLECTION_LOG_TABLES, (files, conflicts, refusals)))


def read_log(book: WorkbookBackend) -> dict[str, pd.DataFrame]:
    """The Collection Log's tables as earlier collects left them (empty when there is no log yet)."""
    name = find_sheet(LOG_FILES, book.sheet_names())
    tables = {}
    for schema in (LOG_FILES, LOG_CONFLICTS, LOG_REFUSALS):
        if name is None:
            tables[schema.key] = pd.DataFrame(columns=[c.key for c in schema.columns])
            continue
        frame, _, _ = read_table(schema, book.read_sheet(name))
        tables[schema.key] = frame.reset_index(drop=True).astype(object).where(frame.notna().to_numpy(), None)
    return tables


def summary_of(merged: Merge, refused: int, skip_bad: bool) -> str:
    added = {k: sum(o.added[k] for o in merged.outcomes) for k in APPENDED + ("feedback",)}
    conflicts = sum(len(o.conflicts) for o in merged.outcomes)
    already = sum(o.already for o in merged.outcomes)
    text = (f"{len(merged.outcomes)} 个文件已收回 files collected, {refused} 个拒收 refused; 新增 added: "
            f"日志 daily log {added['daily_log']}, 实际销售 actuals {added['actuals']}, 跟进 touches {added['touches']}, "
            f"反馈 feedback {added['feedback']}; 已有 already there {already}; 冲突 conflicts {conflicts}")
    return text + ("（--skip-bad：拒收的文件未收回 refused files were skipped）" if skip_bad and refused else "")
