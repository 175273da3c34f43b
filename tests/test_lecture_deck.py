"""The deck format: every construct, and every kind of bad input (tui/lecture/deck.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.lecture.deck import Block, Deck, DeckError, parse_deck, read_deck
from tui.lecture.deck_commands import CommandProblem, DeckCommand, check_command, resolve_paths

BASE = Path("/decks")


def _parse(text: str) -> Deck:
    return parse_deck(text, BASE)


def test_dashes_separate_slides_and_the_first_hash_heading_is_the_title() -> None:
    deck = _parse("# One\nbody\n---\n## sub\n# Two\n---\n\n# Three\n")
    assert [s.title for s in deck.slides] == ["One", "Two", "Three"]
    assert [s.number for s in deck.slides] == [1, 2, 3]
    assert deck.slides[1].line == 4
    assert deck.base == BASE


def test_titles_are_plain_text() -> None:
    assert _parse("# Example: `threading.Thread` is **easy**\n").slides[0].title == (
        "Example: threading.Thread is easy"
    )


def test_a_slide_without_a_title_heading_uses_another_heading_or_its_number() -> None:
    deck = _parse("## Only a subheading\n---\njust text\n")
    assert [s.title for s in deck.slides] == ["Only a subheading", "Slide 2"]


def test_dashes_inside_a_fenced_block_do_not_split() -> None:
    deck = _parse("# A\n```\nbefore\n---\nafter\n```\n---\n# B\n")
    assert len(deck) == 2
    assert "---" in deck.slides[0].markdown(0)


def test_empty_slides_between_separators_are_dropped() -> None:
    deck = _parse("---\n# A\n---\n\n---\n# B\n---\n")
    assert [s.title for s in deck.slides] == ["A", "B"]


@pytest.mark.parametrize("text", ["", "\n\n  \n", "---\n---\n"])
def test_an_empty_deck_is_one_slide_saying_so(text: str) -> None:
    deck = _parse(text)
    assert len(deck) == 1
    assert "empty" in deck.slides[0].title


def test_an_interleave_block_holds_one_command() -> None:
    slide = _parse("# Run\ntext\n```interleave\nrun threads --time-scale 0.5\n```\n").slides[0]
    assert slide.block == Block("run threads --time-scale 0.5", False, 0, 3)
    # The slide shows the command as typed, where the block was.
    assert "`interleave run threads --time-scale 0.5`" in slide.markdown(0)
    assert not slide.problems


def test_autorun_after_the_info_string() -> None:
    slide = _parse("```interleave autorun\nrun threads\n```\n").slides[0]
    assert slide.block is not None and slide.block.autorun


def test_a_command_typed_with_interleave_in_front_is_accepted() -> None:
    slide = _parse("```interleave\ninterleave run threads\n```\n").slides[0]
    assert slide.block is not None and slide.block.command == "run threads"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("```interleave\n```\n", "holds no command"),
        ("```interleave\nrun threads\nrun processes\n```\n", "one command line"),
        ("```interleave\nrun threads\n```\n```interleave\nrun processes\n```\n", "per slide"),
        ("```interleave autostart\nrun threads\n```\n", "unknown word"),
    ],
)
def test_malformed_blocks_are_problems_of_their_slide(text: str, problem: str) -> None:
    deck = _parse(f"# Fine\n---\n# Bad\n{text}---\n# Fine too\n")
    assert not deck.slides[0].problems and not deck.slides[2].problems
    assert any(problem in p for p in deck.slides[1].problems)


def test_pauses_cut_the_slide_into_steps() -> None:
    slide = _parse("# Q\nHow long?\n<!-- pause -->\n10 s\n<!--pause-->\nwhy\n").slides[0]
    assert len(slide.steps) == 3
    assert "10 s" not in slide.markdown(0)
    assert "10 s" in slide.markdown(1) and "why" not in slide.markdown(1)
    assert "why" in slide.markdown(2) and "How long?" in slide.markdown(2)


def test_the_block_remembers_the_step_it_appears_in() -> None:
    slide = _parse("# Q\n<!-- pause -->\n```interleave\nrun threads\n```\n").slides[0]
    assert slide.block is not None and slide.block.step == 1


def test_notes_in_a_comment_one_line_or_several() -> None:
    deck = _parse(
        "# A\nshown\n<!-- notes: say hello -->\n---\n# B\n<!-- notes:\nfirst\nsecond\n-->\nend\n"
    )
    assert deck.slides[0].notes == "say hello"
    assert "notes" not in deck.slides[0].markdown(0)
    assert deck.slides[1].notes == "first\nsecond"
    assert deck.slides[1].markdown(0).endswith("end")


def test_a_line_starting_with_note_begins_the_notes_to_the_end_of_the_slide() -> None:
    slide = _parse("# A\nshown\n\nNote: ask the room\n\nthen wait\n\n---\n# B\n").slides[0]
    assert slide.notes == "ask the room\n\nthen wait"
    assert "ask the room" not in slide.markdown(0) and "shown" in slide.markdown(0)


def test_note_inside_a_code_block_stays_on_the_slide() -> None:
    slide = _parse("# A\n```\nNote: this is code\n```\n").slides[0]
    assert slide.notes == ""
    assert "Note: this is code" in slide.markdown(0)


def test_markdown_and_ascii_diagrams_are_kept_as_written() -> None:
    diagram = "```\n+------+     +------+\n| proc | --> | thr  |\n+------+     +------+\n```"
    text = f"# A\n- **bold** *it*\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> quote\n\n{diagram}\n"
    slide = _parse(text).slides[0]
    assert diagram in slide.markdown(0)
    assert "| a | b |\n|---|---|" in slide.markdown(0)


def test_windows_line_endings() -> None:
    deck = _parse("# A\r\n---\r\n# B\r\n")
    assert [s.title for s in deck.slides] == ["A", "B"]


def test_a_thousand_slides_parse() -> None:
    text = "\n---\n".join(f"# Slide {i}\n- a point\n<!-- pause -->\nmore" for i in range(1000))
    deck = _parse(text)
    assert len(deck) == 1000
    assert deck.slides[-1].title == "Slide 999"


def test_read_deck_relative_paths_are_from_the_deck_file(tmp_path: Path) -> None:
    path = tmp_path / "talk.md"
    path.write_text("# A\n", encoding="utf-8")
    deck = read_deck(path)
    assert deck.base == tmp_path and deck.path == path


def test_read_deck_accepts_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "talk.md"
    path.write_bytes("\ufeff# Café\n".encode())
    assert read_deck(path).slides[0].title == "Café"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\0\0\0", "binary"),
        ("# Caf\xe9\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unreadable_decks_are_one_clear_error(tmp_path: Path, data: bytes, words: str) -> None:
    path = tmp_path / "talk.md"
    path.write_bytes(data)
    with pytest.raises(DeckError, match=words) as info:
        read_deck(path)
    assert "\n" not in str(info.value)


def test_a_missing_deck_or_a_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DeckError, match="no deck file"):
        read_deck(tmp_path / "nope.md")
    with pytest.raises(DeckError, match="folder"):
        read_deck(tmp_path)


# -- commands, checked by the CLI's own parsers ---------------------------------------------


def test_a_run_command_is_checked_and_typed() -> None:
    checked = check_command("run cpu-bound --mode processes --time-scale 0.5", BASE)
    assert isinstance(checked, DeckCommand)
    assert (checked.verb, checked.demo_id, checked.time_scale) == ("run", "cpu-bound", 0.5)
    assert checked.params["mode"] == "processes"


def test_a_compare_command_is_checked() -> None:
    checked = check_command("compare io-bound --workers 2", BASE)
    assert isinstance(checked, DeckCommand)
    assert checked.verb == "compare" and checked.params["workers"] == 2


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("run nope", "unknown demo"),
        ("run threads --workers 3", "unrecognized arguments"),
        ("run threads --sleep -1", "sleep"),
        ("compare threads", "nothing to compare"),
        ("run threads --json", "not for a slide"),
        ("list", "not 'list'"),
        ("run 'unclosed", "cannot split"),
        ("run missing.py", "no such file: 'missing.py'"),
    ],
)
def test_bad_commands_are_one_line_problems(command: str, words: str) -> None:
    checked = check_command(command, BASE)
    assert isinstance(checked, CommandProblem)
    assert words in checked.message
    assert "\n" not in checked.message


def test_files_are_looked_for_beside_the_deck(tmp_path: Path) -> None:
    (tmp_path / "mine.py").write_text("print(1)\n")
    checked = check_command("run mine.py", tmp_path)
    assert isinstance(checked, DeckCommand) and checked.script is not None
    assert checked.script.path == str(tmp_path / "mine.py")


def test_paths_in_a_command_are_made_absolute_from_the_deck(tmp_path: Path) -> None:
    argv = ["run", "demos/mine.py", "--time-scale", "0.5"]
    assert resolve_paths(argv, tmp_path) == [
        "run",
        str(tmp_path / "demos/mine.py"),
        "--time-scale",
        "0.5",
    ]
    assert resolve_paths(["replay", "/abs/run.jsonl.gz"], tmp_path)[1] == "/abs/run.jsonl.gz"
