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
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from workloads.demo import Demo
    from workloads.recording import Recording
    from workloads.script import Script

#: The commands a block may hold.
Verb = Literal["run", "compare", "replay"]
#: Options that make sense on a terminal, not in a slide.
NOT_IN_A_SLIDE = ("--headless", "--json", "--theme", "--trace", "--record", "--help", "-h")
#: Endings of arguments that name files (a script to run, a recording to replay).
FILE_ENDINGS = (".py", ".ipynb", ".jsonl", ".jsonl.gz", ".json")


@dataclass(frozen=True)
class DeckCommand:
    """A block's command, checked: what to run, with which validated parameters."""

    verb: Verb
    demo_id: str
    params: dict[str, Any] = field(hash=False)
    time_scale: float = 1.0
    python: str | None = None
    #: ``run PATH.py``: the user's script, checked (its path absolute).
    script: Script | None = None
    #: ``replay FILE``: the file's absolute path, and the recording read from it (not
    #: compared: the path says which recording it is).
    source: str = ""
    recording: Recording | None = field(default=None, compare=False, hash=False, repr=False)

    def demo(self) -> Demo:
        """The demo the run shows (a script's own, or the catalog's)."""
        from workloads import catalog
        from workloads.demo import script_demo

        if self.script is not None:
            return script_demo(self.script)
        return catalog.get(self.demo_id)


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
    base = base.absolute()  # the command runs the same from any current directory
    ours, script_args = _split(argv)
    for arg in ours[1:]:
        if arg.split("=", 1)[0] in NOT_IN_A_SLIDE:
            return CommandProblem(f"{arg} is not for a slide (the slide shows the run itself)")
    missing = _missing_files(ours[1:], base)
    if missing:
        return CommandProblem(f"no such file: {_quote(missing)} (paths are relative to the deck)")
    try:
        return _check(resolve_paths(ours, base), script_args, base)
    except (UsageError, ParamError) as exc:
        return CommandProblem(_relative(str(exc), ours, base))


def _quote(text: str) -> str:
    from workloads.param import quote

    return quote(text)


def _split(argv: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """The block's own words, and a script's arguments (after ``--``), as the CLI does."""
    if argv[0] == "run" and "--" in argv:
        cut = argv.index("--")
        return argv[:cut], tuple(argv[cut + 1 :])
    return argv, ()


def _relative(message: str, argv: list[str], base: Path) -> str:
    """A refusal in the deck's words: a file it names, as the deck wrote it."""
    for arg in argv[1:]:
        if not arg.startswith("-") and not Path(arg).is_absolute():
            full = str(base / arg)
            message = message.replace(_quote(full), _quote(arg)).replace(full, arg)
    return message


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


def _check(argv: list[str], script_args: tuple[str, ...], base: Path) -> DeckCommand:
    from tui.cli import UsageError

    verb, args = argv[0], argv[1:]
    if verb == "run":
        from tui.cli_script import is_script_arg

        if args and is_script_arg(args[0]):
            return _check_script([_at(base, args[0]), *args[1:]], script_args)
        return _check_run(args)
    if verb == "compare":
        return _check_compare(args)
    if verb == "replay":
        return _check_replay(args, base)
    raise UsageError(
        f"a block runs `run DEMO ...`, `run PATH.py`, `compare DEMO ...` or `replay FILE`,"
        f" not {verb!r}"
    )


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


def _check_script(args: list[str], script_args: tuple[str, ...]) -> DeckCommand:
    """``run PATH.py|PATH.ipynb [options] [-- ARGS]``: the checks of ``interleave run``."""
    from tui.cli import check_python, time_scale_from
    from tui.cli_script import _parser
    from workloads.script import load_script

    script = load_script(args[0], script_args)
    ns = _parser(f"interleave run {script.name}", headless=False).parse_args(args[1:])
    return DeckCommand(
        "run", script.name, {}, time_scale_from(ns), check_python(ns.python), script=script
    )


def _at(base: Path, arg: str) -> str:
    """A file the block names, from the deck's folder (as typed if absolute)."""
    return arg if Path(arg).is_absolute() else str(base / arg)


def _check_replay(args: list[str], base: Path) -> DeckCommand:
    """``replay FILE``: the file read and checked as ``interleave replay`` does."""
    from tui.cli_replay import _parser, load
    from workloads import catalog

    ns = _parser().parse_args(args)
    recording = load(_at(base, ns.file))
    header = recording.header
    # A demo, or options, this version does not have: refused now, as the CLI does.
    params = catalog.get(header.demo).resolve(header.params)
    return DeckCommand(
        "replay",
        header.demo,
        params,
        header.time_scale,
        source=_at(base, ns.file),
        recording=recording,
    )
