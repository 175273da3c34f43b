"""Runs one workload in each of its modes in turn and measures what each mode bought.

Every figure comes from the runs themselves: wall and CPU seconds are what the run
host measured around the demo's ``main``; speedup is sequential wall time over the
mode's; *cores busy* is CPU seconds over wall seconds (how many cores the run kept
busy on average). The conclusion sentence is written from those numbers.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from workloads.demo import Demo, Workload
from workloads.events import RunStatus
from workloads.machine_load import MachineLoad
from workloads.param import ParamError
from workloads.run_session import RunSession
from workloads.run_state import RunState
from workloads.runtime import RunConfig
from workloads.text_bar import bar

SEQUENTIAL = "sequential"
#: The mode that runs the pool on a Dask cluster (workloads/dask_cluster.py).
DASK = "dask"
#: Modes that share one interpreter (one GIL), and modes with a process per worker.
THREAD_MODES = ("threads", "thread-pool")
PROCESS_MODES = ("processes", "process-pool")
#: A speedup below this is "about the same as sequential" in the conclusion.
GAIN = 1.3


#: Other load (cores, averaged over a mode) above which that mode's figures are suspect.
BUSY_MACHINE = 0.3


class LoadMeter(Protocol):
    """What measures the machine's other load around one run (``MachineLoad``)."""

    def start(self) -> None: ...

    def stop(self, run_cpu_s: float) -> float: ...


class Stopped(Exception):
    """The comparison was cancelled."""


class Runner(Protocol):
    """What runs one configuration to the end (``run_to_end``, or a fake in tests)."""

    def __call__(
        self,
        config: RunConfig,
        *,
        python: str | None = ...,
        on_start: Callable[[RunSession], None] | None = ...,
    ) -> RunState: ...


