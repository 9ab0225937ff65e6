"""Follow-up cadence, worked by hand on the Chinese calendar.

Friday 3 April 2026 is the last working day before Qingming: Saturday the 4th and Sunday the 5th are off, and
Monday the 6th is the holiday observed, so the next working day is Tuesday the 7th.
"""

from __future__ import annotations

import pandas as pd
import pytest

from salesxl.core.followup import WorkDays, bucket, customer_tasks, follow_up_plan, new_contact_schedule, Cadence
from salesxl.core.settings import Settings

CN = WorkDays("CN")
SETTINGS = Settings(sms_every_days=7, email_every_days=7, call_every_days=14, no_touch_days=21, key_visit_days=14,
                    escalate_days=7)


def d(text):
    return pd.Timestamp(text)


def frame(rows, columns, first_row=2):
    out = pd.DataFrame(rows, columns=columns)
    out.index = pd.RangeIndex(first_row, first_row + len(out), name="excel_row")
    return out


def touches(*rows):
    return frame([(d(day), "C1", channel) for day, channel in rows], ["date", "customer_id", "channel"])


CUSTOMER_COLUMNS = ["customer_id", "name", "rep_id", "first_contact", "stage", "value", "key_project",
                    "project_owner", "visit_every_days", "milestone", "milestone_date", "open"]
REPS = frame([("R1", "王伟", "华东经理", True), ("R2", "李娜", "华南经理", False)],
             ["rep_id", "name", "manager", "active"])


def customer(cid="C1", first="2026-04-03", key=False, owner=None, every=None, milestone=None, when=None,
             is_open=True, rep="R1"):
    return (cid, f"客户{cid}", rep, d(first), "lead", 10000.0, key, owner, every, milestone,
            d(when) if when else pd.NaT, is_open)


def plan(customers, touch_rows, as_of):
    touch_frame = frame([(d(day), cid, channel, None, None) for day, cid, channel in touch_rows],
                        ["date", "customer_id", "channel", "rep_id", "note"])
    return follow_up_plan(frame(customers, CUSTOMER_COLUMNS), touch_frame, REPS, CN, SETTINGS, d(as_of))


def test_new_contact_on_a_friday_before_a_holiday():
    """Call, SMS and e-mail on Friday the 3rd; greeting SMS, follow-up call and its e-mail on Tuesday the 7th."""
    schedule = new_contact_schedule(d("2026-04-03"), CN)
    assert [(s.step, s.channel, f"{s.due:%m-%d}") for s in schedule.itertuples()] == [
        ("first-call", "call", "04-03"), ("thanks-sms", "sms", "04-03"), ("summary-email", "email", "04-03"),
        ("greeting-sms", "sms", "04-07"), ("follow-up-call", "call", "04-07"), ("follow-up-email", "email", "04-07")]


def tasks(as_of, *rows):
    found = customer_tasks(d("2026-04-03"), touches(*rows), d(as_of), CN, Cadence.from_settings(SETTINGS))
    return [(t["channel"], t["kind"], t["step"], f"{t['due']:%m-%d}") for t in found]


def test_the_sequence_over_the_holiday():
    first_day = [("2026-04-03", "call"), ("2026-04-03", "sms"), ("2026-04-03", "email")]
    # Over the holiday nothing is due until Tuesday.
    assert tasks("2026-04-05", *first_day) == [
        ("call", "new-contact", "follow-up-call", "04-07"), ("sms", "new-contact", "greeting-sms", "04-07"),
        ("email", "new-contact", "follow-up-email", "04-07")]
    # Tuesday's greeting SMS was sent, the call and e-mail were not: they are a day overdue on Wednesday;
    # the next SMS is a week after the greeting (Tue 14th).
    done_sms = first_day + [("2026-04-07", "sms")]
    assert tasks("2026-04-08", *done_sms) == [
        ("call", "new-contact", "follow-up-call", "04-07"), ("sms", "ongoing", "every-sms", "04-14"),
        ("email", "new-contact", "follow-up-email", "04-07")]


def test_missed_sequence_step_gives_way_to_the_ongoing_cadence():
    """The follow-up call stays overdue until the fortnightly call falls due: 3 April + 14 days = Friday 17th."""
    first_day = [("2026-04-03", "call"), ("2026-04-03", "sms"), ("2026-04-03", "email")]
    assert tasks("2026-04-16", *first_day)[0] == ("call", "new-contact", "follow-up-call", "04-07")
    assert tasks("2026-04-17", *first_day)[0] == ("call", "ongoing", "every-call", "04-17")


