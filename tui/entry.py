"""The ``interleave`` command's entry point: nothing heavy is imported before Ctrl+C is
handled, so an interrupt in the first milliseconds is one line, not a traceback."""

from __future__ import annotations

import sys


def main() -> int:
    """Import the command line, then run it; returns the exit code."""
    try:
        from tui.cli import main as cli_main
    except KeyboardInterrupt:
        print("interleave: interrupted", file=sys.stderr)
        return 130
    return cli_main()