class Stopper:
    """Stops a comparison from another thread: the run in progress and those to come."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stopped = False
        self._session: RunSession | None = None

    @property
    def stopped(self) -> bool:
        """Whether :meth:`stop` was called."""
        return self._stopped

    def attach(self, session: RunSession) -> None:
        """The run now in progress (cancelled at once if the comparison was stopped)."""
        with self._lock:
            self._session = session
            stopped = self._stopped
        if stopped:
            session.cancel()

    def stop(self) -> None:
        """Cancel the run in progress; :func:`compare` raises :class:`Stopped` next."""
        with self._lock:
            self._stopped = True
            session = self._session
        if session is not None:
            session.cancel()


@dataclass
class ModeResult:
    """The measurements of one mode."""

    mode: str
    status: RunStatus
    wall_s: float | None = None
    cpu_s: float | None = None
    speedup: float | None = None
    error: str = ""
    #: Average cores busy with other work on the machine while this mode ran.
    background_cores: float | None = None

    @property
    def cores_busy(self) -> float | None:
        """CPU seconds per wall second: about 1 for one busy core, N for N cores."""
        if self.wall_s is None or self.cpu_s is None or self.wall_s <= 0:
            return None
        return self.cpu_s / self.wall_s

    def document(self) -> dict[str, Any]:
        """JSON-ready data."""
        doc: dict[str, Any] = {
            "mode": self.mode,
            "wall_s": _round(self.wall_s),
            "cpu_s": _round(self.cpu_s),
            "speedup": _round(self.speedup, 3),
            "cores_busy": _round(self.cores_busy, 3),
            "background_cores": _round(self.background_cores, 3),
            "status": self.status,
        }
        if self.error:
            doc["error"] = self.error
        return doc


@dataclass
class Comparison:
    """A workload measured in each mode."""

    demo: str
    params: dict[str, Any]
    cores: int
    modes: list[ModeResult] = field(default_factory=list)
    python: str = ""
    gil_enabled: bool = True
    workload: Workload = "cpu"

    def mode(self, name: str) -> ModeResult | None:
        """The result of mode ``name``, if it ran."""
        return next((m for m in self.modes if m.mode == name), None)

    @property
    def ok(self) -> bool:
        """Whether every mode finished."""
        return bool(self.modes) and all(m.status == RunStatus.FINISHED for m in self.modes)

    @property
    def background_cores(self) -> float | None:
        """Other load on the machine, averaged over every mode (by wall time)."""
        measured = [m for m in self.modes if m.background_cores is not None and m.wall_s]
        wall = sum(m.wall_s or 0.0 for m in measured)
        if not measured or wall <= 0:
            return None
        return sum((m.background_cores or 0.0) * (m.wall_s or 0.0) for m in measured) / wall

    @property
    def warnings(self) -> list[str]:
        """What makes these figures less trustworthy, in words (empty when clean)."""
        return warnings(self)

    def conclusion(self) -> str:
        """One or two sentences saying what the measurements show."""
        return conclusion(self)

    def document(self) -> dict[str, Any]:
        """The JSON document of ``interleave compare --json``."""
        return {
            "demo": self.demo,
            "params": self.params,
            "cores": self.cores,
            "python": self.python,
            "gil_enabled": self.gil_enabled,
            "workload": self.workload,
            "modes": [m.document() for m in self.modes],
            "background_cores": _round(self.background_cores, 3),
            "warnings": self.warnings,
            "conclusion": self.conclusion(),
        }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def has_modes(demo: Demo) -> bool:
    """Whether ``demo`` can be compared (it has a ``mode`` with a sequential choice)."""
    try:
        modes_of(demo)
    except ParamError:
        return False
    return True


def modes_of(demo: Demo) -> tuple[str, ...]:
    """The modes of a demo (the choices of its ``mode`` option), sequential first."""
    try:
        choices = demo.param("mode").choices
    except ParamError:
        raise ParamError(
            f"demo {demo.id!r} has no --mode, so there is nothing to compare"
        ) from None
    if SEQUENTIAL not in choices:
        raise ParamError(f"demo {demo.id!r} has no sequential mode to compare against")
    return (SEQUENTIAL, *(m for m in choices if m != SEQUENTIAL))


def _default_runner() -> Runner:
    from workloads.run_session import run_to_end

    return run_to_end


def compare(
    demo: Demo,
    params: Mapping[str, Any],
    *,
    time_scale: float = 1.0,
    python: str | None = None,
    modes: Sequence[str] | None = None,
    runner: Runner | None = None,
    on_mode: Callable[[str, ModeResult | None], None] | None = None,
    stopper: Stopper | None = None,
    on_session: Callable[[RunSession], None] | None = None,
    load_meter: Callable[[], LoadMeter] = MachineLoad,
) -> Comparison:
    """Run ``demo`` with ``params`` once per mode, in turn, and measure each run.

    ``on_mode(mode, None)`` is called when a mode starts and ``on_mode(mode, result)``
    when it ends. ``stopper.stop()`` cancels the current run (its whole process group)
    and makes this raise :class:`Stopped`. ``on_session`` sees each run's session once
    it started (an app registers them, to stop them when it quits). ``load_meter``
    measures the machine's other load during each mode (faked in tests).
    """
    run = runner or _default_runner()
    names = tuple(modes) if modes is not None else modes_of(demo)
    base = {k: v for k, v in params.items() if k != "mode"}
    shared = {k: v for k, v in demo.resolve(base).items() if k != "mode"}
    result = Comparison(demo.id, shared, os.cpu_count() or 1, workload=demo.workload)
    sequential_wall: float | None = None
    stopper = stopper or Stopper()

    def on_start(session: RunSession) -> None:
        if on_session is not None:
            on_session(session)
        stopper.attach(session)

    for name in names:
        if stopper.stopped:
            raise Stopped
        if on_mode is not None:
            on_mode(name, None)
        config = demo.config({**base, "mode": name}, time_scale)
        meter = load_meter()
        meter.start()
        state = run(config, python=python, on_start=on_start)
        background = meter.stop(_run_cpu(state))
        if stopper.stopped:
            raise Stopped
        result.python, result.gil_enabled = state.python, state.gil_enabled
        measured = _measured(name, state)
        measured.background_cores = background
        if name == SEQUENTIAL and state.status == RunStatus.FINISHED:
            sequential_wall = state.wall_s
        if sequential_wall and measured.wall_s and state.status == RunStatus.FINISHED:
            measured.speedup = sequential_wall / measured.wall_s
        result.modes.append(measured)
        if on_mode is not None:
            on_mode(name, measured)
    return result


def _run_cpu(state: RunState) -> float:
    """CPU seconds of the whole run (start-up included when the session measured it)."""
    if state.total_cpu_s is not None:
        return state.total_cpu_s
    return state.cpu_s or 0.0


def _measured(mode: str, state: RunState) -> ModeResult:
    """A run's figures; a run in which a worker failed measured nothing worth comparing."""
    status, error = state.status, state.error
    if status == RunStatus.FINISHED and not state.ok:
        w = state.failed_workers[0]
        status, error = RunStatus.FAILED, f"{w.id} {w.name}: {w.error}"
    return ModeResult(mode, status, state.wall_s, state.cpu_s, error=error)


# -- the conclusion ----------------------------------------------------------------------
def _first(c: Comparison, names: Sequence[str]) -> ModeResult | None:
    """The first of ``names`` that ran to the end (the plain mode before its pool)."""
    ran = [m for m in (c.mode(n) for n in names) if m is not None and m.speedup is not None]
    return ran[0] if ran else None


