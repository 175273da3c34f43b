"""The Textual fixes the app installs (tui/textual_patches.py)."""

from __future__ import annotations

import contextlib
import gc
import weakref
from typing import Any
from unittest.mock import patch

from rich.segment import Segment
from rich.style import Style
from textual._compositor import Compositor
from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.color import Color
from textual.containers import Vertical
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

import tui.app  # noqa: F401 - the app installs the fixes
from tui.textual_patches import (
    TEXTUAL_DIVIDE,
    TEXTUAL_GET_RENDERS,
    TEXTUAL_PARTIAL_UPDATE,
    _inner_outer,
    bands,
)


def test_a_styles_cache_is_not_kept_alive_by_the_colour_cache() -> None:
    """Textualize/textual#6665: its lru_cache on the method kept every StylesCache (and
    the lines it rendered) of widgets long gone, ~30 MB over 40 reruns."""
    cache = StylesCache()
    inner, outer = cache.get_inner_outer(Color(10, 20, 30), Color(200, 0, 0, 0.5))
    assert outer.background == Color(10, 20, 30)
    assert inner.background == Color(10, 20, 30) + Color(200, 0, 0, 0.5)
    ref = weakref.ref(cache)
    del cache
    gc.collect()
    assert ref() is None


def test_the_colours_are_still_cached() -> None:
    base, over = Color(1, 2, 3), Color(4, 5, 6)
    first = StylesCache().get_inner_outer(base, over)
    assert StylesCache().get_inner_outer(base, over) is first
    assert _inner_outer.cache_info().hits >= 1


# -- the banded partial update ---------------------------------------------------------


def test_dirty_regions_group_into_bands_apart_from_each_other() -> None:
    clock, lane, lane_below, far = (
        Region(100, 0, 10, 3),
        Region(0, 17, 80, 1),
        Region(0, 18, 80, 1),
        Region(0, 30, 5, 2),
    )
    assert bands([lane_below, far, clock, lane]) == [
        clock,
        Region(0, 17, 80, 2),
        far,
    ]
    assert bands([Region(0, 0, 5, 4), Region(50, 2, 5, 4)]) == [Region(0, 0, 55, 6)]
    assert bands([]) == []


class _Stack(App[None]):
    CSS = "Static { height: 3; }"

    def compose(self) -> ComposeResult:
        yield Static("top 0", id="top")
        for n in range(4):
            yield Static(f"middle {n}", id=f"middle{n}")
        yield Static("bottom 0", id="bottom")


async def _rendered_when_top_and_bottom_change(
    app: _Stack, pilot: Pilot[None], *patches: Any
) -> list[str]:
    """The ids of the statics rendered for the frame in which #top and #bottom change."""
    rendered: list[str] = []
    original = Static.render_lines

    def counted(self: Static, crop: Region) -> list[Strip]:
        rendered.append(str(self.id))
        return original(self, crop)

    await pilot.pause()
    with patch.object(Static, "render_lines", counted), contextlib.ExitStack() as stack:
        for patcher in patches:
            stack.enter_context(patcher)
        app.query_one("#top", Static).update("top 1")
        app.query_one("#bottom", Static).update("bottom 1")
        await pilot.pause()
    return rendered


async def test_a_frame_renders_only_the_widgets_in_its_dirty_bands() -> None:
    """Two far-apart widgets change: the clean ones between them are not rendered, and
    the screen ends up as a full render draws it."""
    app = _Stack()
    async with app.run_test(size=(40, 20)) as pilot:
        rendered = await _rendered_when_top_and_bottom_change(app, pilot)
        assert set(rendered) == {"top", "bottom"}
        screen = app.screen
        lines = [strip.text for strip in screen._compositor.render_strips()]
        assert lines[0].startswith("top 1") and lines[15].startswith("bottom 1")
        assert lines[3].startswith("middle 0")


async def test_the_banded_update_writes_what_textuals_own_writes() -> None:
    app = _Stack()
    async with app.run_test(size=(40, 20)) as pilot:
        app.query_one("#top", Static).update("top 2")
        app.query_one("#middle2", Static).update("middle 2 changed")
        await pilot.pause()
        compositor = app.screen._compositor
        regions = {Region(0, 0, 40, 3), Region(0, 15, 40, 3), Region(5, 9, 3, 1)}
        compositor._dirty_regions.update(regions)
        with patch.object(Compositor, "_get_renders", TEXTUAL_GET_RENDERS):
            theirs = TEXTUAL_PARTIAL_UPDATE(compositor)
        compositor._dirty_regions.update(regions)
        ours = compositor.render_partial_update()
        assert theirs is not None and ours is not None
        assert ours.render_segments(app.console) == theirs.render_segments(app.console)
        assert "top 2" in ours.render_segments(app.console)


async def test_textuals_own_update_renders_the_clean_widgets_between() -> None:
    """What the patch is for: without it, the middle widgets are rendered too."""
    app = _Stack()
    async with app.run_test(size=(40, 20)) as pilot:
        rendered = await _rendered_when_top_and_bottom_change(
            app,
            pilot,
            patch.object(Compositor, "_get_renders", TEXTUAL_GET_RENDERS),
            patch.object(Compositor, "render_partial_update", TEXTUAL_PARTIAL_UPDATE),
        )
        assert "middle1" in rendered


class _Boxed(App[None]):
    CSS = "#box { height: 5; border: solid red; } #inner { height: 3; }"

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Static("inner 0", id="inner")
        yield Static("below", id="below")


async def test_what_a_changed_widget_covers_is_not_rendered_beneath_it() -> None:
    """The clock over its header, a lane over the timeline's box: the widget in front
    covers every cell that changed, so its container and the screen are not asked."""
    app = _Boxed()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        rendered: list[str] = []
        original = Widget.render_lines

        def counted(self: Widget, crop: Region) -> list[Strip]:
            rendered.append(str(self.id) if self.id else type(self).__name__)
            return original(self, crop)

        with patch.object(Widget, "render_lines", counted):
            app.query_one("#inner", Static).update("inner 1")
            await pilot.pause()
        assert rendered == ["inner"]
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        assert lines[0].startswith("┌") and lines[1].startswith("│inner 1")


# -- strips freed without the collector -----------------------------------------------


def test_a_strip_with_nothing_to_divide_keeps_no_reference_to_itself() -> None:
    strip = Strip([Segment("hello", Style(bold=True))], 5)
    assert strip.divide([5]) == [strip]
    assert strip.divide(iter([5])) == [strip]
    assert not strip._divide_cache._cache  # no [self] kept on self: no reference cycle
    gc.collect()
    gc.disable()
    try:
        for _ in range(100):
            drawn = Strip([Segment("frame", Style(bold=True))], 5)
            drawn.divide([5])
            del drawn
        assert gc.collect() == 0  # freed by their reference counts: no cyclic garbage
    finally:
        gc.enable()


def test_dividing_a_strip_gives_what_textual_gives() -> None:
    strip = Strip([Segment("hello "), Segment("world", Style(italic=True))], 11)
    for cuts in ([3, 11], [6, 8, 11], [11], [2, 5, 11, 20]):
        ours = [s.text for s in strip.divide(cuts)]
        assert ours == [s.text for s in TEXTUAL_DIVIDE(strip, cuts)]
