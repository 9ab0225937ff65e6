"""Customer follow-up cadence 客户跟进: who to call, message or visit, and who has gone quiet.

The article's method, as rules:

* **New contact.** On the day of the first call: a thank-you SMS and a summary
  e-mail the same day. On the next working day: a greeting SMS in the morning,
  the follow-up call, and an e-mail summing the call up after it. ("Next day"
  means the next working day of the calendar: a first call on Friday 3 April
  2026 is followed up on Tuesday 7 April, because Monday the 6th is the
  Qingming holiday.)
* **Ongoing cadence** for every open customer: an SMS and an e-mail every week
  and a call every two weeks (intervals in Settings), each counted from the last
  touch on that channel. A visit or an event counts as the call. A due date on a
  day off moves to the next working day.
* **21-day rule.** An open customer with no touch of any kind for 21 days
  (Settings) is flagged red: last touched on 1 December, flagged from
  22 December (21 days later), not on the 21st (20 days).
* **Key projects** (long-cycle, e.g. equipment): a dedicated owner is required
  and a visit is due at a settable interval; shortly before a key milestone the
  manager steps in personally.

Each customer has at most one pending task per channel: the earliest step of
the new-contact sequence not yet done, until the ongoing cadence on that
channel falls due and takes over. A touch on a channel completes the earliest
sequence step on that channel due on or before the touch.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..problems import Problem, problem
from .calendar import month_calendar
from .settings import Settings

DAY = pd.Timedelta(days=1)


# ---------------------------------------------------------------- working days across months

class WorkDays:
    """Working days of a country's calendar with the planner's overrides, for any month."""

    def __init__(self, country: str, overrides: pd.DataFrame | None = None):
        self.country = country
        self.overrides = overrides
        self._months: dict[pd.Period, set[pd.Timestamp]] = {}

    def check(self, month: pd.Period) -> list[Problem]:
        """Problems with the calendar itself (an unknown country)."""
        _, problems = month_calendar(month, self.country, self.overrides)
        return [p for p in problems if p.code == "unknown-country"]

    def is_working(self, day: pd.Timestamp) -> bool:
        month = day.to_period("M")
        if month not in self._months:
            calendar, _ = month_calendar(month, self.country, self.overrides)
            worked = calendar[calendar["working"].astype(bool)] if len(calendar) else calendar
            self._months[month] = set(worked["date"]) if len(worked) else set()
        return day.normalize() in self._months[month]

    def on_or_after(self, day: pd.Timestamp) -> pd.Timestamp:
        """``day`` if it is worked, else the next working day (a year of days off gives ``day`` back)."""
        day = pd.Timestamp(day).normalize()
        for step in range(366):
            if self.is_working(day + step * DAY):
                return day + step * DAY
        return day

    def next_after(self, day: pd.Timestamp) -> pd.Timestamp:
        """The first working day after ``day``."""
        return self.on_or_after(pd.Timestamp(day).normalize() + DAY)


# ---------------------------------------------------------------- the cadence

@dataclass(frozen=True)
class Cadence:
    """The follow-up rules' numbers, from Settings."""

    sms_every: int
    email_every: int
    call_every: int
    no_touch_days: int
    key_visit_days: int
    escalate_days: int

    @classmethod
    def from_settings(cls, settings: Settings) -> "Cadence":
        return cls(int(settings.sms_every_days), int(settings.email_every_days), int(settings.call_every_days),
                   int(settings.no_touch_days), int(settings.key_visit_days), int(settings.escalate_days))

    def every(self, channel: str) -> int:
        return {"sms": self.sms_every, "email": self.email_every, "call": self.call_every}[channel]


@dataclass(frozen=True)
class Step:
    """One step of the new-contact sequence: on the first-contact day (0) or the next working day (1)."""

    key: str
    channel: str
    day: int
    zh: str
    en: str

    @property
    def label(self) -> str:
        return f"{self.zh} {self.en}"


