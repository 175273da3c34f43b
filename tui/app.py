"""Placeholder until the TUI lands (issue 3)."""

from __future__ import annotations

from typing import Any


class InterleaveApp:
    """Stand-in: the Textual app is built in issue 3."""

    return_code: int | None = 0

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs

    def run(self) -> None:
        print("The interactive app is not built yet; use: interleave run DEMO --headless")
