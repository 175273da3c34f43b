"""``interleave lecture [DECK.md] [--theme T] [--check] [--presenter]``.

``--check`` reads the deck and checks every block's command (and every file it names)
without opening the app: one line per problem, exit code 2 if there is any.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tui.cli import Parser, UsageError, add_theme_option, theme_from
from tui.lecture.deck import Deck, DeckError, read_deck
from tui.lecture.deck_commands import CommandProblem, check_command

#: The lecture that ships with the app: the lesson of the seed, in its order.
BUILT_IN = Path(__file__).with_name("lesson.md")
EXIT_PROBLEMS = 2


def _parser() -> Parser:
    parser = Parser(
        prog="interleave lecture",
        description="Give a lecture from a Markdown deck whose slides run demos live.",
    )
    parser.add_argument("deck", nargs="?", metavar="DECK.md", help="a deck (default: built-in)")
    add_theme_option(parser)
    parser.add_argument("--check", action="store_true", help="check the deck, open nothing")
    parser.add_argument(
        "--presenter", action="store_true", help="the presenter's view: notes, next, timer"
    )
    return parser


def deck_problems(deck: Deck) -> list[str]:
    """Every problem of ``deck``, one line each: ``FILE:LINE: slide N: what``."""
    name = str(deck.path) if deck.path is not None else "deck"
    problems: list[str] = []
    for slide in deck.slides:
        where = f"slide {slide.number} ({slide.title})"
        problems += [f"{name}: {where}: {p}" for p in slide.problems]
        block = slide.block
        if block is None:
            continue
        checked = check_command(block.command, deck.base)
        if isinstance(checked, CommandProblem):
            problems.append(f"{name}:{block.line}: {where}: {checked.message}")
    return problems


def cmd_lecture(argv: Sequence[str]) -> int:
    """Entry point of ``interleave lecture``; returns the exit code."""
    ns = _parser().parse_args(list(argv))
    path = Path(ns.deck) if ns.deck is not None else BUILT_IN
    try:
        deck = read_deck(path)
    except DeckError as exc:
        raise UsageError(str(exc)) from None
    if ns.check:
        if ns.presenter or ns.theme is not None:
            raise UsageError("--check opens nothing: it takes no --presenter or --theme")
        problems = deck_problems(deck)
        for line in problems:
            print(line)
        if not problems:
            print(f"{path}: {len(deck)} slides, no problem")
        return EXIT_PROBLEMS if problems else 0
    from tui.lecture.lecture_app import LectureApp

    app = LectureApp(path, presenter=ns.presenter, theme=theme_from(ns))
    app.run()
    return int(app.return_code or 0)
