"""A :class:`~tariffcli.render.layout.PlanTable` as plain text without rich's renderer, for a pipe or a file.

Rich prints each of the table's lines as a ``Text`` that neither wraps nor overflows, crops it at the
console's width and ends it with a newline; the caller strips the spaces at the end of each line. For 500
plans that takes rich longer than the rest of ``tariffcli plans list``; :func:`plain_text` writes the same
bytes directly. A line rich would treat specially (a tab, a control or other non-printable character) makes
it answer None, and the caller lets rich print the table as before.
"""

from __future__ import annotations

from typing import Any

from tariffcli.render.layout import PlanTable, cells


def plain_text(renderable: Any, width: int) -> str | None:
    """What rich prints for ``renderable`` at ``width`` cells without colour, each line stripped at its end;
    None for anything but a :class:`PlanTable` whose lines are all printable."""
    if type(renderable) is not PlanTable or width < 1:
        return None
    lines = [line for line, _ in renderable.lines(width)]
    if not all(line.isprintable() for line in lines):
        return None
    from rich.cells import set_cell_size

    out = []
    for line in lines:
        if len(line) > width // 2 and cells(line) > width:  # rich crops what is wider than the console
            line = set_cell_size(line, width)
        out.append(line.rstrip() + "\n")
    return "".join(out)
