"""The headless core of interleave: event protocol, run host, state fold, demos.

Nothing here imports ``textual`` or ``tui`` (a test enforces it), so the CLI,
benchmarks and tests use the same engine as the app.
"""
