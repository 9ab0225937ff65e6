"""The layout keeps its promises: a pure core, a README whose test command CI runs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDGE_MODULES = {"openpyxl", "xlwings", "typer", "rich", "os", "pathlib", "shutil", "io", "zipfile"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level > 0 and node.module:
            names.add("." * node.level + node.module.split(".")[0])
    return names


def test_core_does_no_io_and_knows_no_excel():
    for path in (ROOT / "salesxl" / "core").rglob("*.py"):
        imports = imported_modules(path)
        assert not imports & EDGE_MODULES, (path.name, imports & EDGE_MODULES)
        assert not {i for i in imports if i.startswith("..") and i.lstrip(".") in {"workbook", "cli", "steps"}}, path


def readme_command(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(rf"{title}.*?```(?:bash|sh)\n(.*?)```", text, re.S)
    assert block, f"README has no code block after '{title}'"
    return block.group(1).strip()


def test_ci_runs_exactly_the_readme_test_command():
    command = readme_command("Run the tests")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci


def test_readme_demo_command_installs_and_runs_the_demo():
    command = readme_command("Try the demo")
    assert "pip install" in command and "salesxl demo" in command


def test_the_vba_writer_is_a_file_format_and_knows_nothing_of_salesxl():
    """salesxl/vba writes MS-OVBA/MS-CFB from bytes: standard library only, no other salesxl package."""
    for path in (ROOT / "salesxl" / "vba").rglob("*.py"):
        imports = imported_modules(path)
        assert imports <= {"__future__", "struct", "dataclasses", ".cfb", ".compression"}, (path.name, imports)
