"""The theme registry and ``--theme``: one list of names, every command that opens the app.

How readable each theme is, is measured on rendered screens by ``test_contrast.py``.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

import tui.cli
from tui.app import InterleaveApp
from tui.cli import main
from tui.themes import DEFAULT, THEME, THEMES, next_theme, variable
from tui.widgets.worker_colors import WorkerColors


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What the command line would open the app with (nothing is opened)."""
    calls: list[dict[str, Any]] = []

    def fake_run_app(*args: Any, **_: Any) -> int:
        names = ("demo_id", "params", "time_scale", "python", "theme")
        calls.append(dict(zip(names, args, strict=False)))
        return 0

    monkeypatch.setattr(tui.cli, "_run_app", fake_run_app)
    return calls


def test_the_option_offers_exactly_the_registered_themes() -> None:
    assert THEME.choices == tuple(THEMES) == ("dark", "light", "projector")
    assert THEME.default == DEFAULT == "dark"


def test_d_goes_through_every_theme_and_back() -> None:
    names = [DEFAULT]
    for _ in THEMES:
        names.append(next_theme(names[-1]))
    assert names == ["dark", "light", "projector", "dark"]
    assert next_theme("textual-light") == "dark"  # from a theme picked in the palette


@pytest.mark.parametrize(
    "argv",
    [
        ["--theme", "projector"],
        ["--demo", "threads", "--theme", "projector"],
        ["run", "threads", "--theme", "projector"],
    ],
)
def test_every_command_that_opens_the_app_takes_a_theme(
    argv: list[str], opened: list[dict[str, Any]]
) -> None:
    assert main(argv) == 0
    assert [call["theme"] for call in opened] == ["projector"]


def test_without_the_option_the_app_opens_in_the_default_theme(
    opened: list[dict[str, Any]],
) -> None:
    assert main([]) == 0
    assert opened[0]["theme"] == DEFAULT


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--theme", "neon"], "--theme must be one of dark, light, projector, not 'neon'"),
        (["run", "threads", "--theme", "Dark"], "not 'Dark'"),
        (["--theme", "light", "--theme", "dark"], "given more than once"),
        (["run", "threads", "--theme", "light", "--headless"], "--theme is for the app"),
        (["run", "threads", "--theme", "light", "--json"], "--theme is for the app"),
    ],
)
def test_a_bad_theme_is_one_line_and_exit_2(
    argv: list[str], words: str, opened: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err, err
    assert not opened


def test_the_command_line_does_not_load_textual() -> None:
    # --theme is parsed by every command, headless ones included: they must stay light.
    code = "import sys, tui.cli; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


async def test_the_app_starts_in_the_theme_asked_for() -> None:
    app = InterleaveApp(theme="projector")
    async with app.run_test(size=(80, 24)):
        assert app.theme == "projector"
        assert app.theme_variables["worker-1"] == THEMES["projector"].variables["worker-1"]


def test_workers_get_palette_slots_and_the_main_thread_its_own() -> None:
    colors = WorkerColors()
    assert [colors(w) for w in ("t1", "main", "t2")] == ["$worker-1", "$worker-main", "$worker-2"]
    fresh = WorkerColors()
    ninth = [fresh.slot(f"t{i}") for i in range(1, 10)]
    assert ninth == [*(f"worker-{i}" for i in range(1, 9)), "worker-1"]  # 8, then again
    light = {**THEMES["light"].variables, "background": THEMES["light"].background}
    assert colors.color("t1", light) == THEMES["light"].variables["worker-1"]


def test_a_colour_for_rich_is_opaque_whatever_the_theme_gives() -> None:
    # Textual's own themes derive translucent colours; Rich styles cannot take them.
    translucent = {"foreground-muted": "#FFFFFF80", "background": "#000000"}
    assert variable(translucent, "foreground-muted") == "#808080"
    assert variable({}, "worker-3") == THEMES["dark"].variables["worker-3"]
