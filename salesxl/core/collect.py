"""收回 Collect: merging the reps' returned files into the master, idempotently and without losing a row.

Pure functions on DataFrames (the files are read at the edge, :mod:`salesxl.workbook.repbook`):

* :func:`issue_record` and :func:`next_issue` read what the master issued from its Versions log: the
  master's ID and the version of each month's files.
* :func:`check_fingerprint` refuses a file issued by another master, for another month, in an older
  version, or renamed as another rep's; :func:`check_rows` refuses rows that name another rep, another
  rep's outlets or customers, things the master does not know, or dates outside the month.
* :func:`merge` takes the clean files in order. Every row has an identity (:data:`KEYS`: rep, date,
  stop or outlet, SKU...); a row whose identity is already in the master with the same values is
  already there (collecting a file twice adds nothing); with other values it is a conflict, listed with
  both values and never written over the master's; anything else is added.

Problems name the file's sheets and columns by key and the Excel row the reader kept; the edge
gives them the file's name, sheet and cell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..problems import Problem, problem
from .agreement import blank, same_month

APPENDED = ("daily_log", "actuals", "touches")
"""The sheets whose rows are appended to the master's sheets of the same kind."""

KEYS: dict[str, tuple[str, ...]] = {
    "daily_log": ("rep_id", "date", "stop", "outlet_id", "expense_category"),
    "actuals": ("rep_id", "date", "outlet_id", "sku"),
    "touches": ("rep_id", "date", "customer_id", "channel"),
}
"""What makes a row the same row. A Daily Log row with a stop is named by (rep, date, stop): its outlet
and expense category are then values that may change; a row without a stop (the day's travel) by its
outlet and expense category. Rows with equal keys are told apart by their order (the first, the second...)."""

ANSWERS = ("proposal", "reason")
"""The Feedback cells a rep answers."""

ISSUE_STEP = "issue-files 下发到业务员"
"""The step name of issue-files' rows on the Versions log."""


# ---- What the master issued, and what a file says it is ----

@dataclass(frozen=True)
class IssueRecord:
    """What the master's Versions log says was issued.

    Attributes:
        master: the master's ID (made by the first issue, kept by every later one), or None.
        version: the latest version issued for the month, or None if no files were issued for it.
    """

    master: str | None
    version: int | None


@dataclass(frozen=True)
class Fingerprint:
    """What a rep's file says about itself (its hidden 指纹 Fingerprint sheet).

    Attributes:
        kind: the file-kind marker (see ``contract.reps.FILE_KIND``).
        master, master_name: the master's ID and file name when the file was issued.
        month: the plan month the file is for (None when unreadable).
        version: the version of the month's files (None when unreadable).
        rep_id, rep_name: the rep the file was issued to.
        rows: fingerprint key -> the Excel row it was read from (for messages).
    """

    kind: str
    master: str
    master_name: str
    month: pd.Period | None
    version: int | None
    rep_id: str
    rep_name: str
    rows: Mapping[str, int] = field(default_factory=dict)


def parameters_of(text: Any) -> dict[str, str]:
    """``"version=2; master=ab12; reps=30"`` -> ``{"version": "2", ...}`` (a Versions row's parameters)."""
    found = {}
    for part in str(text or "").split(";"):
        key, sep, value = part.partition("=")
        if sep:
            found[key.strip()] = value.strip()
    return found


def issue_record(versions: pd.DataFrame, month: pd.Period) -> IssueRecord:
    """The master's ID and the latest version issued for ``month``, from the Versions log."""
    rows = versions[versions["step"].astype(str) == ISSUE_STEP] if len(versions) else versions
    master, version = None, None
    for _, row in rows.iterrows():
        found = parameters_of(row["parameters"])
        master = master or found.get("master") or None
        if same_month(row["month"], month) and found.get("version", "").isdigit():
            version = max(version or 0, int(found["version"]))
    return IssueRecord(master, version)


