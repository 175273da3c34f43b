"""Lecture mode: a Markdown deck whose slides can hold live runs (``interleave lecture``).

The deck format and its parser (:mod:`tui.lecture.deck`) and the command check
(:mod:`tui.lecture.deck_commands`) import no Textual: ``--check`` runs without the UI.
"""
