"""The version log: fingerprints say whether the input changed; rows are only ever appended."""

from __future__ import annotations

from dataclasses import replace
import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings as hsettings
from hypothesis import strategies as st

from salesxl.core.settings import Settings
from salesxl.core.versions import append_version, describe_parameters, input_fingerprint


def test_fingerprint_is_stable_and_changes_with_any_cell():
    tables = {"budget": pd.DataFrame({"amount": [1.0, 2.0]}), "factors": pd.DataFrame({"weight": [0.4, 0.6]})}
    settings = Settings(plan_month=pd.Period("2026-12", "M"))
    first = input_fingerprint(tables, settings)
    assert first == input_fingerprint({k: v.copy() for k, v in reversed(tables.items())}, replace(settings))
    changed = {**tables, "budget": pd.DataFrame({"amount": [1.0, 2.5]})}
    assert input_fingerprint(changed, settings) != first
    assert input_fingerprint(tables, Settings(plan_month=pd.Period("2026-11", "M"))) != first
    assert len(first) == 16


def history_as_read() -> pd.DataFrame:
    """A small History table as the reader gives it: rows labelled by their Excel row."""
    return pd.DataFrame({
        "rep_id": pd.array(["R1", "R2", None, "R1"], dtype="str"),
        "month": pd.PeriodIndex(["2026-01", "2026-02", "2026-02", None], freq="M"),
        "date": pd.to_datetime(["2026-01-05", None, "2026-02-10", "2026-02-11"]).astype("datetime64[us]"),
        "amount": [1200.0, 0.0, np.nan, 35.5],
        "qty": [3.0, 4.0, np.nan, 1.0],
        "core": [True, False, True, True],
    }, index=pd.Index([3, 4, 5, 6], name="excel_row"))


def built_otherwise(frame: pd.DataFrame) -> pd.DataFrame:
    """The same values in other dtypes: object text, object periods, dates as datetime.date in an
    object column, amounts as objects (ints, floats, None), quantities as Int64, yes/no as objects,
    the row labels as float."""
    return pd.DataFrame({
        "rep_id": np.array(["R1", "R2", np.nan, "R1"], dtype=object),
        "month": np.array([pd.Period("2026-01", "M"), pd.Period("2026-02", "M"), pd.Period("2026-02", "M"), None],
                          dtype=object),
        "date": np.array([dt.date(2026, 1, 5), None, dt.date(2026, 2, 10), dt.date(2026, 2, 11)], dtype=object),
        "amount": np.array([1200, -0.0, None, 35.5], dtype=object),
        "qty": pd.array([3, 4, None, 1], dtype="Int64"),
        "core": np.array([True, False, True, True], dtype=object),
    }, index=pd.Index([3.0, 4.0, 5.0, 6.0], name="row"))


def test_fingerprint_is_the_same_however_the_frames_were_built():
    """Same values, other dtypes and objects (-0.0 for 0.0 too): the same fingerprint."""
    settings = Settings(plan_month=pd.Period("2026-12", "M"))
    first = input_fingerprint({"history": history_as_read()}, settings)
    assert input_fingerprint({"history": built_otherwise(history_as_read())}, settings) == first
    assert input_fingerprint({"history": history_as_read().astype({"amount": "Float64", "core": "boolean"})},
                             settings) == first


def test_fingerprint_changes_with_every_single_cell():
    """Each cell changed alone, to another value or to a blank (a blank cell: filled), gives a
    fingerprint of its own: per column 3 filled cells × 2 changes + 1 blank × 1 = 7 (yes/no: 3 True
    → False or blank, 1 False → blank), 6 columns, 42 changes, 43 fingerprints with the unchanged
    table. A renamed column, another row label and swapped rows give others again."""
    settings = Settings(plan_month=pd.Period("2026-12", "M"))
    base = history_as_read().astype({"core": "boolean"})
    other = {"rep_id": "R3", "month": pd.Period("2026-03", "M"), "date": pd.Timestamp("2026-01-06"),
             "amount": 1200.01, "qty": 2.0, "core": False}
    seen = [input_fingerprint({"history": base}, settings)]
    for column in base.columns:
        for row in base.index:
            value = base.at[row, column]
            for new in (other[column], None):
                if (new is None and pd.isna(value)) or (not pd.isna(value) and value == new):
                    continue
                changed = base.copy()
                changed.at[row, column] = new
                seen.append(input_fingerprint({"history": changed}, settings))
    assert len(seen) == len(set(seen)) == 43
    assert input_fingerprint({"history": base.rename(columns={"qty": "quantity"})}, settings) not in seen
    assert input_fingerprint({"history": base.set_axis([3, 4, 5, 7])}, settings) not in seen
    assert input_fingerprint({"history": base.iloc[[1, 0, 2, 3]]}, settings) not in seen


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-10 ** 12, 10 ** 12)), min_size=1, max_size=30),
       st.integers(0, 29), st.integers(1, 10 ** 6))
def test_whole_numbers_hash_alike_in_any_dtype_and_any_change_shows(values, at, step):
    """Whole numbers (with blanks) as float64, Int64 or object give one fingerprint; adding ``step``
    to one of them, or blanking it, gives another."""
    as_int = pd.DataFrame({"n": pd.array(values, dtype="Int64")})
    first = input_fingerprint({"t": as_int}, Settings())
    assert input_fingerprint({"t": as_int.astype("float64")}, Settings()) == first
    assert input_fingerprint({"t": pd.DataFrame({"n": np.array(values, dtype=object)})}, Settings()) == first
    at %= len(values)
    for new in (None if values[at] is None else values[at] + step, 0 if values[at] is None else None):
        changed = list(values)
        changed[at] = new
        if changed != values:
            assert input_fingerprint({"t": pd.DataFrame({"n": pd.array(changed, dtype="Int64")})}, Settings()) != first


def test_append_keeps_earlier_rows():
    log = append_version(pd.DataFrame(), timestamp="t1", step="target", month=pd.Period("2026-12", "M"),
                         parameters="a=1", fingerprint="f1", total=10.0)
    log = append_version(log, timestamp="t2", step="target", month=pd.Period("2026-12", "M"),
                         parameters="a=2", fingerprint="f2", total=11.0)
    assert list(log["timestamp"]) == ["t1", "t2"] and list(log["total"]) == [10.0, 11.0]


def test_parameters_read_as_one_line():
    assert describe_parameters({"method": "trend", "weights": [0.4, 0.3], "alpha": 0.7}) == \
        "method=trend; weights=0.4/0.3; alpha=0.7"
