"""How an input sheet is declared.

A sheet is declared once, as data: its bilingual name, its columns (key,
bilingual label, type, required or not), its unique keys and its references to
other sheets. The reader, the template builder, the Guide sheet and the tests
all work from these declarations, so they cannot drift apart.

What a schema *is* lives here; how a sheet is checked against it lives in
:mod:`salesxl.workbook.reader`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import pandas as pd

from ..terms import Choice, normalise_label, spelling_set

ColumnType = Literal["text", "integer", "decimal", "percent", "date", "month", "bool", "choice", "any"]

TYPE_LABEL = {
    "text": "文本 text",
    "integer": "整数 integer",
    "decimal": "数值 number",
    "percent": "百分比 percent",
    "date": "日期 date",
    "month": "月份 month",
    "bool": "是/否 yes/no",
    "choice": "选项 choice",
    "any": "任意 any",
}


@dataclass(frozen=True)
class Column:
    """One column of an input sheet.

    Attributes:
        key: canonical name used in code and DataFrames (``rep_id``).
        zh, en: the bilingual header shown in the template (``业务员编号``, ``Rep ID``).
        type: how cells are parsed (see :mod:`salesxl.workbook.cells`).
        required: the column must be present.
        not_blank: every row must fill it (defaults to ``required``).
        choices: allowed values for ``choice`` columns.
        ref: ``(sheet_key, column_key)`` the value must exist in, e.g. ``("reps", "rep_id")``.
        minimum, maximum: inclusive bounds for numbers.
        default: value used for blank cells of optional columns.
        note_zh, note_en: what to type, shown as a header comment and on the Guide.
        number_format: Excel number format used by the template.
        width: column width used by the template.
        ambiguous_up_to: for a percent column whose values are often above 100 % (the Incentive Rules'
            thresholds: accelerators at 120 %), a bare number above 1 and up to this is refused as
            ambiguous (is ``1.05`` 105 % or 1.05 %?) instead of being read as percentage points.
    """

    key: str
    zh: str
    en: str
    type: ColumnType = "text"
    required: bool = True
    not_blank: bool | None = None
    choices: tuple[Choice, ...] = ()
    ref: tuple[str, str] | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None
    note_zh: str = ""
    note_en: str = ""
    number_format: str | None = None
    width: float | None = None
    ambiguous_up_to: float | None = None

    @property
    def label(self) -> str:
        return f"{self.zh} {self.en}"

    @property
    def must_fill(self) -> bool:
        return self.required if self.not_blank is None else self.not_blank

    def spellings(self) -> frozenset[str]:
        return spelling_set(self.key, self.zh, self.en, self.label, f"{self.en} {self.zh}")

    @property
    def dtype(self) -> str:
        """The pandas dtype the column's values are read into."""
        return {"decimal": "float64", "percent": "float64", "integer": "Int64", "date": "datetime64[ns]",
                "month": "period[M]", "bool": "boolean"}.get(self.type, "object")

    def choice_for(self, value: Any) -> Choice | None:
        wanted = normalise_label(value)
        return next((c for c in self.choices if wanted in c.spellings()), None)


@dataclass(frozen=True)
class SheetSchema:
    """One input sheet.

    Attributes:
        key: canonical name (``reps``); also the attribute name on :class:`Inputs`.
        zh, en: bilingual sheet name; the sheet tab is ``f"{zh} {en}"``.
        columns: the declared columns, in template order.
        unique: column-key tuples that must be unique together.
        required: the sheet must exist (optional sheets read as empty).
        one_of: each row must fill at least one of these columns (History: date or month).
        issued: a sheet salesxl wrote and reads back (the issued targets): its first table
            ends at the first blank row or at the totals row, whatever follows below.
        purpose_zh, purpose_en: one line for the Guide sheet.
        notes: ``(topic, zh, en)`` rules that belong to the sheet as a whole rather than to a column (how
            the close settles edge cases); the Guide lists them under the sheet.
    """

    key: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    required: bool = True
    one_of: tuple[str, ...] = ()
    issued: bool = False
    purpose_zh: str = ""
    purpose_en: str = ""
    notes: tuple[tuple[str, str, str], ...] = ()

    @property
    def name(self) -> str:
        return f"{self.zh} {self.en}"

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"{self.key} has no column {key!r}")

    def spellings(self) -> frozenset[str]:
        return spelling_set(self.key, self.zh, self.en, self.name)

    @cached_property
    def labels(self) -> dict[str, Column]:
        """Every folded spelling of a column's header -> the column (the first declared, where two share one):
        built once per schema, so a header row is matched with one lookup per cell."""
        found: dict[str, Column] = {}
        for column in self.columns:
            for spelling in column.spellings():
                found.setdefault(spelling, column)
        return found

    def match_headers(self, row: list[Any]) -> tuple[dict[int, Column], list[tuple[int, Column]]]:
        """Which cells of a header row name which columns (by any spelling), and the columns named twice:
        ``({position: column}, [(position, column) named again]})``. Sheets, Parquet and CSV headers alike."""
        matched: dict[int, Column] = {}
        duplicates: list[tuple[int, Column]] = []
        seen: set[str] = set()
        labels = self.labels
        for j, value in enumerate(row):
            if value is None:
                continue
            column = labels.get(normalise_label(value))
            if column is None:
                continue
            if column.key in seen:
                duplicates.append((j, column))
                continue
            seen.add(column.key)
            matched[j] = column
        return matched, duplicates

    def empty_frame(self) -> pd.DataFrame:
        """The sheet read with no rows: every column, typed, indexed by Excel row."""
        frame = pd.DataFrame({c.key: pd.Series([], dtype=c.dtype) for c in self.columns})
        frame.index.name = "excel_row"
        return frame


@dataclass(frozen=True)
class Setting:
    """One key on the key/value Settings sheet.

    Settings are declared like columns: the ``value`` cell of the row whose key
    matches is parsed with the setting's type.
    """

    key: str
    zh: str
    en: str
    type: ColumnType
    default: Any = None
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    note_zh: str = ""
    note_en: str = ""
    number_format: str | None = None

    @property
    def label(self) -> str:
        return f"{self.zh} {self.en}"

    def spellings(self) -> frozenset[str]:
        """The ways the Settings sheet's key cell may name this setting (compared folded)."""
        return spelling_set(self.key, self.zh, self.en, self.label)

    def as_column(self) -> Column:
        """The setting seen as a column, so cells are parsed by one function."""
        return Column(
            key="value", zh=self.zh, en=self.en, type=self.type,
            required=self.default is None, choices=self.choices,
            minimum=self.minimum, maximum=self.maximum, default=self.default,
        )


@dataclass(frozen=True)
class OutputSheetName:
    """The bilingual name of a sheet salesxl writes (and therefore owns)."""

    key: str
    zh: str
    en: str

    @property
    def name(self) -> str:
        return f"{self.zh} {self.en}"


Layout = dict[str, tuple[str, str]]
"""Where a sheet's columns were found: column key -> (Excel letter, header text)."""


@dataclass
class SheetLayout:
    """Where a sheet and its columns were found in the planner's workbook."""

    sheet_key: str
    sheet_name: str
    header_row: int = 1
    columns: Layout = field(default_factory=dict)