def next_issue(versions: pd.DataFrame, month: pd.Period, content: str, new_master: str) -> tuple[int, str]:
    """``(version, master ID)`` for issuing files with ``content`` (a fingerprint of what they hold).

    Issuing the same content again keeps its version, so a rerun replaces the files and the files
    already with the reps stay current; other content is the next version. The master keeps the ID
    of its first issue (``new_master`` is used only when there is none).
    """
    record = issue_record(versions, month)
    rows = versions[versions["step"].astype(str) == ISSUE_STEP] if len(versions) else versions
    for _, row in rows.iterrows():
        found = parameters_of(row["parameters"])
        same = same_month(row["month"], month) and str(row["fingerprint"]) == content
        if same and found.get("version", "").isdigit():
            return int(found["version"]), record.master or new_master
    return (record.version or 0) + 1, record.master or new_master


def check_fingerprint(fingerprint: Fingerprint, record: IssueRecord, month: pd.Period, file_name: str,
                      expected_kind: str) -> list[Problem]:
    """Refuse a file that is not this master's current file for this month, or that was renamed as
    another rep's (``2026-02_R005_…`` holding R001's file)."""
    def refuse(key, code, zh, en):
        return [problem("fingerprint", fingerprint.rows.get(key), "value", code, zh, en)]

    if fingerprint.kind != expected_kind:
        return refuse("kind", "not-a-rep-file", "不是 salesxl 下发的业务员文件", "not a rep's file issued by salesxl")
    if record.master is None or record.version is None:
        return refuse("master", "nothing-issued",
                      f"总表没有 {month} 的下发记录（版本表中没有 issue-files 行）；请先运行 salesxl issue-files",
                      f"the master has no record of files issued for {month} (no issue-files row on Versions); "
                      "run salesxl issue-files first")
    if fingerprint.master != record.master:
        return refuse("master", "other-master",
                      f"此文件由另一个总表（{fingerprint.master_name}）下发，不属于本总表",
                      f"this file was issued by another master workbook ({fingerprint.master_name}), not this one")
    if fingerprint.month != month:
        return refuse("month", "other-month",
                      f"此文件是 {fingerprint.month} 的，总表的计划月份是 {month}",
                      f"this file is for {fingerprint.month}; the master's plan month is {month}")
    if fingerprint.version is None or fingerprint.version < record.version:
        return refuse("version", "older-version",
                      f"此文件是第 {fingerprint.version} 版，之后已下发第 {record.version} 版；请把行复制到新版文件后交回",
                      f"this file is version {fingerprint.version} and version {record.version} has been issued "
                      "since; copy its rows into the new file and return that")
    if fingerprint.version > record.version:
        return refuse("version", "unknown-version",
                      f"此文件是第 {fingerprint.version} 版，总表只下发到第 {record.version} 版（总表是旧副本？）",
                      f"this file is version {fingerprint.version} but the master issued only up to version "
                      f"{record.version} (is the master an old copy?)")
    named = re.match(r"(\d{4}-\d{2})_([^_]+)_", file_name)
    if named and named.group(2) != fingerprint.rep_id:
        return refuse("rep_id", "other-rep-file",
                      f"文件名写的是 {named.group(2)}，但此文件是下发给 {fingerprint.rep_id} {fingerprint.rep_name} 的",
                      f"the file name says {named.group(2)}, but the file was issued to {fingerprint.rep_id} "
                      f"{fingerprint.rep_name}")
    return []


# ---- Rows that are not the rep's to report ----

@dataclass(frozen=True)
class Owners:
    """Who owns what, from the master's sheets.

    Attributes:
        reps: rep ID -> name.
        outlets: outlet ID -> the rep who serves it.
        customers: customer ID -> the reps who may report touches on it (owner, and a key
            project's dedicated owner, by ID or name).
        skus: the SKUs on the Products sheet.
    """

    reps: Mapping[str, str]
    outlets: Mapping[str, str]
    customers: Mapping[str, frozenset[str]]
    skus: frozenset[str]

    @classmethod
    def of(cls, reps: pd.DataFrame, outlets: pd.DataFrame, customers: pd.DataFrame, products: pd.DataFrame
           ) -> "Owners":
        names = {str(r): "" if blank(n) else str(n) for r, n in zip(reps["rep_id"], reps["name"])}
        by_name = {n: r for r, n in names.items() if n}
        allowed = {}
        for _, c in customers.iterrows():
            who = {str(c["rep_id"])}
            owner = c.get("project_owner")
            if not blank(owner):
                who.add(by_name.get(str(owner).strip(), str(owner).strip()))
            allowed[str(c["customer_id"])] = frozenset(who)
        return cls(names, {str(o): str(r) for o, r in zip(outlets["outlet_id"], outlets["rep_id"])}, allowed,
                   frozenset(str(s) for s in products["sku"]))