def test_a_late_touch_completes_the_step_and_restarts_the_clock():
    """A follow-up call made on Thursday the 9th (late) completes the step; the next call is 14 days later."""
    rows = [("2026-04-03", "call"), ("2026-04-09", "call")]
    assert tasks("2026-04-10", *rows)[0] == ("call", "ongoing", "every-call", "04-23")


def test_a_visit_counts_as_the_fortnightly_call_but_not_as_a_sequence_step():
    rows = [("2026-04-03", "call"), ("2026-04-07", "visit")]
    assert tasks("2026-04-08", *rows)[0] == ("call", "new-contact", "follow-up-call", "04-07")
    assert tasks("2026-04-21", *rows)[0] == ("call", "ongoing", "every-call", "04-21")  # 7th + 14 days


def test_due_date_on_a_holiday_moves_to_the_next_working_day():
    """Last SMS Thursday 24 Sep 2026 + 7 days = 1 October, National Day; Oct 1–7 are off, so it is due Oct 8."""
    found = customer_tasks(d("2026-09-01"), touches(("2026-09-01", "call"), ("2026-09-01", "sms"),
                                                    ("2026-09-01", "email"), ("2026-09-02", "sms"),
                                                    ("2026-09-02", "call"), ("2026-09-02", "email"),
                                                    ("2026-09-24", "sms")), d("2026-09-28"), CN, Cadence.from_settings(SETTINGS))
    sms = next(t for t in found if t["channel"] == "sms")
    assert (sms["kind"], sms["due"]) == ("ongoing", d("2026-10-08"))


@pytest.mark.parametrize("as_of, silent_days", [("2026-12-21", None), ("2026-12-22", 21), ("2026-12-23", 22)])
def test_21_day_rule_boundary(as_of, silent_days):
    """Last touched on 1 December: 20 days later (the 21st) not yet; 21 days (the 22nd) flagged; 22 flagged."""
    result, problems = plan([customer(first="2026-11-20")], [("2026-11-20", "C1", "call"),
                                                             ("2026-12-01", "C1", "sms")], as_of)
    assert problems == []
    found = [(s.customer_id, s.days_silent, f"{s.last_touch:%m-%d}", s.last_channel) for s in result.silent.itertuples()]
    assert found == ([] if silent_days is None else [("C1", silent_days, "12-01", "sms")])


def test_no_touch_at_all_counts_from_the_first_contact():
    result, _ = plan([customer(first="2026-11-20")], [], "2026-12-11")
    assert result.silent["days_silent"].tolist() == [21]


def test_closed_customers_have_no_tasks_and_are_never_silent():
    result, _ = plan([customer(first="2026-10-01", is_open=False)], [], "2026-12-11")
    assert result.tasks.empty and result.silent.empty


def test_key_project_owner_visit_and_manager_before_the_milestone():
    """Key project first contacted Mon 16 Nov 2026, last visited Tue 24 Nov, no dedicated owner.

    Visit every 10 days: due Fri 4 Dec, so 5 days overdue on Wed 9 Dec. The tender on Fri 18 Dec asks for the
    manager 7 days before: Fri 11 Dec, this week (the week ends Sunday the 13th).
    """
    c = customer(first="2026-11-16", key=True, every=10, milestone="招标 tender", when="2026-12-18")
    result, _ = plan([c], [("2026-11-16", "C1", "call"), ("2026-11-24", "C1", "visit")], "2026-12-09")
    project = result.key_projects.iloc[0]
    assert (project["last_visit"], project["next_visit"], project["visit_overdue_days"]) == (
        d("2026-11-24"), d("2026-12-04"), 5)
    assert project["flag"] == ("缺项目专员 no dedicated owner；拜访逾期5天 visit overdue by 5 days；"
                               "12-18 招标 tender：请主管出面 manager to step in")
    kinds = result.tasks.set_index("kind")
    assert kinds.loc["key-visit", ["bucket", "days_overdue", "assignee"]].tolist() == ["overdue", 5, "R1"]
    assert kinds.loc["escalate", ["bucket", "due", "assignee"]].tolist() == ["this-week", d("2026-12-11"), "华东经理"]


def test_dedicated_owner_takes_the_visit():
    c = customer(first="2026-11-16", key=True, owner="张工", milestone="签约", when="2026-11-30")
    result, _ = plan([c], [("2026-11-27", "C1", "visit")], "2026-12-09")  # next visit Fri 11 Dec
    project = result.key_projects.iloc[0]
    assert project["flag"] == "节点 签约（11-30）已过，请更新 milestone passed: update it"
    assert "escalate" not in set(result.tasks["kind"])
    assert result.tasks.set_index("kind").loc["key-visit", ["bucket", "due", "assignee"]].tolist() == [
        "this-week", d("2026-12-11"), "张工"]


