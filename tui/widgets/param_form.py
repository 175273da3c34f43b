"""Editable demo parameters, validated as you type with :meth:`Param.parse`."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Static

from workloads.param import Param, ParamError


class ParamValidator(Validator):
    """Accepts what ``param.parse`` accepts; its one-line reason is the failure."""

    def __init__(self, param: Param) -> None:
        super().__init__()
        self.param = param

    def validate(self, value: str) -> ValidationResult:
        try:
            self.param.parse(value)
        except ParamError as exc:
            return self.failure(str(exc))
        return self.success()


class ParamField(Vertical):
    """One parameter: its option name, an input, its help or why the value is wrong."""

    def __init__(self, param: Param, value: Any, *, id_prefix: str) -> None:
        super().__init__(classes="param-field")
        self.param = param
        self._value = param.format(value)
        self._input_id = f"{id_prefix}-{param.name}".replace("_", "-")

    def compose(self) -> ComposeResult:
        with Horizontal(classes="param-row"):
            yield Label(self.param.option, classes="param-name")
            yield Input(
                self._value,
                id=self._input_id,
                compact=True,
                validators=[ParamValidator(self.param)],
                validate_on=["changed", "submitted"],
                classes="param-input",
            )
            yield Static(escape(self.param.help), classes="param-help")
        yield Static("", classes="param-error")

    @property
    def input(self) -> Input:
        """The text field."""
        return self.query_one(Input)

    def on_input_changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        self.show_error(
            None if result is None or result.is_valid else result.failure_descriptions[0]
        )

    def show_error(self, reason: str | None) -> None:
        """Show (or clear) why the current value cannot be used."""
        error = self.query_one(".param-error", Static)
        error.update(f"✗ {escape(reason)}" if reason else "")
        self.set_class(reason is not None, "-invalid")

    def value(self) -> Any:
        """The parsed value; raises :class:`ParamError` (and shows it) when invalid."""
        try:
            value = self.param.parse(self.input.value)
        except ParamError as exc:
            self.show_error(str(exc))
            raise
        self.show_error(None)
        return value


class ParamForm(Vertical):
    """The fields of a list of parameters."""

    def __init__(
        self, params: tuple[Param, ...], values: dict[str, Any], *, id_prefix: str
    ) -> None:
        super().__init__(classes="param-form")
        self.params = params
        self._values = values
        self._prefix = id_prefix

    def compose(self) -> ComposeResult:
        for p in self.params:
            yield ParamField(p, self._values.get(p.name, p.default), id_prefix=self._prefix)

    def values(self) -> dict[str, Any]:
        """Every parsed value, or :class:`ParamError` for the first bad one (focused)."""
        values: dict[str, Any] = {}
        for field in self.query(ParamField):
            try:
                values[field.param.name] = field.value()
            except ParamError:
                field.input.focus()
                raise
        return values
