"""The code the demo's workers run, beside what they do, with each worker's current line.

Every process of a run reports where each of its workers is (the line sampler, ten
times a second); :meth:`CodePane.show_lines` marks those lines in the workers' colours:
a dot per worker in the gutter, and the line tinted with the first one's colour.

Which file: the one most live workers are in (a tie goes to the demo's own file, then
to the first by name). A worker in a helper module of the program makes the pane follow
it there when it is alone, or when most workers are there; the title names the file.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping

from rich.console import RenderableType
from rich.style import Style
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import VerticalScroll
from textual.widgets import Static

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


class CodePane(VerticalScroll):
    """A scrollable, highlighted view of a demo module's source, with line markers."""

    def __init__(
        self,
        source: str,
        *,
        path: str | None = None,
        colors: WorkerColors | None = None,
        **kwargs: str,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.source = source
        #: The demo's own file (its source is ``source``), and the file shown now.
        self.default_path = os.path.realpath(path) if path else None
        self.path = self.default_path
        self.worker_colors = colors or WorkerColors()
        #: Marked lines in the shown file: {line: [worker ids]}.
        self.marks: Marks = {}
        self.border_title = "Code"
        self._sources: dict[str, str] = {}
        self._code = Static()
        #: The gutter drawn last (worker dots by line), None without marks.
        self.marker_gutter: Text | None = None
        #: The shown source highlighted, for the (source, style) it was made for.
        self._lexed: tuple[tuple[str, object], Text, list[int]] | None = None

    def compose(self) -> ComposeResult:
        yield self._code

    def on_mount(self) -> None:
        self._render_code()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._render_code())

    def on_unmount(self) -> None:
        # The signal keeps its subscribers in a weak map whose values (the lambda) hold
        # the pane: without this, every rerun's pane would stay alive.
        self.app.theme_changed_signal.unsubscribe(self)

    def show_lines(self, state: RunState) -> None:
        """Mark where the run's live workers are now (and follow them to their file)."""
        path, marks = pick_file(state, self.default_path)
        path = os.path.realpath(path) if path else path
        if path != self.path and path is not None and self._source_of(path) is None:
            path, marks = self.path, {}  # unreadable: stay where we are
        if path == self.path and marks == self.marks:
            return
        moved = path != self.path
        had_marks = bool(self.marks)
        self.path, self.marks = path, marks
        name = os.path.basename(path) if path else ""
        more = "" if path == self.default_path else "  (followed a worker here)"
        self.border_title = f"Code · {name}{more}" if name else "Code"
        # The gutter comes and goes with the marks (the code narrows or widens): a layout.
        self._render_code(layout=moved or bool(marks) != had_marks)
        if marks:
            self._reveal(min(marks), moved)

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

    def _reveal(self, line: int, moved: bool) -> None:
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if moved or not top < line <= top + height:
            self.scroll_to(y=max(0, line - 1 - height // 3), animate=False)

    def _render_code(self, layout: bool = True) -> None:
        """Draw the shown file with its marks; ``layout=False`` when only the marks moved
        (the same lines, the same size: no need to lay the whole screen out again)."""
        source = self._source_of(self.path) if self.path else None
        source = self.source if source is None else source
        style = code_style(self.app.theme, self.app.current_theme.dark)
        syntax = Syntax(
            source.rstrip(), "python", theme=style, background_color="default", word_wrap=False
        )
        self._code.update(self._with_marks(syntax, source, style), layout=layout)

    def _highlighted(self, syntax: Syntax, source: str, style: object) -> tuple[Text, list[int]]:
        """The source highlighted once per file and theme (lexing it again each time a
        marker moves, ten times a second, was most of the pane's cost), with the offset
        where each line starts."""
        key = (source, style)
        if self._lexed is None or self._lexed[0] != key:
            text = syntax.highlight(source.rstrip())
            starts = [0]
            for line in text.plain.split("\n"):
                starts.append(starts[-1] + len(line) + 1)
            self._lexed = (key, text, starts)
        return self._lexed[1], self._lexed[2]

    def _with_marks(self, syntax: Syntax, source: str, style: object) -> RenderableType:
        """The code with a gutter of worker dots, each marked line tinted."""
        self.marker_gutter = None
        if not self.marks:
            return syntax
        lexed, starts = self._highlighted(syntax, source, style)
        code = lexed.copy()
        code.no_wrap, code.overflow = True, "crop"
        variables = self.app.theme_variables
        base = self.background_colors[1]
        gutter = Text(no_wrap=True, overflow="crop")
        for n in range(1, source.rstrip().count("\n") + 2):
            ids = self.marks.get(n, [])
            dots = ids[:GUTTER_DOTS]
            gutter.append(" " * (GUTTER_DOTS - len(dots)))
            for wid in dots:
                gutter.append("●", Style(color=self._color(wid, variables)))
            gutter.append("▶" if ids else " ", Style(bold=True))
            gutter.append("\n")
            if ids:
                tint = (
                    base + Color.parse(self._color(ids[0], variables)).with_alpha(0.3)
                ).rich_color
                if n < len(starts):
                    code.stylize(Style(bgcolor=tint), starts[n - 1], starts[n] - 1)
        self.marker_gutter = gutter
        grid = Table.grid(padding=(0, 1, 0, 0))
        # The gutter keeps its width; the code gives way (it crops its long lines).
        grid.add_column(width=GUTTER_DOTS + 1, min_width=GUTTER_DOTS + 1, no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(gutter, code)
        return grid

    def _color(self, worker_id: str, variables: Mapping[str, str]) -> str:
        return self.worker_colors.color(worker_id, variables)
