"""``z`` on a live slide: the full run screen, following the slide's own run.

The run stays the slide's: Escape comes back to the slide with the run still going;
``x`` stops it; ``r`` goes back and reruns it there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from tui.lecture.deck_commands import DeckCommand
from tui.messages import RunEnded
from tui.screens.replay_screen import ReplayScreen
from tui.screens.run_screen import RunScreen

if TYPE_CHECKING:
    from tui.lecture.live_run import LiveRun


#: Escape from a slide's full screen goes back to the slide, not to a menu.
BACK_TO_SLIDE = Binding("escape", "menu", "Slide")


class FollowedRunScreen(RunScreen):
    """A :class:`RunScreen` over the session of a :class:`LiveRun`, which it never owns."""

    BINDINGS = [BACK_TO_SLIDE]

    def __init__(self, live: LiveRun) -> None:
        command = live.command
        if not isinstance(command, DeckCommand):
            raise TypeError("only a checked command has a run")
        super().__init__(command.demo(), command.params, command.time_scale, live.services)
        self.live = live

    def _start(self) -> None:
        session = self.live.session
        if session is None:
            return
        self.session = session
        self.live.follower = self
        if self._sampler is not None and session.pid is not None:
            self._sampler.attach(session.pid)
        if session.ended:
            self._set_state(session.snapshot())
            self.post_message(RunEnded())

    def stop_run(self, redraw: bool = True) -> None:
        """Leaving (escape, unmount) keeps the run: it is the slide's."""

    def action_cancel(self) -> None:
        """x: stop the run (the slide's too)."""
        session = self.session
        if session is not None and not session.ended:
            session.cancel()

    def action_rerun(self) -> None:
        """r: back to the slide, and the run again there."""
        self.app.pop_screen()
        self.live.rerun()

    def on_unmount(self) -> None:
        if self.live.follower is self:
            self.live.follower = None


class SlideReplayScreen(ReplayScreen):
    """``z`` on a replay slide: the replay screen over the slide's own replay (shared:
    escape comes back to the slide where the replay is)."""

    BINDINGS = [BACK_TO_SLIDE]
