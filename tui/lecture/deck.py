"""The lecture deck format, and its parser (pure: no Textual, no file system but :func:`read_deck`).

A deck is Markdown:

- a line holding only ``---`` (outside a fenced block) separates slides;
- a slide's first ``#`` heading is its title;
- a fenced block whose info string is ``interleave`` holds one command line, as typed
  after ``interleave`` (``run threads --time-scale 0.5``); ``interleave autorun`` starts
  it as soon as the slide is shown;
- a line ``<!-- pause -->`` splits the slide into steps, revealed one key at a time;
- ``<!-- notes: ... -->`` (one line or several), or a line starting with ``Note:`` and
  everything after it to the end of the slide, holds the speaker notes;
- everything else is ordinary Markdown, shown as it is.

Paths in commands are relative to the deck's file (:attr:`Deck.base`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

#: The info string of a block that holds a command.
BLOCK_INFO = "interleave"
#: The word after it that starts the run when the slide is shown.
AUTORUN = "autorun"
#: Bytes read at most: a deck is text someone wrote, not a data dump.
MAX_BYTES = 8 * 1024 * 1024

_SEPARATOR = re.compile(r"^\s{0,3}---\s*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*(.*)$")
_TITLE = re.compile(r"^\s{0,3}#\s+(.*?)\s*#*\s*$")
_ANY_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_PAUSE = re.compile(r"^\s*<!--\s*pause\s*-->\s*$", re.IGNORECASE)
_NOTES_START = re.compile(r"^\s*<!--\s*notes?\s*:(.*)$", re.IGNORECASE | re.DOTALL)
_NOTE_PARAGRAPH = re.compile(r"^\s{0,3}notes?:\s?(.*)$", re.IGNORECASE)


class DeckError(Exception):
    """A deck that cannot be read at all; the message is one line."""


class Block(NamedTuple):
    """A fenced ``interleave`` block: the command line it holds."""

    command: str
    #: Start the run as soon as the slide is shown.
    autorun: bool
    #: The step (0-based, see :attr:`Slide.steps`) at which the block appears.
    step: int
    #: The line of the block's opening fence in the deck file (1-based).
    line: int


@dataclass(frozen=True)
class Slide:
    """One slide: its title, its steps of Markdown, its block, its notes."""

    #: 1-based position in the deck.
    number: int
    title: str
    #: The slide's Markdown cut at each pause: step ``i`` shows ``steps[: i + 1]``.
    steps: tuple[str, ...]
    notes: str = ""
    block: Block | None = None
    #: What is wrong in the slide itself (an empty block, a second block ...).
    problems: tuple[str, ...] = ()
    #: The line the slide starts on in the deck file (1-based).
    line: int = 1

    def markdown(self, step: int) -> str:
        """The Markdown shown at ``step`` (every step up to it, joined)."""
        return "\n\n".join(self.steps[: max(0, step) + 1])


@dataclass(frozen=True)
class Deck:
    """A parsed deck; ``base`` is the folder that paths in its commands are relative to."""

    slides: tuple[Slide, ...]
    base: Path
    #: The deck's file, or None for a deck parsed from text.
    path: Path | None = None

    def __len__(self) -> int:
        return len(self.slides)


def read_deck(path: Path) -> Deck:
    """Read and parse the deck at ``path`` (a one-line :class:`DeckError` if it cannot)."""
    try:
        if path.is_dir():
            raise DeckError(f"{path} is a folder, not a deck file")
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise DeckError(f"no deck file at {path}") from None
    except OSError as exc:
        raise DeckError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise DeckError(f"{path} is over {MAX_BYTES // (1024 * 1024)} MB: not a deck")
    return parse_deck(decode(data, str(path)), path.parent, path)


def decode(data: bytes, name: str = "the deck") -> str:
    """``data`` as text: UTF-8 (with or without a BOM); a :class:`DeckError` otherwise."""
    if b"\0" in data:
        raise DeckError(f"{name} is a binary file, not a Markdown deck")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DeckError(
            f"{name} is not UTF-8 text (byte {exc.start + 1} is {data[exc.start]:#04x})"
        ) from None


def parse_deck(text: str, base: Path, path: Path | None = None) -> Deck:
    """Parse ``text``; never raises: a deck with no slide gets one that says so."""
    slides: list[Slide] = []
    for start, lines in _split(text.replace("\r\n", "\n").replace("\r", "\n")):
        if any(line.strip() for line in lines):
            slides.append(_slide(len(slides) + 1, start, lines))
    if not slides:
        empty = "# This deck is empty\n\nWrite slides in Markdown, separated by lines of `---`."
        slides.append(Slide(1, "This deck is empty", (empty,)))
    return Deck(tuple(slides), base, path)


def _split(text: str) -> list[tuple[int, list[str]]]:
    """The slides' lines, each with the line (1-based) it starts on."""
    chunks: list[tuple[int, list[str]]] = [(1, [])]
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), 1):
        fence = _fence_after(line, fence)
        if fence is None and _SEPARATOR.match(line) and not _opens_fence(line):
            chunks.append((number + 1, []))
        else:
            chunks[-1][1].append(line)
    return chunks


