"""Writing salesxl's sheets into the planner's own workbook, changing nothing else.

Planners keep pivot tables, slicers, charts, buttons, macros and their own
formatting in the workbook salesxl writes into. Loading and saving the whole
workbook with a library loses whatever that library does not understand, so
salesxl edits the package instead (:mod:`salesxl.workbook.package`):

1. Each output sheet is rendered by :mod:`salesxl.workbook.render` into a
   scratch openpyxl workbook, and its worksheet part and table parts are taken
   from there.
2. Those parts are spliced into the planner's package: a sheet salesxl owns is
   replaced in place (same part, same ``sheetId``, same position, so formulas
   elsewhere that point at it keep working); a new one is added at the end.
   Text cells become inline strings, so the shared-string table is not touched;
   cell styles are merged into the workbook's styles (appended once, found
   again on the next run).
3. Only ``xl/workbook.xml`` (sheet entry, ownership marker, recalculation flag),
   its relationships, ``[Content_Types].xml``, ``docProps/app.xml`` (sheet
   titles) and ``xl/styles.xml`` change, plus ``xl/calcChain.xml`` when it lists
   cells of a sheet being replaced. A sheet's drawing and charts are copied
   from the scratch workbook under free part names. Parts that only the replaced
   sheet used (its old tables, drawing and charts) are removed. Every other
   entry is copied byte for byte.
4. Input sheets ``salesxl init`` adds (:func:`add_sheets`) go in as new sheets
   without a marker, with their tables, notes (comments and their VML) and
   drop-downs; they are the planner's from then on.
5. Rows a collect brings in are added below the planner's own input tables
   (:mod:`salesxl.workbook.appendrows`): that sheet's part gains the rows and
   its table's part the larger range; nothing else in them changes.

Ownership is a marker, never a name: each sheet salesxl writes carries a hidden
sheet-level defined name ``_salesxl_owned`` whose value is the output's key.
Excel moves it with the sheet and deletes it with the sheet, so a planner's own
sheet that happens to have the same name is never overwritten.

Over 600 lines because a splice is all or nothing over one package: the part list above is one
transaction (sheets, relationships, content types, names, styles, tables, drawings), and each step needs
the ids and names the others assign.
"""

from __future__ import annotations

import copy
import posixpath
import re
from io import BytesIO
from typing import Iterator, Sequence

from zipfile import ZIP_STORED, ZipFile

from lxml import etree
from openpyxl import Workbook
from openpyxl.packaging.relationship import RelationshipList
from openpyxl.writer.excel import ExcelWriter
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook.defined_name import DefinedName

from ..problems import Problem, ProblemsFound
from .appendrows import draw_rows, grow_dimension, grow_table, put_rows
from .backend import OWNER_MARKER, AppendedRows, InputSheet, SheetOutput, not_owned, structure_protected
from .inputsheet import draw_input_sheet
from .package import (CONTENT_TYPES_NS, RELATIONSHIPS_NS, Package, PackageError, Relationship, local_name,
                      main_part, parse_xml, relationships, rels_name, relative, xml_bytes)
from .package import resolve as resolve_target
from .render import render_sheet
from .stream import StreamedRows, rows_xml

MARKER = OWNER_MARKER
"""The hidden sheet-level defined name that marks a sheet as salesxl's."""
BOOK_NAME_PREFIX = "salesxl_"
"""Workbook-level names salesxl writes (``salesxl_tier_base``...) start with this; they are its own to replace."""

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"
WORKSHEET_REL = DOC_RELS + "/worksheet"
TABLE_REL = DOC_RELS + "/table"
STYLES_REL = DOC_RELS + "/styles"
CALC_CHAIN_REL = DOC_RELS + "/calcChain"
APP_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
TABLE_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"

WORKBOOK_ORDER = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
                  "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize",
                  "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
                  "fileRecoveryPr", "webPublishObjects", "extLst")
STYLES_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
                "tableStyles", "colors", "extLst")
ESCAPE_LIKE = re.compile(r"_x[0-9A-Fa-f]{4}_")
"""Text Excel would read as an escaped character (``_x000D_``); its underscore is escaped to keep it literal."""
FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color",
              "name", "family", "charset", "scheme")


def write_outputs(blob: bytes, outputs: Sequence[SheetOutput], appended: Sequence[AppendedRows] = ()) -> bytes:
    """The workbook ``blob`` with ``outputs`` written in and ``appended`` rows added; raises ProblemsFound
    when it cannot be done safely."""
    return safely(lambda: Splice(Package(blob)).run(outputs, appended))


def add_sheets(blob: bytes, sheets: Sequence[InputSheet], names: dict[str, str]) -> bytes:
    """The workbook ``blob`` with the input ``sheets`` added at the end; every part it had stays as it was."""
    return safely(lambda: Splice(Package(blob)).add(sheets, names))


def safely(write) -> bytes:
    try:
        return write()
    except (PackageError, etree.XMLSyntaxError, KeyError) as exc:
        raise ProblemsFound([Problem(None, None, None, "cannot-write",
                                     f"无法安全写入该工作簿：{exc}", f"cannot write this workbook safely: {exc}")]) from exc


