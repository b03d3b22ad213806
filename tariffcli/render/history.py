"""A re-billed history (``compare --history``) as a terminal table, JSON, CSV or Markdown.

Pure functions from a :class:`tariffcli.compare.history.Rebill` to text; JSON
follows ``tariffcli/schemas/history.schema.json`` (docs/json-output.md).
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from tariffcli.engine import LINES
from tariffcli.model.money import format_fen, round_div_half_up
from tariffcli.render.common import JSON_VERSION, md_escape, rich_text, safe_cell, shown, shown_text
from tariffcli.texts import label

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import RenderableType

    from tariffcli.compare.history import HistoryRow, Rebill

__all__ = ["build_table", "footer_view", "history_dict", "render_csv", "render_json", "render_markdown"]

PER_MONTH_PLANS = 3
"""The month-by-month table of the terminal and Markdown views shows this many of the cheapest plans."""


def _visible(rb: Rebill, top: int | None) -> tuple[HistoryRow, ...]:
    return rb.rows if top is None else rb.rows[:top]


def _average(rb: Rebill, total: int) -> int:
    return round_div_half_up(total, len(rb.months)) if rb.months else 0


def _paid_average(rb: Rebill) -> str:
    """What the bill charged per month it covers (not per month of the file: a bill of 2 of 12 months is not
    spread over 12)."""
    covered = [p for p in rb.paid or () if p is not None]
    return format_fen(round_div_half_up(sum(covered), len(covered))) if covered else "-"


def _money(fen: int | None) -> str | None:
    return None if fen is None else format_fen(fen)


def _row_dict(r: HistoryRow, rb: Rebill) -> dict[str, Any]:
    p = r.plan
    return {
        "rank": r.rank, "id": p.id, "name": p.name, "operator": p.operator, "province": p.province,
        "is_current": r.is_current, "covers_usage": r.covers, "first_month": r.first_month,
        "total": format_fen(r.total), "average_monthly": format_fen(_average(rb, r.total)),
        "saving": _money(r.saving),
        "months": [{"month": m, **{name: format_fen(int(v)) for name, v in zip(LINES, line, strict=True)}}
                   for m, line in zip(rb.months, r.lines, strict=True)],
    }


def history_dict(rb: Rebill, *, top: int | None = None) -> dict[str, Any]:
    """The JSON document (schema: tariffcli/schemas/history.schema.json)."""
    paid = None
    if rb.paid is not None:
        paid = {"source": rb.bill_source, "total": _money(rb.paid_total),
                "complete": all(x is not None for x in rb.paid),
                "months": [{"month": m, "amount": _money(x)} for m, x in zip(rb.months, rb.paid, strict=True)]}
    return {
        "version": JSON_VERSION, "kind": "history", "currency": rb.currency, "source": rb.source,
        "catalogue_day": rb.day.isoformat(), "months": list(rb.months), "lines": list(LINES),
        "reference": rb.reference, "nationwide_first": rb.nationwide_first, "paid": paid,
        "current": None if rb.current is None else _row_dict(rb.current, rb),
        "plans": [_row_dict(r, rb) for r in _visible(rb, top)],
        "excluded": [{"id": p.id, "reason": why} for p, why in rb.excluded],
    }


def render_json(rb: Rebill, *, top: int | None = None) -> str:
    return json.dumps(history_dict(rb, top=top), ensure_ascii=False, indent=2) + "\n"


def render_csv(rb: Rebill, *, top: int | None = None) -> str:
    """One row per plan (the paid row and your plan first), one column per month: ready for a spreadsheet.

    Columns: ``row`` (paid, current or plan), ``rank``, ``id``, ``operator``, ``name``, ``total``, ``saving``,
    then each month ``YYYY-MM``. Headers are the same in every language.
    """
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["row", "rank", "id", "operator", "name", "total", "saving", *rb.months])
    if rb.paid is not None:
        w.writerow(["paid", "", "", "", "", _money(rb.paid_total), "",
                    *("" if x is None else format_fen(x) for x in rb.paid)])
    rows = ([rb.current] if rb.current is not None else []) + list(_visible(rb, top))
    for r in rows:
        p = r.plan
        w.writerow(["current" if r.rank is None else "plan", "" if r.rank is None else r.rank,
                    safe_cell(p.id), safe_cell(p.operator), safe_cell(p.name), format_fen(r.total),
                    "" if r.saving is None else format_fen(r.saving), *(format_fen(x) for x in r.monthly)])
    return shown_text(out.getvalue())


def _title(rb: Rebill, lang: str) -> str:
    a, b = (rb.months[0], rb.months[-1]) if rb.months else ("", "")
    return label("h_title", lang, n=len(rb.rows), a=a, b=b, months=len(rb.months), currency=rb.currency)


def _saving_header(rb: Rebill, lang: str) -> str | None:
    if rb.reference == "paid":
        return label("h_saving_paid", lang)
    if rb.reference == "current":
        return label("h_saving_current", lang)
    return None


def _summary_lines(rb: Rebill, lang: str) -> list[str]:
    lines = [label("h_rule", lang, a=rb.months[0] if rb.months else "")]
    if rb.rows:
        best = rb.rows[0]
        name = (f"{shown(best.plan.name)}（{shown(best.plan.id)}）" if lang == "zh"
                else f"{shown(best.plan.name)} ({shown(best.plan.id)})")
        ref = rb.reference_total
        who = label("h_cheapest_nationwide" if rb.nationwide_first else "h_cheapest", lang)
        if rb.reference in ("paid", "current") and ref is not None and best.saving is not None:
            # a negative saving is said as what it would have cost more, never "saved -41.40"
            key = f"h_best_{rb.reference}" + ("_more" if best.saving < 0 else "_same" if best.saving == 0 else "")
            lines.append(label(key, lang, who=who, plan=name, total=format_fen(best.total), paid=format_fen(ref),
                               ref=format_fen(ref), saving=format_fen(best.saving),
                               extra=format_fen(abs(best.saving))))
        else:
            lines.append(label("h_best", lang, who=who, plan=name, total=format_fen(best.total)))
    else:
        lines.append(label("h_no_plans", lang))
    if rb.paid is not None and rb.reference != "paid":
        lines.append(label("h_bill_partial", lang))
    if rb.nationwide_first:  # compare's rule and words
        lines.append(label("nationwide_first", lang))
    return lines


def _month_columns(rb: Rebill, top: int | None = None) -> list[tuple[str, list[str]]]:
    """(header, cells per month) for the month-by-month view: paid, your plan, the cheapest other plans (at most
    :data:`PER_MONTH_PLANS`, and only plans ``top`` shows)."""
    cols: list[tuple[str, list[str]]] = []
    if rb.paid is not None:
        cols.append(("paid", ["-" if x is None else format_fen(x) for x in rb.paid]))
    if rb.current is not None:
        cols.append(("current", [format_fen(x) for x in rb.current.monthly]))
    others = [r for r in rb.rows if not (rb.current is not None and r.is_current)]
    for r in others[:PER_MONTH_PLANS if top is None else min(PER_MONTH_PLANS, top)]:
        cols.append((r.plan.id, [format_fen(x) for x in r.monthly]))
    return cols


def _column_name(key: str, lang: str) -> str:
    return {"paid": label("h_paid", lang), "current": label("h_your_plan", lang)}.get(key, key)


def render_markdown(rb: Rebill, *, lang: str = "en", top: int | None = None) -> str:
    """Two pasteable Markdown tables: the totals per plan, then month by month."""
    saving = _saving_header(rb, lang)
    heads = [label("rank", lang), label("plan", lang), label("total", lang), label("per_month", lang)]
    heads += [saving] if saving else []
    lines = [f"**{md_escape(_title(rb, lang))}**", "", "| " + " | ".join(heads) + " |",
             "|---|---|" + "---:|" * (len(heads) - 2)]
    if rb.paid is not None:
        lines.append(f"|  | {label('h_paid', lang)} | {_money(rb.paid_total)} | "
                     f"{_paid_average(rb)} |" + (" |" if saving else ""))
    for r in ([rb.current] if rb.current is not None else []) + list(_visible(rb, top)):
        o, c = ("（", "）") if lang == "zh" else (" (", ")")
        name = md_escape(f"{r.plan.name}{o}{r.plan.id}{c}") + (f"{o}{label('current', lang)}{c}" if r.is_current else "")
        cells = ["*" if r.rank is None else str(r.rank), name, format_fen(r.total), format_fen(_average(rb, r.total))]
        if saving:
            cells.append("" if r.saving is None else format_fen(r.saving))
        lines.append("| " + " | ".join(cells) + " |")
    cols = _month_columns(rb, top)
    lines += ["", f"**{label('h_per_month_title', lang, currency=rb.currency)}**", "",
              "| " + " | ".join([label("h_month", lang)] + [md_escape(_column_name(k, lang)) for k, _ in cols]) + " |",
              "|---|" + "---:|" * len(cols)]
    for i, m in enumerate(rb.months):
        lines.append("| " + " | ".join([m] + [c[i] for _, c in cols]) + " |")
    lines += [""] + [md_escape(x) for x in _summary_lines(rb, lang)]
    return shown_text("\n".join(lines) + "\n")


def build_table(rb: Rebill, *, lang: str = "en", top: int | None = None) -> RenderableType:
    """The totals per plan and the month-by-month table, for the terminal."""
    from rich import box
    from rich.console import Group
    from rich.table import Table

    from tariffcli.render.layout import Block, Paragraphs, PlanTable
    from tariffcli.texts import operator_name

    saving = _saving_header(rb, lang)
    keys = [label("total", lang), label("per_month", lang), *([saving] if saving else [])]
    rows: list[Block] = []
    if rb.paid is not None:
        rows.append(Block("", label("h_paid", lang), (_money(rb.paid_total) or "-", _paid_average(rb),
                                                      *([""] if saving else []))))
    for r in ([rb.current] if rb.current is not None else []) + list(_visible(rb, top)):
        details = [f"{shown(operator_name(r.plan.operator, lang))} · {shown(r.plan.id)}"]
        if r.is_current:
            details.append(label("current", lang))
        if not r.covers:
            details.append(label("h_not_covered", lang))
        numbers = (format_fen(r.total), format_fen(_average(rb, r.total)),
                   *([("" if r.saving is None else format_fen(r.saving))] if saving else []))
        rows.append(Block("*" if r.rank is None else str(r.rank), shown(r.plan.name), numbers, tuple(details),
                          style="green" if r.rank == 1 else None))
    totals = PlanTable(_title(rb, lang), (label("rank", lang), label("plan", lang), *keys), tuple(rows))
    cols = _month_columns(rb, top)
    ranks = {r.plan.id: f"#{r.rank}" for r in rb.rows if not r.is_current}
    from rich.cells import cell_len

    title = label("h_per_month_ranks", lang, currency=rb.currency)
    monthly = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, min_width=cell_len(title))
    monthly.add_column(label("h_month", lang), no_wrap=True)
    for key, _ in cols:  # a plan by its rank above: ids side by side would not fit 80 columns
        monthly.add_column(rich_text(ranks.get(key) or _column_name(key, lang)), justify="right")
    for i, m in enumerate(rb.months):
        monthly.add_row(m, *(c[i] for _, c in cols))
    return Group(totals, Paragraphs(("",)), monthly)


def footer_view(rb: Rebill, *, lang: str = "en") -> RenderableType:
    """The lines under the tables for the terminal (the month table ends with a blank line), wrapped by
    :func:`tariffcli.render.layout.wrap`'s rules (never inside a number, an id or a URL)."""
    from tariffcli.render.layout import Paragraphs

    return Paragraphs(tuple(shown_text("\n".join(_summary_lines(rb, lang))).split("\n")))
