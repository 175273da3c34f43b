"""The run host's end of a Dask cluster's events: from the scheduler's log to the run.

Each worker's :class:`~workloads.dask_plugin.PanelPlugin` logs batches under the run's
topic; this subscribes to it (``Client.subscribe_topic``) and re-emits the events on the
host's reporter, like any other events of the run. It names each worker process of the
cluster ``d1``, ``d2``... in the order they first speak (a restarted worker is a new
one), and its threads ``d1.t1``... It also listens to the scheduler's own ``all`` topic:
a worker that leaves the cluster unexpectedly (killed, its machine gone) is said in
the output, with the tasks the scheduler gives to other workers, and a remote one is
marked failed (a local one is the run's reaper's: it knows the signal).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

from workloads.dask_codec import decode, wall_offset
from workloads.events import Event, Output, Ticking, WorkerFailed, WorkerStarted


class DaskBridge:
    """Subscribes to a run's topic on a Dask client and emits what arrives."""

    def __init__(self, topic: str, emit: Callable[[Event], None], *, local: bool = False) -> None:
        self.topic = topic
        self._emit = emit
        #: The workers are this host's children: the run's reaper reports how they died.
        self.local = local
        self._lock = threading.Lock()
        self._ids: dict[str, str] = {}  # worker address -> d1
        self._panels: dict[str, set[str]] = {}  # worker address -> its panel ids
        self._gone: set[str] = set()
        self._byes: set[str] = set()
        self._changed = threading.Condition(self._lock)
        #: Batches and events received so far (for benchmarks).
        self.batches = 0
        self.events = 0

    def attach(self, client: Any) -> None:
        """Start receiving the run's events and the cluster's worker changes."""
        client.subscribe_topic(self.topic, self._on_batch)
        client.subscribe_topic("all", self._on_cluster)

    def detach(self, client: Any) -> None:
        """Stop receiving (the topics stay the scheduler's; we only stop listening)."""
        for topic in (self.topic, "all"):
            with contextlib.suppress(Exception):  # the client is closing, or the scheduler gone
                client.unsubscribe_topic(topic)

    @property
    def workers(self) -> dict[str, str]:
        """The cluster's worker processes seen so far: address -> run id (``d1``)."""
        with self._lock:
            return dict(self._ids)

    def wait_for_byes(self, timeout: float) -> bool:
        """Wait until every worker still in the cluster sent its last batch."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while set(self._ids) - self._gone - self._byes:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    # -- handlers, on the client's event loop ----------------------------------------------
    def _on_batch(self, event: tuple[float, Any]) -> None:
        _, message = event
        if not isinstance(message, dict):
            return
        address = str(message.get("worker", ""))
        with self._lock:
            prefix = self._ids.get(address)
            if prefix is None:
                prefix = self._ids[address] = f"d{len(self._ids) + 1}"
                self._panels[address] = set()
            panels = self._panels[address]
        offset = wall_offset()

        def worker_id(own: str) -> str:
            wid = f"{prefix}.{own}" if own else prefix
            panels.add(wid)
            return wid

        items = message.get("events") or []
        for item in items:
            decoded = decode(item, offset, worker_id)
            if decoded is None:
                continue
            if isinstance(decoded, WorkerStarted):
                # The plugin reports when its tasks ran (their tick()s): the run's kernel
                # sampler, which sees the worker's local threads too, must not add its own.
                self._emit(Ticking(decoded.worker, decoded.t))
            self._emit(decoded)
        with self._changed:
            self.batches += 1
            self.events += len(items)
            if message.get("bye"):
                self._byes.add(address)
            self._changed.notify_all()

    def _on_cluster(self, event: tuple[float, Any]) -> None:
        _, message = event
        if not isinstance(message, dict) or message.get("action") != "remove-worker":
            return
        address = str(message.get("worker", ""))
        with self._changed:
            known = address in self._ids and address not in self._byes
            self._gone.add(address)
            panels = sorted(self._panels.get(address, ()))
            self._changed.notify_all()
        if not known or message.get("expected"):
            return
        moved = len(message.get("processing-tasks") or ())
        now = time.monotonic()
        name = self._ids[address]
        line = f"dask: {name} left the cluster"
        if moved:
            line += f"; the scheduler gives its {moved} task(s) to other workers"
        line += f" ({address})"
        self._emit(Output("main", now, line))
        if self.local:
            return  # the reaper says how the process ended (killed by SIGKILL)
        # A remote process: all we know is that the scheduler lost it. Its CPU time since
        # its last report is unknown; 0 stands for that.
        for wid in panels:
            self._emit(WorkerFailed(wid, now, "lost by the scheduler", "", 0.0))