def _opens_fence(line: str) -> bool:
    return bool(_FENCE.match(line))


def _fence_after(line: str, fence: str | None) -> str | None:
    """The fence open after ``line`` (None: not in a fenced block)."""
    m = _FENCE.match(line)
    if m is None:
        return fence
    marker = m.group(1)
    if fence is None:
        return marker
    # A fence closes on the same character, at least as long, with no info string.
    if marker[0] == fence[0] and len(marker) >= len(fence) and not m.group(2).strip():
        return None
    return fence


class _Parts:
    """What one slide is made of, gathered line by line."""

    def __init__(self) -> None:
        self.steps: list[list[str]] = [[]]
        self.notes: list[str] = []
        self.block: Block | None = None
        self.problems: list[str] = []
        self.title = ""
        self.heading = ""


def _slide(number: int, start: int, lines: list[str]) -> Slide:
    parts = _Parts()
    body, note_lines = _cut_note_paragraph(lines)
    i = 0
    while i < len(body):
        line = body[i]
        fence = _FENCE.match(line)
        if fence is not None:
            i = _take_fence(parts, body, i, start, fence)
            continue
        notes = _NOTES_START.match(line)
        if notes is not None:
            i = _take_notes(parts, body, i, notes.group(1))
            continue
        if _PAUSE.match(line):
            parts.steps.append([])
        else:
            _see_heading(parts, line)
            parts.steps[-1].append(line)
        i += 1
    notes_text = "\n".join([*parts.notes, *note_lines]).strip()
    steps = tuple("\n".join(step).strip("\n") for step in parts.steps)
    title = _plain(parts.title or parts.heading) or f"Slide {number}"
    return Slide(number, title, steps, notes_text, parts.block, tuple(parts.problems), start)


def _plain(title: str) -> str:
    """A title without Markdown's code and emphasis marks (it is shown as plain text)."""
    return title.replace("`", "").replace("**", "").strip()


def _see_heading(parts: _Parts, line: str) -> None:
    if not parts.title:
        m = _TITLE.match(line)
        if m is not None:
            parts.title = m.group(1)
    if not parts.heading:
        m = _ANY_HEADING.match(line)
        if m is not None:
            parts.heading = m.group(1)


def _take_fence(parts: _Parts, lines: list[str], i: int, start: int, m: re.Match[str]) -> int:
    """Consume the fenced block opening at ``lines[i]``; the index after it."""
    marker, info = m.group(1), m.group(2).split()
    end = i + 1
    fence: str | None = marker
    while end < len(lines):
        fence = _fence_after(lines[end], fence)
        if fence is None:
            break
        end += 1
    inner = lines[i + 1 : end]
    if info[:1] == [BLOCK_INFO]:
        _take_block(parts, inner, info[1:], start + i)
    else:
        parts.steps[-1].extend(lines[i : end + 1])
    return end + 1


def _take_block(parts: _Parts, inner: list[str], words: list[str], line: int) -> None:
    commands = [text.strip() for text in inner if text.strip()]
    unknown = [w for w in words if w != AUTORUN]
    where = f"line {line}"
    if unknown:
        parts.problems.append(f"{where}: unknown word after interleave: {unknown[0]!r}")
    if not commands:
        parts.problems.append(f"{where}: the interleave block holds no command")
        return
    if len(commands) > 1:
        parts.problems.append(f"{where}: an interleave block holds one command line")
    if parts.block is not None:
        parts.problems.append(f"{where}: one interleave block per slide (this one is ignored)")
        return
    command = commands[0]
    if command.startswith("interleave "):  # typed as in a shell: accepted as meant
        command = command[len("interleave ") :].strip()
    parts.block = Block(command, AUTORUN in words, len(parts.steps) - 1, line)
    # Where the run appears, the slide shows the command as it would be typed: one line.
    parts.steps[-1].extend(["", f"▶ `interleave {command}`", ""])


def _take_notes(parts: _Parts, lines: list[str], i: int, first: str) -> int:
    """Consume a ``<!-- notes: ... -->`` comment from ``lines[i]``; the index after it."""
    text = [first]
    end = i
    while "-->" not in text[-1] and end + 1 < len(lines):
        end += 1
        text.append(lines[end])
    joined = "\n".join(text)
    parts.notes.append(joined.split("-->", 1)[0].strip())
    return end + 1


def _cut_note_paragraph(lines: list[str]) -> tuple[list[str], list[str]]:
    """The slide's lines before a line that starts with ``Note:``, and the notes after it.

    As in reveal.js's Markdown: from that line to the end of the slide is for the speaker.
    """
    fence: str | None = None
    for i, line in enumerate(lines):
        m = _NOTE_PARAGRAPH.match(line) if fence is None else None
        if m is not None:
            return lines[:i], [m.group(1), *lines[i + 1 :]]
        fence = _fence_after(line, fence)
    return lines, []
