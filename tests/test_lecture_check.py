"""``interleave lecture --check``: the example deck, the built-in lesson, and bad decks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.lecture.deck import read_deck
from tui.lecture.lecture_cli import BUILT_IN, deck_problems

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "deck.md"


def test_the_example_deck_checks_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lecture", str(EXAMPLE), "--check"]) == 0
    out = capsys.readouterr().out
    assert "no problem" in out


def test_the_built_in_lesson_checks_clean() -> None:
    deck = read_deck(BUILT_IN)
    assert 25 <= len(deck) <= 40
    assert deck.slides[-1].title == "Cheat sheet"
    assert all(slide.notes for slide in deck.slides)  # a note for every slide
    assert deck_problems(deck) == []
    assert main(["lecture", "--check"]) == 0  # what a lecturer's CI would run


def test_the_built_in_lesson_is_installed_with_the_package() -> None:
    # The deck and the lecture's stylesheet are package data (pyproject.toml).
    text = (ROOT / "pyproject.toml").read_text()
    assert '"lecture/*.md"' in text and '"lecture/*.tcss"' in text
    assert BUILT_IN.is_file()


def test_a_bad_deck_gets_one_line_per_problem_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = tmp_path / "bad.md"
    (tmp_path / "here.py").write_text("print(1)\n")
    deck.write_text(
        "# Fine\n```interleave\nrun threads\n```\n---\n"
        "# Unknown\n```interleave\nrun nope\n```\n---\n"
        "# Bad option\n```interleave\nrun threads --workers 2\n```\n---\n"
        "# Missing script\n```interleave\nrun gone.py\n```\n---\n"
        "# Empty\n```interleave\n```\n"
    )
    assert main(["lecture", str(deck), "--check"]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert "bad.md:7: slide 2 (Unknown): unknown demo 'nope'" in lines[0]
    assert "slide 3 (Bad option)" in lines[1] and "--workers" in lines[1]
    assert "slide 4 (Missing script): no such file: 'gone.py'" in lines[2]
    assert "slide 5 (Empty)" in lines[3] and "no command" in lines[3]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "no deck file"),
        (b"\x00\x01\x02binary", "binary"),
        (b"# caf\xe9\n", "not UTF-8"),
    ],
)
def test_unreadable_decks_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, words: str
) -> None:
    deck = tmp_path / "talk.md"
    if content is not None:
        deck.write_bytes(content)
    for extra in ([], ["--check"]):
        assert main(["lecture", str(deck), *extra]) == 2
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1


def test_check_takes_no_presenter_or_theme(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lecture", str(EXAMPLE), "--check", "--presenter"]) == 2
    assert "--check opens nothing" in capsys.readouterr().err
    assert main(["lecture", str(EXAMPLE), "--theme", "nope"]) == 2


def test_check_through_the_real_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui", "lecture", str(EXAMPLE), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_check_never_loads_the_ui() -> None:
    # `lecture --check` runs in CI: parsing and checking a deck import no Textual.
    code = (
        "import sys; from tui.cli import main; "
        f"rc = main(['lecture', {str(EXAMPLE)!r}, '--check']); "
        "assert 'textual' not in sys.modules, 'textual loaded'; sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
