"""Typed, validated demo parameters."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class ParamError(ValueError):
    """A parameter value was rejected; the message says why, in one line."""


@dataclass(frozen=True)
class Param:
    """One named option of a demo, e.g. ``--workers 3``.

    ``kind`` is ``int``, ``float``, ``choice``, ``str`` or ``list`` (a repeatable
    string option). Bounds are inclusive. ``validate``, if given, is called with every
    checked value and raises :class:`ParamError` to refuse it (e.g. a file that must exist).
    """

    name: str
    kind: str
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    validate: Callable[[Any], None] | None = None
    #: How the value is named in ``--help`` (``URL``, ``FILE``); default: from ``kind``.
    metavar: str = ""

    @property
    def option(self) -> str:
        """The command-line spelling: ``--square-sleep`` for ``square_sleep``."""
        return "--" + self.name.replace("_", "-")

    def parse(self, text: str) -> Any:
        """Turn user text into a valid value, or raise :class:`ParamError`."""
        text = text.strip()
        if self.kind == "int":
            try:
                value: Any = int(text)
            except ValueError:
                raise ParamError(f"{self.option} must be a whole number, not {text!r}") from None
        elif self.kind == "float":
            try:
                value = float(text)
            except ValueError:
                raise ParamError(f"{self.option} must be a number, not {text!r}") from None
            if not math.isfinite(value):
                raise ParamError(f"{self.option} must be a finite number, not {text!r}")
        elif self.kind == "choice":
            if text not in self.choices:
                raise ParamError(f"{self.option} must be one of {', '.join(self.choices)}")
            return text
        elif self.kind == "list":
            return [item for item in (part.strip() for part in text.split(",")) if item]
        else:
            return text
        return self.check(value)

    def check(self, value: Any) -> Any:
        """Validate an already-typed value (defaults, API callers)."""
        if self.kind in ("int", "float"):
            if self.minimum is not None and value < self.minimum:
                raise ParamError(f"{self.option} must be at least {self.minimum:g}, not {value:g}")
            if self.maximum is not None and value > self.maximum:
                raise ParamError(f"{self.option} must be at most {self.maximum:g}, not {value:g}")
        elif self.kind == "choice" and value not in self.choices:
            raise ParamError(f"{self.option} must be one of {', '.join(self.choices)}")
        if self.validate is not None:
            self.validate(value)
        return value

    def format(self, value: Any) -> str:
        """The text a user would type to get ``value``."""
        if self.kind == "list":
            return ", ".join(value)
        if self.kind == "float":
            return f"{value:g}"
        return str(value)
