"""A demo whose worker thread segfaults the run host itself (for tests only).

The ``crash`` demo never does this (its crashes happen in child processes), but a run
whose host dies must still end as a result: failed, with the signal named.
"""

import resource
import threading
import time

from workloads.demos.crash import crash


def main(params):
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file
    print("about to crash the host", flush=True)
    time.sleep(1)  # the events so far reach the session first (they are batched)
    t = threading.Thread(target=crash)
    t.start()
    t.join()
