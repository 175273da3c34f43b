"""Why a run or a worker failed, in full: its exception line and its traceback.

Opened from the run screen (``e``, or a click on a failed worker's panel or row), over
it; Escape closes it. A worker that did not raise (a process killed by SIGKILL, a run
host that died) has no traceback: the screen says how it ended instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Static

from workloads.run_state import RunState

#: What the screen says where a failure left no traceback.
NO_TRACEBACK = "No traceback: it raised nothing; its process was stopped, or died, under it."


class Failure(NamedTuple):
    """One thing that failed: who, the exception line, the traceback (may be empty)."""

    who: str
    error: str
    traceback: str


def failures_of(state: RunState, worker_id: str | None = None) -> list[Failure]:
    """The run's failures, the run's own first; only ``worker_id``'s if one is given."""
    found = []
    if worker_id is None and (state.error or state.traceback):
        found.append(Failure("the run", state.error, state.traceback))
    for w in state.failed_workers:
        if worker_id is None or w.id == worker_id:
            found.append(Failure(f"{w.id} {w.name}".strip(), w.error or "failed", w.traceback))
    return found


class TracebackScreen(ModalScreen[None]):
    """A modal page of failures, each with its traceback; escape (or ``e``) closes it."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("e", "dismiss", "Close", show=False),
    ]

    def __init__(self, failures: Sequence[Failure]) -> None:
        super().__init__()
        self.failures = tuple(failures)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="traceback-box") as box:
            n = len(self.failures)
            box.border_title = "Traceback" if n == 1 else f"{n} failures"
            box.border_subtitle = "esc close"
            for failure in self.failures:
                yield Static(self._heading(failure), classes="traceback-heading")
                # Text, not markup: a traceback is full of brackets.
                yield Static(
                    Text(failure.traceback.rstrip() or NO_TRACEBACK),
                    classes="traceback-text",
                )

    @staticmethod
    def _heading(failure: Failure) -> str:
        return f"[b]{escape(failure.who)}[/] failed: [b $error]{escape(failure.error)}[/]"
