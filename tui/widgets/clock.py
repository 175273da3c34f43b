"""The run screen's big clock: Textual's ``Digits``, drawn for what it costs ten times a
second.

``Digits`` draws a Rich ``Align`` around its glyphs, which Textual lays out, styles and
crops on every change; then Textual's styles cache works out the widget's box, tint and
opacity for each line, and walks the ancestors for the background. When the clock is
exactly as wide as its digits (its normal state: ``width: auto``) and has no box of its
own, all of that comes down to one segment a line, the glyphs in the clock's style,
which this builds directly: the same segments, the same styles, for about a tenth of
the cost (it was a fifth of every frame's). Otherwise (a selection, a width being laid
out, a border) it draws as ``Digits`` does.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.geometry import NULL_SPACING, Region
from textual.renderables.digits import Digits as DigitsRenderable
from textual.strip import Strip
from textual.widgets import Digits


@lru_cache(maxsize=128)
def _digit_rows(char: str, bold: bool) -> tuple[str, ...]:
    """The rows of ``char`` in Textual's digits font (each character is drawn on its own)."""
    glyphs = DigitsRenderable(char).render(Style(bold=bold))
    return tuple(s.text for s in glyphs if isinstance(s, Segment) and s.text != "\n")


class _Look(NamedTuple):
    """What the clock's styles make of it, worked out once per style update."""

    #: Whether the styles cache would add nothing to the glyphs' lines (no border,
    #: padding, outline, tint, hatch, opacity; glyphs at the top left).
    plain: bool
    #: The widget's base style and its own (Textual's ``visual_style`` and ``rich_style``).
    base: Style
    style: Style
    #: The widget's background, for the app's line filters.
    background: Color
    #: What it was worked out for: the theme, and the state of the clock's own styles.
    key: tuple[str, int]


class Clock(Digits):
    """Textual's ``Digits``, drawn without Rich's layout or Textual's styles cache on each
    change (see the module's docstring)."""

    #: Lines of the glyphs.
    ROWS = 3
    #: Digits hold no links to highlight under the mouse.
    auto_links = False

    def __init__(self, value: str = "", *, id: str | None = None) -> None:
        super().__init__(value, id=id)
        self._drawn: tuple[object, ...] = ()
        self._strips: list[Strip] = []
        #: The segments' style, for the (base style, style) it was made for.
        self._segment_style: tuple[tuple[Style, Style], Style] | None = None
        self._look: _Look | None = None
        #: Whether ``_strips`` were checked against the value and styles this render,
        #: and whether they can be drawn (else ``Digits`` draws).
        self._checked = False
        self._direct = False

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._look = None  # a theme, a class or the stylesheet changed: look again

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = self._plain_lines(crop)
        if lines is not None:
            return lines
        self._checked = False  # the styles are worked out once a render, not once a line
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        value = self.value
        if not self._checked or self._drawn[:1] != (value,):
            self._checked = True
            self._direct = self._fits(value)
            if self._direct:
                self._strips_for(value, self.visual_style.rich_style, self.rich_style)
        if not self._direct or y >= self.ROWS:
            return super().render_line(y)
        return self._strips[y]

    # -- the direct way --------------------------------------------------------------------
    def _fits(self, value: str) -> bool:
        """Whether the glyphs of ``value`` fill the widget exactly, unselected."""
        return (
            self.text_selection is None
            and self.size.width == DigitsRenderable.get_width(value)
            and self.styles.content_align == ("left", "top")
        )

    def _plain_lines(self, crop: Region) -> list[Strip] | None:
        """The lines in ``crop`` as the styles cache would give them, or None if it
        would add anything to the glyphs (then it draws)."""
        width = self.size.width
        value = self.value
        if crop.column_span != (0, width) or crop.bottom > self.ROWS or not self._fits(value):
            return None
        look = self._look
        key = (self.app.theme, self.styles._cache_key)
        if look is None or look.key != key:
            look = self._look = self._look_now(key)
        if not look.plain:
            return None
        strips = self._strips_for(value, look.base, look.style)
        filters = self.app.get_line_filters()
        lines = []
        for strip in strips[crop.y : crop.bottom]:
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, look.background)
            lines.append(strip)
        return lines

    def _look_now(self, key: tuple[str, int]) -> _Look:
        styles = self.styles
        plain = (
            styles.gutter == NULL_SPACING
            and all(edge == "" for edge, _ in styles.outline)
            and not styles.tint.a
            and not (styles.has_rule("hatch") and styles.hatch != "none")
            and styles.text_opacity == 1.0
            and self.opacity == 1.0
        )
        _, background = self.background_colors
        return _Look(plain, self.visual_style.rich_style, self.rich_style, background, key)

    def _strips_for(self, value: str, base: Style, style: Style) -> list[Strip]:
        key = (value, base, style)
        if key != self._drawn:
            self._drawn, self._strips = key, self._draw(value, base, style)
        return self._strips

    def _draw(self, value: str, base: Style, style: Style) -> list[Strip]:
        segment_style = self._style_of_segments(base, style)
        glyphs = [_digit_rows(char, bool(style.bold)) for char in value]
        width = sum(len(rows[0]) for rows in glyphs)
        return [
            Strip([Segment("".join(rows[y] for rows in glyphs), segment_style)], width)
            for y in range(self.ROWS)
        ]

    def _style_of_segments(self, base: Style, style: Style) -> Style:
        # Digits.render: Align(glyphs, style), styled by the widget's base style (Textual's
        # post_render); an exact fit adds no padding. The glyphs' own style (the offset
        # meta included) comes from Textual's renderable.
        cached = self._segment_style
        if cached is None or cached[0] != (base, style):
            glyphs = DigitsRenderable("", style).render(style)
            own = next(s.style for s in glyphs if isinstance(s, Segment))
            cached = self._segment_style = ((base, style), base + (style + own))
        return cached[1]
