"""The docs keep up with the code: a generated reference, settings with a home, pictures, a short README.

The shell examples and the worked examples' numbers are checked in test_docs_examples.py; the
CLI's help and command table in test_cli_docs.py; links and anchors by ``mkdocs build --strict``
in CI.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from salesxl import docs_images, docs_reference
from salesxl.ribbon import BUTTONS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference"
README = ROOT / "README.md"


def page(name: str) -> str:
    return (REFERENCE / f"{name}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", docs_reference.PAGES)
def test_the_committed_reference_is_what_the_code_generates(name):
    generated = docs_reference.render()[name]
    committed = (REFERENCE / f"{name}.md").read_text(encoding="utf-8") if (REFERENCE / f"{name}.md").exists() else ""
    assert committed == generated, (f"docs/reference/{name}.md is stale: run `python -m salesxl.docs_reference` "
                                    "and commit the result")


def test_every_setting_is_in_the_settings_reference_with_its_default():
    text = page("settings")
    for setting in docs_reference.contract().settings:
        section = re.search(rf"^## .*\{{#{setting.key}\}}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
        assert section, f"settings reference lacks {setting.key}"
        assert setting.zh in section.group(0) and setting.en in section.group(0)
        assert ("默认 Default: " + (docs_reference.default_text(setting) or "无")) in section.group(1), setting.key


def test_every_input_sheet_column_and_choice_is_in_the_sheets_reference():
    text = page("sheets")
    for schema in docs_reference.contract().inputs:
        section = re.search(rf"^## {re.escape(schema.name)} \{{#{schema.key}\}}\n(.*?)(?=^#|\Z)", text, re.S | re.M)
        assert section, f"sheets reference lacks {schema.name}"
        for column in schema.columns:
            assert f"| {column.zh} {column.en} | `{column.key}` |" in section.group(1), (schema.key, column.key)
            for choice in column.choices:
                assert choice.zh in section.group(1) and choice.key in section.group(1), (column.key, choice.key)


def test_every_setting_is_linked_from_a_page_a_planner_reads():
    """A new setting needs a home outside the reference: usually its step's Settings table."""
    pages = "".join(p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md") if REFERENCE not in p.parents)
    homeless = [s.key for s in docs_reference.contract().settings if f"settings.md#{s.key})" not in pages]
    assert not homeless, f"settings no page outside docs/reference/ links to: {homeless}"


def images_shown() -> set[str]:
    shown = set()
    for path in [README, *DOCS.rglob("*.md")]:
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+\.png)\)", path.read_text(encoding="utf-8")):
            shown.add((path.parent / target).resolve().relative_to(DOCS / "images").as_posix())
    return shown


def test_every_picture_shown_is_generated_by_docs_images_and_on_disk():
    generated = {f"{name}.png" for pictures in docs_images.IMAGES.values() for name in pictures.values()}
    shown = images_shown()
    assert shown <= generated, f"pictures not made by python -m salesxl.docs_images: {shown - generated}"
    assert generated <= shown, f"pictures made but shown nowhere: {generated - shown}"
    on_disk = {p.name for p in (DOCS / "images").glob("*.png")}
    assert generated == on_disk, "docs/images/ differs from docs_images.IMAGES: run python -m salesxl.docs_images"


def test_the_readme_is_short_and_its_links_resolve():
    text = README.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 12 * 1024, f"README.md is {len(text.encode('utf-8')):,} bytes, over 12 KB"
    for target in re.findall(r"\]\(([^)\s#]+)(?:#[^)]*)?\)", text):
        if not re.match(r"[a-z]+:", target):
            assert (ROOT / target).exists(), f"README links to {target}, which does not exist"


def in_ribbon_order(text: str, first: str) -> list[str]:
    """The step buttons' labels from ``first`` on (Help aside), each checked to appear in ``text`` in the ribbon's order."""
    text = " ".join(text.split())
    labels = [b.label for b in BUTTONS.values() if b.cli != "info"]
    labels = labels[labels.index(first):]
    missing = [label for label in labels if label not in text]
    assert not missing, f"buttons not named: {missing}"
    places = [text.index(label) for label in labels]
    assert places == sorted(places), f"buttons out of the ribbon's order: {sorted(labels, key=text.index)}"
    return labels


