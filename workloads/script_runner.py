"""Runs a user's script as ``__main__`` in the run host, under the run's instrumentation.

What :mod:`workloads.instrument` does for the demos, plus what a script needs that a
demo does not:

- **Its own start method.** A demo's processes always spawn; a script's use whatever
  it chose (``fork``, the Linux default up to 3.13, ``spawn`` or ``forkserver``):
  ``multiprocessing.Process`` is the plain class again, and every process a script
  starts is made a worker in :meth:`BaseProcess.start`, whatever its context.
- **Instrumentation before ``__main__`` is re-imported.** A spawned (or forkserver)
  child re-runs the script as ``__mp_main__`` *before* it unpickles its target, so the
  script's ``from threading import Thread`` would bind the plain class. The child's
  *preparation data*, unpickled before anything else, carries a :class:`_ChildSetup`
  whose unpickling installs the runtime first. The forkserver preloads nothing (it
  would import the script uninstrumented, and its children would inherit that).
- **No keyboard.** ``input()`` and ``sys.stdin`` read end-of-file, with a note.
- **Notebooks.** The joined cells run from memory (no temporary file): each line
  printed is tagged with its cell number (``[3] Number: 1``), and a spawned child
  rebuilds ``__mp_main__`` from the notebook the same way.
- **Python's own ending.** The script's non-daemon threads and processes are waited
  for when its last line has run, as the interpreter would.
"""

from __future__ import annotations

import builtins
import io
import linecache
import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import multiprocessing.spawn
import os
import signal
import sys
import threading
import time
import traceback
import types
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from typing import Any

from workloads import instrument, runtime, script_pool
from workloads.channel import Address
from workloads.events import PROCESS
from workloads.runtime import RunConfig, Runtime
from workloads.script import Script, ScriptKind, ScriptSource, read_source

_OriginalProcess = multiprocessing.context.Process
_original_print = builtins.print
_original_prep = multiprocessing.spawn.get_preparation_data
_original_fixup = multiprocessing.spawn._fixup_main_from_path  # type: ignore[attr-defined]

STDIN_NOTE = "[interleave] this run has no keyboard: reading stdin gives end-of-file (EOF)"
GUARD_NOTE = (
    "[interleave] A spawned child runs your file again (as __mp_main__) to find its "
    "target, and the file's top-level code failed there. Put the code that starts "
    'processes (and set_start_method) under  if __name__ == "__main__":'
)

_installed = False


# -- processes of any start method -----------------------------------------------------
class ScriptProcessPool(instrument.InstrumentedProcessPool):
    """``ProcessPoolExecutor`` for a script: its ``mp_context``, else the default one."""

    def __init__(self, max_workers: int | None = None, mp_context: Any = None, **kw: Any):
        super().__init__(max_workers, mp_context or multiprocessing.get_context(), **kw)


def _start(self: BaseProcess, _start_watched: Callable[[BaseProcess], None]) -> None:
    rt = runtime.active()
    target = getattr(self, "_target", None)
    if (
        rt is not None
        and target is not None
        and not isinstance(target, instrument._ChildEntry)
        and instrument._is_demo_code(target)
    ):
        label = str(getattr(target, "__name__", None) or self.name)
        self._target = instrument._ChildEntry(target, label, rt)  # type: ignore[attr-defined]
    elif rt is not None and script_pool.is_pool_worker(target):
        self._target = script_pool.PoolWorkerEntry(target, self.name)  # type: ignore[attr-defined,arg-type]
    elif rt is not None and target is None and instrument._overrides_run(type(self), BaseProcess):
        # class Worker(Process): def run(self): ... -- its own run is the work.
        self.run = instrument._ChildEntry(_OwnRun(), type(self).__name__, rt)  # type: ignore[method-assign]
    _start_watched(self)


class _OwnRun:
    """In the child: the process's own ``run`` (a subclass's). Picklable, stateless."""

    def __call__(self) -> None:
        process = multiprocessing.current_process()
        type(process).run(process)


