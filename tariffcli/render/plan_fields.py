"""``plans show`` as CSV or Markdown (one row per field), and the ``--cite`` footer of terminal tables.

Kept apart from :mod:`tariffcli.render.plans` and :mod:`tariffcli.render.compare`: the commands call
these next to the main renderers, so an option such as ``--cite`` never silently does nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from tariffcli.compare.catalogue_filter import plan_fields
from tariffcli.model.plan import Plan
from tariffcli.render.common import md_escape, safe_cell, shown, shown_text, source_text
from tariffcli.texts import label


def show_plan_csv(plan: Plan) -> str:
    """One row per set field of the plan: ``field,value`` (dotted paths, quantities with their units)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["field", "value"])
    for path, text in plan_fields(plan).items():
        w.writerow([safe_cell(path), safe_cell(text)])
    return shown_text(buf.getvalue())


def show_plan_markdown(plan: Plan) -> str:
    """A Markdown heading with the plan's name and id, then a two-column table of its fields."""
    lines = [f"### {md_escape(plan.name)} ({md_escape(plan.id)})", "", "| field | value |", "|---|---|"]
    lines += [f"| {md_escape(path)} | {md_escape(text)} |" for path, text in plan_fields(plan).items()]
    return shown_text("\n".join(lines) + "\n")


def sources_footer(plans: Iterable[Plan], lang: str = "en") -> str:
    """``--cite`` under a terminal table: a "Sources" heading, then each plan's id and its sources, one a line."""
    seen: dict[str, Plan] = {}
    for p in plans:
        seen.setdefault(p.id, p)
    if not seen:
        return ""
    lines = [f"{label('sources', lang)}:"]
    for pid, p in seen.items():
        lines.append(f"  {shown(pid)}:")
        lines += [f"    {part}" for part in source_text(p, lang).split("; ")]
    return "\n".join(lines)


__all__ = ["show_plan_csv", "show_plan_markdown", "sources_footer"]
