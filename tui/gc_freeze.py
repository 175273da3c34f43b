"""Keep what lives through a run out of the cyclic garbage collector's way.

CPython's collector now and then walks every container object of the process: with
the app's modules, styles and widgets, 150,000 of them, 40-70 ms on this machine,
which is a frozen frame in the middle of a live run and a fifth of the UI's CPU in a
short one. ``gc.freeze()`` moves every object alive now out of its sight: what a run
creates afterwards is collected as usual, and the walk is that much shorter.

Frozen objects are not collected if they become garbage in a cycle, so a freeze lasts
one run: the screen that froze thaws them when it goes (``gc.unfreeze``), and the next
collection frees what died meanwhile (the previous run's screen, say). The freeze is
global; its owner is whoever froze last, and only the owner thaws, so that a rerun's
new screen, mounted before the old one is gone, keeps its freeze.
"""

from __future__ import annotations

import gc

_owner: object | None = None


def freeze_for(owner: object) -> None:
    """Freeze every object alive now, until ``owner`` thaws them."""
    global _owner
    gc.freeze()
    _owner = owner


def thaw_for(owner: object) -> None:
    """Give the frozen objects back to the collector, if ``owner`` froze them last."""
    global _owner
    if _owner is owner:
        gc.unfreeze()
        _owner = None
