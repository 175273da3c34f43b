"""The app's themes, registered in one place: ``dark``, ``light`` and ``projector``.

Every letter and digit on screen must stay readable from the back of a lecture room, so
each theme carries a contrast bar (WCAG 2 ratio) that ``tests/test_contrast.py``
measures on rendered screens: 3:1 in ``dark`` and ``light`` (WCAG's bar for large text),
4.5:1 in ``projector`` (its bar for body text: a beamer in a lit room loses contrast).

A theme is the colours of a Textual :class:`~textual.theme.Theme`, picked for that bar,
plus:

- overrides of the Textual variables that are derived with transparency and would
  fall under it (``text-muted``, the footer, the list cursor, borders, ...);
- the app's own variables: the worker palette (``worker-1`` ... ``worker-8`` and
  ``worker-main``, handed out by :class:`~tui.widgets.worker_colors.WorkerColors`),
  and ``state-cancelled`` (the one state colour that is not one of Textual's);
- the Pygments style of the code pane.

The stylesheet and the widgets name colours only through theme variables (``$success``
is the colour of "running" everywhere, see :data:`STATE_COLORS`), so a new look is one
entry here. This module does not import Textual until a theme is built: the command
line takes ``--theme`` (:data:`THEME`) without loading the UI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from workloads.events import CANCELLED, CORE, DONE, FAILED, GIL, READY, RUNNING, WAITING, State
from workloads.param import ChoiceParam

if TYPE_CHECKING:
    from rich.terminal_theme import TerminalTheme
    from textual.app import App
    from textual.theme import Theme

#: The theme variable that colours each state: its badge (``$background`` text on it),
#: its count, its timeline lane. Every theme makes these readable on its background,
#: and its background readable on them.
STATE_COLORS: dict[State, str] = {
    RUNNING: "$success",
    WAITING: "$primary",
    READY: "$warning",
    #: Ready too, for a known reason (the scheduler sampler's): the same family.
    GIL: "$warning",
    CORE: "$accent",
    DONE: "$secondary",
    FAILED: "$error",
    #: Not ready, not failed: stopped from outside (``x``). A colour of its own, in no
    #: other state's family (each theme's ``state-cancelled``).
    CANCELLED: "$state-cancelled",
}

#: Colours in a theme's worker palette; workers past the eighth reuse them in order.
WORKER_SLOTS = 8


def worker_variables(palette: tuple[str, ...], main: str) -> dict[str, str]:
    """A worker palette as theme variables: ``worker-1`` ... and ``worker-main``."""
    if len(palette) != WORKER_SLOTS:
        raise ValueError(f"a worker palette has {WORKER_SLOTS} colours, not {len(palette)}")
    return {f"worker-{i}": color for i, color in enumerate(palette, 1)} | {"worker-main": main}


@dataclass(frozen=True)
class AppTheme:
    """One theme of the app: Textual's colours, its contrast bar, its code colours."""

    #: What users type: ``--theme light``.
    name: str
    #: The WCAG contrast every letter and digit reaches against its background.
    min_contrast: float
    #: The Pygments style of the code pane (its background is the pane's own).
    code_style: str
    dark: bool
    primary: str
    secondary: str
    accent: str
    warning: str
    error: str
    success: str
    foreground: str
    background: str
    surface: str
    panel: str
    #: Textual variables overridden, and the app's own (the worker palette).
    variables: Mapping[str, str] = field(default_factory=dict)

    def textual_theme(self) -> Theme:
        """The Textual theme to register."""
        from textual.theme import Theme

        return Theme(
            name=self.name,
            dark=self.dark,
            primary=self.primary,
            secondary=self.secondary,
            accent=self.accent,
            warning=self.warning,
            error=self.error,
            success=self.success,
            foreground=self.foreground,
            background=self.background,
            surface=self.surface,
            panel=self.panel,
            variables=dict(self.variables),
        )

    def ansi_colors(self) -> TerminalTheme:
        """What Rich's named colours (``"bold green"`` in a Rich renderable) become.

        Red, green, yellow and blue are the colours of failed, running, ready and
        waiting; magenta the accent, cyan the palette's cyan. Black and white are both
        the foreground: as text, either would be invisible on one of the backgrounds.
        """
        cyan = self.variables.get("worker-6", self.primary)
        named = (self.foreground, self.error, self.success, self.warning, self.primary)
        return _terminal_theme(
            self.background, self.foreground, (*named, self.accent, cyan, self.foreground)
        )


