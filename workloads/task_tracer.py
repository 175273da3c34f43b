"""Makes asyncio tasks workers of a run: each task of the program's own code gets a
panel (kind ``task``, on the thread that runs its event loop) and a lane on the timeline.

A task is a coroutine driven step by step by its event loop: a step runs until the
coroutine awaits something that is not ready (``asyncio.sleep``, a reply), then the
loop runs other tasks' steps until it is. :class:`TaskTracer` installs a task factory
on every event loop; it wraps each task's coroutine in a :class:`TracedCoroutine`,
which the task drives instead. Each step is a *running* span of the task; the time
between two steps is *waiting*, with what the coroutine awaits as its detail
(``sleep(0.2)``). While a step runs, the task is the thread's current worker, so its
``print`` and ``tick()`` count for it.

The coroutine handed to ``asyncio.run`` (a task created outside any task) is not a
worker of its own: it stands for the thread that runs the loop, whose worker waits
between its steps like any task.

``asyncio.sleep`` honours the run's time scale, as ``time.sleep`` does.
"""

from __future__ import annotations

import asyncio
import asyncio.base_events
import collections.abc
import itertools
import os
import threading
import time
import traceback
import types
from collections.abc import Callable, Coroutine, Generator
from typing import Any

from workloads import runtime
from workloads.events import TASK
from workloads.runtime import Runtime
from workloads.worker_context import WorkerContext

#: Says whether a function (anything with a ``__module__``) is the program's own code.
IsDemoCode = Callable[[Any], bool]

_real_async_sleep = asyncio.sleep
_original_loop_init = asyncio.base_events.BaseEventLoop.__init__


def describe_awaited(awaited: object, yielded: object = None) -> str:
    """What a suspended coroutine waits for, in a few words: ``sleep(0.2)``, ``gather``.

    ``awaited`` is what the coroutine awaits (its ``cr_await``), ``yielded`` what its
    step handed to the task (the future it waits on). Follows the chain of coroutines
    awaiting each other down to a ``sleep`` or the last one; past that, the future.
    """
    seen = 0
    while isinstance(awaited, types.CoroutineType) and seen < 50:
        code = awaited.cr_code
        frame = awaited.cr_frame
        if code.co_name == "sleep" and frame is not None and "delay" in frame.f_locals:
            return f"sleep({frame.f_locals['delay']:g})"
        inner = awaited.cr_await
        if inner is None:
            return f"{code.co_name}()"
        awaited, seen = inner, seen + 1
    if not isinstance(awaited, asyncio.Future) and isinstance(yielded, asyncio.Future):
        awaited = yielded  # a future's own iterator names nothing: the future does
    if isinstance(awaited, asyncio.Task):
        return f"task {awaited.get_name()}"
    if isinstance(awaited, asyncio.Future):
        name = type(awaited).__name__
        return "gather" if "Gathering" in name else "a future"
    return type(awaited).__name__ if awaited is not None else "the event loop"


