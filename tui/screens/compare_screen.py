"""The compare screen: one workload run in every mode in turn, measured side by side.

The runs happen in a thread worker (each one is a spawned host, as in headless mode);
the screen fills a row of the table and a bar of the chart as each mode finishes, then
writes the conclusion. Leaving the screen stops the run in progress.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tui.services import Services
from tui.themes import variable
from workloads import catalog, dask_options
from workloads.compare import (
    TABLE_HEADER,
    Comparison,
    ModeResult,
    Runner,
    Stopped,
    Stopper,
    bars,
    compare,
    modes_of,
    table_rows,
)
from workloads.demo import Demo
from workloads.events import RunStatus
from workloads.gil_lab import cores

#: Characters of the longest bar.
BAR_WIDTH = 40
#: The theme variable that colours each mode's bar: the baseline neutral, threads in the
#: colour of waiting (they mostly wait for the GIL here), processes in that of running.
BAR_COLORS = {
    "sequential": "foreground-muted",
    "processes": "success",
    "process-pool": "success",
}
THREADS_BAR = "primary"


def compare_parts(demo: Demo, params: dict[str, Any], time_scale: float) -> list[str]:
    """The options of a comparison, ``name value`` each, as the command line spells them.

    Empty options are left out, and so are the dask mode's options at their defaults:
    they concern one row of the table, and at 80 columns the heading has no room to spare.
    """
    defaults = demo.resolve({})
    parts = []
    for name, value in params.items():
        if name == "mode" or (name in dask_options.NAMES and value == defaults.get(name)):
            continue
        text = demo.param(name).format(value)
        if text:
            parts.append(f"{name.replace('_', '-')} {text}")
    if time_scale != 1:
        parts.append(f"time ×{time_scale:g}")
    return parts


class CompareScreen(Screen[None]):
    """Runs ``demo`` in each of its modes and shows wall, CPU, speedup and cores busy.

    Styled by the app stylesheet (``app.tcss``, "compare screen" section).
    """

    BINDINGS = [
        Binding("r", "rerun", "Rerun"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(
        self,
        demo: Demo | str,
        params: dict[str, Any] | None = None,
        time_scale: float = 1.0,
        *,
        services: Services | None = None,
        runner: Runner | None = None,
    ) -> None:
        super().__init__()
        self.demo = catalog.get(demo) if isinstance(demo, str) else demo
        self.modes = modes_of(self.demo)
        given = {k: v for k, v in (params or {}).items() if k != "mode"}
        self.params = self.demo.resolve(given)
        self.time_scale = time_scale
        self.services = services or Services()
        self.runner = runner
        self.results: dict[str, ModeResult] = {}
        self.running: str | None = None
        self.comparison: Comparison | None = None
        self.error = ""
        self._stop = Stopper()

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="compare-title")
        with VerticalScroll(id="compare-body"):
            table: DataTable[str | Text] = DataTable(
                id="compare-table", cursor_type="none", zebra_stripes=True
            )
            table.can_focus = False  # the arrows scroll the whole body (the conclusion)
            yield table
            chart = Static(id="compare-chart")
            chart.border_title = "Speedup vs sequential"
            yield chart
            yield Static("", id="compare-conclusion")
            yield Static("", id="compare-status")
        yield Footer()

    def _title(self) -> str:
        parts = compare_parts(self.demo, self.params, self.time_scale)
        return " · ".join([f"Compare {self.demo.id}", *parts])

    def on_mount(self) -> None:
        table: DataTable[str | Text] = self.query_one("#compare-table", DataTable)
        for label in TABLE_HEADER[:-1]:
            table.add_column(label, key=label)
        table.add_column("", key="status")
        # Rich text takes colours, not theme variables: draw again in the new theme.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._show())
        self.start()

    # -- running -------------------------------------------------------------------------
    def start(self) -> None:
        """Start (or restart) the comparison in a thread worker."""
        self._stop.stop()
        self._stop = Stopper()
        self.results.clear()
        self.running, self.comparison, self.error = None, None, ""
        self._show()
        self.run_worker(
            lambda stop=self._stop: self._compare(stop),
            thread=True,
            exclusive=True,
            group="compare",
            name="compare",
        )

    def _compare(self, stop: Stopper) -> None:
        sessions = self.services.sessions

        def on_mode(mode: str, result: ModeResult | None) -> None:
            if not stop.stopped:
                self.app.call_from_thread(self._mode_update, mode, result)

        try:
            result = compare(
                self.demo,
                self.params,
                time_scale=self.time_scale,
                python=self.services.python,
                runner=self.runner,
                on_mode=on_mode,
                stopper=stop,
                on_session=sessions.add,
            )
        except Stopped:
            return
        except Exception as exc:  # shown on the screen; the app goes on
            if not stop.stopped:
                self.app.call_from_thread(self._failed, f"{type(exc).__name__}: {exc}")
            return
        if not stop.stopped:
            self.app.call_from_thread(self._finished, result)

    def _mode_update(self, mode: str, result: ModeResult | None) -> None:
        if result is None:
            self.running = mode
        else:
            self.results[mode] = result
            self.running = None
        self._show()

    def _finished(self, result: Comparison) -> None:
        self.comparison = result
        self.running = None
        self._show()
        # On a short screen the conclusion is below the fold: it is what the room reads.
        self.call_after_refresh(self.query_one("#compare-conclusion").scroll_visible)

    def _failed(self, error: str) -> None:
        self.error = error
        self._show()

    def stop_run(self) -> None:
        """Stop the comparison in progress (its current run's whole process group)."""
        self._stop.stop()

    def on_unmount(self) -> None:
        self.stop_run()
        self.app.theme_changed_signal.unsubscribe(self)  # or the screen is never freed

    # -- drawing -------------------------------------------------------------------------
    def _partial(self) -> Comparison:
        """What is known so far, as a comparison (the finished one at the end)."""
        if self.comparison is not None:
            return self.comparison
        c = Comparison(self.demo.id, self.params, cores())
        c.modes = [self.results[m] for m in self.modes if m in self.results]
        return c

    def _show(self) -> None:
        if not self.is_mounted:
            return
        c = self._partial()
        table: DataTable[str | Text] = self.query_one("#compare-table", DataTable)
        table.clear()
        rows = {row[0]: row for row in table_rows(c)}
        for mode in self.modes:
            if mode in rows:
                mode_name, *figures, status = rows[mode]
                result = c.mode(mode)
                ended_well = result is not None and result.status == RunStatus.FINISHED
                color = self._color("warning" if ended_well else "error")
                style = "" if status == "" else f"bold {color}"
                table.add_row(
                    Text(mode_name, style="bold"),
                    *(Text(f, justify="right") for f in figures),
                    Text(status, style=style),
                )
            else:
                status = "running…" if mode == self.running else "waiting"
                blanks = [Text("")] * (len(TABLE_HEADER) - 2)
                table.add_row(Text(mode), *blanks, Text(status, style="italic"))
        self.query_one("#compare-chart", Static).update(self._chart(c))
        words = c.conclusion() if self.comparison is not None else ""
        self.query_one("#compare-conclusion", Static).update(words)
        self.query_one("#compare-status", Static).update(self._status(c))

    def _chart(self, c: Comparison) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        name_w = max(len(m) for m in self.modes)
        drawn = {name: (bar, figure) for name, bar, figure in bars(c, BAR_WIDTH)}
        for i, mode in enumerate(self.modes):
            if i:
                text.append("\n")
            text.append(f"{mode:<{name_w}}  ", style="bold")
            bar, figure = drawn.get(mode, ("", "…" if mode == self.running else ""))
            style = self._color(BAR_COLORS.get(mode, THREADS_BAR))
            text.append(f"{bar:<{BAR_WIDTH}}", style=style)
            text.append(f"  {figure}")
        return text

    def _color(self, name: str) -> str:
        """Theme variable ``name`` as a colour, in the current theme."""
        return variable(self.app.theme_variables, name)

    def _status(self, c: Comparison) -> str:
        if self.error:
            return f"Failed: {self.error}"
        if self.comparison is None:
            doing = f"running {self.running}" if self.running else "starting"
            return f"{doing} ({len(c.modes)} of {len(self.modes)} modes done) · escape stops"
        gil = "on" if c.gil_enabled else "off"
        ok = "all modes finished" if c.ok else "some modes did not finish"
        return f"{ok} · Python {c.python} · GIL {gil} · {c.cores} cores · r to run again"

    # -- keys ----------------------------------------------------------------------------
    def action_rerun(self) -> None:
        """r: run the whole comparison again."""
        self.start()

    def action_back(self) -> None:
        """escape: stop and go back."""
        self.stop_run()
        self.app.pop_screen()
