"""The version log: fingerprints say whether the input changed; rows are only ever appended."""

from __future__ import annotations

import pandas as pd

from salesxl.core.versions import append_version, describe_parameters, input_fingerprint


def test_fingerprint_is_stable_and_changes_with_any_cell():
    tables = {"budget": pd.DataFrame({"amount": [1.0, 2.0]}), "factors": pd.DataFrame({"weight": [0.4, 0.6]})}
    settings = {"plan_month": pd.Period("2026-12", "M")}
    first = input_fingerprint(tables, settings)
    assert first == input_fingerprint({k: v.copy() for k, v in reversed(tables.items())}, dict(settings))
    changed = {**tables, "budget": pd.DataFrame({"amount": [1.0, 2.5]})}
    assert input_fingerprint(changed, settings) != first
    assert input_fingerprint(tables, {"plan_month": pd.Period("2026-11", "M")}) != first
    assert len(first) == 16


def test_append_keeps_earlier_rows():
    log = append_version(pd.DataFrame(), timestamp="t1", step="target", month=pd.Period("2026-12", "M"),
                         parameters="a=1", fingerprint="f1", total=10.0)
    log = append_version(log, timestamp="t2", step="target", month=pd.Period("2026-12", "M"),
                         parameters="a=2", fingerprint="f2", total=11.0)
    assert list(log["timestamp"]) == ["t1", "t2"] and list(log["total"]) == [10.0, 11.0]


def test_parameters_read_as_one_line():
    assert describe_parameters({"method": "trend", "weights": [0.4, 0.3], "alpha": 0.7}) == \
        "method=trend; weights=0.4/0.3; alpha=0.7"
