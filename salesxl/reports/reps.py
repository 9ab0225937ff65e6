"""The sheets of the traffic with the reps: what a rep reads in their own file, and the master's 收回记录.

A rep's file (written by :mod:`salesxl.workbook.repbook`) opens on 我的目标 My Targets: the month's
target with its tiers, by product, by outlet and by core outlet and product; beside it the rep's
daily targets, commitment page and customers. The master's 收回记录 Collection Log holds three
tables — the files of each collect, the conflicts and the refusals — labelled as the schemas that
read them back (``contract.reps.COLLECTION_LOG_TABLES``), so every collect appends to the log.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..workbook.backend import Kind, OutColumn, OutTable, SheetOutput
from ..workbook.contract.reps import (COLLECTION_LOG, COLLECTION_LOG_TABLES, LOG_CONFLICTS, LOG_FILES, LOG_REFUSALS,
                                      REP_CUSTOMERS, REP_DAILY, REP_TARGETS)
from ..workbook.schema import SheetSchema

HOW_TO = [
    "每天在“日志”“实际销售”“跟进记录”表中逐行填写；在“反馈”表填写提议目标和理由。",
    "Each day fill in Daily Log, Actuals and Touches, a row a line; your proposal and reason on Feedback.",
    "填好后把本文件发回给主管，文件名不要改。 Send the file back to your manager; keep its name.",
    "其余工作表受保护（无密码），只为避免误改。 The other sheets are protected (no password) against slips.",
]
"""What the rep reads first: short lines, so the printed page is not shrunk to fit a long one."""


@dataclass
class RepTargets:
    """What one rep was issued for the month, as the master released it."""

    rep_id: str
    name: str
    region: str
    month: pd.Period
    version: int
    master_name: str
    tiers: pd.DataFrame  # month, target, base, challenge, sprint (one row)
    skus: pd.DataFrame  # sku, product, role, sku_target
    outlets: pd.DataFrame  # outlet_id, outlet, core, outlet_target
    core_skus: pd.DataFrame  # outlet_id, sku, outlet_sku_target
    daily: pd.DataFrame  # date, daily_target, target_to_date
    customers: pd.DataFrame  # customer_id, name, stage, value, key_project, milestone, milestone_date

    @property
    def line(self) -> str:
        return (f"{self.month} · {self.rep_id} {self.name} · {self.region} · 第 {self.version} 版 version "
                f"{self.version} · 总表 master {self.master_name}")


TIERS = [OutColumn("month", "月份", "Month", "month"), OutColumn("target", "月目标", "Month target", "amount"),
         OutColumn("base", "基础目标", "Base", "amount"), OutColumn("challenge", "挑战目标", "Challenge", "amount"),
         OutColumn("sprint", "冲刺目标", "Sprint", "amount")]
SKUS = [OutColumn("sku", "产品编码", "SKU"), OutColumn("product", "产品名称", "Product"),
        OutColumn("role", "产品角色", "Role"), OutColumn("sku_target", "产品目标", "SKU target", "amount", True)]
OUTLETS = [OutColumn("outlet_id", "网点编号", "Outlet ID"), OutColumn("outlet", "网点名称", "Outlet"),
           OutColumn("core", "核心店", "Core outlet", "bool"),
           OutColumn("outlet_target", "网点目标", "Outlet target", "amount", True)]
CORE_SKUS = [OutColumn("outlet_id", "网点编号", "Outlet ID"), OutColumn("sku", "产品编码", "SKU"),
             OutColumn("outlet_sku_target", "网点产品目标", "Outlet SKU target", "amount", True)]
DAILY = [OutColumn("date", "日期", "Date", "date"), OutColumn("daily_target", "日目标", "Daily target", "amount", True),
         OutColumn("target_to_date", "累计目标", "Target to date", "amount")]
CUSTOMERS = [OutColumn("customer_id", "客户编号", "Customer ID"), OutColumn("name", "客户名称", "Customer name"),
             OutColumn("stage", "阶段", "Stage"), OutColumn("value", "预计金额", "Expected value", "amount"),
             OutColumn("key_project", "重点项目", "Key project", "bool"),
             OutColumn("milestone", "关键节点", "Next milestone"),
             OutColumn("milestone_date", "节点日期", "Milestone date", "date")]


def targets_sheet(rep: RepTargets) -> SheetOutput:
    tables = [OutTable(rep.tiers, TIERS, heading="月度目标与三档 Month target and tiers", name="sx_rep_tiers"),
              OutTable(rep.skus, SKUS, heading="产品目标 Target by product", name="sx_rep_skus"),
              OutTable(rep.outlets, OUTLETS, heading="网点目标 Target by outlet", name="sx_rep_outlets")]
    if len(rep.core_skus):
        tables.append(OutTable(rep.core_skus, CORE_SKUS, heading="核心店产品目标 Core outlets by product",
                               name="sx_rep_core_skus"))
    return SheetOutput(REP_TARGETS, subtitle=rep.line, notes=list(HOW_TO), tables=tables)


def daily_sheet(rep: RepTargets) -> SheetOutput:
    return SheetOutput(REP_DAILY, subtitle=rep.line,
                       tables=[OutTable(rep.daily, DAILY, heading="每个工作日的目标 Target by working day",
                                        name="sx_rep_daily")])


def customers_sheet(rep: RepTargets) -> SheetOutput:
    return SheetOutput(REP_CUSTOMERS, subtitle=rep.line,
                       notes=["“跟进记录”表的客户编号从这里选 Touches take their customer IDs from this list."],
                       tables=[OutTable(rep.customers, CUSTOMERS, heading="我负责的客户 Customers I follow",
                                        name="sx_rep_customers")])


# ---- 收回记录 Collection Log ----

KINDS: dict[str, Kind] = {"integer": "integer"}


def log_columns(schema: SheetSchema) -> list[OutColumn]:
    return [OutColumn(c.key, c.zh, c.en, KINDS.get(c.type, "text")) for c in schema.columns]


def collection_log_sheet(files: pd.DataFrame, conflicts: pd.DataFrame, refusals: pd.DataFrame) -> SheetOutput:
    """The log with every collect so far (earlier rows first). All three tables are always written, even
    empty, so each is found again by its own headers."""
    frames = dict(zip((s.key for s in COLLECTION_LOG_TABLES), (files, conflicts, refusals)))
    headings = {LOG_FILES.key: "收回的文件 Files collected",
                LOG_CONFLICTS.key: "冲突：总表中的值保留未改 Conflicts: the master's value was kept",
                LOG_REFUSALS.key: "拒收 Refused"}
    tables = [OutTable(frames[s.key].reset_index(drop=True), log_columns(s), heading=headings[s.key],
                       name=f"sx_{s.key}", tone="alert" if s.key != LOG_FILES.key and len(frames[s.key]) else "normal")
              for s in COLLECTION_LOG_TABLES]
    return SheetOutput(COLLECTION_LOG, subtitle="每次收回追加，旧行保留 Each collect appends; earlier rows are kept.",
                       tables=tables)
