"""The options every way of running a demo shares, declared once.

``interleave run``, ``interleave compare``, the app's own command line and the menu all
take ``--time-scale`` and (but the menu) ``--python`` from here, so their names, bounds,
help and checks cannot drift apart.
"""

from __future__ import annotations

from workloads.interpreter import probe
from workloads.param import FloatParam, TextParam


def _usable_python(path: str) -> None:
    """``--python``'s hook: empty is this interpreter; anything else must pass the probe."""
    if path:
        probe(path)


#: Every sleep of a demo is multiplied by it (1: the lesson's timing).
TIME_SCALE = FloatParam(
    "time_scale", 1.0, "multiply every sleep by this", 0.001, 100.0, metavar="X"
)

#: Another interpreter for the run host (e.g. a free-threaded 3.13t); probing runs it.
PYTHON = TextParam(
    "python",
    "",
    "run the demo under this Python >= 3.10 (e.g. a free-threaded 3.13t)",
    validate=_usable_python,
    metavar="PATH",
)
