"""What a ribbon click asks of Excel: the calls each button's write makes, measured on the xlwings double.

In Excel every call from Python is a round trip to another process (COM on Windows, AppleScript on
macOS), so a click's writing time is about its number of calls. This counts them: the small demo is
taken through every button as ``tests/steps/test_live_contract.py`` does, each call the live backend
makes into xlwings' engine counted (free xlwings API and ``.api`` COM touches apart), beside the cells
written.

It is also how the live backend's design was chosen (issue 23). The other way considered — write each
step's sheets with the file writer into a temporary workbook, open it in Excel, ``Sheet.copy`` them in —
would cost per click: the temporary file (the ``file write`` column, timed here), Excel opening it (not
measurable without Excel; typically a second or two), a copy per sheet, then repairs: a rerun must
delete the old sheet (turning every formula of the planner's that points into it into ``#REF!``), the
copied tables and names clash with the old ones (Excel renames them or asks), and every chart series and
tier-colour name points at the temporary book until re-pointed.

    .venv/bin/python -m benchmarks.live_calls
"""

from __future__ import annotations

import shutil
import sys
from io import BytesIO
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
import xlwings as xw  # noqa: E402

from salesxl import ribbon  # noqa: E402
from salesxl.demo import DemoSize, demo_workbook_data  # noqa: E402
from salesxl.demo import fill_demo_feedback  # noqa: E402
from salesxl.workbook import livebook  # noqa: E402
from salesxl.workbook.livebook import LiveWorkbook  # noqa: E402
from salesxl.workbook.splice import write_outputs  # noqa: E402
from salesxl.workbook.template import save_new_workbook  # noqa: E402
from tests.workbook import fake_xlwings as fake  # noqa: E402

BUTTONS = ["target", "backtest", "breakdown", "issueDraft", "agree", "commitments", "expenses", "expenseReview",
           "track", "weekly", "followups", "dashboard"]
COUNTS: Counter = Counter()


def counted(cls) -> None:
    """Count every call into one of the double's engine (or COM) classes."""
    kind = "com" if issubclass(cls, fake.com.Com) else "free"
    for name, attr in list(vars(cls).items()):
        if name.startswith("_") and name not in ("__call__",):
            continue
        if isinstance(attr, property):
            def getter(self, _f=attr.fget):
                COUNTS[kind] += 1
                return _f(self)
            setter = None
            if attr.fset:
                def setter(self, value, _f=attr.fset):
                    COUNTS[kind] += 1
                    _f(self, value)
            setattr(cls, name, property(getter, setter))
        elif callable(attr) and not isinstance(attr, (staticmethod, classmethod, type)):
            def method(self, *args, _f=attr, **kwargs):
                COUNTS[kind] += 1
                return _f(self, *args, **kwargs)
            setattr(cls, name, method)


def main() -> None:
    for module in (fake.engine, fake.com):
        for cls in vars(module).values():
            if isinstance(cls, type) and cls.__module__ == module.__name__ and cls is not fake.Engine and (
                    issubclass(cls, fake.com.Com) and cls is not fake.com.Com
                    or any(b.__module__ == "xlwings.base_classes" for b in cls.__mro__[1:])):
                counted(cls)
    folder = Path(tempfile.mkdtemp())
    path = save_new_workbook(folder / "plan.xlsx", *demo_workbook_data(seed=7, size=DemoSize(8, 40, 12, 3)))
    book = fake.book_from_file(shutil.copy(path, folder / "live.xlsx"))
    xw.Book.caller = classmethod(lambda cls: book)
    written = {}
    original = LiveWorkbook.write_sheets

    def measured(self, outputs):
        plans = livebook.plans(outputs, set())
        COUNTS.clear()
        original(self, outputs)
        start = time.perf_counter()
        write_outputs(blank_bytes, outputs)
        written.setdefault("rows", []).append((len(outputs), sum(p.cells for p in plans),
                                                sum(len(p.charts) for p in plans), COUNTS["free"], COUNTS["com"],
                                                time.perf_counter() - start))
    buffer = BytesIO()
    openpyxl.Workbook().save(buffer)
    blank_bytes = buffer.getvalue()  # the temporary workbook the other way would write the sheets into
    LiveWorkbook.write_sheets = measured
    print(f"{'button':<14}{'sheets':>7}{'cells':>9}{'charts':>7}{'free calls':>12}{'COM calls':>11}"
          f"{'file write':>12}")
    for control_id in BUTTONS:
        if control_id == "agree":
            fill_demo_feedback(LiveWorkbook(book))
        written["rows"] = []
        ribbon.dispatch(control_id)
        sheets, cells, charts, free, com, seconds = written["rows"][0]
        print(f"{control_id:<14}{sheets:>7}{cells:>9,}{charts:>7}{free:>12,}{com:>11,}{seconds * 1000:>10.0f} ms")


if __name__ == "__main__":
    main()
