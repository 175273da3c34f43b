"""What the ``startup`` demo's workers run while their memory is measured.

A module of its own that imports nothing: a spawned child imports the module of its
target, and the demo's own imports would be counted as the memory of a process.
"""


def wait_idle(ready, release):
    """Say "started", then wait, doing nothing, until told to end."""
    ready.release()
    release.wait()
