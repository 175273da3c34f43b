"""Saving a run from the app (``w``, ``--record``, ``--trace``), and saying where.

A failure to write (a full disk, a read-only directory) is a notification on the
screen, never a crash.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from textual.screen import Screen

from tui.cli_record import Outputs
from workloads.recording import Recording, write_recording


def recording_name(demo: str, now: float | None = None) -> str:
    """``interleave-threads-20261126-104501.jsonl.gz``: a new name for a saved run."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    return f"interleave-{demo}-{stamp}.jsonl.gz"


def save_recording(screen: Screen[Any], recording: Recording) -> Path | None:
    """Save ``recording`` in the current directory; notify where (or why not)."""
    path = Path.cwd() / recording_name(recording.header.demo)
    try:
        write_recording(path, recording)
    except OSError as exc:
        screen.notify(f"Cannot save {path}: {exc.strerror or exc}", severity="error")
        return None
    events = len(recording.entries)
    screen.notify(f"Saved {path} ({events} entries): interleave replay FILE", title="Recording")
    return path


def save_outputs(screen: Screen[Any], outputs: Outputs, recording: Recording) -> None:
    """Write the ``--record`` / ``--trace`` files of a run that ended; notify where."""
    try:
        written = outputs.write(recording, say=False)
    except OSError as exc:
        screen.notify(f"Cannot save the run: {exc.strerror or exc}", severity="error")
        return
    screen.notify("\n".join(f"Saved {p}" for p in written), title="Recording")
