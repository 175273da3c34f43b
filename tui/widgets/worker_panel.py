"""One panel per thread or process of the run: state, progress, CPU, last lines."""

from __future__ import annotations

import textwrap

from textual.events import Click, Resize
from textual.markup import escape
from textual.widgets import Static

from tui.markup_lines import markup_lines
from tui.messages import WorkerChosen
from tui.themes import STATE_COLORS
from workloads.cpu_sampler import CpuSample
from workloads.events import FAILED, PROCESS, State
from workloads.run_state import WorkerState
from workloads.text_bar import bar

#: Theme variables per state: the colour of the state word, in panels and list rows.
STATE_STYLES = STATE_COLORS
#: What the scheduler sampler's states mean, beside the state word.
SAMPLED_DETAIL = {State.GIL: "waits for the GIL", State.CORE: "waits for a free core"}


def live_state(w: WorkerState, now: float) -> State:
    """The state word to show now (see :meth:`WorkerState.live_state`)."""
    return w.live_state(now)


def cpu_percent(w: WorkerState, sample: CpuSample | None) -> float | None:
    """The worker's CPU% (of one core) in the latest reading, if the reading has it;
    else what the worker last measured itself (a remote Dask worker), if anything."""
    if sample is not None:
        pct = sample.process_pct.get(w.pid) if w.kind == PROCESS else sample.thread_pct.get(w.tid)
        if pct is not None:
            return pct
    return w.reported_cpu


def cpu_text(w: WorkerState, sample: CpuSample | None, short: bool = False) -> str:
    """``cpu 12%`` while it runs, ``cpu 0.11 s`` once over; ``short`` drops the word."""
    if w.cpu_s is not None:
        return f"{w.cpu_s:.2f}s" if short else f"cpu {w.cpu_s:.2f} s"
    # A worker that ended without a figure (cancelled, killed) uses no CPU any more:
    # the last reading while it ran would say otherwise.
    pct = None if w.over else cpu_percent(w, sample)
    if pct is None:
        return "–" if short else "cpu –"
    return f"{pct:.0f}%" if short else f"cpu {pct:3.0f}%"


def fit_subtitle(cpu: str, cpu_short: str, badge: str, room: int) -> str:
    """The border subtitle for ``room`` cells: CPU and kind badge, the CPU shortened or
    dropped first, so that the badge is never cut (``PROCE…`` tells nobody anything)."""
    for text in (f"{cpu} · {badge}", f"{cpu_short} · {badge}"):
        if len(text) <= room:
            return text
    return badge


def error_lines(error: str, width: int, rows: int) -> list[str]:
    """A worker's error wrapped to ``width`` in at most ``rows`` lines (the last one cut)."""
    if rows <= 0 or width <= 0:
        return []
    lines = textwrap.wrap(" ".join(error.split()), width) or [""]
    if len(lines) > rows:
        last = " ".join(lines[rows - 1 :])
        lines = [*lines[: rows - 1], last[: width - 1] + "…"]
    return lines


class WorkerPanel(Static):
    """A bordered panel for one worker; redrawn by :meth:`show` (only when it changed).

    A failed worker's panel says why (its exception line, or "killed by SIGKILL");
    a click on a panel asks the screen for that worker's traceback.
    """

    def __init__(self, worker: WorkerState, color: str) -> None:
        classes = "-process" if worker.kind == PROCESS else "-thread"
        if worker.id == "main":
            classes += " -main"
        super().__init__(classes=classes)
        self.worker_id = worker.id
        self.color = color
        self._last: tuple[object, ...] | None = None
        self._shown: tuple[WorkerState, float, CpuSample | None] | None = None
        self.border_title = f"[b {color}]{escape(worker.id)}[/] {escape(worker.name)}"
        self._kind = "PROCESS" if worker.kind == PROCESS else "THREAD"
        self.border_subtitle = f"[b]{self._kind}[/]"

    def show(self, w: WorkerState, now: float, sample: CpuSample | None) -> None:
        """Redraw from the worker's state, the time and the latest CPU reading."""
        self._shown = (w, now, sample)
        state = live_state(w, now)
        cpu = cpu_text(w, sample)
        width = self.content_size.width
        height = self.content_size.height
        tail = tuple(w.lines)[-max(0, height - 3) :] if height > 3 else ()
        key = (state, w.detail, cpu, w.done, w.total, tail, width, height, w.pid, w.tid, w.error)
        if key == self._last:
            return
        self._last = key
        # CPU sits in the border beside the badge, so the ids line always has room
        # for both pid and tid: same pid, different tids is the lesson of threads.
        # In the border: the corners, a dash and a space each side: the content width,
        # less two (the padding is one each side).
        subtitle = fit_subtitle(cpu, cpu_text(w, sample, short=True), self._kind, width - 2)
        self.border_subtitle = subtitle.replace(self._kind, f"[b]{self._kind}[/]")
        # The grid fixes the panel's size: a repaint, never a layout pass (that is
        # what keeps the UI under 5% of a core while many panels change).
        self.update(markup_lines(self._render_lines(state, w, tail, width, height)), layout=False)

    def on_resize(self, event: Resize) -> None:
        # A panel shown before its first layout (a replay draws once) had no size yet.
        if self._shown is not None:
            self.show(*self._shown)

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(WorkerChosen(self.worker_id))

    def _render_lines(
        self,
        state: State,
        w: WorkerState,
        tail: tuple[str, ...],
        width: int,
        height: int,
    ) -> list[str]:
        style = STATE_STYLES.get(state, "$foreground")
        word = f" {state.upper()} "
        detail = w.detail if state == w.state else SAMPLED_DETAIL.get(state, "")
        if state == FAILED and w.traceback:
            detail = "e: traceback"
        detail = detail[: max(0, width - len(word) - 1)]
        line1 = f"[b $background on {style}]{word}[/]" + (
            f" [$text-muted]{escape(detail)}[/]" if detail else ""
        )
        ids = f"pid {w.pid}" if w.kind == PROCESS else f"pid {w.pid} · tid {w.tid}"
        if len(ids) > width:
            ids = f"pid {w.pid} tid {w.tid}" if w.kind != PROCESS else ids
        line_ids = f"[$text-muted]{escape(ids)}[/]"
        if w.total:
            count = f" {w.done}/{w.total}"
            line2 = f"[{self.color}]{bar(w.done / w.total, width - len(count))}[/]{count}"
        elif w.done:
            line2 = f"{w.done} done"
        else:
            line2 = "[$text-muted]the main thread[/]" if w.id == "main" else "[$text-muted]–[/]"
        lines = [line1, line2] if height < 3 else [line1, line_ids, line2]
        if state == FAILED and w.error:
            # Why it failed comes right after the state word: the ids and the progress
            # are what is cut when the panel is short.
            why = error_lines(w.error, width, 1 if height <= 2 else 2)
            lines = [line1, *(f"[b $error]{escape(text)}[/]" for text in why), *lines[1:]]
            return lines[:height]
        lines += [f"[$text-muted]›[/] {escape(text[: max(0, width - 2)])}" for text in tail]
        return lines
