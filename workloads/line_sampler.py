"""Which line of the program each worker of this process is on, ten times a second.

A daemon thread of the run's machinery looks at every thread's stack
(``sys._current_frames()``), not at every line as it runs: tracing each line would slow
the code under study many times over, where a look every 100 ms costs it almost
nothing. For each worker it finds the innermost frame that belongs to the program's
own code (not the standard library's, not interleave's), and reports its file and line
when they change (:class:`workloads.events.CurrentLine`).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Mapping
from types import CodeType, FrameType, SimpleNamespace
from typing import Any

from workloads.events import CurrentLine, Event

#: Looks a second. The code pane redraws at least five times a second.
HZ = 10.0
#: Frames looked at per thread, innermost first, before giving up (deep recursion).
MAX_DEPTH = 200


def _is_program_module(name: str) -> bool:
    # instrument imports runtime, which imports this module: look it up when used.
    from workloads.instrument import _is_demo_code

    return _is_demo_code(SimpleNamespace(__module__=name))


class LineSampler:
    """Reports the current line of each of ``workers`` (thread ident -> worker id)."""

    def __init__(
        self,
        workers: Mapping[int, str],
        emit: Callable[[Event], None],
        *,
        hz: float = HZ,
        is_program: Callable[[str], bool] = _is_program_module,
    ) -> None:
        self.workers = workers
        self.emit = emit
        self.interval = 1.0 / hz
        self.is_program = is_program
        self._last: dict[str, tuple[str, int]] = {}
        self._program: dict[CodeType, bool] = {}
        self._stop = threading.Event()

    def where(self, frame: FrameType | None) -> tuple[str, int]:
        """(file, line) of the innermost frame of the program's code; ("", 0) if none."""
        depth = 0
        while frame is not None and depth < MAX_DEPTH:
            code = frame.f_code
            mine = self._program.get(code)
            if mine is None:
                name = frame.f_globals.get("__name__", "")
                mine = self._program[code] = bool(name) and self.is_program(name)
            # f_lineno is None while a frame is between lines (3.11+): keep the last line.
            if mine and frame.f_lineno is not None:
                return code.co_filename, frame.f_lineno
            frame = frame.f_back
            depth += 1
        return "", 0

    def sample(self) -> None:
        """One look at every worker's stack; emits the lines that changed."""
        frames = sys._current_frames()
        now = time.monotonic()
        for ident, worker in list(self.workers.items()):
            here = self.where(frames.get(ident))
            if self._last.get(worker) != here:
                self._last[worker] = here
                self.emit(CurrentLine(worker, now, *here))

    def run(self) -> None:
        """Look until :meth:`stop`."""
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self, thread_factory: Any = threading.Thread) -> LineSampler:
        """Look on a daemon thread made by ``thread_factory`` (never a worker)."""
        thread_factory(target=self.run, name="interleave-lines", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop looking (the thread ends at its next wake-up)."""
        self._stop.set()
