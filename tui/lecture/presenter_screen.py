"""``interleave lecture DECK --presenter``: the lecturer's own window.

It shows the current slide's notes, the next slide's title and the talk timer, and
moves through the deck with the same keys as the slides' window; both follow each
other through :class:`~tui.lecture.lecture_sync.LectureSync`.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from tui.lecture.lecture_screen import LectureScreen
from tui.lecture.lecture_sync import LectureSync


class PresenterScreen(LectureScreen):
    """The presenter's view of a deck: notes, next title, timer; no runs of its own."""

    def compose(self) -> ComposeResult:
        self._heading = Static("", id="presenter-heading", markup=False)
        self._scroll = VerticalScroll(id="slide-scroll", can_focus=False)
        self._markdown = Markdown(id="slide-markdown", open_links=False)
        self._next = Static("", id="presenter-next", markup=False)
        self._problems = Static("", id="slide-problems", markup=False)
        self._footer = Static("", id="lecture-footer", markup=False)
        yield self._heading
        with self._scroll:
            yield self._markdown
        yield self._next
        yield self._problems
        yield self._footer

    def _join_lecture(self, sync: LectureSync) -> None:
        """Join the slides' window where it is (it wrote that when it started)."""

    def show(self) -> None:
        """The slide's title and step, its notes, and what comes next."""
        slide, pos = self.slide, self.position
        key = (id(self.deck), pos)
        if key != self._shown_key:
            self._shown_key = key
            self._markdown.update(slide.notes or "*(no notes for this slide)*")
            self._scroll.scroll_home(animate=False)
        steps = len(slide.steps)
        step = f" · step {pos.step + 1}/{steps}" if steps > 1 else ""
        blank = " · SLIDES BLANK (b)" if self.blank else ""
        self._heading.update(f"NOW {slide.number}/{len(self.deck)}{step}: {slide.title}{blank}")
        if pos.step + 1 < steps:
            upcoming = "NEXT: the rest of this slide (a pause)"
        elif pos.slide + 1 < len(self.deck):
            upcoming = f"NEXT: {self.deck.slides[pos.slide + 1].title}"
        else:
            upcoming = "NEXT: (the end)"
        self._next.update(upcoming)
        self._problems.update(f"✗ {self.reload_error}" if self.reload_error else "")
        self._problems.display = bool(self.reload_error)
        self._show_footer()

    def show_blank(self) -> None:
        """b blanks the slides' window; this one keeps the notes and says so."""
        self.show()

    # The runs are in the slides' window: these keys do nothing here.
    def action_enter(self) -> None:
        """enter: go to a typed slide number (runs are the slides' window's)."""
        if self._goto is not None:
            super().action_enter()

    def action_rerun(self) -> None:
        """Runs are the slides' window's."""

    def action_stop(self) -> None:
        """Runs are the slides' window's."""

    def action_maximise(self) -> None:
        """Runs are the slides' window's."""