class Splice:
    """One write: the planner's package, its workbook part, and what changes in it."""

    def __init__(self, package: Package):
        self.package = package
        self.part = main_part(package)
        self.root = parse_xml(package.read(self.part))
        if etree.QName(self.root).namespace != MAIN:
            raise ProblemsFound([Problem(None, None, None, "strict-format",
                                         "工作簿是“Strict Open XML”格式，salesxl只能读取不能写入；请在Excel中另存为“Excel工作簿(*.xlsx)”",
                                         "the workbook is saved as Strict Open XML, which salesxl can read but not "
                                         "write; save it in Excel as an ordinary Excel Workbook (*.xlsx)")])
        self.rels_part = rels_name(self.part)
        self.rels = parse_xml(package.read(self.rels_part)) if self.rels_part in package else \
            etree.Element(f"{{{RELATIONSHIPS_NS}}}Relationships", nsmap={None: RELATIONSHIPS_NS})
        self.types = parse_xml(package.read("[Content_Types].xml"))
        self._overrides: dict[str, list[etree._Element]] | None = None

    # -- the whole write ---------------------------------------------------------------------------

    def run(self, outputs: Sequence[SheetOutput], appended: Sequence[AppendedRows] = ()) -> bytes:
        plan = self.plan(outputs)
        targets = self.append_targets(appended)
        before = reachable(self.package)
        replaced_ids = set()
        for output, element in plan:
            if element is not None:
                self.package.remove(rels_name(self.sheet_part(element)))
                replaced_ids.add(int(element.get("sheetId", "0")))
        self.forget_calc_chain_cells(replaced_ids)
        self.write_relationships()
        self.drop_orphans(before)
        scratch = render_scratch(outputs, self.taken_names(), appended)
        return self.place(scratch, [(output.sheet.name, element, output.sheet.key) for output, element in plan],
                          list(zip(appended, targets, scratch.appended)))

    def add(self, sheets: Sequence[InputSheet], names: dict[str, str]) -> bytes:
        """Add the planner's input sheets (no marker: theirs from now on) and salesxl's workbook ``names``."""
        self.refuse_if_protected()
        existing = {s.get("name", "").casefold() for s in self.sheet_elements()}
        clashes = [sheet.name for sheet in sheets if sheet.name.casefold() in existing]
        if clashes:
            raise ValueError(f"sheets already there: {clashes}")  # the caller adds only what is missing
        self.orphans = set()
        scratch = input_scratch(sheets, names, self.taken_names())
        return self.place(scratch, [(sheet.name, None, None) for sheet in sheets])

    def place(self, scratch: "Scratch", sheets: list[tuple[str, etree._Element | None, str | None]],
              appended: list[tuple[AppendedRows, etree._Element, str]] = ()) -> bytes:
        """Put each rendered sheet ``(name, the sheet it replaces or None, output key or None)`` in the package,
        with its tables, drawings and notes, the styles it uses and salesxl's workbook names; then the rows
        ``appended`` below the planner's tables ``(rows, their sheet, the scratch sheet drawing them)``."""
        styles = self.styles(scratch)
        wrote_formulas = False
        new_names = []
        for name, element, key in sheets:
            source = scratch.sheet_parts[name]
            sheet = parse_xml(scratch.package.read(source))
            wrote_formulas |= any(True for _ in sheet.iter(f"{{{MAIN}}}f"))
            adapt_sheet(sheet, scratch.strings, styles)
            pieces = with_streamed_rows(sheet, scratch.streamed.get(name, []))
            if element is None:
                part = self.free_name(posixpath.join(posixpath.dirname(self.part), "worksheets"), "sheet")
                element = self.add_sheet(name, part)
                new_names.append(name)
            else:
                part = self.sheet_part(element)
            self.package.write_pieces(part, pieces)
            self.set_type(part, WORKSHEET_TYPE)
            self.write_tables(scratch, source, part)
            if key is not None:
                self.mark(element, key)
                self.set_sheet_view(element, scratch, name)
        for block, element, drawn in appended:
            self.append(block, element, scratch, drawn, styles)
        self.set_book_names(scratch.book_names)
        if styles.changed:
            self.package.write(styles.part, xml_bytes(styles.target))
        if wrote_formulas:
            self.recalculate_on_open()
        if new_names:
            self.add_titles(new_names)
        self.forget_orphan_types()
        self.package.write(self.part, xml_bytes(self.root))
        self.write_relationships()
        self.package.write("[Content_Types].xml", xml_bytes(self.types))
        return self.package.to_bytes()

    def refuse_if_protected(self) -> None:
        protection = self.child("workbookProtection")
        if protection is not None and protection.get("lockStructure", "0").lower() in ("1", "true"):
            raise ProblemsFound([structure_protected()])

    def plan(self, outputs: Sequence[SheetOutput]) -> list[tuple[SheetOutput, etree._Element | None]]:
        """Pair each output with the sheet it replaces (or None); refuse sheets salesxl does not own."""
        self.refuse_if_protected()
        owned = self.owned_sheets()
        plan, clashes = [], []
        for output in outputs:
            name = output.sheet.name
            index, element = next(((i, s) for i, s in enumerate(self.sheet_elements())
                                   if s.get("name", "").casefold() == name.casefold()), (None, None))
            if element is None:
                plan.append((output, None))
            elif owned.get(index) == output.sheet.key and self.is_worksheet(element):
                plan.append((output, element))
            else:
                clashes.append(not_owned(element.get("name")))
        if clashes:
            raise ProblemsFound(clashes)
        return plan

    # -- rows added to the planner's input sheets (:mod:`salesxl.workbook.appendrows`) --------------

    def append_targets(self, appended: Sequence[AppendedRows]) -> list[etree._Element]:
        """The sheet each block of rows goes to; a sheet that is not there is a problem, not a new sheet."""
        found, missing = [], []
        for block in appended:
            element = next((s for s in self.sheet_elements() if s.get("name", "").casefold() == block.sheet.casefold()
                            and self.is_worksheet(s)), None)
            if element is None:
                missing.append(Problem(block.sheet, None, None, "no-sheet-to-append",
                                       f"找不到工作表“{block.sheet}”，无法追加行", f"the sheet '{block.sheet}' is not "
                                       "there, so its rows cannot be added"))
            found.append(element)
        if missing:
            raise ProblemsFound(missing)
        return found

    def append(self, block: AppendedRows, element: etree._Element, scratch: "Scratch", drawn: str,
               styles: "StyleMerge") -> None:
        part = self.sheet_part(element)
        sheet = parse_xml(self.package.read(part))
        rows = parse_xml(scratch.package.read(scratch.sheet_parts[drawn]))
        adapt_sheet(rows, scratch.strings, styles)
        put_rows(sheet, list(rows.iter(f"{{{MAIN}}}row")))
        last_column = max((column_index_from_string(letter) for letter in block.columns), default=1)
        grow_dimension(sheet, block.last_row, last_column)
        self.package.write(part, xml_bytes(sheet))
        for rel in relationships(self.package, part):
            if rel.type.endswith("/table") and not rel.external and self.package.find(rel.target):
                table = parse_xml(self.package.read(rel.target))
                if grow_table(table, block):
                    self.package.write(rel.target, xml_bytes(table))

    # -- sheets and ownership ----------------------------------------------------------------------

    def child(self, name: str, create: bool = False) -> etree._Element | None:
        found = next((c for c in self.root if local_name(c) == name), None)
        if found is None and create:
            found = etree.Element(f"{{{MAIN}}}{name}")
            insert_in_order(self.root, found, WORKBOOK_ORDER)
        return found

    def sheet_elements(self) -> list[etree._Element]:
        sheets = self.child("sheets")
        return [s for s in sheets if local_name(s) == "sheet"] if sheets is not None else []

    def owned_sheets(self) -> dict[int, str]:
        """Sheet index -> output key, from the markers salesxl left."""
        names = self.child("definedNames")
        owned = {}
        for name in names if names is not None else ():
            if name.get("name") == MARKER and (name.get("localSheetId") or "").isdigit():
                owned[int(name.get("localSheetId"))] = (name.text or "").strip().strip('"')
        return owned

    def mark(self, element: etree._Element, key: str) -> None:
        index = self.sheet_elements().index(element)
        names = self.child("definedNames", create=True)
        marker = next((n for n in names if n.get("name") == MARKER and n.get("localSheetId") == str(index)), None)
        if marker is None:
            marker = etree.SubElement(names, f"{{{MAIN}}}definedName", name=MARKER, localSheetId=str(index),
                                      hidden="1")
        marker.text = f'"{key}"'

    def set_sheet_view(self, element: etree._Element, scratch: "Scratch", name: str) -> None:
        """Carry what the workbook part says about a rendered sheet: hidden, and its print titles
        and print area (sheet-level ``_xlnm.`` names), replacing what an earlier run left."""
        state = scratch.sheet_states.get(name)
        if state in ("hidden", "veryHidden"):
            element.set("state", state)  # a sheet the planner hid stays hidden: salesxl never unhides
        index = str(self.sheet_elements().index(element))
        names = self.child("definedNames", create=bool(scratch.print_names.get(name)))
        if names is None:
            return
        olds = {n.get("name"): n for n in names
                if (n.get("name") or "").startswith("_xlnm.") and n.get("localSheetId") == index}
        for new in scratch.print_names.get(name, []):
            old = olds.pop(new.get("name"), None)
            if old is not None:  # replaced in place, so a rerun writes the names in the same order
                old.text = new.text
                continue
            copied = copy.deepcopy(new)
            copied.set("localSheetId", index)
            names.append(copied)
        for old in olds.values():
            names.remove(old)

    def set_book_names(self, new: list[etree._Element]) -> None:
        """Carry salesxl's workbook-level names (the tier thresholds the colours compare with), each
        replacing the one of the same name an earlier run left, in place, so a rerun gives the same bytes."""
        if not new:
            return
        names = self.child("definedNames", create=True)
        for name in new:
            key = (name.get("name") or "").casefold()
            old = next((n for n in names if (n.get("name") or "").casefold() == key and n.get("localSheetId") is None),
                       None)
            if old is None:
                names.append(copy.deepcopy(name))
            else:
                old.text = name.text

    def sheet_part(self, element: etree._Element) -> str:
        rel = self.relationship(sheet_rel_id(element))
        return self.package.find(rel.target) if rel else None

    def is_worksheet(self, element: etree._Element) -> bool:
        rel = self.relationship(sheet_rel_id(element))
        return bool(rel and rel.type.endswith("/worksheet") and self.package.find(rel.target))

    def add_sheet(self, name: str, part: str) -> etree._Element:
        rel_id = self.add_relationship(WORKSHEET_REL, part)
        ids = [int(s.get("sheetId")) for s in self.sheet_elements() if (s.get("sheetId") or "").isdigit()]
        element = etree.SubElement(self.child("sheets", create=True), f"{{{MAIN}}}sheet",
                                   name=name, sheetId=str(max(ids, default=0) + 1))
        element.set(f"{{{DOC_RELS}}}id", rel_id)
        return element

    # -- relationships, content types, orphans -----------------------------------------------------

    def relationship(self, rel_id: str | None) -> Relationship | None:
        for rel in self.rels:
            if rel.get("Id") == rel_id and rel.get("TargetMode", "").lower() != "external":
                return Relationship(rel_id, rel.get("Type", ""), resolve_target(self.part, rel.get("Target", "")))
        return None

    def add_relationship(self, kind: str, part: str) -> str:
        numbers = [int(m.group(1)) for r in self.rels if (m := re.fullmatch(r"rId(\d+)", r.get("Id", "")))]
        rel_id = f"rId{max(numbers, default=0) + 1}"
        etree.SubElement(self.rels, f"{{{RELATIONSHIPS_NS}}}Relationship", Id=rel_id, Type=kind,
                         Target=relative(self.part, part))
        return rel_id

    def write_relationships(self) -> None:
        self.package.write(self.rels_part, xml_bytes(self.rels))

    def overrides(self) -> dict[str, list[etree._Element]]:
        """The content-type overrides by part name without case (``/xl/tables/table3.xml``), in document order:
        looked up, not searched, when a run writes hundreds of table parts (a weekly review, commitments)."""
        if self._overrides is None:
            self._overrides = {}
            for override in self.types:
                if local_name(override) == "Override":
                    self._overrides.setdefault(override.get("PartName", "").casefold(), []).append(override)
        return self._overrides

    def set_type(self, part: str, content_type: str) -> None:
        found = self.overrides().get(f"/{part}".casefold())
        if found:
            found[0].set("ContentType", content_type)
            return
        override = etree.SubElement(self.types, f"{{{CONTENT_TYPES_NS}}}Override", PartName=f"/{part}",
                                    ContentType=content_type)
        self.overrides()[f"/{part}".casefold()] = [override]

    def content_type(self, part: str) -> str | None:
        found = self.overrides().get(f"/{part}".casefold())
        return found[0].get("ContentType") if found else None

    def drop_orphans(self, before: set[str]) -> None:
        """Remove the parts that only a replaced sheet used (its old tables, drawing and charts).

        Their content types go at the end of the run, unless the same part is written again (the
        next table usually takes the old one's name), so a rerun gives the same bytes.
        """
        self.orphans = before - reachable(self.package)
        for part in self.orphans:
            self.package.remove(part)
            self.package.remove(rels_name(part))

    def forget_orphan_types(self) -> None:
        for part in self.orphans:
            if part not in self.package:
                for override in self.overrides().pop(f"/{part}".casefold(), []):
                    self.types.remove(override)

    def free_name(self, folder: str, stem: str, extension: str = ".xml") -> str:
        """The first ``folder/stemN.xml`` (or other ``extension``) not in the package."""
        return next(self.free_names(folder, stem, extension))

    def free_names(self, folder: str, stem: str, extension: str = ".xml") -> Iterator[str]:
        """The first free ``folder/stemN.xml``, then (once it is written) the next free one, and so on:
        the names :meth:`free_name` gives one after another, without trying every taken name each time."""
        n = 1
        while True:
            while f"{folder}/{stem}{n}{extension}" in self.package:
                n += 1
            yield f"{folder}/{stem}{n}{extension}"

    def forget_calc_chain_cells(self, sheet_ids: set[int]) -> None:
        """Excel's calculation chain must not list cells of a sheet being replaced; drop just those."""
        rel = next((r for r in self.rels if r.get("Type") == CALC_CHAIN_REL), None)
        if not sheet_ids or rel is None:
            return
        part = self.package.find(resolve_target(self.part, rel.get("Target", "")))
        if part is None:
            return
        chain = parse_xml(self.package.read(part))
        kept, current, removed = [], None, False
        for cell in list(chain):
            if cell.get("i"):
                current = int(cell.get("i"))
            if current in sheet_ids:
                chain.remove(cell)
                removed = True
            else:
                kept.append((cell, current))
        if not removed:
            return
        if not kept:
            self.rels.remove(rel)  # the part becomes an orphan and goes with the others
            return
        previous = None
        for cell, sheet_id in kept:
            if cell.get("i") is None and sheet_id != previous:
                cell.set("i", str(sheet_id))
            previous = sheet_id
        self.package.write(part, xml_bytes(chain))

    # -- tables, styles, workbook flags ------------------------------------------------------------

    def taken_names(self) -> set[str]:
        """Table and defined names already used in the workbook (a table name must differ from both)."""
        taken = set()
        for override in self.types:
            if override.get("ContentType") == TABLE_TYPE:
                part = self.package.find(override.get("PartName", ""))
                if part:
                    table = parse_xml(self.package.read(part))
                    taken |= {table.get("name", ""), table.get("displayName", "")}
        names = self.child("definedNames")
        for name in names if names is not None else ():
            if name.get("name") and not name.get("name").startswith("_xlnm."):
                taken.add(name.get("name"))
        return taken - {""}

    def table_ids(self) -> set[int]:
        ids = set()
        for override in self.types:
            if override.get("ContentType") == TABLE_TYPE:
                part = self.package.find(override.get("PartName", ""))
                if part:
                    value = parse_xml(self.package.read(part)).get("id", "")
                    if value.isdigit():
                        ids.add(int(value))
        return ids

    def write_tables(self, scratch: "Scratch", source: str, part: str) -> None:
        rels = etree.Element(f"{{{RELATIONSHIPS_NS}}}Relationships", nsmap={None: RELATIONSHIPS_NS})
        folder = posixpath.join(posixpath.dirname(self.part), "tables")
        last_id = max(self.table_ids(), default=0)  # each table takes the next id after every table's id
        free = self.free_names(folder, "table")
        for rel in relationships(scratch.package, source):
            if not rel.type.endswith("/table"):
                continue
            table = parse_xml(scratch.package.read(rel.target))
            last_id += 1
            table.set("id", str(last_id))
            target = next(free)
            self.package.write(target, xml_bytes(table))
            self.set_type(target, TABLE_TYPE)
            etree.SubElement(rels, f"{{{RELATIONSHIPS_NS}}}Relationship", Id=rel.id, Type=TABLE_REL,
                             Target=relative(part, target))
        for rel in relationships(scratch.package, source):
            if rel.type.endswith(("/drawing", "/comments", "/vmlDrawing")) and not rel.external:
                target = self.copy_part(scratch, rel.target, {})
                etree.SubElement(rels, f"{{{RELATIONSHIPS_NS}}}Relationship", Id=rel.id, Type=rel.type,
                                 Target=relative(part, target))
        if len(rels):
            self.package.write(rels_name(part), xml_bytes(rels))

    def copy_part(self, scratch: "Scratch", source: str, copied: dict[str, str]) -> str:
        """Copy a scratch part (a sheet's drawing) and the parts it relates to (its charts, their styles)
        under the first free names in the same kind of folder; returns the new part name.

        Names are the first free ones, and an owned sheet's old drawing and charts were removed as
        orphans first, so a rerun writes the same names in the same places.
        """
        if source in copied:
            return copied[source]
        folder = posixpath.join(posixpath.dirname(self.part), posixpath.basename(posixpath.dirname(source)))
        stem, extension = posixpath.splitext(posixpath.basename(source))
        target = copied[source] = self.free_name(folder, re.sub(r"\d*$", "", stem) or "part", extension or ".xml")
        self.package.write(target, scratch.package.read(source))  # reserves the name before related parts
        rels = etree.Element(f"{{{RELATIONSHIPS_NS}}}Relationships", nsmap={None: RELATIONSHIPS_NS})
        for rel in relationships(scratch.package, source):
            attributes = {"Id": rel.id, "Type": rel.type}
            if rel.external:
                attributes.update(Target=rel.target, TargetMode="External")
            else:
                attributes["Target"] = relative(target, self.copy_part(scratch, rel.target, copied))
            etree.SubElement(rels, f"{{{RELATIONSHIPS_NS}}}Relationship", **attributes)
        if len(rels):
            self.package.write(rels_name(target), xml_bytes(rels))
        content_type = scratch.content_type(source)
        if content_type:
            self.set_type(target, content_type)
        elif extension:
            self.default_type(extension.lstrip("."), scratch.default_type(extension.lstrip(".")))
        return target

    def default_type(self, extension: str, content_type: str | None) -> None:
        """Make sure the package types parts ending in ``extension`` (a comment's ``.vml``) by default."""
        defaults = [d for d in self.types if local_name(d) == "Default"]
        if content_type is None or any(d.get("Extension", "").casefold() == extension.casefold() for d in defaults):
            return
        element = etree.Element(f"{{{CONTENT_TYPES_NS}}}Default", Extension=extension, ContentType=content_type)
        (defaults[-1].addnext(element) if defaults else self.types.insert(0, element))

    def styles(self, scratch: "Scratch") -> "StyleMerge":
        rel = next((r for r in self.rels if r.get("Type") == STYLES_REL), None)
        part = self.package.find(resolve_target(self.part, rel.get("Target", ""))) if rel is not None else None
        scratch_styles = parse_xml(scratch.package.read("xl/styles.xml"))
        if part is None:  # a package without styles (rare, but valid): start from the scratch styles
            part = posixpath.join(posixpath.dirname(self.part), "styles.xml")
            self.add_relationship(STYLES_REL, part)
            self.set_type(part, STYLES_TYPE)
            merge = StyleMerge(part, copy.deepcopy(scratch_styles), scratch_styles)
            merge.changed = True
            return merge
        return StyleMerge(part, parse_xml(self.package.read(part)), scratch_styles)

    def recalculate_on_open(self) -> None:
        """salesxl writes formulas without results; Excel and LibreOffice compute them on opening."""
        calc = self.child("calcPr", create=True)
        if calc.get("fullCalcOnLoad") not in ("1", "true"):
            calc.set("fullCalcOnLoad", "1")

    def add_titles(self, new_names: list[str]) -> None:
        """List new sheets in ``docProps/app.xml`` as Excel does (left alone if its layout is unfamiliar)."""
        rel = next((r for r in relationships(self.package, "") if r.type == APP_REL), None)
        part = self.package.find(rel.target) if rel else None
        if part is None:
            return
        root = parse_xml(self.package.read(part))
        existing = {s.get("name") for s in self.sheet_elements()} - set(new_names)
        if add_sheet_titles(root, existing, new_names):
            self.package.write(part, xml_bytes(root))


