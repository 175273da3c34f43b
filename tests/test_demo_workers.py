"""Each demo's declared worker count (``Demo.workers``) is what a real run shows.

The run screen plans its panes from it before the run starts, so a count that is given
must be exact: each case below runs the demo headless, for real, at a small time scale,
and counts the workers of its final state. Where timing decides (pools that may reuse
an idle worker, dask), the count must be None instead.
"""

from __future__ import annotations

from typing import Any

import pytest

from workloads import catalog, gil_lab, worker_count
from workloads.demo import Demo, script_demo, unknown_workers
from workloads.events import RunStatus
from workloads.run_session import run_to_end
from workloads.script import Script

SCALE = 0.02
LAB = ("sequential", "processes", "process-pool")  # threads: the lab's default mode

#: (demo, parameters): small runs, each with a count that is known. Defaults where the
#: demo's default run is short, else its defaults with smaller work. The lab's two demos
#: share one count: io-bound's cases are those where its runs differ (tasks, waits).
RUNS: list[tuple[str, dict[str, Any]]] = [
    ("memory", {"increments": 1000}),
    ("memory", {"mode": "processes", "workers": 2, "increments": 1000}),
    ("crash", {}),
    ("crash", {"mode": "processes", "workers": 2, "crash_after": 0.25}),
    ("startup", {"workers": 2, "alive": 1}),
    ("handoff", {"seconds": 0.1}),
    ("handoff", {"payload_kb": 0, "seconds": 0.1}),
    ("threads", {}),
    ("processes", {"items": 2}),
    ("thread-pool", {"workers": 1, "items": 2}),
    ("process-pool", {}),
    ("process-pool", {"workers": 4, "items": 2, "sleep": 0.0}),
    ("notebook", {}),  # both variants, one after the other
    ("cpu-bound", {"size": 20}),
    *[("cpu-bound", {"mode": m, "workers": 2, "size": 20}) for m in LAB],
    ("cpu-bound", {"mode": "thread-pool", "workers": 1, "size": 20}),
    ("io-bound", {}),
    ("io-bound", {"mode": "process-pool", "workers": 3, "items": 1, "wait": 0.0}),
    ("io-bound", {"mode": "asyncio", "workers": 3, "items": 2}),
    ("io-bound", {"mode": "thread-pool", "workers": 1, "items": 2}),
    ("scrape", {"pages": 4}),
    ("scrape", {"mode": "sequential", "pages": 2, "latency": 0}),
    ("scrape", {"mode": "threads", "workers": 8, "pages": 3, "latency": 0}),
    ("scrape", {"mode": "threads", "workers": 2, "crawl": 3, "latency": 0}),
    ("scrape", {"mode": "thread-pool", "workers": 1, "pages": 2, "latency": 0}),
    ("scrape", {"mode": "processes", "workers": 2, "pages": 2, "latency": 0}),
]


def _id(case: tuple[str, dict[str, Any]]) -> str:
    demo, params = case
    return " ".join([demo, *(f"{k}={v}" for k, v in params.items())])


@pytest.mark.usefixtures("no_orphans")
@pytest.mark.parametrize("case", RUNS, ids=[_id(c) for c in RUNS])
def test_a_run_shows_the_workers_its_demo_declares(case: tuple[str, dict[str, Any]]) -> None:
    demo_id, params = case
    demo = catalog.get(demo_id)
    expected = demo.expected_workers(params)
    assert expected is not None, "a case here must have a known count"
    state = run_to_end(demo.config(params, SCALE))
    assert state.status == RunStatus.FINISHED, state.error
    assert len(state.workers) == expected, sorted(state.workers)


def test_every_demo_declares_its_count_and_every_case_of_it_is_covered() -> None:
    for demo in catalog.DEMOS.values():
        assert demo.workers is not unknown_workers, demo.id
    assert {demo for demo, _ in RUNS} == set(catalog.DEMOS)


@pytest.mark.parametrize(
    ("demo_id", "params"),
    [
        ("thread-pool", {}),  # 3 threads for 5 tasks: a task may end before a submit
        ("cpu-bound", {"mode": "thread-pool", "workers": 2}),
        ("io-bound", {"mode": "thread-pool", "workers": 2}),
        ("scrape", {"mode": "thread-pool", "workers": 2}),
        ("process-pool", {"workers": worker_count.SURE_PROCESS_POOL + 1, "items": 100}),
        ("cpu-bound", {"mode": "process-pool", "workers": 64}),
        ("scrape", {"mode": "processes", "workers": 16, "pages": 16}),
        ("cpu-bound", {"mode": "dask"}),
        ("io-bound", {"mode": "dask"}),
        ("scrape", {"mode": "dask"}),
        ("scrape", {"mode": "thread-pool", "crawl": 5}),  # batch after batch
        ("scrape", {"mode": "processes", "crawl": 5}),
    ],
)
def test_a_count_that_timing_decides_is_not_given(demo_id: str, params: dict[str, Any]) -> None:
    assert catalog.get(demo_id).expected_workers(params) is None


def test_a_file_of_urls_is_not_read_to_count(tmp_path: Any) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("http://127.0.0.1:9/a\nhttp://127.0.0.1:9/b\n")
    scrape = catalog.get("scrape")
    assert scrape.expected_workers({"urls": str(urls)}) is None
    assert scrape.expected_workers({"url": ("http://127.0.0.1:9/a",), "workers": 8}) == 2


@pytest.mark.parametrize("demo", list(catalog.DEMOS.values()), ids=list(catalog.DEMOS))
def test_every_mode_has_an_answer(demo: Demo) -> None:
    modes = demo.param("mode").choices if "mode" in demo.defaults() else (None,)
    for mode in modes:
        params = {} if mode is None else {"mode": mode}
        count = demo.expected_workers(params)
        assert count is None or count >= worker_count.MAIN, (demo.id, mode)


def test_one_pool_worker_is_known_and_a_users_script_is_not(tmp_path: Any) -> None:
    lab = catalog.get("cpu-bound")
    assert lab.expected_workers({"mode": "thread-pool", "workers": 1}) == 2
    assert lab.expected_workers({"mode": "sequential", "workers": 9}) == 1
    assert lab.expected_workers({"mode": "threads", "workers": gil_lab.MAX_WORKERS}) == 257
    path = tmp_path / "mine.py"
    path.write_text("print('hi')\n")
    assert script_demo(Script(str(path))).expected_workers({}) is None
