"""The ``notebook`` demo, run headless for real: the cell's children fail under spawn."""

from __future__ import annotations

import pytest

from workloads import catalog
from workloads.demos.notebook import MODULE_CELL, NOTEBOOK_CELL, last_errors
from workloads.events import DONE, FAILED, PROCESS, RunStatus
from workloads.run_document import run_document
from workloads.run_session import run_to_end
from workloads.run_state import RunState

COLUMNS = ["variant", "children_ok", "total_s", "error"]


def run(variant: str) -> tuple[RunState, list[dict]]:
    state = run_to_end(catalog.get("notebook").config({"variant": variant}, time_scale=0.02))
    assert state.status == RunStatus.FINISHED, state.error
    results = run_document(state)["results"]
    assert [list(r) for r in results] == [COLUMNS] * len(results)
    return state, results


def _cant_get(name: str) -> str:
    return f"AttributeError: Can't get attribute '{name}' on <module '__main__' (built-in)>"


@pytest.mark.usefixtures("no_orphans")
def test_children_of_a_notebook_cell_die_with_the_real_error() -> None:
    state, [row] = run("notebook")
    assert (row["variant"], row["children_ok"]) == ("notebook", 0)
    # What the children wrote to their stderr, read back by the parent.
    assert sorted(row["error"].split("; ")) == [
        _cant_get("cube_numbers"),
        _cant_get("square_numbers"),
    ]
    children = [w for w in state.workers.values() if w.kind == PROCESS]
    assert len(children) == 2 and all(w.state == FAILED for w in children)
    assert sorted(w.id for w in children) == ["p1", "p2"]  # the ids their parent gave
    # Each child's panel shows its own error, and the traceback of the unpickling.
    assert sorted(w.error for w in children) == sorted(
        [_cant_get("square_numbers"), _cant_get("cube_numbers")]
    )
    assert all("reduction.pickle.load" in w.traceback for w in children)
    assert all(state.exits[w.pid] == 1 for w in children)
    main_lines = [o.text for o in state.outputs if o.worker == "main"]
    assert any(line.startswith("Total time: ") for line in main_lines)
    assert not any("Square of" in o.text or "Cube of" in o.text for o in state.outputs)


@pytest.mark.usefixtures("no_orphans")
def test_the_module_variant_works() -> None:
    state, [row] = run("module")
    assert (row["variant"], row["children_ok"], row["error"]) == ("module", 2, "")
    children = [w for w in state.workers.values() if w.kind == PROCESS]
    assert sorted(w.name for w in children) == ["cube_numbers", "square_numbers"]
    assert all(w.state == DONE for w in children)
    squares = [o.text for o in state.outputs if o.text.startswith("Square of")]
    assert squares == [f"Square of {i}: {i * i}" for i in range(5)]


@pytest.mark.usefixtures("no_orphans")
def test_both_variants_run_one_after_the_other() -> None:
    _, results = run("both")
    assert [(r["variant"], r["children_ok"]) for r in results] == [("notebook", 0), ("module", 2)]


def test_the_fix_is_the_same_cell_with_the_functions_imported() -> None:
    assert "def square_numbers" in NOTEBOOK_CELL and "def square_numbers" not in MODULE_CELL
    assert "import cube_numbers, square_numbers" in MODULE_CELL
    tail = NOTEBOOK_CELL[NOTEBOOK_CELL.index('if __name__ == "__main__":') :]
    assert MODULE_CELL.endswith(tail)


def test_last_errors_keeps_each_error_line_once() -> None:
    text = (
        "Traceback (most recent call last):\n  File x\nValueError: a\nValueError: a\nKeyError: b\n"
    )
    assert last_errors(text) == "ValueError: a; KeyError: b"
