"""A realistic, seeded demo company: the data behind ``salesxl demo``.

Five regions, about thirty reps (three of them new, one who has left), three
hundred outlets (a fifth of them core), forty SKUs across the four roles (three
new), and three years of history before the plan month with a Chinese New Year
dip and a year-end push. Older years are monthly rows per rep and SKU; the last
twelve months are daily orders per outlet, which keeps the file a few MB.

The plan month is already under way: its first two weeks (to Friday the 11th of
December 2026) have daily logs, actual sales and customer touches, with a few
reps lagging, some core outlets left unvisited, and customers gone quiet.

The company is pure data: settings and DataFrames shaped like the input
sheets, which the workbook edge writes. Only the two functions at the end touch
a workbook: they are the demo's own steps, playing the reps who answer the draft
and the manager who decides (:func:`fill_demo_feedback`), and the reps who sign
(:func:`agree_signed_demo`), between ``issue-draft`` and the close.

Over 600 lines because it is one story, told sheet by sheet: each input sheet's
generator sits with the constants it draws from, in the order a planner fills
the sheets, so a change to the company is made in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import holidays
import numpy as np
import pandas as pd

from .reports.agreement import feedback_sheet
from .steps import Progress, StepResult, quiet, run_step
from .steps.agree import agree
from .workbook.backend import WorkbookBackend
from .workbook.reader import Inputs

PLAN_MONTH = pd.Period("2026-12", freq="M")
DEMO_SEED = 2026

REGIONS = [  # region, market share, annual market capacity (yuan), relative size
    ("华东", 0.18, 260_000_000, 1.30),
    ("华南", 0.15, 210_000_000, 1.10),
    ("华北", 0.12, 190_000_000, 0.95),
    ("西南", 0.08, 150_000_000, 0.70),
    ("华中", 0.10, 140_000_000, 0.80),
]

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "强", "丽", "涛", "明", "超",
         "霞", "平", "刚", "桂英", "晓东", "海燕", "建华", "志强", "文静", "子涵", "浩然", "雨桐", "思远", "嘉怡"]

ROLE_PLAN = [  # role, number of SKUs, price range, name stem
    ("flagship", 6, (880, 1680), "旗舰"),
    ("volume", 14, (45, 160), "畅销"),
    ("profit", 12, (220, 520), "精品"),
    ("image", 8, (1800, 3600), "典藏"),
]
ROLE_MIX = {"flagship": 0.30, "volume": 0.35, "profit": 0.25, "image": 0.10}

# Same month, relative to an average month: Chinese New Year dip, year-end push.
SEASON = {1: 0.88, 2: 0.62, 3: 0.95, 4: 0.98, 5: 1.02, 6: 1.05, 7: 0.96, 8: 0.97, 9: 1.04, 10: 1.00,
          11: 1.12, 12: 1.30}
ANNUAL_GROWTH = 0.09
REP_MONTHLY_BASE = 95_000.0


@dataclass(frozen=True)
class DemoSize:
    reps: int = 30
    outlets: int = 300
    skus: int = 40
    years: int = 3


def demo_workbook_data(seed: int = DEMO_SEED, size: DemoSize = DemoSize(), plan_month: pd.Period = PLAN_MONTH):
    """Return ``(settings, tables)`` for the demo company."""
    rng = np.random.default_rng(seed)
    regions = make_regions()
    products = make_products(rng, size.skus)
    reps = make_reps(rng, size.reps, plan_month)
    outlets = make_outlets(rng, size.outlets, reps)
    history = make_history(rng, reps, outlets, products, plan_month, size.years)
    tables = {
        "budget": make_budget(history, plan_month),
        "factors": make_factors(),
        "history": history,
        "products": products,
        "role_mix": pd.DataFrame({"role": list(ROLE_MIX), "share": list(ROLE_MIX.values())}),
        "regions": regions,
        "reps": reps,
        "outlets": outlets,
        "calendar": make_calendar(plan_month),
        "incentive_rules": make_incentive_rules(reps),
    }
    add_breakdown_examples(tables)
    tables.update(make_tracking(seed, reps, outlets, products, history, plan_month))
    add_past_years(tables, seed, plan_month)
    settings = {"plan_month": plan_month, "country": "CN", "currency": "CNY", "rounding_unit": 1.0}
    expense_settings, expense_tables = make_expenses(seed, reps, outlets, plan_month)
    settings.update(expense_settings)
    tables.update(expense_tables)
    return settings, tables


def add_breakdown_examples(tables: dict[str, pd.DataFrame]) -> None:
    """What a planner does before releasing the month (step 4): holds, and an outlet across a border.

    The manager holds a new rep at 40,000 (a probation target), one core outlet of the
    first rep at 8,000 and the first image product at 20,000; and the first rep also
    serves one outlet of another region, taken over from a colleague.
    """
    reps, outlets, products = tables["reps"], tables["outlets"], tables["products"]
    for frame in (reps, outlets, products, tables["regions"]):
        frame["manual_target"] = np.nan
    reps.loc[len(reps) - 2, "manual_target"] = 40_000.0
    first = reps.at[0, "rep_id"]
    core = outlets.index[outlets.core & (outlets.rep_id == first)]
    if len(core):
        outlets.loc[core[0], "manual_target"] = 8_000.0
    products.loc[products.index[products.role == "image"][0], "manual_target"] = 20_000.0
    elsewhere = outlets.index[outlets.region != reps.at[0, "region"]]
    outlets.loc[elsewhere[0], "rep_id"] = first


def make_regions() -> pd.DataFrame:
    return pd.DataFrame({
        "region": [r[0] for r in REGIONS],
        "market_share": [r[1] for r in REGIONS],
        "market_capacity": [float(r[2]) for r in REGIONS],
        "manual_share": [np.nan] * len(REGIONS),
    })


def make_products(rng, count: int) -> pd.DataFrame:
    rows = []
    scale = count / sum(n for _, n, _, _ in ROLE_PLAN)
    for role, n, (low, high), stem in ROLE_PLAN:
        for i in range(max(1, round(n * scale))):
            price = float(round(rng.uniform(low, high), -1 if high < 1000 else -2))
            rows.append({"sku": f"{role[0].upper()}{i + 1:02d}", "name": f"{stem}{i + 1:02d}", "role": role,
                         "unit_price": price, "unit_cost": float(round(price * rng.uniform(0.45, 0.7), 2)),
                         "active": True, "manual_share": np.nan})
    frame = pd.DataFrame(rows)
    # The last SKU of the flagship, profit and volume roles is new this month: no history yet.
    new = [frame.index[frame.role == role][-1] for role in ("flagship", "profit", "volume")]
    frame["new"] = frame.index.isin(new)
    frame.loc[new[0], "manual_share"] = 0.08
    return frame


def make_reps(rng, count: int, plan_month: pd.Period) -> pd.DataFrame:
    names = {f"{s}{g}" for s, g in zip(rng.choice(list(SURNAMES), count * 3), rng.choice(GIVEN, count * 3))}
    names = sorted(names)[:count]
    rng.shuffle(names)
    region_names = [r[0] for r in REGIONS]
    region = [region_names[i % len(region_names)] for i in range(count)]
    start = plan_month.to_timestamp() - pd.DateOffset(years=4)
    hire = [start + pd.Timedelta(days=int(d)) for d in rng.integers(0, 300, count)]
    frame = pd.DataFrame({"rep_id": [f"R{i + 1:03d}" for i in range(count)], "name": names, "region": region,
                          "manager": [f"{region[i]}经理" for i in range(count)], "active": True,
                          "manual_share": np.nan, "hire_date": hire})
    # Three reps joined in the last two months; one left last month (kept, inactive, for history).
    for i in (count - 1, count - 2, count - 3):
        frame.loc[i, "hire_date"] = (plan_month - 1 - (i % 2)).to_timestamp() + pd.Timedelta(days=9)
    frame.loc[leaving_rep(frame, count - 4), "active"] = False
    # The manager expects a little more of one new hire (experienced elsewhere) than the default starting
    # share (half the region's average rep share): 65 % of it.
    region_reps = int((frame.active & (frame.region == frame.at[count - 3, "region"])).sum())
    frame.loc[count - 3, "manual_share"] = round(0.65 / max(region_reps, 1), 3)
    return frame


def leaving_rep(reps: pd.DataFrame, start: int) -> int:
    """The rep who left: the last one from ``start`` down whose region keeps another rep.

    A region must not lose its only rep, or it would have a budget and a
    market but nobody to sell (and, in a small demo, no history at all).
    """
    for i in range(start, -1, -1):
        if ((reps.region == reps.region[i]) & (reps.index != i)).any():
            return i
    return start


def make_outlets(rng, count: int, reps: pd.DataFrame) -> pd.DataFrame:
    rep_index = np.arange(count) % len(reps)
    rng.shuffle(rep_index)
    assigned = reps.iloc[rep_index].reset_index(drop=True)
    # The rep who left hands his outlets to the newest rep of the same region.
    gone = reps.loc[~reps.active, "rep_id"].tolist()
    frame = pd.DataFrame({
        "outlet_id": [f"O{i + 1:04d}" for i in range(count)],
        "name": [f"{r}{kind}{i + 1:03d}" for i, (r, kind) in
                 enumerate(zip(assigned.region, rng.choice(["百货", "商超", "专卖店", "便利店", "连锁店"], count)))],
        "rep_id": assigned.rep_id.to_numpy(),
        "region": assigned.region.to_numpy(),
        "core": rng.random(count) < 0.2,
        "potential": np.where(rng.random(count) < 0.5, np.round(rng.uniform(20_000, 160_000, count), -3), np.nan),
        "developing": rng.random(count) < 0.1,
    })
    frame["history_rep"] = frame.rep_id
    new_reps = reps[reps.hire_date >= reps.hire_date.max() - pd.Timedelta(days=40)]
    for rep in gone:
        region = reps.loc[reps.rep_id == rep, "region"].iloc[0]
        candidates = [new_reps[new_reps.region == region], reps[(reps.region == region) & reps.active],
                      reps[reps.active]]
        heir = next(c.rep_id.iloc[0] for c in candidates if len(c))
        frame.loc[frame.rep_id == rep, ["rep_id", "region"]] = [heir, reps.set_index("rep_id").region[heir]]
    # The new rep the manager gives a manual share took over a colleague's outlets: the colleague of the
    # region served them until the hire. (The other new reps open new outlets.)
    frame["previous_rep"] = None
    established = reps[reps.active & ~reps.rep_id.isin(new_reps.rep_id)]
    handed = new_reps[new_reps.manual_share.notna()]
    for rep, region in zip(handed.rep_id, handed.region):
        colleagues = established[established.region == region]
        if len(colleagues):
            frame.loc[frame.history_rep == rep, "previous_rep"] = colleagues.rep_id.iloc[0]
    return frame


def make_history(rng, reps, outlets, products, plan_month: pd.Period, years: int) -> pd.DataFrame:
    """Monthly rep × SKU rows for older years, daily outlet × SKU orders for the last twelve months."""
    months = pd.period_range(plan_month - 12 * years, plan_month - 1, freq="M")
    old_products = products[~products.new].reset_index(drop=True)
    region_size = {r[0]: r[3] for r in REGIONS}
    hired = dict(zip(reps.rep_id, reps.hire_date))
    skill = dict(zip(reps.rep_id, rng.lognormal(0, 0.25, len(reps))))
    outlet_size = rng.lognormal(0, 0.6, len(outlets))
    role_weight = old_products.role.map(ROLE_MIX).to_numpy() / old_products.groupby("role").sku.transform("count")
    cn = holidays.country_holidays("CN", years=range(months[0].year, plan_month.year + 1))
    skus, prices = old_products.sku.to_numpy(), old_products.unit_price.to_numpy()
    o_region, o_id = (outlets[c].tolist() for c in ("region", "outlet_id"))
    previous = outlets["previous_rep"] if "previous_rep" in outlets else pd.Series(None, index=outlets.index)
    rows = []
    for m in months:
        trend = (1 + ANNUAL_GROWTH) ** ((m - plan_month).n / 12)
        month_start = m.to_timestamp()
        # Before a new rep's hire, the colleague who handed the outlet over sold there.
        seller = pd.Series([r if hired[r] <= month_start or p is None else p
                            for r, p in zip(outlets.history_rep, previous)], index=outlets.index)
        o_rep = seller.tolist()
        active = np.array([hired[r] <= month_start for r in seller])
        value = (REP_MONTHLY_BASE / (len(outlets) / len(reps)) * SEASON[m.month] * trend
                 * outlets.region.map(region_size).to_numpy() * outlet_size
                 * seller.map(skill).to_numpy() * rng.lognormal(0, 0.12, len(outlets)) * active)
        daily = m >= plan_month - 12
        working = [d for d in pd.date_range(month_start, m.to_timestamp(how="end").normalize())
                   if cn.is_working_day(d.date())]
        for o in np.flatnonzero(value > 0):
            assortment = rng.choice(len(old_products), size=min(8, len(old_products)), replace=False,
                                    p=role_weight / role_weight.sum())
            share = rng.dirichlet(np.ones(len(assortment)) * 2)
            if not daily:
                for sku_i, s in zip(assortment, share):
                    rows.append((pd.NaT, m, o_region[o], o_rep[o], None, skus[sku_i], value[o] * s, prices[sku_i]))
                continue
            for day in rng.choice(len(working), size=min(2, len(working)), replace=False):
                picks = rng.choice(len(assortment), size=min(4, len(assortment)), replace=False)
                for p in picks:
                    sku_i = assortment[p]
                    amount = value[o] * share[p] * len(assortment) / len(picks) / 2
                    rows.append((working[day], pd.NaT, o_region[o], o_rep[o], o_id[o], skus[sku_i], amount,
                                 prices[sku_i]))
    frame = pd.DataFrame(rows, columns=["date", "month", "region", "rep_id", "outlet_id", "sku", "amount", "price"])
    qty = np.maximum(1, np.round(frame.amount / frame.price))
    frame["qty"] = qty
    frame["amount"] = qty * frame.price
    frame["month"] = pd.PeriodIndex(frame.month, freq="M")
    frame = frame.sort_values(["month", "date", "rep_id", "outlet_id", "sku"], na_position="first", kind="stable")
    monthly = frame.groupby(["month", "region", "rep_id", "sku"], dropna=False, sort=True).agg(
        qty=("qty", "sum"), amount=("amount", "sum")).reset_index()
    monthly = monthly[monthly.month.notna()]
    daily_rows = frame[frame.month.isna()]
    out = pd.concat([monthly.assign(date=pd.NaT, outlet_id=None), daily_rows], ignore_index=True)
    return out[["date", "month", "region", "rep_id", "outlet_id", "sku", "qty", "amount"]].reset_index(drop=True)


def make_budget(history: pd.DataFrame, plan_month: pd.Period) -> pd.DataFrame:
    """A regional budget for the plan year: last year's month × 1.12, in thousands."""
    when = history.month.where(history.month.notna(), history.date.dt.to_period("M"))
    by = history.assign(when=when).groupby(["when", "region"]).amount.sum()
    rows = []
    for month in range(1, 13):
        last = pd.Period(year=plan_month.year - 1, month=month, freq="M")
        for region in [r[0] for r in REGIONS]:
            base = by.get((last, region), 0.0)
            rows.append({"year": plan_month.year, "month": month, "region": region,
                         "amount": float(round(base * 1.12, -3))})
    return pd.DataFrame(rows)


