"""The ``跟进计划 Follow-up Plan`` sheet: who to call, message or visit, and who has gone quiet.

The 21-day rule comes first, in red: open customers nobody has touched for
21 days. Then key projects (dedicated owner, visits, the manager before a
milestone), a count per rep, and every task that is overdue, due today or due
this week, rep by rep.
"""

from __future__ import annotations

import pandas as pd

from ..core.calendar import WEEKDAYS_ZH
from ..core.followup import FollowUpPlan, Cadence, week_end
from ..workbook.backend import OutColumn, OutTable, SheetOutput
from ..workbook.contract.tracking import CHANNELS, FOLLOWUP_PLAN, STAGES

CHANNEL_LABEL = {c.key: c.label for c in CHANNELS}
STAGE_LABEL = {c.key: c.label for c in STAGES}


def c(key, zh, en, kind="text", total=False) -> OutColumn:
    return OutColumn(key, zh, en, kind, total)


CUSTOMER = [c("customer_id", "客户编号", "Customer ID"), c("customer", "客户名称", "Customer")]
REP = [c("rep_id", "负责业务员", "Owner rep"), c("rep_name", "姓名", "Name")]


def followup_sheet(plan: FollowUpPlan, cadence: Cadence) -> SheetOutput:
    as_of = plan.as_of
    silent = plan.silent.assign(stage=plan.silent["stage"].map(STAGE_LABEL),
                                last_channel=plan.silent["last_channel"].map(CHANNEL_LABEL))
    tasks = plan.tasks.assign(channel=plan.tasks["channel"].map(CHANNEL_LABEL))
    flagged = plan.key_projects[plan.key_projects["flag"] != ""]
    return SheetOutput(
        FOLLOWUP_PLAN,
        subtitle=(f"截至 as of {as_of:%Y-%m-%d}（周{WEEKDAYS_ZH[as_of.weekday()]}）· 本周至 week ends "
                  f"{week_end(as_of):%Y-%m-%d}"),
        notes=[
            "新客户：首次电话当天发感谢短信和总结邮件；下一个工作日早上问候短信、跟进电话、跟进后发邮件。"
            " New contact: thank-you SMS and summary e-mail on the day of the first call; on the next working day "
            "a morning greeting SMS, the follow-up call and an e-mail after it.",
            f"定期：每{cadence.sms_every}天一条短信、每{cadence.email_every}天一封邮件、每{cadence.call_every}天一个电话"
            f"（拜访和活动算电话）；{cadence.no_touch_days}天没有任何接触标红。"
            f" Ongoing: an SMS every {cadence.sms_every} days, an e-mail every {cadence.email_every}, a call every "
            f"{cadence.call_every} (a visit or event counts as the call); no touch for {cadence.no_touch_days} days "
            "is flagged red.",
        ],
        tables=[
            OutTable(silent, [*CUSTOMER, *REP, c("stage", "阶段", "Stage"), c("value", "预计金额", "Expected value",
                                                                            "amount", True),
                              c("key_project", "重点项目", "Key project", "bool"),
                              c("last_touch", "上次接触", "Last touch", "date"),
                              c("last_channel", "方式", "Channel"),
                              c("days_silent", "未接触天数", "Days without a touch", "integer")],
                     heading=(f"{cadence.no_touch_days}天法则：{len(silent)} 位客户超过{cadence.no_touch_days}天未跟进 "
                              f"{cadence.no_touch_days}-day rule: {len(silent)} customers not touched for "
                              f"{cadence.no_touch_days} days or more"),
                     name="followup_silent", tone="alert"),
            OutTable(plan.key_projects, [
                *CUSTOMER, *REP, c("project_owner", "项目专员", "Dedicated owner"),
                c("visit_every", "拜访间隔(天)", "Visit every (days)", "integer"),
                c("last_visit", "上次拜访", "Last visit", "date"), c("next_visit", "下次拜访", "Next visit", "date"),
                c("visit_overdue_days", "逾期天数", "Days overdue", "integer"), c("milestone", "关键节点", "Milestone"),
                c("milestone_date", "节点日期", "Milestone date", "date"), c("flag", "提示", "Flags"),
            ], heading=f"重点项目 Key projects（{len(plan.key_projects)}，需处理 to act on {len(flagged)}）",
                name="followup_key_projects", tone="alert" if len(flagged) else "normal"),
            OutTable(plan.reps, [
                c("rep_id", "业务员编号", "Rep ID"), c("rep_name", "姓名", "Name"),
                c("overdue", "逾期", "Overdue", "integer", True), c("today", "今天", "Today", "integer", True),
                c("this_week", "本周", "This week", "integer", True),
                c("silent", f"超{cadence.no_touch_days}天未跟进", f"Not touched {cadence.no_touch_days}+ days",
                  "integer", True),
                c("key_flags", "重点项目提示", "Key-project flags", "integer", True),
            ], heading="各业务员 By rep", name="followup_reps"),
            OutTable(tasks, [
                c("rep_id", "业务员编号", "Rep ID"), c("rep_name", "姓名", "Name"), c("bucket_label", "时间", "When"),
                c("due", "到期", "Due", "date"), c("days_overdue", "逾期天数", "Days overdue", "integer"),
                *CUSTOMER, c("task", "任务", "Task"), c("channel", "方式", "Channel"), c("kind_label", "类别", "Kind"),
                c("assignee", "执行人", "Who"), c("last_touch", "该方式上次接触", "Last touch on this channel", "date"),
            ], heading=f"跟进任务 Tasks（{len(tasks)}）", name="followup_tasks"),
        ],
    )
