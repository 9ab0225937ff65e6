"""The refactor's safety net (scripts/same_outputs.py) tells identical outputs from changed ones, part by part."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("same_outputs", ROOT / "scripts" / "same_outputs.py")
same_outputs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(same_outputs)


def workbook(path: Path, cell: str) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook><sheets/></workbook>")
        z.writestr("xl/worksheets/sheet1.xml", f"<sheetData><row><c><v>{cell}</v></c></row></sheetData>")


def test_identical_folders_have_no_difference_and_a_changed_cell_is_named_with_its_part(tmp_path):
    base, new = tmp_path / "base", tmp_path / "new"
    for folder, cell in ((base, "309000"), (new, "309000")):
        folder.mkdir()
        workbook(folder / "demo.xlsx", cell)
        (folder / "demo.log").write_text("exit 0\n", encoding="utf-8")
    assert same_outputs.compare(base, new) == []
    workbook(new / "demo.xlsx", "309001")
    (new / "demo.log").write_text("exit 1\n", encoding="utf-8")
    found = same_outputs.compare(base, new)
    assert found[0] == "demo.log: differs" and "demo.xlsx: differs" in found
    part = found.index("    xl/worksheets/sheet1.xml: differs")
    assert "-<v>309000</v>" in "".join(found[part:]) and "+<v>309001</v>" in "".join(found[part:])
    (new / "extra.xlsx").write_bytes(b"")
    assert "extra.xlsx: only in new" in same_outputs.compare(base, new)