class Scratch:
    """The output sheets rendered by openpyxl into a workbook of their own."""

    def __init__(self, blob: bytes, streamed: dict[str, list[StreamedRows]] | None = None):
        self.package = Package(blob)
        self.streamed = streamed or {}  # sheet name -> rows left out of the render, written as raw XML
        workbook = main_part(self.package)
        targets = {r.id: r.target for r in relationships(self.package, workbook)}
        root = parse_xml(self.package.read(workbook))
        sheets = list(root.iter(f"{{{MAIN}}}sheet"))
        self.sheet_parts = {s.get("name"): targets[sheet_rel_id(s)] for s in sheets}
        self.sheet_states = {s.get("name"): s.get("state") for s in sheets}
        self.print_names: dict[str, list[etree._Element]] = {}  # sheet name -> its _xlnm.Print_Titles etc.
        self.book_names = [n for n in root.iter(f"{{{MAIN}}}definedName")
                           if n.get("localSheetId") is None and (n.get("name") or "").startswith(BOOK_NAME_PREFIX)]
        for name in root.iter(f"{{{MAIN}}}definedName"):
            if (name.get("name") or "").startswith("_xlnm.") and (name.get("localSheetId") or "").isdigit():
                sheet = sheets[int(name.get("localSheetId"))].get("name")
                self.print_names.setdefault(sheet, []).append(name)
        self.types = parse_xml(self.package.read("[Content_Types].xml"))
        self.appended: list[str] = []  # scratch sheets holding rows to add to the planner's sheets
        self.strings = []
        if "xl/sharedStrings.xml" in self.package:
            for item in parse_xml(self.package.read("xl/sharedStrings.xml")):
                self.strings.append("".join(t.text or "" for t in item.iter(f"{{{MAIN}}}t")))


    def content_type(self, part: str) -> str | None:
        for override in self.types:
            if local_name(override) == "Override" and override.get("PartName", "").casefold() == f"/{part}".casefold():
                return override.get("ContentType")
        return None

    def default_type(self, extension: str) -> str | None:
        return next((d.get("ContentType") for d in self.types
                     if local_name(d) == "Default" and d.get("Extension", "").casefold() == extension.casefold()), None)


