"""The version log: every run of a step leaves one row behind.

A row says when a step ran, for which month, with which parameters, on which
inputs (a fingerprint of the sheets it read) and what total it produced. Two
runs with the same fingerprint and parameters saw the same inputs; a changed
fingerprint says the input changed in between. Nothing is ever removed from
the log: a step reads the rows already there and writes them back with its own
row appended.
"""

from __future__ import annotations

import hashlib
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .settings import Settings

VERSION_COLUMNS = ["timestamp", "step", "month", "parameters", "fingerprint", "total"]


def input_fingerprint(tables: Mapping[str, pd.DataFrame], settings: Settings) -> str:
    """A short hash of the input tables and settings: equal inputs, equal fingerprints.

    Values are hashed, not dtypes or objects, so the fingerprint does not depend on how the frames
    were built: a column of 1.0, 2.0 and a blank hashes the same as float64, Int64 or object, and
    text the same as ``str`` or object. Any changed value, column name, row label or row count
    changes it. Each column is hashed in one go (:func:`pandas.util.hash_array`, 64 bits per value);
    earlier versions of salesxl hashed the tables as CSV text, so their fingerprints differ from these.
    """
    return fingerprint_of(tables, vars(settings))


def fingerprint_of(tables: Mapping[str, pd.DataFrame], values: Mapping[str, object]) -> str:
    """:func:`input_fingerprint` of the tables and some named values (the settings, or only those that matter)."""
    digest = hashlib.sha256()
    for key in sorted(values):
        digest.update(f"{key}={values[key]!s}\n".encode())
    for key in sorted(tables):
        frame = tables[key]
        digest.update(f"[{key}] {len(frame)} rows\n".encode())
        for name, column in [("", pd.Series(frame.index, copy=False)), *frame.items()]:
            kind, hashes = value_hashes(column)
            digest.update(f"{name}\t{kind}\n".encode())
            digest.update(hashes.tobytes())
    return digest.hexdigest()[:16]


MISSING = np.uint64(0x6D697373696E6721)
"""The hash of a blank (None, NaN, NA, NaT), whatever the column holds."""
EXACT_INTEGERS = 2 ** 53
"""Whole numbers up to this size are exact as float64, so they hash the same as integers or floats."""


def value_hashes(values: pd.Series) -> tuple[str, np.ndarray]:
    """What kind of values a column holds (number, text, yes/no, date...) and one uint64 per value."""
    missing = values.isna().to_numpy(dtype=bool)
    if missing.all():  # nothing to tell a blank number column from a blank text column
        return "blank", np.full(len(values), MISSING, dtype=np.uint64)
    kind, stable = stable_values(values, missing)
    hashes = pd.util.hash_array(stable, categorize=kind in ("text", "other"))
    hashes[missing] = MISSING
    return kind, hashes


def stable_values(values: pd.Series, missing: np.ndarray) -> tuple[str, np.ndarray]:
    """The column as one numpy representation per kind of value; blanks hold a placeholder."""
    dtype = values.dtype
    if dtype == object:
        return object_values(values, missing)
    if isinstance(dtype, pd.CategoricalDtype):
        return object_values(values.astype(object), missing)
    if pd.api.types.is_bool_dtype(dtype):
        return "yes/no", values.to_numpy(dtype=bool, na_value=False)
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return number_values(values, missing)
    if isinstance(dtype, pd.PeriodDtype):
        return f"period {dtype.freq.freqstr}", np.where(missing, 0, values.array.asi8)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        try:
            stamps = values.dt.tz_convert("UTC").dt.tz_localize(None) if getattr(dtype, "tz", None) else values
            return "datetime", np.where(missing, 0, stamps.to_numpy(dtype="datetime64[ns]").view("int64"))
        except (OverflowError, ValueError):  # beyond the years datetime64[ns] holds
            return other_values(values, missing)
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "duration", np.where(missing, 0, values.to_numpy(dtype="timedelta64[ns]").view("int64"))
    if pd.api.types.is_string_dtype(dtype):
        return "text", values.to_numpy(dtype=object, na_value="")
    return object_values(values.astype(object), missing)


def object_values(values: pd.Series, missing: np.ndarray) -> tuple[str, np.ndarray]:
    """An object column by what it holds: text, numbers, yes/no, dates, months; else each value as text."""
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    try:
        if inferred in ("string", "empty"):
            return "text", np.where(missing, "", values.to_numpy(dtype=object))
        if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
            return number_values(pd.to_numeric(values.where(~missing, None)), missing)
        if inferred == "boolean":
            return "yes/no", np.where(missing, False, values.to_numpy(dtype=object)).astype(bool)
        if inferred in ("datetime", "datetime64", "date"):
            return stable_values(pd.Series(pd.to_datetime(values.where(~missing, None))), missing)
        if inferred == "period":
            return stable_values(pd.Series(pd.PeriodIndex(values.where(~missing, None))), missing)
    except (TypeError, ValueError, OverflowError):  # mixed time zones, frequencies...
        pass
    return other_values(values, missing)


def number_values(values: pd.Series, missing: np.ndarray) -> tuple[str, np.ndarray]:
    """Numbers as float64 (exact for these values; -0.0 is 0.0), or as text when a whole number is too
    large for float64 to hold exactly."""
    if values.dtype == object:
        return other_values(values, missing)  # whole numbers too large for int64
    if pd.api.types.is_integer_dtype(values.dtype):
        whole = values.to_numpy(dtype=object, na_value=0) if values.hasnans else values.to_numpy()
        if len(whole) and max(abs(int(whole.max())), abs(int(whole.min()))) > EXACT_INTEGERS:
            return other_values(values, missing)
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    return "number", np.where(missing, 0.0, numbers) + 0.0


def other_values(values: pd.Series, missing: np.ndarray) -> tuple[str, np.ndarray]:
    """Anything else, value by value as text (as the CSV fingerprints of earlier versions did)."""
    return "other", np.array(["" if gone else str(v) for v, gone in zip(values.tolist(), missing.tolist())],
                             dtype=object)


def describe_parameters(parameters: Mapping[str, Any]) -> str:
    """``{"method": "trend", "alpha": 0.7}`` -> ``"method=trend; alpha=0.7"``."""
    def shown(value):
        if isinstance(value, float):
            return f"{value:g}"
        if isinstance(value, (list, tuple)):
            return "/".join(shown(v) for v in value)
        return str(value)
    return "; ".join(f"{k}={shown(v)}" for k, v in parameters.items())


def append_version(log: pd.DataFrame, *, timestamp: str, step: str, month: pd.Period | None, parameters: str,
                   fingerprint: str, total: float | None) -> pd.DataFrame:
    """The log with one more row at the end; the rows already there are kept as they are."""
    row = pd.DataFrame([{"timestamp": timestamp, "step": step, "month": month, "parameters": parameters,
                         "fingerprint": fingerprint, "total": total}], columns=VERSION_COLUMNS)
    if len(log) == 0:
        return row
    return pd.concat([log.reindex(columns=VERSION_COLUMNS).astype(object), row.astype(object)], ignore_index=True)
