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
from typing import Any, NoReturn

from workloads import catalog
from workloads.demo import Demo
from workloads.events import Event, Output
from workloads.param import Param, ParamError
from workloads.run_state import FINISHED, RunState
from workloads.runtime import RunConfig

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad command-line input; the message is the one line shown."""


class Parser(argparse.ArgumentParser):
    """argparse, but an error is one line and exit code 2 (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


class _Terminated(Exception):
    """SIGTERM arrived."""


def add_param(parser: argparse.ArgumentParser, p: Param) -> None:
    """Add the option of demo parameter ``p`` (its value is parsed later, by ``p``)."""
    default = p.format(p.default)
    if p.kind == "list":
        parser.add_argument(
            p.option, dest=p.name, action="append", metavar=p.metavar or "VALUE", help=p.help
        )
    else:
        metavar = p.metavar or ("{" + ",".join(p.choices) + "}" if p.choices else p.kind.upper())
        parser.add_argument(
            p.option, dest=p.name, metavar=metavar, help=f"{p.help} (default: {default})"
        )


def _run_parser(demo: Demo) -> Parser:
    parser = Parser(
        prog=f"interleave run {demo.id}",
        description=f"{demo.title}: {demo.summary}",
    )
    parser.add_argument(
        "--time-scale",
        default="1",
        metavar="X",
        help="multiply every sleep by X (default: 1, the lesson's timing)",
    )
    parser.add_argument("--headless", action="store_true", help="no UI: print lines, then a table")
    parser.add_argument(
        "--json",
        action="store_true",
        help="headless, one JSON document at the end (with every worker's timeline spans)",
    )
    add_python_option(parser)
    for p in demo.params:
        add_param(parser, p)
    return parser


def add_python_option(parser: argparse.ArgumentParser) -> None:
    """``--python PATH``: run the host under another interpreter (e.g. a free-threaded one)."""
    parser.add_argument(
        "--python",
        metavar="PATH",
        help="run the demo under this Python >= 3.10 (e.g. a free-threaded 3.13t)",
    )


def check_python(path: str | None) -> str | None:
    """The ``--python`` path once checked (a one-line ParamError if it cannot be used)."""
    if path is None:
        return None
    from workloads.interpreter import probe

    return probe(path).path


def params_from(demo: Demo, ns: argparse.Namespace) -> dict[str, Any]:
    """The demo's parameters from parsed options: given ones parsed, the rest defaults."""
    given: dict[str, Any] = {}
    for p in demo.params:
        raw = getattr(ns, p.name)
        if raw is None:
            continue
        if p.kind == "list":  # one value per occurrence: a URL may contain a comma
            given[p.name] = [text.strip() for text in raw if text.strip()]
        else:
            given[p.name] = p.parse(raw)
    return demo.resolve(given)


def _print_lines(state: RunState, events: list[Event]) -> None:
    start = state.started or 0.0
    for e in events:
        if isinstance(e, Output):
            w = state.workers.get(e.worker)
            label = f"{e.worker} {w.name}" if w is not None and w.name != e.worker else e.worker
            print(f"{e.t - start:7.2f}  {label:<22} {e.text}", flush=True)


def _run_headless(demo: Demo, config: RunConfig, as_json: bool, python: str | None = None) -> int:
    from workloads.headless import run_headless
    from workloads.run_document import run_document, summary_text

    state = run_headless(config, on_events=None if as_json else _print_lines, python=python)
    if as_json:
        print(json.dumps(run_document(state, spans=True), indent=2))
    else:
        print()
        print(summary_text(state))
        gil = "on" if state.gil_enabled else "off"
        print(
            f"Python {state.python}, GIL {gil}, switch interval {state.switch_interval * 1000:g} ms"
        )
    return 0 if state.status == FINISHED else 1


def _cmd_list() -> int:
    width = max(len(d.id) for d in catalog.DEMOS.values())
    for d in catalog.DEMOS.values():
        print(f"{d.id:<{width}}  {d.title}: {d.summary}")
    return 0


def _cmd_run(argv: Sequence[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: interleave run DEMO [--time-scale X] [demo options] [--headless|--json]")
        print("demos: " + ", ".join(catalog.DEMOS))
        return 0
    demo = catalog.get(argv[0])
    ns = _run_parser(demo).parse_args(list(argv[1:]))
    time_scale = catalog.TIME_SCALE.parse(ns.time_scale)
    params = params_from(demo, ns)
    config = demo.config(params, time_scale)
    python = check_python(ns.python)
    if ns.headless or ns.json:
        return _run_headless(demo, config, ns.json, python)
    return _run_app(demo.id, params, time_scale, python)


def _run_app(
    demo_id: str | None,
    params: dict[str, Any] | None,
    time_scale: float,
    python: str | None = None,
) -> int:
    from tui.app import InterleaveApp

    extra: dict[str, Any] = {"python": python} if python else {}
    app = InterleaveApp(demo_id=demo_id, params=params, time_scale=time_scale, **extra)
    app.run()
    return int(app.return_code or 0)


def _cmd_app(argv: Sequence[str]) -> int:
    parser = Parser(prog="interleave", description="See Python concurrency run, live.")
    parser.add_argument("--demo", metavar="ID", help="open straight into a run of this demo")
    parser.add_argument("--time-scale", default="1", metavar="X", help="multiply every sleep by X")
    ns = parser.parse_args(list(argv))
    time_scale = catalog.TIME_SCALE.parse(ns.time_scale)
    params = None
    if ns.demo is not None:
        params = catalog.get(ns.demo).defaults()
    return _run_app(ns.demo, params, time_scale)


USAGE = """\
usage: interleave [--demo ID] [--time-scale X]      open the app
       interleave list                               list the demos
       interleave run DEMO [options] [--headless|--json]
       interleave run DEMO --help                    a demo's options
       interleave compare DEMO [options] [--json]    run DEMO in every mode, compare"""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``interleave`` command; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)

    def on_term(*_: object) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        if args[:1] == ["list"]:
            return _cmd_list()
        if args[:1] == ["run"]:
            return _cmd_run(args[1:])
        if args[:1] == ["compare"]:
            from tui.cli_compare import cmd_compare

            return cmd_compare(args[1:])
        if args[:1] in (["-h"], ["--help"], ["help"]):
            print(USAGE)
            return 0
        if args and not args[0].startswith("-"):
            raise UsageError(f"unknown command {args[0]!r} (try: interleave --help)")
        return _cmd_app(args)
    except (UsageError, ParamError) as exc:
        print(f"interleave: error: {exc}", file=sys.stderr)
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
