"""``o`` in a lecture: every slide's title, to jump to one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.lecture.deck import Deck


class OverviewScreen(ModalScreen[int | None]):
    """A list of the deck's titles; enter returns the chosen slide's index, escape None."""

    BINDINGS = [
        Binding("escape,o,q", "close", "Back"),
    ]

    def __init__(self, deck: Deck, current: int) -> None:
        super().__init__()
        self.deck = deck
        self.current = current

    def compose(self) -> ComposeResult:
        width = len(str(len(self.deck)))
        options = [
            Option(f"{slide.number:>{width}}  {slide.title}", id=str(slide.number - 1))
            for slide in self.deck.slides
        ]
        overview = OptionList(*options, id="overview")
        overview.border_title = "Slides (enter: go, escape: back)"
        yield overview

    def on_mount(self) -> None:
        overview = self.query_one(OptionList)
        overview.highlighted = self.current
        overview.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_close(self) -> None:
        """escape: back to the slide."""
        self.dismiss(None)
