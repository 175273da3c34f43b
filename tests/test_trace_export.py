"""``--trace``: a Trace Event Format file Perfetto can open, checked against the format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.trace_validator import named_processes, named_threads, validate
from tests.tui_fakes import PARAMS, T0, fixed_sample, threads_run_events
from tui.cli import main
from workloads.recording import Entry, Paused, Recording, RecordingHeader
from workloads.trace_export import recording_trace

pytestmark = [pytest.mark.timeout(120), pytest.mark.usefixtures("no_orphans")]


def _events(trace: dict[str, Any], ph: str) -> list[dict[str, Any]]:
    return [e for e in trace["traceEvents"] if e["ph"] == ph]


@pytest.mark.parametrize(
    ("demo", "options"),
    [
        ("processes", ["--time-scale", "0.02", "--items", "2"]),
        ("cpu-bound", ["--workers", "2", "--size", "2000"]),
    ],
)
def test_a_run_traced_from_the_cli_is_valid_and_complete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], demo: str, options: list[str]
) -> None:
    trace_path, record = tmp_path / "run.json", tmp_path / "run.jsonl.gz"
    code = main(
        ["run", demo, *options, "--json", "--trace", str(trace_path), "--record", str(record)]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    document = json.loads(out)
    trace = json.loads(trace_path.read_text())
    assert validate(trace) == []
    threads, processes = named_threads(trace), named_processes(trace)
    for w in document["workers"]:  # every worker has its named track, by its pid and tid
        assert (w["pid"], w["tid"]) in threads, w
        assert threads[(w["pid"], w["tid"])].startswith(w["id"])
        assert w["pid"] in processes
    spans = sum(len(w["spans"]) for w in document["workers"])
    assert len(_events(trace, "X")) == spans
    assert len(_events(trace, "i")) == len(document["outputs"])
    # Headless, readings are taken for the recording: the counter tracks are there.
    assert {"core 0 %", "cores busy"} <= {e["name"] for e in _events(trace, "C")}
    meta = trace["otherData"]
    assert meta["demo"] == demo and meta["python"] == document["python"]
    assert meta["gil"] == "on" and meta["switch_interval_ms"] == 5
    assert json.loads(meta["params"]) == document["params"]
    # The same trace from the recording, with replay.
    again = tmp_path / "again.json"
    assert main(["replay", str(record), "--trace", str(again)]) == 0
    assert json.loads(again.read_text()) == trace


def test_counters_pauses_and_time_from_the_run_start() -> None:
    entries: list[Entry] = [*threads_run_events(), fixed_sample(), Paused(T0 + 3, T0 + 4)]
    recording = Recording(RecordingHeader("threads", PARAMS, machine="box", cores=2), entries)
    trace = recording_trace(recording)
    assert validate(trace) == []
    counters = {e["name"] for e in _events(trace, "C")}
    assert counters == {"core 0 %", "core 1 %", "cores busy"}
    slices = _events(trace, "X")
    assert min(e["ts"] for e in slices) == 0  # µs from the run's start
    pause = [e for e in slices if e["cat"] == "pause"]
    assert pause == [pause[0]] and pause[0]["ts"] == 3e6 and pause[0]["dur"] == 1e6
    lines = _events(trace, "i")
    assert lines[0]["args"] == {"text": "Number: 0"} and lines[0]["ts"] == pytest.approx(10_000)
    assert trace["otherData"]["machine"] == "box"


def test_the_validator_catches_what_perfetto_would_not_accept() -> None:
    ok = {"ph": "X", "name": "running", "pid": 1, "tid": 2, "ts": 0, "dur": 5}
    assert validate({"traceEvents": [ok]}) == []
    assert validate({"traceEvents": [{**ok, "dur": None}]})
    assert validate({"traceEvents": [{**ok, "ts": 10}, ok]})  # time goes back
    assert validate({"traceEvents": [{**ok, "ph": "B"}]})  # B without E
    assert validate({"traceEvents": [ok, {**ok, "ts": 3, "dur": 10}]})  # overlap
    assert validate([]) != []
