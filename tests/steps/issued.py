"""Issued targets written the way the breakdown writes them, so the close can be tested on its own.

A stand-in for ``salesxl breakdown`` (built in parallel): each active rep's
target is 1.25 × the usual month of their outlets over the last twelve months
(the year-end push; half the median outlet for an outlet with no history; 50,000 for a rep
without outlets), tiers 1.0 / 1.1 / 1.2 of it; its SKU targets follow the planned
role mix (equal within a role), its outlet targets the outlets' history, and core
outlet × SKU targets the rep's SKU targets, all with exact rounding. Only the
shape matters here: it follows the issued-sheet contract in
``salesxl.workbook.sheets`` (ISSUED_*).
"""

from __future__ import annotations


import pandas as pd

from salesxl.core.allocation import allocate
from salesxl.workbook.backend import OutColumn, OutTable, SheetOutput
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs
from salesxl.workbook.sheets import (
    ISSUED_CORE_OUTLET_SKU_TARGETS, ISSUED_OUTLET_TARGETS, ISSUED_REP_SKU_TARGETS, ISSUED_REP_TARGETS,
    OUTLET_TARGETS, REP_TARGETS,
)


def columns_of(schema, kinds=None):
    kinds = kinds or {}
    kind = {"decimal": "amount", "month": "month", "bool": "bool"}
    return [OutColumn(c.key, c.zh, c.en, kinds.get(c.key, kind.get(c.type, "text"))) for c in schema.columns]


def issued_targets(path) -> dict[str, pd.DataFrame]:
    inputs, problems = read_inputs(FileWorkbook(path), only=["settings", "history", "products", "role_mix", "reps",
                                                              "regions", "outlets"])
    assert not [p for p in problems if p.severity == "error"]
    month = inputs.settings["plan_month"]
    history = inputs["history"]
    when = history["month"].where(history["month"].notna(), history["date"].dt.to_period("M"))
    recent = history[when >= month - 12]
    reps = inputs["reps"][inputs["reps"]["active"].astype(bool)]
    products = inputs["products"]
    daily = recent[recent["date"].notna()]
    usual = (daily.groupby("outlet_id")["amount"].sum()
             / daily.groupby("outlet_id")["date"].apply(lambda d: d.dt.to_period("M").nunique()))
    outlets = inputs["outlets"]
    expected = outlets["outlet_id"].map(usual).fillna(usual.median() / 2)
    by_rep = expected.groupby(outlets["rep_id"]).sum()
    role_share = dict(zip(inputs["role_mix"]["role"], inputs["role_mix"]["share"]))
    per_role = products["role"].value_counts().to_dict()
    rep_rows, sku_rows = [], []
    for _, r in reps.iterrows():
        target = float(round(by_rep.get(r["rep_id"], 0) * 1.25)) or 50_000.0
        rep_rows.append({"month": month, "rep_id": r["rep_id"], "name": r["name"], "region": r["region"],
                         "target": target, "base": target, "challenge": float(round(target * 1.1)),
                         "sprint": float(round(target * 1.2))})
        weights = [role_share[role] / per_role[role] for role in products["role"]]
        for sku, role, part in zip(products["sku"], products["role"], allocate(target, weights)):
            sku_rows.append({"rep_id": r["rep_id"], "sku": sku, "role": role, "sku_target": float(part)})
    rep_targets, rep_sku = pd.DataFrame(rep_rows), pd.DataFrame(sku_rows)
    by_outlet = recent.groupby("outlet_id")["amount"].sum()
    outlet_rows, core_rows = [], []
    for rep, target in zip(rep_targets["rep_id"], rep_targets["target"]):
        own = outlets[outlets["rep_id"] == rep]
        if own.empty:
            continue
        parts = allocate(target, [float(by_outlet.get(o, 0)) + 1.0 for o in own["outlet_id"]])
        skus = rep_sku[rep_sku["rep_id"] == rep]
        for (_, o), part in zip(own.iterrows(), parts):
            outlet_rows.append({"outlet_id": o["outlet_id"], "rep_id": rep, "region": o["region"],
                                "core": bool(o["core"]), "outlet_target": float(part)})
            if o["core"]:
                for sku, sku_part in zip(skus["sku"], allocate(part, skus["sku_target"].to_numpy())):
                    core_rows.append({"outlet_id": o["outlet_id"], "sku": sku, "outlet_sku_target": float(sku_part)})
    return {"rep_targets": rep_targets, "rep_sku_targets": rep_sku, "outlet_targets": pd.DataFrame(outlet_rows),
            "core_outlet_sku_targets": pd.DataFrame(core_rows)}


def write_issued_targets(path) -> dict[str, pd.DataFrame]:
    """Write Rep Targets and Outlet Targets (two tables each, with totals rows) into the workbook at ``path``."""
    t = issued_targets(path)
    amount_total = {"target", "base", "challenge", "sprint", "sku_target", "outlet_target", "outlet_sku_target"}

    def table(frame, schema):
        cols = [OutColumn(c.key, c.zh, c.en, c.kind, total=c.key in amount_total) for c in columns_of(schema)]
        return OutTable(frame, cols, heading=schema.purpose_en)

    FileWorkbook(path).write_sheets([
        SheetOutput(REP_TARGETS, subtitle="stand-in breakdown", tables=[
            table(t["rep_targets"], ISSUED_REP_TARGETS), table(t["rep_sku_targets"], ISSUED_REP_SKU_TARGETS)]),
        SheetOutput(OUTLET_TARGETS, subtitle="stand-in breakdown", tables=[
            table(t["outlet_targets"], ISSUED_OUTLET_TARGETS),
            table(t["core_outlet_sku_targets"], ISSUED_CORE_OUTLET_SKU_TARGETS)]),
    ])
    return t



