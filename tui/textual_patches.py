"""Fixes for Textual bugs that the app would otherwise feel; installed on import.

**A cache that keeps dead widgets.** ``StylesCache.get_inner_outer`` (textual 8.2.8)
is an ``lru_cache(1024)`` on an instance method, so its key holds ``self``: up to 1024
``StylesCache`` objects of widgets long removed stay alive, each with the rendered
lines it cached. Every rerun builds a new run screen, and the UI's RSS grew by about
30 MB over the first 40 reruns before that cache was full (Textualize/textual#6665,
open). The colours are all the method uses, so this caches on them alone: the same
result, nothing retained.

**A partial update that fetches what did not change.** ``Compositor.render_partial_update``
(textual 8.2.8) crops a frame to the bounding box of its dirty regions, then asks for
the lines of every widget whose *container's* visible area meets that box: on the run
screen, the footer and every pane for a clock that ticks in the header. And the box is
large: the big clock is at the top and the timeline in the middle, both change ten
times a second, and between them are the header, every worker panel and the CPU
gauges, all clean, all fetched again. Here a frame is rendered band by band (rows that
hold dirty regions, grouped where they share or touch a row), and a widget is asked for its
lines only when its own visible area meets the band, and not at all when a widget in
front of it covers the whole band (a clock over its header and the screen). What
reaches the terminal is the same: only the dirty spans are written, from the same
chops.

**Strips that can only be freed by the garbage collector.** ``Strip.divide`` caches its
result on the strip, and when there is nothing to divide the result is ``[self]``: a
reference cycle. The compositor divides every line it draws, so each strip of each
frame (about a hundred a second on the run screen) became cyclic garbage, which the
collector's full pass then had to find: 10 ms every few seconds, a frozen frame. Here
that case is answered without the cache, and such strips are freed as soon as they are
dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from textual._compositor import ChopsUpdate, Compositor
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return (
        Style(background=base_background + background),
        Style(background=base_background),
    )


def _get_inner_outer(
    self: StylesCache, base_background: Color, background: Color
) -> tuple[Style, Style]:
    """Inner and outer background styles (cached on the colours, not on ``self``)."""
    return _inner_outer(base_background, background)


def bands(regions: Iterable[Region]) -> list[Region]:
    """The bounding boxes of ``regions`` grouped into bands of rows that neither share
    a row nor touch (one band, not two, for the lines of a widget that follow on)."""
    found: list[Region] = []
    for region in sorted(regions, key=lambda r: r.y):
        if found and region.y <= found[-1].bottom:
            found[-1] = found[-1].union(region)
        else:
            found.append(region)
    return found


def _get_renders(
    self: Compositor, crop: Region | None = None
) -> Iterator[tuple[Region, Region, list[Strip]]]:
    """Textual's ``_get_renders``, but a widget is asked only for its visible lines
    within ``crop``'s rows, and only if what is visible of it (its region within its
    clip) meets ``crop``, not merely its container's clip."""
    for widget, (region, clip) in self.visible_widgets.items():
        if crop:
            # The rows of the crop, every column: the compositor cuts the lines itself.
            clip = clip.intersection(Region(clip.x, crop.y, clip.width, crop.height))
        visible = region.intersection(clip)
        if not visible or (crop and not crop.overlaps(visible)):
            continue
        x, y, width, height = visible
        yield region, clip, widget.render_lines(Region(x - region.x, y - region.y, width, height))
        if crop and visible.contains_region(crop):
            # Widgets come front to back, and the first to cover a cut wins it: every
            # cut of the crop is this widget's (or a widget's above it). What is
            # beneath (its container, the screen) would be drawn for nothing.
            return


def _render_partial_update(self: Compositor) -> ChopsUpdate | None:
    """Textual's partial update, rendered band by band (see the module's docstring)."""
    screen = self.size.region
    crops = [crop for crop in (b.intersection(screen) for b in bands(self._dirty_regions)) if crop]
    update_regions = self._dirty_regions.copy()
    self._dirty_regions.clear()
    if not crops:
        return None
    spans = list(self._regions_to_spans(update_regions))
    is_rendered_line = {y for y, _, _ in spans}.__contains__
    # Each band fills the chops of its own rows, which no other band has.
    chops = list(self._render_chops(crops[0], is_rendered_line))
    for crop in crops[1:]:
        band = self._render_chops(crop, is_rendered_line)
        for y in crop.line_range:
            chops[y] = band[y]
    chop_ends = [cut_set[1:] for cut_set in self.cuts]
    return ChopsUpdate(chops, spans, chop_ends)


def _divide(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
    """Textual's ``Strip.divide``, without caching ``[self]`` on ``self``."""
    cuts = list(cuts)
    if len(cuts) == 1 and cuts[0] == self.cell_length:  # the compositor's usual case
        return [self]
    return TEXTUAL_DIVIDE(self, cuts)


#: Textual's own, for the tests that compare.
TEXTUAL_GET_RENDERS = Compositor._get_renders
TEXTUAL_PARTIAL_UPDATE = Compositor.render_partial_update
TEXTUAL_DIVIDE = Strip.divide


def install() -> None:
    """Install the fixes (once)."""
    current = StylesCache.__dict__.get("get_inner_outer")
    if current is not None and hasattr(current, "cache_clear"):
        current.cache_clear()  # release what it holds already
        StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[assignment,method-assign]
    Compositor.render_partial_update = _render_partial_update  # type: ignore[method-assign]
    Compositor._get_renders = _get_renders  # type: ignore[method-assign]
    Strip.divide = _divide  # type: ignore[method-assign]


install()
