"""What the menu shows beside the list: a demo's explanation and its parameters."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.widgets import Markdown, Static

from tui.widgets.param_form import ParamForm
from workloads.demo import Demo


class DemoDetails(VerticalScroll):
    """Title, summary, the editable parameters and the explanation (Markdown) of one demo.

    The explanation comes after the form, which can fill a small screen: the pane scrolls
    (tab reaches it; then the arrows and page keys), and its border says when there is
    more below, which a thin scrollbar does not say to the back of a room.
    """

    #: The border's note while the pane goes on below what it shows.
    MORE = "↓ more below"

    def __init__(self, demo: Demo, values: dict[str, Any] | None = None) -> None:
        super().__init__(id=f"details-{demo.id}", classes="demo-details")
        self.demo = demo
        self._values = values or demo.defaults()

    def compose(self) -> ComposeResult:
        yield Static(
            f"[b $accent]{escape(self.demo.title)}[/]\n[$text-muted]{escape(self.demo.summary)}[/]",
            classes="demo-title",
        )
        shown = tuple(p for p in self.demo.params if p.menu)
        if shown:
            yield ParamForm(shown, self._values, id_prefix=f"param-{self.demo.id}")
        yield Markdown(self.demo.explanation, classes="demo-explanation")

    def on_mount(self) -> None:
        self.watch(self, "scroll_y", self._note_more, init=False)

    def on_resize(self) -> None:
        # Also sent when the content grows (the Markdown is laid out after the mount).
        self._note_more()

    def _note_more(self) -> None:
        self.border_subtitle = self.MORE if self.scroll_y < self.max_scroll_y else ""

    @property
    def form(self) -> ParamForm | None:
        """The parameter form, if the demo has parameters."""
        forms = self.query(ParamForm)
        return forms.first() if forms else None

    def values(self) -> dict[str, Any]:
        """The parsed parameters (raises :class:`ParamError` for a bad one)."""
        form = self.form
        return form.values() if form is not None else {}
