"""``interleave compare DEMO``: run a demo in each of its modes and compare them."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from tui.cli import (
    Parser,
    add_param,
    add_python_option,
    add_time_scale_option,
    check_python,
    params_from,
    pick_demo,
    time_scale_from,
)
from tui.cli_record import Outputs, add_record_options, recording_runner
from workloads import catalog
from workloads.compare import ModeResult, compare, has_modes, modes_of, report_text
from workloads.demo import Demo


def _parser(demo: Demo) -> Parser:
    parser = Parser(
        prog=f"interleave compare {demo.id}",
        description=f"Run {demo.id} in each mode in turn and compare wall time, CPU time, "
        "speedup and cores busy.",
    )
    add_time_scale_option(parser)
    parser.add_argument("--json", action="store_true", help="one JSON document at the end")
    add_python_option(parser)
    add_record_options(parser)
    parser.set_defaults(mode=None)
    for p in demo.params:
        if p.name != "mode":  # compare runs every mode
            add_param(parser, p)
    return parser


def cmd_compare(argv: Sequence[str]) -> int:
    """Entry point of ``interleave compare``; returns the exit code."""
    comparable = [d.id for d in catalog.DEMOS.values() if has_modes(d)]
    if argv[:1] in (["-h"], ["--help"]):
        print("usage: interleave compare DEMO [demo options except --mode] [--json]")
        print("demos: " + ", ".join(comparable))
        return 0
    demo = pick_demo(argv, "compare", comparable)
    modes_of(demo)  # a demo without modes is refused before anything runs
    ns = _parser(demo).parse_args(list(argv[1:]))
    time_scale = time_scale_from(ns)
    params = params_from(demo, ns)
    python = check_python(ns.python)
    outputs = Outputs.from_args(ns)  # one recording and one trace per mode

    def progress(mode: str, result: ModeResult | None) -> None:
        if ns.json:
            return
        if result is None:
            print(f"running {mode} ...", end="", flush=True)
        elif result.wall_s is not None:
            print(f" {result.wall_s:.2f} s", flush=True)
        else:
            print(f" {result.status}", flush=True)

    written: list[Path] = []
    runner = recording_runner(outputs, written) if outputs else None
    try:
        result = compare(
            demo, params, time_scale=time_scale, python=python, on_mode=progress, runner=runner
        )
    finally:  # what was written is said, even for a comparison stopped half way
        for path in written:
            print(f"interleave: wrote {path}", file=sys.stderr)
    if ns.json:
        print(json.dumps(result.document(), indent=2))
    else:
        print()
        print(report_text(result))
    return 0 if result.ok else 1