@cache
def _terminal_theme(background: str, foreground: str, colors: tuple[str, ...]) -> TerminalTheme:
    # Textual asks the app for its ANSI theme for every line it draws: one object per
    # theme, built once (and the same object each time, for Textual's caches too).
    from rich.terminal_theme import TerminalTheme

    def rgb(color: str) -> tuple[int, int, int]:
        return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)

    palette = [rgb(c) for c in colors]
    return TerminalTheme(rgb(background), rgb(foreground), palette, palette)


#: Textual's dark theme, brightened where it fell under 3:1 (the blue of waiting, the
#: navy of done, dim labels and border titles at 2:1).
DARK = AppTheme(
    name="dark",
    min_contrast=3.0,
    code_style="monokai",
    dark=True,
    primary="#3D9DF3",
    secondary="#94A3B8",
    accent="#FFA62B",
    warning="#FFA62B",
    error="#FF5F7A",
    success="#4EBF71",
    foreground="#E0E0E0",
    background="#121212",
    surface="#1E1E1E",
    panel="#242F38",
    variables={
        "text-muted": "#A8A8A8",
        "foreground-muted": "#A8A8A8",
        # An error's title on a notification: 2.8:1 once a 256-colour terminal rounds it.
        "text-error": "#FFA8B6",
        "border": "#3D9DF3",
        "border-blurred": "#4A4A4A",
        "block-cursor-background": "#0D47A1",
        "block-cursor-foreground": "#FFFFFF",
        "block-cursor-blurred-background": "#1C2E44",
        "block-cursor-blurred-foreground": "#E0E0E0",
        "footer-key-foreground": "#FFA62B",
        "state-cancelled": "#E879F9",  # fuchsia
        **worker_variables(
            (
                "#60A5FA",  # blue
                "#FB923C",  # orange
                "#C084FC",  # purple
                "#34D399",  # emerald
                "#F87171",  # red
                "#22D3EE",  # cyan
                "#FBBF24",  # amber
                "#F472B6",  # pink
            ),
            main="#9CA3AF",
        ),
    },
)

#: Textual's light theme on a lighter grey, with colours dark enough for it: its
#: orange accent and green were under 2:1, and the big clock was 1.4:1.
LIGHT = AppTheme(
    name="light",
    min_contrast=3.0,
    code_style="default",
    dark=False,
    primary="#1D4ED8",
    secondary="#475569",
    accent="#9C4A06",
    warning="#9C4A06",
    error="#B91C1C",
    success="#047857",
    foreground="#1F1F1F",
    background="#F2F2F2",
    surface="#E8E8E8",
    panel="#DCE3EA",
    variables={
        "text-muted": "#555555",
        "foreground-muted": "#555555",
        "border": "#1D4ED8",
        "border-blurred": "#A8A8A8",
        "block-cursor-background": "#1D4ED8",
        "block-cursor-foreground": "#FFFFFF",
        "block-cursor-blurred-background": "#C9D6F2",
        "block-cursor-blurred-foreground": "#1F1F1F",
        "footer-background": "#DCE3EA",
        "footer-key-foreground": "#1D4ED8",
        "state-cancelled": "#A21CAF",  # fuchsia
        **worker_variables(
            (
                "#1D4ED8",  # blue
                "#C2410C",  # orange
                "#7E22CE",  # purple
                "#047857",  # emerald
                "#B91C1C",  # red
                "#0E7490",  # cyan
                "#B45309",  # amber
                "#BE185D",  # pink
            ),
            main="#4B5563",
        ),
    },
)

