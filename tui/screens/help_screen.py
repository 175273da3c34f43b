"""Keys, colours and what the numbers mean, over the current screen.

The key list is generated from the ``BINDINGS`` of the app, its screens and the widgets
that own keys, so a key added to any of them shows up here without an edit: the help
cannot go stale. Each line is the binding's description and, for this project's own
actions, the first line of the action's docstring (written to be read here: ``"x: stop
the run now; ..."``, the leading ``"x: "`` dropped).
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.scroll_view import ScrollView
from textual.widgets import Markdown, OptionList

from tui.lecture.lecture_screen import LectureScreen
from tui.screens.compare_screen import CompareScreen
from tui.screens.menu_screen import MenuScreen
from tui.screens.replay_screen import ReplayScreen
from tui.screens.run_screen import RunScreen
from tui.widgets.timeline import Timeline

INTRO = """\
# interleave

On the **menu**, `tab` moves into the parameters of the highlighted demo (a bad value
is refused, with the reason) and `esc` comes back to the list. `c` compares the modes
of `cpu-bound`, `io-bound` or `scrape` side by side.
"""

STATES = """\
**States** of a thread or process:

- **RUNNING**: it is executing Python code on a core.
- **READY**: it wants the CPU but does not have it (waiting for the GIL, or for a core).
- **WAITING**: it is blocked in `sleep` or I/O and needs no CPU.
- **GIL** / **CORE** (kernel sampler): ready, and why: another thread of its process
  holds the GIL, or every core is busy.
- **DONE**: its code returned. **FAILED**: it raised, or its process died (`e` shows
  why). **CANCELLED**: the run was stopped (`x`) before it ended.

**cores busy** is the CPU time of the run's processes divided by the wall time:
threads held back by the GIL add up to about **1**; processes in parallel approach
the number of cores.

The demo runs in its own process group, so cancelling or quitting stops every
thread and process it started.
"""

#: A docstring's "x: " or "+ / -: " lead, which names the key the list already shows.
_KEY_LEAD = re.compile(r"^[^:]{1,24}: ")

#: A binding and the class whose action it runs (the most derived one: an override's
#: docstring is the one that tells the truth).
Owned = tuple[type[DOMNode], Binding]


def _declared(cls: type[DOMNode], base: type[DOMNode] = DOMNode) -> list[Owned]:
    """The bindings of ``cls`` and its bases, its own first, minus ``base``'s."""
    owned: list[Owned] = []
    for c in cls.__mro__:
        if issubclass(c, DOMNode) and not issubclass(base, c):
            owned.extend((cls, b) for b in Binding.make_bindings(c.__dict__.get("BINDINGS", [])))
    return owned


def _everywhere(app: App[Any]) -> list[Owned]:
    """The keys of every screen: the app's, the command palette, focus moves."""
    owned = [*_declared(type(app)), *_declared(Screen)]
    if app.ENABLE_COMMAND_PALETTE:
        palette = Binding(
            app.COMMAND_PALETTE_BINDING, "command_palette", "Command palette: run a demo by name"
        )
        owned.append((type(app), palette))
    return owned


def sections(app: App[Any]) -> list[tuple[str, list[Owned]]]:
    """The key lists: a title, then the bindings of the screen and of its widgets."""
    return [
        ("Everywhere", _everywhere(app)),
        # The demo list's own keys; the scrolling it inherits has nothing to scroll.
        ("Menu", [*_declared(MenuScreen, Screen), *_declared(OptionList, ScrollView)]),
        (
            "Run screen (the timeline has the focus)",
            [*_declared(RunScreen, Screen), *_declared(Timeline)],
        ),
        ("Replay (interleave replay FILE)", _declared(ReplayScreen, RunScreen)),
        ("Compare screen", _declared(CompareScreen, Screen)),
        ("Lecture (interleave lecture)", _declared(LectureScreen, Screen)),
        ("This help", _declared(HelpScreen, ModalScreen)),
    ]


def _what(app: App[Any], owner: type[DOMNode], binding: Binding) -> str:
    """What a key does, in words: its description, then its action's docstring."""
    namespace, _, name = binding.action.split("(", 1)[0].rpartition(".")
    target = type(app) if namespace == "app" else owner
    method = getattr(target, f"action_{name}", None)
    doc = ""
    # Only this project's docstrings are written to be read as help.
    if method is not None and getattr(method, "__module__", "").startswith("tui."):
        doc = " ".join((inspect.getdoc(method) or "").split("\n\n", 1)[0].split())
        doc = _KEY_LEAD.sub("", doc)
    if not doc:
        return binding.description or name.replace("_", " ").capitalize()
    if not binding.description:
        return doc[0].upper() + doc[1:]
    return f"{binding.description}: {doc[0].lower()}{doc[1:]}"


def _keys_text(app: App[Any], bindings: list[Binding]) -> str:
    keys = [app.get_key_display(b) for b in bindings]
    if len(keys) > 2 and all(len(k) == 1 and k.isdigit() for k in keys):
        return f"`{keys[0]}`-`{keys[-1]}`"
    return " ".join(f"`{k}`" for k in keys)


def rows(app: App[Any], owned: list[Owned]) -> list[tuple[str, str]]:
    """One row per action: its keys together (``+`` ``=``; ``1``-``7``), each key once."""
    seen: set[str] = set()
    groups: dict[tuple[str, str], list[Owned]] = {}
    for owner, binding in owned:
        # A key is listed where it applies first (an override before what it hides);
        # system bindings (Textual's ctrl+c hint) are not keys for a user.
        if binding.system or binding.key in seen:
            continue
        seen.add(binding.key)
        action = binding.action.split("(", 1)[0]
        groups.setdefault((action, binding.description), []).append((owner, binding))
    return [
        (_keys_text(app, [b for _, b in group]), _what(app, *group[0])) for group in groups.values()
    ]


def keys_markdown(app: App[Any]) -> str:
    """The keys of every screen, as Markdown lists (one line a key: a projector's screen
    is short), from the bindings in force."""
    parts = []
    for title, owned in sections(app):
        lines = "\n".join(f"- {keys}  {text}" for keys, text in rows(app, owned))
        parts.append(f"**{title}**\n\n{lines}\n")
    return "\n".join(parts)


class HelpScreen(ModalScreen[None]):
    """A modal help page; any of escape, ? or q closes it."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("question_mark", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(f"{INTRO}\n{keys_markdown(self.app)}\n{STATES}")
