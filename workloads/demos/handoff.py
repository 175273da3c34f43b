"""Passing control and data back and forth: ping-pong between two threads through a
queue, and between two processes through a pipe.

The main thread sends a message and waits for it to come back, again and again;
the other side sends back whatever arrives. A round trip is two hand-overs.
"""

import contextlib
import multiprocessing
import queue
import threading
import time

from workloads import runtime
from workloads.runtime import tick

#: From this size on, a payload between processes takes long enough to arrive that
#: the wait is shown as such; below it, saying so would cost more than the round trip.
BIG_KB = 64


def echo_thread(inbox, outbox):
    """The other thread: send back whatever arrives, until None."""
    while (message := inbox.get()) is not None:
        tick()
        outbox.put(message)


def echo_process(conn):
    """The other process: send back whatever arrives, until None."""
    while (message := conn.recv()) is not None:
        tick()
        conn.send(message)


def ping_pong(send, receive, payload, seconds, slow):
    """Round trips of ``payload`` for about ``seconds``; returns (trips, seconds)."""
    send(payload)  # a first one, untimed: everything is started and warm
    receive()
    trips = 0
    start = time.perf_counter()
    end = start
    while end - start < seconds:
        send(payload)
        with runtime.waiting("the reply") if slow else contextlib.nullcontext():
            receive()
        tick()
        trips += 1
        end = time.perf_counter()
    send(None)
    return trips, end - start


def between_threads(payload, seconds):
    to_echo: queue.Queue[bytes | None] = queue.Queue()
    back: queue.Queue[bytes | None] = queue.Queue()
    echo = threading.Thread(target=echo_thread, args=(to_echo, back))
    echo.start()
    result = ping_pong(to_echo.put, back.get, payload, seconds, slow=False)
    echo.join()
    return result


def between_processes(payload, seconds):
    mine, theirs = multiprocessing.Pipe()
    echo = multiprocessing.Process(target=echo_process, args=(theirs,))
    echo.start()
    slow = len(payload) >= BIG_KB * 1024
    result = ping_pong(mine.send, mine.recv, payload, seconds, slow)
    echo.join()
    return result


def main(params):
    seconds = params["seconds"]
    sizes = sorted({0, params["payload_kb"]})
    row = 0
    for kb in sizes:
        payload = bytes(kb * 1024)
        for kind, run in (("thread", between_threads), ("process", between_processes)):
            runtime.status(f"ping-pong between {kind}s, {kb:,} KB")
            trips, elapsed = run(payload, seconds)
            us = elapsed / trips * 1e6
            per_s = trips / elapsed
            runtime.result(
                row,
                {
                    "kind": kind,
                    "payload_kb": kb,
                    "round_trips_per_s": round(per_s),
                    "us_per_round_trip": round(us, 1),
                },
            )
            print(f"{kind:7} {kb:>6,} KB {per_s:>9,.0f} round trips/s {us:>9,.1f} µs each")
            row += 1
