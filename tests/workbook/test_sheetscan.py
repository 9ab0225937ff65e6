"""The fast sheet scanner reads exactly what the XML parser reads, or hands the sheet back to it.

Each comparison reads a sheet twice through :class:`WorkbookValues`: once as salesxl does (the scanner
first) and once with the scanner switched off, and checks rows (values *and* their Python types),
merged ranges, uncached formulas and percentage cells are equal.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import salesxl.workbook.xlsxread as xlsxread
from salesxl.workbook.package import Package
from salesxl.workbook.xlsxread import WorkbookValues

from .test_xlsxread import workbook

ROOT = Path(__file__).resolve().parents[2]


def read_both(path: Path, name: str):
    """``(scanned, parsed, scanner_was_used)`` for one sheet."""
    with answered(xlsxread, "scan_cells") as used:
        fast = WorkbookValues(Package(Path(path).read_bytes())).read_sheet(name)
    scan, xlsxread.scan_cells = xlsxread.scan_cells, (lambda *args: None)
    try:
        slow = WorkbookValues(Package(Path(path).read_bytes())).read_sheet(name)
    finally:
        xlsxread.scan_cells = scan
    return fast, slow, bool(used and used[0])


@contextmanager
def answered(module, name: str):
    """While inside, ``module.name`` is watched: the list yielded says, call by call, whether it answered (not None)."""
    function, answers = getattr(module, name), []

    def watching(*args):
        result = function(*args)
        answers.append(result is not None)
        return result

    setattr(module, name, watching)
    try:
        yield answers
    finally:
        setattr(module, name, function)


def assert_same(fast, slow):
    assert fast.rows == slow.rows
    assert [[type(v) for v in row] for row in fast.rows] == [[type(v) for v in row] for row in slow.rows]
    assert fast.merged == slow.merged
    assert fast.uncached == slow.uncached
    assert fast.percent_cells == slow.percent_cells


def corpus() -> list[Path]:
    files = sorted((ROOT / "tests" / "data").rglob("*.xls[xm]")) + sorted((ROOT / "workbook_templates").glob("*.xls[xm]"))
    readable = []
    for path in files:
        try:
            WorkbookValues(Package(Path(path).read_bytes()))
        except Exception:
            continue  # the corrupt, encrypted and not-a-workbook files of the bad-input corpus
        readable.append(path)
    return readable


@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.name)
def test_every_sheet_of_the_test_workbooks_reads_the_same(path):
    book = WorkbookValues(Package(Path(path).read_bytes()))
    for entry in book.sheets:
        fast, slow, _ = read_both(path, entry.name)
        assert_same(fast, slow)


def test_the_scanner_reads_salesxls_own_output(tmp_path, workbook_with_outputs):
    """A workbook after target and breakdown: title blocks, formulas, percentages, dates, merged titles."""
    book = WorkbookValues(Package(Path(workbook_with_outputs).read_bytes()))
    scanned = 0
    for entry in book.sheets:
        fast, slow, used = read_both(workbook_with_outputs, entry.name)
        assert_same(fast, slow)
        scanned += used
    assert scanned == len([s for s in book.sheets if s.kind == "worksheet"])  # none fell back


@pytest.fixture
def workbook_with_outputs(workbook, tmp_path):
    from salesxl.steps.breakdown import breakdown
    from salesxl.steps.target import target
    from salesxl.workbook.filebook import FileWorkbook

    book = FileWorkbook(workbook)
    assert target(book).ok and breakdown(book).ok
    return workbook


SPELLINGS = [
    # (sheet XML, whether the scanner reads it itself)
    ('<row r="1"><c r="A1" t="str"><f>A2</f><v>a &amp; b &lt;c&gt; &#x4E2D;&#25991;</v></c>'
     '<c r="B1" t="inlineStr"><is><t xml:space="preserve"> two\r\nlines </t></is></c>'
     '<c r="C1" t="e"><v>#DIV/0!</v></c><c r="D1" t="b"><v>0</v></c><c r="E1" t="d"><v>2026-02-01</v></c></row>', True),
    ('<row r="1"><c r="A1" s="5" t="n"><v>1.5E3</v></c><c r="B1"><v>-7</v></c><c r="C1" s="1"><v>46054.25</v></c>'
     '<c r="D1" s="2"/><c r="E1" t="s"><v>1</v></c></row><row r="3"><c r="ZZ3"><v>1</v></c></row>', True),
    ('<row r="1"><c r="A1" t="inlineStr"><is><r><t>粗</t></r><r><rPr><b/></rPr><t>体</t></r></is></c></row>', True),
    ('<row r="1"><c r="A1" t="s" s="1"><v>0</v></c></row>', False),  # t before s
    ('<row r="1"><c s="1" r="A1"><v>0</v></c></row>', False),  # r not first
    ('<row r="1"><c r="A1"><v xml:space="preserve">5</v></c></row>', False),
    ('<row r="1"><c r="A1"><!-- a comment --><v>5</v></c></row>', False),
    ('<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[<b>]]></t></is></c></row>', False),
    ('<row r="1"><c r="A1" t="str"><v>&nbsp;</v></c></row>', None),  # not XML: both readers refuse it
    ('<row r="1"><c r="A1" t="x"><v>5</v></c></row>', False),  # an unknown cell type
    ('<row r="1"><c r="A1"><v>4</v></c><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
     'r="B1"><x:v>5</x:v></x:c></row>', False),  # a prefixed cell the pattern would not see
    ('<row r="1"><c r="A1" cm="1"><v>5</v></c><c r="B1" s="3" ph="1"><v>46054</v></c></row>', True),
    # Found by the altered-sheet test below: a cell between rows (the parser, reading rows, never sees it) and
    # a cell with two <is> elements (the pattern took both as one).
    ('<row r="1"><c r="A1"><v>1</v></c></row><c r="Z1"><v>2</v></c><row r="2"><c r="A2"><v>3</v></c></row>', False),
    ('<row r="1"><c r="A1" t="inlineStr"><is><t></t></is><is><t>q</t></is></c><c r="B1"><f>A1</f><v>1</v></c></row>',
     False),
    ('<row r="1"><c r="A1"><v>1</v></c><x><c r="B1"><v>2</v></c></x></row>', False),  # a cell inside another element
    # Between the rows: a comment and a processing instruction (the plain path sees them, the pattern would not).
    ('<row r="1"><c r="A1"><v>5</v></c></row><!-- a note --><row r="2"><c r="A2"><v>6</v></c></row>', False),
    ('<row r="1"><c r="A1"><v>5</v></c></row><?editor keep?><row r="2"><c r="A2"><v>6</v></c></row>', False),
]


@pytest.mark.parametrize("sheet, scanned", SPELLINGS)
def test_spellings_are_read_alike_or_handed_to_the_parser(tmp_path, sheet, scanned):
    path = workbook(tmp_path, sheet, after='<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>')
    if scanned is None:
        with pytest.raises(Exception):
            read_both(path, "数据")
        return
    fast, slow, used = read_both(path, "数据")
    assert_same(fast, slow)
    assert used is scanned
    assert fast.merged == [(1, 1, 1, 2)]


def test_page_breaks_after_the_rows_are_not_taken_for_a_row_end(tmp_path):
    # A formula sends the chunk to the pattern, which checks every cell stands in a row; "</rowBreaks>"
    # (each rep's page break on Rep Targets) had counted as a "</row>", closing one row too many.
    path = workbook(tmp_path, '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f><v/></c></row>',
                    after='<rowBreaks count="1" manualBreakCount="1"><brk id="1" max="16383" man="1"/></rowBreaks>')
    fast, slow, used = read_both(path, "数据")
    assert_same(fast, slow)
    assert used and fast.rows[0][0] == 1


def test_a_doctype_is_left_to_the_parser(tmp_path):
    path = workbook(tmp_path, '<row r="1"><c r="A1"><v>7</v></c></row>')
    data = Package(Path(path).read_bytes())
    sheet = data.read("xl/worksheets/sheet1.xml")
    assert xlsxread.scan_cells(b'<!DOCTYPE x []>' + sheet, list, (set(), set()), set(),
                               None, None, None, None) is None


TEXT = st.text(alphabet=st.sampled_from(list("ab 中文&<>\"'_x000D_\r\n\t1.%")), max_size=8)
NUMBER = st.one_of(st.integers(-10**12, 10**12).map(str), st.floats(-1e9, 1e9, allow_nan=False).map(repr),
                   st.sampled_from(["1E-3", "2.5e+10", "0", "-0.0", "46054", "0.5"]))


def escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


@st.composite
def cells(draw):
    kind = draw(st.sampled_from(["n", "s", "str", "inlineStr", "b", "e", "blank", "formula", "uncached"]))
    style = draw(st.sampled_from(["", ' s="1"', ' s="2"', ' s="3"', ' s="4"', ' s="5"', ' s="6"']))
    if kind == "n":
        return style, "", f"<v>{draw(NUMBER)}</v>"
    if kind == "s":
        return style, ' t="s"', f"<v>{draw(st.integers(0, 2))}</v>"
    if kind == "str":
        return style, ' t="str"', f"<f>A1</f><v>{escaped(draw(TEXT))}</v>"
    if kind == "inlineStr":
        return style, ' t="inlineStr"', f"<is><t>{escaped(draw(TEXT))}</t></is>"
    if kind == "b":
        return style, ' t="b"', f"<v>{draw(st.sampled_from(['0', '1']))}</v>"
    if kind == "e":
        return style, ' t="e"', f"<v>{draw(st.sampled_from(['#N/A', '#REF!']))}</v>"
    if kind == "formula":
        return style, "", f"<f>B1+1</f><v>{draw(NUMBER)}</v>"
    if kind == "uncached":
        return style, "", "<f>B1+1</f>"
    return style, "", ""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grid=st.lists(st.lists(cells(), min_size=1, max_size=5), min_size=1, max_size=6),
       date1904=st.booleans())
def test_generated_sheets_read_alike(tmp_path_factory, grid, date1904):
    letters = "ABCDE"
    rows = []
    for r, row in enumerate(grid, start=1):
        xml = "".join(f'<c r="{letters[j]}{r}"{style}{kind}>{inner}</c>' if inner else f'<c r="{letters[j]}{r}"{style}{kind}/>'
                      for j, (style, kind, inner) in enumerate(row))
        rows.append(f'<row r="{r}">{xml}</row>')
    styles = {"xl/styles.xml": STYLES_WITH_PERCENT}
    path = workbook(tmp_path_factory.mktemp("scan"), "".join(rows), date1904=date1904, extra=styles)
    fast, slow, used = read_both(path, "数据")
    assert used
    assert_same(fast, slow)


STYLES_WITH_PERCENT = """<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="[h]:mm"/></numFmts>
<cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="31"/><xf numFmtId="10"/><xf numFmtId="164"/>
<xf numFmtId="4"/><xf numFmtId="9"/></cellXfs></styleSheet>"""
"""Cell styles: 0 General, 1 a date, 2 Chinese 2026年2月1日, 3 0.00%, 4 a duration, 5 #,##0.00, 6 0%."""


