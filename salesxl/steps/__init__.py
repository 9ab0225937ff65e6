"""The planner's steps, each as: read the workbook, call the core, write.

The CLI, the ribbon and tests all call these functions with a workbook backend,
so a step behaves the same in Excel and on a file. A step never writes when its
input has errors: it returns the located problems instead, and the workbook is
left exactly as it was.

What every step shares lives in ``steps/run.py``, the ``check`` step in ``steps/checks.py``; each other
step lives in its own module here (``steps/target.py``, ``steps/breakdown.py``...)
as one function ``step(book, progress=quiet, **options) -> StepResult`` that reads
with :func:`run_step`, calls the core and builds its sheets with ``salesxl.reports``,
and, where its input can be refused, a ``validate(book, inputs)`` that ``check`` runs too.
"""

from __future__ import annotations

from .checks import check
from .run import COMPUTING, READING, WRITING, Progress, StepResult, quiet, run_info, run_step

__all__ = ["COMPUTING", "READING", "WRITING", "Progress", "StepResult", "check", "quiet", "run_info", "run_step"]