NEW_CONTACT = (
    Step("first-call", "call", 0, "首次电话", "First call"),
    Step("thanks-sms", "sms", 0, "感谢短信", "Thank-you SMS"),
    Step("summary-email", "email", 0, "总结邮件", "Summary e-mail"),
    Step("greeting-sms", "sms", 1, "早间问候短信", "Morning greeting SMS"),
    Step("follow-up-call", "call", 1, "跟进电话", "Follow-up call"),
    Step("follow-up-email", "email", 1, "跟进总结邮件", "Follow-up summary e-mail"),
)

ONGOING = {
    "sms": ("定期短信", "Regular SMS"),
    "email": ("定期邮件", "Regular e-mail"),
    "call": ("定期电话", "Regular call"),
}
CADENCE_CHANNELS = ("call", "sms", "email")
CHANNEL_ORDER = ("call", "sms", "email", "visit")
COUNTS_AS_CALL = {"call", "visit", "event"}

KIND_LABEL = {
    "new-contact": "新客户序列 New contact",
    "ongoing": "定期跟进 Ongoing",
    "key-visit": "重点项目拜访 Key-project visit",
    "escalate": "主管出面 Manager steps in",
}
BUCKETS = ("overdue", "today", "this-week")
BUCKET_LABEL = {"overdue": "逾期 Overdue", "today": "今天 Today", "this-week": "本周 This week"}


Touch = tuple[pd.Timestamp, str]
"""One touch of a customer: its date and channel (the per-customer work is on plain lists: a company has
thousands of customers, and a few pandas operations each cost seconds)."""


def schedule_steps(first_contact: pd.Timestamp, workdays: WorkDays) -> list[tuple[str, str, pd.Timestamp, str]]:
    """The new-contact sequence's due dates: ``(step, channel, due, label)`` in sequence order."""
    first = pd.Timestamp(first_contact).normalize()
    next_day = workdays.next_after(first)
    return [(s.key, s.channel, first if s.day == 0 else next_day, s.label) for s in NEW_CONTACT]


def new_contact_schedule(first_contact: pd.Timestamp, workdays: WorkDays) -> pd.DataFrame:
    """The new-contact sequence's due dates: ``step``, ``channel``, ``due``, ``label``."""
    return pd.DataFrame(schedule_steps(first_contact, workdays), columns=["step", "channel", "due", "label"])


def customer_tasks(first_contact: pd.Timestamp, touches: pd.DataFrame, as_of: pd.Timestamp,
                   workdays: WorkDays, cadence: Cadence) -> list[dict]:
    """The pending task on each cadence channel for one customer, as of the end of ``as_of``.

    ``touches`` are the customer's touches (``date``, ``channel``) up to ``as_of``.
    Each task: ``kind``, ``step``, ``channel``, ``task`` (label), ``due``, ``last_touch``.
    """
    return tasks_of(first_contact, list(zip(touches["date"], touches["channel"])), as_of, workdays, cadence)


def tasks_of(first_contact: pd.Timestamp, touches: list[Touch], as_of: pd.Timestamp, workdays: WorkDays,
             cadence: Cadence) -> list[dict]:
    """:func:`customer_tasks` of the touches as ``(date, channel)`` pairs."""
    schedule = schedule_steps(first_contact, workdays)
    done = completed_steps(schedule, touches)
    tasks = []
    for channel in CADENCE_CHANNELS:
        wanted = COUNTS_AS_CALL if channel == "call" else {channel}
        last = latest([day for day, how in touches if how in wanted])
        base = last if last is not None else pd.Timestamp(first_contact).normalize()
        ongoing_due = workdays.on_or_after(base + cadence.every(channel) * DAY)
        pending = [s for s in schedule if s[1] == channel and s[0] not in done]
        if pending and as_of < ongoing_due:
            step, _, due, label = pending[0]
            tasks.append({"kind": "new-contact", "step": step, "channel": channel, "task": label,
                          "due": due, "last_touch": last})
        else:
            zh, en = ONGOING[channel]
            every = cadence.every(channel)
            tasks.append({"kind": "ongoing", "step": f"every-{channel}", "channel": channel,
                          "task": f"{zh}（每{every}天） {en} (every {every} days)", "due": ongoing_due,
                          "last_touch": last})
    return tasks


