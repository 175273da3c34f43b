"""The task tracer on a real event loop, in this process, with events collected in a list."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from workloads import runtime
from workloads.events import TASK, WAITING, Event, Span, StateChanged, WorkerStarted
from workloads.runtime import RunConfig
from workloads.task_tracer import TaskTracer, TracedCoroutine, describe_awaited
from workloads.worker_context import WorkerContext


class FakeRuntime:
    """The part of a Runtime the tracer uses: where events go, the config, the prefix."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.emit = self.events.append
        self.config = RunConfig("test", "tests", {}, totals={"worker": 2})
        self.prefix = ""


def _run(coro_fn: Any, is_demo: bool = True) -> tuple[FakeRuntime, WorkerContext]:
    rt = FakeRuntime()
    tracer = TaskTracer(rt, lambda fn: is_demo)  # type: ignore[arg-type]
    main = WorkerContext("main", "MainThread", TASK, rt.emit)
    previous = runtime.swap_context(main)
    loop = asyncio.new_event_loop()
    try:
        loop.set_task_factory(tracer.factory)
        loop.run_until_complete(loop.create_task(coro_fn()))
    finally:
        loop.close()
        runtime.swap_context(previous)
    return rt, main


seen: dict[str, str | None] = {}


async def worker(name: str) -> None:
    for _ in range(2):
        await asyncio.sleep(0.001)
        ctx = runtime.current()
        seen[name] = ctx.id if ctx is not None else None
        print(name)


async def two_workers() -> None:
    await asyncio.gather(worker("x"), worker("y"))


def test_each_task_is_a_worker_on_this_thread(capsys: Any) -> None:
    seen.clear()
    rt, _ = _run(two_workers)
    started = [e for e in rt.events if isinstance(e, WorkerStarted)]
    assert [e.worker for e in started] == ["a1", "a2"]
    assert {e.kind for e in started} == {TASK}
    assert {e.tid for e in started} == {threading.get_native_id()}
    assert {e.name for e in started} == {"worker"}
    # While a task steps, it is the thread's current worker (its prints, its ticks).
    assert seen == {"x": "a1", "y": "a2"}
    for wid in ("a1", "a2"):
        spans = [e for e in rt.events if isinstance(e, Span) and e.worker == wid]
        assert {s.state for s in spans} >= {"running", "waiting"}
    details = {e.detail for e in rt.events if isinstance(e, StateChanged) and e.worker == "a1"}
    assert "sleep(0.001)" in details


def test_the_loops_own_coroutine_is_the_threads_worker() -> None:
    rt, _ = _run(two_workers)
    waits = [e for e in rt.events if isinstance(e, StateChanged) and e.worker == "main"]
    assert [e.state for e in waits] and {e.state for e in waits} == {WAITING}
    assert "gather" in {e.detail for e in waits}
    assert not [e for e in rt.events if isinstance(e, WorkerStarted) and e.worker == "main"]


def test_library_coroutines_are_not_traced() -> None:
    rt, _ = _run(two_workers, is_demo=False)
    assert not [e for e in rt.events if isinstance(e, WorkerStarted)]


def test_describe_awaited_names_the_sleep() -> None:
    async def napper() -> None:
        await asyncio.sleep(0.5)

    async def check() -> str:
        task = asyncio.ensure_future(napper())
        await asyncio.sleep(0)
        coro = task.get_coro()
        text = describe_awaited(getattr(coro, "cr_await", None))
        task.cancel()
        return text

    assert asyncio.run(check()) == "sleep(0.5)"


def test_a_traced_coroutine_is_a_coroutine_to_asyncio() -> None:
    async def nothing() -> int:
        return 7

    coro = nothing()
    traced = TracedCoroutine(coro, None, None)
    assert asyncio.iscoroutine(traced)
    assert asyncio.run(traced) == 7
