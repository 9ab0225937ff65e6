"""PDF export runs one LibreOffice per core, each on its share of the workbooks (issue 22). No LibreOffice here:
the runs are stood in for by small commands, so what is tested is the sharing and the waiting."""

from __future__ import annotations

import subprocess
import sys

import pytest

from salesxl.workbook.pdf import finish_conversions, shares


def test_shares_are_consecutive_nearly_equal_and_never_empty():
    """7 items in 2 shares: 4 and 3; 5 items in 3: 2, 2, 1; 1 item in 2: just one share."""
    assert shares(list(range(7)), 2) == [[0, 1, 2, 3], [4, 5, 6]]
    assert shares(list("abcde"), 3) == [["a", "b"], ["c", "d"], ["e"]]
    assert shares([9], 2) == [[9]]
    assert shares([], 2) == []


def command(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_every_run_is_waited_for_and_a_failed_one_raises_as_subprocess_run_would():
    finish_conversions([command("pass"), command("pass")], timeout=60)
    with pytest.raises(subprocess.CalledProcessError) as failed:
        finish_conversions([command("pass"), command("import sys; sys.exit(3)")], timeout=60)
    assert failed.value.returncode == 3


def test_a_run_past_the_timeout_is_stopped_and_raises():
    slow = command("import time; time.sleep(30)")
    with pytest.raises(subprocess.TimeoutExpired):
        finish_conversions([command("pass"), slow], timeout=0.5)
    assert slow.poll() is not None  # stopped, not left running
