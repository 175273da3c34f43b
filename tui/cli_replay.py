"""``interleave replay FILE``: a recorded run (or a ``--json`` document) shown again.

In the app by default; ``--json`` prints the document ``run --json`` printed for the
original run; ``--trace`` writes its Perfetto trace. A file that cannot be replayed
is one line and exit 2, before anything opens.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from tui.cli import Parser, UsageError, add_theme_option, theme_from
from tui.cli_record import add_record_options, check_output_path
from workloads import catalog
from workloads.document_recording import recording_from_document
from workloads.recording import Recording, RecordingError, read_recording
from workloads.run_document import run_document
from workloads.trace_export import recording_trace, write_trace


def _parser() -> Parser:
    parser = Parser(
        prog="interleave replay",
        description="Replay a run kept with --record (or a --json document): space pauses, "
        "[ ] change the speed, left/right step while paused, home/end.",
    )
    parser.add_argument("file", metavar="FILE", help="a recording (.jsonl / .jsonl.gz) or RUN.json")
    parser.add_argument(
        "--json", action="store_true", help="print the run's --json document, no UI"
    )
    add_record_options(parser, record=False)
    add_theme_option(parser)
    return parser


def load(path: str) -> Recording:
    """The recording at ``path`` (a :class:`UsageError` saying why it cannot be replayed)."""
    try:
        return read_recording(path, document_reader=recording_from_document)
    except RecordingError as exc:
        raise UsageError(str(exc)) from None


def cmd_replay(argv: Sequence[str]) -> int:
    """Entry point of ``interleave replay``; returns the exit code."""
    if argv[:1] in (["-h"], ["--help"]):
        print(_parser().format_help().rstrip())
        return 0
    ns = _parser().parse_args(list(argv))
    trace = check_output_path(ns.trace, "--trace")
    if ns.json and ns.theme is not None:
        raise UsageError("--theme is for the app: --json prints plain text")
    recording = load(ns.file)
    if trace is not None:
        write_trace(trace, recording_trace(recording))
        if not ns.json:
            print(f"interleave: trace written to {trace}")
    if ns.json:
        print(json.dumps(run_document(recording.state(), spans=True), indent=2))
        return 0
    if trace is not None:
        return 0  # the trace was asked for; the app is for replaying without one
    # A demo, or options, this version does not have: one line, before the app opens.
    catalog.get(recording.header.demo).resolve(recording.header.params)
    from tui.app import InterleaveApp

    app = InterleaveApp(replay=recording, theme=theme_from(ns))
    app.run()
    return int(app.return_code or 0)
