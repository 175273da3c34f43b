"""Events through Dask's event log and back; the bridge's naming of workers. No cluster."""

from __future__ import annotations

from typing import Any

import msgpack  # type: ignore[import-untyped]

from workloads.dask_bridge import DaskBridge
from workloads.dask_codec import decode, encode
from workloads.events import (
    PROCESS,
    RUNNING,
    WAITING,
    Output,
    Progress,
    Result,
    Span,
    StateChanged,
    Ticking,
    WorkerCpu,
    WorkerFailed,
    WorkerFinished,
    WorkerStarted,
)

EVENTS: list[Any] = [
    WorkerStarted("", 10.0, "host-a", PROCESS, 4242, 4243),
    Progress("t1", 10.5, 3, 0),
    Output("", 11.0, "crunched 300 units"),
    Span("t2", 11.0, 11.25, RUNNING),
    StateChanged("", 11.5, WAITING, "sleep(0.2)"),
    Result("", 12.0, 7, {"url": "http://x/", "status": 200}),
    WorkerFinished("", 13.0, "", 0.5),
    WorkerFailed("t1", 13.0, "ValueError: boom", "Traceback ...", 0.1),
    WorkerCpu("", 13.5, 97.5),
]


def test_every_event_survives_msgpack_with_its_types_and_this_clock():
    there, here = 1000.0, 250.0  # the sender's and the receiver's wall-clock offsets
    for event in EVENTS:
        wire = msgpack.unpackb(msgpack.packb(encode(event, there)))
        back: Any = decode(wire, here, lambda own: f"d1.{own}" if own else "d1")
        assert back is not None
        assert type(back) is type(event)
        assert back.worker == ("d1." + event.worker if event.worker else "d1")
        fields, original = list(back), list(event)
        times = (1, 2) if isinstance(event, Span) else (1,)
        for i, (a, b) in enumerate(zip(fields, original, strict=True)):
            if i in times:
                assert abs(a - (b + there - here)) < 1e-9
            elif i > 0:
                assert a == b and type(a) is type(b), (event, i)


def test_what_is_not_an_event_is_dropped():
    assert decode([], 0.0, str) is None
    assert decode(["Nonsense", 1, 2], 0.0, str) is None
    assert decode(["Progress", "t1", 1.0], 0.0, str) is None  # fields missing


class FakeClient:
    def __init__(self) -> None:
        self.handlers: dict[str, Any] = {}

    def subscribe_topic(self, topic: str, handler: Any) -> None:
        self.handlers[topic] = handler

    def unsubscribe_topic(self, topic: str) -> None:
        del self.handlers[topic]


def _batch(address: str, events: list[Any], bye: bool = False) -> tuple[float, Any]:
    return (0.0, {"worker": address, "events": [encode(e, 0.0) for e in events], "bye": bye})


def test_the_bridge_names_workers_in_order_and_reports_a_lost_one():
    got: list[Any] = []
    bridge = DaskBridge("interleave-x", got.append)
    client = FakeClient()
    bridge.attach(client)
    on_batch, on_cluster = client.handlers["interleave-x"], client.handlers["all"]
    on_batch(_batch("tcp://b:1", [WorkerStarted("", 1.0, "b", PROCESS, 7, 7)]))
    on_batch(_batch("tcp://a:1", [WorkerStarted("", 1.0, "a", PROCESS, 8, 8)]))
    on_batch(_batch("tcp://a:1", [Progress("t1", 2.0, 1, 0)]))
    assert bridge.workers == {"tcp://b:1": "d1", "tcp://a:1": "d2"}
    # Each worker says first that it ticks: the kernel sampler must add no spans of its own.
    assert [type(e).__name__ for e in got[:2]] == ["Ticking", "WorkerStarted"]
    assert [e.worker for e in got if not isinstance(e, Ticking)] == ["d1", "d2", "d2.t1"]
    on_cluster((0.0, {"action": "remove-worker", "worker": "tcp://b:1", "processing-tasks": ["k"]}))
    lost = [e for e in got if isinstance(e, WorkerFailed)]
    assert [e.worker for e in lost] == ["d1"]
    assert any(isinstance(e, Output) and "d1 left the cluster" in e.text for e in got)
    # A worker that said goodbye, or was retired on purpose, is no failure.
    on_batch(_batch("tcp://a:1", [], bye=True))
    on_cluster((0.0, {"action": "remove-worker", "worker": "tcp://a:1", "expected": True}))
    assert len([e for e in got if isinstance(e, WorkerFailed)]) == 1
    assert bridge.wait_for_byes(0.1)
    bridge.detach(client)
    assert client.handlers == {}