def make_factors() -> pd.DataFrame:
    return pd.DataFrame({
        "factor": ["budget", "history", "industry", "benchmark"],
        "weight": [0.40, 0.30, 0.15, 0.15],
        "growth_rate": [np.nan, np.nan, 0.08, 0.12],
        "source": ["2026年度预算 annual budget 2026", "历史销售表 History sheet",
                   "行业协会年报 industry association report", "标杆企业年报 benchmark annual report"],
    })


PAST_GROWTH = {  # year back -> (industry, benchmark) growth as the planner recorded them that year
    1: (0.085, 0.13),
    2: (0.07, 0.10),
}


def add_past_years(tables: dict[str, pd.DataFrame], seed: int, plan_month: pd.Period) -> None:
    """What the backtest replays with: the two previous years' budgets and growth rates.

    Past budgets follow this year's, about 9 % lower per year back with a few
    per cent of noise (budgets were set ahead, so they miss like real ones);
    the Factors sheet gets a row per year for industry and benchmark growth.
    Both are appended below the current rows, which keeps those rows where
    they were.
    """
    rng = np.random.default_rng([seed, 14])
    budget = tables["budget"]
    current = budget[budget.year == plan_month.year]
    past = []
    for back in (2, 1):
        for _, row in current.iterrows():
            amount = row.amount / (1 + ANNUAL_GROWTH) ** back * rng.normal(1.0, 0.04)
            past.append({"year": plan_month.year - back, "month": row.month, "region": row.region,
                         "amount": float(round(amount, -3))})
    tables["budget"] = pd.concat([budget, pd.DataFrame(past)], ignore_index=True)
    factors = tables["factors"].assign(year=pd.array([None] * len(tables["factors"]), dtype="Int64"))
    weight = dict(zip(factors.factor, factors.weight))
    sources = {"industry": "行业协会年报 industry report", "benchmark": "标杆企业年报 benchmark report"}
    rows = [{"factor": key, "weight": weight[key], "growth_rate": PAST_GROWTH[back][i],
             "source": f"{plan_month.year - back}年{sources[key]}", "year": plan_month.year - back}
            for back in (2, 1) for i, key in enumerate(("industry", "benchmark"))]
    tables["factors"] = pd.concat([factors, pd.DataFrame(rows).astype({"year": "Int64"})], ignore_index=True)


