"""The Textual fixes the app installs (tui/textual_patches.py)."""

from __future__ import annotations

import gc
import weakref

from textual._styles_cache import StylesCache
from textual.color import Color

import tui.app  # noqa: F401 - the app installs the fixes
from tui.textual_patches import _inner_outer


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
