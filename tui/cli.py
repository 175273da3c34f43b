"""The ``interleave`` command line: ``list``, ``run`` (headless or in the app), the app.

Bad input gets one line on stderr and exit code 2; never a traceback. Ctrl+C or
SIGTERM during a run stops the run's whole process group first, then exits 130/143.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from tui.themes import THEME
from workloads import catalog
from workloads.common_options import PYTHON, TIME_SCALE
from workloads.dask_options import check_run
from workloads.demo import Demo
from workloads.events import Event, Output
from workloads.param import FlagParam, ListParam, Param, ParamError, quote
from workloads.run_state import RunState
from workloads.runtime import RunConfig
from workloads.script import Script

if TYPE_CHECKING:
    from tui.cli_record import Outputs

EXIT_USAGE = 2
#: An error message longer than this is cut: one readable line, even for a huge argument.
MAX_MESSAGE = 300


class UsageError(Exception):
    """Bad command-line input; the message is the one line shown."""


class _Once(argparse.Action):
    """Stores an option's text; refuses it empty or given twice (argparse keeps the last)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        _first_time(self, namespace)
        setattr(namespace, self.dest, _not_empty(self, values))


class _OnceTrue(argparse.Action):
    """A flag (``--json``): on when given, and refused when given twice."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        kwargs.pop("const", None)
        kwargs.setdefault("default", False)
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        _first_time(self, namespace)
        setattr(namespace, self.dest, True)


class _Append(argparse.Action):
    """A repeatable option (``--url``): a list of every value given, none of them empty."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        given = [*(getattr(namespace, self.dest, None) or []), _not_empty(self, values)]
        setattr(namespace, self.dest, given)


def _first_time(action: argparse.Action, namespace: argparse.Namespace) -> None:
    # The namespace's defaults cannot tell "not given" from "given the default", so the
    # options seen so far are kept beside them.
    seen: set[str] = namespace.__dict__.setdefault("_given", set())
    if action.dest in seen:
        raise argparse.ArgumentError(action, "given more than once")
    seen.add(action.dest)


