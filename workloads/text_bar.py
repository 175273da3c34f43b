"""Horizontal bars drawn with block characters, to an eighth of a cell."""

from __future__ import annotations

#: Partial blocks, from nothing to seven eighths of a cell.
EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(fraction: float, width: int) -> str:
    """A bar filled to ``fraction`` (clamped to 0..1) of ``width`` cells, space-padded."""
    width = max(0, width)
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (EIGHTHS[part] if part else "")
    return text + " " * (width - len(text))
