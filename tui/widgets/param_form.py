"""Editable parameters, checked as you type.

Every key runs the instant checks (:meth:`Param.quick_parse`: syntax, type, bounds). A
choice (``--mode``) is picked from a list, so it cannot be mistyped. A parameter with a
``validate`` hook (``--urls`` reads its file) is also checked, but off the event loop: a
hook may block for long, even forever (``open()`` on a FIFO waits for a writer), and the
menu must stay live whatever the user typed.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import dataclass
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, Switch

from workloads.param import ChoiceParam, FlagParam, Param, ParamError, cut

#: How long a ``validate`` hook may take before the field stops waiting and says so.
CHECK_TIMEOUT_S = 5.0

#: What Textual reads when ``escape`` and a digit arrive together (typed within its 100 ms
#: ESCDELAY, or sent at once as ``tmux send-keys Escape 2`` does): one key, the character
#: WezTerm's Option+digit gives (``"\x1b2"`` is "™"). Typed into a number, these are the
#: digit the user meant for the demo list.
ESCAPED_DIGITS = {
    "¡": "1", "™": "2", "£": "3", "¢": "4", "∞": "5",
    "§": "6", "¶": "7", "•": "8", "ª": "9", "º": "0",
}  # fmt: skip


def key_after_escape(event: events.Key, numeric: bool) -> tuple[str, str] | None:
    """The key (name, character) typed right after ``escape`` if ``event`` is the two read
    as one: ``alt+x`` (an escape-prefixed ``x``), or, in a number field, a character of
    :data:`ESCAPED_DIGITS`. None for any other key (``alt+backspace`` still deletes a
    word: only a printable key is one to hand on)."""
    character = event.character
    if character is None or len(character) != 1 or not character.isprintable():
        return None
    if event.key.startswith("alt+"):
        return (character if character.isalnum() else event.key.removeprefix("alt+"), character)
    if numeric and character in ESCAPED_DIGITS:
        digit = ESCAPED_DIGITS[character]
        return digit, digit
    return None


def check_off_loop(param: Param[Any], value: Any) -> asyncio.Future[str | None]:
    """Run ``param.check(value)`` on a daemon thread; the future holds why it failed, or None.

    A daemon thread, not a Textual thread worker: those run on asyncio's default executor,
    whose threads are joined when the app ends, so a hook stuck forever would hang quit.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str | None] = loop.create_future()

    def settle(reason: str | None) -> None:
        if not future.done():
            future.set_result(reason)

    def work() -> None:
        reason: str | None = None
        try:
            param.check(value)
        except ParamError as exc:
            reason = str(exc)
        except Exception as exc:  # a bug in a hook must not take the menu down
            reason = f"{param.option}: cannot check it ({exc})"
        with contextlib.suppress(RuntimeError):  # the app, and its loop, may be gone by now
            loop.call_soon_threadsafe(settle, reason)

    threading.Thread(target=work, name=f"check {param.option}", daemon=True).start()
    return future


class ParamValidator(Validator):
    """Accepts what ``param.quick_parse`` accepts; its one-line reason is the failure."""

    def __init__(self, param: Param[Any]) -> None:
        super().__init__()
        self.param = param

    def validate(self, value: str) -> ValidationResult:
        try:
            self.param.quick_parse(value)
        except ParamError as exc:
            return self.failure(str(exc))
        return self.success()


class FlagSwitch(Switch):
    """A switch that fits a one-line parameter row."""

    DEFAULT_CSS = """
    FlagSwitch {
        border: none;
        padding: 0;
        height: 1;
        margin-right: 1;
        &:focus { border: none; }
    }
    """


