"""A stable colour per worker, shared by its panel, its output lines and its lane.

A worker gets a slot of the theme's palette (``$worker-1`` ... ``$worker-8``, the main
thread ``$worker-main``), not a colour: markup names the slot and Textual resolves it in
the current theme, so ``d`` recolours every panel, line and lane at once, and each
theme picks colours readable on its own backgrounds (:mod:`tui.themes`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from tui.themes import WORKER_SLOTS, variable

#: The main thread only coordinates; it gets the theme's neutral colour.
MAIN_SLOT = "worker-main"
_NUMBERS = re.compile(r"\d+")


def _ordinal(worker_id: str) -> int | None:
    """1 for ``t1`` or ``p1``; a thread of a process (``p2.t1``) counts after its process."""
    numbers = [int(n) for n in _NUMBERS.findall(worker_id)]
    if not numbers:
        return None
    return numbers[-1] + (numbers[0] - 1) * 3 if len(numbers) > 1 else numbers[0]


class WorkerColors:
    """Gives each worker id a palette slot that does not depend on arrival order.

    Worker ids are numbered in the program's own order (``t1`` is the first thread the
    demo started, ``p2`` the second process), so the slot comes from the id's number:
    a worker keeps its colour across reruns, whichever event arrived first. When that
    slot is taken (``t1`` and ``p1`` in one run), or the id has no number, the next free
    slot is used.
    """

    def __init__(self) -> None:
        self._slots: dict[str, str] = {}

    def slot(self, worker_id: str) -> str:
        """The theme variable of ``worker_id``'s colour, e.g. ``worker-3``."""
        slot = self._slots.get(worker_id)
        if slot is None:
            slot = MAIN_SLOT if worker_id == "main" else self._free_slot(_ordinal(worker_id))
            self._slots[worker_id] = slot
        return slot

    def _free_slot(self, wanted: int | None) -> str:
        """Slot ``wanted`` (1-based), or the next one free (``t1`` and ``p1`` in one run);
        once all are taken, slots repeat."""
        taken = set(self._slots.values())
        start = (wanted - 1) if wanted is not None else len(self._slots)
        for k in range(WORKER_SLOTS):
            slot = f"worker-{(start + k) % WORKER_SLOTS + 1}"
            if slot not in taken:
                return slot
        return f"worker-{start % WORKER_SLOTS + 1}"

    def __call__(self, worker_id: str) -> str:
        """``worker_id``'s colour for markup: ``$worker-3`` (resolved by the theme)."""
        return "$" + self.slot(worker_id)

    def color(self, worker_id: str, variables: Mapping[str, str]) -> str:
        """``worker_id``'s colour in the theme whose ``variables`` are given (for Rich
        styles, which take a colour, not a variable): ``app.theme_variables``."""
        return variable(variables, self.slot(worker_id))
