"""Each worker's current line (sampled, folded, marked in the code pane), and the screen's
note when the kernel sampler cannot run."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from tests import sampler_demos
from tests.tui_fakes import PARAMS, T0, finished_threads_state, fixed_sample
from tests.tui_helpers import run_children, wait_until
from tui.app import InterleaveApp
from tui.screens.run_screen import RunScreen
from tui.widgets.code_pane import CodePane, pick_file
from tui.widgets.cpu_gauges import CpuGauges
from workloads import catalog
from workloads.events import (
    THREAD,
    CurrentLine,
    Event,
    RunStarted,
    SamplerStatus,
    WorkerStarted,
)
from workloads.line_sampler import LineSampler
from workloads.run_session import run_to_end
from workloads.run_state import RunState, fold
from workloads.runtime import RunConfig


def _parked(gate: threading.Event) -> None:
    gate.wait()


PARK_LINE = _parked.__code__.co_firstlineno + 1


def test_the_sampler_finds_the_innermost_frame_of_the_program() -> None:
    gate = threading.Event()
    thread = threading.Thread(target=_parked, args=(gate,))
    thread.start()
    try:
        events: list[Event] = []
        workers = {thread.ident or 0: "t1"}
        sampler = LineSampler(workers, events.append, is_program=lambda name: name == __name__)
        time.sleep(0.05)
        sampler.sample()
        sampler.sample()  # nothing changed: nothing more is sent
    finally:
        gate.set()
        thread.join()
    assert [(e.worker, e.file, e.line) for e in events if isinstance(e, CurrentLine)] == [
        ("t1", __file__, PARK_LINE)
    ]


def test_a_real_run_reports_the_line_a_worker_sleeps_on() -> None:
    seen: list[CurrentLine] = []

    def collect(_state: RunState, events: list[Event]) -> None:
        seen.extend(e for e in events if isinstance(e, CurrentLine))

    config = RunConfig("sampler", "tests.sampler_demos", {"mode": "sleeper", "seconds": 0.8})
    state = run_to_end(config, on_events=collect)
    assert state.ok, state.error
    path = os.path.realpath(sampler_demos.__file__)
    lines = {(os.path.realpath(e.file), e.line) for e in seen if e.worker == "t1"}
    assert (path, sampler_demos.SLEEP_LINE) in lines
    main_lines = {e.line for e in seen if e.worker == "main" and e.file}
    assert main_lines  # the main thread is in the demo's main() (starting, joining)
    assert not run_children()


def test_the_pane_shows_the_file_most_workers_are_in() -> None:
    events: list[Any] = [RunStarted(0.0, "x", {}, 1.0, 1, "3.11", True, 0.005)]
    for wid, tid in (("t1", 11), ("t2", 12), ("t3", 13)):
        events.append(WorkerStarted(wid, 0.0, wid, THREAD, 1, tid))
    events += [
        CurrentLine("t1", 0.1, "/p/helpers.py", 5),
        CurrentLine("t2", 0.1, "/p/helpers.py", 7),
        CurrentLine("t3", 0.1, "/p/main.py", 3),
    ]
    assert pick_file(fold(events), "/p/main.py") == ("/p/helpers.py", {5: ["t1"], 7: ["t2"]})
    events.append(CurrentLine("t2", 0.2, "/p/main.py", 3))  # a tie: the demo's own file
    assert pick_file(fold(events), "/p/main.py") == ("/p/main.py", {3: ["t2", "t3"]})
    assert pick_file(fold(events[:4]), "/p/main.py") == ("/p/main.py", {})


async def test_the_code_pane_marks_each_sleeping_workers_line() -> None:
    demo = catalog.get("threads")
    path = demo.source_path()
    assert path is not None
    source = demo.source().splitlines()
    sleeps = {n for n, text in enumerate(source, 1) if "time.sleep(delay)" in text}
    app = InterleaveApp(time_scale=0.5)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(str(list(catalog.DEMOS).index("threads") + 1))
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
        screen = app.screen
        assert isinstance(screen, RunScreen)
        assert screen.demo.id == "threads"
        pane = screen.query_one(CodePane)
        await wait_until(
            pilot, lambda: {"t1", "t2"} <= {w for n in sleeps for w in pane.marks.get(n, [])}
        )
        assert pane.path == os.path.realpath(path)
        assert all("●▶" in pane.drawn_line(n).text for n in pane.marks)  # drawn, not cropped
        await pilot.press("q")
    assert not run_children()


async def test_without_the_kernel_sampler_the_screen_says_so() -> None:
    state = finished_threads_state()
    state.apply(SamplerStatus(T0, False, 0.0, "no /proc/PID/task/TID/schedstat here"))
    app = InterleaveApp()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = RunScreen(catalog.get("threads"), PARAMS, 1.0, replay=state, sample=fixed_sample())
        await app.push_screen(screen)
        await pilot.pause()
        screen.refresh_now()
        await pilot.pause()
        assert "no kernel sampler here" in str(screen.query_one(CpuGauges).render())
