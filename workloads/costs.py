"""What a worker costs: ``startup`` (creating one) and ``handoff`` (passing control and
data between two). Their code is :mod:`workloads.demos.startup` and
:mod:`workloads.demos.handoff`; both chart their results on the run screen."""

from __future__ import annotations

from workloads.chart import Chart
from workloads.demo import Demo
from workloads.param import FloatParam, IntParam
from workloads.worker_count import MAIN

STARTUP = Demo(
    id="startup",
    workload="mixed",
    title="The cost of a worker",
    summary="Start N threads, then N processes per start method: time and memory of each",
    module="workloads.demos.startup",
    params=(
        IntParam("workers", 20, "workers started and joined, one at a time, per kind", 1, 500),
        IntParam("alive", 4, "processes alive at once to measure memory (USS)", 1, 32),
    ),
    workers=lambda p: MAIN,  # what it starts runs library code only: no panels
    results=("kind", "method", "start_ms_median", "memory_mb"),
    chart=Chart(
        labels=("kind", "method"),
        value="start_ms_median",
        unit="ms",
        notes=(("memory_mb", "mem", "MB"),),
        title="start + join, median (log scale)",
    ),
    explanation="""\
A **thread** is a new stack and a few kilobytes of bookkeeping inside a
process that already exists. A **process** is a whole new program in
execution: its own memory, its own interpreter. This demo measures the
difference.

Each worker does nothing (`os.getpid`); the demo times `start()` plus
`join()`, one worker after another, and shows the **median**:

- `thread`: `threading.Thread`. A fraction of a millisecond.
- `fork`: the OS copies the parent process (its pages are shared until
  written): about a millisecond or two.
- `forkserver`: a small server process forks each child: a few ms.
- `spawn`: a fresh interpreter starts and imports what it needs: tens
  of ms. It is the default on Windows and macOS (and Linux from 3.14).

The bars use a **log scale**: each step right is ten times more.

*Memory*: for a process, its **USS** (the memory only it has, freed when
it ends), with `--alive` of them alive at once. For a thread, what N idle
threads add to their process's USS, divided by N.

The workers here run library code only, so the app does not draw them as
panels: what is timed is a bare worker, plus the app's bookkeeping of each
join (a few µs). A *forked* child of this app also sets up its reporting
(a connection, a thread), so `fork` is slower here than in a plain script.
On a busy machine every figure grows; compare them with each other.
""",
)

HANDOFF = Demo(
    id="handoff",
    workload="mixed",
    title="Handing over: ping-pong",
    summary="Two threads (a queue) and two processes (a pipe) pass a message back and forth",
    module="workloads.demos.handoff",
    params=(
        IntParam("payload_kb", 1000, "KB in each message (0 too is always measured)", 0, 10000),
        FloatParam("seconds", 0.5, "seconds each ping-pong lasts", 0.1, 10.0),
    ),
    # One echo thread and one echo process per payload size: 0 KB and --payload-kb.
    workers=lambda p: MAIN + 2 * len({0, p["payload_kb"]}),
    results=("kind", "payload_kb", "round_trips_per_s", "us_per_round_trip"),
    chart=Chart(
        labels=("kind", "payload_kb"),
        value="us_per_round_trip",
        unit="µs",
        notes=(("round_trips_per_s", "", "/s"),),
        title="one round trip (log scale)",
        label_units=("", "KB"),
    ),
    explanation="""\
The main thread sends a message and waits for it to come back; the other
side sends back whatever arrives. Over and over, for `--seconds`.

- **threads**: two `queue.Queue`s. Putting an object on a queue hands
  over a **reference**: 10 MB cost no more than nothing.
- **processes**: a `multiprocessing.Pipe`. A message is **pickled**,
  copied through the kernel, and unpickled on the other side: the cost
  grows with its size.

It runs twice: with an empty message and with `--payload-kb`.

What it shows: with an empty message, a round trip costs the same
**order** between threads as between processes: tens of µs either way
(Python code, a lock or a pipe, the OS waking the other side), at most a
few times apart. Handing over to another process is not what is slow.
What differs is the cost of **creating** a worker (see `startup`) and
of **moving data** to it: with a big message, processes fall behind by
a factor of a hundred or more.

The lanes show *running* through each exchange: each side hands over
thousands of times a second, far finer than a cell. A big message
between processes takes long enough to show as *waiting*.
""",
)

#: This module's demos, for the catalog.
DEMOS = (STARTUP, HANDOFF)