def input_scratch(sheets: Sequence[InputSheet], names: dict[str, str], taken: set[str]) -> Scratch:
    """The input sheets drawn as the template draws them, and the workbook names, in a workbook of their own."""
    book = Workbook()
    blank = book.active
    for sheet in sheets:
        draw_input_sheet(book.create_sheet(sheet.name), sheet, taken)
    for name, formula in names.items():
        if not name.startswith(BOOK_NAME_PREFIX):
            raise ValueError(f"{name}: salesxl writes only its own workbook names")
        book.defined_names[name] = DefinedName(name, attr_text=formula)
    book.remove(blank)
    buffer = BytesIO()
    book.save(buffer)
    return Scratch(buffer.getvalue())


def render_scratch(outputs: Sequence[SheetOutput], taken: set[str], appended: Sequence[AppendedRows] = ()) -> Scratch:
    book = Workbook()
    blank = book.active
    streamed: dict[str, list[StreamedRows]] = {}
    for output in outputs:
        render_sheet(book.create_sheet(output.sheet.name), output, taken, streamed.setdefault(output.sheet.name, []))
    drawn = draw_rows(book, appended)
    book.remove(blank)
    scratch = Scratch(saved_scratch(book), streamed)
    scratch.appended = drawn
    return scratch


def saved_scratch(book: Workbook) -> bytes:
    """The scratch workbook as openpyxl saves it, but stored, not deflated (its parts are read once, here, and
    deflated where they land), and with each sheet's relationships looked up by id (:class:`IndexedRelationships`)."""
    buffer = BytesIO()
    ScratchWriter(book, ZipFile(buffer, "w", ZIP_STORED, allowZip64=True)).save()
    return buffer.getvalue()