def latest(days: list[pd.Timestamp]) -> pd.Timestamp | None:
    """The latest of ``days`` (blank dates skipped); NaT when all are blank, None when there are none."""
    if not days:
        return None
    dated = [day for day in days if not pd.isna(day)]
    return max(dated) if dated else pd.NaT


def completed_steps(schedule: list[tuple[str, str, pd.Timestamp, str]], touches: list[Touch]) -> set[str]:
    """Steps matched by a touch: each touch completes the earliest open step on its channel due by then."""
    done: set[str] = set()
    dated = [touch for touch in touches if not pd.isna(touch[0])]  # an undated touch is due by no date
    for day, channel in sorted(dated, key=lambda touch: touch[0]):  # stable: same-day touches in sheet order
        step = next((s[0] for s in schedule if s[1] == channel and s[0] not in done and s[2] <= day), None)
        if step is not None:
            done.add(step)
    return done


def week_end(day: pd.Timestamp) -> pd.Timestamp:
    """The Sunday ending ``day``'s week."""
    return day + (6 - day.weekday()) * DAY


def bucket(due: pd.Timestamp, as_of: pd.Timestamp) -> str | None:
    """Overdue, today, this week, or None for later."""
    if due < as_of:
        return "overdue"
    if due == as_of:
        return "today"
    return "this-week" if due <= week_end(as_of) else None


# ---------------------------------------------------------------- the plan

@dataclass
class FollowUpPlan:
    """Everything the ``跟进计划 Follow-up Plan`` sheet shows.

    Attributes:
        as_of: the day the plan is for.
        silent: open customers not touched for the no-touch limit (the 21-day rule), longest first.
        key_projects: every open key project with its owner, visit and milestone status.
        tasks: what is overdue, due today and due this week, per rep.
        reps: per rep, how many tasks in each bucket and how many silent customers.
    """

    as_of: pd.Timestamp
    silent: pd.DataFrame
    key_projects: pd.DataFrame
    tasks: pd.DataFrame
    reps: pd.DataFrame