@pytest.mark.parametrize("chunk", [4 << 20, 1_000, 1])
def test_a_long_sheet_is_scanned_to_the_same_values(tmp_path, monkeypatch, chunk):
    """Two thousand rows of the History shape: repeated IDs and months, amounts, dates; scanned whole,
    a few rows at a time and a row at a time."""
    import salesxl.workbook.sheetscan as sheetscan
    monkeypatch.setattr(sheetscan, "CHUNK", chunk)
    rows = []
    for r in range(1, 2001):
        rows.append(f'<row r="{r}"><c r="A{r}" s="1"><v>{46000 + r % 30}</v></c><c r="B{r}" t="s"><v>{r % 3}</v></c>'
                    f'<c r="C{r}" t="inlineStr"><is><t>O{r % 97:04d}</t></is></c><c r="D{r}" s="5"><v>{r * 1.25}</v></c>'
                    f'<c r="E{r}"><v>{r}</v></c></row>')
    path = workbook(tmp_path, "".join(rows))
    fast, slow, used = read_both(path, "数据")
    assert used
    assert_same(fast, slow)
    # 46001 is 53 days before 46054 (2026-02-01): 2025-12-10; string 1 is the rich-text "粗体 bold".
    assert fast.rows[0] == [dt.datetime(2025, 12, 10), "粗体 bold", "O0001", 1.25, 1]


