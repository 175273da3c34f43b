"""``interleave run PATH`` and ``interleave PATH``: a bad path is one line and exit 2,
before anything runs; a good one runs, with ``--json`` and the script's own arguments."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import tui.cli
from tui.cli import main
from tui.widgets.script_opener import complete_path

CLI = [sys.executable, "-m", "tui"]

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "binary.py").write_bytes(b"\x7fELF\x00\x01" + bytes(range(200)))
    (tmp_path / "latin1.py").write_bytes(b'print("caf\xe9")\n')
    (tmp_path / "syntax.py").write_text("def f(:\n    pass\n")
    (tmp_path / "notes.txt").write_text("print('hi')\n")
    (tmp_path / "broken.ipynb").write_text("{not json")
    (tmp_path / "cellbad.ipynb").write_text(
        json.dumps({"cells": [{"cell_type": "code", "source": "x = (\n"}]})
    )
    (tmp_path / "sub").mkdir()
    return {"DIR": str(tmp_path), **{p.name: str(p) for p in tmp_path.iterdir()}}


@pytest.fixture(autouse=True)
def nothing_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    def tripwire(*args: object, **kwargs: object) -> int:
        raise AssertionError("a run started for bad input")

    monkeypatch.setattr(tui.cli, "_run_app", tripwire)
    monkeypatch.setattr(tui.cli, "_run_headless", tripwire)


CASES = [
    ("{DIR}/missing.py", "no such file"),
    ("{DIR}/missing.txt", "no such file"),
    ("{DIR}/sub", "is a directory"),
    ("{DIR}/notes.txt", "not a Python script (expected a .py or .ipynb file)"),
    ("{DIR}/binary.py", "not a Python script (binary data)"),
    ("{DIR}/latin1.py", "not a Python script (not UTF-8 text)"),
    ("{DIR}/syntax.py", "has a syntax error (line 1)"),
    ("{DIR}/broken.ipynb", "is not a Jupyter notebook"),
    ("{DIR}/cellbad.ipynb", "has a syntax error (cell 1"),
]


@pytest.mark.parametrize("prefix", [["run"], [], ["run", "--json"]], ids=["run", "app", "json"])
@pytest.mark.parametrize(("path", "words"), CASES)
def test_a_bad_path_is_one_line_and_exit_2(
    files: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    prefix: list[str],
    path: str,
    words: str,
) -> None:
    path = path.format(**files)
    argv = [*prefix[:1], path, *prefix[1:]]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("interleave: error: ")
    assert words in err


def test_options_of_a_script_run_are_checked_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ok.py"
    path.write_text("print(1)\n")
    assert main(["run", str(path), "--json", "--theme", "light"]) == 2
    assert main(["run", str(path), "--workers", "3"]) == 2
    assert main(["run", str(path), "--time-scale", "-1"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and all(line.startswith("interleave: error: ") for line in err)


def test_a_demo_id_is_still_a_demo_and_an_unknown_word_is_no_path(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run", "nosuchdemo"]) == 2
    assert "unknown demo" in capsys.readouterr().err


def test_completion_offers_directories_and_scripts(tmp_path: Path) -> None:
    (tmp_path / "lesson.ipynb").write_text("{}")
    (tmp_path / "labs").mkdir()
    (tmp_path / "lab.txt").write_text("")
    base = str(tmp_path)
    assert complete_path(f"{base}/less") == f"{base}/lesson.ipynb"
    assert complete_path(f"{base}/lab") == f"{base}/labs/"
    assert complete_path(f"{base}/lab.t") is None
    assert complete_path(f"{base}/nothing/x") is None


@pytest.mark.usefixtures("no_orphans")
def test_run_a_script_as_json_with_its_arguments(tmp_path: Path) -> None:
    path = tmp_path / "mine.py"
    path.write_text(
        "import sys, time\nfrom threading import Thread\n"
        "t = Thread(target=lambda: print('hi', *sys.argv[1:]))\nt.start(); t.join()\n"
    )
    done = subprocess.run(
        [*CLI, "run", str(path), "--json", "--time-scale", "0.1", "--", "a", "--json"],
        capture_output=True,
        text=True,
        timeout=50,
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["demo"] == "mine.py" and doc["status"] == "finished"
    assert [o["text"] for o in doc["outputs"]] == ["hi a --json"]
    assert doc["wall_s"] >= 0
    assert [w["kind"] for w in doc["workers"]] == ["thread", "thread"]
