"""Issue 9's leftovers, each as a lecturer would meet it.

- a cancelled run has a colour of its own, readable in every theme;
- a run cancelled while paused has its pause marked, up to the cancel;
- once a run is over, the CPU box's figures are all averages over the run;
- every demo of the menu has a number key (``1`` ``2`` for the twelfth);
- the demos' closing line counts only the jobs that finished;
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
from textual.widgets import OptionList

from tests.fault_demos import group_gone, wait_for, worker_processes
from tests.test_contrast import LIVE_NOW, live_sample, live_state, offenders, screen_cells, show_run
from tests.test_tui_pause import _paused_run
from tests.tui_helpers import run_children, wait_until
from tui.app import InterleaveApp
from tui.screens.menu_screen import MenuScreen
from tui.screens.run_screen import RunScreen
from tui.themes import STATE_COLORS, THEMES, min_contrast, variable
from tui.widgets.cpu_gauges import AVERAGE_TITLE, LIVE_TITLE, CpuGauges
from workloads import catalog
from workloads.cpu_sampler import CpuSampler
from workloads.events import CANCELLED, READY, RunStatus
from workloads.recording import Paused
from workloads.run_session import RunSession
from workloads.run_state import RunState

SIZES = ((80, 24), (120, 36))


def cancelled_state() -> RunState:
    """The live scene of the contrast test, cancelled (``x``) at its live edge."""
    state = live_state()
    state.cancel(LIVE_NOW)
    return state


# -- 1. CANCELLED has its own colour ---------------------------------------------------------
@pytest.mark.parametrize("theme", list(THEMES))
def test_cancelled_has_a_colour_no_other_state_has(theme: str) -> None:
    values = THEMES[theme].textual_theme().to_color_system().generate()
    values |= dict(THEMES[theme].variables)
    colour = {s: variable(values, c.removeprefix("$")) for s, c in STATE_COLORS.items()}
    others = {c for s, c in colour.items() if s != CANCELLED}
    assert colour[CANCELLED] not in others
    assert colour[CANCELLED] != colour[READY]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("theme", list(THEMES))
async def test_a_cancelled_run_says_so_in_its_colour_and_stays_readable(
    theme: str, size: tuple[int, int]
) -> None:
    app = InterleaveApp(clock=lambda: LIVE_NOW, theme=theme)
    async with app.run_test(size=size) as pilot:
        await show_run(pilot, cancelled_state(), live_sample(), "cpu-bound")
        cells = screen_cells(app, figures="Digits")  # letters, digits, the clock
        cancelled = variable(app.theme_variables, "state-cancelled")
        ready = variable(app.theme_variables, "warning")
        # The state word is a badge: background-coloured letters on the state's colour.
        on = {"#{:02X}{:02X}{:02X}".format(*c.bg) for c in cells if "CANCELLED" in c.context}
        assert cancelled in on, "no CANCELLED badge in the cancelled colour"
        assert ready not in on, "a CANCELLED badge in ready's colour"
        assert not offenders(cells, min_contrast(theme))
        assert not offenders([c.in_256_colors() for c in cells], min_contrast(theme))


# -- 2. Pause, then cancel -------------------------------------------------------------------
@pytest.mark.timeout(90)
async def test_a_pause_ended_by_a_cancel_is_marked_up_to_the_cancel() -> None:
    app = InterleaveApp(demo_id="processes", params={"items": 5}, time_scale=1.0)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, pgid = await _paused_run(pilot, app)
        await pilot.press("x")
        await wait_until(pilot, lambda: screen.state.over)
        session = screen.session
        assert session is not None and screen.run_log is not None
        assert screen.state.status == RunStatus.CANCELLED
        ((a, b),) = session.pauses
        assert b == screen.state.finished  # the run stood still from the pause to the cancel
        started = screen.state.started
        assert started is not None
        mark = str(screen._timeline_box.border_subtitle)
        assert mark == f"‖ paused {a - started:.1f}–{b - started:.1f} s"
        assert Paused(a, b) in screen.run_log.recording().entries  # w keeps it, replay shows it
        for w in screen.state.workers.values():  # nothing is drawn in the pause
            assert not [s for s in w.spans if s.start < b - 1e-6 and s.end > a + 1e-6], w.id
        await pilot.press("q")
    assert group_gone(pgid)
    assert not run_children()


# -- 5. The closing line counts only the jobs that finished ----------------------------------
@pytest.mark.timeout(120)
@pytest.mark.parametrize(("demo", "params"), [("cpu-bound", {}), ("io-bound", {"items": 40})])
def test_a_killed_process_is_not_counted_as_a_job_done(demo: str, params: dict[str, int]) -> None:
    config = catalog.get(demo).config({"mode": "processes", "workers": 2, **params})
    with RunSession(config) as session:
        session.follow_in_background()
        host = session.pid
        assert host is not None
        wait_for(lambda: len(worker_processes(host)) == 2, "two worker processes")
        victim = worker_processes(host)[0]
        os.kill(victim.pid, signal.SIGKILL)  # as a lecturer would, from another terminal
        wait_for(lambda: not victim.is_running() or victim.status() == psutil.STATUS_ZOMBIE, "kill")
        assert session.wait(100)
        lines = [o.text for o in session.snapshot().outputs]
    assert lines[-1].startswith("processes: 1 of 2 jobs done in "), lines[-3:]


# -- 4. Every demo has a number key ----------------------------------------------------------
DEMOS = list(catalog.DEMOS)


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The demos the menu launches (checked and posted), instead of running them."""
    ids: list[str] = []

    def record(screen: MenuScreen, _message: object) -> None:
        ids.append(screen.selected)

    monkeypatch.setattr(MenuScreen, "_check_then", record)
    return ids