def own_rows(tables: Mapping[str, pd.DataFrame], rep_id: str) -> dict[str, pd.DataFrame]:
    """The file's rows with a blank Rep ID read as the file's rep (the file is theirs)."""
    owned = {}
    for key, frame in tables.items():
        frame = frame.copy()
        if "rep_id" in frame:
            frame["rep_id"] = [rep_id if blank(v) else str(v).strip() for v in frame["rep_id"]]
        owned[key] = frame
    return owned


def check_rows(tables: Mapping[str, pd.DataFrame], fingerprint: Fingerprint, owners: Owners) -> list[Problem]:
    """Rows a rep's file may not hold: another rep's, another rep's outlets or customers, outlets, SKUs or
    customers the master does not know, dates outside the file's month, a Feedback row not theirs."""
    rep, month = fingerprint.rep_id, fingerprint.month
    who = f"{rep} {owners.reps.get(rep, fingerprint.rep_name)}".strip()
    problems: list[Problem] = []

    def name_of(other: str) -> str:
        return f"{other} {owners.reps.get(other, '')}".strip()

    for key, frame in tables.items():
        for row, entry in frame.iterrows():
            found = []
            if "rep_id" in frame and not blank(entry["rep_id"]) and str(entry["rep_id"]) != rep:
                found.append(("rep_id", "row-other-rep",
                              f"这一行写的是业务员 {name_of(str(entry['rep_id']))}，此文件是 {who} 的",
                              f"the row names rep {name_of(str(entry['rep_id']))}; this file is {who}'s"))
            if key == "feedback":
                if not blank(entry["month"]) and pd.Period(entry["month"], freq="M") != month:
                    found.append(("month", "feedback-other-month", f"反馈行的月份不是 {month}",
                                  f"the Feedback row is not for {month}"))
            elif not blank(entry.get("date")) and pd.Timestamp(entry["date"]).to_period("M") != month:
                found.append(("date", "date-outside-month",
                              f"日期 {pd.Timestamp(entry['date']):%Y-%m-%d} 不在此文件的月份 {month} 内",
                              f"the date {pd.Timestamp(entry['date']):%Y-%m-%d} is not in the file's month {month}"))
            outlet = entry.get("outlet_id")
            if key in ("daily_log", "actuals") and not blank(outlet):
                owner = owners.outlets.get(str(outlet))
                if owner is None:
                    found.append(("outlet_id", "unknown-outlet", f"网点“{outlet}”不在总表的网点表中",
                                  f"the outlet '{outlet}' is not on the master's Outlets sheet"))
                elif owner != rep:
                    found.append(("outlet_id", "outlet-other-rep",
                                  f"网点 {outlet} 属于业务员 {name_of(owner)}，不是 {who}",
                                  f"the outlet {outlet} is served by {name_of(owner)}, not {who}"))
            if key == "actuals" and not blank(entry.get("sku")) and str(entry["sku"]) not in owners.skus:
                found.append(("sku", "unknown-sku", f"产品“{entry['sku']}”不在总表的产品表中",
                              f"the SKU '{entry['sku']}' is not on the master's Products sheet"))
            customer = entry.get("customer_id")
            if key == "touches" and not blank(customer):
                allowed = owners.customers.get(str(customer))
                if allowed is None:
                    found.append(("customer_id", "unknown-customer", f"客户“{customer}”不在总表的客户跟进表中",
                                  f"the customer '{customer}' is not on the master's Customers sheet"))
                elif rep not in allowed:
                    owner = sorted(allowed)[0]
                    found.append(("customer_id", "customer-other-rep",
                                  f"客户 {customer} 由 {name_of(owner)} 负责，不是 {who}",
                                  f"the customer {customer} is followed by {name_of(owner)}, not {who}"))
            problems += [problem(key, int(row), column, code, zh, en) for column, code, zh, en in found]
    return problems


# ---- Merging ----

