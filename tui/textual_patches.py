"""Fixes for Textual bugs that the app would otherwise feel; installed on import.

``StylesCache.get_inner_outer`` (textual 8.2.8) is an ``lru_cache(1024)`` on an
instance method, so its key holds ``self``: up to 1024 ``StylesCache`` objects of
widgets long removed stay alive, each with the rendered lines it cached. Every rerun
builds a new run screen, and the UI's RSS grew by about 30 MB over the first 40
reruns before that cache was full (Textualize/textual#6665, open). The colours are
all the method uses, so this caches on them alone: the same result, nothing retained.
"""

from __future__ import annotations

from functools import lru_cache

from textual._styles_cache import StylesCache
from textual.color import Color
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


def install() -> None:
    """Replace the method, if it still is the ``lru_cache`` that keeps ``self``."""
    current = StylesCache.__dict__.get("get_inner_outer")
    if current is not None and hasattr(current, "cache_clear"):
        current.cache_clear()  # release what it holds already
        StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[assignment,method-assign]


install()
