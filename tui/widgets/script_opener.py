"""The menu's "Open a script…": a path field with completion, and why a path is refused."""

from __future__ import annotations

import os

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.suggester import Suggester
from textual.widgets import Input, Markdown, Static

from tui.messages import LaunchScript
from workloads.param import ParamError
from workloads.script import load_script

#: Entries the completion offers besides directories.
RUNNABLE = (".py", ".ipynb")

EXPLANATION = """\
Run **your own** Python file or Jupyter notebook, unchanged, and watch it.

Its threads, processes, `ThreadPoolExecutor` and `ProcessPoolExecutor` workers
get a panel and a lane each; what they print goes to the output pane. It runs
as `__main__` with its own start method; `time.sleep` follows the time scale.

A notebook runs its code cells in order, as one script; each printed line
starts with its cell number. IPython magics (`%`, `%%`, `!`) are skipped.

Type a path (`→` completes it), then `enter`.
"""


class PathSuggester(Suggester):
    """Completes a path: directories, and the files a run can open."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value)


def complete_path(value: str) -> str | None:
    """``value`` completed to the first matching directory or script (None: no match)."""
    if not value:
        return None
    folder, prefix = os.path.split(value)
    where = os.path.expanduser(folder) or "."
    try:
        names = sorted(os.listdir(where))
    except OSError:
        return None
    for name in names:
        if not name.startswith(prefix) or name == prefix or name.startswith("."):
            continue
        full = os.path.join(where, name)
        if os.path.isdir(full):
            return os.path.join(folder, name) + os.sep
        if name.endswith(RUNNABLE):
            return os.path.join(folder, name)
    return None


class ScriptOpener(VerticalScroll):
    """Takes a path; posts :class:`LaunchScript` for a runnable one, else says why here."""

    DEFAULT_CSS = """
    ScriptOpener #script-path { margin: 1 0 0 0; }
    ScriptOpener #script-error { color: $error; height: auto; padding: 0 1; }
    """

    def __init__(self, time_scale: float = 1.0, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="demo-details")
        self.time_scale = time_scale

    def compose(self) -> ComposeResult:
        yield Static("[b $accent]Open a script…[/]\n[$text-muted]your own .py or .ipynb[/]")
        yield Input(placeholder="path/to/script.py", suggester=PathSuggester(), id="script-path")
        yield Static("", id="script-error")
        yield Markdown(EXPLANATION, classes="demo-explanation")

    @property
    def path_input(self) -> Input:
        """The path field."""
        return self.query_one("#script-path", Input)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # the menu's own enter would run the highlighted demo
        self.submit()

    def submit(self, time_scale: float | None = None) -> bool:
        """Run the path typed, or show why not; whether a run was asked for."""
        if time_scale is not None:
            self.time_scale = time_scale
        error = self.query_one("#script-error", Static)
        text = self.path_input.value.strip()
        if not text:
            error.update("Type the path of a .py or .ipynb file.")
            self.path_input.focus()
            return False
        try:
            script = load_script(text)
        except ParamError as exc:
            error.update(Text(str(exc)))  # a path may hold [brackets]: not markup
            self.path_input.focus()
            return False
        error.update("")
        self.post_message(LaunchScript(script, self.time_scale))
        return True