def _best(c: Comparison, names: Sequence[str]) -> ModeResult | None:
    ran = [m for m in (c.mode(n) for n in names) if m is not None and m.speedup is not None]
    return max(ran, key=lambda m: m.speedup or 0.0, default=None)


def distorted(m: ModeResult) -> bool:
    """Whether other load on the machine kept enough cores busy to distort ``m``."""
    return m.background_cores is not None and m.background_cores >= BUSY_MACHINE


def warnings(c: Comparison) -> list[str]:
    """Each mode whose figures other load on the machine distorted, in words."""
    return [
        f"other programs kept {m.background_cores or 0.0:.1f} of {c.cores} cores busy "
        f"during {m.mode}: its figures understate what it can do"
        for m in c.modes
        if distorted(m)
    ]


def conclusion(c: Comparison) -> str:
    """What the numbers say, in words, with the numbers.

    Written from the kind of work as well as the figures: arithmetic is never said to
    speed up "because it waits", and figures taken on a busy machine are not explained
    by the work at all.
    """
    failed = [m.mode for m in c.modes if m.status != RunStatus.FINISHED]
    seq = c.mode(SEQUENTIAL)
    if seq is None or seq.speedup is None:
        return "The sequential run did not finish, so there is no baseline to compare against."
    threads, processes = _first(c, THREAD_MODES), _first(c, PROCESS_MODES)
    cores = f"{c.cores} core" + ("s" if c.cores != 1 else "")
    parts = [f"{m.mode} {m.speedup:.1f}x" for m in (threads, processes) if m and m.speedup]
    figures = ", ".join(parts) + f" on {cores}" if parts else f"on {cores}"
    t = threads.speedup if threads else None
    p = processes.speedup if processes else None
    if threads is not None and processes is not None and t is not None and p is not None:
        text = _explain(c, figures, threads, processes, t, p)
    else:
        best = _best(c, [m.mode for m in c.modes])
        text = f"fastest: {best.mode} {best.speedup:.1f}x ({figures})." if best else figures
    text += _asyncio_note(c)
    text += _dask_note(c)
    hit = [m.mode for m in c.modes if distorted(m)]
    if hit:  # named here: a reader of the screen or the text has no "warnings" list
        names = hit[0] if len(hit) == 1 else ", ".join(hit[:-1]) + " and " + hit[-1]
        text += f" Other load on the machine distorted {names}."
    if failed:
        text += f" Not finished: {', '.join(failed)}."
    return text[0].upper() + text[1:]


def _explain(
    c: Comparison, figures: str, threads: ModeResult, processes: ModeResult, t: float, p: float
) -> str:
    """The sentence for a comparison where both a thread mode and a process mode ran."""
    if not c.gil_enabled and t >= GAIN:
        return (
            f"{figures}: with the GIL off in this interpreter, threads run Python code "
            f"in parallel too ({_busy(threads)} busy)."
        )
    busy = c.background_cores
    # Only when no mode gained: beside threads at 1.7x, "no mode was faster" is false.
    best = _best(c, [m.mode for m in c.modes])
    top = max(t, p, best.speedup or 0.0 if best else 0.0)
    if top < GAIN and c.warnings and busy is not None:
        return (
            f"{figures}: no mode was much faster than sequential, because other programs "
            f"kept {busy:.1f} of the {c.cores} cores busy on average; measure again on a "
            f"quiet machine."
        )
    if c.workload == "cpu":
        if p >= GAIN and t < GAIN:
            return (
                f"{figures}: CPU-bound work needs processes. Threads take turns holding the "
                f"GIL, so they kept {_busy(threads)} busy; processes kept {_busy(processes)}."
            )
        if t >= GAIN:  # arithmetic under one GIL cannot speed up: the baseline was off
            return (
                f"{figures}: threads cannot speed up pure arithmetic under the GIL, so the "
                f"sequential baseline was slowed by something else; measure again."
            )
        return (
            f"{figures}: no mode was much faster than sequential; the work is too short "
            f"to pay for starting processes, or the cores were busy with something else."
        )
    if t >= GAIN and t >= 0.9 * p:
        reason = (
            "the work mostly waits, and waiting threads release the GIL, so threads overlap "
            "the waits as well as processes, without starting any"
        )
        if c.workload == "mixed":
            reason = (
                "the work mostly waits (fetching), and waiting threads release the GIL; the "
                "parsing in between still takes turns"
            )
        return f"{figures}: {reason}."
    if t >= GAIN:
        return (
            f"{figures}: threads help because the work waits, processes help more "
            f"because they also compute in parallel."
        )
    if p < GAIN:
        return (
            f"{figures}: no mode was much faster than sequential; the work is too short "
            f"or the cores were busy with something else."
        )
    return f"{figures}."


