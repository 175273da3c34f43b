"""One panel per thread or process of the run: state, progress, CPU, last lines.

A panel is not a widget: :class:`~tui.widgets.worker_board.WorkerBoard` draws every
panel of the run as lines of one widget. A widget per panel cost a mount and a layout
of the whole screen per arrival, and a redraw of the whole panel, border and all,
whenever its CPU figure moved; as lines, an arrival is a repaint of its rows, and a
new CPU figure a repaint of one border line.

:class:`WorkerPanel` works out a panel's lines as markup, each with what frames it
(:class:`PanelLine`); the board turns them into strips, and repaints only the lines
whose markup changed.
"""

from __future__ import annotations

import textwrap
from typing import NamedTuple

from textual.content import Content

from tui.themes import STATE_COLORS
from workloads.cpu_sampler import CpuSample
from workloads.events import FAILED, PROCESS, State
from workloads.run_state import WorkerState
from workloads.text_bar import bar

#: Theme variables per state: the colour of the state word, in panels and list rows.
STATE_STYLES = STATE_COLORS
#: What the scheduler sampler's states mean, beside the state word.
SAMPLED_DETAIL = {State.GIL: "waits for the GIL", State.CORE: "waits for a free core"}
#: Border colours: a live worker's (``$live-border`` in app.tcss), the main thread's
#: (``$dim-border``: it only coordinates).
LIVE_EDGE = "$primary 60%"
DIM_EDGE = "$border-blurred"
#: The main thread's text: muted, like its border.
MAIN_TEXT = "$text-muted"
#: Border glyphs, as Textual draws ``round`` (threads) and ``heavy`` (processes):
#: top left, horizontal, top right, vertical, bottom left, bottom right.
ROUND = ("╭", "─", "╮", "│", "╰", "╯")
HEAVY = ("┏", "━", "┓", "┃", "┗", "┛")
#: Cells a panel's frame takes across: a border and a space of padding each side.
FRAME_X = 4
#: Rows its frame takes: the top and bottom borders.
FRAME_Y = 2


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


def fit_title(worker_id: str, name: str, room: int) -> tuple[str, str]:
    """The id and name of a border title in ``room`` cells: the name is cut first (with
    an ellipsis), then the id."""
    if len(worker_id) > room:
        return (worker_id[: max(0, room - 1)] + "…" if room > 0 else ""), ""
    name_room = room - len(worker_id) - 1
    if not name or name_room <= 0:
        return worker_id, ""
    if len(name) > name_room:
        name = name[: name_room - 1] + "…" if name_room > 1 else ""
    return worker_id, name


#: A piece of a line: its text and its style (Textual's: ``"b $error"``; "" for none).
Run = tuple[str, str]


class PanelLine(NamedTuple):
    """One line of a panel, as styled runs. ``boxed``: content, to be framed by the
    panel's side borders and padded to its width; else a whole border line, exactly
    as wide as the panel."""

    runs: tuple[Run, ...]
    boxed: bool