@pytest.mark.parametrize("scanners", [1, 2, 3])
@pytest.mark.parametrize("odd_row, odd", [(None, ""), (7, "attributes"), (1500, "attributes"), (1500, "comment"),
                                          (2000, "comment"), (1999, "instruction")])
def test_chunks_read_on_several_threads_give_the_values_of_one(tmp_path, monkeypatch, scanners, odd_row, odd):
    """A sheet of many chunks read on one, two or three threads: the same rows. A row no
    scan reads (a cell's attributes in another order, a comment or processing instruction after it),
    early or late, sends the whole sheet to the parser whichever thread meets it."""
    import salesxl.workbook.sheetscan as sheetscan
    monkeypatch.setattr(sheetscan, "CHUNK", 2_000)
    monkeypatch.setattr(sheetscan, "SCANNERS", scanners)
    rows = [plain_row(r, [(1, ("", f"<v>{r}</v>")), (2, (' t="inlineStr"', f"<is><t>O{r % 97:04d}</t></is>")),
                          (3, (' s="5"', f"<v>{r * 0.5}</v>"))]) for r in range(1, 2001)]
    if odd == "attributes":
        rows[odd_row - 1] = f'<row r="{odd_row}"><c s="0" r="A{odd_row}"><v>{odd_row}</v></c></row>'
    elif odd:
        rows[odd_row - 1] += "<!-- checked -->" if odd == "comment" else "<?editor keep?>"
    path = workbook(tmp_path, "".join(rows))
    fast, slow, used = read_both(path, "数据")
    assert used is (odd_row is None)
    assert_same(fast, slow)
    assert len(fast.rows) == 2000 and fast.rows[1999][:2] == [2000, "O0060"]


