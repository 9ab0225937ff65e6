"""帮助 Help: which salesxl this is, what runs it, and where its settings live.

The ribbon's 帮助 Help button and ``salesxl info`` show the same text, so a
planner and whoever supports them read the same facts (the first thing to check
when the add-in cannot find Python or after an upgrade).
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version

from ..addin import config_path
from .run import Progress, StepResult, quiet


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def about_text(platform: str = sys.platform) -> str:
    return "\n".join([
        f"salesxl {package_version('salesxl')} — 月度销售目标 Monthly sales targets",
        f"Python {sys.version.split()[0]}: {sys.executable}",
        f"xlwings {package_version('xlwings')}",
        f"配置 Settings: {config_path(platform)}",
        "说明 How to: docs/getting-started/excel.md (安装 install, 配置 configure, 升级 upgrade), "
        "docs/troubleshooting.md (故障排除 troubleshooting).",
    ])


def about(book=None, progress: Progress = quiet) -> StepResult:
    """帮助 Help: the versions and settings in use (the workbook is not read)."""
    return StepResult(summary=about_text())
