"""``analyze --plan A --plan B``: each line priced under several plans, as JSON, CSV, a terminal table or Markdown.

Pure functions from :class:`tariffcli.analyze.pricing.PricedLine` to output; the
JSON part is the ``priced`` key of the analyzer's document
(``tariffcli/schemas/analysis.schema.json``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tariffcli.model.money import format_fen
from tariffcli.render.common import md_escape, rich_text, safe_cell, shown_text
from tariffcli.texts import analyze_text, label

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import RenderableType

    from tariffcli.analyze.pricing import PricedLine

__all__ = ["PRICED_CSV_COLUMNS", "priced_csv", "priced_dicts", "priced_markdown", "priced_tables"]


def priced_dicts(priced: Sequence[PricedLine]) -> list[dict[str, Any]]:
    """The ``priced`` key: per line, every plan's total and monthly bills, cheapest first."""
    return [{
        "line": pl.line, "months": list(pl.months),
        "plans": [{"id": pp.plan.id, "name": pp.plan.name, "operator": pp.plan.operator,
                   "total": format_fen(pp.total),
                   "months": [{"month": m, "total": format_fen(x)} for m, x in zip(pl.months, pp.monthly, strict=True)]}
                  for pp in pl.plans],
    } for pl in priced]


PRICED_CSV_COLUMNS = ("line", "rank", "plan_id", "plan_name", "operator", "month", "cost", "currency")
"""The priced CSV's header: one row per line x plan x month (docs/analyze.md)."""


def priced_csv(priced: Sequence[PricedLine], currency: str) -> str:
    """The priced table in long form, for pandas and spreadsheets: one row per line, plan and month, lines in
    file order, plans cheapest first (``rank``, as in JSON), months in order; ``cost`` an exact decimal string.
    A plan's total is the sum of its rows."""
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(PRICED_CSV_COLUMNS)
    for pl in priced:
        for rank, pp in enumerate(pl.plans, 1):
            for month, fen in zip(pl.months, pp.monthly, strict=True):
                w.writerow([safe_cell(pl.line), rank, safe_cell(pp.plan.id), safe_cell(pp.plan.name),
                            pp.plan.operator, month, format_fen(fen), currency])
    return shown_text(out.getvalue())


def _title(pl: PricedLine, lang: str, currency: str) -> str:
    line = pl.line or analyze_text("an_single_line", lang)
    return label("ap_title", lang, line=line, n=len(pl.plans), a=pl.months[0], b=pl.months[-1],
                 months=len(pl.months), currency=currency)


MONTHLY_PLANS = 4
"""The terminal's month-by-month table shows this many of the cheapest plans (JSON and Markdown show all)."""


def priced_tables(priced: Sequence[PricedLine], lang: str, currency: str) -> list[RenderableType]:
    """Per line: rank, plan, total and average per month; then month by month for the cheapest plans."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from tariffcli.model.money import round_div_half_up

    out: list[RenderableType] = []
    for pl in priced:
        table = Table(title=rich_text(_title(pl, lang, currency)), title_justify="left", box=box.SIMPLE_HEAD,
                      pad_edge=False)
        table.add_column(label("rank", lang), justify="right", no_wrap=True)
        table.add_column(label("plan", lang), overflow="fold")
        for key in ("total", "per_month"):
            table.add_column(label(key, lang), justify="right", no_wrap=True)
        for k, pp in enumerate(pl.plans, 1):
            table.add_row(str(k), f"{rich_text(pp.plan.name)} [dim]{rich_text(pp.plan.id)}[/]", format_fen(pp.total),
                          format_fen(round_div_half_up(pp.total, len(pl.months))))
        monthly = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        monthly.add_column(label("h_month", lang), no_wrap=True)
        shown_plans = pl.plans[:MONTHLY_PLANS]
        for pp in shown_plans:
            monthly.add_column(rich_text(pp.plan.id), justify="right", overflow="fold")
        for i, m in enumerate(pl.months):
            monthly.add_row(m, *(format_fen(pp.monthly[i]) for pp in shown_plans))
        out += [table, monthly]
    if priced:
        out.append(Text(label("ap_rule", lang)))
    return out


def priced_markdown(priced: Sequence[PricedLine], lang: str, currency: str) -> list[str]:
    """Markdown lines: one table per line."""
    lines: list[str] = []
    for pl in priced:
        heads = [label("rank", lang), label("plan", lang), label("total", lang), *pl.months]
        lines += ["", f"**{md_escape(_title(pl, lang, currency))}**", "", "| " + " | ".join(heads) + " |",
                  "|---|---|" + "---:|" * (len(heads) - 2)]
        for k, pp in enumerate(pl.plans, 1):
            cells = [str(k), md_escape(f"{pp.plan.name} ({pp.plan.id})"), format_fen(pp.total),
                     *(format_fen(x) for x in pp.monthly)]
            lines.append("| " + " | ".join(cells) + " |")
    if priced:
        lines += ["", label("ap_rule", lang)]
    return lines
