"""The ``memory`` demo, run headless for real: shared and separate counters, a race."""

from __future__ import annotations

import pytest

from workloads import catalog
from workloads.events import RunStatus
from workloads.run_document import run_document
from workloads.run_session import run_to_end

COLUMNS = ["worker", "kind", "pid", "final", "expected", "lost", "rss_mb", "uss_mb"]
#: A race loses updates only when a thread switch lands inside the read-write window:
#: likely on every run, certain on none, so it gets several tries.
TRIES = 5


def rows(**params: object) -> list[dict]:
    state = run_to_end(catalog.get("memory").config(params, time_scale=0.05))
    assert state.status == RunStatus.FINISHED, state.error
    results = run_document(state)["results"]
    assert [list(r) for r in results] == [COLUMNS] * len(results)
    return results


@pytest.mark.usefixtures("no_orphans")
def test_threads_share_one_counter_in_one_process() -> None:
    main, *workers = rows(mode="threads", workers=3, increments=20_000)
    assert [w["kind"] for w in workers] == ["thread"] * 3 and main["kind"] == "main"
    assert len({r["pid"] for r in [*workers, main]}) == 1  # one process, one memory
    assert main["expected"] == 60_000
    assert main["final"] == main["expected"] - main["lost"]
    assert max(w["final"] for w in workers) == main["final"]  # the last one saw the sum
    assert len({(r["rss_mb"] > 0, r["uss_mb"] > 0) for r in workers}) == 1


@pytest.mark.usefixtures("no_orphans")
def test_race_loses_updates_in_some_try() -> None:
    lost = []
    for _ in range(TRIES):
        main = rows(mode="threads", workers=4, increments=300_000, race=True)[0]
        assert main["final"] == main["expected"] - main["lost"]
        lost.append(main["lost"])
        if main["lost"] > 0:
            break
    assert any(n > 0 for n in lost), f"no update lost in {TRIES} tries: {lost}"


@pytest.mark.usefixtures("no_orphans")
def test_lock_never_loses_an_update() -> None:
    for _ in range(3):
        main = rows(mode="threads", workers=4, increments=100_000, race=True, lock=True)[0]
        assert (main["final"], main["lost"]) == (400_000, 0)


@pytest.mark.usefixtures("no_orphans")
def test_each_process_counts_in_its_own_copy_and_main_stays_at_zero() -> None:
    main, *workers = rows(mode="processes", workers=3, increments=5_000, race=True)
    assert [w["kind"] for w in workers] == ["process"] * 3
    assert [w["final"] for w in workers] == [5_000] * 3
    assert len({w["pid"] for w in workers} | {main["pid"]}) == 4
    assert (main["final"], main["expected"], main["lost"]) == (0, 15_000, 15_000)
    assert all(w["uss_mb"] > 0 for w in workers)


def test_race_and_lock_are_flags_without_a_value() -> None:
    demo = catalog.get("memory")
    assert {demo.param("race").kind, demo.param("lock").kind} == {"flag"}
