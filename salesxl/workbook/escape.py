"""Esc pressed in Excel while a ribbon button runs: heard, and answered at the next phase boundary.

A button's step runs in Python while Excel waits for it, so Excel's own Esc handling (which
interrupts VBA) never reaches the step. :class:`EscapeWatch` listens instead: a thread looks at the
Esc key every ``POLL_SECONDS`` while Excel's window is in front (Windows: ``GetAsyncKeyState`` and
``GetForegroundWindow`` from user32; macOS: Quartz's ``CGEventSourceKeyState``), and remembers a
press. The ribbon asks it at each phase boundary before writing begins (reading each sheet,
computing, about to write) and stops the step there, so a cancelled step has written nothing.
Once writing has begun it runs to its end: a half-written set of sheets would be worse than none.

Elsewhere (Linux, tests) no key is ever heard unless ``pressed`` is given.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import threading
from typing import Callable

POLL_SECONDS = 0.05
VK_ESCAPE = 0x1B
"""Windows' virtual key code of Esc."""
MAC_ESCAPE = 53
"""macOS' key code of Esc (``kVK_Escape``)."""


class Cancelled(Exception):
    """The planner pressed Esc; the step stopped before writing anything."""


def escape_down(hwnd: int | None) -> Callable[[], bool]:
    """A function telling whether Esc is held down now, in Excel (``hwnd``: its main window, Windows)."""
    if sys.platform == "win32":
        user32 = ctypes.windll.user32  # type: ignore[attr-defined]

        def down() -> bool:
            return bool(user32.GetAsyncKeyState(VK_ESCAPE) & 0x8000) and (
                hwnd is None or user32.GetForegroundWindow() == hwnd)
        return down
    if sys.platform == "darwin":
        path = ctypes.util.find_library("ApplicationServices")
        if path:
            quartz = ctypes.cdll.LoadLibrary(path)
            quartz.CGEventSourceKeyState.restype = ctypes.c_bool
            quartz.CGEventSourceKeyState.argtypes = [ctypes.c_int32, ctypes.c_uint16]
            return lambda: bool(quartz.CGEventSourceKeyState(0, MAC_ESCAPE))  # 0: the combined session state
    return lambda: False


class EscapeWatch:
    """Listens for Esc while a step runs (a context manager); :meth:`check` raises :class:`Cancelled`.

    ``pressed`` replaces the keyboard (tests: a function answering whether Esc is down now).
    """

    def __init__(self, hwnd: int | None = None, pressed: Callable[[], bool] | None = None):
        self.down = pressed or escape_down(hwnd)
        self.heard = threading.Event()
        self.done = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> "EscapeWatch":
        self.thread = threading.Thread(target=self.listen, name="salesxl-esc", daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        if self.thread is not None:
            self.thread.join(timeout=1)

    def listen(self) -> None:
        while not self.done.is_set():
            if self.down():
                self.heard.set()
                return
            self.done.wait(POLL_SECONDS)

    def check(self) -> None:
        """Stop here if Esc was pressed (a phase boundary, before anything is written)."""
        if self.heard.is_set() or self.down():
            self.heard.set()
            raise Cancelled()
