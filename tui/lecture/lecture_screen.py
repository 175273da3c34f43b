"""The lecture: one slide at a time, its Markdown, and the live run of its block.

Keys (priority bindings: the slide's panes never take them):
→ space PageDown n next (the next step first) · ← PageUp p previous · g NUMBER enter ·
Home End · o overview · b blank · t timer · f footer · enter run · r rerun · x stop ·
z full screen · ↑ ↓ scroll a long slide · d theme · q quit (the app's).
"""

from __future__ import annotations

import time
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown, Static

from tui.lecture.deck import Deck, DeckError, Slide, read_deck
from tui.lecture.deck_commands import CommandProblem, DeckCommand, check_command
from tui.lecture.deck_position import Position, back, clamp, forward, go_to, last_step
from tui.lecture.followed_run_screen import FollowedRunScreen, SlideReplayScreen
from tui.lecture.lecture_sync import LectureSync
from tui.lecture.live_run import LiveRun
from tui.lecture.overview_screen import OverviewScreen
from tui.services import Services

#: Seconds between looks at the deck file (live reload) and at the other window.
RELOAD_EVERY_S = 0.5
SYNC_EVERY_S = 0.2


def _nav(keys: str, action: str, description: str) -> Binding:
    return Binding(keys, action, description, show=False, priority=True)


