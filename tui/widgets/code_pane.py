"""The code the demo's workers run, beside what they do."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.themes import code_style


class CodePane(VerticalScroll):
    """A scrollable, highlighted view of a demo module's source."""

    def __init__(self, source: str, **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.source = source
        self.border_title = "Code"
        self._code = Static()

    def compose(self) -> ComposeResult:
        yield self._code

    def on_mount(self) -> None:
        self._render_code()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._render_code())

    def on_unmount(self) -> None:
        # The signal keeps its subscribers in a weak map whose values (the lambda) hold
        # the pane: without this, every rerun's pane would stay alive.
        self.app.theme_changed_signal.unsubscribe(self)

    def _render_code(self) -> None:
        style = code_style(self.app.theme, self.app.current_theme.dark)
        self._code.update(
            Syntax(
                self.source.rstrip(),
                "python",
                theme=style,
                background_color="default",
                word_wrap=False,
            )
        )
