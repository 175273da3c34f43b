"""The worker-side reporter: batching, flushing, and no event lost across threads."""

from __future__ import annotations

import threading
import time
from typing import Any

from workloads.events import Output
from workloads.reporter import Reporter


class ListSink:
    """A queue stand-in that records each put."""

    def __init__(self) -> None:
        self.batches: list[list[Any]] = []
        self.lock = threading.Lock()

    def put(self, obj: Any) -> None:
        with self.lock:
            self.batches.append(obj)


def _ev(i: int) -> Output:
    return Output("w", float(i), str(i))


def test_events_are_sent_in_batches_not_one_by_one() -> None:
    sink = ListSink()
    rep = Reporter(sink, max_batch=100, flusher=False)
    for i in range(1000):
        rep.emit(_ev(i))
    assert len(sink.batches) == 10
    assert all(len(b) == 100 for b in sink.batches)
    assert [e.text for b in sink.batches for e in b] == [str(i) for i in range(1000)]


def test_flush_sends_a_partial_batch_and_nothing_when_empty() -> None:
    sink = ListSink()
    rep = Reporter(sink, flusher=False)
    rep.flush()
    assert sink.batches == []
    rep.emit(_ev(1))
    rep.flush()
    assert sink.batches == [[_ev(1)]]


def test_flusher_thread_sends_buffered_events_without_further_calls() -> None:
    sink = ListSink()
    rep = Reporter(sink, interval=0.01)
    rep.emit(_ev(1))
    deadline = time.monotonic() + 5
    while not sink.batches and time.monotonic() < deadline:
        time.sleep(0.005)
    rep.close()
    assert sink.batches == [[_ev(1)]]


def test_many_threads_emitting_lose_and_duplicate_nothing() -> None:
    sink = ListSink()
    rep = Reporter(sink, interval=0.001, max_batch=7)

    def produce(k: int) -> None:
        for i in range(2000):
            rep.emit(Output(f"w{k}", 0.0, str(i)))

    threads = [threading.Thread(target=produce, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rep.close()
    seen = [(e.worker, e.text) for b in sink.batches for e in b]
    assert len(seen) == 8 * 2000
    assert len(set(seen)) == len(seen)
    for k in range(8):  # each producer's events stay in its order
        mine = [int(text) for w, text in seen if w == f"w{k}"]
        assert mine == list(range(2000))
