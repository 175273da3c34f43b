"""The ``interleave`` command's entry point: nothing heavy is imported before Ctrl+C is
handled, so an interrupt in the first milliseconds is one line, not a traceback."""

from __future__ import annotations

import signal
import sys


def main() -> int:
    """Import the command line, then run it; returns the exit code."""
    # Started in the background by a shell (``interleave run ... &`` in a script), the
    # process inherits SIGINT ignored, and ``kill -INT`` would leave the run going.
    # Terminal Ctrl+C reaches only the foreground job anyway: listening costs nothing.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        from tui.cli import main as cli_main
    except KeyboardInterrupt:
        print("interleave: interrupted", file=sys.stderr)
        return 130
    return cli_main()
