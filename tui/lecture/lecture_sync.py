"""Keeps the lecture's two windows on the same slide, through a small file.

The file lives in the user's runtime directory (``$XDG_RUNTIME_DIR``, else a private
0700 folder in the temp directory), never on a network port: only this user's
processes on this machine can read or move the lecture. Each window writes where it
is after a key, and polls the file to follow the other one; a write is atomic (a
temporary file renamed over the old one), so a reader never sees half of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import uuid
from pathlib import Path
from typing import NamedTuple

from tui.lecture.deck_position import Position


class SharedState(NamedTuple):
    """What both windows share: where the lecture is, and when the talk timer started."""

    position: Position
    #: ``time.time()`` when the timer was started (wall time: two processes compare it).
    timer_started: float | None
    #: Who wrote it (a token per window) and the writer's count: a window ignores its own
    #: writes, and each write of the other's once.
    writer: str
    serial: int
    #: Whether the slides' window is blanked (``b`` in either window).
    blank: bool = False


def runtime_dir() -> Path:
    """A folder only this user can use: ``$XDG_RUNTIME_DIR/interleave`` or a 0700 temp one."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base and Path(base).is_dir():
        root = Path(base) / "interleave"
    else:
        root = Path(tempfile.gettempdir()) / f"interleave-{os.getuid()}"
    root.mkdir(mode=0o700, exist_ok=True)
    info = root.stat()
    if info.st_uid != os.getuid():  # someone else's: never share a lecture through it
        return Path(tempfile.mkdtemp(prefix="interleave-"))
    if info.st_mode & 0o077:
        os.chmod(root, 0o700)
    return root


def sync_file(deck: Path) -> Path:
    """The file that the windows of a lecture on ``deck`` share."""
    key = hashlib.sha256(str(deck.resolve()).encode()).hexdigest()[:16]
    return runtime_dir() / f"lecture-{key}.json"


class LectureSync:
    """Reads and writes the shared state of one deck's lecture."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._serial = 0
        self._seen: tuple[str, int] | None = None
        self.token = uuid.uuid4().hex

    def write(self, position: Position, timer_started: float | None, blank: bool = False) -> None:
        """Say where this window is now (and whether the slides are blanked)."""
        self._serial += 1
        data = {
            "index": position.slide,
            "step": position.step,
            "timer_started": timer_started,
            "writer": self.token,
            "serial": self._serial,
            "blank": blank,
        }
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".lecture-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f)
            os.replace(tmp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def read_new(self) -> SharedState | None:
        """What the other window wrote since the last call (None: nothing new)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            state = SharedState(
                Position(int(data["index"]), int(data["step"])),
                None if data["timer_started"] is None else float(data["timer_started"]),
                str(data["writer"]),
                int(data["serial"]),
                bool(data.get("blank", False)),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        mark = (state.writer, state.serial)
        if state.writer == self.token or mark == self._seen:
            return None
        self._seen = mark
        return state

    def close(self) -> None:
        """Forget the file (the last window to close removes it)."""
        with contextlib.suppress(OSError):
            self.path.unlink()