class LectureScreen(Screen[None]):
    """Shows ``deck`` slide by slide; follows its file (``path``) for live reload."""

    BINDINGS = [
        _nav("right,space,pagedown,n", "next", "Next"),
        _nav("left,pageup,p", "previous", "Previous"),
        _nav("home", "first", "First"),
        _nav("end", "last", "Last"),
        _nav("g", "goto", "Go to"),
        _nav("o", "overview", "Overview"),
        _nav("b", "blank", "Blank"),
        _nav("t", "timer", "Timer"),
        _nav("f", "footer", "Footer"),
        _nav("enter", "enter", "Run"),
        _nav("r", "rerun", "Rerun"),
        _nav("x", "stop", "Stop"),
        _nav("z", "maximise", "Full screen"),
        _nav("escape", "escape", "Cancel"),
        _nav("up", "scroll(-1)", "Scroll up"),
        _nav("down", "scroll(1)", "Scroll down"),
        # Digits are bindings too, so that "g 1 2 enter" typed fast keeps its order:
        # priority bindings run before keys queued to the screen.
        *(_nav(str(d), f"digit({d})", "Slide number") for d in range(10)),
    ]

    def __init__(
        self,
        deck: Deck,
        services: Services,
        *,
        sync: LectureSync | None = None,
        watch_file: bool = True,
    ) -> None:
        super().__init__()
        self.deck = deck
        self.services = services
        self.sync = sync
        self.position = Position(0, 0)
        self.timer_started: float | None = None
        #: ``b``: the slides' window shows nothing (both windows know it).
        self.blank = False
        self.reload_error = ""
        self.live: LiveRun | None = None
        self._goto: str | None = None
        self._checked: dict[tuple[str, Path], DeckCommand | CommandProblem] = {}
        self._watch_file = watch_file and deck.path is not None
        self._file_mark = _mark(deck.path)
        self._shown_key: object = None

    @property
    def slide(self) -> Slide:
        """The slide on screen."""
        return self.deck.slides[self.position.slide]

    def compose(self) -> ComposeResult:
        self._scroll = VerticalScroll(id="slide-scroll", can_focus=False)
        self._markdown = Markdown(id="slide-markdown", open_links=False)
        self._problems = Static("", id="slide-problems", markup=False)
        self._footer = Static("", id="lecture-footer", markup=False)
        with self._scroll:
            yield self._markdown
        yield self._problems
        yield self._footer

    def on_mount(self) -> None:
        # Once the slide's Markdown is laid out, the footer says whether it all fits.
        self.watch(self._scroll, "virtual_size", self._on_slide_size, init=False)
        self.show()
        self.set_interval(1.0, self._show_footer)
        if self._watch_file:
            self.set_interval(RELOAD_EVERY_S, self._check_file)
        if self.sync is not None:
            self._join_lecture(self.sync)
            self.set_interval(SYNC_EVERY_S, self._follow_other_window)

    # -- showing -------------------------------------------------------------------------
    def move_to(self, position: Position, *, tell: bool = True) -> None:
        """Show ``position``; the run of the slide left behind is stopped."""
        position = clamp(self.deck, position)
        if position.slide != self.position.slide:
            self._drop_live()
        self.position = position
        self.show()
        if tell:
            self._tell()

    def show(self) -> None:
        """Draw the current slide at its step (its run, once revealed, below it)."""
        slide, step = self.slide, self.position.step
        key = (id(self.deck), self.position)
        if key != self._shown_key:
            self._shown_key = key
            self._markdown.update(slide.markdown(step))
            self._scroll.scroll_home(animate=False)
        problems = list(slide.problems)
        if self.reload_error:
            problems.insert(0, f"reload failed, showing the last good deck: {self.reload_error}")
        self._problems.update("\n".join(f"✗ {p}" for p in problems))
        self._problems.display = bool(problems)
        self._show_live(slide, step)
        self._show_footer()

    def _on_slide_size(self) -> None:
        self.call_after_refresh(self._show_footer)

    def _show_live(self, slide: Slide, step: int) -> None:
        block = slide.block
        if block is None or step < block.step:
            self._drop_live()
            self.remove_class("-live")
            return
        command = self.checked(block.command)
        if self.live is not None and self.live.command == command:
            return
        self._drop_live()
        self.live = LiveRun(command, self.services, open_screen=self._open_screen)
        self.add_class("-live")
        self.mount(self.live, after=self._problems)
        if block.autorun and isinstance(command, DeckCommand) and command.verb != "compare":
            self.live.call_after_refresh(self.live.start)

    def _open_screen(self, screen: Screen[None]) -> None:
        self.app.push_screen(screen)

    def _drop_live(self) -> None:
        live, self.live = self.live, None
        if live is not None:
            live.stop()
            live.remove()

    def checked(self, command: str) -> DeckCommand | CommandProblem:
        """The block command checked by the CLI's parsers (once per command and folder)."""
        key = (command, self.deck.base)
        if key not in self._checked:
            self._checked[key] = check_command(command, self.deck.base)
        return self._checked[key]

    def _show_footer(self) -> None:
        if not self._footer.display:
            return
        slide, pos = self.slide, self.position
        steps = len(slide.steps)
        left = f" {slide.number}/{len(self.deck)} "
        if steps > 1 and pos.step + 1 < steps:
            left += f"· {pos.step + 1}/{steps} ▸ "
        scroll = self._scroll
        if scroll.scroll_y < scroll.max_scroll_y:  # never cut silently
            left += "· ↓ more below (↑↓ scroll) "
        elif scroll.max_scroll_y > 0:
            left += "· ↑ more above "
        if self._goto is not None:
            left += f"· go to slide: {self._goto}_ "
        right = "t: timer " if self.timer_started is None else f"{self._clock()} "
        width = max(0, self.size.width - len(left) - len(right))
        self._footer.update(left + slide.title[:width].ljust(width) + right)

    def _clock(self) -> str:
        if self.timer_started is None:
            return ""
        seconds = max(0, int(time.time() - self.timer_started))
        return f"{seconds // 60:02d}:{seconds % 60:02d}"

    # -- keys ----------------------------------------------------------------------------
    def action_next(self) -> None:
        """→ space PageDown n: the next step, else the next slide."""
        self.move_to(forward(self.deck, self.position))

    def action_previous(self) -> None:
        """← PageUp p: the previous slide (whole)."""
        self.move_to(back(self.deck, self.position))

    def action_first(self) -> None:
        """Home: the first slide."""
        self.move_to(Position(0, 0))

    def action_last(self) -> None:
        """End: the last slide, whole."""
        self.move_to(last_step(self.deck, len(self.deck) - 1))

    def action_goto(self) -> None:
        """g: type a slide number, then enter."""
        self._goto = ""
        self._show_footer()

    def action_digit(self, digit: int) -> None:
        """0-9: after g, the number of the slide to go to."""
        if self._goto is not None:
            self._goto = (self._goto + str(digit))[:6]
            self._show_footer()

    def action_escape(self) -> None:
        """escape: forget a half-typed slide number."""
        self._goto = None
        self._show_footer()

    def action_enter(self) -> None:
        """enter: run the slide's block (after g and a number: go to that slide)."""
        if self._goto is not None:
            typed, self._goto = self._goto, None
            if typed:
                self.move_to(go_to(self.deck, int(typed)))
            else:
                self._show_footer()
            return
        if self.live is not None:
            self.live.start()

    def action_rerun(self) -> None:
        """r: the slide's run again."""
        if self.live is not None:
            self.live.rerun()

    def action_stop(self) -> None:
        """x: stop the slide's run."""
        if self.live is not None:
            self.live.cancel()

    def action_maximise(self) -> None:
        """z: the slide's run on the full run screen (escape comes back)."""
        live = self.live
        if live is None or not live.runnable:
            return
        command = live.command
        if isinstance(command, DeckCommand) and command.verb == "compare":
            live.start()
            return
        if isinstance(command, DeckCommand) and command.verb == "replay":
            if live.replay is None:
                live.start()
            if live.replay is not None:  # the slide's replay, shared: escape comes back to it
                self.app.push_screen(SlideReplayScreen(live.replay, self.services))
            return
        if live.session is None:
            live.start()
        self.app.push_screen(FollowedRunScreen(live))

    def action_overview(self) -> None:
        """o: every slide's title; enter jumps to one."""

        def chosen(index: int | None) -> None:
            if index is not None:
                self.move_to(Position(index, 0))

        self.app.push_screen(OverviewScreen(self.deck, self.position.slide), chosen)

    def action_blank(self) -> None:
        """b: blank the slides' screen (again: back), from either window."""
        self.blank = not self.blank
        self.show_blank()
        self._tell()

    def show_blank(self) -> None:
        """Show whether the slides are blanked: here, nothing but the background."""
        self.set_class(self.blank, "-blank")

    def _tell(self) -> None:
        """Tell the other window where this one is."""
        if self.sync is not None:
            self.sync.write(self.position, self.timer_started, self.blank)

    def action_timer(self) -> None:
        """t: start the talk timer, or set it back to zero."""
        self.timer_started = time.time()
        self._show_footer()
        self._tell()

    def action_footer(self) -> None:
        """f: hide or show the footer (slide number and timer)."""
        self._footer.display = not self._footer.display
        self._show_footer()

    def action_scroll(self, rows: int) -> None:
        """↑ ↓: scroll a slide too long for the screen."""
        self._scroll.scroll_relative(y=rows, animate=False)
        self.call_after_refresh(self._show_footer)

    # -- the deck's file and the other window ------------------------------------------
    def _check_file(self) -> None:
        path = self.deck.path
        mark = _mark(path)
        if path is None or mark == self._file_mark:
            return
        self._file_mark = mark
        self.reload(path)

    def reload(self, path: Path) -> None:
        """Read the deck again, staying on the same slide; a bad file keeps the last good."""
        try:
            deck = read_deck(path)
        except DeckError as exc:
            self.reload_error = str(exc)
            self.show()
            return
        self.reload_error = ""
        old_block = self.slide.block
        self.deck = deck
        self._checked.clear()
        self.position = clamp(deck, self.position)
        self._shown_key = None
        new_block = self.slide.block
        if (old_block and old_block.command) != (new_block and new_block.command):
            self._drop_live()
        self.show()

    def _join_lecture(self, sync: LectureSync) -> None:
        """The slides' window starts the lecture where it is (a file left by a lecture
        that was killed is ignored); the presenter's view joins it where it is."""
        sync.read_new()
        self._tell()

    def _follow_other_window(self) -> None:
        if self.sync is None:
            return
        shared = self.sync.read_new()
        if shared is None:
            return
        self.timer_started = shared.timer_started
        if shared.blank != self.blank:
            self.blank = shared.blank
            self.show_blank()
        if shared.position != self.position:
            self.move_to(shared.position, tell=False)
        else:
            self._show_footer()

    def on_unmount(self) -> None:
        self._drop_live()
        if self.sync is not None:
            self.sync.close()


def _mark(path: Path | None) -> tuple[int, int] | None:
    """What tells that a file changed: its modification time and size."""
    if path is None:
        return None
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)
