"""The menu: pick a demo (1-9, arrows, enter), read what it shows, set its parameters."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.messages import CompareDemo, LaunchDemo
from tui.widgets.demo_details import DemoDetails
from tui.widgets.param_form import ParamField
from workloads import catalog
from workloads.common_options import TIME_SCALE
from workloads.compare import has_modes, modes_of
from workloads.param import ParamError


class MenuScreen(Screen[None]):
    """Lists the catalog; posts :class:`LaunchDemo` with validated parameters.

    A launch checks every field as the command line would, the ``validate`` hooks off the
    event loop; a bad field is refused where it is (focused, its reason under it).
    """

    BINDINGS = [
        Binding("enter", "launch", "Run", show=True),
        Binding("c", "compare", "Compare modes", show=True),
        *(Binding(str(n), f"pick({n - 1})", show=False) for n in range(1, 10)),
    ]

    def __init__(self, time_scale: float = 1.0) -> None:
        super().__init__()
        self.time_scale = time_scale
        self.demos = list(catalog.DEMOS.values())

    def compose(self) -> ComposeResult:
        yield Static(
            "[b]interleave[/]  [dim]see Python threads and processes run, live[/]",
            id="menu-title",
        )
        with Horizontal(id="menu-body"):
            with Vertical(id="menu-side"):
                yield OptionList(
                    *(
                        Option(
                            f"[b]{i}[/]  [b $accent]{escape(d.id)}[/]\n   {escape(d.title)}",
                            id=d.id,
                        )
                        for i, d in enumerate(self.demos, 1)
                    ),
                    id="demo-list",
                )
                yield ParamField(TIME_SCALE, self.time_scale, id_prefix="menu")
                yield Static(
                    "[dim]1-9 or enter: run · tab: edit parameters · ?: help[/]", id="menu-hint"
                )
            with ContentSwitcher(id="details", initial=f"details-{self.demos[0].id}"):
                for d in self.demos:
                    yield DemoDetails(d)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#demo-list", OptionList).focus()

    @property
    def selected(self) -> str:
        """The id of the highlighted demo."""
        options = self.query_one("#demo-list", OptionList)
        index = options.highlighted or 0
        return self.demos[index].id

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.query_one(ContentSwitcher).current = f"details-{event.option.id}"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_launch()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_launch()

    def action_pick(self, index: int) -> None:
        """A number key: highlight that demo and run it."""
        if index < len(self.demos):
            self.query_one("#demo-list", OptionList).highlighted = index
            self.action_launch()

    async def _checked(self) -> tuple[str, dict[str, Any], float] | None:
        """The highlighted demo with its parameters, or None (and why) if one is invalid."""
        demo_id = self.selected
        time_scale_field = self.query_one("#menu-side ParamField", ParamField)
        details = self.query_one(f"#details-{demo_id}", DemoDetails)
        fields = [time_scale_field, *details.query(ParamField)]
        values: dict[ParamField, Any] = {}
        try:
            for field in fields:  # the instant checks first: a typo is refused at once
                field.value()
            for field in fields:
                values[field] = await field.checked_value()
        except ParamError as exc:
            field.editor.focus()
            self.notify(str(exc), title="Cannot run", severity="error")
            return None
        self.time_scale = values.pop(time_scale_field)
        return demo_id, {f.param.name: v for f, v in values.items()}, self.time_scale

    def _check_then(self, message: type[LaunchDemo | CompareDemo]) -> None:
        """Post ``message`` for the highlighted demo once every field passed its checks."""

        async def check_then_post() -> None:
            checked = await self._checked()
            if checked is not None:
                self.post_message(message(*checked))

        # A worker, so that a slow check never holds up the screen; a new Enter replaces it.
        self.run_worker(check_then_post(), group="launch", exclusive=True)

    def action_launch(self) -> None:
        """Run the highlighted demo, unless a parameter is invalid (then say why)."""
        self._check_then(LaunchDemo)

    def action_compare(self) -> None:
        """c: run the highlighted demo in each of its modes, side by side."""
        demo = catalog.get(self.selected)
        try:
            modes_of(demo)
        except ParamError as exc:
            with_modes = ", ".join(d.id for d in self.demos if has_modes(d))
            self.notify(f"{exc}; try {with_modes}", title="Cannot compare", severity="warning")
            return
        self._check_then(CompareDemo)
