"""PDF export runs one LibreOffice per core, each on its share of the workbooks, the first converting while the
next share is made (issue 22). No LibreOffice here: the converter is stood in for, so what is tested is the
sharing, the overlap and the waiting."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from salesxl.workbook.pdf import convert_in_shares, shares


def test_shares_are_consecutive_nearly_equal_and_never_empty():
    """7 items in 2 shares: 4 and 3; 5 items in 3: 2, 2, 1; 1 item in 2: just one share."""
    assert shares(list(range(7)), 2) == [[0, 1, 2, 3], [4, 5, 6]]
    assert shares(list("abcde"), 3) == [["a", "b"], ["c", "d"], ["e"]]
    assert shares([9], 2) == [[9]]
    assert shares([], 2) == []


def test_the_first_share_converts_while_the_second_is_made_and_the_last_on_the_calling_thread(tmp_path):
    """5 files in 2 runs: [a b c] on a thread of its own, started before d is made; [d e] on the caller's thread.
    Were the shares converted only once all were made, making d would wait for a conversion that never starts."""
    first_started = threading.Event()
    made, converted = [], []

    def source_of(stem: str) -> Path:
        if stem == "d":
            assert first_started.wait(timeout=30), "the first share was not converting while the second was made"
        made.append(stem)
        return tmp_path / f"{stem}.xlsx"

    def converter(sources: list[Path], directory: Path) -> None:
        if sources[0].stem == "a":
            first_started.set()
        converted.append(([s.stem for s in sources], directory, threading.current_thread() is threading.main_thread()))

    convert_in_shares(list("abcde"), source_of, converter, 2, tmp_path / "pdf")
    assert made == list("abcde")
    assert sorted(converted) == [(["a", "b", "c"], tmp_path / "pdf", False), (["d", "e"], tmp_path / "pdf", True)]


def test_one_run_converts_everything_on_the_calling_thread(tmp_path):
    """Excel's export: one call with every file, on the thread that drives Excel."""
    calls = []
    convert_in_shares(list("abc"), lambda s: tmp_path / s, lambda sources, d: calls.append(
        (sources, threading.current_thread() is threading.main_thread())), 1, tmp_path)
    assert calls == [([tmp_path / "a", tmp_path / "b", tmp_path / "c"], True)]


def test_a_failed_run_raises_as_subprocess_run_would_once_the_other_has_finished(tmp_path):
    finished = []

    def converter(sources: list[Path], directory: Path) -> None:
        code = "import sys; sys.exit(3)" if sources[0].name == "a" else "import time; time.sleep(0.5)"
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=60)
        finished.append(sources[0].name)

    with pytest.raises(subprocess.CalledProcessError) as failed:
        convert_in_shares(list("ab"), lambda s: tmp_path / s, converter, 2, tmp_path)
    assert failed.value.returncode == 3
    assert finished == ["b"]


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in soffice is a script run by its #! line")
def test_a_libreoffice_run_may_take_longer_for_each_file_it_converts(tmp_path):
    """A stand-in soffice taking 1.5 s: with a 1 s limit and 5 s more per file, converting one file is not
    stopped (6.5 s allowed); a run of no files is (1 s)."""
    from salesxl.workbook.pdf import SECONDS_PER_FILE, libreoffice_pdf

    soffice = tmp_path / "soffice"
    soffice.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(1.5)\n")
    soffice.chmod(0o755)
    assert SECONDS_PER_FILE == 5
    libreoffice_pdf(str(soffice), timeout=1)([tmp_path / "a.xlsx"], tmp_path)
    with pytest.raises(subprocess.TimeoutExpired):
        libreoffice_pdf(str(soffice), timeout=1)([], tmp_path)
