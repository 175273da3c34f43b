"""User scripts, run for real as ``__main__`` in the run host: each construct a student may
write, from a temporary directory, with the workers, kinds, lines and states it must give.

No durations are asserted: sleeps are scaled down only to keep the tests short.
"""

from __future__ import annotations

import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest

from workloads.demo import script_demo
from workloads.events import PROCESS, RunStatus, State
from workloads.run_session import RunSession, run_to_end
from workloads.run_state import RunState
from workloads.script import load_script
from workloads.script_runner import GUARD_NOTE, STDIN_NOTE

pytestmark = [pytest.mark.timeout(90), pytest.mark.usefixtures("no_orphans")]

SCALE = 0.05


def write(tmp_path: Path, code: str, name: str = "mine.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


def run(path: Path, *argv: str, time_scale: float = SCALE) -> RunState:
    script = load_script(str(path), argv)
    return run_to_end(script_demo(script).config({}, time_scale))


def lines(state: RunState, worker: str | None = None) -> list[str]:
    return [o.text for o in state.outputs if worker is None or o.worker == worker]


def workers(state: RunState) -> dict[str, tuple[str, str, State]]:
    """id -> (name, kind, state) of every worker."""
    return {w.id: (w.name, str(w.kind), w.state) for w in state.workers.values()}


def test_from_imported_thread_and_sleep_are_workers_that_wait(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        from threading import Thread
        from time import sleep

        def numbers():
            for i in range(3):
                print(f"Number: {i}")
                sleep(1)

        t = Thread(target=numbers)
        t.start()
        t.join()
        print("done")
        """,
    )
    state = run(path)
    assert state.ok
    assert workers(state)["t1"] == ("numbers", "thread", State.DONE)
    assert lines(state, "t1") == ["Number: 0", "Number: 1", "Number: 2"]
    assert lines(state, "main") == ["done"]
    t1 = state.workers["t1"]
    assert t1.pid == state.host_pid and t1.tid != state.workers["main"].tid
    assert any(s.state == State.WAITING for s in t1.spans)  # the sleep, as waiting


def test_processes_and_both_executors_from_concurrent_futures(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
        from time import sleep

        def square(n):
            sleep(0.5)
            return n * n

        def child(name):
            print(f"hello from {name}")

        if __name__ == "__main__":
            p = multiprocessing.Process(target=child, args=("p",))
            p.start()
            p.join()
            with ThreadPoolExecutor(max_workers=2) as ex:
                print("threads", list(ex.map(square, [1, 2, 3])))
            with ProcessPoolExecutor(max_workers=2) as ex:
                print("processes", list(ex.map(square, [1, 2, 3])))
            print(multiprocessing.get_start_method())
        """,
    )
    state = run(path)
    assert state.ok
    assert lines(state, "p1") == ["hello from p"]
    assert lines(state, "main") == ["threads [1, 4, 9]", "processes [1, 4, 9]", "fork"]
    kinds = Counter(str(w.kind) for w in state.workers.values())
    assert kinds == {"thread": 3, "process": 3}  # main, 2 pool threads; p1, 2 pool processes
    pids = {w.pid for w in state.workers.values() if w.kind == PROCESS}
    assert len(pids) == 3 and state.host_pid not in pids
    assert all(w.state == State.DONE for w in state.workers.values())


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_the_scripts_start_method_is_kept_down_to_a_pool_in_a_child(
    tmp_path: Path, method: str
) -> None:
    path = write(
        tmp_path,
        """
        import multiprocessing
        import sys
        from concurrent.futures import ProcessPoolExecutor
        from threading import Thread

        def inc(n):
            return n + 1

        def hello():
            print("thread in the child")

        def child():
            t = Thread(target=hello)
            t.start()
            t.join()
            with ProcessPoolExecutor(max_workers=2) as ex:
                print("pool in the child", list(ex.map(inc, [1, 2])))

        if __name__ == "__main__":
            multiprocessing.set_start_method(sys.argv[1])
            p = multiprocessing.Process(target=child)
            p.start()
            p.join()
            print("method", multiprocessing.get_start_method(), "exit", p.exitcode)
        """,
    )
    state = run(path, method)
    assert state.ok, state.error
    assert lines(state, "main") == [f"method {method} exit 0"]
    assert workers(state)["p1"] == ("child", "process", State.DONE)
    assert workers(state)["p1.t1"] == ("hello", "thread", State.DONE)
    assert lines(state, "p1.t1") == ["thread in the child"]
    assert lines(state, "p1") == ["pool in the child [2, 3]"]
    grandchildren = [
        w for w in state.workers.values() if w.id.startswith("p1.") and w.kind == PROCESS
    ]
    assert len(grandchildren) == 2


def test_input_and_stdin_read_end_of_file_with_a_note(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        import sys
        try:
            input("Your name? ")
        except EOFError:
            print("EOF")
        print("rest", repr(sys.stdin.read()))
        """,
    )
    state = run(path)
    assert state.ok
    assert lines(state) == ["Your name? ", STDIN_NOTE, "EOF", "rest ''"]


def test_arguments_after_the_path_are_the_scripts_argv(tmp_path: Path) -> None:
    path = write(tmp_path, "import sys\nprint(sys.argv[1:], __name__)\n")
    assert lines(run(path, "a", "b c")) == ["['a', 'b c'] __main__"]


def test_a_script_that_raises_fails_with_its_traceback(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        from threading import Thread

        def boom():
            raise ValueError("bad in thread")

        t = Thread(target=boom)
        t.start()
        t.join()
        raise KeyError("bad in main")
        """,
    )
    state = run(path)
    assert state.status == RunStatus.FAILED
    main, t1 = state.workers["main"], state.workers["t1"]
    assert main.state == State.FAILED and t1.state == State.FAILED
    assert main.traceback.startswith("Traceback")
    assert f'File "{path}", line 10' in main.traceback  # from the script's frame on
    assert "run_host.py" not in main.traceback
    assert "KeyError: 'bad in main'" in state.traceback
    assert "ValueError: bad in thread" in t1.traceback


def test_no_main_guard_under_spawn_shows_the_error_and_what_to_do(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        import multiprocessing

        def f():
            print("child")

        p = multiprocessing.get_context("spawn").Process(target=f)
        p.start()
        p.join()
        print("exit", p.exitcode)
        """,
    )
    state = run(path)
    assert lines(state, "main") == ["exit 1"]  # as plain Python: the child fails, no more
    failed = [w for w in state.workers.values() if w.state == State.FAILED]
    assert len(failed) == 1 and failed[0].kind == PROCESS
    assert "bootstrapping phase" in failed[0].traceback
    assert GUARD_NOTE in failed[0].traceback
    assert GUARD_NOTE in lines(state)


def test_an_endless_script_is_cancelled_at_once_and_leaves_nothing(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        import multiprocessing, threading, time

        def spin():
            while True:
                time.sleep(0.05)

        def burn():
            while True:
                pass

        if __name__ == "__main__":
            threading.Thread(target=spin).start()
            multiprocessing.Process(target=burn).start()
            print("started")
            while True:
                time.sleep(0.2)
        """,
    )
    config = script_demo(load_script(str(path))).config({}, 1.0)
    with RunSession(config) as session:
        session.follow_in_background()
        deadline = time.monotonic() + 30
        while "p1" not in session.snapshot().workers and time.monotonic() < deadline:
            time.sleep(0.05)
        session.cancel()
        assert session.wait(10)
        state = session.snapshot()
    assert state.status == RunStatus.CANCELLED
    assert {"main", "t1", "p1"} <= set(state.workers)
    assert all(w.over for w in state.workers.values())


def test_a_notebook_runs_its_code_cells_with_cell_tags(tmp_path: Path) -> None:
    import json

    cells = [
        {"cell_type": "markdown", "source": ["# Title\n"]},
        {"cell_type": "code", "source": ["%matplotlib inline\n", "x = 2\n", "print('x', x)"]},
        {
            "cell_type": "code",
            "source": "!pip list\nfrom threading import Thread\n"
            "t = Thread(target=lambda: print('in thread\\nsecond line'))\nt.start(); t.join()\n",
        },
    ]
    path = tmp_path / "lesson.ipynb"
    path.write_text(json.dumps({"cells": cells, "nbformat": 4, "metadata": {}}))
    state = run(path)
    assert state.ok
    assert lines(state, "main") == [
        "[interleave] cell [1]: skipped %matplotlib inline (IPython only)",
        "[interleave] cell [2]: skipped !pip list (IPython only)",
        "[1] x 2",
    ]
    assert lines(state, "t1") == ["[2] in thread", "[2] second line"]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_thread_and_process_subclasses_with_their_own_run_are_workers(
    tmp_path: Path, method: str
) -> None:
    path = write(
        tmp_path,
        """
        import multiprocessing
        import sys
        from threading import Thread

        class Worker(Thread):
            def run(self):
                print("thread worker")

        class Job(multiprocessing.Process):
            def __init__(self, n):
                super().__init__()
                self.n = n

            def run(self):
                print("process job", self.n)

        if __name__ == "__main__":
            multiprocessing.set_start_method(sys.argv[1])
            t = Worker()
            t.start()
            t.join()
            p = Job(7)
            p.start()
            p.join()
        """,
    )
    state = run(path, method)
    assert state.ok
    assert workers(state)["t1"] == ("Worker", "thread", State.DONE)
    assert workers(state)["p1"] == ("Job", "process", State.DONE)
    assert lines(state, "t1") == ["thread worker"]
    assert lines(state, "p1") == ["process job 7"]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_multiprocessing_pool_has_process_workers_that_end_done(
    tmp_path: Path, method: str
) -> None:
    path = write(
        tmp_path,
        """
        import multiprocessing
        import sys
        from multiprocessing import Pool

        def square(n):
            return n * n

        if __name__ == "__main__":
            multiprocessing.set_start_method(sys.argv[1])
            with Pool(2) as pool:
                print(pool.map(square, [1, 2, 3]), pool.apply(square, (4,)))
        """,
    )
    state = run(path, method)
    assert state.ok, [(w.id, w.state, w.error, w.traceback) for w in state.workers.values()]
    assert lines(state, "main") == ["[1, 4, 9] 16"]
    pool = [w for w in state.workers.values() if w.kind == PROCESS]
    # terminate() is no failure. A pool process it stopped before it could say a word
    # (a loaded machine) is not shown: it did nothing.
    assert 1 <= len(pool) <= 2 and all(w.state == State.DONE for w in pool)
    assert sum(w.done for w in pool) == 4
