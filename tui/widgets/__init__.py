"""Widgets of the interleave app, one module each."""