@dataclass(frozen=True)
class Returned:
    """One clean returned file, ready to merge.

    Attributes:
        name: the file's name (``2026-02_R001_张伟.xlsx``).
        rep_id: the rep it was issued to.
        tables: sheet key -> its rows (Rep ID filled in), indexed by Excel row; ``feedback`` too.
    """

    name: str
    rep_id: str
    tables: Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class Conflict:
    """A row (or Feedback answer) that differs from what the master holds under the same identity.

    Attributes:
        sheet, row, column: where in the file (sheet key, Excel row, column key).
        row_key: the row's identity as text (``R001 · 2026-12-14 · 2``).
        master_value, file_value: both values as shown.
        master_row: the master's Excel row (None when the other value came from an earlier file of this collect).
        other_file: that earlier file's name, or None.
    """

    sheet: str
    row: int
    column: str
    row_key: str
    master_value: str
    file_value: str
    master_row: int | None
    other_file: str | None = None


@dataclass
class Outcome:
    """What one file brought: rows added per sheet, rows already there, conflicts, problems."""

    name: str
    rep_id: str
    added: dict[str, int] = field(default_factory=lambda: {k: 0 for k in APPENDED + ("feedback",)})
    already: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Merge:
    """The result of a collect.

    Attributes:
        added: sheet key -> the rows to append to the master's sheet (the sheet's columns), in file order.
        feedback: the master's Feedback rows with the new answers, or None when no answer was added.
        outcomes: one per file, in the order taken.
    """

    added: dict[str, pd.DataFrame]
    feedback: pd.DataFrame | None
    outcomes: list[Outcome]


def merge(master: Mapping[str, pd.DataFrame], columns: Mapping[str, Sequence[str]], files: Iterable[Returned],
          month: pd.Period) -> Merge:
    """Take each clean file in turn into the master's rows.

    ``master`` holds the master's ``daily_log``, ``actuals``, ``touches`` and ``feedback`` (indexed by
    Excel row); ``columns`` the columns each of the master's sheets has (a value in a column the master
    lacks cannot be kept, and is not compared). A file's row whose identity the master (or an earlier
    file of this collect) already holds is compared with it: equal is already there, different is a
    conflict; the master's value is kept either way.
    """
    seen = {key: Seen.of(master[key], key, columns[key]) for key in APPENDED}
    added: dict[str, list[pd.DataFrame]] = {key: [] for key in APPENDED}
    feedback = master["feedback"].copy()
    answered = False
    outcomes = []
    for file in files:
        outcome = Outcome(file.name, file.rep_id)
        for key in APPENDED:
            frame = file.tables.get(key)
            if frame is None or not len(frame):
                continue
            new = seen[key].take(frame, file.name, outcome)
            if len(new):
                added[key].append(new)
                outcome.added[key] += len(new)
        if "feedback" in file.tables:
            answered |= take_answers(feedback, file.tables["feedback"], file, month, outcome)
        outcomes.append(outcome)
    frames = {key: pd.concat(parts) if parts else master[key].iloc[0:0] for key, parts in added.items()}
    return Merge(frames, feedback if answered else None, outcomes)


@dataclass
class Seen:
    """The rows of one sheet known so far, by identity: the master's, then each file's added rows."""

    key: str
    compared: tuple[str, ...]
    rows: dict[tuple, tuple[tuple, int | None, str | None]]  # identity -> (values, master row, file name)

    @classmethod
    def of(cls, frame: pd.DataFrame, key: str, columns: Sequence[str]) -> "Seen":
        compared = tuple(c for c in columns if c not in ("rep_id", "date"))  # always part of the identity
        seen = cls(key, compared, {})
        for identity, values, row in zip(identities(frame, key), value_rows(frame, compared), frame.index):
            seen.rows[identity] = (values, int(row), None)
        return seen

    def take(self, frame: pd.DataFrame, name: str, outcome: Outcome) -> pd.DataFrame:
        """Sort the file's rows into new (returned), already there and conflicts (counted on ``outcome``)."""
        keep = []
        for identity, values, row in zip(identities(frame, self.key), value_rows(frame, self.compared), frame.index):
            known = self.rows.get(identity)
            if known is None:
                self.rows[identity] = (values, None, name)
                keep.append(row)
                continue
            before, master_row, other = known
            differ = [(c, b, v) for c, b, v in zip(self.compared, before, values) if b != v]
            if not differ:
                outcome.already += 1
                continue
            text = key_text(identity)
            for column, b, v in differ:
                outcome.conflicts.append(Conflict(self.key, int(row), column, text, shown(b), shown(v), master_row,
                                                  other))
        return frame.loc[keep]