class TracedCoroutine(collections.abc.Coroutine):
    """A task's coroutine, driven step by step, each step reported.

    ``ctx`` is the worker the steps count for. ``own`` says whether that worker is
    the task itself (announced at its first step, finished at its last) or the
    thread's worker (the coroutine of ``asyncio.run``), which only waits between steps.
    """

    def __init__(
        self,
        coro: Coroutine[Any, Any, Any],
        make_ctx: Callable[[TracedCoroutine], WorkerContext] | None,
        ctx: WorkerContext | None = None,
    ) -> None:
        self._coro = coro
        self._make_ctx = make_ctx
        self.ctx = ctx
        self.own = make_ctx is not None
        self.cpu_s = 0.0
        self._wait_start: float | None = None
        self.__name__ = getattr(coro, "__name__", "task")
        self.__qualname__ = getattr(coro, "__qualname__", self.__name__)

    # -- the coroutine protocol, as the task drives it ----------------------------------
    def send(self, value: Any) -> Any:
        return self._step(self._coro.send, value)

    def throw(self, *args: Any) -> Any:
        return self._step(self._coro.throw, *args)

    def close(self) -> None:
        self._coro.close()

    def __next__(self) -> Any:  # what a C task calls when it sends None
        return self.send(None)

    def __await__(self) -> Generator[Any, None, Any]:
        return self

    def __iter__(self) -> TracedCoroutine:
        return self

    # -- one step ----------------------------------------------------------------------
    def _step(self, method: Callable[..., Any], *args: Any) -> Any:
        ctx = self.ctx
        if ctx is None and self._make_ctx is not None:
            ctx = self.ctx = self._make_ctx(self)
        if ctx is None:
            return method(*args)
        if self._wait_start is not None:
            ctx.end_wait(self._wait_start)
            self._wait_start = None
        previous = runtime.swap_context(ctx)
        cpu0 = time.thread_time()
        try:
            value = method(*args)
        except StopIteration:
            self._over(ctx, cpu0, None)
            raise
        except BaseException as exc:
            self._over(ctx, cpu0, exc)
            raise
        finally:
            runtime.swap_context(previous)
        self.cpu_s += time.thread_time() - cpu0
        awaited = getattr(self._coro, "cr_await", None)
        self._wait_start = ctx.begin_wait(describe_awaited(awaited, value))
        return value

    def _over(self, ctx: WorkerContext, cpu0: float, error: BaseException | None) -> None:
        self.cpu_s += time.thread_time() - cpu0
        if not self.own:
            return
        if error is None:
            ctx.finished()
        else:
            ctx.failed(error, traceback.format_exc())


class TaskTracer:
    """The task factory of every event loop of a run process (see the module's doc)."""

    def __init__(self, rt: Runtime, is_demo_code: IsDemoCode) -> None:
        self._rt = rt
        self._is_demo_code = is_demo_code
        self._ids = itertools.count(1)

    def is_traced(self, coro: object) -> bool:
        """Whether ``coro`` is a coroutine of the program's own code."""
        frame = getattr(coro, "cr_frame", None)
        module = frame.f_globals.get("__name__", "") if frame is not None else ""
        return bool(module) and self._is_demo_code(types.SimpleNamespace(__module__=module))

    def wrap(self, coro: Any) -> Any:
        """The coroutine a new task should drive: ``coro`` itself, or traced."""
        if not isinstance(coro, types.CoroutineType) or not self.is_traced(coro):
            return coro
        try:
            inside_task = asyncio.current_task() is not None
        except RuntimeError:  # no running loop: created before the loop runs
            inside_task = False
        if inside_task:
            worker_id = f"{self._rt.prefix}a{next(self._ids)}"
            return TracedCoroutine(coro, lambda traced: self._announce(worker_id, traced))
        # The loop's own coroutine (asyncio.run's): it stands for the thread.
        return TracedCoroutine(coro, None, runtime.current())

    def _announce(self, worker_id: str, traced: TracedCoroutine) -> WorkerContext:
        name = traced.__name__
        ctx = WorkerContext(
            worker_id,
            name,
            TASK,
            self._rt.emit,
            total=self._rt.config.totals.get(name, 0),
            cpu_clock=lambda: traced.cpu_s,
        )
        ctx.started(os.getpid(), threading.get_native_id())
        return ctx

    def factory(
        self, loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any
    ) -> asyncio.Future[Any]:
        """A task factory (``loop.set_task_factory``)."""
        return asyncio.Task(self.wrap(coro), loop=loop, **kwargs)


_tracer: TaskTracer | None = None
_scale = 1.0


async def sleep(delay: float, result: Any = None) -> Any:
    """``asyncio.sleep`` for a run: scaled by the run's time scale."""
    return await _real_async_sleep(delay * _scale, result)


def _loop_init(self: asyncio.base_events.BaseEventLoop, *args: Any, **kwargs: Any) -> None:
    _original_loop_init(self, *args, **kwargs)
    if _tracer is not None:
        self.set_task_factory(_tracer.factory)


def install(rt: Runtime, is_demo_code: IsDemoCode) -> None:
    """Trace the tasks of every event loop created from now on in this process."""
    global _tracer, _scale
    _tracer = TaskTracer(rt, is_demo_code)
    _scale = rt.config.time_scale
    asyncio.base_events.BaseEventLoop.__init__ = _loop_init  # type: ignore[method-assign,assignment]
    asyncio.sleep = sleep