def test_tasks_per_rep_sorted_overdue_today_this_week():
    """As of Wed 9 Dec: C1 (first call Mon 7th, nothing since) and C2 (first call planned Fri 11th)."""
    result, _ = plan([customer("C1", first="2026-12-07"), customer("C2", first="2026-12-11")],
                     [("2026-12-07", "C1", "call")], "2026-12-09")
    found = [(t.customer_id, t.bucket, t.step, f"{t.due:%m-%d}", t.days_overdue) for t in result.tasks.itertuples()]
    assert found == [
        ("C1", "overdue", "thanks-sms", "12-07", 2), ("C1", "overdue", "summary-email", "12-07", 2),
        ("C1", "overdue", "follow-up-call", "12-08", 1),
        ("C2", "this-week", "first-call", "12-11", 0), ("C2", "this-week", "thanks-sms", "12-11", 0),
        ("C2", "this-week", "summary-email", "12-11", 0),
    ]
    summary = result.reps.set_index("rep_id").loc["R1"]
    assert summary[["overdue", "today", "this_week", "silent"]].tolist() == [3, 0, 3, 0]


def test_buckets():
    as_of = d("2026-12-09")  # a Wednesday
    assert [bucket(d(x), as_of) for x in ("2026-12-08", "2026-12-09", "2026-12-13", "2026-12-14")] == [
        "overdue", "today", "this-week", None]


def test_touch_before_first_contact_and_owner_who_left_are_located():
    customers = [customer("C1", first="2026-12-01"), customer("C2", first="2026-12-01", rep="R2")]
    result, problems = plan(customers, [("2026-11-28", "C1", "call"), ("2026-12-01", "C1", "call")], "2026-12-09")
    assert [(p.sheet, p.row, p.column, p.code, p.severity) for p in problems] == [
        ("touches", 2, "date", "before-first-contact", "warning"),
        ("customers", 3, "rep_id", "owner-left", "warning")]


# ---------------------------------------------------------------- invariants

from hypothesis import given, settings as hypothesis_settings, strategies as st  # noqa: E402

DECEMBER = list(pd.date_range("2026-11-02", "2026-12-31"))


@hypothesis_settings(max_examples=40, deadline=None)
@given(first=st.sampled_from(DECEMBER), as_of=st.sampled_from(DECEMBER),
       rows=st.lists(st.tuples(st.sampled_from(DECEMBER), st.sampled_from(["call", "sms", "email", "visit", "event"])),
                     max_size=12))
def test_one_task_per_channel_on_working_days(first, as_of, rows):
    """Whatever was touched when: one pending task per cadence channel, and every due date but the
    first-contact day's is a working day, never before the first contact."""
    touched = frame([(day, "C1", channel) for day, channel in rows if first <= day <= as_of],
                    ["date", "customer_id", "channel"])
    if first > as_of:
        return
    found = customer_tasks(first, touched, as_of, CN, Cadence.from_settings(SETTINGS))
    assert sorted(t["channel"] for t in found) == ["call", "email", "sms"]
    for t in found:
        assert t["due"] >= first
        assert t["due"] == first or CN.is_working(t["due"])


def test_no_customers_or_no_touches_gives_no_touch_problems():
    """An empty Customers or Touches sheet is a month with no follow-ups, not a crash.

    It crashed with 'Cannot cast DatetimeArray to dtype float64' on the benchmark's small company,
    where both sheets are empty: mapping an empty lookup gives float64, compared with dates.
    """
    from salesxl.core.followup import touch_problems

    no_customers = pd.DataFrame({"customer_id": pd.Series([], dtype="string"),
                                 "first_contact": pd.Series([], dtype="datetime64[ns]")})
    no_touches = pd.DataFrame({"customer_id": pd.Series([], dtype="string"),
                               "date": pd.Series([], dtype="datetime64[ns]")})
    one_touch = pd.DataFrame({"customer_id": ["C1"], "date": pd.to_datetime(["2026-02-03"])}, index=[5])
    assert touch_problems(no_customers, no_touches) == []
    assert touch_problems(no_customers, one_touch) == []
    one_customer = pd.DataFrame({"customer_id": ["C1"], "first_contact": pd.to_datetime(["2026-02-10"])})
    assert touch_problems(one_customer, no_touches) == []
    # and a touch before the first contact is still found, at its row
    [early] = touch_problems(one_customer, one_touch)
    assert (early.sheet, early.row, early.column, early.code) == ("touches", 5, "date", "before-first-contact")