class ScratchWriter(ExcelWriter):
    def write_worksheet(self, ws) -> None:
        super().write_worksheet(ws)
        ws._rels = IndexedRelationships(ws._rels)


class IndexedRelationships(RelationshipList):
    """A sheet's relationships, found by id in a dict. openpyxl's save looks up each table's relationship by a
    pass over the sheet's list: on a sheet of 6,000 tables (the large company's Commitments), 18 million
    comparisons."""

    def get(self, key):
        if getattr(self, "_indexed", None) != len(self):  # the first of an id, as openpyxl's pass finds it
            self._by_id, self._indexed = {r.Id: r for r in reversed(self)}, len(self)
        if key not in self._by_id:
            raise KeyError(f"Unknown relationship: {key}")
        return self._by_id[key]


STREAM_MARK = "salesxl-streamed-rows"


def with_streamed_rows(sheet: etree._Element, blocks: Sequence[StreamedRows]) -> Iterator[bytes]:
    """The adapted sheet part, piece by piece, with each long table's left-out rows written in as raw XML.

    Each block goes after the table's last drawn row, its cells styled like the table's first data
    row (already in the workbook's style indexes); the sheet's dimension reaches the last row. The
    rows come in chunks (:func:`salesxl.workbook.stream.rows_xml`), made as the zip takes them.
    """
    if not blocks:
        yield xml_bytes(sheet)
        return
    data = sheet.find(f"{{{MAIN}}}sheetData")
    rows = {int(r.get("r")): r for r in data.iter(f"{{{MAIN}}}row")}
    made = []
    for number, block in enumerate(blocks):
        first = rows[block.style_row]
        styles = {re.sub(r"\d+", "", c.get("r")): c.get("s") for c in first.iter(f"{{{MAIN}}}c")}
        letters = [get_column_letter(j) for j in range(1, len(block.columns) + 1)]
        made.append(rows_xml(block, [styles.get(letter) for letter in letters], letters))
        rows[block.first_row - 1].addnext(etree.ProcessingInstruction(STREAM_MARK, str(number)))
    dimension = sheet.find(f"{{{MAIN}}}dimension")
    last = max(b.last_row for b in blocks)
    if dimension is not None and dimension.get("ref"):
        start, _, end = dimension.get("ref").partition(":")
        column = re.sub(r"\d+", "", end or start)
        if int(re.sub(r"\D", "", end or start) or 0) < last:
            dimension.set("ref", f"{start}:{column}{last}")
    pieces = xml_bytes(sheet).split(f"<?{STREAM_MARK} ".encode())
    yield pieces[0]
    for piece in pieces[1:]:
        number, _, rest = piece.partition(b"?>")
        yield from made[int(number)]
        yield rest


