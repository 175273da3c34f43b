"""A stable colour per worker, shared by its panel, its output lines and its lane."""

from __future__ import annotations

#: Mid-luminance colours: readable on dark and on light themes (projectors).
PALETTE = (
    "#3b82f6",  # blue
    "#f97316",  # orange
    "#a855f7",  # purple
    "#10b981",  # emerald
    "#ef4444",  # red
    "#06b6d4",  # cyan
    "#d97706",  # amber
    "#ec4899",  # pink
)
#: The main thread only coordinates; it gets a neutral colour.
MAIN_COLOR = "#8b949e"


class WorkerColors:
    """Hands out palette colours to worker ids in order of first appearance."""

    def __init__(self) -> None:
        self._colors: dict[str, str] = {}

    def __call__(self, worker_id: str) -> str:
        color = self._colors.get(worker_id)
        if color is None:
            if worker_id == "main":
                color = MAIN_COLOR
            else:
                n = sum(1 for w in self._colors if w != "main")
                color = PALETTE[n % len(PALETTE)]
            self._colors[worker_id] = color
        return color
