"""A crash takes down every thread of its process, and only its process.

One worker reads memory at address 0 through ctypes. That is no Python exception that
a ``try`` could catch: the CPU faults, the kernel sends the process SIGSEGV, and the
whole process stops at once, every thread of it. Its parent only learns the exit code.
"""

import ctypes
import faulthandler
import multiprocessing
import os
import resource
import tempfile
import threading
import time

from workloads.runtime import flush, report_failure, result, waiting, worker_id

STEP = 0.25  # seconds between two lines of a worker


def crash():
    """Read address 0: a segmentation fault, for real."""
    ctypes.string_at(0)


def say_hello(hello, row, kind):
    """Tell the parent who this worker is: after a crash it cannot tell anything."""
    hello.put((row, worker_id(), kind, os.getpid()))


def keep_working(steps, hello, row, kind="thread"):
    say_hello(hello, row, kind)
    for i in range(steps):
        time.sleep(STEP)
        print(f"step {i + 1} of {steps}")


def crasher(steps, hello, row, fault_path, kind="thread"):
    say_hello(hello, row, kind)
    if kind == "process":
        prepare_to_crash(fault_path)
    for i in range(steps):
        time.sleep(STEP)
        print(f"step {i + 1} of {steps}")
    print("reading memory at address 0 ...")
    with open(fault_path, "a") as f:  # when, and after how much CPU: for the parent
        f.write(f"{time.monotonic()} {time.thread_time()}\n")
    flush()  # what this process reported so far must not die with it
    crash()
    print("never printed: the process is gone")


def prepare_to_crash(fault_path):
    """faulthandler writes the Python stack of every thread when the signal comes."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file
    faulthandler.enable(open(fault_path, "a"), all_threads=True)  # noqa: SIM115


def victim(threads, crash_steps, work_steps, hello, fault_path):
    """A process whose threads work until one of them crashes it."""
    say_hello(hello, 0, "process")
    prepare_to_crash(fault_path)
    workers = [
        threading.Thread(target=keep_working, args=(work_steps, hello, i))
        for i in range(1, threads)
    ]
    workers.append(threading.Thread(target=crasher, args=(crash_steps, hello, threads, fault_path)))
    for t in workers:
        t.start()
    for t in workers:
        t.join()


def start_workers(mode, n, crash_steps, hello, fault_path):
    """Start the processes; returns them, how many workers will say hello, and the
    row of the one that crashes."""
    work_steps = 2 * crash_steps
    if mode == "threads":  # n threads in one process, the last one crashes it
        args = (n, crash_steps, work_steps, hello, fault_path)
        processes = [multiprocessing.Process(target=victim, args=args)]
        hellos, crash_row = n + 1, n
    else:  # n processes, the middle one crashes
        crash_row = n // 2
        processes = []
        for i in range(n):
            if i == crash_row:
                crashing = (crash_steps, hello, i, fault_path, "process")
                p = multiprocessing.Process(target=crasher, args=crashing)
            else:
                working = (work_steps, hello, i, "process")
                p = multiprocessing.Process(target=keep_working, args=working)
            processes.append(p)
        hellos = n
    for p in processes:
        p.start()
    return processes, hellos, crash_row


def main(params):
    crash_steps = max(1, round(params["crash_after"] / STEP))  # as concepts.crash_steps
    # The app starts processes with spawn: the queue must come from the same context.
    hello = multiprocessing.get_context("spawn").Queue()
    fault_fd, fault_path = tempfile.mkstemp(prefix="interleave-crash-", suffix=".txt")
    os.close(fault_fd)
    try:
        processes, hellos, crash_row = start_workers(
            params["mode"], params["workers"], crash_steps, hello, fault_path
        )
        workers = {}
        with waiting("hello from the workers"):
            for _ in range(hellos):
                row, wid, kind, pid = hello.get(timeout=30)
                workers[row] = (wid, kind, pid)
        for p in processes:
            p.join()

        exit_codes = {p.pid: p.exitcode for p in processes}
        for p in processes:
            print(f"{p.name} (pid {p.pid}) exit code {p.exitcode}")
        attach_traceback(workers.get(crash_row), fault_path, exit_codes)
    finally:
        os.unlink(fault_path)

    for row, (wid, kind, pid) in sorted(workers.items()):
        code = exit_codes.get(pid, 0)
        if code == 0:
            outcome = "finished"
        elif row == crash_row or kind == "process":
            outcome = "crashed"
        else:
            outcome = "died with its process"
        result(row, outcome_row(wid, kind, pid, outcome, signal_name(code)))
    result(len(workers), outcome_row(worker_id(), "main", os.getpid(), "finished", ""))
    print("main is still here: the crash took only its own process")


def outcome_row(wid, kind, pid, outcome, signal):
    return {"worker": wid, "kind": kind, "pid": pid, "outcome": outcome, "signal": signal}


def signal_name(code):
    if code >= 0:
        return ""
    import signal

    return signal.Signals(-code).name


def attach_traceback(crashed, fault_path, exit_codes):
    """Give the crashed worker what faulthandler wrote as it died."""
    with open(fault_path) as f:
        text = f.read()
    if crashed is None or not text:
        return
    wid, _, pid = crashed
    code = exit_codes.get(pid, 0)
    header, _, dump = text.partition("\n")
    when, cpu = (float(x) for x in header.split())
    how = signal_name(code) if code < 0 else f"exit code {code}"
    dump = crashing_thread_first(dump)
    report_failure(wid, f"crashed its process: {how} (it read address 0)", dump, when, cpu)


def crashing_thread_first(dump):
    """faulthandler lists the process's other threads first (here the run's own helpers);
    the thread that crashed, and the line it crashed on, come right after the error."""
    blocks = dump.strip("\n").split("\n\n")
    current = [b for b in blocks if b.startswith("Current thread")]
    if not current:
        return dump
    rest = [b for b in blocks if not b.startswith("Current thread")]
    lead = rest[:1] if rest and rest[0].startswith("Fatal Python error") else []
    return "\n\n".join(lead + current + rest[len(lead) :]) + "\n"
