"""The run screen's top line: which demo, how, its status, and a big elapsed time."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Digits, Static

from workloads.demo import Demo
from workloads.events import RunStatus
from workloads.run_state import RunState

STATUS_STYLES: dict[str, str] = {
    RunStatus.RUNNING: "$success",
    RunStatus.FINISHED: "$primary",
    RunStatus.CANCELLED: "$warning",
    RunStatus.FAILED: "$error",
}


class RunHeader(Horizontal):
    """Title, mode, status badge and clock; the clock is large when the screen is tall."""

    status: reactive[str] = reactive(RunStatus.STARTING.value)
    elapsed: reactive[float] = reactive(0.0)

    def __init__(self, demo: Demo, mode: str, **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.demo = demo
        self.mode = mode
        self._clock_len = 0

    def compose(self) -> ComposeResult:
        yield Static(
            f"[b]interleave[/]  [b $accent]{escape(self.demo.id)}[/] · {escape(self.demo.title)}"
            f"\n[dim]{escape(self.mode)}[/]",
            id="run-title",
        )
        yield Static(id="run-status")
        yield Static(id="clock-small")
        yield Digits("0.0", id="clock")

    def show(self, state: RunState, now: float) -> None:
        """Follow the run: status and elapsed time (reactives only redraw on change)."""
        self.status = state.status
        self.elapsed = round(state.elapsed(now), 1)

    def watch_status(self, status: str) -> None:
        style = STATUS_STYLES.get(status, "$foreground")
        self.query_one("#run-status", Static).update(
            f"[b $background on {style}] {status.upper()} [/]"
        )

    def watch_elapsed(self, elapsed: float) -> None:
        text = f"{elapsed:04.1f}"
        self.query_one("#clock", Digits).update(text)
        self.query_one("#clock-small", Static).update(
            f"[b]{text} s[/]", layout=len(text) != self._clock_len
        )
        self._clock_len = len(text)