def test_rich_text_in_many_chunks_on_two_threads(tmp_path, monkeypatch):
    """Rich inline text goes through the XML reader's one parser; chunks read on two threads take
    turns with it and every row reads as the parser reads it."""
    import salesxl.workbook.sheetscan as sheetscan
    monkeypatch.setattr(sheetscan, "CHUNK", 1_000)
    monkeypatch.setattr(sheetscan, "SCANNERS", 2)
    rows = [f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><r><t>粗{r}</t></r><r><rPr><b/></rPr><t>体</t></r></is></c>'
            f'<c r="B{r}"><v>{r}</v></c></row>' for r in range(1, 801)]
    fast, slow, used = read_both(workbook(tmp_path, "".join(rows)), "数据")
    assert used
    assert_same(fast, slow)
    assert fast.rows[799] == ["粗800体", 800]


@pytest.mark.parametrize("encoding", ["utf-16", "gbk", "utf-8-sig"])
def test_a_sheet_in_another_encoding_is_left_to_the_parser(tmp_path, encoding):
    """Excel writes UTF-8; a part in UTF-16 or GBK must not read as empty (the pattern finds no cell in it)."""
    sheet = ('<?xml version="1.0" encoding="%s"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             '2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>华东</t></is></c><c r="B1"><v>5</v></c>'
             '</row></sheetData></worksheet>' % ("UTF-8" if encoding == "utf-8-sig" else encoding.upper()))
    path = workbook(tmp_path, "", extra={"xl/worksheets/sheet1.xml": sheet.encode(encoding)})
    fast, slow, used = read_both(path, "数据")
    assert fast.rows == slow.rows == [["华东", 5]]
    assert used is (encoding == "utf-8-sig")  # a byte order mark before UTF-8 is read by the scanner


# ---- the plain path ------------------------------------------------------------------------------------------------

def read_plain(path: Path, name: str = "数据"):
    """``(read, chunks the plain path read, chunks it was asked to read)`` with the plain path on; checks that the
    same sheet read with the plain path off (the pattern, or the parser when the pattern gives up) and by the XML
    parser alone gives the same."""
    import salesxl.workbook.sheetscan as sheetscan
    with answered(sheetscan, "plain_cells") as answers:
        fast, slow, used = read_both(path, name)
    assert_same(fast, slow)
    sheetscan.PLAIN_PATH = False
    try:
        pattern, _, _ = read_both(path, name)
    finally:
        sheetscan.PLAIN_PATH = True
    assert_same(fast, pattern)
    return fast, sum(answers), len(answers)


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def plain_row(r: int, cells, between: str = "") -> str:
    """Row ``r`` holding ``(column number, (attributes after r, inner XML or None for <c/>))`` cells."""
    xml = [f'<c r="{column_letters(column)}{r}"{attributes}/>' if inner is None
           else f'<c r="{column_letters(column)}{r}"{attributes}>{inner}</c>' for column, (attributes, inner) in cells]
    return f'<row r="{r}">{between.join(xml)}</row>'


