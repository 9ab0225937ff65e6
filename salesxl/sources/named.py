"""A history or actuals source Settings names instead of its sheet: files or a database, read.

``history_source`` / ``actuals_source`` (with their column maps) point at CSV/Parquet files or a
database URL; :func:`read_named_source` hands them to :mod:`salesxl.sources.history_files` (history
files, checked cell by cell) or :mod:`salesxl.sources.warehouse` (a database, or actuals files read
as a table). The workbook reader finds the settings; this module reads what they name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..core.history import HistoryWindow
from ..core.settings import Settings
from ..workbook.schema import SheetLayout, SheetSchema
from . import SettingCell
from .history_files import read_history_files
from .warehouse import Request, is_url, parse_column_map, read_from_files, read_from_source


SOURCE_SETTINGS = {"history": ("history_source", "history_columns"), "actuals": ("actuals_source", "actuals_columns")}
"""Sheet -> the settings that may name its source instead, and map the source's columns."""


@dataclass(frozen=True)
class NamedSource:
    """A ``history_source`` / ``actuals_source`` the Settings sheet fills in, and where its settings are."""

    settings: Settings
    text: str
    where: SettingCell
    columns: str
    columns_where: SettingCell


def read_named_source(named: NamedSource, schema: SheetSchema, folder: Path | None,
                      window: Callable[[Settings], HistoryWindow | None], progress: Callable[[str], None]):
    """The table from the files or the database ``named`` points at: frame, layout, problems, summary.

    History files keep their cell-by-cell check (:mod:`salesxl.sources.history_files`); a database
    (:mod:`salesxl.sources.warehouse`) checks its catalogue. Actuals files are read as a table too.
    """
    settings = named.settings
    weekday = bool(settings.weekday_pattern)
    if schema.key == "history" and not is_url(named.text):
        mapping, unreadable = parse_column_map(named.columns, schema)
        if unreadable:
            return (schema.empty_frame(), SheetLayout(schema.key, named.text.strip()),
                    [named.columns_where.problem("source-column-map", zh, en) for zh, en in unreadable], None)
        frame, layout, problems = read_history_files(named.text, folder, named.where, weekday_grain=weekday,
                                                     window=window(settings), mapping=mapping)
        return frame, layout, problems, None
    request = Request(named.text, named.where, named.columns, named.columns_where, schema,
                      window=window(settings) if schema.key == "history" else None,
                      month=settings.plan_month if schema.key == "actuals" else None,
                      weekday=weekday, timeout=int(settings.source_timeout))
    if not is_url(named.text):
        return read_from_files(request, folder, progress)
    return read_from_source(request, folder, progress, dict(os.environ))