def make_calendar(plan_month: pd.Period) -> pd.DataFrame:
    start = plan_month.to_timestamp()
    return pd.DataFrame({
        "date": [start + pd.Timedelta(days=24), start + pd.Timedelta(days=30)],
        "status": ["working", "off"],
        "weight": [0.5, np.nan],
        "note": ["年会，半天 annual meeting, half day", "公司年末盘点 year-end stocktake"],
    })


# ---- Step 5, expenses: the expense policy and the month's request log ----

HQ_APPROVERS = ("周总", "王总监")

EXPENSE_POLICY = [  # category, method, amount, rate, cap, held by, note
    ("差旅费 Travel", "per_rep", 2_000.0, np.nan, np.nan, None, "市内交通与出差 local transport and trips"),
    ("业务招待费 Entertainment", "rate_on_target", np.nan, 0.01, 2_000.0, None,
     "按个人目标1%，每人最多2,000 1% of the rep's target, at most 2,000"),
    ("网点开发费 Outlet development", "per_developing_outlet", 1_500.0, np.nan, 4_500.0, None,
     "培育中网点的市场建设费 market-building funds for developing outlets"),
    ("样品费 Samples", "per_rep", 600.0, np.nan, np.nan, None, "试用装与样品 samples and trial packs"),
    ("陈列费 Display fees", "per_region", 12_000.0, np.nan, np.nan, "region",
     "与连锁系统谈定的陈列位 display space agreed with chains"),
    ("促销推广费 Promotion", "rate_on_target", np.nan, 0.015, np.nan, "region",
     "区域促销活动，按区域目标1.5% regional promotions, 1.5% of the region's target"),
]

REP_CATEGORIES = {  # category: (share of rep requests, amount range, rounding, purposes)
    "差旅费 Travel": (0.40, (200, 800), -1, ["拜访网点 outlet visits", "出差 trip to a county town",
                                             "陪同经销商巡店 store tour with the distributor"]),
    "业务招待费 Entertainment": (0.25, (200, 700), -1, ["客户餐叙 dinner with a buyer",
                                                       "经销商年终答谢 distributor year-end thanks"]),
    "网点开发费 Outlet development": (0.15, (400, 1_400), -2, ["新店进场 new outlet listing",
                                                              "培育店堆头 floor stack in a developing outlet"]),
    "样品费 Samples": (0.20, (100, 400), -1, ["试饮试吃 tasting", "新品样品 samples of the new SKU"]),
}
REGION_CATEGORIES = {
    "陈列费 Display fees": (0.55, (1_500, 4_000), -2, ["连锁端架 chain end caps", "节日陈列 holiday display"]),
    "促销推广费 Promotion": (0.45, (1_500, 4_500), -2, ["周末促销 weekend promotion", "年货节活动 new-year fair"]),
}
VERIFICATION_NOTES = ["票据齐全 receipts complete", "票据齐全 receipts complete", "部分票据后补 some receipts to follow"]


