"""The ``周报 Weekly Review`` sheet: one block per rep for the weekly meeting 周例会.

The team in one table first, then a block per rep: the week's figures and the
month to date at the week's end, the issues the rep raised in the daily logs,
and two cells the meeting fills in — the rep's report 述职 and the manager's
comment 点评. Those cells belong to the planner: before the sheet is rewritten
they are read back (:func:`read_notes`) and written again, keyed by week and
rep, so a rerun never loses them. Notes of other weeks are kept at the bottom.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..core.tracking import WeekReview
from ..workbook.backend import OutColumn, OutTable, RawSheet, SheetOutput
from ..workbook.cells import is_blank
from ..workbook.render import TOTAL_LABEL
from ..workbook.schema import Column, SheetSchema
from ..workbook.contract.tracking import WEEKLY_REVIEW

NOTE_COLUMNS = (
    OutColumn("week", "周", "Week", "integer"),
    OutColumn("rep_id", "业务员编号", "Rep ID"),
    OutColumn("name", "姓名", "Name"),
    OutColumn("report", "述职", "Rep report", "note"),
    OutColumn("comment", "点评", "Manager comment", "note"),
)
NOTES = SheetSchema("weekly_notes", "述职与点评", "Reports and comments",
                    tuple(Column(c.key, c.zh, c.en, required=False) for c in NOTE_COLUMNS), issued=True)
"""How a notes table is recognised when the sheet is read back: by its headers, wherever it is."""
NOTE_KEYS = {"week", "rep_id", "report", "comment"}

Notes = dict[tuple[int, str], tuple[Any, Any]]
"""(week, rep ID) -> (rep report, manager comment), as the planner typed them."""

WEEK_FIGURES = (
    OutColumn("week_target", "本周目标", "Week target", "amount", True),
    OutColumn("week_actual", "本周实际", "Week actual", "amount", True),
    OutColumn("week_attainment", "本周完成率", "Week attainment", "percent", look="tier"),
    OutColumn("target_to_date", "月累计目标", "Month target to date", "amount", True),
    OutColumn("actual", "月累计实际", "Month actual to date", "amount", True),
    OutColumn("attainment", "月完成率", "Month attainment", "percent", look="tier"),
    OutColumn("pace", "进度比", "Pace", "percent", look="tier"),
    OutColumn("forecast_run_rate", "月末预测", "Month-end forecast", "amount", True),
    OutColumn("need_base", "日需(基础)", "Needed per day (base)", "amount"),
    OutColumn("week_visits_planned", "本周计划拜访", "Visits planned", "integer", True),
    OutColumn("week_visits_done", "本周已拜访", "Visits made", "integer", True),
    OutColumn("week_visits_missed", "计划未拜访", "Planned, not made", "integer", True),
    OutColumn("week_expense", "本周费用", "Week expenses", "amount", True),
    OutColumn("expense", "月累计费用", "Month expenses", "amount", True),
)


def weekly_sheet(review: WeekReview, month: pd.Period, notes: Notes) -> SheetOutput:
    """The Weekly Review for ``review``'s week, with the planner's earlier notes put back."""
    week = review.week
    label = f"第{week}周 Week {week}"
    reps = review.reps
    tables = [OutTable(reps, [OutColumn("rep_id", "业务员编号", "Rep ID"), OutColumn("name", "姓名", "Name"),
                              OutColumn("region", "区域", "Region"), *WEEK_FIGURES],
                       heading=f"团队 Team — {label}", name="weekly_team")]
    shown = set()
    one_row = [OutColumn(c.key, c.zh, c.en, c.kind, look=c.look) for c in WEEK_FIGURES]
    for rep in reps.itertuples():
        who = f"{rep.rep_id} {rep.name if isinstance(rep.name, str) else ''}".strip()
        region = f" · {rep.region}" if isinstance(rep.region, str) else ""
        tables.append(OutTable(reps[reps["rep_id"] == rep.rep_id], one_row, heading=f"{who}{region} — {label}"))
        raised = review.issues[review.issues["rep_id"] == rep.rep_id]
        if len(raised):
            tables.append(OutTable(raised, [
                OutColumn("date", "日期", "Date", "date"), OutColumn("outlet_id", "网点编号", "Outlet ID"),
                OutColumn("feedback", "客户反馈", "Customer feedback"), OutColumn("next_action", "下一步", "Next action"),
            ], heading=f"日志中的问题 Issues raised in the logs（{len(raised)}）"))
        report, comment = notes.get((week, rep.rep_id), (None, None))
        shown.add((week, rep.rep_id))
        tables.append(OutTable(pd.DataFrame([{"week": week, "rep_id": rep.rep_id, "name": rep.name,
                                              "report": report, "comment": comment}]),
                               NOTE_COLUMNS, heading="述职与点评 Rep report and manager comment"))
    kept = sorted(key for key in notes if key not in shown)
    if kept:
        names = dict(zip(reps["rep_id"], reps["name"]))
        tables.append(OutTable(pd.DataFrame([{"week": w, "rep_id": r, "name": names.get(r), "report": notes[(w, r)][0],
                                              "comment": notes[(w, r)][1]} for w, r in kept]),
                               NOTE_COLUMNS, heading="其他周的述职与点评 Reports and comments of other weeks"))
    return SheetOutput(
        WEEKLY_REVIEW,
        subtitle=f"{month} {label} · {review.start:%Y-%m-%d} – {review.end:%Y-%m-%d}",
        notes=["述职、点评两列由例会填写，重新生成本表时按周和业务员保留。"
               " The report and comment cells are filled in at the meeting and kept, by week and rep, on every rerun."],
        tables=tables,
    )


def read_notes(raw: RawSheet) -> Notes:
    """Every rep report and manager comment on a Weekly Review sheet, wherever its notes tables are.

    A notes table is found by its headers (week, rep ID, report, comment) and read down to the first blank
    row. The first note for a week and rep wins; rows with neither a report nor a comment are skipped.
    """
    notes: Notes = {}
    rows = raw.rows
    r = 0
    while r < len(rows):
        matched, _ = NOTES.match_headers(rows[r])
        columns = {column.key: j for j, column in matched.items()}
        if not NOTE_KEYS <= set(columns):
            r += 1
            continue
        r += 1
        while r < len(rows):
            row = rows[r]
            cells = {key: (row[j] if j < len(row) else None) for key, j in columns.items()}
            if all(is_blank(v) for v in cells.values()) or (row and row[0] == TOTAL_LABEL):
                break
            week, rep = whole_number(cells["week"]), cells["rep_id"]
            text = (blank_to_none(cells["report"]), blank_to_none(cells["comment"]))
            if week is not None and not is_blank(rep) and text != (None, None):
                notes.setdefault((week, str(rep).strip()), text)
            r += 1
    return notes


def whole_number(value: Any) -> int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def blank_to_none(value: Any) -> Any:
    return None if is_blank(value) else value