class ParamInput(Input):
    """A parameter's text field that never keeps a key meant for after ``escape``.

    When ``escape`` and the next key reach the app as one key (see :func:`key_after_escape`),
    the field inserts nothing and posts :class:`ParamInput.LeftWithKey`: the screen leaves
    the field as ``escape`` would, then hands the key on.
    """

    @dataclass
    class LeftWithKey(Message):
        """``escape`` then ``key`` (with its ``character``), read as one key in a field."""

        input: ParamInput
        key: str
        character: str

    def __init__(self, *args: Any, numeric: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.numeric = numeric

    async def _on_key(self, event: events.Key) -> None:
        after = key_after_escape(event, self.numeric)
        if after is None:
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        self.post_message(self.LeftWithKey(self, *after))


class ChoiceSelect(Select[str]):
    """A drop-down of a :class:`ChoiceParam`'s words, one line high, wide enough for them."""

    DEFAULT_CSS = """
    ChoiceSelect {
        margin-right: 1;
    }
    """

    def __init__(self, choices: tuple[str, ...], value: str, *, id: str) -> None:
        super().__init__(
            [(choice, choice) for choice in choices],
            value=value,
            allow_blank=False,
            compact=True,
            id=id,
        )
        # Sized to its words, not by the stylesheet: a fixed width either cuts a long
        # choice ("process-pool") in the open list or wastes a narrow screen's columns.
        self.styles.width = self.width_for(choices)

    @staticmethod
    def width_for(choices: tuple[str, ...]) -> int:
        """The cells that show the longest of ``choices`` whole, closed and open: the
        closed drop-down's arrow, its gap and a right pad (3), and a cell to spare so that
        the longest never touches the arrow (the open list is as wide, and needs less)."""
        return max(map(len, choices)) + 4


#: Cells of a number's editor (and of a switch, whose slider would read as a bar if longer).
NUMBER_CELLS = 10
#: Cells of a path's or a URL's editor.
TEXT_CELLS = 24


def editor_cells(param: Param[Any]) -> int:
    """The cells ``param``'s editor needs to show a value whole."""
    if isinstance(param, ChoiceParam):
        return ChoiceSelect.width_for(param.choices)
    return TEXT_CELLS if param.kind in ("text", "list") else NUMBER_CELLS


class ParamField(Vertical):
    """One parameter: its option name, an editor, its help, or why the value is wrong.

    The editor is an :class:`Input`, a :class:`Switch` for a :class:`FlagParam`, or a
    :class:`ChoiceSelect` for a :class:`ChoiceParam`.
    :meth:`value` runs the instant checks; :meth:`checked_value` runs every check,
    waiting (without blocking) for the ``validate`` hook.

    The help is there twice, beside the editor (``.-beside``) and on a line of its own
    under it (``.-below``); the stylesheet shows one of them, so that a narrow screen
    gives the help the whole width instead of a sliver beside the editor.
    """

    def __init__(
        self,
        param: Param[Any],
        value: Any,
        *,
        id_prefix: str,
        label_width: int | None = None,
        editor_width: int | None = None,
    ) -> None:
        """``label_width`` and ``editor_width``: the cells of the name and editor columns
        (a form passes its widest, so that its editors and helps line up); the field's own
        by default. Neither is ever less than the field needs: a cut name ran into its
        value, and a cut choice is one the open list cannot show."""
        super().__init__(classes="param-field")
        self.param = param
        self._initial = value
        self._editor_id = f"{id_prefix}-{param.name}".replace("_", "-")
        self._label_width = max(label_width or 0, len(param.option))
        self._editor_width = max(editor_width or 0, editor_cells(param))

    def compose(self) -> ComposeResult:
        help_text = escape(self.param.help)
        with Horizontal(classes="param-row"):
            label = Label(self.param.option, classes="param-name")
            label.styles.width = self._label_width
            yield label
            yield self._make_editor()
            yield Static(help_text, classes="param-help -beside")
        # Right under the field, where the eye is: before the help.
        yield Static("", classes="param-error")
        yield Static(help_text, classes="param-help -below")

    def _make_editor(self) -> Widget:
        editor = self._new_editor()
        if isinstance(editor, Switch):  # its own width, then a gap to the help's column
            editor.styles.width = NUMBER_CELLS
            editor.styles.margin = (0, 1 + self._editor_width - NUMBER_CELLS, 0, 0)
        else:
            editor.styles.width = self._editor_width
        return editor

    def _new_editor(self) -> Widget:
        if isinstance(self.param, FlagParam):
            return FlagSwitch(bool(self._initial), id=self._editor_id, classes="param-input")
        if isinstance(self.param, ChoiceParam):
            return ChoiceSelect(
                self.param.choices, self.param.format(self._initial), id=self._editor_id
            )
        return ParamInput(
            self.param.format(self._initial),
            numeric=self.param.kind in ("int", "float"),
            id=self._editor_id,
            compact=True,
            validators=[ParamValidator(self.param)],
            validate_on=["changed", "submitted"],
            classes="param-input",
        )

    @property
    def input(self) -> Input:
        """The text field (not for a flag, whose editor is a switch)."""
        return self.query_one(Input)

    @property
    def editor(self) -> Widget:
        """The widget that edits the value: the one to focus when it is wrong."""
        return self.query_one(f"#{self._editor_id}")

    @property
    def text(self) -> str:
        """The value as a user would type it."""
        editor = self.editor
        if isinstance(editor, Switch):
            return self.param.format(editor.value)
        if isinstance(editor, Select):
            return str(editor.value)  # never blank: allow_blank is off
        assert isinstance(editor, Input)
        return editor.value

    def on_mount(self) -> None:
        self._check_hook()

    def on_input_changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        valid = result is None or result.is_valid
        self.show_error(None if valid or result is None else result.failure_descriptions[0])
        if valid:
            self._check_hook()

    def on_switch_changed(self, _: Switch.Changed) -> None:
        self._check_hook()

    def on_select_changed(self, _: Select.Changed) -> None:
        self.show_error(None)  # a listed choice is valid by construction
        self._check_hook()

    def show_error(self, reason: str | None) -> None:
        """Show (or clear) why the current value cannot be used."""
        error = self.query_one(".param-error", Static)
        error.update(f"✗ {escape(reason)}" if reason else "")
        self.set_class(reason is not None, "-invalid")

    def value(self) -> Any:
        """The value after the instant checks; raises :class:`ParamError` (and shows it)."""
        try:
            return self.param.quick_parse(self.text)
        except ParamError as exc:
            self.show_error(str(exc))
            raise

    async def checked_value(self) -> Any:
        """The value after every check, the ``validate`` hook included (off the event loop).

        Raises :class:`ParamError` (and shows it) when the value is refused, or when the
        hook gives no answer within :data:`CHECK_TIMEOUT_S`.
        """
        text = self.text
        value = self.value()
        if self.param.validate is not None:
            reason = await self._hook_verdict(text, value)
            if reason is not None:
                self.show_error(reason)
                raise ParamError(reason)
        self.show_error(None)
        return value

    def _check_hook(self) -> None:
        """Check the current text with the hook in the background; show why if it fails."""
        if self.param.validate is not None:
            self.run_worker(self._show_hook_verdict(self.text), group="hook", exclusive=True)

    async def _show_hook_verdict(self, text: str) -> None:
        try:
            value = self.param.quick_parse(text)
        except ParamError:
            return  # the instant check already says why
        reason = await self._hook_verdict(text, value)
        if text == self.text:  # not stale: the user has not typed on since
            self.show_error(reason)

    async def _hook_verdict(self, text: str, value: Any) -> str | None:
        try:
            return await asyncio.wait_for(
                asyncio.shield(check_off_loop(self.param, value)), CHECK_TIMEOUT_S
            )
        except asyncio.TimeoutError:
            return (
                f"{self.param.option} {cut(text)}: no answer after {CHECK_TIMEOUT_S:g} s "
                "(a pipe? a hung disk?)"
            )


class ParamForm(Vertical):
    """The fields of a list of parameters."""

    def __init__(
        self, params: tuple[Param[Any], ...], values: dict[str, Any], *, id_prefix: str
    ) -> None:
        super().__init__(classes="param-form")
        self.params = params
        self._values = values
        self._prefix = id_prefix

    def compose(self) -> ComposeResult:
        # One column of names, one of editors: the helps beside them start in one column.
        label_width = max((len(p.option) for p in self.params), default=0)
        editor_width = max((editor_cells(p) for p in self.params), default=0)
        for p in self.params:
            yield ParamField(
                p,
                self._values.get(p.name, p.default),
                id_prefix=self._prefix,
                label_width=label_width,
                editor_width=editor_width,
            )

    def values(self) -> dict[str, Any]:
        """Every value after the instant checks, or :class:`ParamError` for the first bad
        one (focused). The ``validate`` hooks are :meth:`ParamField.checked_value`'s job."""
        values: dict[str, Any] = {}
        for field in self.query(ParamField):
            try:
                values[field.param.name] = field.value()
            except ParamError:
                field.editor.focus()
                raise
        return values
