"""Keys, colours and what the numbers mean, over the current screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# interleave

**Menu**: `1`-`9` run a demo · `↑` `↓` choose · `enter` run · `tab` edit its parameters
(a bad value is refused, with the reason) · `c` compare the modes of `cpu-bound`, `io-bound`
or `scrape` side by side · `ctrl+p` command palette (demos, themes).

**Run**: `x` cancel · `r` rerun · `escape` back to the menu · `t` output or timeline first ·
`+` `-` zoom the timeline (down to 1 ms cells) · `s` save an SVG screenshot ·
`d` dark / light theme · `?` this help · `q` quit.

**States** of a thread or process:

- **RUNNING**: it is executing Python code on a core.
- **READY**: it wants the CPU but does not have it (waiting for the GIL, or for a core).
- **WAITING**: it is blocked in `sleep` or I/O and needs no CPU.
- **DONE** / **FAILED**: its code returned, or raised (or the run was cancelled).

**cores busy** is the CPU time of the run's processes divided by the wall time:
threads held back by the GIL add up to about **1**; processes in parallel approach
the number of cores.

The demo runs in its own process group, so cancelling or quitting stops every
thread and process it started.
"""


class HelpScreen(ModalScreen[None]):
    """A modal help page; any of escape, ? or q closes it."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("question_mark", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(HELP)
