"""What the app hands its screens explicitly: clock, sampler, interpreter, live sessions.

Screens get a :class:`Services` in their constructor instead of reaching for
``self.app.something``: a test builds a screen with a fake clock and sampler, and a
screen never depends on which app it is mounted in.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tui.cli_record import Outputs
from workloads.cpu_sampler import CpuSampler
from workloads.run_session import RunSession


class SessionRegistry:
    """The runs alive in this app, so that however the app ends, none survives.

    A screen adds its session when the run starts and discards it once closed, so the
    registry holds live runs only: a hundred reruns hold nothing of the ninety-nine
    that ended (their sockets, pipes and files are closed and forgotten).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: set[RunSession] = set()

    def __len__(self) -> int:
        return len(self._sessions)

    def add(self, session: RunSession) -> None:
        """Track a started session (and forget those closed by their owner meanwhile)."""
        with self._lock:
            self._sessions = {s for s in self._sessions if not s.closed}
            self._sessions.add(session)

    def close(self, session: RunSession) -> None:
        """Close ``session`` (killing what is left of its run) and forget it."""
        session.close()
        with self._lock:
            self._sessions.discard(session)

    def close_all(self) -> None:
        """Close every session still tracked (idempotent)."""
        with self._lock:
            sessions, self._sessions = self._sessions, set()
        for session in sessions:
            session.close()


@dataclass(frozen=True)
class Services:
    """The app's shared services; ``clock`` and ``sampler_factory`` are faked in tests."""

    clock: Callable[[], float] = time.monotonic
    sampler_factory: Callable[[], CpuSampler] = CpuSampler
    #: Another interpreter for the run hosts (``--python``), or None for this one.
    python: str | None = None
    sessions: SessionRegistry = field(default_factory=SessionRegistry)
    #: Where each run is recorded and traced when it ends (``--record``, ``--trace``).
    outputs: Outputs = field(default_factory=Outputs)