def _patch_processes() -> None:
    start_watched = BaseProcess.start  # instrument's: the reaper watches it
    original_join = BaseProcess.join

    def start(self: BaseProcess) -> None:
        _start(self, start_watched)

    def join(self: BaseProcess, timeout: float | None = None) -> None:
        with runtime.waiting(f"join({self.name})"):
            original_join(self, timeout)

    BaseProcess.start = start  # type: ignore[method-assign]
    BaseProcess.join = join  # type: ignore[method-assign]
    multiprocessing.Process = _OriginalProcess  # type: ignore[misc]
    import concurrent.futures

    concurrent.futures.ProcessPoolExecutor = ScriptProcessPool  # type: ignore[misc,assignment]
    script_pool.install()
    # The forkserver would import __main__ before any child could install the runtime.
    multiprocessing.forkserver.set_forkserver_preload([])


# -- spawned and forkserver children ---------------------------------------------------
class _ChildSetup:
    """In a child's preparation data: unpickled first, it installs the runtime."""

    def __init__(self, address: Address, config: RunConfig) -> None:
        self.address = address
        self.config = config

    def __reduce__(self) -> tuple[Any, ...]:
        return (setup_script_child, (self.address, self.config))


def setup_script_child(address: Address, config: RunConfig) -> None:
    """Install the runtime in a child of a script run, before ``__main__`` is re-run."""
    rt = instrument.setup_child(address, config)
    install(rt)


def _preparation_data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = _original_prep(name)
    rt = runtime.active()
    if rt is not None:
        data["interleave"] = _ChildSetup(rt.address, rt.config)
    return data


def _fixup_main_from_path(main_path: str) -> None:
    """A child re-running the script as ``__mp_main__``; a notebook from its cells."""
    try:
        if main_path.endswith(".ipynb"):
            config = _config()
            script = config.script if config is not None else None
            if script is not None:
                module = _main_module(script, read_source(script), "__mp_main__")
                sys.modules["__main__"] = sys.modules["__mp_main__"] = module
                return
        _original_fixup(main_path)
    except BaseException as exc:
        _failed_before_target(exc)
        raise


def _failed_before_target(exc: BaseException) -> None:
    """Re-running ``__main__`` failed in a child: its worker fails, with the traceback.

    The child has no worker yet (its target is unpickled after ``__main__``), and dies
    next: report it now, under its pid, and send everything before it goes.
    """
    rt = runtime.active()
    if rt is None:
        return
    name = multiprocessing.current_process().name
    ctx = rt.register(f"pid{os.getpid()}", name, PROCESS, total=0, cpu_clock=time.process_time)
    text = _from_script_on(exc, getattr(rt.config.script, "path", "")) + "\n" + GUARD_NOTE
    print(GUARD_NOTE)
    ctx.failed(exc, text)
    rt.unregister()
    rt.close()
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__  # the host's log from here


def _from_script_on(exc: BaseException, path: str) -> str:
    """``exc``'s traceback from the script's first frame on (not multiprocessing's)."""
    tbe = traceback.TracebackException.from_exception(exc)
    frames = list(tbe.stack)
    first = next((i for i, f in enumerate(frames) if f.filename == path), 0)
    tbe.stack = traceback.StackSummary.from_list(frames[first:])
    return "".join(tbe.format())


def _config() -> RunConfig | None:
    rt = runtime.active()
    return None if rt is None else rt.config


# -- stdin -----------------------------------------------------------------------------
class NoStdin(io.TextIOBase):
    """``sys.stdin`` of a run: end-of-file at once, said once on screen."""

    def __init__(self) -> None:
        super().__init__()
        self._told = False

    def readable(self) -> bool:
        return True

    def _eof(self) -> str:
        if not self._told:
            self._told = True
            print(STDIN_NOTE)
        return ""

    def read(self, size: int | None = -1) -> str:
        return self._eof()

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        return self._eof()

    def isatty(self) -> bool:
        return False


def _input(prompt: object = "") -> str:
    if prompt:
        print(prompt)
    sys.stdin.readline()
    raise EOFError("EOF when reading a line (a run has no keyboard)")


