"""Recordings: ``run --record`` then ``replay --json`` gives back ``run --json``'s
document; cancelled and crashed runs replay as they happened; bad files are one line."""

from __future__ import annotations

import gzip
import json
import os
import signal
from pathlib import Path

import pytest

from tests.fault_demos import config, wait_for
from tui.cli import main
from workloads.document_recording import recording_from_document
from workloads.events import RunStatus, State
from workloads.recording import (
    VERSION,
    Cancelled,
    HostExited,
    Recording,
    RecordingError,
    RecordingHeader,
    RunLog,
    read_recording,
    write_recording,
)
from workloads.run_document import run_document
from workloads.run_session import RunSession

pytestmark = [pytest.mark.timeout(120), pytest.mark.usefixtures("no_orphans")]

ROUND_TRIPS = [
    ("threads", ["--time-scale", "0.01"], "run.jsonl.gz"),
    ("processes", ["--time-scale", "0.02", "--items", "2"], "run.jsonl"),
    ("scrape", ["--pages", "4", "--latency", "10"], "run.jsonl.gz"),
]


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("demo", "options", "name"), ROUND_TRIPS, ids=[r[0] for r in ROUND_TRIPS])
def test_replay_json_prints_the_document_run_json_printed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, demo: str, options: list[str], name: str
) -> None:
    path = tmp_path / name
    code, live, err = cli(capsys, "run", demo, *options, "--json", "--record", str(path))
    assert code == 0, err
    assert f"recorded to {path}" in err
    assert path.read_bytes()[:2] == (b"\x1f\x8b" if name.endswith(".gz") else b'{"')

    code, replayed, err = cli(capsys, "replay", str(path), "--json")
    assert code == 0, err
    assert json.loads(replayed) == json.loads(live)
    assert replayed == live  # the very same text
    document = json.loads(live)
    assert document["demo"] == demo and document["workers"] and document["outputs"]


def test_the_header_says_what_ran_and_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "run.jsonl"
    cli(capsys, "run", "threads", "--time-scale", "0.01", "--headless", "--record", str(path))
    first, *lines = path.read_text().splitlines()
    header = json.loads(first)
    assert header["format"] == "interleave-recording" and header["version"] == VERSION
    assert header["demo"] == "threads" and header["params"]["numbers"] == 5
    assert header["cores"] == (os.cpu_count() or 1) and header["machine"]
    assert header["schema"]["Span"] == ["worker", "start", "end", "state"]
    kinds = {json.loads(line)[0] for line in lines}
    assert {"RunStarted", "WorkerStarted", "Span", "Output", "RunFinished", "HostExited"} <= kinds


def _recorded(session: RunSession, log: RunLog) -> tuple[dict[str, object], Recording]:
    assert session.wait(30)
    live = run_document(session.snapshot(), spans=True)
    return live, log.recording()


def test_a_cancelled_run_replays_as_it_happened(tmp_path: Path) -> None:
    log = RunLog(RecordingHeader.here("sleepers", {}))
    with RunSession(config("sleepers", count=2, seconds=60.0), log=log) as session:
        session.follow_in_background()
        wait_for(lambda: len(session.snapshot().workers) >= 3, "the sleepers")
        session.cancel()
        live, recording = _recorded(session, log)
    assert any(isinstance(e, Cancelled) for e in recording.entries)
    path = write_recording(tmp_path / "cancelled.jsonl.gz", recording)
    state = read_recording(path).state()
    assert state.status == RunStatus.CANCELLED
    assert {w.state for w in state.workers.values()} == {State.CANCELLED}
    assert run_document(state, spans=True) == live


def test_a_crashed_run_replays_as_it_happened(tmp_path: Path) -> None:
    log = RunLog(RecordingHeader.here("sleepers", {}))
    with RunSession(config("sleepers", count=1, seconds=60.0), log=log) as session:
        session.follow_in_background()
        wait_for(lambda: len(session.snapshot().workers) >= 2, "the sleeper")
        assert session.pid is not None
        os.kill(session.pid, signal.SIGKILL)  # the host dies without a word
        live, recording = _recorded(session, log)
    assert any(isinstance(e, HostExited) and e.exitcode == -9 for e in recording.entries)
    path = write_recording(tmp_path / "crashed.jsonl", recording)
    state = read_recording(path).state()
    assert state.status == RunStatus.FAILED and "SIGKILL" in state.error
    assert run_document(state, spans=True) == live


