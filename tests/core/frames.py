"""Frames as the reader gives them to the core, for inline test data."""

from __future__ import annotations

import pandas as pd


def frame(rows: list[dict], first_row: int = 2, columns=None) -> pd.DataFrame:
    """Rows as the reader gives them: indexed by their Excel row."""
    out = pd.DataFrame(rows, columns=columns)
    out.index = pd.Index(range(first_row, first_row + len(out)), name="excel_row")
    return out