PLAIN_TEXT = st.text(alphabet=st.sampled_from(list("ab 中文&\"'_x000D_\r\n\t1.%")), max_size=8)


@st.composite
def plain_cell(draw):
    """A cell in one of the shapes the plain path reads: ``(attributes after r, inner XML or None for <c/>)``."""
    kind = draw(st.sampled_from(["n", "typed n", "s", "inlineStr", "preserved", "blank", "empty", "empty v"]))
    style = draw(st.sampled_from(["", ' s="0"', ' s="1"', ' s="2"', ' s="3"', ' s="4"', ' s="5"', ' s="6"']))
    if kind == "n":
        return style, f"<v>{draw(NUMBER)}</v>"
    if kind == "typed n":
        return style + ' t="n"', f"<v>{draw(NUMBER)}</v>"
    if kind == "s":
        return style + ' t="s"', f"<v>{draw(st.sampled_from(['0', '1', '2', '01']))}</v>"
    if kind == "inlineStr":
        return style + ' t="inlineStr"', f"<is><t>{escaped(draw(PLAIN_TEXT))}</t></is>"
    if kind == "preserved":
        return style + ' t="inlineStr"', f'<is><t xml:space="preserve">{escaped(draw(PLAIN_TEXT))}</t></is>'
    if kind == "empty":
        return style + draw(st.sampled_from(["", ' t="s"', ' t="n"', ' t="inlineStr"'])), ""
    if kind == "empty v":
        return style + draw(st.sampled_from(["", ' t="s"'])), "<v></v>"
    return style + draw(st.sampled_from(["", ' t="n"', ' t="s"', ' t="inlineStr"'])), None


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grid=st.lists(st.lists(st.tuples(st.one_of(st.integers(1, 30), st.integers(700, 710)), plain_cell()),
                              min_size=1, max_size=5), min_size=1, max_size=6),
       row_numbers=st.lists(st.integers(1, 300), min_size=6, max_size=6, unique=True).map(sorted),
       between=st.sampled_from(["", "\n", "\r\n  "]), date1904=st.booleans())
def test_plainly_written_sheets_are_read_by_the_plain_path_alike(tmp_path_factory, grid, row_numbers, between,
                                                                date1904):
    """Cells in every plain shape, columns of one to three letters, rows not in order of their numbers, line breaks
    between cells and rows: the plain path reads every chunk, and reads what the pattern and the XML parser read."""
    rows = [plain_row(r, sorted(dict(row).items()), between) for r, row in zip(row_numbers, grid)]
    styles = {"xl/styles.xml": STYLES_WITH_PERCENT}
    path = workbook(tmp_path_factory.mktemp("plain"), between.join(rows), date1904=date1904, extra=styles)
    _, plain, chunks = read_plain(path)
    assert plain == chunks == 1


@pytest.mark.parametrize("ref, expected", [("XFD3", (3, 16384)), ("A1048576", (1048576, 1)), ("ZZ12", (12, 702))])
def test_the_plain_path_reads_the_farthest_cells(tmp_path, ref, expected):
    path = workbook(tmp_path, f'<row r="{expected[0]}"><c r="{ref}" s="5"><v>1.5</v></c></row>')
    read, plain, chunks = read_plain(path)
    assert plain == chunks == 1
    assert len(read.rows) == expected[0] and len(read.rows[-1]) == expected[1] and read.rows[-1][-1] == 1.5


