"""Checks the command line of a deck's ``interleave`` block with the real CLI parsers.

One function, :func:`check_command`, decides what a block may hold: a new command
(``run PATH.py``, ``replay FILE``) is one branch here. It never raises: a command that
would be refused on the command line is a :class:`CommandProblem`, in the CLI's words,
shown on its slide only.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

#: The commands a block may hold.
Verb = Literal["run", "compare"]
#: Options that make sense on a terminal, not in a slide.
NOT_IN_A_SLIDE = ("--headless", "--json", "--theme", "--help", "-h")
#: Endings of arguments that name files (a script to run, a recording to replay).
FILE_ENDINGS = (".py", ".jsonl", ".jsonl.gz", ".json")


@dataclass(frozen=True)
class DeckCommand:
    """A block's command, checked: what to run, with which validated parameters."""

    verb: Verb
    demo_id: str
    params: dict[str, Any] = field(hash=False)
    time_scale: float = 1.0
    python: str | None = None


class CommandProblem(NamedTuple):
    """Why a block's command cannot run: one line."""

    message: str


def check_command(text: str, base: Path) -> DeckCommand | CommandProblem:
    """Check ``text`` (as typed after ``interleave``); files are relative to ``base``."""
    # Imported here: the parser module stays free of the CLI (and its imports).
    from tui.cli import UsageError
    from workloads.param import ParamError

    try:
        argv = shlex.split(text)
    except ValueError as exc:
        return CommandProblem(f"cannot split {text!r}: {exc}")
    if not argv:
        return CommandProblem("the block holds no command")
    missing = _missing_files(argv[1:], base)
    if missing:
        return CommandProblem(f"no file {missing} (paths are relative to the deck)")
    try:
        return _check(resolve_paths(argv, base))
    except (UsageError, ParamError) as exc:
        return CommandProblem(str(exc))


def _names_a_file(arg: str) -> bool:
    return not arg.startswith("-") and arg.endswith(FILE_ENDINGS)


def resolve_paths(argv: list[str], base: Path) -> list[str]:
    """``argv`` with the files it names made absolute from ``base`` (the deck's folder),
    so that a command runs the same whatever the lecturer's current directory."""
    return [
        str(base / arg) if _names_a_file(arg) and not Path(arg).is_absolute() else arg
        for arg in argv
    ]


def _missing_files(args: list[str], base: Path) -> str | None:
    for arg in args:
        if _names_a_file(arg):
            path = Path(arg) if Path(arg).is_absolute() else base / arg
            if not path.is_file():
                return arg
    return None


def _check(argv: list[str]) -> DeckCommand:
    from tui.cli import UsageError

    verb, args = argv[0], argv[1:]
    for arg in args:
        if arg.split("=", 1)[0] in NOT_IN_A_SLIDE:
            raise UsageError(f"{arg} is not for a slide (the slide shows the run itself)")
    if verb == "run":
        return _check_run(args)
    if verb == "compare":
        return _check_compare(args)
    raise UsageError(f"a block runs `run DEMO ...` or `compare DEMO ...`, not {verb!r}")


def _check_run(args: list[str]) -> DeckCommand:
    from tui.cli import _run_parser, check_python, params_from, pick_demo, time_scale_from
    from workloads import catalog

    demo = pick_demo(args, "run", list(catalog.DEMOS))
    ns = _run_parser(demo).parse_args(args[1:])
    params = params_from(demo, ns)
    time_scale = time_scale_from(ns)
    demo.config(params, time_scale)  # what the run would refuse, refused now
    return DeckCommand("run", demo.id, params, time_scale, check_python(ns.python))


def _check_compare(args: list[str]) -> DeckCommand:
    from tui.cli import check_python, params_from, pick_demo, time_scale_from
    from tui.cli_compare import _parser
    from workloads import catalog
    from workloads.compare import has_modes, modes_of

    comparable = [d.id for d in catalog.DEMOS.values() if has_modes(d)]
    demo = pick_demo(args, "compare", comparable)
    modes_of(demo)
    ns = _parser(demo).parse_args(args[1:])
    params = params_from(demo, ns)
    return DeckCommand("compare", demo.id, params, time_scale_from(ns), check_python(ns.python))