def adapt_sheet(sheet: etree._Element, strings: list[str], styles: "StyleMerge") -> None:
    """Make a scratch sheet fit the planner's workbook: inline text, merged styles, not selected."""
    for cell in sheet.iter(f"{{{MAIN}}}c"):
        if cell.get("s"):
            cell.set("s", str(styles.cell_style(int(cell.get("s")))))
        if cell.get("t") == "s":
            value = cell.find(f"{{{MAIN}}}v")
            text = strings[int(value.text)]
            cell.remove(value)
            cell.set("t", "inlineStr")
            node = etree.SubElement(etree.SubElement(cell, f"{{{MAIN}}}is"), f"{{{MAIN}}}t")
            node.text = ESCAPE_LIKE.sub(lambda m: "_x005F" + m.group(0), text)  # literal text, as Excel saves it
            if text != text.strip() or "\n" in text:
                node.set(f"{{{XML_NS}}}space", "preserve")
    for row in sheet.iter(f"{{{MAIN}}}row"):
        if row.get("s"):
            row.set("s", str(styles.cell_style(int(row.get("s")))))
    for column in sheet.iter(f"{{{MAIN}}}col"):
        if column.get("style"):
            column.set("style", str(styles.cell_style(int(column.get("style")))))
    for rule in sheet.iter(f"{{{MAIN}}}cfRule"):
        if rule.get("dxfId"):
            rule.set("dxfId", str(styles.differential(int(rule.get("dxfId")))))
    for view in sheet.iter(f"{{{MAIN}}}sheetView"):
        view.attrib.pop("tabSelected", None)  # two selected tabs would group them in Excel


