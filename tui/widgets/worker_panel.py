"""One panel per thread or process of the run: state, progress, CPU, last lines."""

from __future__ import annotations

from collections import defaultdict

from textual.events import Resize
from textual.markup import escape
from textual.widgets import Static

from workloads.cpu_sampler import CpuSample
from workloads.events import CANCELLED, DONE, FAILED, PROCESS, READY, RUNNING, WAITING, State
from workloads.run_state import WorkerState
from workloads.text_bar import bar

#: How far back the live state word looks at the worker's spans.
LIVE_WINDOW_S = 0.25

#: Theme variables per state: the colour of the state word, in panels and list rows.
STATE_STYLES = {
    RUNNING: "$success",
    WAITING: "$primary",
    READY: "$warning",
    DONE: "$secondary",
    FAILED: "$error",
    CANCELLED: "$warning",
}


def live_state(w: WorkerState, now: float, window: float = LIVE_WINDOW_S) -> State:
    """The state to show now: the dominant span state of the last ``window`` seconds.

    A span is only reported when it ends, so an ongoing wait is known from the
    worker's ``state`` (set live by ``StateChanged``), which wins for waits and ends.
    """
    spans = w.spans
    # The list may be shared with the live fold, which appends to it: read by index,
    # up to a length taken once, never through an iterator.
    n = len(spans)
    if w.over or w.state == WAITING or not n:
        return w.state
    since = now - window
    time_in: dict[State, float] = defaultdict(float)
    for i in range(n - 1, -1, -1):
        span = spans[i]
        if span.end <= since:
            break
        time_in[span.state] += span.end - max(span.start, since)
    if not time_in:
        return w.state
    return max(time_in.items(), key=lambda kv: kv[1])[0]


def cpu_percent(w: WorkerState, sample: CpuSample | None) -> float | None:
    """The worker's CPU% (of one core) in the latest reading, if the reading has it."""
    if sample is None:
        return None
    return sample.process_pct.get(w.pid) if w.kind == PROCESS else sample.thread_pct.get(w.tid)


def cpu_text(w: WorkerState, sample: CpuSample | None, short: bool = False) -> str:
    """``cpu 12%`` while it runs, ``cpu 0.11 s`` once over; ``short`` drops the word."""
    if w.cpu_s is not None:
        return f"{w.cpu_s:.2f}s" if short else f"cpu {w.cpu_s:.2f} s"
    pct = cpu_percent(w, sample)
    if pct is None:
        return "–" if short else "cpu –"
    return f"{pct:.0f}%" if short else f"cpu {pct:3.0f}%"


class WorkerPanel(Static):
    """A bordered panel for one worker; redrawn by :meth:`show` (only when it changed)."""

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
        self._badge = "[b]PROCESS[/]" if worker.kind == PROCESS else "[b]THREAD[/]"
        self.border_subtitle = self._badge

    def show(self, w: WorkerState, now: float, sample: CpuSample | None) -> None:
        """Redraw from the worker's state, the time and the latest CPU reading."""
        self._shown = (w, now, sample)
        state = live_state(w, now)
        cpu = cpu_text(w, sample)
        width = self.content_size.width
        height = self.content_size.height
        tail = tuple(w.lines)[-max(0, height - 3) :] if height > 3 else ()
        key = (state, w.detail, cpu, w.done, w.total, tail, width, height, w.pid, w.tid)
        if key == self._last:
            return
        self._last = key
        # CPU sits in the border beside the badge, so the ids line always has room
        # for both pid and tid: same pid, different tids is the lesson of threads.
        self.border_subtitle = f"{cpu} · {self._badge}"
        # The grid fixes the panel's size: a repaint, never a layout pass (that is
        # what keeps the UI under 5% of a core while many panels change).
        self.update(self._render_text(state, w, tail, width, height), layout=False)

    def on_resize(self, event: Resize) -> None:
        # A panel shown before its first layout (a replay draws once) had no size yet.
        if self._shown is not None:
            self.show(*self._shown)

    def _render_text(
        self,
        state: State,
        w: WorkerState,
        tail: tuple[str, ...],
        width: int,
        height: int,
    ) -> str:
        style = STATE_STYLES.get(state, "$foreground")
        word = f" {state.upper()} "
        detail = w.detail if state == w.state else ""
        detail = detail[: max(0, width - len(word) - 1)]
        line1 = f"[b $background on {style}]{word}[/]" + (
            f" [dim]{escape(detail)}[/]" if detail else ""
        )
        ids = f"pid {w.pid}" if w.kind == PROCESS else f"pid {w.pid} · tid {w.tid}"
        if len(ids) > width:
            ids = f"pid {w.pid} tid {w.tid}" if w.kind != PROCESS else ids
        line_ids = f"[dim]{escape(ids)}[/]"
        if w.total:
            count = f" {w.done}/{w.total}"
            line2 = f"[{self.color}]{bar(w.done / w.total, width - len(count))}[/]{count}"
        elif w.done:
            line2 = f"{w.done} done"
        else:
            line2 = "[dim]runs main()[/]" if w.id == "main" else "[dim]–[/]"
        lines = [line1, line2] if height < 3 else [line1, line_ids, line2]
        lines += [f"[dim]›[/] {escape(text[: max(0, width - 2)])}" for text in tail]
        return "\n".join(lines)
