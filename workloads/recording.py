"""Recordings: a run's events, session facts and CPU samples, kept in one file.

The format (version 1) is JSON Lines, gzip-compressed when the file name ends in ``.gz``:

- line 1, the header: an object with ``"format": "interleave-recording"``, ``"version"``,
  the run's ``demo``, ``params`` and ``time_scale``, the recording machine's ``machine``
  name and logical ``cores``, when it was ``recorded`` (ISO 8601, UTC), and ``schema``:
  the field names of every entry kind, in the order their values are written;
- every other line, one entry: an array ``[kind, value, ...]``, the kind's name first
  (an event's class name, ``Span``, ``Output`` ..., or one of the session's entries
  below), then its fields in schema order. Enums are their string values; times are
  ``time.monotonic()`` seconds of the recording machine.

Entries are in the order the session folded them, so folding them again gives the
same state. Besides the events (:mod:`workloads.events`) they are:

- ``Cancelled``: the user stopped the run; ``HostExited``: the host ended, with its exit
  code (what turns a killed host into "killed by SIGKILL");
- ``Paused``: a pause of the live run, from and to;
- ``CpuSample``: a reading the run screen showed (its gauges), per core and per thread.

A reader refuses a newer version, and reports a missing, truncated or corrupt file in
one line (:class:`RecordingError`).
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import threading
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, NamedTuple, get_args

import psutil

from workloads.cpu_sampler import CpuSample
from workloads.events import (
    CurrentLine,
    Event,
    Output,
    Progress,
    Span,
    State,
    StateChanged,
    ThreadActivity,
    ThreadSpan,
    WorkerKind,
    WorkerStarted,
)
from workloads.run_state import RunState

FORMAT = "interleave-recording"
VERSION = 1


class RecordingError(Exception):
    """A file that cannot be replayed; the message is one line that says why."""


class Cancelled(NamedTuple):
    """The user stopped the run at ``t``."""

    t: float


class HostExited(NamedTuple):
    """The run's host process ended with ``exitcode``; what the session then settled."""

    t: float
    exitcode: int
    stderr_tail: str
    total_cpu_s: float | None


class Paused(NamedTuple):
    """The live run was stopped (``p``) from ``start`` to ``end``."""

    start: float
    end: float


#: What a session learns outside the event stream.
SessionEntry = Cancelled | HostExited | Paused
Entry = Event | SessionEntry | CpuSample

#: Every event of the protocol (a new event is recorded without a change here).
_EVENT_TYPES: tuple[type, ...] = get_args(Event)
_TUPLE_TYPES: dict[str, Any] = {
    t.__name__: t for t in (*_EVENT_TYPES, Cancelled, HostExited, Paused)
}
#: Fields written as strings that are enums in memory.
_ENUMS: dict[type, dict[int, type]] = {
    WorkerStarted: {WorkerStarted._fields.index("kind"): WorkerKind},
    Span: {Span._fields.index("state"): State},
    StateChanged: {StateChanged._fields.index("state"): State},
    ThreadSpan: {ThreadSpan._fields.index("activity"): ThreadActivity},
}
_SAMPLE_FIELDS = (
    "t",
    "per_core",
    "run_cpu_s",
    "run_wall_s",
    "recent_busy",
    "thread_pct",
    "process_pct",
)


def schema() -> dict[str, list[str]]:
    """The field names of every entry kind, as the header states them."""
    fields: dict[str, list[str]] = {name: list(t._fields) for name, t in _TUPLE_TYPES.items()}
    fields["CpuSample"] = list(_SAMPLE_FIELDS)
    return fields


@dataclass(frozen=True)
class RecordingHeader:
    """What the first line of a recording says about the run and where it was made."""

    demo: str
    params: dict[str, Any]
    time_scale: float = 1.0
    machine: str = ""
    cores: int = 0
    recorded: str = ""
    version: int = VERSION
    #: Entries left out because the log was full (spans, lines, progress, readings).
    dropped: int = 0

    @classmethod
    def here(cls, demo: str, params: Mapping[str, Any], time_scale: float = 1.0) -> RecordingHeader:
        """A header for a run on this machine, now."""
        return cls(
            demo=demo,
            params=dict(params),
            time_scale=time_scale,
            machine=platform.node() or "unknown",
            cores=psutil.cpu_count() or 1,
            recorded=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )

    def to_json(self) -> dict[str, Any]:
        """The header line's object."""
        return {
            "format": FORMAT,
            "version": self.version,
            "demo": self.demo,
            "params": self.params,
            "time_scale": self.time_scale,
            "machine": self.machine,
            "cores": self.cores,
            "recorded": self.recorded,
            "dropped": self.dropped,
            "schema": schema(),
        }