def follow_up_plan(customers: pd.DataFrame, touches: pd.DataFrame, reps: pd.DataFrame, workdays: WorkDays,
                   settings: Settings, as_of: pd.Timestamp) -> tuple[FollowUpPlan, list[Problem]]:
    """The follow-up plan for every open customer as of the end of ``as_of``."""
    as_of = pd.Timestamp(as_of).normalize()
    cadence = Cadence.from_settings(settings)
    problems = touch_problems(customers, touches) + owner_problems(customers, reps)
    rep_info = reps.set_index("rep_id") if len(reps) else pd.DataFrame(columns=["name", "manager"])
    rep_names = rep_info["name"].to_dict()
    known = touches[touches["date"] <= as_of].dropna(subset=["date"])
    by_customer: dict[object, list[Touch]] = {}
    for customer_id, day, channel in zip(known["customer_id"], known["date"], known["channel"]):
        if not pd.isna(customer_id):
            by_customer.setdefault(customer_id, []).append((day, channel))

    silent, key_rows, tasks = [], [], []
    active = customers[customers["open"].astype("boolean").fillna(True).astype(bool)]
    for row, c in active.iterrows():
        first = c["first_contact"]
        if pd.isna(first):
            continue
        first = pd.Timestamp(first).normalize()
        mine = [t for t in by_customer.get(c["customer_id"], ()) if t[0] >= first] if first <= as_of else []
        base = {"customer_id": c["customer_id"], "customer": c["name"], "rep_id": c["rep_id"]}
        if first > as_of:  # a first call planned ahead: only its first steps can be due this week
            for step, channel, due, label in schedule_steps(first, workdays):
                tasks.append({**base, "kind": "new-contact", "step": step, "channel": channel,
                              "task": label, "due": due, "last_touch": None})
            continue
        for task in tasks_of(first, mine, as_of, workdays, cadence):
            tasks.append({**base, **task})
        last_any = max(day for day, _ in mine) if mine else first
        days = (as_of - last_any).days
        if days >= cadence.no_touch_days:
            last_channel = sorted(mine, key=lambda touch: touch[0])[-1][1] if mine else None
            silent.append({**base, "stage": c["stage"], "value": c["value"], "key_project": bool(c["key_project"]),
                           "last_touch": last_any, "last_channel": last_channel, "days_silent": days})
        if bool(c["key_project"]):
            project, project_tasks = key_project(c, mine, first, as_of, workdays, cadence, rep_info)
            key_rows.append({**base, **project})
            tasks += [{**base, **t} for t in project_tasks]

    task_frame = pd.DataFrame(tasks, columns=["customer_id", "customer", "rep_id", "kind", "step", "channel",
                                              "task", "due", "last_touch", "assignee"])
    task_frame["bucket"] = [bucket(d, as_of) for d in task_frame["due"]]
    task_frame = task_frame[task_frame["bucket"].notna()].copy()
    task_frame["days_overdue"] = [(as_of - d).days if d < as_of else 0 for d in task_frame["due"]]
    task_frame["rep_name"] = task_frame["rep_id"].map(rep_names)
    task_frame["assignee"] = task_frame["assignee"].where(task_frame["assignee"].notna(), task_frame["rep_id"])
    task_frame["kind_label"] = task_frame["kind"].map(KIND_LABEL)
    task_frame["bucket_label"] = task_frame["bucket"].map(BUCKET_LABEL)
    task_frame["order"] = task_frame["bucket"].map({b: i for i, b in enumerate(BUCKETS)})
    task_frame["channel_order"] = task_frame["channel"].map({c: i for i, c in enumerate(CHANNEL_ORDER)})
    task_frame = task_frame.sort_values(["rep_id", "order", "due", "customer_id", "channel_order"], kind="stable")
    task_frame = task_frame.drop(columns=["order", "channel_order"]).reset_index(drop=True)

    silent_frame = pd.DataFrame(silent, columns=["customer_id", "customer", "rep_id", "stage", "value", "key_project",
                                                 "last_touch", "last_channel", "days_silent"])
    silent_frame = silent_frame.sort_values(["days_silent", "customer_id"], ascending=[False, True], kind="stable")
    silent_frame["rep_name"] = silent_frame["rep_id"].map(rep_names)
    key_frame = pd.DataFrame(key_rows, columns=["customer_id", "customer", "rep_id", "project_owner", "visit_every",
                                                "last_visit", "next_visit", "visit_overdue_days", "milestone",
                                                "milestone_date", "flag"])
    key_frame["rep_name"] = key_frame["rep_id"].map(rep_names)
    plan = FollowUpPlan(as_of, silent_frame.reset_index(drop=True), key_frame,
                        task_frame, rep_summary(task_frame, silent_frame, key_frame, reps))
    return plan, problems


