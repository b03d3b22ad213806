"""``analyze --plan A --plan B``: each line priced under several plans, as JSON, CSV, a terminal table or Markdown.

Pure functions from :class:`tariffcli.analyze.pricing.PricedLine` to output; the
JSON part is the ``priced`` key of the analyzer's document
(``tariffcli/schemas/analysis.schema.json``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tariffcli.model.money import format_fen
from tariffcli.render.common import md_escape, safe_cell, shown_text
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
    """Per line: rank, plan, total and average per month (laid out like ``compare``'s table: names and ids
    wrapped at the terminal's width, never inside an id); then month by month for the cheapest plans, each
    column named by the plan's rank."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table

    from tariffcli.model.money import round_div_half_up
    from tariffcli.render.common import shown
    from tariffcli.render.layout import Block, Paragraphs, PlanTable
    from tariffcli.texts import operator_name

    out: list[RenderableType] = []
    for pl in priced:
        blocks = tuple(Block(str(k), shown(pp.plan.name), (format_fen(pp.total),
                                                            format_fen(round_div_half_up(pp.total, len(pl.months)))),
                             (f"{shown(operator_name(pp.plan.operator, lang))} · {shown(pp.plan.id)}",),
                             style="green" if k == 1 else None)
                       for k, pp in enumerate(pl.plans, 1))
        table = PlanTable(_title(pl, lang, currency), (label("rank", lang), label("plan", lang), label("total", lang),
                                                       label("per_month", lang)), blocks)
        title = label("h_per_month_ranks", lang, currency=currency)
        monthly = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                        min_width=cell_len(title))
        monthly.add_column(label("h_month", lang), no_wrap=True)
        shown_plans = pl.plans[:MONTHLY_PLANS]
        for k in range(1, len(shown_plans) + 1):
            monthly.add_column(f"#{k}", justify="right")
        for i, m in enumerate(pl.months):
            monthly.add_row(m, *(format_fen(pp.monthly[i]) for pp in shown_plans))
        out += [Paragraphs(("",)), table, Paragraphs(("",)), monthly]
    if priced:
        out.append(Paragraphs((label("ap_rule", lang),)))
    return out


def priced_markdown(priced: Sequence[PricedLine], lang: str, currency: str) -> list[str]:
    """Markdown lines: one table per line."""
    lines: list[str] = []
    for pl in priced:
        heads = [label("rank", lang), label("plan", lang), label("total", lang), *pl.months]
        lines += ["", f"**{md_escape(_title(pl, lang, currency))}**", "", "| " + " | ".join(heads) + " |",
                  "|---|---|" + "---:|" * (len(heads) - 2)]
        for k, pp in enumerate(pl.plans, 1):
            named = f"{pp.plan.name}（{pp.plan.id}）" if lang == "zh" else f"{pp.plan.name} ({pp.plan.id})"
            cells = [str(k), md_escape(named), format_fen(pp.total),
                     *(format_fen(x) for x in pp.monthly)]
            lines.append("| " + " | ".join(cells) + " |")
    if priced:
        lines += ["", label("ap_rule", lang)]
    return lines
