"""The fastest workbook writer measured here: raw sheet XML generated column by column, zipped as it goes.

It writes new workbooks only (no planner's package to preserve): the benchmark's input workbooks
and the I/O floor's output. Cells and rows are made by :func:`salesxl.workbook.stream.cells` and
:func:`~salesxl.workbook.stream.join_rows`, the same generator salesxl streams long tables with;
inline strings; styles by index.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import Sequence
from xml.sax.saxutils import quoteattr

import pandas as pd
from openpyxl.utils import get_column_letter

from salesxl.workbook.stream import cells, join_rows, row_numbers, text_cell

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CHUNK = 50_000
STYLE = {"amount": 1, "decimal": 1, "integer": 2, "percent": 3, "date": 4, "month": 5}
"""Cell style index by column kind (0: General)."""

STYLES_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}"><numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="0.0%"/><numFmt numFmtId="166" formatCode="yyyy-mm"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


@dataclass
class Block:
    """A header row and the rows under it; ``kinds`` decide each column's number format."""

    headers: Sequence[str]
    frame: pd.DataFrame  # one column per header, in order
    kinds: Sequence[str]


def sheet_chunks(blocks: Sequence[Block]):
    """The sheet part, piece by piece (blocks one under another, a blank row between)."""
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="{MAIN}"><sheetData>'.encode()
    row = 1
    for block in blocks:
        letters = [get_column_letter(j + 1) for j in range(len(block.headers))]
        head = "".join(text_cell(f"{letter}{row}", "", str(h)) for letter, h in zip(letters, block.headers))
        yield f'<row r="{row}">{head}</row>'.encode()
        row += 1
        styles = [f' s="{STYLE[k]}"' if k in STYLE else "" for k in block.kinds]
        for start in range(0, len(block.frame), CHUNK):
            part = block.frame.iloc[start:start + CHUNK]
            numbers = row_numbers(row, len(part))
            columns = [cells(part.iloc[:, j], letters[j], numbers, styles[j]) for j in range(len(letters))]
            yield join_rows(numbers, columns)
            row += len(part)
        row += 1
    yield b"</sheetData></worksheet>"


def write_xlsx(target, sheets: Sequence[tuple[str, Sequence[Block]]]) -> None:
    """A new workbook at ``target`` (a path or a binary file) with ``sheets``: (name, blocks)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6, allowZip64=True) as z:
        n = len(sheets)
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                      f'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1))
            + "</Types>"))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">'
            "<sheets>" + "".join(f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
                                 for i, (name, _) in enumerate(sheets, start=1)) + "</sheets></workbook>"))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="{DOC_RELS}/styles" Target="styles.xml"/></Relationships>'))
        z.writestr("xl/styles.xml", STYLES_XML)
        for i, (_, blocks) in enumerate(sheets, start=1):
            with z.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as part:
                for chunk in sheet_chunks(blocks):
                    part.write(chunk)
