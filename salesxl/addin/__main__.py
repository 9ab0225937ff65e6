"""``python -m salesxl.addin regenerate | smoke``.

* ``regenerate``: after changing the xlwings pin, ``macros/``, or a worksheet
  function: rewrite ``macros/xlwings.bas`` and ``macros/Dictionary.cls`` from
  the installed xlwings, then the shipped ``salesxl.xlam`` from all sources.
* ``smoke [--addin PATH] [--workbook PATH]``: on Windows with Excel, open Excel,
  load the add-in, press every button on a copy of the demo workbook, call every
  worksheet function, and print a pass/fail table (see :mod:`.smoke`).
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "regenerate"
    if command == "regenerate":
        from .build import build
        from .installer import SHIPPED_ADDIN
        from .modules import regenerate

        for path in regenerate():
            print(f"wrote {path}")
        print(f"wrote {build(SHIPPED_ADDIN)}")
        return 0
    if command == "smoke":
        from .smoke import main as smoke

        return smoke(argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
