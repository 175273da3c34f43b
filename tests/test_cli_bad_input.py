"""Bad command-line input, swept: every case exits 2 with one line on stderr, nothing else.

Most cases call :func:`tui.cli.main` in-process (bad input is refused before anything
runs, and the run functions are replaced by tripwires to prove it); a few go through a
real ``python -m tui`` to check the real exit code, including a ``--urls`` FIFO that
must be refused, not waited on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tui.cli
import tui.cli_compare
from tui.cli import main

CLI = [sys.executable, "-m", "tui"]
HUGE = "9" * 5000


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Paths the cases point at: a directory, a binary file, a file that cannot run."""
    root = tmp_path_factory.mktemp("bad-input")
    binary = root / "urls.bin"
    binary.write_bytes(bytes(range(256)))
    not_exec = root / "python"
    not_exec.write_text("#!/bin/sh\n")
    empty = root / "empty.txt"
    empty.write_text("# only a comment\n")
    return {
        "DIR": str(root),
        "BINARY": str(binary),
        "NOT_EXEC": str(not_exec),
        "EMPTY": str(empty),
        "MISSING": str(root / "missing.txt"),
    }


@pytest.fixture(autouse=True)
def nothing_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bad input must be refused before a run starts: starting one fails the test."""

    def tripwire(*args: object, **kwargs: object) -> int:
        raise AssertionError(f"a run started for bad input: {args}")

    monkeypatch.setattr(tui.cli, "_run_app", tripwire)
    monkeypatch.setattr(tui.cli, "_run_headless", tripwire)
    monkeypatch.setattr(tui.cli_compare, "compare", tripwire)


# (argv, words the one line must contain); "{DIR}" and friends are the `files` paths.
CASES: list[tuple[list[str], str]] = [
    # run: the demo
    (["run"], "run needs a demo first"),
    (["run", "--headless"], "run needs a demo first, not '--headless'"),
    (["run", "nope"], "unknown demo 'nope'"),
    (["run", ""], "unknown demo ''"),
    (["run", "THREADS"], "unknown demo 'THREADS'"),
    # run: numbers
    (["run", "threads", "--sleep", "60.0000001"], "--sleep must be at most 60, not 60.0000001"),
    (
        ["run", "thread-pool", "--items", "1000000000"],
        "--items must be at most 1000, not 1000000000",
    ),
    (["run", "thread-pool", "--items", "1e9"], "--items must be a whole number, not '1e9'"),
    (["run", "thread-pool", "--items", HUGE], "--items is too long: 5000 characters"),
    (["run", "thread-pool", "--items", "9" * 400], "--items must be at most 1000, not 9999"),
    (["run", "threads", "--sleep", "inf"], "--sleep must be a number, not 'inf'"),
    (["run", "threads", "--sleep", "nan"], "--sleep must be a number, not 'nan'"),
    (["run", "threads", "--sleep", "-inf"], "argument --sleep: expected one argument"),
    (["run", "threads", "--sleep", "1e999"], "--sleep must be at most 60, not 1e999"),
    (["run", "threads", "--sleep", "0x1p3"], "--sleep must be a number, not '0x1p3'"),
    (["run", "threads", "--sleep", ""], "argument --sleep: needs a value, not ''"),
    (["run", "threads", "--numbers", "   "], "argument --numbers: needs a value"),
    (["run", "threads", "--numbers", "６４"], "--numbers must be a whole number, not '６４'"),
    (["run", "threads", "--numbers", "6_4"], "--numbers must be a whole number, not '6_4'"),
    (["run", "threads", "--numbers", "٣"], "--numbers must be a whole number"),
    (["run", "threads", "--numbers", "0x10"], "--numbers must be a whole number, not '0x10'"),
    (["run", "threads", "--numbers", "1 0"], "--numbers must be a whole number, not '1 0'"),
    (["run", "threads", "--numbers", "-5"], "--numbers must be at least 1, not -5"),
    (["run", "threads", "--letters", "27"], "--letters must be at most 26, not 27"),
    (["run", "cpu-bound", "--workers", "1000"], "--workers must be at most 256, not 1000"),
    (["run", "cpu-bound", "--size", "99999999999"], "--size must be at most 10000000"),
    (["run", "io-bound", "--switch-interval", "0"], "--switch-interval must be at least 0.01"),
    (["run", "threads", "--time-scale", "0"], "--time-scale must be at least 0.001, not 0"),
    (["run", "threads", "--time-scale", "1e400"], "--time-scale must be at most 100, not 1e400"),
    # run: option shapes
    (["run", "threads", "--numbers"], "argument --numbers: expected one argument"),
    (["run", "threads", "--numbers", "2", "--numbers", "3"], "--numbers: given more than once"),
    (["run", "threads", "--headless", "--headless"], "--headless: given more than once"),
    (["run", "threads", "--json", "--json"], "--json: given more than once"),
    (["run", "threads", "--workers", "3"], "unrecognized arguments: --workers 3"),
    (["run", "cpu-bound", "--url", "http://a.test/"], "unrecognized arguments: --url"),
    (["run", "threads", "--time", "2"], "unrecognized arguments: --time 2"),
    (["run", "threads", "extra"], "unrecognized arguments: extra"),
    (["run", "cpu-bound", "--mode", "fast"], "--mode must be one of"),
    (["run", "threads", "--bad\noption"], "unrecognized arguments: --bad\\noption"),
    # run: text, files and interpreters (url_source.py words the file errors; the line
    # must name the option and the path)
    (["run", "scrape", "--urls", "{DIR}"], "--urls {DIR}: "),
    (["run", "scrape", "--urls", "{BINARY}"], "--urls {BINARY}: "),
    (["run", "scrape", "--urls", "{MISSING}"], "--urls {MISSING}: "),
    (["run", "scrape", "--urls", "{EMPTY}"], "--urls {EMPTY}: "),
    (["run", "scrape", "--urls", "a\x00b"], "--urls must not contain control characters"),
    (["run", "scrape", "--urls", HUGE], "--urls is too long: 5000 characters, at most 4096"),
    (["run", "scrape", "--url", "http://a\nb"], "--url must not contain control characters"),
    (["run", "scrape", "--url", "x" * 5000], "--url is too long"),
    (["run", "scrape", "--url", ""], "argument --url: needs a value, not ''"),
    (["run", "scrape", "--pages", "0"], "--pages must be at least 1, not 0"),
    (["run", "threads", "--python", "{DIR}"], "--python {DIR}: not an executable file"),
    (["run", "threads", "--python", "{NOT_EXEC}"], "not an executable file"),
    (["run", "threads", "--python", "/bin/true"], "not a Python interpreter this can use"),
    (["run", "threads", "--python", ""], "argument --python: needs a value"),
    # compare
    (["compare"], "compare needs a demo first"),
    (["compare", "--json"], "compare needs a demo first, not '--json'"),
    (["compare", "nope"], "unknown demo 'nope'"),
    (["compare", "threads"], "no --mode"),
    (["compare", "cpu-bound", "--mode", "threads"], "unrecognized arguments: --mode threads"),
    (["compare", "io-bound", "--workers", "0"], "--workers must be at least 1, not 0"),
    (["compare", "io-bound", "--wait", "nan"], "--wait must be a number, not 'nan'"),
    (["compare", "io-bound", "--json", "--json"], "--json: given more than once"),
    (["compare", "scrape", "--latency", "-1"], "--latency must be at least 0, not -1"),
    (["compare", "cpu-bound", "--python", "/bin/true"], "not a Python interpreter"),
    (["compare", "cpu-bound", "--time-scale", "fast"], "--time-scale must be a number"),
    # list
    (["list", "--bogus"], "list takes no arguments, not '--bogus'"),
    (["list", "threads"], "list takes no arguments, not 'threads'"),
    # the app's own options
    (["--demo", "nope"], "unknown demo 'nope'"),
    (["--demo"], "argument --demo: expected one argument"),
    (["--demo", ""], "argument --demo: needs a value"),
    (["--time-scale", "fast"], "--time-scale must be a number, not 'fast'"),
    (["--time-scale", "６"], "--time-scale must be a number"),
    (["--time-scale", "1", "--time-scale", "2"], "--time-scale: given more than once"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--python", "/bin/true"], "not a Python interpreter this can use"),
    (["--python", "{DIR}"], "not an executable file"),
    (["--demo", "threads", "--workers", "3"], "unrecognized arguments: --workers 3"),
    # --demo ID takes that demo's options, checked as `run` checks them
    (["--demo", "cpu-bound", "--mode", "fast"], "--mode must be one of"),
    (["--demo", "cpu-bound", "--workers", "0"], "--workers must be at least 1, not 0"),
    (["--mode", "processes", "--demo", "io-bound", "--wait", "nan"], "--wait must be a number"),
    (["--demo", "threads", "--numbers", "2", "--numbers", "3"], "--numbers: given more than once"),
    (["--demo", "threads", "--demo", "threads"], "argument --demo: given more than once"),
    (["--workers", "2"], "unrecognized arguments: --workers 2"),
    (["--demo", "nope", "--workers", "2"], "unknown demo 'nope'"),
    (["--demo", "scrape", "--urls", "{DIR}"], "--urls {DIR}: "),
    (["--demo", "threads", "--python", "/bin/true"], "not a Python interpreter this can use"),
    # unknown commands
    (["frobnicate"], "unknown command 'frobnicate'"),
    (["Run", "threads"], "unknown command 'Run'"),
    ([""], "unknown command ''"),
    (["bad\nname"], "unknown command 'bad\\nname'"),
]


def _argv(args: list[str], files: dict[str, str]) -> list[str]:
    return [a.format(**files) if a.startswith("{") else a for a in args]


def _assert_one_line(code: int, out: str, err: str, words: str) -> None:
    assert code == 2, err
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("interleave: error: ")
    assert words in lines[0]
    assert "Traceback" not in err


def test_there_are_enough_distinct_cases() -> None:
    assert len({tuple(args) for args, _ in CASES}) == len(CASES) >= 40


@pytest.mark.parametrize(("args", "words"), CASES, ids=[" ".join(a)[:40] for a, _ in CASES])
def test_bad_input_exits_2_with_one_line(
    args: list[str], words: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(_argv(args, files))
    out, err = capsys.readouterr()
    _assert_one_line(code, out, err, words.format(**files) if "{" in words else words)


@pytest.mark.parametrize(
    "args",
    [["--help"], ["run", "--help"], ["compare", "--help"], ["list", "--help"], ["help"]],
)
def test_help_still_exits_0(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 0
    assert "usage" in capsys.readouterr().out


def _cli(args: list[str]) -> subprocess.CompletedProcess[str]:
    # The bound is a hang detector, not a timing assertion.
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=20)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["run"], "run needs a demo first"),
        (["compare"], "compare needs a demo first"),
        (["run", "cpu-bound", "--workers", "1000"], "--workers must be at most 256, not 1000"),
        (["run", "threads", "--python", "/bin/true"], "not a Python interpreter"),
        (["list", "x"], "list takes no arguments"),
        (["--time-scale", "inf"], "--time-scale must be a number, not 'inf'"),
        (["--demo", "cpu-bound", "--workers", "1000"], "--workers must be at most 256"),
    ],
)
def test_real_exit_codes(args: list[str], words: str) -> None:
    done = _cli(args)
    _assert_one_line(done.returncode, done.stdout, done.stderr, words)


def test_a_fifo_as_urls_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "urls.fifo"
    os.mkfifo(fifo)
    done = _cli(["run", "scrape", "--urls", str(fifo), "--headless"])
    _assert_one_line(done.returncode, done.stdout, done.stderr, f"--urls {fifo}")
