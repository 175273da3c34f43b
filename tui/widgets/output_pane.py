"""Every line the workers printed, in arrival order, coloured by worker.

A :class:`~textual.widgets.Log`, not a ``RichLog``: ``Log`` keeps plain strings and
styles only the lines on screen when they are drawn, where ``RichLog`` renders each
line as it is written (and copies its whole buffer on every write once full). The
worker's colour is put back at draw time by a highlighter that reads the worker id
from the line itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rich.highlighter import Highlighter
from rich.style import Style
from rich.text import Text
from textual.events import Resize
from textual.widgets import Log

from tui.themes import variable
from tui.widgets.worker_colors import WorkerColors
from workloads.run_state import RunState

#: Lines kept on screen (the run state keeps more; the rest is counted).
MAX_LINES = 2000
#: Longest line kept, in characters: the pane's memory stays bounded by both.
MAX_LINE_CHARS = 500
#: The worker id's column: ids are padded to it so that short ones line up.
ID_WIDTH = 4
#: Characters that would split one printed line into several lines of the log.
_BREAKS = str.maketrans(dict.fromkeys("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029", " "))


def format_line(seconds: float, worker: str, text: str) -> str:
    """``  2.00 t1   Number: 1``: time since the start, worker id, what it printed."""
    text = text.translate(_BREAKS)
    if len(text) > MAX_LINE_CHARS:
        text = text[: MAX_LINE_CHARS - 1] + "…"
    return f"{seconds:6.2f} {worker:<{ID_WIDTH}} {text}"


class WorkerHighlighter(Highlighter):
    """Colours a :func:`format_line` line: muted time, bold worker id, text in its colour.

    ``variables`` gives the current theme's variables (the app's ``theme_variables``):
    a Rich style takes a colour, not a variable. The log redraws its lines when the
    theme changes, so each line is coloured in the theme it is shown in.
    """

    def __init__(
        self, colors: WorkerColors, variables: Callable[[], Mapping[str, str]] = dict
    ) -> None:
        self.colors = colors
        self.variables = variables
        #: The time's, the id's and the text's styles, by the muted and worker colours:
        #: every line drawn needs them, and a theme has only a few colours.
        self._styles: dict[tuple[str, str], tuple[Style, Style, Style]] = {}

    def highlight(self, text: Text) -> None:
        plain = text.plain
        time_end = plain.find(" ", len(plain) - len(plain.lstrip(" ")))
        if time_end < 0:
            return
        worker_start = time_end + 1
        worker_end = plain.find(" ", worker_start)
        if worker_end < 0:
            worker_end = len(plain)
        worker = plain[worker_start:worker_end]
        if not worker:
            return
        variables = self.variables()
        key = (variable(variables, "foreground-muted"), self.colors.color(worker, variables))
        styles = self._styles.get(key)
        if styles is None:
            muted, color = key
            # Not Rich's dim: a terminal halves the colour, far under a readable contrast.
            styles = self._styles[key] = (
                Style(color=muted),
                Style(color=color, bold=True),
                Style(color=color),
            )
        time_style, id_style, text_style = styles
        text_start = worker_start + max(ID_WIDTH, len(worker)) + 1
        text.stylize(time_style, 0, worker_start)
        text.stylize(id_style, worker_start, text_start)
        # The main thread prints the pools' results: full contrast, both themes.
        if worker != "main":
            text.stylize(text_style, text_start)


class OutputPane(Log):
    """A log fed from ``state.outputs``; remembers how far it has read."""

    def __init__(self, colors: WorkerColors, **kwargs: str) -> None:
        super().__init__(highlight=True, max_lines=MAX_LINES, **kwargs)  # type: ignore[arg-type]
        self.worker_colors = colors
        self.highlighter = WorkerHighlighter(colors, lambda: self.app.theme_variables)
        self.border_title = "Output"
        self._shown = 0
        self._printed = -1
        #: Where the pane last scrolled to follow the end.
        self._parked = 0.0

    def reset(self) -> None:
        """Forget every line shown (a replay moved back): the next refresh starts over."""
        self.clear()
        self._shown, self._printed = 0, -1

    @property
    def shown(self) -> int:
        """How many of the run's output lines were read so far (written or skipped)."""
        return self._shown

    def refresh_from(self, state: RunState) -> None:
        """Append the lines that arrived since the last call (at most MAX_LINES)."""
        # The outputs list may be shared with the live fold, which appends to it: the
        # count is taken once, and lines are read up to it.
        printed = state.output_count
        if printed != self._printed:
            self._printed = printed
            self.border_subtitle = f"{printed:,} line{'' if printed == 1 else 's'}"
        if self._shown >= printed:
            return
        start = state.started or 0.0
        # Only the last MAX_LINES can be seen; skip the rest of a flood.
        first = max(self._shown, printed - MAX_LINES)
        follow = self._following()
        self.write_lines(
            (
                format_line(line.t - start, line.worker, line.text)
                for line in state.output_lines(first, printed)
            ),
            scroll_end=False,
        )
        self._shown = printed
        if follow:
            self._follow_end()

    def on_resize(self, event: Resize) -> None:
        if self._following():
            self._follow_end()

    def _following(self) -> bool:
        """Whether the reader is at the end: where the pane last put them, or lower.

        Log's own test (at the very end?) fails as soon as the run screen gives the
        pane another height, and the pane would stop following for good.
        """
        if self.is_vertical_scrollbar_grabbed:
            return False
        return self.scroll_y >= min(self._parked, self.max_scroll_y)

    def _follow_end(self) -> None:
        self.scroll_end(animate=False, immediate=True, x_axis=False)
        self._parked = self.scroll_y