class StyleMerge:
    """Scratch cell styles found in, or appended once to, the workbook's own styles part."""

    def __init__(self, part: str, target: etree._Element, scratch: etree._Element):
        self.part, self.target, self.scratch = part, target, scratch
        self.changed = False
        self.cache: dict[tuple[str, int], int] = {}
        fonts = items(target, "fonts")
        self.base_font = fonts[0] if fonts else None

    def cell_style(self, index: int) -> int:
        if index == 0:
            return 0  # the scratch default is the workbook's own default (its Normal style)
        return self.cached("cellXfs", index, self._cell_style)

    def differential(self, index: int) -> int:
        return self.cached("dxfs", index, lambda i: self.copied("dxfs", i))

    def cached(self, kind: str, index: int, make) -> int:
        if (kind, index) not in self.cache:
            self.cache[(kind, index)] = make(index)
        return self.cache[(kind, index)]

    def _cell_style(self, index: int) -> int:
        """A scratch cell style in the workbook's terms; the scratch defaults stand for the workbook's own
        (font 0 is its body font; fills 0 and 1 are "none" and "gray125" in every workbook)."""
        xf = copy.deepcopy(items(self.scratch, "cellXfs")[index])
        font, fill, border = (int(xf.get(a, 0)) for a in ("fontId", "fillId", "borderId"))
        xf.set("fontId", str(font and self.cached("fonts", font, self._font)))
        xf.set("fillId", str(fill if fill < 2 else self.cached("fills", fill, lambda i: self.copied("fills", i))))
        xf.set("borderId", str(border and self.cached("borders", border, lambda i: self.copied("borders", i))))
        xf.set("numFmtId", str(self.number_format(int(xf.get("numFmtId", 0)))))
        xf.set("xfId", "0")
        for flag in ("pivotButton", "quotePrefix"):
            if xf.get(flag) in ("0", "false"):
                del xf.attrib[flag]
        return self.find_or_add("cellXfs", xf)

    def copied(self, kind: str, index: int) -> int:
        return self.find_or_add(kind, copy.deepcopy(items(self.scratch, kind)[index]))

    def _font(self, index: int) -> int:
        """A scratch font, completed from the workbook's default font (its typeface and size)."""
        font = copy.deepcopy(items(self.scratch, "fonts")[index])
        present = {local_name(c) for c in font}
        if self.base_font is not None:
            for child in self.base_font:
                name = local_name(child)
                if name in ("sz", "name", "family", "charset") and name not in present:
                    font.append(copy.deepcopy(child))
                elif name == "scheme" and not present & {"name", "scheme"}:
                    font.append(copy.deepcopy(child))
        font[:] = sorted(font, key=lambda c: FONT_ORDER.index(local_name(c)) if local_name(c) in FONT_ORDER else 99)
        return self.find_or_add("fonts", font)

    def number_format(self, number: int) -> int:
        if number < 164:
            return number  # built in: the same in every workbook
        code = next(f.get("formatCode") for f in items(self.scratch, "numFmts") if f.get("numFmtId") == str(number))
        formats = items(self.target, "numFmts")
        for existing in formats:
            if existing.get("formatCode") == code:
                return int(existing.get("numFmtId"))
        used = [int(f.get("numFmtId")) for f in formats if (f.get("numFmtId") or "").isdigit()]
        new = max(used + [163]) + 1
        container = container_of(self.target, "numFmts")
        etree.SubElement(container, f"{{{MAIN}}}numFmt", numFmtId=str(new), formatCode=code)
        container.set("count", str(len(items(self.target, "numFmts"))))
        self.changed = True
        return new

    def find_or_add(self, kind: str, element: etree._Element) -> int:
        key = canonical(element)
        existing = items(self.target, kind)
        for i, candidate in enumerate(existing):
            if canonical(candidate) == key:
                return i
        container = container_of(self.target, kind)
        container.append(element)
        container.set("count", str(len(existing) + 1))
        self.changed = True
        return len(existing)


