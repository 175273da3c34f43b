"""The worker-side end of the event queue: batches events, one ``put`` per batch."""

from __future__ import annotations

import threading
from typing import Any, Protocol

from workloads.events import Event

#: A batch is sent when it holds this many events, or by the flusher every ``interval``.
MAX_BATCH = 512
FLUSH_INTERVAL_S = 0.02


class EventSink(Protocol):
    """What the reporter needs of a queue (``multiprocessing.Queue`` has it)."""

    def put(self, obj: Any) -> None: ...


class Reporter:
    """Collects the events of one process and sends them to the run's queue in batches.

    Any thread may call :meth:`emit`. A daemon thread flushes every ``interval`` seconds
    so that a worker asleep for seconds still has its last events shown promptly; a full
    batch is sent at once by the thread that filled it. Sending a list per put instead of
    one event per put is what makes the queue cheap (one pickle, one pipe write, one
    wake-up of the consumer per batch).
    """

    def __init__(
        self,
        queue: EventSink,
        *,
        interval: float = FLUSH_INTERVAL_S,
        max_batch: int = MAX_BATCH,
        flusher: bool = True,
        thread_factory: Any = threading.Thread,
    ) -> None:
        self._queue = queue
        self._buf: list[Event] = []
        self._lock = threading.Lock()
        self._max_batch = max_batch
        self._interval = interval
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        if flusher:
            # The thread class is passed in: inside a run, threading.Thread is the
            # instrumented one, and the flusher must not become a worker.
            self._thread = thread_factory(
                target=self._flush_loop, name="interleave-flusher", daemon=True
            )
            self._thread.start()

    def emit(self, event: Event) -> None:
        """Queue one event for sending."""
        with self._lock:
            buf = self._buf
            buf.append(event)
            if len(buf) < self._max_batch:
                return
            self._buf = []
        self._queue.put(buf)

    def flush(self) -> None:
        """Send whatever is buffered now."""
        with self._lock:
            buf = self._buf
            if not buf:
                return
            self._buf = []
        self._queue.put(buf)

    def close(self) -> None:
        """Stop the flusher and send the last batch."""
        self._stopped.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=1.0)
        self.flush()

    def _flush_loop(self) -> None:
        while not self._stopped.wait(self._interval):
            self.flush()