NOT_PLAIN = [
    # Each is read alike by the pattern (or the parser); the plain path hands its chunk over.
    '<c r="A1" t="s" s="1"><v>0</v></c>',  # t before s
    '<c r="A1" s="1" cm="1"><v>5</v></c>',  # another attribute
    '<c r="A1"> <v>5</v></c>',  # whitespace inside the cell
    '<c r="A1"><v>5</v> </c>',
    '<c r="A1" t="inlineStr"><is> <t>x</t></is></c>',
    '<c r="A1" t="str"><f>B1</f><v>x</v></c>',  # a formula
    '<c r="A1"><f>B1+1</f></c>',  # never calculated
    '<c r="A1" t="b"><v>1</v></c>',  # a boolean
    '<c r="A1" t="e"><v>#N/A</v></c>',  # an error
    '<c r="A1" t="inlineStr"><is><t>a&gt;b</t></is></c><c r="B1"><v>1</v></c>',
    '<c r="A1" t="inlineStr"><is><t>a>b</t></is></c>',  # ">" in text
    '<c r="A1" t="inlineStr"><is><r><t>rich</t></r></is></c>',  # rich text
    '<c r="A1"><v/></c>',
    '<c r="A1" t="s"><is><t>x</t></is></c>',  # text where a number belongs
    '<c r="A1" t="inlineStr"><v>1</v></c>',
    '<c r="A1" t="s"><v> 1</v></c>',  # a string number with a space
]


@pytest.mark.parametrize("cells", NOT_PLAIN)
def test_a_chunk_the_plain_path_does_not_read_goes_to_the_pattern(tmp_path, cells):
    path = workbook(tmp_path, f'<row r="1">{cells}</row><row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>')
    read, plain, chunks = read_plain(path)
    expected_plain = 1 if "&gt;" in cells else 0  # an escaped ">" is plain
    assert (plain, chunks) == (expected_plain, 1)
    assert read.rows[1][0] == "x"


BETWEEN_TAGS = [" ", "\n  ", "<f>A1</f>", '<x><c r="W1"><v>4</v></c></x>', "<f/>", "<extLst/>", '<c r="Z1"><v>1</v></c>',
                "<v>2</v>", "<v/>",
                '</c><c r="Y9">', "<!-- note -->", "<is><t>q</t></is>", "<t>w</t>", "<r><t>u</t></r>", "&amp;", "9",
                '<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="X1"><x:v>3</x:v></x:c>']
IN_A_TAG = [' s="2"', ' cm="1"', ' x="y"', " ", "\n", ' xml:space="preserve"', ' t="str"', ' t="e"']


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grid=st.lists(st.lists(plain_cell(), min_size=1, max_size=4), min_size=1, max_size=4), data=st.data())
def test_an_altered_plain_sheet_reads_as_the_parser_reads_it(tmp_path_factory, grid, data):
    """A plain sheet with a few fragments put in anywhere between tags, or attributes and spaces put into its
    tags: whenever the result is still XML the parser reads, the scanner (plain path, pattern or parser)
    reads the same. (Some alterations make the sheet something the parser refuses; those are not compared.)"""
    sheet = "".join(plain_row(r, enumerate(row, start=1)) for r, row in enumerate(grid, start=1))
    for _ in range(data.draw(st.integers(1, 3))):
        ends = [k for k, ch in enumerate(sheet) if ch == ">"]
        end = data.draw(st.sampled_from(ends))
        if data.draw(st.booleans()) and sheet[end - 1] != "/" and sheet[sheet.rfind("<", 0, end) + 1] != "/":
            at = end - 1 if sheet[end - 1] == "/" else end  # inside a start tag, before its end
            sheet = sheet[:at] + data.draw(st.sampled_from(IN_A_TAG)) + sheet[at:]
        else:
            sheet = sheet[:end + 1] + data.draw(st.sampled_from(BETWEEN_TAGS)) + sheet[end + 1:]
    path = workbook(tmp_path_factory.mktemp("altered"), sheet, extra={"xl/styles.xml": STYLES_WITH_PERCENT})
    try:
        parsed = WorkbookValues(Package(path.read_bytes()))
        xlsxread.scan_cells, scan = (lambda *args: None), xlsxread.scan_cells
        try:
            slow = parsed.read_sheet("数据")
        finally:
            xlsxread.scan_cells = scan
    except Exception:
        event("not read by the parser")
        return
    fast = WorkbookValues(Package(path.read_bytes())).read_sheet("数据")
    assert_same(fast, slow)
    event("compared")
