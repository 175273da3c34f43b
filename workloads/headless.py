"""Runs a demo without a UI: the host, the queue and the fold, with a plain consumer."""

from __future__ import annotations

import time
from collections.abc import Callable

from workloads.events import Event
from workloads.run_handle import RunHandle
from workloads.run_state import RunState
from workloads.runtime import RunConfig


def run_headless(
    config: RunConfig,
    *,
    on_events: Callable[[RunState, list[Event]], None] | None = None,
    python: str | None = None,
    on_start: Callable[[RunHandle], None] | None = None,
) -> RunState:
    """Run ``config`` to the end and return its folded state.

    ``on_events`` sees every batch as it arrives (the CLI prints lines live with it).
    Interrupting (KeyboardInterrupt, or any exception from a callback) kills the run's
    whole process group before the exception propagates.
    """
    state = RunState()
    with RunHandle(config, python=python) as handle:
        if on_start is not None:
            on_start(handle)
        while True:
            alive = handle.alive()
            events = handle.drain(timeout=0.05)
            if events:
                state.apply_all(events)
                if on_events is not None:
                    on_events(state, events)
            if not alive and not events:
                break
        if not state.over:
            state.fail(time.monotonic(), f"the run host exited with code {handle.exitcode()}")
    return state
