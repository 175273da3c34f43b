"""The lesson's key points about processes and threads, each made a live demo:
shared and separate memory (``memory``), a crash (``crash``), and the notebook cell
that printed only "Total time: 0.1" (``notebook``)."""

from __future__ import annotations

from workloads.demo import Demo
from workloads.param import ChoiceParam, FlagParam, FloatParam, IntParam
from workloads.worker_count import MAIN

MEMORY = Demo(
    id="memory",
    workload="cpu",
    title="Shared or separate memory, and a race",
    summary="workers add 1 to one counter: threads share it, each process has its own",
    module="workloads.demos.memory",
    params=(
        ChoiceParam(
            "mode",
            "threads",
            "threads (one memory) or processes (one each)",
            ("threads", "processes"),
        ),
        IntParam("workers", 4, "threads or processes adding to the counter", 1, 64),
        IntParam("increments", 2_000_000, "times each worker adds 1", 1, 10_000_000),
        FlagParam("race", False, "read, compute, write back: a thread switch in between"),
        FlagParam("lock", False, "hold a threading.Lock around the read and the write"),
    ),
    workers=lambda p: MAIN + p["workers"],  # threads or processes alike
    results=("worker", "kind", "pid", "final", "expected", "lost", "rss_mb", "uss_mb"),
    explanation="""\
Every worker adds 1 to a global `counter`, `--increments` times.

- **threads**: all threads live in one process and share its
  memory: one `counter`. Main sees the sum of everyone's work.
- **processes**: each process has its *own* memory, with its
  own copy of `counter`. Each one ends with exactly its own N,
  and main's counter is still **0**: nothing comes back unless
  it is sent (a queue, a pipe, shared memory).

**`--race`** splits the addition in three: read the counter,
compute (a function call), write it back. If another thread
runs in between, the value written back is stale, and every
addition made meanwhile is **lost**. **`--lock`** puts the three
steps inside a `threading.Lock`: nothing is lost, ever.

Why does a bare `counter += 1` rarely lose anything on
CPython 3.10-3.13? The interpreter only hands the GIL to
another thread at a few points: a jump back to the top of a
loop, a function call. `+=` on a global has none between its
read and its write, so in practice no switch lands there.
Never rely on it: other versions, free-threaded builds, or a
call in the middle (as in `--race`) break it.

The results table shows each worker's memory: RSS (everything
it has in RAM) and USS (pages only it uses). Threads all show
the **same pid**, and that one process's figures: they share
its memory. Each process shows its own pid and its own figures.
""",
)


def crash_steps(crash_after: float) -> int:
    """Lines the crashing worker prints before it crashes (one every 0.25 s)."""
    return max(1, round(crash_after / 0.25))


CRASH = Demo(
    id="crash",
    title="A crash kills its whole process, and only it",
    summary="a worker segfaults: every thread of its process dies; other processes live on",
    module="workloads.demos.crash",
    params=(
        ChoiceParam(
            "mode",
            "threads",
            "crash a thread among threads, or a process among processes",
            ("threads", "processes"),
        ),
        IntParam("workers", 3, "threads in the crashing process, or processes", 2, 16),
        FloatParam("crash_after", 1.0, "seconds before the crash", 0.25, 60.0),
    ),
    totals=lambda p: {
        "keep_working": 2 * crash_steps(p["crash_after"]),
        "crasher": crash_steps(p["crash_after"]) + 1,
    },
    # threads: one process (itself a worker) whose threads crash together.
    workers=lambda p: MAIN + p["workers"] + (1 if p["mode"] == "threads" else 0),
    results=("worker", "kind", "pid", "outcome", "signal"),
    explanation="""\
One worker reads memory at address 0 (`ctypes.string_at(0)`).
That is not a Python exception a `try` could catch: the CPU
faults, the kernel sends the process **SIGSEGV**, and the
process stops on the spot.

- **threads**: main starts one process whose threads work
  side by side; one of them crashes. **Every** thread of that
  process dies at the same instant, mid-sentence: they share
  one process, and it is gone. Main, in another process, lives
  on and sees the exit code **-11** (killed by signal 11).
- **processes**: one of several processes crashes. Its
  siblings and main are separate processes with their own
  memory: they carry on and finish.

`faulthandler` writes the Python stack of every thread as the
signal arrives; main hands it to the crashed worker's panel
(press `e` there to read it). Each worker's outcome, in the
table: *finished*, *crashed*, or *died with its process*.
""",
)

NOTEBOOK = Demo(
    id="notebook",
    title='The notebook cell that printed only "Total time: 0.1"',
    summary="the lesson's multiprocessing cell run as a notebook runs it, under spawn",
    module="workloads.demos.notebook",
    params=(
        ChoiceParam(
            "variant",
            "both",
            "notebook: functions in the cell; module: in a .py file; both: one then the other",
            ("both", "notebook", "module"),
        ),
    ),
    totals=lambda p: {"square_numbers": 5, "cube_numbers": 5},
    # Two processes per variant: each one a panel, whether it ran or died at start-up.
    workers=lambda p: MAIN + 2 * (2 if p["variant"] == "both" else 1),
    results=("variant", "children_ok", "total_s", "error"),
    explanation="""\
In the lesson's notebook, the multiprocessing cell printed only
`Total time: 0.1`, and none of the squares or cubes.

A kernel runs a cell's code in a `__main__` module that has
no file. Under the **spawn** start method (Windows, macOS, and
Linux from Python 3.14) a child is a fresh interpreter: to get
its target it imports the module the function came from. It
cannot import the kernel's `__main__`, so each child dies at
start-up: `AttributeError: Can't get attribute 'square_numbers'
on <module '__main__' (built-in)>`. Both `join()`s return as
soon as the children die: 0.1 s in the lesson (a little more
here: each child first loads this app's instrumentation).

Why did the error not show in the cell either? A cell shows
what the kernel's `sys.stdout` object sends to the browser.
A child writes to its own file descriptors 1 and 2, inherited
from the kernel process. On Windows (and with kernels before
ipykernel 6) they lead to the console the notebook server runs
in, not to the cell. Since ipykernel 6, on Linux and macOS,
the kernel copies those descriptors into the cell as well.
Here, the panels show each child's error; the results table
shows what the children wrote to their stderr.

The **module** variant is the fix: the same code, with the two
functions moved to a `.py` file the children can import, and
the `if __name__ == "__main__":` guard (a spawned child of a
script re-imports it, and must not start children itself).
""",
)

#: These demos, for the catalog.
DEMOS = (MEMORY, CRASH, NOTEBOOK)
