"""A seeded company at benchmark size, written as a planner's input workbook.

Sizes (reps / outlets, of which core / SKUs): small 20 / 200 (40) / 12 for tests, medium
200 / 10,000 (2,000) / 100, large 1,000 / 50,000 (10,000) / 200, and large-fit, the large one
with 6,000 core outlets so its core outlet × SKU table fits on a sheet; three years of history
before the plan month (December 2026).

History on a sheet. Three years of daily rows at this size are tens of millions of rows: no sheet
holds them (that is the "history from files" path, built separately). The History sheet here holds
what fits and what the target and the breakdown read:

* the last 12 months (the breakdown's history window, which also holds last year's same month):
  one monthly row per outlet and month, with its rep, region and one SKU of the outlet's
  assortment — 600,000 rows at large, 120,000 at medium;
* the 24 months before: one monthly row per region and SKU (no rep, no outlet), enough for the
  same-month history of the month target — 24,000 rows at large.

Everything is vectorised (numpy), so the large company takes seconds to make; writing it goes
through the raw XML writer (:mod:`benchmarks.rawxlsx`), since openpyxl would take minutes.

    python -m benchmarks.generate --size medium --out benchmarks/out/medium.xlsx
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import holidays
import numpy as np
import pandas as pd

from salesxl.demo import (ANNUAL_GROWTH, GIVEN, PLAN_MONTH, REGIONS, REP_MONTHLY_BASE, ROLE_MIX, SEASON, SURNAMES,
                          TRACKED_UNTIL_DAY, lagging_reps, make_budget, make_calendar, make_customers, make_daily_log,
                          make_expenses, make_factors, make_incentive_rules, make_products, make_regions)
from salesxl.workbook.contract import INPUT_SHEETS
from salesxl.workbook.template import settings_frame

from .rawxlsx import Block, write_xlsx


@dataclass(frozen=True)
class Size:
    reps: int
    outlets: int
    core: int
    skus: int
    years: int = 3


SIZES = {
    "small": Size(reps=20, outlets=200, core=40, skus=12),
    "medium": Size(reps=200, outlets=10_000, core=2_000, skus=100),
    "large": Size(reps=1_000, outlets=50_000, core=10_000, skus=200),
    # The large company with 6,000 core outlets: its core outlet × SKU targets (about 760,000 rows
    # under the 50,000 outlet rows on the same sheet)
    # fit on a sheet. At 10,000 core outlets they are about 1,240,000 rows, over Excel's
    # 1,048,576, which needs the Parquet overflow (another part of the scale issue).
    "large-fit": Size(reps=1_000, outlets=50_000, core=6_000, skus=200),
}
WINDOW = 12
"""Months of outlet-level history (the breakdown's default history window)."""


def company(size: Size, seed: int = 1, plan_month: pd.Period = PLAN_MONTH) -> tuple[dict, dict[str, pd.DataFrame]]:
    """``(settings, tables)`` shaped like the input sheets, as :func:`salesxl.demo.demo_workbook_data` returns."""
    rng = np.random.default_rng(seed)
    products = make_products(rng, size.skus)
    reps = make_reps(rng, size.reps, plan_month)
    outlets = make_outlets(rng, size, reps)
    history = make_history(rng, reps, outlets, products, plan_month, size.years)
    tables = {
        "budget": make_budget(history, plan_month),
        "factors": make_factors(),
        "history": history,
        "products": products,
        "role_mix": pd.DataFrame({"role": list(ROLE_MIX), "share": list(ROLE_MIX.values())}),
        "regions": make_regions(),
        "reps": reps,
        "outlets": outlets,
        "calendar": make_calendar(plan_month),
    }
    settings = {"plan_month": plan_month, "country": "CN", "currency": "CNY", "rounding_unit": 1.0}
    return settings, tables


def make_reps(rng, count: int, plan_month: pd.Period) -> pd.DataFrame:
    """Reps round the regions; hired about four years ago, the last three in the last two months; one left."""
    regions = [r[0] for r in REGIONS]
    region = [regions[i % len(regions)] for i in range(count)]
    start = plan_month.to_timestamp() - pd.DateOffset(years=4)
    hire = start + pd.to_timedelta(rng.integers(0, 300, count), unit="D")
    hire = hire.to_numpy().copy()
    for i in (count - 1, count - 2, count - 3):
        hire[i] = ((plan_month - 1 - (i % 2)).to_timestamp() + pd.Timedelta(days=9)).to_datetime64()
    active = np.ones(count, dtype=bool)
    active[count - 4] = False
    names = [f"{s}{g}" for s, g in zip(rng.choice(list(SURNAMES), count), rng.choice(GIVEN, count))]
    return pd.DataFrame({
        "rep_id": [f"R{i + 1:04d}" for i in range(count)], "name": names, "region": region,
        "manager": [f"{r}经理" for r in region], "active": active, "manual_share": np.nan,
        "hire_date": pd.to_datetime(hire), "manual_target": np.nan,
    })


def make_outlets(rng, size: Size, reps: pd.DataFrame) -> pd.DataFrame:
    """Outlets spread evenly over the active reps (the rep who left handed his on); ``size.core`` are core."""
    active = reps[reps.active].reset_index(drop=True)
    rep_index = np.arange(size.outlets) % len(active)
    rng.shuffle(rep_index)
    core = np.zeros(size.outlets, dtype=bool)
    core[rng.choice(size.outlets, size.core, replace=False)] = True
    kinds = np.array(["百货", "商超", "专卖店", "便利店", "连锁店"], dtype=object)
    region = active.region.to_numpy()[rep_index]
    return pd.DataFrame({
        "outlet_id": [f"O{i + 1:06d}" for i in range(size.outlets)],
        "name": region + kinds[rng.integers(0, len(kinds), size.outlets)]
                + pd.Series(np.arange(1, size.outlets + 1)).astype(str).to_numpy(),
        "rep_id": active.rep_id.to_numpy()[rep_index],
        "region": region,
        "core": core,
        "potential": np.where(rng.random(size.outlets) < 0.5,
                              np.round(rng.uniform(20_000, 160_000, size.outlets), -3), np.nan),
        "developing": rng.random(size.outlets) < 0.1,
        "manual_target": np.nan,
    })


def make_history(rng, reps, outlets, products, plan_month: pd.Period, years: int) -> pd.DataFrame:
    """Monthly rows: outlet × month (one SKU each) for the last 12 months, region × SKU before."""
    old = products[~products.new].reset_index(drop=True)
    role_weight = old.role.map(ROLE_MIX).to_numpy() / old.groupby("role").sku.transform("count").to_numpy()
    sku_p = role_weight / role_weight.sum()
    region_size = {r[0]: r[3] for r in REGIONS}
    skill = pd.Series(rng.lognormal(0, 0.25, len(reps)), index=reps.rep_id)
    hired = reps.set_index("rep_id").hire_date
    per_rep = len(outlets) / max(1, reps.active.sum())
    base = (REP_MONTHLY_BASE / per_rep * outlets.region.map(region_size).to_numpy()
            * rng.lognormal(0, 0.6, len(outlets)) * outlets.rep_id.map(skill).to_numpy())

    def trend(months: pd.PeriodIndex) -> np.ndarray:
        return np.array([SEASON[m.month] * (1 + ANNUAL_GROWTH) ** ((m - plan_month).n / 12) for m in months])

    recent = pd.period_range(plan_month - WINDOW, plan_month - 1, freq="M")
    n_o, n_m = len(outlets), len(recent)
    o = np.repeat(np.arange(n_o), n_m)
    m = np.tile(np.arange(n_m), n_o)
    starts = recent.to_timestamp().to_numpy()
    present = outlets.rep_id.map(hired).to_numpy()[o] <= starts[m]
    value = base[o] * trend(recent)[m] * rng.lognormal(0, 0.12, len(o))
    sku = rng.choice(len(old), len(o), p=sku_p)
    keep = present & (value > 0)
    recent_rows = pd.DataFrame({
        "month": pd.PeriodIndex(recent[m[keep]], freq="M"), "region": outlets.region.to_numpy()[o[keep]],
        "rep_id": outlets.rep_id.to_numpy()[o[keep]], "outlet_id": outlets.outlet_id.to_numpy()[o[keep]],
        "sku_i": sku[keep], "amount": value[keep],
    })

    earlier = pd.period_range(plan_month - 12 * years, plan_month - WINDOW - 1, freq="M")
    region_base = pd.Series(base).groupby(outlets.region.to_numpy()).sum()
    r_names = region_base.index.to_numpy()
    r = np.repeat(np.arange(len(r_names)), len(earlier) * len(old))
    mm = np.tile(np.repeat(np.arange(len(earlier)), len(old)), len(r_names))
    s = np.tile(np.arange(len(old)), len(r_names) * len(earlier))
    amount = (region_base.to_numpy()[r] * trend(earlier)[mm] * sku_p[s] * rng.lognormal(0, 0.2, len(r)))
    earlier_rows = pd.DataFrame({
        "month": pd.PeriodIndex(earlier[mm], freq="M"), "region": r_names[r], "rep_id": None, "outlet_id": None,
        "sku_i": s, "amount": amount,
    })

    frame = pd.concat([earlier_rows, recent_rows], ignore_index=True)
    price = old.unit_price.to_numpy()[frame.sku_i.to_numpy()]
    qty = np.maximum(1, np.round(frame.amount.to_numpy() / price))
    frame["sku"] = old.sku.to_numpy()[frame.sku_i.to_numpy()]
    frame["qty"] = qty
    frame["amount"] = qty * price
    frame["date"] = pd.NaT
    return frame[["date", "month", "region", "rep_id", "outlet_id", "sku", "qty", "amount"]]


# ---- the workbook ----

def input_blocks(settings: dict, tables: dict[str, pd.DataFrame]) -> list[tuple[str, list[Block]]]:
    """Each input sheet as the planner types it: bilingual headers, choice labels, 是/否, real dates."""
    sheets = []
    for schema in INPUT_SHEETS:
        if schema.key == "settings":
            frame = settings_frame({k: (str(v) if isinstance(v, pd.Period) else v) for k, v in settings.items()})
        elif schema.key in tables:
            frame = tables[schema.key]
        else:
            continue
        data = {}
        for column in schema.columns:
            values = frame[column.key] if column.key in frame else pd.Series(None, index=frame.index, dtype=object)
            if column.type == "choice":
                labels = {c.key: c.label for c in column.choices}
                values = values.map(lambda v: labels.get(v, v) if isinstance(v, str) else v)
            data[column.label] = values.reset_index(drop=True)
        kinds = [{"date": "date", "month": "month", "percent": "percent"}.get(c.type, "") for c in schema.columns]
        sheets.append((schema.name, [Block([c.label for c in schema.columns], pd.DataFrame(data), kinds)]))
    return sheets


# ---- the month under way: what every later step reads (issue 22) ----

def month_in_progress(size: Size, seed: int = 1, month_end: bool = False,
                      plan_month: pd.Period = PLAN_MONTH) -> tuple[dict, dict[str, pd.DataFrame]]:
    """The company as a planner has it while the month runs: :func:`company` plus incentive rules, the
    expense policy and requests, customers and touches, and the reps' daily logs and actual sales of the
    first two weeks (to Friday the 11th, as in the demo) or, with ``month_end``, sales of the whole month.

    Each addition draws from its own random stream, so the planning sheets are those of :func:`company`
    and the two-week sales are the first two weeks of the month-end ones.
    """
    settings, tables = company(size, seed, plan_month)
    reps, outlets, products = tables["reps"], tables["outlets"], tables["products"]
    active = reps[reps.active].reset_index(drop=True)
    tables["incentive_rules"] = make_incentive_rules(reps)
    expense_settings, expense_tables = make_expenses(seed, reps, outlets, plan_month)
    settings.update(expense_settings)
    tables.update(expense_tables)
    cn = holidays.country_holidays("CN", years=range(plan_month.year - 1, plan_month.year + 2))
    start = plan_month.to_timestamp()
    month_days = [d for d in pd.date_range(start, plan_month.end_time.normalize()) if cn.is_working_day(d.date())]
    so_far = [d for d in month_days if d.day <= TRACKED_UNTIL_DAY]
    actuals = make_actuals(np.random.default_rng([seed, 6]), active, outlets, products, tables["history"],
                           month_days, lagging_reps(reps))
    tables["actuals"] = actuals if month_end else actuals[actuals.date <= so_far[-1]].reset_index(drop=True)
    tables["daily_log"] = make_daily_log(np.random.default_rng([seed, 8]), active, outlets, so_far,
                                         lagging_reps(reps))
    tables.update(make_customers(np.random.default_rng([seed, 9]), active, plan_month, cn))
    return settings, tables


def make_actuals(rng, active: pd.DataFrame, outlets: pd.DataFrame, products: pd.DataFrame, history: pd.DataFrame,
                 days: list, lagging: list[str]) -> pd.DataFrame:
    """Orders from each outlet on about eight working days a month, each for one to three SKUs, worth about
    the outlet's usual month (its monthly History) times its rep's form; the lagging reps sell about half."""
    level = history[history.outlet_id.notna()].groupby("outlet_id").amount.mean()
    value = outlets.outlet_id.map(level).fillna(level.median()).to_numpy() * (1 + ANNUAL_GROWTH)
    form = pd.Series(rng.lognormal(0, 0.12, len(active)), index=active.rep_id)
    form[form.index.isin(lagging)] *= 0.55
    value = value * outlets.rep_id.map(form).fillna(1.0).to_numpy()
    selling = products[products.active].reset_index(drop=True)
    weight = selling.role.map(ROLE_MIX).to_numpy() / selling.groupby("role").sku.transform("count").to_numpy()
    weight = weight / weight.sum()
    day, outlet = np.nonzero(rng.random((len(days), len(outlets))) < 8 / 22)
    lines = rng.integers(1, 4, len(day))
    day, outlet = np.repeat(day, lines), np.repeat(outlet, lines)
    share = rng.dirichlet([2.0, 2.0, 2.0], len(lines))[np.repeat(np.arange(len(lines)), lines),
                                                          np.concatenate([np.arange(n) for n in lines])]
    share = share / np.repeat(np.add.reduceat(share, np.r_[0, np.cumsum(lines)[:-1]]), lines)
    sku = rng.choice(len(selling), len(day), p=weight)
    price = selling.unit_price.to_numpy()[sku]
    order = value[outlet] / 8 * rng.lognormal(0, 0.25, len(day))
    qty = np.floor(order * share / price + rng.random(len(day)))  # unbiased rounding to whole units
    frame = pd.DataFrame({"date": pd.DatetimeIndex(days)[day], "rep_id": outlets.rep_id.to_numpy()[outlet],
                          "outlet_id": outlets.outlet_id.to_numpy()[outlet], "sku": selling.sku.to_numpy()[sku],
                          "qty": qty, "amount": qty * price})
    frame = frame[frame.qty > 0]
    return frame.sort_values(["date", "rep_id", "outlet_id"], kind="stable", ignore_index=True)


def write_company(path: Path, size: Size, seed: int = 1, state: str = "plan") -> dict[str, int]:
    """Write the company's input workbook to ``path``; returns the data rows of each sheet.

    ``state``: ``plan`` (the sheets the target and the breakdown read: the (a)/(b)/(c) benchmark),
    ``mid-month`` or ``month-end`` (:func:`month_in_progress`: every sheet every step reads).
    """
    settings, tables = company(size, seed) if state == "plan" else month_in_progress(size, seed, state == "month-end")
    sheets = input_blocks(settings, tables)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_xlsx(path, sheets)
    return {name: len(blocks[0].frame) for name, blocks in sheets}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(SIZES), default="medium")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    rows = write_company(args.out, SIZES[args.size], args.seed)
    print(args.out, rows)


if __name__ == "__main__":
    main()
