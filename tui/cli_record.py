"""``--record FILE`` and ``--trace FILE.json``: the options, their checks, the writing.

Shared by ``run``, ``compare`` and ``replay``. A path whose directory does not exist is
refused before anything runs (one line, exit 2); what was written is said on stderr,
so that ``--json`` output on stdout stays one clean document.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workloads.recording import Recording, RecordingHeader, RunLog, write_recording
from workloads.run_state import RunState
from workloads.trace_export import recording_trace, write_trace


def add_record_options(parser: argparse.ArgumentParser, *, record: bool = True) -> None:
    """``--record FILE`` (unless ``record`` is false) and ``--trace FILE.json``."""
    if record:
        parser.add_argument(
            "--record",
            metavar="FILE",
            help="keep the run in FILE (JSON Lines; gzip if it ends in .gz) for `replay`",
        )
    parser.add_argument(
        "--trace",
        metavar="FILE.json",
        help="write a Chrome/Perfetto trace (open it in ui.perfetto.dev)",
    )


def check_output_path(path: str | None, option: str) -> Path | None:
    """``path`` if a file can be written there (its directory exists)."""
    if path is None:
        return None
    from tui.cli import UsageError  # here: the CLI imports this module

    target = Path(path).expanduser()
    if target.is_dir():
        raise UsageError(f"{option} {path}: is a directory, not a file name")
    if not target.parent.is_dir():
        raise UsageError(f"{option} {path}: no such directory {str(target.parent)!r}")
    return target


@dataclass(frozen=True)
class Outputs:
    """Where a run is to be recorded and traced (either may be None)."""

    record: Path | None = None
    trace: Path | None = None

    @classmethod
    def from_args(cls, ns: argparse.Namespace) -> Outputs:
        """The checked ``--record`` and ``--trace`` of parsed options."""
        return cls(
            check_output_path(getattr(ns, "record", None), "--record"),
            check_output_path(getattr(ns, "trace", None), "--trace"),
        )

    def __bool__(self) -> bool:
        return self.record is not None or self.trace is not None

    def log(self, demo: str, params: dict[str, Any], time_scale: float) -> RunLog | None:
        """A log to follow the run with, if anything is to be written."""
        return RunLog(RecordingHeader.here(demo, params, time_scale)) if self else None

    def with_suffix(self, mode: str) -> Outputs:
        """The paths for one mode of a comparison: ``out.jsonl`` -> ``out.threads.jsonl``."""
        return Outputs(_suffixed(self.record, mode), _suffixed(self.trace, mode))

    def write(
        self, recording: Recording, state: RunState | None = None, *, say: bool = True
    ) -> list[Path]:
        """Write what was asked for (saying where on stderr if ``say``); the paths."""
        written: list[Path] = []
        if self.record is not None:
            written.append(write_recording(self.record, recording))
            if say:
                print(f"interleave: recorded to {self.record}", file=sys.stderr)
        if self.trace is not None:
            written.append(write_trace(self.trace, recording_trace(recording, state)))
            if say:
                print(f"interleave: trace written to {self.trace}", file=sys.stderr)
        return written


def recording_runner(outputs: Outputs, written: list[Path]) -> Any:
    """A ``compare`` runner that records and traces each mode to its own files (their
    paths are added to ``written`` as they are written)."""
    from workloads.run_session import RunSession, run_to_end
    from workloads.sample_recorder import SampleRecorder

    def run(config: Any, *, python: str | None = None, on_start: Any = None) -> RunState:
        mode = str(config.params.get("mode", "run"))
        mine = outputs.with_suffix(mode)
        log = mine.log(config.demo, config.params, config.time_scale)
        samples = SampleRecorder(log) if log is not None else None

        def started(session: RunSession) -> None:
            if samples is not None:
                samples.start(session)
            if on_start is not None:
                on_start(session)

        try:
            return run_to_end(config, python=python, on_start=started, log=log)
        finally:
            if log is not None and samples is not None:
                samples.stop()
                written.extend(mine.write(log.recording(), say=False))

    return run


def _suffixed(path: Path | None, mode: str) -> Path | None:
    if path is None:
        return None
    name = path.name
    for ext in (".jsonl.gz", ".json.gz", ".jsonl", ".json", ".gz"):
        if name.endswith(ext):
            return path.with_name(f"{name[: -len(ext)]}.{mode}{ext}")
    return path.with_name(f"{name}.{mode}")
