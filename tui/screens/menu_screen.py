"""The menu: pick a demo (its number, arrows, enter), read what it shows, set its parameters.

Focus decides where a key goes, and the menu keeps the two places apart: a key typed into
a parameter field stays in that field (a digit is part of the value, never "run demo 2"),
``escape`` leaves the field for the demo list, and the number keys act only outside the
fields. Every demo has a number: ``2`` runs demo 2 at once, while ``1``, which can start
10, 11, 12, waits a moment for a second digit (``1`` ``2``: demo 12) before it runs demo 1.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Footer, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from tui.messages import CompareDemo, LaunchDemo, LaunchScript
from tui.widgets.demo_details import DemoDetails
from tui.widgets.param_form import ParamField, ParamInput
from tui.widgets.script_opener import ScriptOpener
from workloads import catalog
from workloads.common_options import TIME_SCALE
from workloads.compare import has_modes, modes_of
from workloads.demo import Demo
from workloads.param import ParamError

#: The id of the list's last entry, "Open a script…".
OPEN_SCRIPT = "open-script"
#: Demos in the list, each with a number: its position, from 1.
NUMBERED = len(catalog.DEMOS)
#: Seconds a digit that can start a longer number (``1`` of ``12``) waits for the next.
NEXT_DIGIT_S = 0.6
#: What the number keys do, in the help.
DIGITS = f"Run demo 1-{NUMBERED} by its number" + (" (1 0 is demo 10)" if NUMBERED >= 10 else "")


class MenuScreen(Screen[None]):
    """Lists the catalog; posts :class:`LaunchDemo` with validated parameters.

    A launch checks every field as the command line would, the ``validate`` hooks off the
    event loop; a bad field is refused where it is (focused, its reason under it).
    """

    #: From 110 columns the details pane has room beside each field for its help (30 columns
    #: or more next to the widest names and editors of the catalog); below, the help goes
    #: under the field. Instead of the app's breakpoints: the menu has no other use for them.
    HORIZONTAL_BREAKPOINTS = [
        (0, "-help-below"),
        (110, "-help-beside"),
    ]

    BINDINGS = [
        Binding("enter", "launch", "Run", show=True),
        Binding("c", "compare", "Compare modes", show=True),
        Binding("o", "open_script", "Open a script", show=False),  # the list shows it
        # Priority: the focus moves the moment the key arrives, not once the key has gone
        # round the focused widget, so keys typed (or pasted, or sent by tmux) at once
        # still land where the focus was at each of them.
        Binding("escape", "leave_field", "Leave field", show=False, priority=True),
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
        *(Binding(str(n), f"digit({n})", DIGITS, show=False) for n in range(10)),
    ]

    def __init__(
        self,
        time_scale: float = 1.0,
        *,
        demo_id: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        """``demo_id`` and its ``params`` (from ``interleave --demo ID --workers 2 ...``)
        are highlighted and filled in, so that going back to the menu and pressing enter
        runs what the command line asked for, not the defaults."""
        super().__init__()
        self.time_scale = time_scale
        self.demos = list(catalog.DEMOS.values())
        self._start = demo_id if demo_id in catalog.DEMOS else self.demos[0].id
        self._start_params = params if demo_id in catalog.DEMOS else None
        #: The first digit of a number being typed (``1`` of ``12``), and its deadline.
        self._typed = ""
        self._next_digit: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            "[b]interleave[/]  [$text-muted]see Python threads and processes run, live[/]",
            id="menu-title",
        )
        with Horizontal(id="menu-body"):
            with Vertical(id="menu-side"):
                yield OptionList(*menu_options(), id="demo-list")
                yield ParamField(TIME_SCALE, self.time_scale, id_prefix="menu")
                yield Static(HINT, id="menu-hint")
            with ContentSwitcher(id="details", initial=f"details-{self._start}"):
                for d in self.demos:
                    yield DemoDetails(d, self._start_params if d.id == self._start else None)
                yield ScriptOpener(self.time_scale, id=f"details-{OPEN_SCRIPT}")
        yield Footer()

    def on_mount(self) -> None:
        demo_list = self.query_one("#demo-list", OptionList)
        demo_list.highlighted = demo_list.get_option_index(self._start)
        demo_list.focus()

    def _in_a_field(self) -> bool:
        """Whether the focus is in a parameter's editor (its keys are the field's)."""
        focused = self.focused
        return focused is not None and any(
            isinstance(node, ParamField) for node in focused.ancestors
        )

    def _in_open_drop_down(self) -> bool:
        focused = self.focused
        return focused is not None and any(
            isinstance(node, Select) and node.expanded for node in focused.ancestors_with_self
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A number key pressed on a switch or a drop-down must not start a run: only the
        # list takes them (a text field keeps its digits before bindings are looked at).
        if action == "digit":
            return not self._in_a_field()
        # escape in an open drop-down closes it (its own binding), and stays on it.
        return not (action == "leave_field" and self._in_open_drop_down())

    def action_leave_field(self) -> None:
        """escape: leave a parameter field (its text is kept) for the demo list."""
        # At once, not after a refresh as focus() does: the next key must find the list.
        self.set_focus(self.query_one("#demo-list", OptionList))

    def on_param_input_left_with_key(self, message: ParamInput.LeftWithKey) -> None:
        # escape and a key arrived as one: leave the field first, then let the key act on
        # the list, as if the two had been typed slowly.
        message.stop()
        self.action_leave_field()
        key, character = message.key, message.character

        def press() -> None:
            self.app.post_message(events.Key(key, character))

        # Made in the app's own context: a key made here would stop bubbling at this
        # screen (its sender), before the app looks its bindings up.
        self.app.call_later(press)

    @property
    def selected(self) -> str:
        """The id of the highlighted demo."""
        options = self.query_one("#demo-list", OptionList)
        if options.highlighted is None:
            return self.demos[0].id
        return options.get_option_at_index(options.highlighted).id or self.demos[0].id

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.query_one(ContentSwitcher).current = f"details-{event.option.id}"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_launch()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_launch()

    def action_digit(self, digit: int) -> None:
        """0-9: a digit that could start a longer number waits a moment for the next one."""
        self._stop_waiting()
        number = int(self._typed + str(digit))
        self._typed = ""
        if 0 < number <= NUMBERED:
            self._highlight(number)
        if len(str(number)) < len(str(NUMBERED)) and 0 < number * 10 <= NUMBERED:
            # It can start a longer number: wait for the next digit, saying so.
            self._typed = str(number)
            self._next_digit = self.set_timer(NEXT_DIGIT_S, self._no_next_digit)
            self.query_one("#menu-hint", Static).update(waiting_hint(number))
        elif 0 < number <= NUMBERED:
            self.action_launch()
        # Any other number has no demo: nothing runs (as for 0).

    def _highlight(self, number: int) -> None:
        options = self.query_one("#demo-list", OptionList)
        options.highlighted = options.get_option_index(self.demos[number - 1].id)

    def _stop_waiting(self) -> None:
        if self._next_digit is not None:
            self._next_digit.stop()
            self._next_digit = None
            self.query_one("#menu-hint", Static).update(HINT)

    def _no_next_digit(self) -> None:
        """No second digit came: run the demo of the first, if it is still the one
        highlighted, and the menu still has the keys (an arrow, a field or the help
        since then means the user moved on)."""
        number, self._typed = int(self._typed), ""
        self._next_digit = None
        self.query_one("#menu-hint", Static).update(HINT)
        moved_on = self.app.screen is not self or self._in_a_field()
        if not moved_on and self.selected == self.demos[number - 1].id:
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
        self._typed = ""
        self._stop_waiting()
        if self.selected == OPEN_SCRIPT:
            self.action_open_script()
            return
        self._check_then(LaunchDemo)

    def action_open_script(self) -> None:
        """o, or enter on "Open a script…": to the path field (enter there runs it)."""
        self.query_one("#demo-list", OptionList).highlighted = len(self.demos)
        self.query_one(ScriptOpener).path_input.focus()

    def on_launch_script(self, message: LaunchScript) -> None:
        # The scale in the menu's field, as a demo would run with it.
        try:
            message.time_scale = self.query_one("#menu-side ParamField", ParamField).value()
        except ParamError:
            message.time_scale = self.time_scale

    def action_compare(self) -> None:
        """c: run the highlighted demo in each of its modes, side by side."""
        if self.selected == OPEN_SCRIPT:
            return
        demo = catalog.get(self.selected)
        try:
            modes_of(demo)
        except ParamError as exc:
            with_modes = ", ".join(d.id for d in self.demos if has_modes(d))
            self.notify(f"{exc}; try {with_modes}", title="Cannot compare", severity="warning")
            return
        self._check_then(CompareDemo)


#: Under the list: how to run a demo.
HINT = (
    f"[$text-muted]1-{NUMBERED} or enter: run · tab: edit parameters · "
    "esc: back to the list · ?: help[/]"
)


def waiting_hint(first: int) -> str:
    """Under the list while ``first`` waits for a second digit: what each would run."""
    last = min(NUMBERED, first * 10 + 9)
    then = f"then 0-{last % 10}: demo {first * 10}-{last}"
    return f"[b]{first}[/] [$text-muted]{then} · or wait: demo {first}[/]"


def number_label(position: int) -> str:
    """The number shown beside a demo (its key; two keys past the ninth)."""
    return str(position)


def menu_options() -> list[Option]:
    """The list: each section's heading (not selectable), then its demos, numbered."""
    options: list[Option] = []
    position = 0
    for section in catalog.SECTIONS:
        heading = Text(section.title, style="bold italic")
        options.append(Option(heading, id=f"section-{len(options)}", disabled=True))
        for demo in section.demos:
            position += 1
            options.append(Option(demo_prompt(position, demo), id=demo.id))
    options.append(
        Option(Text("Your own code", style="bold italic"), id="section-own", disabled=True)
    )
    options.append(Option(script_prompt(), id=OPEN_SCRIPT))
    return options


def demo_prompt(position: int, demo: Demo) -> Table:
    """A demo's entry in the list: its key, its id, and its title under the id.

    A grid, not a string: a title too long for the list wraps under the id, with the same
    hanging indent, instead of back to the margin where the keys are.
    """
    entry = Table.grid()
    entry.add_column(width=3, no_wrap=True)  # the key, then two spaces
    entry.add_column()
    entry.add_row(
        Text(number_label(position), style="bold"),
        Text.assemble((demo.id, "bold"), "\n", demo.title),
    )
    return entry


def script_prompt() -> Table:
    """The list's last entry: open the user's own file."""
    entry = Table.grid()
    entry.add_column(width=3, no_wrap=True)
    entry.add_column()
    entry.add_row(
        Text("o", style="bold"),
        Text.assemble(("Open a script…", "bold"), "\nyour own .py / .ipynb"),
    )
    return entry