def _hint(app: InterleaveApp) -> str:
    return str(app.screen.query_one("#menu-hint").render())


@pytest.mark.parametrize(
    ("keys", "demo"),
    [
        (["2"], DEMOS[1]),  # no demo 20 or more: at once
        (["1", "0"], DEMOS[9]),
        (["1", "1"], DEMOS[10]),
        (["1", str(len(DEMOS) % 10)], DEMOS[-1]),  # the last one
        (["1"], DEMOS[0]),  # once no second digit came
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else v,
)
async def test_every_demo_runs_from_its_number(
    keys: list[str], demo: str, launched: list[str]
) -> None:
    assert len(DEMOS) >= 10, "a catalog of nine demos or fewer has no two-digit keys"
    app = InterleaveApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*keys)
        await wait_until(pilot, lambda: bool(launched))
        assert launched == [demo]
        assert _hint(app).startswith(f"1-{len(DEMOS)} or enter")


async def test_a_first_digit_says_what_the_second_would_run(launched: list[str]) -> None:
    app = InterleaveApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        hint = _hint(app)
        last = len(DEMOS)
        assert f"then 0-{last % 10}: demo 10-{last}" in hint
        assert "or wait: demo 1" in hint
        options = app.screen.query_one("#demo-list", OptionList)
        assert options.highlighted == options.get_option_index(DEMOS[0])  # shown at once
        await wait_until(pilot, lambda: bool(launched))


@pytest.mark.parametrize(
    "after",
    [
        ["1", str(len(DEMOS) % 10 + 1)],  # past the last demo: no demo, nothing runs
        ["1", "down"],  # the user moved on
        ["1", "tab"],  # into a field
    ],
    ids=" ".join,
)
async def test_a_first_digit_then_something_else_runs_nothing(
    after: list[str], launched: list[str]
) -> None:
    app = InterleaveApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*after)
        await wait_until(pilot, lambda: _hint(app).startswith("1-"))  # the wait is over
        await pilot.pause()
        assert launched == []
        assert isinstance(app.screen, MenuScreen)


# -- 3. The CPU box once the run is over -----------------------------------------------------
BUSY = "import time\nend = time.monotonic() + 0.6\nwhile time.monotonic() < end: pass\n"