def test_a_json_document_replays(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, live, _ = cli(capsys, "run", "threads", "--time-scale", "0.01", "--json")
    assert code == 0
    doc = tmp_path / "run.json"
    doc.write_text(live)
    recording = read_recording(doc, recording_from_document)
    state = recording.state()
    original = json.loads(live)
    assert state.status == RunStatus.FINISHED
    assert [w.id for w in state.workers.values()] == [w["id"] for w in original["workers"]]
    assert [o.text for o in state.outputs] == [o["text"] for o in original["outputs"]]
    replayed = run_document(state, spans=True)
    for w, r in zip(original["workers"], replayed["workers"], strict=True):
        assert r["spans"] == w["spans"] and r["state"] == w["state"]
    code, out, _ = cli(capsys, "replay", str(doc), "--json")
    assert code == 0 and json.loads(out)["outputs"] == original["outputs"]


# -- bad input -----------------------------------------------------------------------------
def _good(tmp_path: Path) -> Path:
    log = RunLog(RecordingHeader.here("threads", {"numbers": 1}))
    path = tmp_path / "good.jsonl.gz"
    return write_recording(path, log.recording())


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = gzip.decompress(_good(tmp_path).read_bytes()).decode()
    header = json.loads(good.splitlines()[0])
    files: dict[str, tuple[Path, str]] = {}

    def put(name: str, data: bytes | str, words: str) -> None:
        path = tmp_path / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        files[name] = (path, words)

    full = gzip.compress((good + '["Output","t1",1.0,"hello"]\n').encode())
    put("truncated.jsonl.gz", full[: len(full) // 2], "truncated or corrupt")
    put("cut.jsonl", good + '["Output","t1",1.0,"hel', "truncated")
    put("corrupt.jsonl", good + "not json at all\n" + '["Output","t1",1.0,"x"]\n', "corrupt")
    put("unknown.jsonl", good + '["Teleported","t1",1.0]\n', "unknown entry kind")
    put("arity.jsonl", good + '["Output","t1"]\n', "needs 3 values")
    newer = json.dumps({**header, "version": VERSION + 1})
    put("newer.jsonl", newer + "\n", "newer interleave")
    put("notrun.json", json.dumps({"hello": "world"}), "not an interleave run")
    put("list.json", "[1, 2, 3]", "not an interleave run")
    put("empty.jsonl", "", "empty")
    put("binary.bin", b"\x00\xff\xfe garbage", "not a recording")
    files["missing"] = (tmp_path / "nope.jsonl", "no such file")
    files["directory"] = (tmp_path, "is a directory")
    return files


def test_bad_files_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, (path, words) in _bad_files(tmp_path).items():
        for extra in ([], ["--json"]):
            code, out, err = cli(capsys, "replay", str(path), *extra)
            assert code == 2, name
            assert out == "", name
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("interleave: error: "), (name, err)
            assert words in lines[0], (name, lines[0])
        with pytest.raises(RecordingError):
            read_recording(path, recording_from_document)


def test_bad_record_and_trace_paths_are_refused_before_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for option in ("--record", "--trace"):
        for where in (tmp_path / "no" / "such" / "dir.jsonl", tmp_path):
            code, out, err = cli(capsys, "run", "threads", "--headless", option, str(where))
            assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    code, _, err = cli(
        capsys, "replay", str(_good(tmp_path)), "--trace", str(tmp_path / "x" / "t.json")
    )
    assert code == 2 and "no such directory" in err


def test_an_unknown_demo_in_a_recording_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = RunLog(RecordingHeader.here("no-such-demo", {}))
    path = write_recording(tmp_path / "x.jsonl", log.recording())
    code, out, err = cli(capsys, "replay", str(path))
    assert code == 2 and out == "" and "unknown demo" in err


def test_compare_records_and_traces_each_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record, trace = tmp_path / "cmp.jsonl.gz", tmp_path / "cmp.json"
    args = ["--workers", "2", "--items", "1", "--wait", "0.01", "--json"]
    code, out, err = cli(
        capsys, "compare", "io-bound", *args, "--record", str(record), "--trace", str(trace)
    )
    assert code == 0, err
    modes = [m["mode"] for m in json.loads(out)["modes"]]
    for mode in modes:
        recorded = read_recording(tmp_path / f"cmp.{mode}.jsonl.gz")
        assert recorded.header.params["mode"] == mode
        assert recorded.state().status == RunStatus.FINISHED
        assert json.loads((tmp_path / f"cmp.{mode}.json").read_text())["traceEvents"]
        assert f"cmp.{mode}.jsonl.gz" in err


def test_options_this_version_does_not_take_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = RunLog(RecordingHeader.here("threads", {"numbers": 5, "colour": "blue"}))
    path = write_recording(tmp_path / "x.jsonl", log.recording())
    code, out, err = cli(capsys, "replay", str(path))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "--colour" in err


def test_a_full_log_keeps_how_the_run_went_and_counts_the_rest() -> None:
    from workloads.events import Output, RunFinished

    log = RunLog(RecordingHeader.here("threads", {}), limit=3)
    log.extend([Output("t1", float(i), "x") for i in range(5)])
    log.add(RunFinished(9.0, 9.0, 0.1))
    recording = log.recording()
    assert len(recording.entries) == 4 and recording.entries[-1] == RunFinished(9.0, 9.0, 0.1)
    assert recording.header.dropped == 2