def make_expenses(seed: int, reps: pd.DataFrame, outlets: pd.DataFrame, plan_month: pd.Period):
    """The expense policy and about 3½ requests per rep in the first 18 days of the plan month.

    Most requests are in order: a rep asks the region, the rep's manager approves within two working days, spend
    is verified a week later. A few are not, as in any real log: a rep's request approved directly by HQ, a
    region approving its own request, spend before approval, spend above the approval, and one rep's travel
    running past the budget. Its own random stream keeps the rest of the demo unchanged.
    """
    rng = np.random.default_rng([seed, 5])
    settings = {"expense_ceiling_rate": 0.08, "expense_over_ceiling": "scale_down",
                "hq_approvers": ", ".join(HQ_APPROVERS)}
    policy = pd.DataFrame(EXPENSE_POLICY, columns=["category", "method", "amount", "rate", "cap", "held_by", "note"])
    active = reps[reps.active].reset_index(drop=True)
    cn = holidays.country_holidays("CN", years=plan_month.year)
    days = [d for d in pd.date_range(plan_month.start_time, plan_month.start_time + pd.Timedelta(days=17))
            if cn.is_working_day(d.date())]
    developing = outlets[outlets.developing].groupby("rep_id").outlet_id.apply(list).to_dict()
    regions = list(dict.fromkeys(active.region))

    def later(day, n):
        """``n`` working days after ``day``, not past the log's date."""
        i = days.index(day) if day in days else len(days) - 1
        return days[min(i + n, len(days) - 1)]

    rows = []
    for _ in range(round(len(active) * 3.5)):
        day = days[int(rng.integers(len(days)))]
        if rng.random() < 0.8:
            rep = active.iloc[int(rng.integers(len(active)))]
            options = [c for c in REP_CATEGORIES if c != "网点开发费 Outlet development" or rep.rep_id in developing]
            weights = np.array([REP_CATEGORIES[c][0] for c in options])
            category = options[int(rng.choice(len(options), p=weights / weights.sum()))]
            _, (low, high), digits, purposes = REP_CATEGORIES[category]
            outlet = (rng.choice(developing[rep.rep_id]) if category == "网点开发费 Outlet development" else None)
            requester = rep["name"] if rng.random() < 0.2 else rep.rep_id
            rows.append(dict(date=day, level="rep", requester=requester, category=category,
                             amount=float(round(rng.uniform(low, high), digits)),
                             purpose=purposes[int(rng.integers(len(purposes)))], outlet_id=outlet,
                             approver=rep.manager))
        else:
            region = regions[int(rng.integers(len(regions)))]
            manager = active.loc[active.region == region, "manager"].iloc[0]
            category = list(REGION_CATEGORIES)[int(rng.random() >= REGION_CATEGORIES["陈列费 Display fees"][0])]
            _, (low, high), digits, purposes = REGION_CATEGORIES[category]
            rows.append(dict(date=day, level="region", requester=manager if rng.random() < 0.5 else region,
                             category=category, amount=float(round(rng.uniform(low, high), digits)),
                             purpose=purposes[int(rng.integers(len(purposes)))], outlet_id=None,
                             approver=HQ_APPROVERS[int(rng.integers(len(HQ_APPROVERS)))]))
    for row in rows:
        age = len(days) - 1 - days.index(row["date"])
        fate = rng.random()
        row["status"] = ("pending" if age < 2 else "approved" if fate < 0.9 else "rejected" if fate < 0.97
                         else "pending")
        decided = row["status"] != "pending"
        row["decision_date"] = later(row["date"], int(rng.integers(0, 3))) if decided else pd.NaT
        row["approver"] = row["approver"] if decided else None
        row["approved_amount"] = (float(round(row["amount"] * rng.uniform(0.6, 0.9), -1))
                                  if row["status"] == "approved" and rng.random() < 0.2 else np.nan)
        granted = row["approved_amount"] if pd.notna(row["approved_amount"]) else row["amount"]
        verified = row["status"] == "approved" and age >= 5
        row["verified_amount"] = (float(round(granted * rng.uniform(0.8, 1.0))) if verified and rng.random() < 0.7
                                  else granted if verified else np.nan)
        row["verification_note"] = VERIFICATION_NOTES[int(rng.integers(3))] if verified else None

    # What goes wrong in a real month, once each.
    first, second = active.iloc[0], active.iloc[min(1, len(active) - 1)]
    early, mid = days[1], days[len(days) // 2]
    rows += [
        dict(date=days[0], level="rep", requester=first.rep_id, category="差旅费 Travel", amount=900.0,
             purpose="省外出差 out-of-province trip", outlet_id=None, status="approved", approver=first.manager,
             approved_amount=np.nan, decision_date=days[0], verified_amount=900.0,
             verification_note=VERIFICATION_NOTES[0]),
        dict(date=early, level="rep", requester=first.rep_id, category="差旅费 Travel", amount=900.0,
             purpose="省外出差 out-of-province trip", outlet_id=None, status="approved", approver=first.manager,
             approved_amount=np.nan, decision_date=early, verified_amount=880.0,
             verification_note=VERIFICATION_NOTES[0]),
        dict(date=mid, level="rep", requester=first.rep_id, category="差旅费 Travel", amount=950.0,
             purpose="省外出差 out-of-province trip", outlet_id=None, status="approved", approver=first.manager,
             approved_amount=np.nan, decision_date=mid, verified_amount=np.nan, verification_note=None),
        dict(date=early, level="rep", requester=second.rep_id, category="业务招待费 Entertainment", amount=600.0,
             purpose="大客户宴请，区域经理休假 key-account dinner, manager on leave", outlet_id=None,
             status="approved", approver=HQ_APPROVERS[0], approved_amount=np.nan, decision_date=early,
             verified_amount=600.0, verification_note=VERIFICATION_NOTES[0]),
        dict(date=early, level="region", requester=first.manager, category="陈列费 Display fees", amount=3_000.0,
             purpose="连锁端架 chain end caps", outlet_id=None, status="approved", approver=first.manager,
             approved_amount=np.nan, decision_date=early, verified_amount=3_000.0,
             verification_note=VERIFICATION_NOTES[0]),
        dict(date=mid, level="rep", requester=second.rep_id, category="样品费 Samples", amount=300.0,
             purpose="新品样品 samples of the new SKU", outlet_id=None, status="pending", approver=None,
             approved_amount=np.nan, decision_date=pd.NaT, verified_amount=300.0,
             verification_note="先支出后申请 spent before approval"),
        dict(date=early, level="rep", requester=second.rep_id, category="差旅费 Travel", amount=500.0,
             purpose="拜访网点 outlet visits", outlet_id=None, status="approved", approver=second.manager,
             approved_amount=400.0, decision_date=early, verified_amount=520.0,
             verification_note="超出批复 above the approval"),
    ]
    requests = pd.DataFrame(rows).sort_values("date", kind="stable").reset_index(drop=True)
    requests.insert(0, "request_id", [f"FY{plan_month.strftime('%y%m')}-{i + 1:03d}" for i in range(len(requests))])
    requests["date"] = pd.to_datetime(requests["date"])
    requests["decision_date"] = pd.to_datetime(requests["decision_date"])
    columns = ["request_id", "date", "level", "requester", "category", "amount", "purpose", "outlet_id", "status",
               "approver", "approved_amount", "decision_date", "verified_amount", "verification_note"]
    return settings, {"expense_policy": policy, "expense_requests": requests[columns]}
# ---- Tracking (step 6): the first two weeks of the plan month ----

TRACKED_UNTIL_DAY = 11
"""The demo's logs, sales and touches run from the 1st to this day of the plan month (Friday 11 Dec 2026)."""

PURPOSES = ["订货 order", "陈列检查 display check", "回款 collection", "新品推介 new product", "店员培训 staff training",
            "促销执行 promotion"]
RESULTS = ["下单 ordered", "已补货 restocked", "已收款 paid", "同意试销 trial agreed", "待回复 awaiting reply",
           "陈列已调整 display fixed"]
FEEDBACK = ["竞品在做买二送一 competitor running buy-two-get-one", "店长希望增加旗舰机型陈列 manager wants more flagship display",
            "客户反映到货慢 customer says deliveries are slow", "新品价格偏高 new product priced high",
            "年底备货意愿强 strong year-end stocking intent", "要求延长账期 asks for longer payment terms",
            "样品不足 not enough samples", "对促销政策满意 happy with the promotion"]
NEXT_ACTIONS = ["周五前送样 deliver samples by Friday", "申请陈列费 apply for display fee", "约店长面谈 meet the store manager",
                "跟进回款 chase payment", "安排培训 schedule training", "报价给采购 send the buyer a quote"]
COMPANY_KINDS = ["机械", "电器", "酒店", "商贸", "物业", "食品", "建设", "医疗"]
CITIES = {"华东": ["杭州", "上海", "南京", "苏州"], "华南": ["广州", "深圳", "厦门", "福州"],
          "华北": ["北京", "天津", "济南", "太原"], "西南": ["成都", "重庆", "昆明", "贵阳"],
          "华中": ["武汉", "长沙", "郑州", "南昌"]}
MILESTONES = ["立项审批 project approval", "招标 tender", "技术交流 technical review", "签约 contract"]


def make_tracking(seed: int, reps, outlets, products, history, plan_month: pd.Period) -> dict[str, pd.DataFrame]:
    """Daily logs, actual sales, customers and touches for the first two weeks of ``plan_month``.

    A separate random stream keeps every other demo table exactly as it was.
    """
    rng = np.random.default_rng([seed, 6])
    cn = holidays.country_holidays("CN", years=range(plan_month.year - 1, plan_month.year + 2))
    start = plan_month.to_timestamp()
    days = [d for d in pd.date_range(start, start + pd.Timedelta(days=TRACKED_UNTIL_DAY - 1))
            if cn.is_working_day(d.date())]
    active = reps[reps.active].reset_index(drop=True)
    # Most reps sell about as last year plus growth; two lag badly and one runs ahead.
    form = dict(zip(active.rep_id, rng.lognormal(0, 0.12, len(active))))
    lagging = lagging_reps(reps)
    for rep in lagging:
        form[rep] *= 0.55
    form[active.rep_id.iloc[2]] *= 1.3
    return {
        "actuals": make_actuals(rng, outlets, products, history, plan_month, days, form),
        "daily_log": make_daily_log(rng, active, outlets, days, lagging),
        **make_customers(rng, active, plan_month, cn),
    }


def lagging_reps(reps) -> list[str]:
    """The two active reps the demo has selling at about half their usual rate (and missing more visits)."""
    active = reps[reps.active].reset_index(drop=True)
    return list(active.rep_id[[1, len(active) // 2]])


def outlet_month_value(history, outlets, plan_month: pd.Period) -> np.ndarray:
    """Each outlet's expected sales in the plan month: its deseasonalised level, scaled to last year grown."""
    daily = history[history.date.notna() & history.outlet_id.notna()]
    month = daily.date.dt.to_period("M")
    monthly = daily.groupby([daily.outlet_id, month]).amount.sum().reset_index()
    monthly["level"] = monthly.amount / monthly.date.map(lambda m: SEASON[m.month])
    level = monthly.groupby("outlet_id")["level"].mean()
    value = outlets.outlet_id.map(level)
    value = value.fillna(value.median()).to_numpy()
    # Scaled so the company is on course for last year's same month grown by the annual growth.
    last_year = daily[month == plan_month - 12].amount.sum()
    return value / value.sum() * last_year * (1 + ANNUAL_GROWTH) if last_year > 0 else value


def make_actuals(rng, outlets, products, history, plan_month, days, form) -> pd.DataFrame:
    """Orders from each outlet on about eight working days a month, each for one to three SKUs."""
    value = outlet_month_value(history, outlets, plan_month)
    active = products[products.active].reset_index(drop=True)
    weight = active.role.map(ROLE_MIX).to_numpy() / active.groupby("role").sku.transform("count").to_numpy()
    weight = weight / weight.sum()
    rows = []
    for day in days:
        ordering = np.flatnonzero(rng.random(len(outlets)) < 8 / 22)
        for o in ordering:
            outlet = outlets.iloc[o]
            order = value[o] / 8 * form.get(outlet.rep_id, 1.0) * rng.lognormal(0, 0.25)
            picks = rng.choice(len(active), size=int(rng.integers(1, 4)), replace=False, p=weight)
            for p, share in zip(picks, rng.dirichlet(np.ones(len(picks)) * 2)):
                price = active.unit_price.iloc[p]
                qty = float(np.floor(order * share / price + rng.random()))  # unbiased rounding to whole units
                if qty > 0:
                    rows.append((day, outlet.rep_id, outlet.outlet_id, active.sku.iloc[p], qty, qty * price))
    frame = pd.DataFrame(rows, columns=["date", "rep_id", "outlet_id", "sku", "qty", "amount"])
    # One return: two units of the first order's SKU come back a week later.
    first = frame.iloc[0]
    price = first.amount / first.qty
    ret = pd.DataFrame([(days[-3], first.rep_id, first.outlet_id, first.sku, -2.0, -2.0 * price)],
                       columns=frame.columns)
    return pd.concat([frame, ret], ignore_index=True).sort_values(["date", "rep_id", "outlet_id"], kind="stable",
                                                                   ignore_index=True)


def make_daily_log(rng, reps, outlets, days, lagging) -> pd.DataFrame:
    """Each rep's working days: a planned itinerary of three to five outlets, mostly visited, and expenses."""
    rows = []
    by_rep = {rep: group for rep, group in outlets.groupby("rep_id")}
    spender = reps.rep_id.iloc[3]
    for day in days:
        for rep in reps.rep_id:
            mine = by_rep.get(rep)
            if mine is None:
                continue
            # Core outlets are planned more often, but a rep's last core outlet is left out all month.
            core = mine[mine.core]
            skipped = set(core.outlet_id.iloc[-1:]) if len(core) > 1 else set()
            pool = mine[~mine.outlet_id.isin(skipped)]
            chance = np.where(pool.core, 3.0, 1.0)
            stops = pool.outlet_id.to_numpy()[rng.choice(len(pool), size=min(len(pool), int(rng.integers(3, 6))),
                                                        replace=False, p=chance / chance.sum())]
            miss = 0.25 if rep in lagging else 0.03
            minute = 9 * 60
            for stop, outlet in enumerate(stops, start=1):
                visited = rng.random() >= miss
                spend = float(round(rng.uniform(150, 600), -1)) if visited and rng.random() < 0.08 else np.nan
                rows.append({
                    "date": day, "rep_id": rep, "stop": stop, "outlet_id": outlet, "planned": True,
                    "visited": visited, "time": f"{minute // 60:02d}:{minute % 60:02d}" if visited else None,
                    "purpose": rng.choice(PURPOSES), "result": rng.choice(RESULTS) if visited else "未去 not visited",
                    "expense_category": "招待 entertainment" if spend == spend else None, "expense": spend,
                    "feedback": rng.choice(FEEDBACK) if visited and rng.random() < 0.25 else None,
                    "next_action": rng.choice(NEXT_ACTIONS) if visited and rng.random() < 0.2 else None,
                })
                minute += int(rng.integers(60, 110))
            travel = float(round(rng.uniform(60, 220), -1)) * (3 if rep == spender else 1)
            rows.append({"date": day, "rep_id": rep, "stop": None, "outlet_id": None, "planned": False,
                         "visited": False, "time": None, "purpose": None, "result": None,
                         "expense_category": "差旅 travel", "expense": travel, "feedback": None, "next_action": None})
    frame = pd.DataFrame(rows)
    frame["stop"] = frame["stop"].astype("Int64")
    return frame


def make_customers(rng, reps, plan_month: pd.Period, cn) -> dict[str, pd.DataFrame]:
    """Customers and leads, two per rep, with every touch since their first contact.

    Most are followed as the cadence asks; some go quiet (the 21-day rule), a few were first called this
    week (the new-contact sequence), and every eighth is a long-cycle equipment project.
    """
    end = plan_month.to_timestamp() + pd.Timedelta(days=TRACKED_UNTIL_DAY - 1)
    count = 2 * len(reps)
    owners = np.resize(reps.rep_id.to_numpy(), count)
    regions = dict(zip(reps.rep_id, reps.region))
    customers, touches = [], []
    for i, owner in enumerate(owners):
        key = i % 8 == 5
        fresh = i % 11 == 3
        if fresh:
            first = end - pd.Timedelta(days=int(rng.integers(0, 5)))
        else:
            first = end - pd.Timedelta(days=int(rng.integers(20, 100)))
        while not cn.is_working_day(first.date()):
            first -= pd.Timedelta(days=1)
        city = rng.choice(CITIES[regions[owner]])
        customer_id = f"C{i + 1:03d}"
        quiet_from = None
        if i % 6 == 4:  # gone quiet: the last touch is 22 to 40 days ago
            quiet_from = end - pd.Timedelta(days=int(rng.integers(22, 41)))
        customers.append({
            "customer_id": customer_id,
            "name": f"{city}{rng.choice(COMPANY_KINDS)}{'设备项目' if key else '有限公司'}",
            "rep_id": owner, "first_contact": first,
            "stage": rng.choice(["lead", "qualified", "proposal", "negotiation"]),
            "value": float(round(rng.uniform(400_000, 3_000_000) if key else rng.uniform(20_000, 200_000), -3)),
            "key_project": key,
            "project_owner": None if (key and i % 16 == 5) else (owner if key else None),
            "visit_every_days": 10 if (key and i % 24 == 13) else None,
            "milestone": rng.choice(MILESTONES) if key else None,
            "milestone_date": end + pd.Timedelta(days=int(rng.integers(3, 30))) if key else pd.NaT,
            "open": True,
        })
        touches += customer_touches(rng, customer_id, owner, first, end, quiet_from, key, cn)
    frame = pd.DataFrame(customers)
    # Two closed deals, and one customer on each side of the 21-day line (20 and 21 days since the last touch).
    frame.loc[[0, 7], ["stage", "open"]] = [["won", False], ["lost", False]]
    touch_frame = pd.DataFrame(touches, columns=["date", "customer_id", "channel", "rep_id", "note"])
    for index, days in ((1, 20), (2, 21)):
        cid = frame.customer_id.iloc[index]
        last = end - pd.Timedelta(days=days)
        touch_frame = touch_frame[~((touch_frame.customer_id == cid) & (touch_frame.date > last))]
        if frame.first_contact.iloc[index] > last:
            frame.loc[index, "first_contact"] = last - pd.Timedelta(days=7)
        touch_frame = pd.concat([touch_frame, pd.DataFrame([{
            "date": last, "customer_id": cid, "channel": "call", "rep_id": frame.rep_id.iloc[index],
            "note": "客户说月底再联系 customer said to call back at month end"}])], ignore_index=True)
    touch_frame = touch_frame.sort_values(["date", "customer_id"], kind="stable", ignore_index=True)
    return {"customers": frame, "touches": touch_frame}


TOUCH_NOTES = {
    "call": ["了解需求 needs discussed", "确认报价 quote confirmed", "约下次拜访 next visit booked"],
    "sms": ["感谢与问候 thanks and greetings", "节日问候 festival greetings", "发送行业资讯 industry news sent"],
    "email": ["会谈纪要 meeting summary", "产品资料与案例 brochure and case study", "报价单 quotation"],
    "visit": ["现场勘察 site survey", "技术交流 technical talk", "拜访采购 met the buyer"],
    "event": ["参加新品发布会 attended the launch"],
}


def customer_touches(rng, customer_id, owner, first, end, quiet_from, key, cn) -> list[tuple]:
    """The touches a diligent-but-human rep makes: the new-contact sequence, then SMS, e-mail and calls."""
    def working(day):
        while not cn.is_working_day(day.date()):
            day += pd.Timedelta(days=1)
        return day

    def touch(day, channel):
        if day <= end and (quiet_from is None or day <= quiet_from):
            rows.append((day, customer_id, channel, owner, rng.choice(TOUCH_NOTES[channel])))

    rows: list[tuple] = []
    next_day = working(first + pd.Timedelta(days=1))
    for day, channel in ((first, "call"), (first, "sms"), (first, "email"), (next_day, "sms"), (next_day, "call"),
                         (next_day, "email")):
        if rng.random() < 0.85:
            touch(day, channel)
    for channel, every in (("sms", 7), ("email", 7), ("call", 14)) + ((("visit", 14),) if key else ()):
        day = next_day
        while day <= end:
            day = working(day + pd.Timedelta(days=int(every + rng.integers(-2, 4))))
            touch(day, channel)
    return rows


# ---- Step 7 月末考核 Close: the month's actual sales and the incentive rules ----

def month_end_demo_data(seed: int = DEMO_SEED, size: DemoSize = DemoSize(), plan_month: pd.Period = PLAN_MONTH):
    """``(settings, tables)`` of the demo company at the end of the plan month, ready to close.

    The same company as :func:`demo_workbook_data`, whose sales stop two weeks into the month (the tracking
    demo); here the rest of the month follows, so the Actuals run to the last working day. The reps who
    lagged in the first two weeks do not catch up.
    """
    settings, tables = demo_workbook_data(seed, size, plan_month)
    so_far = tables["actuals"]
    rest = make_month_actuals(seed, tables["reps"], tables["outlets"], tables["products"], tables["history"],
                              plan_month, after=so_far["date"].max() if len(so_far) else None,
                              lagging=lagging_reps(tables["reps"]))
    tables["actuals"] = pd.concat([so_far, rest], ignore_index=True)
    return settings, tables


def make_month_actuals(seed: int, reps: pd.DataFrame, outlets: pd.DataFrame, products: pd.DataFrame,
                       history: pd.DataFrame, month: pd.Period, after: pd.Timestamp | None = None,
                       through: pd.Timestamp | None = None, lagging: Sequence[str] = ()) -> pd.DataFrame:
    """Daily actual sales of ``month`` per outlet and SKU on the days after ``after`` up to ``through``.

    By default the whole month. To finish a month whose first days already have actuals (the tracking
    demo's first two weeks), pass ``after`` = their last day and append these rows to them.

    Each outlet sells about its usual month (its average over the months it sold in History, scaled by how
    the same month last year compared with an average month, and a year's growth) times its rep's form:
    forms are spread evenly from 62 % to 138 %, so the month has reps under the floor, at base, challenge and
    sprint; the ``lagging`` reps get the lowest. A rep hired in the last three months sells at most half of
    what an established rep of the region sells, whatever outlets they took over (the Settings' new-rep
    starting share expects half the region's average). Each outlet's month is split over the roles by the planned mix; a
    quarter of the reps, all of them above 110 % form, push volume products at the expense of flagship and
    profit ones to reach their tiers (the product-mix condition catches them). The draws do not depend on
    ``after`` or ``through``: any window is a slice of the same month.
    """
    rng = np.random.default_rng([seed, 7])
    cn = holidays.country_holidays("CN", years=month.year)
    days = [d for d in pd.date_range(month.start_time, month.end_time.normalize()) if cn.is_working_day(d.date())]
    daily = history[history.date.notna()]
    months_sold = daily.groupby("outlet_id").date.apply(lambda d: d.dt.to_period("M").nunique())
    usual = daily.groupby("outlet_id").amount.sum() / months_sold
    by_month = daily.groupby(daily.date.dt.to_period("M")).amount.sum()
    lift = by_month.get(month - 12, by_month.mean()) / by_month.mean() * (1 + ANNUAL_GROWTH)
    fallback = 0.5 * float(usual.median()) if len(usual) else REP_MONTHLY_BASE / 10  # an outlet with no history
    expected = outlets.outlet_id.map(usual).fillna(fallback).to_numpy() * lift
    active = reps[reps.active]
    forms = np.linspace(0.62, 1.38, len(active))
    behind = [r for r in active.rep_id if r in set(lagging)]
    others = [r for r in active.rep_id if r not in set(lagging)]
    form = {**dict(zip(behind, forms)), **dict(zip(others, rng.permutation(forms[len(behind):])))}
    strong = [r for r in active.rep_id if form[r] > 1.1]  # volume buys tiers: the strong reps are tempted
    pushes_volume = set(rng.choice(strong, size=max(1, len(active) // 4), replace=False)) if strong else set()
    new = set(active.rep_id[active.hire_date >= month.start_time - pd.Timedelta(days=90)])
    ramp = new_rep_ramp(outlets, expected, active, new)
    selling = products[products.active].reset_index(drop=True)
    roles = list(ROLE_MIX)
    planned = np.array([ROLE_MIX[r] for r in roles])
    pushed = planned * np.array([{"flagship": 0.55, "profit": 0.5, "volume": 1.9}.get(r, 1.0) for r in roles])
    rows = []
    for outlet, rep, amount in zip(outlets.outlet_id, outlets.rep_id, expected):
        if rep not in form:
            continue
        amount *= form[rep] * ramp.get(rep, 1.0) * rng.lognormal(0, 0.15)
        shares = (pushed if rep in pushes_volume else planned) * rng.lognormal(0, 0.2, len(roles))
        order_days = sorted(rng.choice(len(days), size=min(2, len(days)), replace=False))
        for day in order_days:
            for role, share in zip(roles, shares / shares.sum()):
                candidates = selling.index[selling.role == role]
                if not len(candidates):
                    continue
                sku_i = rng.choice(candidates)
                price = float(selling.unit_price[sku_i])
                qty = float(np.floor(amount * share / len(order_days) / price + rng.random()))  # unbiased rounding
                if qty > 0:
                    rows.append((days[day], rep, outlet, selling.sku[sku_i], qty, qty * price))
    frame = pd.DataFrame(rows, columns=["date", "rep_id", "outlet_id", "sku", "qty", "amount"])
    frame = frame.sort_values(["date", "rep_id", "outlet_id", "sku"], kind="stable").reset_index(drop=True)
    if after is not None:
        frame = frame[frame.date > pd.Timestamp(after)]
    if through is not None:
        frame = frame[frame.date <= pd.Timestamp(through)]
    return frame.reset_index(drop=True)


def new_rep_ramp(outlets: pd.DataFrame, expected: np.ndarray, active: pd.DataFrame, new: set) -> dict[str, float]:
    """Per new rep, the factor that brings their outlets' month to at most half of an established rep's."""
    by_rep = pd.Series(expected, index=outlets.rep_id.to_numpy()).groupby(level=0).sum()
    region = dict(zip(active.rep_id, active.region))
    ramp = {}
    for rep in new:
        peers = [by_rep.get(r, 0.0) for r in active.rep_id if region[r] == region[rep] and r not in new]
        peers = peers or [by_rep.get(r, 0.0) for r in active.rep_id if r not in new]
        own = by_rep.get(rep, 0.0)
        if own > 0 and peers:
            ramp[rep] = min(1.0, 0.5 * float(np.mean(peers)) / own)
    return ramp


def make_incentive_rules(reps: pd.DataFrame) -> pd.DataFrame:
    """The demo's game rules: a company plan, a flat plan for the developing 西南 region, a curve for the newest rep.

    Company: bonus 800 / 1,500 / 3,000 for base / challenge / sprint; step commission 0.8 % from the first yuan,
    1.2 % from base, 1.6 % from challenge, 2 % from sprint; ×1.5 above 120 %; reward capped at 8,000; 500
    deducted below 80 % of base and the whole reward forfeited below 60 %; the profit and flagship roles must
    reach 90 % and 85 % of their targets or the tier bonus is withheld; 50 % of any expense overspend is
    deducted; the commitment must be signed.
    """
    newest = reps.sort_values("hire_date", kind="stable").rep_id.iloc[-1]
    rows = [
        ("", "bonus", "base", None, 800, None, None, None, None, "踮起脚够得着 within reach on tiptoe"),
        ("", "bonus", "challenge", None, 1500, None, None, None, None, None),
        ("", "bonus", "sprint", None, 3000, None, None, None, None, None),
        ("", "commission", None, 0.0, None, 0.008, None, "step", None, "从第一元起 from the first yuan"),
        ("", "commission", "base", None, None, 0.012, None, "step", None, None),
        ("", "commission", "challenge", None, None, 0.016, None, "step", None, None),
        ("", "commission", "sprint", None, None, 0.02, None, "step", None, None),
        ("", "accelerator", None, 1.2, None, None, 1.5, None, None, "冲刺以上加速 accelerate above sprint"),
        ("", "cap", None, None, 8000, None, None, None, None, None),
        ("", "floor", None, 0.8, 500, None, None, "fixed", None, "低于基础80%扣500 below 80% of base"),
        ("", "floor", None, 0.6, None, None, None, "forfeit", None, "低于60%取消奖励 below 60% no reward"),
        ("", "mix", None, 0.9, None, None, None, "withhold_bonus", "profit", "保利润 protect margin"),
        ("", "mix", None, 0.85, None, None, None, "withhold_bonus", "flagship", "保战略产品 protect the flagship"),
        ("", "expense", None, 1.0, None, 0.5, None, "rate", None, "超支部分扣50% half the overspend"),
        ("", "signed", None, None, None, None, None, None, None, "须签军令状 commitment must be signed"),
        ("西南", "bonus", "base", None, 1000, None, None, None, None, "培育市场 developing market"),
        ("西南", "bonus", "challenge", None, 2000, None, None, None, None, None),
        ("西南", "commission", "base", None, None, 0.015, None, "flat", None, None),
        ("西南", "commission", "challenge", None, None, 0.02, None, "flat", None, None),
        ("西南", "floor", None, 0.7, 300, None, None, "fixed", None, None),
        ("西南", "signed", None, None, None, None, None, None, None, None),
        (newest, "commission", None, 0.6, 2000, 0.3, None, "linear", None, "新人曲线 new-rep curve"),
        (newest, "commission", None, 1.0, 2000, 1.0, None, "linear", None, None),
        (newest, "commission", None, 1.3, 2000, 1.6, None, "linear", None, None),
        (newest, "cap", None, None, 4000, None, None, None, None, None),
    ]
    frame = pd.DataFrame(rows, columns=["scope", "rule", "tier", "threshold", "amount", "rate", "factor", "mode",
                                        "role", "note"])
    for column in ("threshold", "amount", "rate", "factor"):
        frame[column] = frame[column].astype("float64")
    frame["scope"] = frame.scope.replace("", None)
    return frame
# ---- Step 3, issue and agree: a few reps answer the draft, the manager decides ----

def demo_signatures(agreed: pd.DataFrame, month: pd.Period) -> None:
    """Every rep signed the commitment 军令状 three days before the month, except the first rep on the
    sheet, who has not signed yet: the close's must-be-signed rule then withholds their reward."""
    agreed["signed"] = True
    agreed["signed_date"] = month.start_time - pd.Timedelta(days=3)
    first = agreed.index[0]
    agreed.at[first, "signed"] = False
    agreed.at[first, "signed_date"] = None


def demo_answers(feedback: pd.DataFrame) -> pd.DataFrame:
    """The Feedback rows with a realistic round of answers, as reps and a manager would type them.

    Four reps answer: one asks for 12 % less (a key account closing) and the manager
    accepts; one asks for 25 % less and the manager settles on 10 % less; one
    volunteers 5 % more (accepted); one asks for 15 % less and the manager keeps the
    draft. Everyone else keeps the draft, so the rebalance spreads the net cut over them.
    """
    out = feedback.copy()
    answers = [  # (proposal as a share of the draft, reason, decision, manager figure share, comment)
        (0.88, "重点客户年底闭店 A key account closes at year end", "accept", None, "同意 Agreed"),
        (0.75, "新网点尚在培育 New outlets still being built", "manager", 0.90, "折中 Met halfway"),
        (1.05, "新签两家连锁 Two new chains signed", "accept", None, "好 Good"),
        (0.85, "竞品促销 A competitor's promotion", "keep", None, "维持，费用支持 Kept; expense support given"),
    ]
    rows = list(out.index[out["draft"].fillna(0) > 0])
    for row, (share, reason, decision, figure, comment) in zip(rows[1::7], answers):
        draft = float(out.at[row, "draft"])
        out.at[row, "proposal"] = round(draft * share, -2)
        out.at[row, "reason"] = reason
        out.at[row, "decision"] = decision
        out.at[row, "manager_figure"] = None if figure is None else round(draft * figure, -2)
        out.at[row, "comment"] = comment
    return out


# ---- The demo's own steps: the reps and the manager played by the demo (salesxl demo runs them) ----

def fill_demo_feedback(book: WorkbookBackend, progress: Progress = quiet) -> StepResult:
    """The demo's feedback round: a few reps answer and the manager decides (:func:`salesxl.demo.demo_answers`)."""
    def plan(inputs: Inputs):
        month = pd.Period(inputs.settings.plan_month, freq="M")
        rows = demo_answers(inputs.tables["feedback"].reset_index(drop=True))
        rows = rows.astype(object).where(rows.notna(), None)
        currency = str(inputs.settings.currency)
        return [feedback_sheet(rows, month, currency)], [], "演示反馈已填写 demo feedback filled in"

    return run_step(book, ("settings", "feedback"), plan, progress)


def agree_signed_demo(book: WorkbookBackend, progress: Progress = quiet) -> StepResult:
    """The month-end demo's agreement round: agreed, and signed by every rep but one
    (:func:`salesxl.demo.demo_signatures`), so the close applies the must-be-signed rule."""
    return agree(book, progress, by="演示 demo", sign=demo_signatures)
