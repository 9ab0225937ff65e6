"""军令状 Commitments: one printable page per rep, on one sheet with a page break before each rep.

One sheet rather than a tab per rep: a team of thirty prints (or exports) in one
go, and the workbook does not grow thirty tabs. Each rep's page holds who and
when, the agreed target with its base/challenge/sprint tiers, the targets by
product and by core outlet, the incentive rules and the expense budget when the
workbook has them, the pledge, and signature and date lines. A4 portrait, fitted
to the page width, with the title row repeated on every printed page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..workbook.backend import OutColumn, OutTable, PageSetup, SheetOutput
from ..workbook.contract.agree import COMMITMENTS

PLEDGE = ("本人已知悉并认可以上目标与奖惩规则，承诺全力完成。 I have read and accept the targets and the rules "
          "above and commit to achieving them.")

ITEM = [OutColumn("item", "项目", "Item"), OutColumn("value", "内容", "Value")]
TIERS = [OutColumn("tier", "档位", "Tier"), OutColumn("multiplier", "倍数", "Multiplier", "decimal"),
         OutColumn("target", "目标", "Target", "amount")]
PRODUCTS = [OutColumn("sku", "产品编码", "SKU"), OutColumn("product", "产品名称", "Product"),
            OutColumn("role", "产品角色", "Role"), OutColumn("target", "产品目标", "SKU target", "amount", True)]
OUTLETS = [OutColumn("outlet_id", "网点编号", "Outlet ID"), OutColumn("outlet", "网点名称", "Outlet"),
           OutColumn("target", "网点目标", "Outlet target", "amount", True)]
RULES = [OutColumn("rule", "奖惩规则", "Reward and penalty rules")]
SIGN = [OutColumn("role", "签署人", "Signed by"), OutColumn("name", "姓名", "Name"),
        OutColumn("signature", "签字", "Signature"), OutColumn("date", "日期", "Date")]


@dataclass
class Commitment:
    """What one rep's page says."""

    rep_id: str
    name: str
    region: str
    manager: str | None
    month: pd.Period
    target: float
    tiers: pd.DataFrame  # tier, multiplier, target
    products: pd.DataFrame  # sku, product, role, target
    core_outlets: pd.DataFrame  # outlet_id, outlet, target
    rules: list[str] = field(default_factory=list)
    expense_budget: float | None = None
    signed: bool = False


def commitments_sheet(pages: list[Commitment], currency: str) -> SheetOutput:
    tables: list[OutTable] = []
    for i, page in enumerate(pages):
        tables += rep_tables(page, currency, first=i == 0)
    return SheetOutput(COMMITMENTS, subtitle=f"{pages[0].month if pages else ''} · 每名业务员一页 one page per rep",
                       tables=tables, page=PageSetup(orientation="portrait", title_rows=1, freeze=False))


def rep_tables(page: Commitment, currency: str, first: bool) -> list[OutTable]:
    key = re.sub(r"\W", "_", str(page.rep_id))
    details = [
        ("业务员 Rep", f"{page.rep_id} {page.name}"), ("区域 Region", page.region),
        ("主管 Manager", page.manager or ""), ("月份 Month", str(page.month)),
        (f"确认目标 Agreed target ({currency})", f"{page.target:,.2f}"),
    ]
    if page.expense_budget is not None:
        details.append((f"费用预算 Expense budget ({currency})", f"{page.expense_budget:,.2f}"))
    details.append(("签署状态 Signed", "已签署 signed" if page.signed else "未签署 not yet signed"))
    tables = [
        OutTable(pd.DataFrame(details, columns=["item", "value"]), ITEM, page_break=not first,
                 heading=f"军令状 Commitment — {page.rep_id} {page.name} · {page.month}", name=f"sx_cm_{key}_info"),
        OutTable(page.tiers, TIERS, heading="三档目标 Base / challenge / sprint", name=f"sx_cm_{key}_tiers"),
        OutTable(page.products, PRODUCTS, heading="产品目标 Target by product", name=f"sx_cm_{key}_products"),
    ]
    if len(page.core_outlets):
        tables.append(OutTable(page.core_outlets, OUTLETS, heading="核心店目标 Target by core outlet",
                               name=f"sx_cm_{key}_outlets"))
    rules = page.rules or ["（工作簿中没有激励规则表 the workbook has no incentive rules sheet）"]
    tables.append(OutTable(pd.DataFrame({"rule": rules + [PLEDGE]}), RULES, heading="奖惩与承诺 Rules and pledge",
                           name=f"sx_cm_{key}_rules"))
    sign = pd.DataFrame({"role": ["业务员 Rep", "主管 Manager"], "name": [page.name, page.manager or ""],
                         "signature": ["", ""], "date": ["    年    月    日", "    年    月    日"]})
    tables.append(OutTable(sign, SIGN, heading="签字 Signatures", name=f"sx_cm_{key}_sign"))
    return tables
