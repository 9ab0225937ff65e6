"""A realistic, seeded demo company: the data behind ``salesxl demo``.

Five regions, about thirty reps (three of them new, one who has left), three
hundred outlets (a fifth of them core), forty SKUs across the four roles (three
new), and three years of history before the plan month with a Chinese New Year
dip and a year-end push. Older years are monthly rows per rep and SKU; the last
twelve months are daily orders per outlet, which keeps the file a few MB.

Everything here is pure: it returns settings and DataFrames shaped like the
input sheets; the workbook edge writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import holidays
import numpy as np
import pandas as pd

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
    }
    add_breakdown_examples(tables)
    tables["feedback"] = empty_feedback()
    settings = {"plan_month": plan_month, "country": "CN", "currency": "CNY", "rounding_unit": 1.0}
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
    frame.loc[count - 3, "manual_share"] = 0.10
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
    o_region, o_rep, o_id = (outlets[c].tolist() for c in ("region", "history_rep", "outlet_id"))
    rows = []
    for m in months:
        trend = (1 + ANNUAL_GROWTH) ** ((m - plan_month).n / 12)
        month_start = m.to_timestamp()
        active = np.array([hired[r] <= month_start for r in outlets.history_rep])
        value = (REP_MONTHLY_BASE / (len(outlets) / len(reps)) * SEASON[m.month] * trend
                 * outlets.region.map(region_size).to_numpy() * outlet_size
                 * outlets.history_rep.map(skill).to_numpy() * rng.lognormal(0, 0.12, len(outlets)) * active)
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


def make_calendar(plan_month: pd.Period) -> pd.DataFrame:
    start = plan_month.to_timestamp()
    return pd.DataFrame({
        "date": [start + pd.Timedelta(days=24), start + pd.Timedelta(days=30)],
        "status": ["working", "off"],
        "weight": [0.5, np.nan],
        "note": ["年会，半天 annual meeting, half day", "公司年末盘点 year-end stocktake"],
    })


# ---- Step 3, issue and agree: a few reps answer the draft, the manager decides ----

def empty_feedback() -> pd.DataFrame:
    """The Feedback sheet before the draft is issued: headers only (``salesxl issue-draft`` fills it)."""
    from .core.agreement import FEEDBACK_COLUMNS
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in FEEDBACK_COLUMNS})


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
