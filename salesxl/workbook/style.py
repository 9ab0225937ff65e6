"""The house style: how every sheet salesxl owns looks, in one place.

A planner's manager judges the tool by the sheets it writes, so they all look
the same way, as a careful analyst would lay them out:

* **Title block** — the sheet's bilingual title; a line with the month, the
  time of the run, where the figures came from and the currency; then the
  report's own subtitle and notes.
* **Headers** — white bold text on dark blue (dark red for a table of alerts),
  wrapped, over an Excel Table with banded rows and, where it adds up, a
  totals row of ``SUBTOTAL`` formulas.
* **Numbers** — amounts with thousands separators and the currency from
  Settings (``¥1,234.50``), percentages with one decimal (``12.5%``), dates as
  ``yyyy-mm-dd``. A column has one format for every row: a report says what a
  column *is* (:class:`~salesxl.workbook.backend.OutColumn` ``kind``), never
  how a cell looks.
* **Colour that means something** — attainment and pace coloured by tier
  (below base red, base amber, challenge green, sprint dark green), shares as
  data bars. Both are conditional formatting, so the colours follow the values
  and the tier thresholds on the Settings sheet when a planner edits them; no
  cell ever gets a fill of its own for what it holds.
* **Layout** — columns fitted to their content, panes frozen below the first
  header, and print setup on every sheet: A4, fitted to the page width,
  landscape when the tables are wide, the title (and a single table's header)
  repeated on every page, the sheet name in the page header and page numbers
  in the footer.

:mod:`salesxl.workbook.render` draws a :class:`~salesxl.workbook.backend.SheetOutput`
with these definitions; nothing else decides how a sheet looks.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import unicodedata
from functools import lru_cache
from typing import Any

from openpyxl.formatting.rule import DataBarRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.table import TableStyleInfo

from ..core.settings import DEFAULT_CURRENCY
from .backend import Kind, RunInfo

# ---- Title block ---------------------------------------------------------------------------------

TITLE_FONT = Font(bold=True, size=14, color="FF1F4E78")
RUN_FONT = Font(size=9, color="FF595959")
NOTE_FONT = Font(italic=True, color="FF7F6000")
HEADING_FONT = Font(bold=True, size=11)
ALERT_FONT = Font(bold=True, size=11, color="FFC00000")


def run_line(run: RunInfo) -> str:
    """The title block's second line: month, run time, source and currency, e.g.

    ``月份 Month 2026-12 · 运行 Run 2026-11-28 09:30 · 来源 Source: 设置 Settings, 业务员 Reps · 币种 Currency CNY``.
    Parts that are not known are left out.
    """
    parts = []
    if run.month:
        parts.append(f"月份 Month {run.month}")
    if run.run_time is not None:
        parts.append(f"运行 Run {run.run_time:%Y-%m-%d %H:%M}")
    if run.source:
        parts.append(f"来源 Source: {run.source}")
    if run.currency:
        parts.append(f"币种 Currency {run.currency}")
    return " · ".join(parts)


def run_time(now: dt.datetime | None = None) -> dt.datetime:
    """The time a run is stamped with: ``now`` if given, else ``SOURCE_DATE_EPOCH`` if set, else the clock.

    ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC; the reproducible-builds convention) pins the stamp,
    so two runs on the same inputs give the same sheets — the test suite sets it.
    """
    if now is not None:
        return now
    pinned = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if pinned.isdigit():
        return dt.datetime.fromtimestamp(int(pinned), dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime.now().replace(microsecond=0)


# ---- Headers, tables and totals -------------------------------------------------------------------

HEADER_FONT = Font(bold=True, color="FFFFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="FF1F4E78")
ALERT_FILL = PatternFill("solid", fgColor="FFC00000")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
TABLE_STYLE = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
TOTAL_LABEL = "合计 Total"
TOTAL_FONT = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="thin", color="FF1F4E78"))
LINK_FONT = Font(underline="single", color="FF0563C1")
NOTE_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


def header_fill(tone: str) -> PatternFill:
    return ALERT_FILL if tone == "alert" else HEADER_FILL


# ---- Number formats -------------------------------------------------------------------------------

CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "JPY": "¥", "USD": "$", "HKD": "HK$", "EUR": "€", "GBP": "£",
                    "TWD": "NT$", "SGD": "S$"}
"""ISO codes shown as their symbol; any other code is shown after the number (``1,234.50 THB``)."""

NUMBER_FORMATS: dict[str, str] = {
    "decimal": "#,##0.00",
    "integer": "#,##0",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "month": "yyyy-mm",
}
"""Formats of every kind but ``amount``, whose format carries the currency (:func:`amount_format`)."""


def amount_format(currency: str | None) -> str:
    """Thousands separators, two decimals and the currency: ``"¥"#,##0.00`` or ``#,##0.00 "THB"``.

    The symbol or code is quoted text in the format, so Excel and LibreOffice show it literally
    whatever the computer's regional settings; a blank currency gives the bare ``#,##0.00``.
    """
    code = (currency or "").strip().upper()
    if not code:
        return NUMBER_FORMATS["decimal"]
    symbol = CURRENCY_SYMBOLS.get(code)
    safe = code.replace('"', "")
    return f'"{symbol}"#,##0.00' if symbol else f'#,##0.00 "{safe}"'


def number_format(kind: Kind | None, currency: str | None = DEFAULT_CURRENCY) -> str | None:
    """The number format of a column of ``kind``; None for text (Excel's General)."""
    if kind == "amount":
        return amount_format(currency)
    return NUMBER_FORMATS.get(kind or "")


def shown_text(value: Any, kind: Kind, currency: str | None = DEFAULT_CURRENCY) -> str:
    """Roughly what a cell shows, to fit its column's width."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
        if kind == "percent":
            return f"{value:.1%}"
        if kind == "amount":
            code = (currency or "").strip().upper()
            symbol = CURRENCY_SYMBOLS.get(code, "")
            return f"{symbol}{value:,.2f}" + ("" if symbol or not code else f" {code}")
        if kind == "integer":
            return f"{value:,.0f}"
        if isinstance(value, float):
            return f"{value:,.2f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return "yyyy-mm" if kind == "month" else "yyyy-mm-dd"
    return str(value)


@lru_cache(maxsize=1 << 16)
def display_width(text: str) -> int:
    """Width in Excel's character units: a Chinese character takes two (each text measured once)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# ---- Column widths --------------------------------------------------------------------------------

MIN_WIDTH, MAX_WIDTH, PADDING = 8, 60, 2
HEADER_WIDTH_CAP = 24
"""A long header wraps rather than widening its column past this."""
NOTE_WIDTH = 40
WIDTH_SAMPLE_ROWS = 200
"""Only the first rows are measured: a long table's column is as wide as its first rows need."""


def column_width(widest: float) -> float:
    return min(max(widest + PADDING, MIN_WIDTH), MAX_WIDTH)


# ---- Conditional formatting -----------------------------------------------------------------------

TIER_SETTINGS = ("tier_base", "tier_challenge", "tier_sprint")
TIER_NAME = {key: f"salesxl_{key}" for key in TIER_SETTINGS}
"""Workbook-level defined names holding each tier multiplier: each refers to its value cell on the Settings
sheet (``='设置 Settings'!$B$17``), so the conditional formats below recolour when a planner edits it."""

TIER_LOOKS = (
    # (tier, lower bound name or None, upper bound name or None, fill, font colour)
    ("below_base", None, "tier_base", "FFFFC7CE", "FF9C0006"),
    ("base", "tier_base", "tier_challenge", "FFFFEB9C", "FF9C5700"),
    ("challenge", "tier_challenge", "tier_sprint", "FFC6EFCE", "FF006100"),
    ("sprint", "tier_sprint", None, "FF548235", "FFFFFFFF"),
)
"""Below base red, base amber, challenge green, sprint dark green (Excel's own good/neutral/bad colours)."""

SHARE_BAR_COLOUR = "FF5B9BD5"


def tier_formulas(cell: str) -> list[tuple[str, str]]:
    """``(tier, formula)`` for a column whose top data cell is ``cell`` (relative, e.g. ``E5``).

    A ratio of 1.05 with the default multipliers (1.0 / 1.1 / 1.2) is at base: amber. A blank or
    text cell matches no rule. The bounds are the defined names, never numbers.
    """
    found = []
    for tier, low, high, _, _ in TIER_LOOKS:
        tests = [f"ISNUMBER({cell})"]
        if low:
            tests.append(f"{cell}>={TIER_NAME[low]}")
        if high:
            tests.append(f"{cell}<{TIER_NAME[high]}")
        found.append((tier, f"AND({','.join(tests)})"))
    return found


def tier_rules(cell: str) -> list[FormulaRule]:
    """The four conditional-format rules of a tier-coloured column (see :func:`tier_formulas`)."""
    looks = {tier: (fill, font) for tier, _, _, fill, font in TIER_LOOKS}
    rules = []
    for tier, formula in tier_formulas(cell):
        fill, font = looks[tier]
        rules.append(FormulaRule(formula=[formula], stopIfTrue=True, fill=PatternFill("solid", bgColor=fill),
                                 font=Font(color=font, bold=tier == "sprint")))
    return rules


def share_rule() -> DataBarRule:
    """A data bar from zero to the column's largest share."""
    return DataBarRule(start_type="num", start_value=0, end_type="max", color=SHARE_BAR_COLOUR)


def tier_names(run: RunInfo | None, defaults: dict[str, float]) -> dict[str, str]:
    """Each tier name's formula text: the Settings cell the run read it from, else the default value."""
    cells = run.tier_cells if run is not None else {}
    return {TIER_NAME[key]: cells.get(key) or repr(float(defaults[key])) for key in TIER_SETTINGS}


# ---- Print setup ----------------------------------------------------------------------------------

PORTRAIT_WIDTH = 95
"""Total column width (Excel units) that still fits an A4 portrait page legibly; wider sheets print landscape."""
PAGE_HEADER = "&A"
"""The page header: the sheet's name."""
PAGE_FOOTER = "第 &P / &N 页 Page &P of &N"


def orientation(total_width: float, asked: str = "auto") -> str:
    if asked in ("portrait", "landscape"):
        return asked
    return "landscape" if total_width > PORTRAIT_WIDTH else "portrait"


def title_rows(first_header: int | None, tables: int, asked: int | None = None) -> int:
    """Rows repeated at the top of every printed page: the title block and, for a sheet of one table, its header."""
    if asked is not None:
        return asked
    return first_header if first_header and tables == 1 else 1


