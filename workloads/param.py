"""Typed, validated demo parameters: each kind of value parses and checks itself.

A :class:`Param` turns what a user typed (on the command line or in the menu) into a
typed value, or refuses it with a :class:`ParamError` whose message is one line naming
the option, the rule and the value as typed. Numbers are plain ASCII on purpose: Python's
``int()`` and ``float()`` also take full-width digits, ``6_4``, ``inf`` and ``nan``, which
nobody typing a worker count means.

Checks come in two speeds. :meth:`Param.quick_parse` is instant (syntax, type, bounds)
and safe to run on every key press; :meth:`Param.parse` and :meth:`Param.check` add the
``validate`` hook, which may touch the disk or run a program (``--urls``, ``--python``)
and so may block.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any, ClassVar, Generic, Literal, TypeVar

T = TypeVar("T")

#: What a parameter holds; for code that must tell kinds apart without ``isinstance``.
ParamKind = Literal["int", "float", "choice", "text", "list", "flag"]

#: The longest text any parameter takes: a path or a URL, not a document.
MAX_TEXT = 4096
#: The most values a repeatable option takes.
MAX_ITEMS = 1000
#: How much of a bad value a message quotes before it cuts the rest.
_QUOTE_LIMIT = 40
#: Stripped around typed text; any other space (a no-break space, say) is refused.
_SPACE = " \t\r\n"
_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_TRUE = ("on", "true", "yes", "1")
_FALSE = ("", "off", "false", "no", "0")


class ParamError(ValueError):
    """A parameter value was rejected; the message says why, in one line."""


def cut(text: str) -> str:
    """``text`` as a message shows it: at most ~40 characters, then how long it was."""
    if len(text) <= _QUOTE_LIMIT:
        return text
    return f"{text[:_QUOTE_LIMIT]}… ({len(text)} characters)"


def quote(text: str) -> str:
    """``text`` quoted for a message: escaped (one line, whatever it holds) and cut."""
    if len(text) <= _QUOTE_LIMIT:
        return repr(text)
    return f"{text[:_QUOTE_LIMIT]!r}… ({len(text)} characters)"


def number_text(value: float) -> str:
    """A number as a message shows it: whole ones whole (``1000000000``, never ``1e+09``),
    others at full precision (``60.0000001``, never rounded to ``60``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _too_long(param: Param[Any], text: str) -> str:
    return f"{param.option} is too long: {len(text)} characters, at most {MAX_TEXT}"


@dataclass(frozen=True)
class Param(Generic[T]):
    """One named option of a demo, e.g. ``--workers 3``; subclasses say what it holds.

    ``validate``, if given, is called with every checked value (not the default) and
    raises :class:`ParamError` to refuse it (e.g. a file that must list URLs). It may
    block, so a UI runs it off its event loop. ``metavar`` names the value in ``--help``
    (``URL``, ``FILE``); each kind has its own default.

    A new kind subclasses this with its ``kind``, ``_convert`` (the syntax of typed text)
    and ``_shape`` (the type and bounds of a value, typed or converted).
    """

    name: str
    default: T
    help: str
    _: KW_ONLY
    validate: Callable[[T], None] | None = None
    metavar: str = ""
    #: Whether the menu's form shows it; False: a command-line option only (the menu
    #: runs it at its default).
    menu: bool = True

    kind: ClassVar[ParamKind]

    def __post_init__(self) -> None:
        if not self.metavar:
            object.__setattr__(self, "metavar", self._default_metavar())
        # A default the parameter itself refuses is a catalog bug: fail at import.
        self._shape(self.default)

    @property
    def choices(self) -> tuple[str, ...]:
        """The only values it takes, when they are a fixed set of words; else ``()``."""
        return ()

    @property
    def option(self) -> str:
        """The command-line spelling: ``--square-sleep`` for ``square_sleep``."""
        return "--" + self.name.replace("_", "-")

    def parse(self, text: str) -> T:
        """Turn user text into a valid value (hook included), or raise :class:`ParamError`."""
        return self._hook(self.quick_parse(text))

    def quick_parse(self, text: str) -> T:
        """Like :meth:`parse` without the ``validate`` hook: instant, never blocks."""
        if len(text) > MAX_TEXT:
            raise ParamError(_too_long(self, text))
        return self._shape(self._convert(text.strip(_SPACE)))

    def check(self, value: Any) -> T:
        """Validate an already-typed value (API callers, the CLI's repeated options)."""
        return self._hook(self._shape(value))

    def format(self, value: T) -> str:
        """The text a user would type to get ``value``."""
        return str(value)

    def _hook(self, value: T) -> T:
        if self.validate is not None:
            self.validate(value)
        return value

    def _default_metavar(self) -> str:
        return "VALUE"

    def _convert(self, text: str) -> T:
        """Syntax: the typed value ``text`` spells (outer spaces already stripped)."""
        raise NotImplementedError

    def _shape(self, value: Any) -> T:
        """Type and bounds of a typed value; returns it in its canonical type."""
        raise NotImplementedError


@dataclass(frozen=True)
class IntParam(Param[int]):
    """A whole number within inclusive bounds: ASCII digits with an optional sign."""

    minimum: int
    maximum: int
    kind: ClassVar[ParamKind] = "int"

    def _default_metavar(self) -> str:
        return "N"

    def _convert(self, text: str) -> int:
        if not _INT.fullmatch(text):
            raise ParamError(f"{self.option} must be a whole number, not {quote(text)}")
        return _bounds(self, int(text), cut(text))

    def _shape(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParamError(f"{self.option} must be a whole number, not {value!r}")
        return _bounds(self, value, number_text(value))


@dataclass(frozen=True)
class FloatParam(Param[float]):
    """A finite number within inclusive bounds: ASCII decimal or scientific notation."""

    minimum: float
    maximum: float
    kind: ClassVar[ParamKind] = "float"

    def _default_metavar(self) -> str:
        return "X"

    def _convert(self, text: str) -> float:
        if not _FLOAT.fullmatch(text):
            raise ParamError(f"{self.option} must be a number, not {quote(text)}")
        # As typed in the message: 60.0000001 must not read as 60, nor 1e999 as inf.
        return _bounds(self, float(text), cut(text))

    def _shape(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            raise ParamError(f"{self.option} must be a number, not {value!r}")
        return _bounds(self, float(value), number_text(value))

    def format(self, value: float) -> str:
        return number_text(value)


N = TypeVar("N", int, float)


def _bounds(param: IntParam | FloatParam, value: N, shown: str) -> N:
    """``value`` if within ``param``'s bounds; ``shown`` names it if not."""
    if not value >= param.minimum:
        low = number_text(param.minimum)
        raise ParamError(f"{param.option} must be at least {low}, not {shown}")
    if not value <= param.maximum:
        high = number_text(param.maximum)
        raise ParamError(f"{param.option} must be at most {high}, not {shown}")
    return value


@dataclass(frozen=True)
class ChoiceParam(Param[str]):
    """One of a fixed set of words, spelled exactly."""

    # A default of () only so that this field shadows the base class's read-only property.
    choices: tuple[str, ...] = ()
    kind: ClassVar[ParamKind] = "choice"

    def __post_init__(self) -> None:
        if not self.choices:
            raise ValueError(f"{self.option}: a choice needs choices")
        super().__post_init__()

    def _default_metavar(self) -> str:
        return "{" + ",".join(self.choices) + "}"

    def _convert(self, text: str) -> str:
        return text

    def _shape(self, value: Any) -> str:
        if value not in self.choices:
            shown = quote(value) if isinstance(value, str) else repr(value)
            raise ParamError(f"{self.option} must be one of {', '.join(self.choices)}, not {shown}")
        return str(value)


def _text(param: Param[Any], value: Any) -> str:
    """``value`` if it is text a path or URL could be: not too long, no control characters."""
    if not isinstance(value, str):
        raise ParamError(f"{param.option} must be text, not {value!r}")
    if len(value) > MAX_TEXT:
        raise ParamError(_too_long(param, value))
    bad = next((c for c in value if unicodedata.category(c) == "Cc"), None)
    if bad is not None:
        raise ParamError(f"{param.option} must not contain control characters ({bad!r})")
    return value


@dataclass(frozen=True)
class TextParam(Param[str]):
    """Free text (a path, a URL); empty means "not given". No control characters."""

    kind: ClassVar[ParamKind] = "text"

    def _default_metavar(self) -> str:
        return "TEXT"

    def _convert(self, text: str) -> str:
        return text

    def _shape(self, value: Any) -> str:
        return _text(self, value)


@dataclass(frozen=True)
class ListParam(Param[tuple[str, ...]]):
    """Several texts: a repeatable option on the command line, comma-separated in the menu."""

    kind: ClassVar[ParamKind] = "list"

    def _convert(self, text: str) -> tuple[str, ...]:
        return tuple(item for item in (part.strip(_SPACE) for part in text.split(",")) if item)

    def _shape(self, value: Any) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise ParamError(f"{self.option} must be a list of texts, not {value!r}")
        if len(value) > MAX_ITEMS:
            raise ParamError(f"{self.option} takes at most {MAX_ITEMS} values, not {len(value)}")
        return tuple(_text(self, item) for item in value)

    def format(self, value: tuple[str, ...]) -> str:
        return ", ".join(value)


@dataclass(frozen=True)
class FlagParam(Param[bool]):
    """On or off, off by default: on the command line ``--race`` alone turns it on."""

    kind: ClassVar[ParamKind] = "flag"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.default is not False:  # a flag given alone can only turn something on
            raise ValueError(f"{self.option}: a flag's default must be False")

    def _default_metavar(self) -> str:
        return ""

    def _convert(self, text: str) -> bool:
        word = text.lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise ParamError(f"{self.option} must be on or off, not {quote(text)}")

    def _shape(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise ParamError(f"{self.option} must be on or off, not {value!r}")
        return value

    def format(self, value: bool) -> str:
        # Empty when off, so a run's header lists only the flags that were turned on.
        return "on" if value else ""
