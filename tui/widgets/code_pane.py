"""The code the demo's workers run, beside what they do, with each worker's current line.

Every process of a run reports where each of its workers is (the line sampler, ten
times a second); :meth:`CodePane.show_lines` marks those lines in the workers' colours:
a dot per worker in the gutter, and the line tinted with the first one's colour. In a
live run the gutter is there from the start: the code does not move sideways when the
first worker is marked (every visible line drawn again, at a run's busiest moment).

Which file: the one most live workers are in (a tie goes to the demo's own file, then
to the first by name). A worker in a helper module of the program makes the pane follow
it there when it is alone, or when most workers are there; the title names the file.

It draws line by line (Textual's line API): the file is highlighted once per file and
theme, each line becomes a strip once per look (its marks), and a marker that moves
repaints the two lines it left and reached, never the whole file, and never lays the
screen out again. Markers move up to ten times a second in a CPU-bound demo; drawing
the whole file each time (a Rich table of gutter and code) cost 2-4 ms a move.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping

from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.text import Text
from textual.color import Color
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.themes import code_style
from tui.widgets.worker_colors import WorkerColors
from workloads.run_state import RunState

#: Workers marked per line in the gutter (the line is tinted for any number).
GUTTER_DOTS = 3
#: Markers: {line: [worker ids]} in the shown file.
Marks = dict[int, list[str]]


def pick_file(state: RunState, default: str | None) -> tuple[str | None, Marks]:
    """The file to show, and the marked lines in it (see the module docstring)."""
    where: dict[str, Marks] = {}
    for w in state.workers.values():
        if w.over or w.line is None or not w.line[0] or not w.line[1]:
            continue
        file, line = w.line
        where.setdefault(file, {}).setdefault(line, []).append(w.id)
    if not where:
        return default, {}
    counts = Counter({f: sum(len(ids) for ids in marks.values()) for f, marks in where.items()})
    top = max(counts.values())
    tied = sorted(f for f, n in counts.items() if n == top)
    chosen = default if default in tied else tied[0]
    return chosen, where.get(chosen or "", {})


class CodePane(ScrollView):
    """A scrollable, highlighted view of a demo module's source, with line markers."""

    DEFAULT_CSS = """
    CodePane {
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

    def __init__(
        self,
        source: str,
        *,
        path: str | None = None,
        colors: WorkerColors | None = None,
        gutter: bool = False,
        **kwargs: str,
    ) -> None:
        """``gutter``: keep the markers' column even while no line is marked (a live
        run: the code does not move sideways when the first worker is marked)."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.source = source
        #: The demo's own file (its source is ``source``), and the file shown now.
        self.default_path = os.path.realpath(path) if path else None
        self.path = self.default_path
        self.worker_colors = colors or WorkerColors()
        #: Marked lines in the shown file: {line: [worker ids]}.
        self.marks: Marks = {}
        self._gutter = gutter
        #: Real paths of the files workers were seen in (looked up once each).
        self._real: dict[str, str] = {}
        self._title = self.border_title = "Code"
        self._sources: dict[str, str] = {}
        #: The shown file's lines, highlighted, for the (source, style) they were made for.
        self._lexed: tuple[tuple[str, str], list[Text]] | None = None
        #: The shown file's lines, highlighted.
        self._lines: list[Text] = []
        #: Strips by (line index, its worker ids, gutter), for the shown file, the
        #: width and style of ``_strips_key`` and the theme variables of
        #: ``_strips_variables``.
        self._strips: dict[tuple[int, tuple[str, ...], bool], Strip] = {}
        self._strips_key: tuple[object, ...] | None = None
        self._strips_variables: object = None

    def on_mount(self) -> None:
        self._show_file()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._show_file())

    def on_unmount(self) -> None:
        # The signal keeps its subscribers in a weak map whose values (the lambda) hold
        # the pane: without this, every rerun's pane would stay alive.
        self.app.theme_changed_signal.unsubscribe(self)

    def show_lines(self, state: RunState) -> None:
        """Mark where the run's live workers are now (and follow them to their file)."""
        path, marks = pick_file(state, self.default_path)
        if path:
            real = self._real.get(path)
            if real is None:
                real = self._real[path] = os.path.realpath(path)
            path = real
        if path != self.path and path is not None and self._source_of(path) is None:
            path, marks = self.path, {}  # unreadable: stay where we are
        if path == self.path and marks == self.marks:
            return
        moved = path != self.path
        old = self.marks
        self.path, self.marks = path, marks
        name = os.path.basename(path) if path else ""
        more = "" if path == self.default_path else "  (followed a worker here)"
        title = f"Code · {name}{more}" if name else "Code"
        if title != self._title:  # setting a title repaints the whole pane, same or not
            self._title = self.border_title = title
        if moved or self._gutter_for(marks) != self._gutter_for(old):
            # Another file, or the gutter came or went (every line moves sideways).
            self._show_file()
        else:
            for n in sorted(n for n in old.keys() | marks.keys() if old.get(n) != marks.get(n)):
                self.refresh_lines(n - 1)
        if marks:
            self._reveal(min(marks), moved)

    def on_resize(self) -> None:
        # Shown again (maximised at 80 columns, where it was hidden), or resized: the
        # first marked line a third of the way down, as when it moved.
        if self.marks:
            self._reveal(min(self.marks), True)

    def drawn_line(self, number: int) -> Strip:
        """Line ``number`` (from 1) of the shown file as drawn, gutter included."""
        return self._line_strip(number - 1, self.scrollable_content_region.width)

    def _source_of(self, path: str) -> str | None:
        if path == self.default_path:
            return self.source
        known = self._sources.get(path)
        if known is None and path.endswith(".py"):
            try:
                with open(path, encoding="utf-8") as f:
                    known = self._sources[path] = f.read()
            except (OSError, UnicodeDecodeError):
                return None
        return known

    def _shown_source(self) -> str:
        source = self._source_of(self.path) if self.path else None
        return (self.source if source is None else source).rstrip()

    def _reveal(self, line: int, moved: bool) -> None:
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if moved or not top < line <= top + height:
            self.scroll_to(y=max(0, line - 1 - height // 3), animate=False)

    def _show_file(self) -> None:
        """Draw the shown file again from its first line (another file, theme or gutter)."""
        self._lines = self._highlighted()
        self.virtual_size = Size(0, len(self._lines))  # long lines are cut, never scrolled
        self.refresh()

    def _highlighted(self) -> list[Text]:
        """The shown file's lines, highlighted once per file and theme."""
        source = self._shown_source()
        style = code_style(self.app.theme, self.app.current_theme.dark)
        key = (source, style)
        if self._lexed is None or self._lexed[0] != key:
            syntax = Syntax(source, "python", theme=style, background_color="default")
            text = syntax.highlight(source)
            text.no_wrap, text.overflow = True, "crop"
            self._lexed = (key, list(text.split("\n", allow_blank=True)))
            self._strips.clear()
        return self._lexed[1]

    # -- drawing -----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        return self._line_strip(self.scroll_offset.y + y, width).apply_offsets(0, y)

    def _line_strip(self, index: int, width: int) -> Strip:
        """Line ``index`` (from 0) at ``width`` cells: the gutter, then the code, cropped."""
        base = self.rich_style
        lines = self._lines
        key = (width, base)
        variables = self.app.theme_variables
        if key != self._strips_key or variables is not self._strips_variables:
            self._strips_key, self._strips_variables, self._strips = key, variables, {}
        if not 0 <= index < len(lines):
            return Strip.blank(width, base)
        ids = tuple(self.marks.get(index + 1, ()))
        look = (index, ids, self._gutter_for(self.marks))
        strip = self._strips.get(look)
        if strip is None:
            strip = self._strips[look] = self._make_strip(lines[index], ids, width, base)
        return strip

    def _make_strip(self, line: Text, ids: tuple[str, ...], width: int, base: Style) -> Strip:
        variables = self.app.theme_variables
        segments: list[Segment] = []
        if self._gutter_for(self.marks):  # a dot per worker here (at most three), an arrow
            dots = ids[:GUTTER_DOTS]
            segments.append(Segment(" " * (GUTTER_DOTS - len(dots)), base))
            segments += [
                Segment("●", base + Style(color=self._color(wid, variables))) for wid in dots
            ]
            segments.append(Segment("▶ " if ids else "  ", base + Style(bold=True)))
        code = line.copy()
        code.style = base  # the pane's colours under the code's (not the terminal's)
        if ids:  # the line tinted with the first worker's colour
            back = self.background_colors[1]
            tint = (back + Color.parse(self._color(ids[0], variables)).with_alpha(0.3)).rich_color
            code.stylize(Style(bgcolor=tint))
        segments += code.render(self.app.console)
        return Strip(segments).crop_extend(0, width, base)

    def _gutter_for(self, marks: Marks) -> bool:
        """Whether the markers' column is drawn, with these marks."""
        return self._gutter or bool(marks)

    def _color(self, worker_id: str, variables: Mapping[str, str]) -> str:
        return self.worker_colors.color(worker_id, variables)