def _asyncio_note(c: Comparison) -> str:
    """A sentence on the asyncio mode, if it ran (io-bound has one)."""
    m = c.mode("asyncio")
    if m is None or m.speedup is None:
        return ""
    if m.speedup >= GAIN and c.workload != "cpu":
        return f" asyncio {m.speedup:.1f}x: its tasks overlap the waits in one thread."
    return f" asyncio {m.speedup:.1f}x."


def _dask_note(c: Comparison) -> str:
    """What the dask row says beside the local pool that does the same work."""
    d = c.mode(DASK)
    if d is None or d.speedup is None:
        return ""
    pool = _first(c, ("process-pool", "processes"))
    remote = " (its workers' CPU is on the cluster's machines, not counted here)"
    note = remote if c.params.get("scheduler") else ""
    if pool is None or pool.speedup is None:
        return f" dask {d.speedup:.1f}x{note}."
    if d.speedup < 0.95 * pool.speedup:
        return (
            f" dask {d.speedup:.1f}x, below {pool.mode} {pool.speedup:.1f}x{note}: the same "
            f"processes, plus a scheduler every task goes to and comes back from, the function "
            f"and its arguments pickled over TCP each time, and a cluster to start and stop. "
            f"It pays off when one machine's cores are not enough."
        )
    return (
        f" dask {d.speedup:.1f}x, about as fast as {pool.mode} {pool.speedup:.1f}x{note}: "
        f"its cost per task is small next to tasks this long."
    )


def _busy(m: ModeResult) -> str:
    busy = m.cores_busy
    return "? cores" if busy is None else f"{busy:.1f} core" + ("" if busy == 1 else "s")


# -- as text -----------------------------------------------------------------------------
def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def table_rows(c: Comparison) -> list[tuple[str, ...]]:
    """The table's rows as text: mode, wall s, CPU s, speedup, cores busy, status."""
    return [
        (
            m.mode,
            _fmt(m.wall_s, ".2f"),
            _fmt(m.cpu_s, ".2f"),
            _fmt(m.speedup, ".2f") + ("x" if m.speedup is not None else ""),
            _fmt(m.cores_busy, ".2f"),
            _note(m),
        )
        for m in c.modes
    ]


def _note(m: ModeResult) -> str:
    """The table's last column: how a mode ended if not well, or that it was distorted."""
    if m.status != RunStatus.FINISHED:
        return m.status
    return f"other load {m.background_cores or 0.0:.1f}" if distorted(m) else ""


TABLE_HEADER = ("mode", "wall s", "cpu s", "speedup", "cores busy", "")


def table_text(c: Comparison) -> str:
    """The comparison as an aligned text table."""
    rows = [TABLE_HEADER, *table_rows(c)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(TABLE_HEADER))]
    lines = []
    for r in rows:
        cells = [r[0].ljust(widths[0])] + [r[i].rjust(widths[i]) for i in range(1, len(r) - 1)]
        lines.append("  ".join([*cells, r[-1]]).rstrip())
    return "\n".join(lines)


def bars(c: Comparison, width: int = 40) -> list[tuple[str, str, str]]:
    """Per mode: its name, a bar of speedup (scaled to the best), and the figure."""
    best = max((m.speedup or 0.0 for m in c.modes), default=0.0)
    scale = max(best, float(c.cores), 1.0)
    out: list[tuple[str, str, str]] = []
    for m in c.modes:
        if m.speedup is None:
            out.append((m.mode, "", str(m.status)))
            continue
        out.append((m.mode, bar(m.speedup / scale, width).rstrip(), f"{m.speedup:.2f}x"))
    return out


def chart_text(c: Comparison, width: int = 40) -> str:
    """Speedup against sequential as a bar chart (the scale reaches the core count)."""
    rows = bars(c, width)
    name_w = max((len(r[0]) for r in rows), default=0)
    scale = max([m.speedup or 0.0 for m in c.modes] + [float(c.cores), 1.0])
    lines = [f"speedup vs sequential (a full bar is {scale:.1f}x; {c.cores} cores)"]
    lines += [f"{name:<{name_w}}  {b:<{width}}  {fig}".rstrip() for name, b, fig in rows]
    return "\n".join(lines)


def report_text(c: Comparison) -> str:
    """The whole comparison for a terminal: heading, table, chart, conclusion."""
    gil = "on" if c.gil_enabled else "off"
    params = ", ".join(f"{k}={v}" for k, v in c.params.items())
    heading = f"{c.demo} ({params}) · {c.cores} cores · Python {c.python} · GIL {gil}"
    parts = [heading, table_text(c), chart_text(c), c.conclusion()]
    if c.warnings:
        parts.append("\n".join(f"warning: {w}" for w in c.warnings))
    return "\n\n".join(parts)