def identities(frame: pd.DataFrame, sheet: str) -> list[tuple]:
    """Each row's identity: its key values (:data:`KEYS`) and which of the rows with those values it is."""
    keys = []
    for values in frame[list(KEYS[sheet])].itertuples(index=False):
        values = [normal(v) for v in values]
        if sheet == "daily_log" and values[2] is not None:
            values[3] = values[4] = None  # a stop names the row; its outlet and category are values
        keys.append(tuple(values))
    count: Counter = Counter()
    numbered = []
    for key in keys:
        numbered.append(key + (count[key],))
        count[key] += 1
    return numbered


def value_rows(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple]:
    return [tuple(normal(v) for v in values) for values in frame[list(columns)].itertuples(index=False)]


def take_answers(feedback: pd.DataFrame, rows: pd.DataFrame, file: Returned, month: pd.Period,
                 outcome: Outcome) -> bool:
    """Copy the rep's proposal and reason into the master's Feedback row for the month (in place).

    A blank answer in the master is filled; an equal one is already there; a different one is a
    conflict and stays. The draft the rep answered is kept (``draft_seen``), and a change of the
    draft since then is flagged, as a re-issue of the draft would.
    """
    answers = rows[[any(not blank(r[c]) for c in ANSWERS) for _, r in rows.iterrows()]]
    if not len(answers):
        return False
    row, answer = next(iter(answers.iterrows()))
    mine = [i for i, r in feedback.iterrows() if str(r["rep_id"]) == file.rep_id and same_month(r["month"], month)]
    if not mine:
        outcome.problems.append(problem("feedback", int(row), "rep_id", "feedback-no-row",
                                        f"总表的反馈表没有 {file.rep_id} 的 {month} 行，提议未收回；请先运行 salesxl issue-draft",
                                        f"the master's Feedback sheet has no {month} row for {file.rep_id}, so the "
                                        "answer was not collected; run salesxl issue-draft first", "warning"))
        return False
    target = mine[0]
    changed = False
    for column in ANSWERS:
        value, before = answer[column], feedback.at[target, column]
        if blank(value) or normal(value) == normal(before):
            outcome.already += int(not blank(value))
            continue
        if not blank(before):
            outcome.conflicts.append(Conflict("feedback", int(row), column, f"{file.rep_id} · {month}",
                                              shown(normal(before)), shown(normal(value)), int(target)))
            continue
        feedback.at[target, column] = value
        changed = True
    if changed:
        outcome.added["feedback"] += 1
        seen = answer.get("draft")
        if blank(feedback.at[target, "draft_seen"]) and not blank(seen):
            feedback.at[target, "draft_seen"] = float(seen)
            draft = feedback.at[target, "draft"]
            if not blank(draft) and round(float(seen) - float(draft), 6) != 0:
                feedback.at[target, "draft_changed"] = f"{float(seen):,.2f} → {float(draft):,.2f}"
    return changed


# ---- Values as compared and shown ----

def normal(value: Any) -> Any:
    """A value as compared: blanks are None, numbers rounded to 6 places, dates as dates, text stripped."""
    if blank(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return pd.Timestamp(value).date() if pd.Timestamp(value) == pd.Timestamp(value).normalize() else \
            pd.Timestamp(value).to_pydatetime()
    if isinstance(value, (int, float, np.integer, np.floating)):
        return round(float(value), 6) + 0.0
    if isinstance(value, str):
        return value.strip()
    return value


def shown(value: Any) -> str:
    """A compared value as a planner reads it: ``1,250.5``, ``2026-12-14``, ``是``, blank as ``（空）``."""
    if value is None:
        return "（空 blank）"
    if isinstance(value, bool):
        return "是 yes" if value else "否 no"
    if isinstance(value, float):
        return f"{value:,.6f}".rstrip("0").rstrip(".")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d") if not isinstance(value, dt.datetime) else value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def key_text(identity: tuple) -> str:
    """A row's identity as text: its filled key values, and which of equal rows it is when not the first."""
    *values, nth = identity
    text = " · ".join(shown(v) for v in values if v is not None)
    return text + (f" （第{nth + 1}行 #{nth + 1}）" if nth else "")
