"""The salesxl Excel add-in (``salesxl.xlam``): built on any system, shipped in the package, installed in one step.

* :mod:`.modules`: what the add-in's VBA project holds, from ``macros/`` (the
  ribbon XML and the VBA as text) and the worksheet functions of :mod:`salesxl.udfs`;
* :mod:`.build`: the ``.xlam`` package: xlwings' ribbon add-in with our ribbon
  and our VBA project (written by :mod:`salesxl.vba`), byte for byte reproducible;
* :mod:`.installer`: ``salesxl addin install``/``uninstall`` and ``salesxl configure``;
* :mod:`.smoke`: ``python -m salesxl.addin smoke``, the check a person with
  Windows and Excel runs: every button and every worksheet function, in Excel.

The VBA that xlwings ships names its version (``XLWINGS_VERSION``, the DLL
``xlwings64-<version>.dll``, the AppleScript file), so xlwings is pinned in
pyproject.toml to exactly the version of ``macros/xlwings.bas``; tests check it.
``python -m salesxl.addin regenerate`` rewrites the generated sources and the
shipped add-in after a change (a test fails until it is run).
"""

from .build import (ADDIN_CONTENT_TYPE, ADDIN_NAME, CONTENT_TYPES, RELS, RIBBON_PARTS, RIBBON_RELATIONSHIPS,
                    SAMPLE_MODULES, VBA_PART, NeedsExcel, addin_bytes, build, build_via_excel, package_problems,
                    ribbon_part_for, xlwings_template)
from .installer import (SHIPPED_ADDIN, InstallProblem, addin_problems, config_path, config_text, conda_settings,
                      configure, install, plan_install, uninstall)
from .modules import CUSTOM_UI, MACROS, PROJECT, UDF_MODULE, vba_version, xlwings_dir, xlwings_vba

__all__ = [
    "ADDIN_CONTENT_TYPE", "ADDIN_NAME", "CONTENT_TYPES", "CUSTOM_UI", "MACROS", "PROJECT", "RELS", "RIBBON_PARTS",
    "RIBBON_RELATIONSHIPS", "SAMPLE_MODULES", "SHIPPED_ADDIN", "UDF_MODULE", "VBA_PART", "InstallProblem",
    "NeedsExcel", "addin_bytes", "addin_problems", "build", "build_via_excel", "conda_settings", "config_path",
    "config_text", "configure", "install", "package_problems", "plan_install", "ribbon_part_for", "uninstall",
    "vba_version", "xlwings_dir", "xlwings_template", "xlwings_vba",
]
