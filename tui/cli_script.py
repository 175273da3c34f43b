"""``interleave run PATH.py`` and ``interleave PATH.py``: a user's own script or notebook.

The word after ``run`` (or the first word) is a script when it is no demo id and looks
like a path (it has a dot or a slash). The options are those of a demo run without
demo parameters; what follows ``--`` is the script's own ``sys.argv[1:]``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from tui.cli import (
    Parser,
    UsageError,
    add_python_option,
    add_theme_option,
    add_time_scale_option,
    check_python,
    theme_from,
    time_scale_from,
)
from workloads import catalog
from workloads.demo import script_demo
from workloads.script import Script, load_script

USAGE = "usage: interleave run PATH.py|PATH.ipynb [--time-scale X] [--headless|--json] [-- ARGS]"


def is_script_arg(word: str) -> bool:
    """Whether a command-line word names a script rather than a demo or a command."""
    if word in catalog.DEMOS or word.startswith("-"):
        return False
    return "." in word or os.sep in word or os.path.exists(word)


def _split(argv: Sequence[str]) -> tuple[list[str], tuple[str, ...]]:
    """Our options, and the script's arguments (after ``--``)."""
    args = list(argv)
    if "--" in args:
        cut = args.index("--")
        return args[:cut], tuple(args[cut + 1 :])
    return args, ()


def _parser(prog: str, headless: bool) -> Parser:
    parser = Parser(prog=prog, description="Run your own script or notebook, live.")
    add_time_scale_option(parser)
    if headless:
        parser.add_argument("--headless", action="store_true", help="no UI: print lines")
        parser.add_argument("--json", action="store_true", help="one JSON document at the end")
    add_python_option(parser)
    add_theme_option(parser)
    return parser


def cmd_run_script(argv: Sequence[str]) -> int:
    """``interleave run PATH [options] [-- args]``; returns the exit code."""
    from tui.cli import _run_app, _run_headless

    ours, script_args = _split(argv)
    if ours[1:2] in (["-h"], ["--help"]):
        print(USAGE)
        return 0
    script = load_script(ours[0], script_args)
    ns = _parser(f"interleave run {script.name}", headless=True).parse_args(ours[1:])
    time_scale = time_scale_from(ns)
    python = check_python(ns.python)
    demo = script_demo(script)
    config = demo.config({}, time_scale)
    if ns.headless or ns.json:
        if ns.theme is not None:
            raise UsageError("--theme is for the app: --headless and --json print plain text")
        return _run_headless(demo, config, ns.json, python)
    return _run_app(None, None, time_scale, python, theme_from(ns), script=script)


def cmd_app_script(argv: Sequence[str]) -> int:
    """``interleave PATH [options] [-- args]``: the app, straight into a run of it."""
    from tui.cli import _run_app

    ours, script_args = _split(argv)
    script: Script = load_script(ours[0], script_args)
    ns = _parser("interleave", headless=False).parse_args(ours[1:])
    time_scale = time_scale_from(ns)
    python = check_python(ns.python)
    return _run_app(None, None, time_scale, python, theme_from(ns), script=script)