@dataclass
class Recording:
    """A whole recording: its header and its entries, in folding order."""

    header: RecordingHeader
    entries: list[Entry] = field(default_factory=list)
    #: Where it was read from ("" if it was made here).
    source: str = ""

    def state(self, upto: int | None = None) -> RunState:
        """The run folded from the first ``upto`` entries (all of them by default)."""
        state = RunState()
        for entry in self.entries[:upto]:
            apply_entry(state, entry)
        return state

    def samples(self) -> list[CpuSample]:
        """The CPU samples, in order."""
        return [e for e in self.entries if isinstance(e, CpuSample)]


def apply_entry(state: RunState, entry: Entry) -> None:
    """Fold one entry as the live session did (samples and pauses change nothing)."""
    if isinstance(entry, Cancelled):
        state.cancel(entry.t)
    elif isinstance(entry, HostExited):
        state.host_exited(entry.t, entry.exitcode, entry.stderr_tail)
        state.total_cpu_s = entry.total_cpu_s
    elif not isinstance(entry, Paused | CpuSample):
        state.apply(entry)


def entry_time(entry: Entry) -> float:
    """When an entry happened: a span when it ended, a pause when it was lifted."""
    if isinstance(entry, Span | Paused | ThreadSpan):
        return entry.end
    return entry.t


#: What a full log leaves out: the many small entries, never a start, an end or a failure.
_BULKY: tuple[type, ...] = (
    Span,
    ThreadSpan,
    CurrentLine,
    Output,
    Progress,
    StateChanged,
    CpuSample,
)


class RunLog:
    """The entries of a live run, appended from any thread (the session's, the UI's).

    With a ``limit``, a log that holds that many entries keeps only the few that say
    how the run went (starts, ends, failures), and counts the rest as dropped: a run
    that prints for hours must not fill the memory of the app that shows it.
    """

    def __init__(self, header: RecordingHeader, limit: int | None = None) -> None:
        self.header = header
        self.limit = limit
        self.dropped = 0
        self._lock = threading.Lock()
        self._entries: list[Entry] = []

    def __len__(self) -> int:
        return len(self._entries)

    def extend(self, entries: Iterable[Entry]) -> None:
        """Append entries, in order."""
        batch = entries if isinstance(entries, list) else list(entries)
        with self._lock:
            mine, limit = self._entries, self.limit
            if limit is None or len(mine) + len(batch) <= limit:
                mine.extend(batch)
                return
            for entry in batch:
                if len(mine) >= limit and isinstance(entry, _BULKY):
                    self.dropped += 1
                else:
                    mine.append(entry)

    def add(self, entry: Entry) -> None:
        """Append one entry."""
        self.extend([entry])

    def recording(self) -> Recording:
        """Everything so far, as a :class:`Recording` (a copy: the log may go on)."""
        with self._lock:
            header = replace(self.header, dropped=self.dropped)
            return Recording(header, list(self._entries))


# -- writing ----------------------------------------------------------------------------
def encode(entry: Entry) -> str:
    """One entry as its JSON line (without the newline)."""
    if isinstance(entry, CpuSample):
        values: list[Any] = [
            "CpuSample",
            entry.t,
            list(entry.per_core),
            entry.run_cpu_s,
            entry.run_wall_s,
            entry.recent_busy,
            entry.thread_pct,
            entry.process_pct,
        ]
    else:
        values = [type(entry).__name__, *entry]
    return json.dumps(values, separators=(",", ":"), ensure_ascii=False)


def _open_write(path: Path, gz: bool) -> IO[str]:
    if gz:
        # Level 6: most of 9's size at a fraction of its time (spans compress ~10x).
        return gzip.open(path, "wt", encoding="utf-8", compresslevel=6)
    return path.open("w", encoding="utf-8")