def items(root: etree._Element, kind: str) -> list[etree._Element]:
    container = next((c for c in root if local_name(c) == kind), None)
    return [c for c in container if isinstance(c.tag, str)] if container is not None else []


def container_of(root: etree._Element, kind: str) -> etree._Element:
    found = next((c for c in root if local_name(c) == kind), None)
    if found is None:
        found = etree.Element(f"{{{MAIN}}}{kind}", count="0")
        insert_in_order(root, found, STYLES_ORDER)
    return found


def canonical(element: etree._Element):
    """A comparable form of a style element: attributes and children in any order, true == 1."""
    def value(v: str) -> str:
        return {"true": "1", "false": "0"}.get(v, v)
    attributes = tuple(sorted((k, value(v)) for k, v in element.attrib.items()))
    children = tuple(sorted(canonical(c) for c in element if isinstance(c.tag, str)))
    return local_name(element), attributes, children


def insert_in_order(parent: etree._Element, element: etree._Element, order: tuple[str, ...]) -> None:
    """Insert ``element`` where the schema's sequence puts it, after its known predecessors."""
    rank = order.index(local_name(element))
    position = 0
    for i, child in enumerate(parent):
        name = local_name(child)
        if name in order and order.index(name) < rank:
            position = i + 1
    parent.insert(position, element)


def sheet_rel_id(element: etree._Element) -> str | None:
    return element.get(f"{{{DOC_RELS}}}id")


def reachable(package: Package) -> set[str]:
    """Every part reached from the package relationships, following each part's own relationships."""
    seen: set[str] = set()
    todo = [""]
    while todo:
        part = todo.pop()
        try:
            found = relationships(package, part)
        except (etree.XMLSyntaxError, PackageError):
            found = []  # an unreadable relationships part: its targets are left as they are
        for rel in found:
            target = None if rel.external else package.find(rel.target)
            if target and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def add_sheet_titles(root: etree._Element, existing: set[str], new_names: list[str]) -> bool:
    """Add sheet names to the worksheet group of ``TitlesOfParts``; False when its layout is not understood."""
    heading = next((e for e in root.iter() if local_name(e) == "HeadingPairs"), None)
    titles = next((e for e in root.iter() if local_name(e) == "TitlesOfParts"), None)
    if heading is None or titles is None or not len(heading) or not len(titles):
        return False
    pairs, names = heading[0], titles[0]
    variants = [v for v in pairs if local_name(v) == "variant"]
    counts = []
    for label, count in zip(variants[::2], variants[1::2]):
        number = next((c for c in count if local_name(c) in ("i4", "int")), None)
        if number is None or not (number.text or "").strip().isdigit():
            return False
        counts.append(number)
    listed = [n for n in names if local_name(n) == "lpstr"]
    if sum(int(c.text) for c in counts) != len(listed):
        return False
    start, best = 0, None
    for group, count in enumerate(counts):
        size = int(count.text)
        shared = len({n.text for n in listed[start:start + size]} & existing)
        if shared and (best is None or shared > best[0]):
            best = (shared, group, start + size)
        start += size
    if best is None:
        return False
    _, group, end = best
    added = [n for n in new_names if n not in {x.text for x in listed}]
    anchor = listed[end - 1]
    for name in reversed(added):
        element = etree.Element(anchor.tag)
        element.text = name
        anchor.addnext(element)
    counts[group].text = str(int(counts[group].text) + len(added))
    names.set("size", str(len(listed) + len(added)))
    return bool(added)
