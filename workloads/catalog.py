"""Every demo the app offers, in menu order."""

from __future__ import annotations

from typing import NamedTuple

from workloads import concepts, costs, gil_lab
from workloads.common_options import TIME_SCALE as TIME_SCALE  # its home; kept for callers
from workloads.demo import Demo
from workloads.param import FloatParam, IntParam, ParamError, quote
from workloads.scrape.demo_info import SCRAPE
from workloads.worker_count import MAIN, process_pool, thread_pool, with_main


def _workers(default: int) -> IntParam:
    return IntParam("workers", default, "threads or processes in the pool", 1, 64)


def _items(default: int, what: str = "tasks to run") -> IntParam:
    return IntParam("items", default, what, 1, 1000)


def _sleep(name: str, default: float, what: str) -> FloatParam:
    return FloatParam(name, default, what, 0.0, 60.0)


THREADS = Demo(
    id="threads",
    title="Two threads interleave",
    summary="threading.Thread: one prints numbers, one letters, both sleep 2 s per line",
    module="workloads.demos.threads",
    params=(
        IntParam("numbers", 5, "lines the numbers thread prints", 1, 100),
        IntParam("letters", 4, "lines the letters thread prints (A, B, ...)", 1, 26),
        _sleep("sleep", 2.0, "seconds each thread sleeps after a line"),
    ),
    totals=lambda p: {"print_numbers": p["numbers"], "print_letters": p["letters"]},
    workers=lambda p: MAIN + 2,
    explanation="""\
Two **threads** share one process: one memory, one interpreter, one GIL.

`print_numbers` and `print_letters` each print a line, then `time.sleep(2)`.
A sleeping thread gives up the CPU (and the GIL), so while one sleeps the other
runs: their lines **interleave**, `Number: 0`, `Letter: A`, `Number: 1`, ...

The whole run takes about **10 s**, the length of the longer thread alone
(5 lines × 2 s), not 18 s: both threads wait *at the same time*. That is the
case threads are made for, **I/O-bound** work that mostly waits.

Watch the timeline: both lanes are almost all *waiting*, with a blip of
*running* at each line. Both panels show the **same pid** and different
native thread ids.
""",
)

PROCESSES = Demo(
    id="processes",
    title="Two processes side by side",
    summary="multiprocessing.Process: squares every 1 s and cubes every 1.5 s, in parallel",
    module="workloads.demos.processes",
    params=(
        _items(5, "numbers each process works through"),
        _sleep("square_sleep", 1.0, "seconds before each square"),
        _sleep("cube_sleep", 1.5, "seconds before each cube"),
    ),
    totals=lambda p: {"square_numbers": p["items"], "cube_numbers": p["items"]},
    workers=lambda p: MAIN + 2,
    explanation="""\
A **process** is a program in execution with its *own* memory and its own
interpreter, so its own GIL. `multiprocessing.Process` starts one per target.

`square_numbers` sleeps 1 s before each of its 5 lines, `cube_numbers` 1.5 s.
They run **in parallel**, so the run takes about **7.5 s** (the slower one)
plus the time to start two Python interpreters, not 12.5 s.

Look at the panels: each process has **its own pid**. Starting a process
costs far more than starting a thread (a new interpreter, imports), and
anything passed to it must be pickled, but nothing one process does to its
memory can touch the other's.
""",
)

THREAD_POOL = Demo(
    id="thread-pool",
    title="ThreadPoolExecutor.map",
    summary="3 pooled threads run 5 one-second tasks; results come back in order",
    module="workloads.demos.thread_pool",
    params=(
        _workers(3),
        _items(5, "numbers to map over (1..N)"),
        _sleep("sleep", 1.0, "seconds each task sleeps"),
    ),
    workers=lambda p: with_main(thread_pool(p["items"], p["workers"])),
    explanation="""\
`concurrent.futures.ThreadPoolExecutor` keeps a **pool** of threads and hands
them tasks, so you never call `start()` or `join()` yourself.

`executor.map(print_number, [1, 2, 3, 4, 5])` with `max_workers=3`: three
tasks run at once, each sleeps 1 s; then the last two. About **2 s** in all
instead of 5. `map` returns results **in input order**, whichever thread
finished first, so the main thread prints `Number: 1` ... `Number: 5`.

Each pool thread's panel counts the tasks it ran. Pools suit **I/O-bound**
work: network calls, file reads, database queries.
""",
)

PROCESS_POOL = Demo(
    id="process-pool",
    title="ProcessPoolExecutor.map",
    summary="3 pooled processes run 5 two-second tasks; results come back in order",
    module="workloads.demos.process_pool",
    params=(
        _workers(3),
        _items(5, "numbers to map over (1..N)"),
        _sleep("sleep", 2.0, "seconds each task sleeps"),
    ),
    workers=lambda p: with_main(process_pool(p["items"], p["workers"])),
    explanation="""\
`concurrent.futures.ProcessPoolExecutor` is the same interface backed by a
pool of **processes**: each has its own interpreter and GIL, so CPU-heavy
tasks run truly in parallel, one per core.

`executor.map(square, [1, 2, 3, 4, 5])` with `max_workers=3`: three tasks at
once for 2 s, then two more: about **4 s** plus start-up. Arguments and results
travel between processes by pickling, so the function must be defined at the
top level of a module (the `if __name__ == "__main__":` guard in a script).

Each worker process has its own pid; its panel counts the tasks it ran.
""",
)


class Section(NamedTuple):
    """A heading of the menu and the demos under it, in the order a lesson takes them."""

    title: str
    demos: tuple[Demo, ...]


#: The menu's sections, in the lesson's order: what a process and a thread are (their
#: key points, live), the seed's four examples (and why the notebook's multiprocessing
#: cell printed only its total), the GIL (the same work run every way), then scraping.
SECTIONS: tuple[Section, ...] = (
    Section("Processes and threads", (concepts.MEMORY, concepts.CRASH, *costs.DEMOS)),
    Section(
        "The four examples",
        (THREADS, PROCESSES, THREAD_POOL, PROCESS_POOL, concepts.NOTEBOOK),
    ),
    Section("The GIL: CPU vs waiting", gil_lab.DEMOS),
    Section("Scraping: fetch vs parse", (SCRAPE,)),
)

DEMOS: dict[str, Demo] = {d.id: d for section in SECTIONS for d in section.demos}


def get(demo_id: str) -> Demo:
    """The demo with this id, or a :class:`ParamError` naming the known ones."""
    try:
        return DEMOS[demo_id]
    except KeyError:
        known = ", ".join(DEMOS)
        raise ParamError(f"unknown demo {quote(demo_id)} (known: {known})") from None