# -- notebooks -------------------------------------------------------------------------
def _tagging_print(path: str, source: ScriptSource) -> Callable[..., None]:
    """``print`` that starts each line with the number of the cell that printed it."""

    def cell_print(
        *args: object,
        sep: str | None = " ",
        end: str | None = "\n",
        file: Any = None,
        flush: bool = False,
    ) -> None:
        cell = None
        if file is None or file is sys.stdout or file is sys.stderr:
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_filename != path:
                frame = frame.f_back  # type: ignore[assignment]
            if frame is not None:
                cell = source.cell_at(frame.f_lineno)
        if cell is None:
            _original_print(*args, sep=sep, end=end, file=file, flush=flush)
            return
        tag = f"[{cell}] "
        text = (" " if sep is None else sep).join(map(str, args))
        _original_print(tag + text.replace("\n", "\n" + tag), end=end, file=file, flush=flush)

    return cell_print


# -- the script as __main__ ------------------------------------------------------------
def _main_module(script: Script, source: ScriptSource, name: str) -> types.ModuleType:
    """A module run from ``source``, named ``name``, whose file is the script's."""
    module = types.ModuleType(name)
    module.__file__ = script.path
    module.__builtins__ = builtins  # type: ignore[attr-defined]
    if script.kind is ScriptKind.NOTEBOOK:
        # Tracebacks show the joined cells' lines, not the notebook's JSON.
        lines = source.text.splitlines(keepends=True)
        linecache.cache[script.path] = (len(source.text), None, lines, script.path)
        builtins.print = _tagging_print(script.path, source)
    code = compile(source.text, script.path, "exec", dont_inherit=True)
    sys.modules[name] = module  # before it runs: its processes pickle by this name
    exec(code, module.__dict__)
    return module


def install(rt: Runtime) -> None:
    """What a script run adds to :func:`instrument.install` (idempotent, per process)."""
    global _installed
    if _installed or rt.config.script is None:
        return
    _installed = True
    _patch_processes()
    multiprocessing.spawn.get_preparation_data = _preparation_data
    multiprocessing.spawn._fixup_main_from_path = _fixup_main_from_path  # type: ignore[attr-defined]
    sys.stdin = NoStdin()
    builtins.input = _input
    os.register_at_fork(
        before=_block_signals, after_in_parent=_unblock_signals, after_in_child=_default_signals
    )


#: The host's handlers for these kill the whole run; a forked child must not run them.
_HOST_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def _block_signals() -> None:
    # Until the child has its own handlers: a SIGTERM sent to it at once (a pool's
    # terminate()) must not find the host's handler there.
    signal.pthread_sigmask(signal.SIG_BLOCK, _HOST_SIGNALS)


def _unblock_signals() -> None:
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HOST_SIGNALS)


def _default_signals() -> None:
    """A forked child: ``p.terminate()`` or a pool's ``terminate()`` ends it alone."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _unblock_signals()


def prepare(rt: Runtime, script: Script) -> Callable[[dict[str, Any]], None]:
    """What the host calls to run ``script``: its ``main(params)``."""
    install(rt)
    source = read_source(script)

    def main(_params: dict[str, Any]) -> None:
        for note in source.notes:
            print(f"[interleave] {note}")
        sys.argv = [script.path, *script.argv]
        sys.path[0:0] = [os.path.dirname(script.path)]
        try:
            _main_module_as_main(script, source)
        except SystemExit as exc:
            if exc.code not in (None, 0):
                raise
        _wait_like_python()

    return main


def _main_module_as_main(script: Script, source: ScriptSource) -> None:
    _main_module(script, source, "__main__")


def _wait_like_python() -> None:
    """Wait for the script's non-daemon threads, then processes, as Python's exit does."""
    me = threading.current_thread()
    for t in threading.enumerate():
        if t is not me and not t.daemon and isinstance(t, instrument.InstrumentedThread):
            t.join()
    for p in multiprocessing.active_children():
        if not p.daemon:
            p.join()
