"""Keep what the app holds from start to end out of the cyclic garbage collector's way.

CPython's collector now and then walks every container object of the process: once the
app is up, 150,000 of them (modules, classes, styles, screens), 40-70 ms on this machine
each time, which is a frozen frame in the middle of a live run and a fifth of the UI's
CPU in a short one. ``gc.freeze()`` moves every object alive at that moment out of its
sight: what runs create afterwards is collected as usual, over a walk that much shorter.

A frozen object that later becomes garbage in a reference cycle is never collected, so
the app freezes twice, at fixed points of its start-up only: as it mounts (modules,
classes, styles), and once its first screen is drawn (the menu and, with ``--demo``, the
first run's screen, which stays frozen when it goes: one screen, once). The garbage of
start-up is collected just before each. Freezing at each run instead would keep every
finished run's screen: reruns would leak.
"""

from __future__ import annotations

import gc
from typing import Literal

Stage = Literal["mounted", "drawn"]

_done: set[Stage] = set()


def freeze_startup(stage: Stage) -> None:
    """Collect the garbage of start-up, then freeze what is alive (each stage once per
    process: tests start many apps in one)."""
    if stage in _done:
        return
    _done.add(stage)
    gc.collect()
    gc.freeze()
