"""Deck blocks that name files: ``run PATH.py`` and ``replay FILE``, checked like the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui_fakes import PARAMS, threads_run_events
from tui.cli import main
from tui.lecture.deck_commands import CommandProblem, DeckCommand, check_command
from workloads.recording import Entry, Recording, RecordingHeader, write_recording


def _recording(path: Path, demo: str = "threads") -> Path:
    """A small recording of a finished threads run, written where a deck can name it."""
    entries: list[Entry] = [*threads_run_events()]
    write_recording(path, Recording(RecordingHeader(demo, PARAMS), entries))
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A deck's folder with good and bad files beside it."""
    (tmp_path / "mine.py").write_text("print('hello')\n")
    (tmp_path / "broken.py").write_text("def (:\n")
    (tmp_path / "notes.txt").write_text("not code\n")
    (tmp_path / "blob.py").write_bytes(b"\x00\x01\x02")
    (tmp_path / "junk.jsonl").write_text("this is not a recording\n")
    (tmp_path / "cut.jsonl.gz").write_bytes(b"\x1f\x8b\x08 truncated")
    _recording(tmp_path / "run.jsonl.gz")
    _recording(tmp_path / "old.jsonl", demo="gone-demo")
    return tmp_path


def test_a_script_block_is_checked_and_typed(folder: Path) -> None:
    checked = check_command("run mine.py --time-scale 0.5 -- 3 --fast", folder)
    assert isinstance(checked, DeckCommand) and checked.script is not None
    assert checked.verb == "run" and checked.time_scale == 0.5
    assert checked.script.path == str(folder / "mine.py")  # relative to the deck
    assert checked.script.argv == ("3", "--fast")  # after --: the script's own
    demo = checked.demo()
    assert demo.script == checked.script and demo.id == "mine.py"


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("run gone.py", "no such file: 'gone.py'"),
        ("run notes.txt", "'notes.txt' is not a Python script"),
        ("run broken.py", "'broken.py' has a syntax error (line 1)"),
        ("run blob.py", "not a Python script (binary data)"),
        ("run mine.py --workers 2", "unrecognized arguments: --workers 2"),
        ("run mine.py --headless", "not for a slide"),
        ("replay", "required: FILE"),
        ("replay gone.jsonl.gz", "no such file: 'gone.jsonl.gz'"),
        ("replay junk.jsonl", "junk.jsonl is not a recording"),
        ("replay cut.jsonl.gz", "cut.jsonl.gz"),
        ("replay old.jsonl", "unknown demo 'gone-demo'"),
        ("replay run.jsonl.gz --json", "not for a slide"),
        ("replay run.jsonl.gz --trace t.json", "not for a slide"),
        ("replay run.jsonl.gz --speed 2", "unrecognized arguments"),
    ],
)
def test_bad_file_blocks_are_one_line_problems(folder: Path, command: str, words: str) -> None:
    checked = check_command(command, folder)
    assert isinstance(checked, CommandProblem)
    assert words in checked.message
    assert "\n" not in checked.message
    assert str(folder) not in checked.message  # the file as the deck wrote it


@pytest.mark.parametrize(
    "args",
    [["run", "broken.py"], ["run", "notes.txt"], ["replay", "junk.jsonl"], ["replay", "old.jsonl"]],
)
def test_a_block_is_refused_in_the_cli_s_own_words(
    folder: Path,
    args: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(folder)
    assert main(args) == 2
    said = capsys.readouterr().err.strip().removeprefix("interleave: error: ")
    checked = check_command(" ".join(args), folder)
    assert isinstance(checked, CommandProblem)
    assert checked.message == said


def test_a_replay_block_reads_its_recording(folder: Path) -> None:
    checked = check_command("replay run.jsonl.gz", folder)
    assert isinstance(checked, DeckCommand) and checked.recording is not None
    assert (checked.verb, checked.demo_id) == ("replay", "threads")
    assert checked.source == str(folder / "run.jsonl.gz")
    assert len(checked.recording.entries) == len(threads_run_events())
    # The same block checked twice is the same command (a slide keeps its run).
    assert check_command("replay run.jsonl.gz", folder) == checked


def test_check_reports_bad_file_blocks_and_exits_2(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = folder / "talk.md"
    deck.write_text(
        "# Mine\n```interleave\nrun mine.py\n```\n---\n"
        "# Replay\n```interleave\nreplay run.jsonl.gz\n```\n---\n"
        "# Broken\n```interleave\nrun broken.py\n```\n---\n"
        "# Junk\n```interleave\nreplay junk.jsonl\n```\n"
    )
    assert main(["lecture", str(deck), "--check"]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert "talk.md:12: slide 3 (Broken): 'broken.py' has a syntax error" in lines[0]
    assert "talk.md:17: slide 4 (Junk): junk.jsonl is not a recording" in lines[1]
