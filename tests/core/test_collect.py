"""Merging returned rep files, worked by hand on small frames: identities, conflicts, refusals, versions."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings as hsettings
from hypothesis import strategies as st

from salesxl.core.collect import (ISSUE_STEP, Fingerprint, IssueRecord, Owners, Returned, check_fingerprint,
                                  check_rows, identities, issue_record, merge, next_issue, normal, own_rows)
from salesxl.workbook.contract import schema

MONTH = pd.Period("2026-12", freq="M")
DAY = pd.Timestamp("2026-12-14")
KIND = "salesxl rep file 业务员文件 v1"


def frame(key: str, rows: list[dict], first_row: int = 2) -> pd.DataFrame:
    """Rows of the sheet ``key`` (every declared column, blanks where not given) on Excel rows 2, 3, ..."""
    columns = [c.key for c in schema(key).columns]
    data = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)
    data.index = pd.RangeIndex(first_row, first_row + len(data), name="excel_row")
    return data


def log(*rows) -> pd.DataFrame:
    return frame("daily_log", [dict(zip(("rep_id", "date", "stop", "outlet_id", "expense_category", "expense"), r))
                               for r in rows])


def sales(*rows, first_row: int = 2) -> pd.DataFrame:
    return frame("actuals", [dict(zip(("rep_id", "date", "outlet_id", "sku", "amount"), r)) for r in rows], first_row)


def feedback(*rows) -> pd.DataFrame:
    """Master Feedback rows ``(rep_id, draft, proposal, reason)`` for December on Excel rows 5, 6, ..."""
    data = pd.DataFrame([{"month": MONTH, "rep_id": r, "name": None, "region": None, "draft": d, "proposal": p,
                          "reason": why, "decision": None, "manager_figure": None, "comment": None,
                          "draft_seen": None, "draft_changed": None} for r, d, p, why in rows])
    data.index = pd.RangeIndex(5, 5 + len(data), name="excel_row")
    return data


def master(**tables) -> dict[str, pd.DataFrame]:
    empty = {key: frame(key, []) for key in ("daily_log", "actuals", "touches")}
    return {**empty, "feedback": feedback(), **tables}


def values(data: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(normal(v) for v in row) for row in data[columns].itertuples(index=False)]


ALL = {key: [c.key for c in schema(key).columns] for key in ("daily_log", "actuals", "touches")}


def test_a_stop_names_a_log_row_and_a_row_without_one_is_named_by_outlet_and_category():
    rows = log(("R1", DAY, 1, "O1", "招待", 100.0), ("R1", DAY, None, None, "差旅", 60.0),
               ("R1", DAY, None, None, "差旅", 40.0))
    assert identities(rows, "daily_log") == [
        ("R1", DAY.date(), 1.0, None, None, 0),  # the stop names it: outlet and category are values
        ("R1", DAY.date(), None, None, "差旅", 0),
        ("R1", DAY.date(), None, None, "差旅", 1),  # the second travel line of the day
    ]


def test_rows_already_there_are_skipped_changed_ones_are_conflicts_new_ones_added():
    # Master: stop 1 at O1 with 100 spent. The file: stop 1 with 120 spent (a conflict), stop 2 and the
    # day's travel (both new).
    before = master(daily_log=log(("R1", DAY, 1, "O1", "招待", 100.0)))
    file = Returned("f.xlsx", "R1", {"daily_log": log(("R1", DAY, 1, "O1", "招待", 120.0), ("R1", DAY, 2, "O2", None, None),
                                                      ("R1", DAY, None, None, "差旅", 60.0))})
    merged = merge(before, ALL, [file], MONTH)
    assert values(merged.added["daily_log"], ["outlet_id", "expense_category"]) == [("O2", None), (None, "差旅")]
    (outcome,) = merged.outcomes
    assert outcome.added["daily_log"] == 2 and outcome.already == 0
    assert [(c.sheet, c.row, c.column, c.master_value, c.file_value, c.master_row) for c in outcome.conflicts] == [
        ("daily_log", 2, "expense", "100", "120", 2)]
    # Collecting the same file into the merged master adds nothing and finds the same one conflict.
    after = master(daily_log=pd.concat([before["daily_log"], merged.added["daily_log"]]))
    again = merge(after, ALL, [file], MONTH)
    assert len(again.added["daily_log"]) == 0 and again.outcomes[0].already == 2
    assert len(again.outcomes[0].conflicts) == 1


def test_equal_rows_are_told_apart_by_their_order():
    before = master(actuals=sales(("R1", DAY, "O1", "S1", 10.0)))
    file = Returned("f.xlsx", "R1", {"actuals": sales(("R1", DAY, "O1", "S1", 10.0), ("R1", DAY, "O1", "S1", 5.0))})
    merged = merge(before, ALL, [file], MONTH)
    assert list(merged.added["actuals"]["amount"]) == [5.0]  # the first is there; the second order is new
    assert merged.outcomes[0].already == 1 and not merged.outcomes[0].conflicts


def test_the_same_row_from_two_files_of_one_collect_keeps_the_first():
    one = Returned("a.xlsx", "R1", {"actuals": sales(("R1", DAY, "O1", "S1", 10.0))})
    two = Returned("a (1).xlsx", "R1", {"actuals": sales(("R1", DAY, "O1", "S1", 12.0))})
    merged = merge(master(), ALL, [one, two], MONTH)
    assert list(merged.added["actuals"]["amount"]) == [10.0]
    (conflict,) = merged.outcomes[1].conflicts
    assert (conflict.master_value, conflict.file_value, conflict.master_row, conflict.other_file) == \
        ("10", "12", None, "a.xlsx")


def test_a_column_the_master_lacks_is_not_compared():
    before = master(daily_log=frame("daily_log", [{"rep_id": "R1", "date": DAY, "stop": 1, "time": None}]))
    file = Returned("f.xlsx", "R1", {"daily_log": frame("daily_log", [{"rep_id": "R1", "date": DAY, "stop": 1,
                                                                         "time": "09:30"}])})
    columns = {**ALL, "daily_log": [c for c in ALL["daily_log"] if c != "time"]}
    merged = merge(before, columns, [file], MONTH)
    assert merged.outcomes[0].already == 1 and not merged.outcomes[0].conflicts


def test_answers_fill_blank_feedback_and_a_different_one_is_a_conflict():
    before = master(feedback=feedback(("R1", 110.0, None, None), ("R2", 200.0, 190.0, "淡季")))
    mine = Returned("r1.xlsx", "R1", {"feedback": frame("feedback", [{"month": MONTH, "rep_id": "R1", "draft": 100.0,
                                                                       "proposal": 90.0, "reason": "新店"}])})
    theirs = Returned("r2.xlsx", "R2", {"feedback": frame("feedback", [{"month": MONTH, "rep_id": "R2", "draft": 200.0,
                                                                         "proposal": 180.0, "reason": "淡季"}])})
    merged = merge(before, ALL, [mine, theirs], MONTH)
    after = merged.feedback.set_index("rep_id")
    # R1 answered the draft of 100 shown in the file; the master's draft is now 110, so it is flagged.
    assert after.loc["R1", ["proposal", "reason", "draft_seen", "draft_changed"]].tolist() == \
        [90.0, "新店", 100.0, "100.00 → 110.00"]
    assert after.loc["R2", "proposal"] == 190.0  # the master's answer is kept
    assert [(c.column, c.master_value, c.file_value, c.master_row) for c in merged.outcomes[1].conflicts] == [
        ("proposal", "190", "180", 6)]
    assert merged.outcomes[0].added["feedback"] == 1 and merged.outcomes[1].already == 1  # the same reason


OWNERS = Owners(reps={"R1": "张伟", "R2": "李娜"}, outlets={"O1": "R1", "O2": "R2"},
                customers={"C1": frozenset({"R1"}), "C2": frozenset({"R2", "R1"}), "C3": frozenset({"R2"})},
                skus=frozenset({"S1"}))
FINGERPRINT = Fingerprint(KIND, "m1", "plan.xlsx", MONTH, 2, "R1", "张伟",
                          {"kind": 2, "master": 3, "master_name": 4, "month": 5, "version": 6, "rep_id": 7})


def test_rows_naming_another_rep_or_what_the_master_does_not_know_are_refused_at_their_cell():
    tables = own_rows({
        "daily_log": log((None, DAY, 1, "O1", None, None), ("R1", DAY, 2, "O2", None, None),
                         ("R2", pd.Timestamp("2026-11-30"), 3, "O9", None, None)),
        "actuals": sales(("R1", DAY, "O1", "S9", 1.0)),
        "touches": frame("touches", [{"date": DAY, "customer_id": c, "channel": "call"} for c in ("C1", "C2", "C3", "C4")]),
        "feedback": frame("feedback", [{"month": pd.Period("2026-11", freq="M"), "rep_id": "R1"}]),
    }, "R1")
    assert tables["daily_log"]["rep_id"].tolist() == ["R1", "R1", "R2"]  # a blank Rep ID is the file's rep
    found = [(p.sheet, p.row, p.column, p.code) for p in check_rows(tables, FINGERPRINT, OWNERS)]
    assert found == [
        ("daily_log", 3, "outlet_id", "outlet-other-rep"),
        ("daily_log", 4, "rep_id", "row-other-rep"), ("daily_log", 4, "date", "date-outside-month"),
        ("daily_log", 4, "outlet_id", "unknown-outlet"),
        ("actuals", 2, "sku", "unknown-sku"),
        ("touches", 4, "customer_id", "customer-other-rep"), ("touches", 5, "customer_id", "unknown-customer"),
        ("feedback", 2, "month", "feedback-other-month"),
    ]


def test_a_file_not_this_masters_current_one_for_the_rep_is_refused():
    current = IssueRecord("m1", 2)

    def refused(name="2026-12_R1_张伟.xlsx", record=current, **changes):
        import dataclasses
        found = check_fingerprint(dataclasses.replace(FINGERPRINT, **changes), record, MONTH, name, KIND)
        return [(p.row, p.code) for p in found]

    assert refused() == []
    assert refused(kind="something else") == [(2, "not-a-rep-file")]
    assert refused(record=IssueRecord("m1", None)) == [(3, "nothing-issued")]
    assert refused(master="m0") == [(3, "other-master")]
    assert refused(month=pd.Period("2026-11", freq="M")) == [(5, "other-month")]
    assert refused(version=1) == [(6, "older-version")]
    assert refused(version=3) == [(6, "unknown-version")]
    assert refused(name="2026-12_R2_李娜.xlsx") == [(7, "other-rep-file")]
    assert refused(name="张伟的文件.xlsx") == []  # renamed by hand: the fingerprint says whose it is


def versions(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"timestamp": "t", "step": step, "month": pd.Period(m, freq="M"), "parameters": p,
                          "fingerprint": f, "total": None} for step, m, p, f in rows])


def test_the_same_content_keeps_its_version_and_other_content_is_the_next():
    empty = versions()
    assert next_issue(empty.reindex(columns=["step", "month", "parameters", "fingerprint"]), MONTH, "aaa", "new") \
        == (1, "new")
    log_rows = versions(("target 月度目标", "2026-12", "x=1", "zzz"),
                        (ISSUE_STEP, "2026-11", "version=4; master=m1; reps=3", "ppp"),
                        (ISSUE_STEP, "2026-12", "version=1; master=m1; reps=3", "aaa"),
                        (ISSUE_STEP, "2026-12", "version=2; master=m1; reps=3", "bbb"))
    assert issue_record(log_rows, MONTH) == IssueRecord("m1", 2)
    assert next_issue(log_rows, MONTH, "aaa", "new") == (1, "m1")  # issued before: the same version
    assert next_issue(log_rows, MONTH, "ccc", "new") == (3, "m1")
    assert next_issue(log_rows, pd.Period("2027-01", freq="M"), "aaa", "new") == (1, "m1")


amounts = st.lists(st.tuples(st.sampled_from(["O1", "O2"]), st.sampled_from(["S1", "S2"]),
                             st.integers(1, 3), st.sampled_from([10.0, 12.5, 20.0])), max_size=8)


@given(amounts, amounts)
@hsettings(max_examples=60, deadline=None)
def test_collecting_again_adds_nothing_and_every_row_is_kept_or_listed(master_rows, file_rows):
    def rows(items, first_row):
        return sales(*[("R1", DAY + pd.Timedelta(days=d), o, s, a) for o, s, d, a in items], first_row=first_row)

    before = master(actuals=rows(master_rows, 2))
    file = Returned("f.xlsx", "R1", {"actuals": rows(file_rows, 2)})
    merged = merge(before, ALL, [file], MONTH)
    outcome = merged.outcomes[0]
    # Every row of the file is added, already there, or a conflict (one amount differs: one conflict).
    assert outcome.added["actuals"] + outcome.already + len(outcome.conflicts) == len(file_rows)
    after = master(actuals=pd.concat([before["actuals"], merged.added["actuals"].set_axis(
        pd.RangeIndex(100, 100 + len(merged.added["actuals"]), name="excel_row"))]))
    again = merge(after, ALL, [file], MONTH).outcomes[0]
    assert again.added["actuals"] == 0 and len(again.conflicts) == len(outcome.conflicts)
