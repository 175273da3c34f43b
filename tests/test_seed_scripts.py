"""The lesson's four code cells, pasted into a .py and into an .ipynb (examples/), show
what the built-in demos show: the same lines, from the same kinds of workers.

No durations are asserted; "Total time: N" lines are compared without their number.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from workloads import catalog
from workloads.demo import script_demo
from workloads.run_session import run_to_end
from workloads.run_state import RunState
from workloads.script import load_script

pytestmark = [pytest.mark.timeout(120), pytest.mark.usefixtures("no_orphans")]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCALE = 0.05
#: The demos that the four cells are, in the cells' order.
CELL_DEMOS = ("threads", "processes", "thread-pool", "process-pool")


def _text(line: str) -> str:
    return re.sub(r"^Total time: .*", "Total time:", line)


def _lines(state: RunState) -> Counter[str]:
    return Counter(_text(o.text) for o in state.outputs)


def _kinds(state: RunState) -> Counter[str]:
    return Counter(str(w.kind) for w in state.workers.values() if w.id != "main")


@pytest.fixture(scope="module")
def demos() -> list[RunState]:
    return [run_to_end(catalog.get(d).config({}, SCALE)) for d in CELL_DEMOS]


@pytest.mark.parametrize("name", ["seed_lesson.py", "seed_lesson.ipynb"])
def test_the_lessons_cells_show_what_the_demos_show(demos: list[RunState], name: str) -> None:
    script = load_script(str(EXAMPLES / name))
    state = run_to_end(script_demo(script).config({}, SCALE))
    assert state.ok and all(d.ok for d in demos)
    if name.endswith(".ipynb"):  # each line tagged with its cell: cell N is demo N
        for o in state.outputs:
            cell, _, text = o.text.partition("] ")
            o.text = text
            if text.startswith(("Number: ", "Letter: ")) and o.worker != "main":
                assert cell == "[1"
            elif text.startswith(("Square of", "Cube of")):
                assert cell == "[2"
            elif text.startswith("Number: "):
                assert cell == "[3"
            elif text.startswith("Square: "):
                assert cell == "[4"
    assert _lines(state) == sum((_lines(d) for d in demos), Counter())
    assert _kinds(state) == sum((_kinds(d) for d in demos), Counter())