def test_the_buttons_to_click_are_the_ribbons_in_its_order():
    """The README's 'In Excel in five minutes' and the Excel page's walk-through name every step button, in order."""
    readme = README.read_text(encoding="utf-8")
    five_minutes = readme.split("In Excel in five minutes", 1)[1].split("\n## ", 1)[0]
    assert in_ribbon_order(five_minutes, "检查 Check")
    excel = (DOCS / "getting-started" / "excel.md").read_text(encoding="utf-8")
    walk = re.search(r"^ *Click each step's button in the month's order:.*$", excel, re.M)
    assert walk and in_ribbon_order(walk.group(0), "月度目标 Target")


def test_the_month_pages_order_of_the_commands_is_the_ribbons():
    """docs/month/index.md, 'The order of the commands': every step's command, in the order of the buttons."""
    text = (DOCS / "month" / "index.md").read_text(encoding="utf-8")
    order = re.search(r"^The article's step 3 .*?so in salesxl the order is (.*)$", text, re.M)
    listed = re.findall(r"`([a-z-]+)`", order.group(1).split(".", 1)[0])
    assert listed == [b.cli for b in BUTTONS.values() if b.cli not in ("init", "check", "info")]


@pytest.mark.parametrize("path", sorted(p.name for p in (DOCS / "month").glob("*.md") if p.name != "index.md"))
def test_each_step_page_has_the_parts_the_docs_promise(path):
    """docs/contributing/docs.md: a picture, Method, Sheets, Settings (or none of its own), a worked example."""
    text = (DOCS / "month" / path).read_text(encoding="utf-8")
    assert re.search(r"^!\[[^\]]+\]\(\.\./images/\w+\.png\)$", text, re.M), "a picture of its sheet"
    for heading in ("## 方法 Method", "## 读写的表 Sheets", "## 示例 Worked example"):
        assert f"\n{heading}\n" in text, heading
    assert "\n## 设置 Settings\n" in text or re.search(r"no settings of (its|their) own", text), "its settings"


def test_every_doc_page_is_in_the_navigation():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert {p for p in pages if p not in nav} == set()


def test_ci_builds_the_docs_strictly_after_the_readme_tests_with_the_docs_extra():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    tests = ci.index("python -m pytest -q")
    assert "'.[docs]'" in ci[tests:] and "mkdocs build --strict" in ci[tests:]
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert {re.split(r"[<>=!~ ]", d)[0] for d in extras["docs"]} >= {"mkdocs", "mkdocs-material"}
    assert all(">=" in d for d in extras["docs"]), "the docs extra pins lower bounds only"


def test_the_architecture_pages_layout_names_every_top_level_module_and_package():
    """docs/contributing/index.md, 'Layout': a new module or package under salesxl/ needs its line."""
    contributing = (DOCS / "contributing" / "index.md").read_text(encoding="utf-8")
    layout = contributing.split("\nsalesxl/\n", 1)[1].split("```", 1)[0]
    named = set(re.findall(r"^ {2}(\S.*?) {2,}", layout, re.M))
    named = {n.strip() for line in named for n in line.split(",")}
    package = ROOT / "salesxl"
    found = {p.name for p in package.glob("*.py") if not p.name.startswith("__")} | \
        {f"{p.name}/" for p in package.iterdir() if (p / "__init__.py").exists()}
    assert found - named == set(), "add them to the layout on docs/contributing/index.md"
    assert named - found == set(), "the layout names what is no longer there"


def test_the_contributing_page_names_every_rule_the_architecture_test_enforces():
    """docs/contributing/index.md lists the rules of tests/test_architecture.py: a new rule needs a line there."""
    rules = re.findall(r"^def (test_\w+)", (ROOT / "tests" / "test_architecture.py").read_text(encoding="utf-8"), re.M)
    contributing = (DOCS / "contributing" / "index.md").read_text(encoding="utf-8")
    assert rules and not [r for r in rules if f"`{r}`" not in contributing], "add the new rule to the architecture page"
