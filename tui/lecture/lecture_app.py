"""The app of ``interleave lecture``: the interleave app, opening on a deck's slides."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual import events, on

from tui.app import InterleaveApp
from tui.lecture.deck import Deck, read_deck
from tui.lecture.lecture_screen import LectureScreen
from tui.lecture.lecture_sync import LectureSync, sync_file
from tui.lecture.presenter_screen import PresenterScreen
from workloads.cpu_sampler import CpuSampler


class LectureApp(InterleaveApp):
    """Opens on the first slide of a deck (or, with ``presenter``, on the notes' view).

    A ``deck`` given already parsed (tests) is not followed on disk; a ``path`` is read
    here, followed for live reload, and synced with the lecture's other window.
    """

    # The app's stylesheet, then the lecture's own (a list, where the base names one file).
    CSS_PATH = ["../app.tcss", "lecture.tcss"]  # type: ignore[assignment]

    def __init__(
        self,
        path: Path | None = None,
        *,
        deck: Deck | None = None,
        presenter: bool = False,
        theme: str | None = None,
        sync: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sampler_factory: Callable[[], CpuSampler] = CpuSampler,
    ) -> None:
        super().__init__(theme=theme, clock=clock, sampler_factory=sampler_factory)
        if deck is None:
            if path is None:
                raise ValueError("a lecture needs a deck or the path of one")
            deck = read_deck(path)
        self.deck = deck
        self.presenter = presenter
        self.lecture_sync = LectureSync(sync_file(deck.path)) if sync and deck.path else None

    @on(events.Mount)
    def _open_lecture(self, event: events.Mount) -> None:
        event.prevent_default()  # not the menu (InterleaveApp.on_mount): the lecture
        kind = PresenterScreen if self.presenter else LectureScreen
        self.push_screen(kind(self.deck, self.services, sync=self.lecture_sync))
