"""Opening workbooks in LibreOffice, as a second program besides Excel that must read what salesxl writes.

One ``soffice`` call converts many files (starting LibreOffice is the slow part), each sheet to
its own CSV, so a test sees every sheet LibreOffice loaded and the values it calculated.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
CSV_EVERY_SHEET = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def sheets_as_csv(files: list[Path], outdir: Path) -> dict[Path, dict[str, list[list[str]]]]:
    """``{file: {sheet name: rows}}`` as LibreOffice loaded and recalculated each file."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:  # a private profile: other soffice runs cannot interfere
        done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                               "--convert-to", CSV_EVERY_SHEET, "--outdir", str(outdir), *map(str, files)],
                              capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    found: dict[Path, dict[str, list[list[str]]]] = {f: {} for f in files}
    for f in files:
        for sheet in outdir.glob(f"{f.stem}-*.csv"):
            with open(sheet, encoding="utf-8", newline="") as handle:
                found[f][sheet.stem[len(f.stem) + 1:]] = list(csv.reader(handle))
    return found
