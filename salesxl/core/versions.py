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

import pandas as pd

VERSION_COLUMNS = ["timestamp", "step", "month", "parameters", "fingerprint", "total"]


def input_fingerprint(tables: Mapping[str, pd.DataFrame], settings: Mapping[str, Any]) -> str:
    """A short hash of the input tables and settings: equal inputs, equal fingerprints.

    The tables are hashed as CSV text in key order (values, not dtypes or
    objects), so the fingerprint does not depend on how the frames were built.
    """
    digest = hashlib.sha256()
    for key in sorted(settings):
        digest.update(f"{key}={settings[key]!s}\n".encode())
    for key in sorted(tables):
        digest.update(f"[{key}]\n".encode())
        digest.update(tables[key].to_csv(index=True, float_format="%.10g").encode())
    return digest.hexdigest()[:16]


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