def _not_empty(action: argparse.Action, value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        raise argparse.ArgumentError(action, f"needs a value, not {quote(value)}")
    return value


class Parser(argparse.ArgumentParser):
    """argparse, but an error is one line and exit code 2 (no usage dump).

    Every option must be spelled in full (``--work`` is not ``--workers``), takes a
    non-empty value, and may be given once (bar the repeatable ones): a second
    ``--workers`` silently winning over the first would hide a mistake.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        for name in (None, "store"):
            self.register("action", name, _Once)
        self.register("action", "store_true", _OnceTrue)
        self.register("action", "append", _Append)

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


class _Terminated(Exception):
    """SIGTERM arrived."""


def add_param(parser: argparse.ArgumentParser, p: Param[Any]) -> None:
    """Add the option of parameter ``p`` (its value is parsed later, by :func:`param_value`)."""
    if isinstance(p, FlagParam):
        parser.add_argument(p.option, dest=p.name, action="store_true", help=p.help)
    elif isinstance(p, ListParam):
        parser.add_argument(p.option, dest=p.name, action="append", metavar=p.metavar, help=p.help)
    else:
        default = p.format(p.default)
        shown = f"{p.help} (default: {default})" if default else p.help
        parser.add_argument(p.option, dest=p.name, metavar=p.metavar, help=shown)


def param_value(p: Param[Any], ns: argparse.Namespace) -> Any:
    """The value of ``p`` from parsed options, checked by ``p``; its default if not given."""
    raw = getattr(ns, p.name, None)
    if raw is None or raw is False:  # not given (a flag not given is False)
        return p.default
    if isinstance(raw, list):  # one value per occurrence: a URL may contain a comma
        return p.check([text.strip() for text in raw])
    if raw is True:
        return p.check(True)
    return p.parse(raw)


def add_time_scale_option(parser: argparse.ArgumentParser) -> None:
    """``--time-scale X``, from its one definition (:data:`TIME_SCALE`)."""
    add_param(parser, TIME_SCALE)


def time_scale_from(ns: argparse.Namespace) -> float:
    """The checked ``--time-scale`` (1 if not given)."""
    return float(param_value(TIME_SCALE, ns))


def _run_parser(demo: Demo) -> Parser:
    parser = Parser(
        prog=f"interleave run {demo.id}",
        description=f"{demo.title}: {demo.summary}",
    )
    add_time_scale_option(parser)
    parser.add_argument("--headless", action="store_true", help="no UI: print lines, then a table")
    parser.add_argument(
        "--json",
        action="store_true",
        help="headless, one JSON document at the end (with every worker's timeline spans)",
    )
    add_python_option(parser)
    add_theme_option(parser)
    from tui.cli_record import add_record_options

    add_record_options(parser)
    add_demo_params(parser, demo)
    return parser


def add_demo_params(parser: argparse.ArgumentParser, demo: Demo) -> None:
    """The options of ``demo``'s parameters (``--workers``, ``--mode`` ...), one per Param."""
    for p in demo.params:
        add_param(parser, p)


def add_python_option(parser: argparse.ArgumentParser) -> None:
    """``--python PATH``: run the host under another interpreter (e.g. a free-threaded one)."""
    add_param(parser, PYTHON)


def add_theme_option(parser: argparse.ArgumentParser) -> None:
    """``--theme NAME``, from its one definition (:data:`tui.themes.THEME`)."""
    add_param(parser, THEME)


def theme_from(ns: argparse.Namespace) -> str:
    """The checked ``--theme`` (the default theme if not given)."""
    return str(param_value(THEME, ns))


def check_python(path: str | None) -> str | None:
    """The ``--python`` path once checked (a one-line ParamError if it cannot be used).

    ``None`` (not given) is this interpreter; the check is :func:`workloads.interpreter.probe`.
    """
    if path is None:
        return None
    return PYTHON.parse(path)


def params_from(demo: Demo, ns: argparse.Namespace) -> dict[str, Any]:
    """The demo's parameters from parsed options: given ones checked, the rest defaults."""
    given = {
        p.name: param_value(p, ns)
        for p in demo.params
        if getattr(ns, p.name, None) not in (None, False)
    }
    return {**demo.defaults(), **given}  # each given one was checked by its Param


def _print_lines(state: RunState, events: list[Event]) -> None:
    start = state.started or 0.0
    for e in events:
        if isinstance(e, Output):
            w = state.workers.get(e.worker)
            label = f"{e.worker} {w.name}" if w is not None and w.name != e.worker else e.worker
            print(f"{e.t - start:7.2f}  {label:<22} {e.text}", flush=True)


def _run_headless(
    demo: Demo,
    config: RunConfig,
    as_json: bool,
    python: str | None = None,
    outputs: Outputs | None = None,
) -> int:
    from workloads.run_document import run_document, summary_text
    from workloads.run_session import run_to_end
    from workloads.sample_recorder import SampleRecorder

    log = outputs.log(config.demo, config.params, config.time_scale) if outputs else None
    samples = SampleRecorder(log) if log is not None else None
    try:
        state = run_to_end(
            config,
            on_events=None if as_json else _print_lines,
            python=python,
            log=log,
            on_start=samples.start if samples is not None else None,
        )
    finally:  # a run stopped by Ctrl+C is kept as it happened
        if outputs is not None and log is not None and samples is not None:
            samples.stop()
            outputs.write(log.recording())
    if as_json:
        print(json.dumps(run_document(state, spans=True), indent=2))
    else:
        print()
        print(summary_text(state))
        gil = "on" if state.gil_enabled else "off"
        print(
            f"Python {state.python}, GIL {gil}, switch interval {state.switch_interval * 1000:g} ms"
        )
    return 0 if state.ok else 1


def _cmd_list() -> int:
    width = max(len(d.id) for d in catalog.DEMOS.values())
    for d in catalog.DEMOS.values():
        print(f"{d.id:<{width}}  {d.title}: {d.summary}")
    return 0


def pick_demo(argv: Sequence[str], command: str, known: Sequence[str]) -> Demo:
    """The demo named first in ``argv`` (a :class:`UsageError` if there is none)."""
    if not argv or argv[0].startswith("-"):
        got = f", not {quote(argv[0])}" if argv else ""
        raise UsageError(f"{command} needs a demo first{got} (one of: {', '.join(known)})")
    return catalog.get(argv[0])


def _cmd_run(argv: Sequence[str]) -> int:
    if argv[:1] in (["-h"], ["--help"]):
        print("usage: interleave run DEMO [--time-scale X] [demo options] [--headless|--json]")
        print("       interleave run PATH.py|.ipynb [--time-scale X] [--headless|--json] [-- ARGS]")
        print("demos: " + ", ".join(catalog.DEMOS))
        return 0
    from tui.cli_script import cmd_run_script, is_script_arg

    if argv and is_script_arg(argv[0]):
        return cmd_run_script(argv)
    demo = pick_demo(argv, "run", list(catalog.DEMOS))
    ns = _run_parser(demo).parse_args(list(argv[1:]))
    time_scale = time_scale_from(ns)
    params = params_from(demo, ns)
    check_run(params)  # a dask run's --scheduler must answer before anything starts
    config = demo.config(params, time_scale)
    python = check_python(ns.python)
    theme = theme_from(ns)
    from tui.cli_record import Outputs

    outputs = Outputs.from_args(ns)
    if ns.headless or ns.json:
        if ns.theme is not None:  # a no-op accepted silently would hide a mistake
            raise UsageError("--theme is for the app: --headless and --json print plain text")
        return _run_headless(demo, config, ns.json, python, outputs)
    return _run_app(demo.id, params, time_scale, python, theme, outputs=outputs)


def _run_app(
    demo_id: str | None,
    params: dict[str, Any] | None,
    time_scale: float,
    python: str | None = None,
    theme: str | None = None,
    script: Script | None = None,
    *,
    outputs: Outputs | None = None,
) -> int:
    from tui.app import InterleaveApp

    extra: dict[str, Any] = {"python": python} if python else {}
    if outputs:
        extra["outputs"] = outputs
    if script is not None:
        extra["script"] = script
    app = InterleaveApp(demo_id=demo_id, params=params, time_scale=time_scale, theme=theme, **extra)
    app.run()
    return int(app.return_code or 0)


def _add_demo_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo", metavar="ID", help="open straight into a run of this demo (with its options)"
    )


