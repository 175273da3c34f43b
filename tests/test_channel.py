"""The session's end of the event channel (workloads/channel.py): real sockets."""

from __future__ import annotations

import time

from workloads.channel import Listener, Sender
from workloads.events import Output


def _read_until(listener: Listener, count: int) -> list[object]:
    events: list[object] = []
    deadline = time.monotonic() + 5
    while len(events) < count and time.monotonic() < deadline:
        events += listener.read(0.05)
    return events


def test_batches_read_together_come_in_the_order_they_were_sent() -> None:
    listener = Listener()
    try:
        main, worker = Sender(listener.address), Sender(listener.address)
        deadline = time.monotonic() + 5
        while len(listener._open) < 2 and time.monotonic() < deadline:
            listener.read(0.05)  # accepts both, reads their hellos
        # main's line is handed over first, but it was printed after the worker's.
        main.put([Output("main", 2.0, "processes: 1 of 2 jobs done")])
        worker.put([Output("p1", 1.0, "crunched 30000 units"), Output("p1", 1.5, "bye")])
        time.sleep(0.2)  # both batches wait in their sockets: one read takes both
        events = _read_until(listener, 3)
        assert [e.text for e in events if isinstance(e, Output)] == [
            "crunched 30000 units",
            "bye",
            "processes: 1 of 2 jobs done",
        ]
        worker.close()
        main.close()
    finally:
        listener.close()
