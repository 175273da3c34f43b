"""Every message that crosses widgets or threads in the app, in one place.

Messages go up (a widget or the pump thread tells its screen what happened); the
screen decides, then calls methods on its children.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from workloads.script import Script


@dataclass
class LaunchDemo(Message):
    """The user asked to run ``demo_id`` with validated ``params``."""

    demo_id: str
    params: dict[str, Any]
    time_scale: float


@dataclass
class LaunchScript(Message):
    """The user asked to run their own script (a checked path)."""

    script: Script
    time_scale: float


@dataclass
class CompareDemo(Message):
    """The user asked to compare ``demo_id``'s modes with validated ``params``."""

    demo_id: str
    params: dict[str, Any]
    time_scale: float


class RunEnded(Message):
    """The run is over: its host exited and every event it sent is folded."""


@dataclass
class WorkerChosen(Message):
    """The user clicked a worker's panel or row: the screen shows what it knows of it
    (its traceback, when it failed)."""

    worker_id: str