def test_the_run_average_is_one_kind_of_figure_and_fits_the_machine() -> None:
    host = subprocess.Popen([sys.executable, "-c", BUSY])  # a "run" that keeps a core busy
    try:
        sampler = CpuSampler()
        sampler.attach(host.pid)
        while host.poll() is None:
            time.sleep(0.1)
            last = sampler.sample()
        assert sampler.run_average() is None  # not before the run is over
        sampler.detach()
    finally:
        host.wait()
    average = sampler.run_average()
    assert average is not None and average.whole_run and not last.whole_run
    assert average.cores == last.cores
    assert all(0.0 <= pct <= 100.0 for pct in average.per_core)
    # The run's figure is its average over the run, the same as the last reading's...
    assert average.cores_busy == last.cores_busy > 0
    # ...and the other load is the rest of the machine's over the same time: side by side
    # they never add up to more cores than the machine has.
    assert average.recent_busy == average.cores_busy
    assert average.other_busy == max(0.0, average.machine_busy - average.cores_busy)
    assert average.cores_busy + average.other_busy <= average.cores + 0.05


#: A "run host" whose 16 children start (an import), wait, and exit at once: most of
#: their CPU is used between two readings, the way a pool's workers end.
SHORT_LIVED = (
    "import subprocess, sys\n"
    "code = 'import time, json, decimal, email.parser; time.sleep(0.7)'\n"
    "children = [subprocess.Popen([sys.executable, '-c', code]) for _ in range(16)]\n"
    "for c in children: c.wait()\n"
)


def _counted_and_used(code: str, every_s: float) -> tuple[float, float]:
    """Run ``code`` as a run host, read it every ``every_s``: the CPU seconds the
    sampler counted for the run, and what the kernel says it used (all reaped)."""
    before = os.times()
    host = subprocess.Popen([sys.executable, "-c", code])
    try:
        sampler = CpuSampler()
        sampler.attach(host.pid)
        while host.poll() is None:
            time.sleep(every_s)
            sampler.sample()
        sampler.detach()
    finally:
        host.wait()
    after = os.times()
    used = (after.children_user + after.children_system) - (
        before.children_user + before.children_system
    )
    average = sampler.run_average()
    assert average is not None
    return average.run_cpu_s, used


def test_the_run_keeps_the_cpu_of_processes_that_exit_between_two_readings() -> None:
    counted, used = _counted_and_used(SHORT_LIVED, 0.5)
    # All of it but the host's own last moments (it exits after the last reading); what
    # is missed would be counted as the machine's other load.
    assert 0.9 * used - 0.05 <= counted <= used + 0.01


#: A "run host" whose child starts busy grandchildren and reaps them, then is reaped
#: itself: the host's reaped-children time then holds the grandchildren's as well.
NESTED = (
    "import subprocess, sys\n"
    "busy = 'import time\\nend = time.monotonic() + 0.8\\nwhile time.monotonic() < end: pass'\n"
    "child = 'import subprocess, sys\\n' + repr(busy).join(\n"
    "    ['ps = [subprocess.Popen([sys.executable, \"-c\", ', ']) for _ in range(3)]\\n'])\n"
    "child += 'import time\\ntime.sleep(0.2)\\nfor p in ps: p.wait()\\ntime.sleep(1.5)\\n'\n"
    "subprocess.run([sys.executable, '-c', child])\n"
)


def test_a_grandchild_reaped_twice_is_counted_once() -> None:
    counted, used = _counted_and_used(NESTED, 0.2)
    assert 0.9 * used - 0.05 <= counted <= used + 0.02


@pytest.mark.timeout(60)
async def test_a_finished_run_shows_run_averages_labelled_as_such() -> None:
    app = InterleaveApp(demo_id="threads", params={"numbers": 2, "letters": 2}, time_scale=0.3)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
        screen = app.screen
        assert isinstance(screen, RunScreen)
        gauges = screen.query_one(CpuGauges)
        await wait_until(pilot, lambda: screen.sample is not None)
        assert gauges.border_title == LIVE_TITLE
        await wait_until(pilot, lambda: screen.state.over)
        # Once the screen has ended the run (after its state says over: the host exits).
        await wait_until(pilot, lambda: gauges.border_title == AVERAGE_TITLE)
        assert screen.sample is not None and screen.sample.whole_run
        text = str(gauges.render())
        assert f"other load {screen.sample.other_busy:.2f} cores" in text
        assert f"run {screen.sample.cores_busy:.2f}/" in text
        await pilot.press("q")
    assert not run_children()
