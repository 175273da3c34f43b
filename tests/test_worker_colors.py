"""A worker's colour comes from its id, not from which event arrived first."""

from __future__ import annotations

from tui.widgets.worker_colors import MAIN_SLOT, WorkerColors


def test_colour_does_not_depend_on_arrival_order() -> None:
    first, second = WorkerColors(), WorkerColors()
    ids = ["main", "t1", "t2", "t3"]
    assert [first.slot(i) for i in ids] == [second.slot(i) for i in reversed(ids)][::-1]
    assert first.slot("main") == MAIN_SLOT
    assert first.slot("t1") != first.slot("t2")


def test_threads_get_their_ids_in_start_order() -> None:
    # A rerun of the same demo names the same threads the same way (start() order).
    import json
    import subprocess
    import sys

    runs = [
        subprocess.run(
            [sys.executable, "-m", "tui", "run", "threads", "--time-scale", "0.01", "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        for _ in range(2)
    ]
    names = [{w["id"]: w["name"] for w in json.loads(r.stdout)["workers"]} for r in runs]
    assert (
        names[0] == names[1] == {"main": "MainThread", "t1": "print_numbers", "t2": "print_letters"}
    )
