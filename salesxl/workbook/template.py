"""Building a new workbook from the contract: the blank template and the demo.

Every input sheet becomes an Excel Table with bilingual headers, a note on each
header saying what to type, number formats, drop-down lists (roles, yes/no,
regions from the Regions table) and a frozen header row. A ``说明 Guide``
sheet comes first. Run ``python -m salesxl.workbook.template`` to regenerate
``workbook_templates/salesxl_template.xlsx`` and the demo's inputs,
``workbook_templates/salesxl_demo.xlsx``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.workbook.defined_name import DefinedName

from .backend import InputSheet
from .filebook import save_atomically
from .inputsheet import HEADER_FILL, HEADER_FONT, column_notes, draw_input_sheet, region_list
from .inputsheet import cell_value, settings_frame, write_input_sheet  # noqa: F401  (benchmarks/generate.py,
# steps/collect.py and workbook/repbook.py take them from here)
from .schema import TYPE_LABEL, SheetSchema
from .contract import INPUT_SHEETS, OUTPUT_SHEETS, SETTINGS
from .contract.base import GUIDE
from .contract.target import REGIONS

TEMPLATES = Path(__file__).resolve().parents[2] / "workbook_templates"
DEFAULT_TEMPLATE = TEMPLATES / "salesxl_template.xlsx"
SHIPPED_DEMO = TEMPLATES / "salesxl_demo.xlsx"
"""The demo company's input sheets, as ``salesxl demo`` starts from them."""


WRITTEN_BY_SALESXL = {output.key for output in OUTPUT_SHEETS}
"""Input sheets that a step writes first and the planner then fills in; the template leaves them out."""


def build_workbook(settings: dict[str, Any] | None = None,
                   tables: dict[str, pd.DataFrame] | None = None,
                   schemas: tuple[SheetSchema, ...] = INPUT_SHEETS) -> Workbook:
    """A new workbook with the Guide and every input sheet, filled with ``tables`` if given."""
    book = Workbook()
    guide = book.active
    guide.title = GUIDE.name
    write_guide(guide, schemas)
    for schema in schemas:
        if schema.key in WRITTEN_BY_SALESXL:
            continue  # e.g. 反馈 Feedback: the step that writes it creates it, marked as salesxl's own
        draw_input_sheet(book.create_sheet(schema.name), InputSheet(schema, (tables or {}).get(schema.key),
                                                                    settings or {}))
    regions = next(s for s in schemas if s.key == REGIONS.key)
    for name, formula in region_list(regions.name).items():
        book.defined_names[name] = DefinedName(name, attr_text=formula)
    return book


def save_new_workbook(path: str | Path, settings=None, tables=None) -> Path:
    """Write a new template (or demo) workbook to ``path``, atomically, replacing any file there."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_atomically(build_workbook(settings, tables), path, backup=False)
    return path


def write_guide(ws, schemas: tuple[SheetSchema, ...]) -> None:
    ws["A1"] = "salesxl 月度销售目标 Monthly sales targets"
    ws["A1"].font = Font(bold=True, size=16)
    lines = [
        "按顺序填写各输入表，然后运行各步骤（功能区按钮或命令行 salesxl）。",
        "Fill the input sheets in order, then run each step (ribbon buttons or the salesxl command).",
        "表头可用中文、英文或中英文；金额可写 30.9万；百分比可写 15% 或 0.15。",
        "Headers may be Chinese, English or both; amounts may be written as 30.9万; percentages as 15% or 0.15.",
    ]
    for i, line in enumerate(lines, start=2):
        ws.cell(row=i, column=1, value=line)
    row = len(lines) + 3
    for heading, width, letter in (("工作表 Sheet", 22, "A"), ("列 Column", 30, "B"), ("类型 Type", 16, "C"),
                                   ("必填 Required", 14, "D"), ("说明 Notes", 60, "E")):
        cell = ws[f"{letter}{row}"]
        cell.value, cell.font, cell.fill = heading, HEADER_FONT, HEADER_FILL
        ws.column_dimensions[letter].width = width
    for schema in schemas:
        row += 1
        ws.cell(row=row, column=1, value=schema.name).font = Font(bold=True)
        ws.cell(row=row, column=5, value=f"{schema.purpose_zh} {schema.purpose_en}")
        for topic, zh, en in schema.notes:  # rules of the sheet as a whole (the close's edge cases)
            row += 1
            ws.cell(row=row, column=2, value=topic)
            ws.cell(row=row, column=3, value="规则 rule")
            ws.cell(row=row, column=5, value=f"{zh} / {en}")
        columns = schema.columns if schema.key != "settings" else ()
        for column in columns:
            row += 1
            ws.cell(row=row, column=2, value=column.label)
            ws.cell(row=row, column=3, value=TYPE_LABEL[column.type])
            ws.cell(row=row, column=4, value="是" if column.must_fill else "否")
            ws.cell(row=row, column=5, value=column_notes(column) or None)
        if schema.key == "settings":
            for setting in SETTINGS:
                row += 1
                ws.cell(row=row, column=2, value=setting.label)
                ws.cell(row=row, column=3, value=TYPE_LABEL[setting.type])
                ws.cell(row=row, column=4, value="是" if setting.default is None else "否")
                default = "" if setting.default is None else f"默认 default {setting.default}; "
                ws.cell(row=row, column=5, value=default + " / ".join(x for x in (setting.note_zh, setting.note_en) if x))
    ws.freeze_panes = "A8"


if __name__ == "__main__":
    from ..demo import demo_workbook_data

    print(save_new_workbook(DEFAULT_TEMPLATE))
    print(save_new_workbook(SHIPPED_DEMO, *demo_workbook_data()))