def demo_asked(argv: Sequence[str]) -> Demo | None:
    """The demo ``--demo`` names in ``argv``, if any (a :class:`UsageError` if unknown).

    Read before the real parse, wherever it stands, because the options the command
    takes depend on it (``--demo cpu-bound`` takes ``--mode``). A malformed ``--demo``
    is refused here in the words the real parse would use.
    """
    first = Parser(prog="interleave", add_help=False)
    _add_demo_option(first)
    ns, _ = first.parse_known_args(list(argv))
    return None if ns.demo is None else catalog.get(ns.demo)


def _cmd_app(argv: Sequence[str]) -> int:
    parser = Parser(prog="interleave", description="See Python concurrency run, live.")
    _add_demo_option(parser)
    add_time_scale_option(parser)
    add_python_option(parser)
    add_theme_option(parser)
    demo = demo_asked(argv)
    if demo is not None:  # its options, as `interleave run ID` takes them
        add_demo_params(parser, demo)
    ns = parser.parse_args(list(argv))
    time_scale = time_scale_from(ns)
    params = None if demo is None else params_from(demo, ns)
    if params is not None:
        check_run(params)
    python = check_python(ns.python)
    return _run_app(ns.demo, params, time_scale, python, theme_from(ns))


def _list_command(argv: Sequence[str]) -> int:
    if argv[:1] in (["-h"], ["--help"]):
        print("usage: interleave list")
        return 0
    if argv:
        raise UsageError(f"list takes no arguments, not {quote(argv[0])}")
    return _cmd_list()


def _one_line(message: str) -> str:
    """``message`` as one stderr line: what would break the line escaped, the length capped."""
    # argparse quotes arguments as typed, and an argument may hold a newline.
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "…"


USAGE = """\
usage: interleave [--time-scale X] [--python PATH] [--theme T]   open the app
       interleave --demo DEMO [options]                          open it on a run of DEMO
       interleave list                                           list the demos
       interleave run DEMO [options] [--headless|--json]         run one demo
       interleave run DEMO --help                                a demo's options
       interleave run PATH.py|.ipynb [--headless|--json] [-- ARGS]  run your own script
       interleave PATH.py|.ipynb [-- ARGS]                       open the app on it
       interleave compare DEMO [options] [--json]                run DEMO in every mode, compare
       interleave run|compare DEMO ... [--record F] [--trace F.json]  keep it, or trace it
       interleave replay FILE [--json] [--trace F.json]          replay a recording
       interleave lecture [DECK.md] [--check] [--presenter]      give a lecture (built-in deck)"""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``interleave`` command; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)

    def on_term(*_: object) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        if args[:1] == ["list"]:
            return _list_command(args[1:])
        if args[:1] == ["run"]:
            return _cmd_run(args[1:])
        if args[:1] == ["compare"]:
            from tui.cli_compare import cmd_compare

            return cmd_compare(args[1:])
        if args[:1] == ["lecture"]:
            from tui.lecture.lecture_cli import cmd_lecture

            return cmd_lecture(args[1:])
        if args[:1] == ["replay"]:
            from tui.cli_replay import cmd_replay

            return cmd_replay(args[1:])
        if args[:1] in (["-h"], ["--help"], ["help"]):
            print(USAGE)
            return 0
        from tui.cli_script import cmd_app_script, is_script_arg

        if args and is_script_arg(args[0]):
            return cmd_app_script(args)
        if args and not args[0].startswith("-"):
            raise UsageError(f"unknown command {quote(args[0])} (try: interleave --help)")
        return _cmd_app(args)
    except (UsageError, ParamError) as exc:
        print(f"interleave: error: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interleave: interrupted; the run was stopped", file=sys.stderr)
        return 130
    except _Terminated:
        print("interleave: terminated; the run was stopped", file=sys.stderr)
        return 143
    except BrokenPipeError:
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