def key_project(c, touches: list[Touch], first: pd.Timestamp, as_of: pd.Timestamp, workdays: WorkDays,
                cadence: Cadence, rep_info: pd.DataFrame) -> tuple[dict, list[dict]]:
    """A key project's status and its tasks: the periodic visit, and the manager before a milestone."""
    owner = c["project_owner"] if pd.notna(c["project_owner"]) else None
    every = int(c["visit_every_days"]) if pd.notna(c["visit_every_days"]) else cadence.key_visit_days
    last_visit = latest([day for day, channel in touches if channel == "visit"])
    next_visit = workdays.on_or_after((last_visit if last_visit is not None else first) + every * DAY)
    overdue = max((as_of - next_visit).days, 0)
    flags, tasks = [], []
    if owner is None:
        flags.append("缺项目专员 no dedicated owner")
    if overdue:
        flags.append(f"拜访逾期{overdue}天 visit overdue by {overdue} day{'s' if overdue > 1 else ''}")
    tasks.append({"kind": "key-visit", "step": "key-visit", "channel": "visit",
                  "task": f"重点项目拜访（每{every}天） Key-project visit (every {every} days)", "due": next_visit,
                  "last_touch": last_visit, "assignee": owner})
    milestone_date = c["milestone_date"]
    if pd.notna(milestone_date):
        milestone_date = pd.Timestamp(milestone_date).normalize()
        what = c["milestone"] if pd.notna(c["milestone"]) else "关键节点 milestone"
        step_in = min(workdays.on_or_after(milestone_date - cadence.escalate_days * DAY), milestone_date)
        if milestone_date < as_of:
            flags.append(f"节点 {what}（{milestone_date:%m-%d}）已过，请更新 milestone passed: update it")
        else:
            if step_in <= week_end(as_of):
                flags.append(f"{milestone_date:%m-%d} {what}：请主管出面 manager to step in")
            manager = rep_info["manager"].get(c["rep_id"]) if "manager" in rep_info else None
            tasks.append({"kind": "escalate", "step": "escalate", "channel": "visit",
                          "task": f"主管出面：{what}（{milestone_date:%m-%d}） Manager steps in: {what}",
                          "due": step_in, "last_touch": last_visit,
                          "assignee": manager if isinstance(manager, str) and manager else "主管 manager"})
    status = {"project_owner": owner, "visit_every": every, "last_visit": last_visit, "next_visit": next_visit,
              "visit_overdue_days": overdue, "milestone": c["milestone"], "milestone_date": c["milestone_date"],
              "flag": "；".join(flags)}
    return status, tasks


def rep_summary(tasks: pd.DataFrame, silent: pd.DataFrame, key_projects: pd.DataFrame,
                reps: pd.DataFrame) -> pd.DataFrame:
    """Per rep with anything on the plan: tasks overdue, today, this week; silent customers; key-project flags."""
    counts = pd.crosstab(tasks["rep_id"], tasks["bucket"]).reindex(columns=list(BUCKETS), fill_value=0)
    frame = counts.join(silent.groupby("rep_id").size().rename("silent"), how="outer")
    frame = frame.join(key_projects[key_projects["flag"] != ""].groupby("rep_id").size().rename("key_flags"),
                       how="outer")
    frame = frame.fillna(0).astype(int).reset_index().rename(columns={"index": "rep_id", "this-week": "this_week"})
    names = reps.set_index("rep_id")["name"] if len(reps) else pd.Series(dtype=object)
    frame["rep_name"] = frame["rep_id"].map(names)
    return frame.sort_values("rep_id").reset_index(drop=True)


def touch_problems(customers: pd.DataFrame, touches: pd.DataFrame) -> list[Problem]:
    """Touches dated before the customer's first contact: the first-contact date is probably wrong."""
    if customers.empty or touches.empty:
        # An empty lookup maps to float64, which a date column cannot be compared with.
        return []
    first = customers.set_index("customer_id")["first_contact"]
    when = touches["customer_id"].map(first)
    early = touches[when.notna() & (touches["date"] < when)]
    return [problem("touches", int(row), "date", "before-first-contact",
                    f"早于该客户的首次接触日期 {first[t['customer_id']]:%Y-%m-%d}，请核对首次接触日期；此条不计入",
                    f"before the customer's first contact {first[t['customer_id']]:%Y-%m-%d}; check the "
                    "first-contact date; this touch is not counted", "warning")
            for row, t in early.head(20).iterrows()]


def owner_problems(customers: pd.DataFrame, reps: pd.DataFrame) -> list[Problem]:
    """Open customers owned by a rep who has left: someone must take them over."""
    if "active" not in reps or not len(reps):
        return []
    gone = set(reps.loc[~reps["active"].astype("boolean").fillna(True).astype(bool), "rep_id"])
    open_ = customers["open"].astype("boolean").fillna(True).astype(bool)
    return [problem("customers", int(row), "rep_id", "owner-left",
                    f"负责业务员 {c['rep_id']} 已不在岗，请指定新的负责人",
                    f"the owner rep {c['rep_id']} is no longer active; assign a new owner", "warning")
            for row, c in customers[open_ & customers["rep_id"].isin(gone)].iterrows()]