def write_recording(path: str | os.PathLike[str], recording: Recording) -> Path:
    """Write ``recording`` to ``path`` (gzip if it ends in ``.gz``), whole or not at all."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with _open_write(tmp, target.name.endswith(".gz")) as out:
            out.write(json.dumps(recording.header.to_json(), ensure_ascii=False) + "\n")
            for entry in recording.entries:
                out.write(encode(entry) + "\n")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


# -- reading ----------------------------------------------------------------------------
def _decode(values: Any, where: str) -> Entry:
    if not isinstance(values, list) or not values or not isinstance(values[0], str):
        raise RecordingError(f"{where}: not an entry")
    kind, args = values[0], values[1:]
    if kind == "CpuSample":
        if len(args) != len(_SAMPLE_FIELDS):
            raise RecordingError(f"{where}: a CpuSample needs {len(_SAMPLE_FIELDS)} values")
        t, per_core, cpu, wall, recent, threads, procs = args
        return CpuSample(
            float(t),
            tuple(float(c) for c in per_core),
            float(cpu),
            float(wall),
            float(recent),
            {int(k): float(v) for k, v in threads.items()},
            {int(k): float(v) for k, v in procs.items()},
        )
    cls = _TUPLE_TYPES.get(kind)
    if cls is None:
        raise RecordingError(f"{where}: unknown entry kind {kind!r}")
    if len(args) != len(cls._fields):
        raise RecordingError(f"{where}: {kind} needs {len(cls._fields)} values")
    for index, enum in _ENUMS.get(cls, {}).items():
        args[index] = enum(args[index])
    entry: Entry = cls(*args)
    return entry


def _header(data: Mapping[str, Any], name: str) -> RecordingHeader:
    version = data.get("version")
    if not isinstance(version, int):
        raise RecordingError(f"{name}: the header has no format version")
    if version > VERSION:
        raise RecordingError(
            f"{name} was written by a newer interleave (format version {version}; "
            f"this one reads up to {VERSION}): upgrade to replay it"
        )
    demo, params = data.get("demo"), data.get("params")
    if not isinstance(demo, str) or not isinstance(params, dict):
        raise RecordingError(f"{name}: the header does not name a demo and its parameters")
    return RecordingHeader(
        demo=demo,
        params=params,
        time_scale=float(data.get("time_scale", 1.0)),
        machine=str(data.get("machine", "")),
        cores=int(data.get("cores", 0)),
        recorded=str(data.get("recorded", "")),
        version=version,
        dropped=int(data.get("dropped", 0)),
    )


def _read_text(path: Path) -> str:
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RecordingError(f"no such file: {name}") from None
    except IsADirectoryError:
        raise RecordingError(f"{name} is a directory, not a recording") from None
    except OSError as exc:
        raise RecordingError(f"cannot read {name}: {exc.strerror or exc}") from None
    if raw[:2] == b"\x1f\x8b":  # gzip, whatever the name says
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error):
            raise RecordingError(f"{name} is truncated or corrupt (bad gzip data)") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RecordingError(f"{name} is not a recording (not UTF-8 text)") from None


#: Turns a ``--json`` document into entries (set by :mod:`workloads.run_document_replay`).
DocumentReader = Callable[[Mapping[str, Any], str], Recording]


def parse_recording(
    text: str, name: str = "recording", document_reader: DocumentReader | None = None
) -> Recording:
    """A recording from its text (or, with ``document_reader``, a ``--json`` document)."""
    first, _, rest = text.partition("\n")
    try:
        head = json.loads(first) if first.strip() else None
    except json.JSONDecodeError:
        head = None
    if not (isinstance(head, dict) and head.get("format") == FORMAT):
        return _not_a_recording(text, name, document_reader)
    header = _header(head, name)
    entries: list[Entry] = []
    lines = rest.split("\n")
    for number, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        try:
            values = json.loads(line)
        except json.JSONDecodeError:
            last = number == len(lines) + 1 and not text.endswith("\n")
            what = "truncated" if last else "corrupt"
            raise RecordingError(f"{name} is {what} (line {number} is not JSON)") from None
        try:
            entries.append(_decode(values, f"{name} line {number}"))
        except (TypeError, ValueError, AttributeError) as exc:
            raise RecordingError(f"{name} line {number}: a malformed entry ({exc})") from None
    return Recording(header, entries, source=name)


def _not_a_recording(text: str, name: str, document_reader: DocumentReader | None) -> Recording:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        if not text.strip():
            raise RecordingError(f"{name} is empty") from None
        raise RecordingError(f"{name} is not a recording (not JSON, or truncated)") from None
    looks_like_run = isinstance(data, dict) and {"demo", "workers", "outputs"} <= data.keys()
    if document_reader is None or not looks_like_run:
        raise RecordingError(f"{name} is JSON but not an interleave run or recording")
    assert isinstance(data, dict)
    return document_reader(data, name)


def read_recording(
    path: str | os.PathLike[str], document_reader: DocumentReader | None = None
) -> Recording:
    """Read a recording (gzip or not); a :class:`RecordingError` says why it cannot be."""
    target = Path(path)
    return parse_recording(_read_text(target), str(target), document_reader)