class WorkerPanel:
    """One worker's panel: its lines as styled runs for the size it is drawn at.

    Runs, not markup: a new line (a CPU figure, a progress bar) is assembled as it is,
    where markup was tokenised first (two fifths of what a new line cost).

    A failed worker's panel says why (its exception line, or "killed by SIGKILL"); a
    click on a panel asks the screen for that worker's traceback (the board posts it).
    """

    def __init__(self, worker: WorkerState, color: str) -> None:
        self.worker_id = worker.id
        self.name = worker.name
        self.color = color
        self.process = worker.kind == PROCESS
        self.main = worker.id == "main"
        self.kind = "PROCESS" if self.process else "THREAD"
        self.glyphs = HEAVY if self.process else ROUND
        #: The style of the border, and of the text that has no style of its own.
        self.edge = DIM_EDGE if self.main else LIVE_EDGE
        self.plain = MAIN_TEXT if self.main else ""
        self.lines: list[PanelLine] = []
        self.width = 0
        self._key: tuple[object, ...] | None = None

    def draw(
        self, w: WorkerState, now: float, sample: CpuSample | None, width: int, height: int
    ) -> list[int]:
        """Work out the lines for a ``width`` x ``height`` panel (borders included) from
        the worker's state, the time and the latest CPU reading; the indices of the lines
        that changed (all of them at a new size)."""
        state = live_state(w, now)
        cpu = cpu_text(w, sample)
        inner_w, inner_h = max(0, width - FRAME_X), max(0, height - FRAME_Y)
        tail = tuple(w.lines)[-max(0, inner_h - 3) :] if inner_h > 3 else ()
        key = (state, w.detail, cpu, w.done, w.total, tail, width, height, w.pid, w.tid, w.error)
        if key == self._key:
            return []
        self._key = key
        content = self._content_lines(state, w, tail, inner_w, inner_h)
        content += [()] * (inner_h - len(content))
        lines = [self._top(width)]
        lines += [PanelLine(self._muted(runs), True) for runs in content]
        lines.append(self._bottom(cpu, cpu_text(w, sample, short=True), width))
        lines = lines[:height]
        old, self.lines = self.lines, lines
        if len(old) != len(lines) or width != self.width:
            self.width = width
            return list(range(len(lines)))
        return [i for i, (a, b) in enumerate(zip(old, lines, strict=True)) if a != b]

    def content(self, line: PanelLine) -> Content:
        """One of :attr:`lines` as content exactly :attr:`width` cells wide: a border
        line as it is, a content line framed by the side borders and padded."""
        content = Content.assemble(*line.runs)
        if not line.boxed:
            return content.truncate(self.width, pad=True)
        side = (self.glyphs[3], self.edge)
        inner = content.truncate(max(0, self.width - FRAME_X), ellipsis=True, pad=True)
        return Content.assemble(side, " ", inner, " ", side).truncate(self.width)

    def text(self) -> str:
        """The panel as plain text, a line each (tests, and what a screen reader gets)."""
        return "\n".join(self.content(line).plain for line in self.lines)

    def _muted(self, runs: tuple[Run, ...]) -> tuple[Run, ...]:
        """The main thread's unstyled text is muted, like its border."""
        if not self.plain:
            return runs
        return tuple((text, style or self.plain) for text, style in runs)

    # -- borders -----------------------------------------------------------------------------
    def _top(self, width: int) -> PanelLine:
        """``╭─ t1 Thread-1 ─────╮``: the id in the worker's colour, then its name."""
        tl, h, tr = self.glyphs[0], self.glyphs[1], self.glyphs[2]
        wid, name = fit_title(self.worker_id, self.name, width - 6)
        if width < 6 or not wid:
            return PanelLine(((f"{tl}{h * max(0, width - 2)}{tr}", self.edge),), False)
        used = len(wid) + (len(name) + 1 if name else 0)
        fill = h * (width - 5 - used)
        runs: tuple[Run, ...] = ((tl + h, self.edge), (" ", ""), (wid, f"b {self.color}"))
        if name:
            runs += ((f" {name}", ""),)
        return PanelLine((*runs, (" ", ""), (fill + tr, self.edge)), False)

    def _bottom(self, cpu: str, cpu_short: str, width: int) -> PanelLine:
        """``╰──── cpu  12% · THREAD ─╯``: the CPU figure and the kind, on the right."""
        bl, h, br = self.glyphs[4], self.glyphs[1], self.glyphs[5]
        subtitle = fit_subtitle(cpu, cpu_short, self.kind, width - 6)
        if width < 6 or len(subtitle) > width - 5:
            return PanelLine(((f"{bl}{h * max(0, width - 2)}{br}", self.edge),), False)
        fill = h * (width - 5 - len(subtitle))
        figure = subtitle[: -len(self.kind)]  # "cpu  12% · ", or nothing
        return PanelLine(
            (
                (bl + fill, self.edge),
                (" " + figure, ""),
                (self.kind, "b"),
                (" ", ""),
                (h + br, self.edge),
            ),
            False,
        )

    # -- content -----------------------------------------------------------------------------
    def _content_lines(
        self, state: State, w: WorkerState, tail: tuple[str, ...], width: int, height: int
    ) -> list[tuple[Run, ...]]:
        style = STATE_STYLES.get(state, "$foreground")
        word = f" {state.upper()} "
        detail = w.detail if state == w.state else SAMPLED_DETAIL.get(state, "")
        if state == FAILED and w.traceback:
            detail = "e: traceback"
        detail = detail[: max(0, width - len(word) - 1)]
        line1: tuple[Run, ...] = ((word, f"b $background on {style}"),)
        if detail:
            line1 += ((" ", ""), (detail, "$text-muted"))
        # CPU sits in the border beside the badge, so the ids line always has room for
        # both pid and tid: same pid, different tids is the lesson of threads.
        ids = f"pid {w.pid}" if w.kind == PROCESS else f"pid {w.pid} · tid {w.tid}"
        if len(ids) > width:
            ids = f"pid {w.pid} tid {w.tid}" if w.kind != PROCESS else ids
        line_ids: tuple[Run, ...] = ((ids, "$text-muted"),)
        line2: tuple[Run, ...]
        if w.total:
            count = f" {w.done}/{w.total}"
            line2 = ((bar(w.done / w.total, width - len(count)), self.color), (count, ""))
        elif w.done:
            line2 = ((f"{w.done} done", ""),)
        else:
            line2 = (("the main thread" if self.main else "–", "$text-muted"),)
        lines = [line1, line2] if height < 3 else [line1, line_ids, line2]
        if state == FAILED and w.error:
            # Why it failed comes right after the state word: the ids and the progress
            # are what is cut when the panel is short.
            why = error_lines(w.error, width, 1 if height <= 2 else 2)
            lines = [line1, *(((text, "b $error"),) for text in why), *lines[1:]]
            return lines[:height]
        lines += [(("›", "$text-muted"), (" " + text[: max(0, width - 2)], "")) for text in tail]
        return lines[:height]
