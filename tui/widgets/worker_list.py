"""One line per worker: the run's workers when there are more than panels can hold.

A Line API widget: only the rows on screen are drawn, so a run of 256 workers costs
what its dozen visible rows cost, and nothing is mounted per worker. The header row
stays put while the rows scroll; the border says how many workers are in each state.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from textual.cache import LRUCache
from textual.content import Content
from textual.events import Click
from textual.geometry import Size
from textual.markup import escape
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from tui.messages import WorkerChosen
from tui.widgets.worker_colors import WorkerColors
from tui.widgets.worker_panel import STATE_STYLES, cpu_text, live_state
from workloads.cpu_sampler import CpuSample
from workloads.events import (
    CANCELLED,
    DONE,
    FAILED,
    PROCESS,
    READY,
    RUNNING,
    THREAD,
    WAITING,
    State,
)
from workloads.run_state import WorkerState
from workloads.text_bar import bar

#: Lines above the rows: the column names.
HEADER_LINES = 1
#: Order of the per-state counts in the border: what is happening first.
COUNT_ORDER = (RUNNING, State.GIL, State.CORE, READY, WAITING, FAILED, CANCELLED, DONE)
#: Short names of the worker kinds for narrow lists (the header says "kind").
KIND_SHORT = {THREAD: "thr", PROCESS: "proc"}


class Columns(NamedTuple):
    """Cell widths of one row; ``progress`` takes what the others leave."""

    label: int
    kind: int
    ids: int
    state: int
    progress: int
    cpu: int


def columns(width: int, state: int = len(" WAITING ")) -> Columns:
    """The row layout for ``width`` cells (the same for every row, so columns align).

    ``state`` is the widest state badge in the list (``CANCELLED`` is rare and long).
    """
    label = max(6, min(18, width // 5))
    kind = 7 if width >= 72 else 4
    ids = 13 if width >= 64 else 9
    cpu = 6 if width >= 64 else 5
    progress = max(0, width - (label + kind + ids + state + cpu + 5))
    return Columns(label, kind, ids, state, progress, cpu)


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells (with an ellipsis) and padded to it."""
    if width <= 0:
        return ""
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text.ljust(width)


class WorkerList(ScrollView, can_focus=True):
    """Rows of ``id name  kind  pid/tid  STATE  progress  cpu``, one per worker."""

    DEFAULT_CSS = """
    WorkerList {
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

    def __init__(self, colors: WorkerColors, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.worker_colors = colors
        self._workers: list[WorkerState] = []
        self._states: list[State] = []
        self._badge_w = 0
        self._sample: CpuSample | None = None
        # Rows whose content did not change are not drawn again (scrolling, repaints).
        self._rows: LRUCache[tuple[object, ...], Strip] = LRUCache(512)

    @property
    def rows(self) -> int:
        """How many worker rows the list holds (all of them, on screen or not)."""
        return len(self._workers)

    def show(self, workers: list[WorkerState], now: float, sample: CpuSample | None) -> None:
        """Show these workers (a list the caller will not change) as of ``now``."""
        self._workers = workers
        self._states = states = [live_state(w, now) for w in workers]
        self._badge_w = max((len(state) for state in set(states)), default=0) + 2
        self._sample = sample
        self.virtual_size = Size(0, len(workers) + HEADER_LINES)
        self._set_titles()
        self.refresh()

    # -- drawing ---------------------------------------------------------------------------
    def _set_titles(self) -> None:
        n = len(self._workers)
        self.border_title = f"[b]{n}[/] workers"
        counts = Counter(self._states)
        parts = [
            f"[b {STATE_STYLES.get(state, '$foreground')}]{counts[state]}[/] {state}"
            for state in COUNT_ORDER
            if counts[state]
        ]
        self.border_subtitle = " · ".join(parts)

    def worker_at(self, y: int) -> WorkerState | None:
        """The worker on line ``y`` of the content (0 is the column names), if any."""
        index = self.scroll_offset.y + y - HEADER_LINES
        if y < HEADER_LINES or not 0 <= index < len(self._workers):
            return None
        return self._workers[index]

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        worker = None if offset is None else self.worker_at(offset.y)
        if worker is not None:
            event.stop()
            self.post_message(WorkerChosen(worker.id))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        layout = columns(width, self._badge_w)
        if y < HEADER_LINES:
            return self._strip(self._header(layout), width)
        index = self.scroll_offset.y + y - HEADER_LINES
        if not 0 <= index < len(self._workers):
            return Strip.blank(width, self.rich_style)
        w, state = self._workers[index], self._states[index]
        cpu = cpu_text(w, self._sample, short=True)
        color = self.worker_colors(w.id)
        key: tuple[object, ...] = (w.id, w.name, w.kind, w.pid, w.tid, state, w.done, w.total)
        key += (cpu, color, layout, width, self.app.theme, w.error)
        strip = self._rows.get(key)
        if strip is None:
            strip = self._rows[key] = self._strip(self._row(w, state, cpu, color, layout), width)
        return strip

    def _strip(self, markup: str, width: int) -> Strip:
        # Through Content, so that theme variables ($success...) resolve as in the panels.
        content = Content.from_markup(markup)
        strips = Visual.to_strips(self, content, width, 1, self.visual_style, pad=True)
        return strips[0] if strips else Strip.blank(width, self.rich_style)

    @staticmethod
    def _header(c: Columns) -> str:
        cells = (
            _fit("worker", c.label),
            _fit("kind", c.kind),
            _fit("pid/tid", c.ids),
            _fit("state", c.state),
            _fit("progress", c.progress),
            "cpu".rjust(c.cpu),
        )
        return f"[b $text-muted]{escape(' '.join(cells))}[/]"

    @staticmethod
    def _row(w: WorkerState, state: State, cpu: str, color: str, c: Columns) -> str:
        name = "" if w.name in ("", w.id) else w.name
        label = _fit(f"{w.id} {name}".rstrip(), c.label)
        ident, rest = label[: len(w.id)], label[len(w.id) :]
        kind = str(w.kind) if c.kind >= len(str(w.kind)) else KIND_SHORT.get(w.kind, str(w.kind))
        # Threads share their process's pid: dim it, the tid is what tells them apart.
        ids = str(w.pid) if w.kind == PROCESS else f"{w.pid}/{w.tid}"
        if len(ids) > c.ids:
            ids = "…" + ids[-(c.ids - 1) :]
        pid, sep, tid = ids.partition("/")
        ids_markup = f"[$text-muted]{escape(pid + sep)}[/]{tid}" if sep else escape(pid)
        ids_markup += " " * (c.ids - len(ids))
        word = f" {state.upper()} "
        badge = f"[b $background on {STATE_STYLES.get(state, '$foreground')}]{word}[/]"
        badge += " " * (c.state - len(word))
        return " ".join(
            (
                f"[b {color}]{escape(ident)}[/][$text-muted]{escape(rest)}[/]",
                _fit(kind, c.kind),
                ids_markup,
                badge,
                WorkerList._progress(w, color, c.progress),
                cpu.rjust(c.cpu),
            )
        )

    @staticmethod
    def _progress(w: WorkerState, color: str, width: int) -> str:
        if w.total:
            count = f" {w.done}/{w.total}"
            room = width - len(count)
            if room < 2:  # no room for a bar: the count alone says it
                return _fit(count.strip(), width)
            return f"[{color}]{bar(w.done / w.total, room)}[/]{count}"
        text = f"{w.done} done" if w.done else "–"
        return f"[$text-muted]{escape(_fit(text, width))}[/]"
