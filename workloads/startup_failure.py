"""A child process of a run that fails before its worker starts still says why.

Under ``spawn`` a child first unpickles its target, which imports the module that
defines it. When that fails (a function defined in a notebook's ``__main__``, which no
child can import), the exception escapes before any worker registered: without this,
the run would only learn an exit code of 1, and the traceback would be lost.

The hook reports the process as a failed worker with the real traceback, under the id
its parent gave it (``p1``; ``pid<N>`` if unknown, the id the fold gives a process that
never reported), and also writes the traceback to the process's real stderr, where an
uninstrumented child writes it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import time
import traceback
from types import TracebackType

from workloads import runtime
from workloads.events import PROCESS
from workloads.runtime import Runtime


def install(rt: Runtime, worker: str = "") -> None:
    """Make an uncaught exception of this process's main thread a failed worker."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, exc, tb))
        with contextlib.suppress(OSError):
            os.write(2, text.encode("utf-8", "replace"))
        with contextlib.suppress(Exception):
            if runtime.current() is None:
                name = multiprocessing.current_process().name
                wid = worker or f"pid{os.getpid()}"
                ctx = rt.register(wid, name, PROCESS, total=0, cpu_clock=time.process_time)
                ctx.failed(exc, text)
                rt.unregister()
            rt.close()

    sys.excepthook = hook
