"""The rule that keeps a CSV cell from running as a spreadsheet formula: one definition for every CSV writer.

A text cell starting with ``= + - @``, a tab or a carriage return would be run
by a spreadsheet as a formula; it gets a leading apostrophe. ``compare``, ``plans
list`` and ``baskets`` apply it cell by cell (:func:`neutralise_formula`);
``batch`` applies it to whole Arrow columns (:data:`FORMULA_START`,
:data:`FORMULA_GUARD`).
"""

from __future__ import annotations

__all__ = ["FORMULA_GUARD", "FORMULA_START", "neutralise_formula"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""How a cell that a spreadsheet would run as a formula starts."""
FORMULA_GUARD = "'"
"""What is put before such a cell."""


def neutralise_formula(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (None is the empty cell)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        return FORMULA_GUARD + text
    return text
