"""The interleave Textual app: a menu of demos and a live view of each run."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from rich.terminal_theme import TerminalTheme
from textual.app import App
from textual.binding import Binding

import tui.textual_patches  # noqa: F401 - installs the fixes on import
from tui.cli_record import Outputs
from tui.demo_commands import DemoCommands
from tui.gc_freeze import freeze_startup
from tui.messages import CompareDemo, LaunchDemo, LaunchScript
from tui.screens.compare_screen import CompareScreen
from tui.screens.help_screen import HelpScreen
from tui.screens.menu_screen import MenuScreen
from tui.screens.replay_screen import ReplayScreen
from tui.screens.run_screen import RunScreen
from tui.services import Services
from tui.themes import DEFAULT as DEFAULT_THEME
from tui.themes import THEMES, app_variables, next_theme, register
from workloads import catalog
from workloads.cpu_sampler import CpuSampler
from workloads.demo import script_demo
from workloads.param import ParamError
from workloads.recording import Recording
from workloads.script import Script, load_script


class InterleaveApp(App[int]):
    """Opens on the menu, or straight into a run of ``demo_id``.

    ``clock`` and ``sampler_factory`` are seams for tests (snapshots fake both); with
    ``python``, they make the :class:`Services` every screen is handed. Every run the
    app starts is in ``services.sessions``, so that however the app ends (q, Ctrl+C,
    an exception) :meth:`close_runs` leaves no process behind.
    """

    CSS_PATH = "app.tcss"
    TITLE = "interleave"
    COMMANDS = App.COMMANDS | {DemoCommands}
    BINDINGS: ClassVar = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("d", "toggle_theme", "Theme", show=False),
        Binding("s", "screenshot", "Screenshot"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    def __init__(
        self,
        demo_id: str | None = None,
        params: dict[str, Any] | None = None,
        time_scale: float = 1.0,
        *,
        theme: str | None = None,
        python: str | None = None,
        script: Script | None = None,
        clock: Callable[[], float] = time.monotonic,
        sampler_factory: Callable[[], CpuSampler] = CpuSampler,
        replay: Recording | None = None,
        outputs: Outputs | None = None,
    ) -> None:
        super().__init__()
        self.demo_id = demo_id
        self.params = params
        self.time_scale = time_scale
        #: A recorded run to open straight into (``interleave replay FILE``).
        self.replay = replay
        #: A user's script to open straight into (``interleave PATH.py``).
        self.script = script
        self.services = Services(
            clock=clock,
            sampler_factory=sampler_factory,
            python=python,
            outputs=outputs or Outputs(),
        )
        register(self)
        self.theme = theme or DEFAULT_THEME

    @property
    def ansi_theme(self) -> TerminalTheme:
        # Rich's named colours ("green" in a results cell) in the colours of our theme.
        entry = THEMES.get(self.theme)
        return entry.ansi_colors() if entry is not None else super().ansi_theme

    def get_theme_variable_defaults(self) -> dict[str, str]:
        # The worker palette for themes that lack it (Textual's own, from the palette).
        return app_variables()

    def on_mount(self) -> None:
        # What lives as long as the app, out of the collector's way (see gc_freeze).
        freeze_startup("mounted")
        self.call_after_refresh(freeze_startup, "drawn")
        # The menu holds --demo's parameters too: back from the run, enter runs them again.
        self.push_screen(MenuScreen(self.time_scale, demo_id=self.demo_id, params=self.params))
        if self.demo_id is not None:
            self.launch(self.demo_id, self.params, self.time_scale)
        elif self.replay is not None:
            self.push_screen(ReplayScreen.of(self.replay, self.services))
        elif self.script is not None:
            self.launch_script(self.script, self.time_scale)

    def launch_script(self, script: Script, time_scale: float | None = None) -> None:
        """Open a run of a user's script (checked again: the file may have changed)."""
        try:
            demo = script_demo(load_script(script.path, script.argv))
        except ParamError as exc:
            self.notify(str(exc), title="Cannot run", severity="error", timeout=8)
            return
        if time_scale is None:
            menu = next((s for s in self.screen_stack if isinstance(s, MenuScreen)), None)
            time_scale = menu.time_scale if menu is not None else self.time_scale
        screen = RunScreen(demo, {}, time_scale, self.services)
        if isinstance(self.screen, RunScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def on_launch_script(self, message: LaunchScript) -> None:
        self.launch_script(message.script, message.time_scale)

    def launch(
        self, demo_id: str, params: dict[str, Any] | None = None, time_scale: float | None = None
    ) -> None:
        """Open a run of ``demo_id`` (default parameters if none), replacing a current run.

        Parameters are checked once more here (a file may have changed since the menu
        checked it); a refusal is a notification, never a crash.
        """
        if time_scale is None:
            menu = next((s for s in self.screen_stack if isinstance(s, MenuScreen)), None)
            time_scale = menu.time_scale if menu is not None else self.time_scale
        try:
            demo = catalog.get(demo_id)
            screen = RunScreen(demo, params or demo.defaults(), time_scale, self.services)
        except ParamError as exc:
            self.notify(str(exc), title="Cannot run", severity="error", timeout=8)
            return
        if isinstance(self.screen, RunScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def on_launch_demo(self, message: LaunchDemo) -> None:
        self.launch(message.demo_id, message.params, message.time_scale)

    def on_compare_demo(self, message: CompareDemo) -> None:
        self.push_screen(
            CompareScreen(
                message.demo_id, message.params, message.time_scale, services=self.services
            )
        )

    def close_runs(self) -> None:
        """Stop every run still alive (idempotent)."""
        self.services.sessions.close_all()

    async def action_quit(self) -> None:
        """q / Ctrl+C: stop the runs first, then leave."""
        self.close_runs()
        self.exit(0)

    def action_help(self) -> None:
        """?: the help page."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """s: save an SVG of the screen (in the current directory) and say where."""
        saved = Path(self.save_screenshot(filename, path)).resolve()
        self.notify(f"Saved {saved}", title="Screenshot")

    def action_toggle_theme(self) -> None:
        """d: the next theme: dark, light, projector (high contrast, for beamers)."""
        self.theme = next_theme(self.theme)

    def on_unmount(self) -> None:
        self.close_runs()
