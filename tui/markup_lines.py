"""Markup turned into Textual content once per distinct line.

Panels and gauges redraw up to ten times a second, and most of their lines are the
same as the last time (a state word, the ids, the output tail): parsing the markup of
every line at every redraw was a tenth of the UI's CPU. ``Content`` is immutable and
keeps theme variables (``$accent``) unresolved until it is drawn, so a line's content
can be shared by every redraw, every widget and every theme.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from textual.content import Content

_NEWLINE = Content("\n")


@lru_cache(maxsize=4096)
def markup_line(markup: str) -> Content:
    """One line of markup as content (parsed the first time it is seen)."""
    return Content.from_markup(markup)


def markup_lines(lines: Iterable[str]) -> Content:
    """Lines of markup as one content, a line break between them."""
    return _NEWLINE.join(markup_line(line) for line in lines)