#: For beamers: black on white, deep saturated colours, nothing translucent (a
#: projector washes out greys and tints first). Dark on light because a lit room
#: lightens a projector's black, and a dark theme there turns into grey on grey.
PROJECTOR = AppTheme(
    name="projector",
    min_contrast=4.5,
    code_style="xcode",
    dark=False,
    primary="#0039A6",
    secondary="#334155",
    accent="#7A1FA2",
    warning="#8A4B00",
    error="#B00020",
    success="#00692E",
    foreground="#000000",
    background="#FFFFFF",
    surface="#F2F2F2",
    panel="#E4E4E4",
    variables={
        "text": "#000000",
        "text-muted": "#333333",
        "foreground-muted": "#333333",
        "border": "#0039A6",
        "border-blurred": "#555555",
        "block-cursor-background": "#0039A6",
        "block-cursor-foreground": "#FFFFFF",
        "block-cursor-blurred-background": "#CCD7ED",
        "block-cursor-blurred-foreground": "#000000",
        "footer-background": "#E4E4E4",
        "footer-foreground": "#000000",
        "footer-description-foreground": "#000000",
        "footer-key-foreground": "#0039A6",
        "state-cancelled": "#A3007D",  # magenta
        **worker_variables(
            (
                "#1E40AF",  # blue
                "#9A3412",  # orange
                "#6B21A8",  # purple
                "#065F46",  # emerald
                "#991B1B",  # red
                "#155E75",  # cyan
                "#92400E",  # amber
                "#9D174D",  # pink
            ),
            main="#374151",
        ),
    },
)

#: Every theme, by the name users type; ``d`` goes through them in this order.
THEMES: dict[str, AppTheme] = {t.name: t for t in (DARK, LIGHT, PROJECTOR)}
DEFAULT = DARK.name

#: ``--theme NAME``, declared once for every command that opens the app.
THEME = ChoiceParam(
    "theme",
    DEFAULT,
    "colours: " + ", ".join(THEMES) + " (high contrast, for beamers); d switches",
    choices=tuple(THEMES),
)


def register(app: App[Any]) -> None:
    """Make every theme of :data:`THEMES` available to ``app``."""
    for entry in THEMES.values():
        app.register_theme(entry.textual_theme())


def app_variables() -> dict[str, str]:
    """The app's own theme variables, with the dark theme's values.

    The fallback for a theme that lacks them (one of Textual's, picked in the
    command palette), so that ``$worker-1`` means a colour in any theme.
    """
    own = ("worker-", "state-")
    return {k: v for k, v in DARK.variables.items() if k.startswith(own)}


def next_theme(name: str) -> str:
    """The theme after ``name`` in :data:`THEMES` (the first, after any other)."""
    names = list(THEMES)
    return names[(names.index(name) + 1) % len(names)] if name in THEMES else names[0]


def min_contrast(name: str) -> float:
    """The contrast bar of theme ``name`` (WCAG's 4.5:1 for one not registered here)."""
    entry = THEMES.get(name)
    return entry.min_contrast if entry is not None else 4.5


def code_style(name: str, dark: bool) -> str:
    """The Pygments style of the code pane in theme ``name`` (``dark``: a dark one)."""
    entry = THEMES.get(name)
    if entry is not None:
        return entry.code_style
    return "monokai" if dark else "default"


@cache
def _dark_variables() -> dict[str, str]:
    theme = DARK.textual_theme()
    return {**theme.to_color_system().generate(), **theme.variables}


def variable(variables: Mapping[str, str], name: str) -> str:
    """Theme variable ``name`` as an opaque ``#RRGGBB``, for a Rich style (which takes
    a colour, not a variable).

    ``variables`` are the app's ``theme_variables``. A translucent value is blended
    over the theme's background; a value that is missing or not a plain colour (in
    another app's theme) is the dark theme's.
    """
    # Widgets ask for it on every redraw (a lane's label, each line of output): the
    # parsing and blending is done once per value.
    return _opaque(variables.get(name), variables.get("background", DARK.background), name)


@lru_cache(maxsize=1024)
def _opaque(value: str | None, background: str, name: str) -> str:
    """``value`` over ``background`` as ``#RRGGBB`` (see :func:`variable`)."""
    from textual.color import Color, ColorParseError

    try:
        if value is None:
            raise KeyError(name)
        color = Color.parse(value)
        under = Color.parse(background)
    except (KeyError, ColorParseError):
        color = Color.parse(_dark_variables()[name])
        under = Color.parse(DARK.background)
    return (under + color).hex6
