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


# ---- no import cycle, not even through imports inside functions ----

def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, at the top or inside a function (``import`` and
    ``from ... import``, relative or absolute; ``from . import x`` counts ``x`` when it is a module)."""
    modules = {module_name(path, root): path for path in root.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(base + ([node.module] if node.module else []))
                else:
                    base = node.module
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One path round each cycle found (a depth-first search's back edges)."""
    found, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_no_import_cycle_even_inside_functions():
    assert cycles(import_graph(ROOT / "salesxl")) == []


def test_the_cycle_check_sees_an_import_inside_a_function(tmp_path):
    """A two-module cycle hidden in a function, as reader ↔ history_files once was: found."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "reader.py").write_text("from .sub import files\n")
    (package / "sub" / "files.py").write_text("def read():\n    from ..reader import match\n")
    (package / "alone.py").write_text("import pkg.reader\n")
    graph = import_graph(package)
    assert graph["pkg.alone"] == {"pkg.reader"} and graph["pkg.sub.files"] == {"pkg.reader"}
    assert cycles(graph) == [["pkg.reader", "pkg.sub.files", "pkg.reader"]]


def test_a_module_over_600_lines_says_why_in_its_opening():
    """Where a file grows past a few hundred lines, ask whether it is two things; past 600 it says why not."""
    long = [path for path in (ROOT / "salesxl").rglob("*.py")
            if len(path.read_text(encoding="utf-8").splitlines()) > 600]
    unexplained = [path.name for path in long
                   if "Over 600 lines because" not in (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
                                                       or "")]
    assert unexplained == []


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
