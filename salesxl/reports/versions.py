"""The ``版本 Versions`` sheet: a log every step appends one row to.

Any step that should leave a trace calls :func:`versions_with_run`: it reads
the rows already on the Versions sheet, appends this run's row (see
:mod:`salesxl.core.versions`) and returns the sheet to write with the step's
other outputs — so the log is written in the same all-or-nothing save.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

import pandas as pd

from ..core.versions import VERSION_COLUMNS, append_version, describe_parameters
from ..workbook.backend import OutColumn, OutTable, SheetOutput, WorkbookBackend
from ..workbook.reader import find_sheet, read_table
from ..workbook.schema import Column, SheetSchema
from ..workbook.contract.base import VERSIONS

COLUMNS = (
    OutColumn("timestamp", "时间", "Timestamp"),
    OutColumn("step", "步骤", "Step"),
    OutColumn("month", "月份", "Month", "month"),
    OutColumn("parameters", "参数", "Parameters"),
    OutColumn("fingerprint", "输入指纹", "Input fingerprint"),
    OutColumn("total", "目标合计", "Target total", "amount"),
)

LOG_SCHEMA = SheetSchema(
    key=VERSIONS.key, zh=VERSIONS.zh, en=VERSIONS.en, required=False, issued=True,
    columns=tuple(Column(c.key, c.zh, c.en, {"month": "month", "amount": "decimal"}.get(c.kind, "text"),
                         required=False, not_blank=False) for c in COLUMNS),
)
"""How the log is read back: the columns salesxl wrote, found by their headers."""


def read_versions(book: WorkbookBackend) -> pd.DataFrame:
    """The rows already on the Versions sheet (empty when there is none).

    The log is salesxl's own sheet, so a cell it cannot read is kept blank
    rather than stopping the step.
    """
    name = find_sheet(LOG_SCHEMA, book.sheet_names())
    if name is None:
        return pd.DataFrame(columns=VERSION_COLUMNS)
    frame, _, _ = read_table(LOG_SCHEMA, book.read_sheet(name))
    return frame.reset_index(drop=True)[VERSION_COLUMNS]


def versions_sheet(log: pd.DataFrame) -> SheetOutput:
    return SheetOutput(
        VERSIONS,
        subtitle="每次运行追加一行，旧行保留 Each run appends a row; earlier rows are kept.",
        tables=[OutTable(log, COLUMNS, name="sx_versions")],
    )


def versions_with_run(book: WorkbookBackend, step: str, month: pd.Period | None, parameters: Mapping[str, Any],
                      fingerprint: str, total: float | None, now: dt.datetime | None = None) -> SheetOutput:
    """The Versions sheet with this run's row appended to the rows already there."""
    timestamp = (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
    log = append_version(read_versions(book), timestamp=timestamp, step=step, month=month,
                         parameters=describe_parameters(parameters), fingerprint=fingerprint, total=total)
    return versions_sheet(log)
