"""Every line the workers printed, in arrival order, coloured by worker."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

from tui.widgets.worker_colors import WorkerColors
from workloads.run_state import RunState

#: Lines kept on screen; the run state keeps all of them.
MAX_LINES = 2000


class OutputPane(RichLog):
    """A log fed from ``state.outputs``; remembers how far it has read."""

    def __init__(self, colors: WorkerColors, **kwargs: str) -> None:
        super().__init__(max_lines=MAX_LINES, min_width=20, wrap=False, **kwargs)  # type: ignore[arg-type]
        self.worker_colors = colors
        self.border_title = "Output"
        self._shown = 0

    @property
    def shown(self) -> int:
        """How many of the run's output lines were written so far."""
        return self._shown

    def refresh_from(self, state: RunState) -> None:
        """Append the lines that arrived since the last call."""
        outputs = state.outputs
        if self._shown >= len(outputs):
            return
        start = state.started or 0.0
        # Only the last MAX_LINES can be seen; skip the rest of a flood.
        first = max(self._shown, len(outputs) - MAX_LINES)
        for line in outputs[first:]:
            color = self.worker_colors(line.worker)
            self.write(
                Text.assemble(
                    (f"{line.t - start:6.2f} ", "dim"),
                    (f"{line.worker:<4} ", f"bold {color}"),
                    # The main thread prints the pools' results: full contrast, both themes.
                    (line.text, "" if line.worker == "main" else color),
                ),
                scroll_end=True,
            )
        self._shown = len(outputs)
        self.border_subtitle = f"{self._shown} lines"
