"""Renderers for a comparison: pure functions from results to text (or to a rich Table).

Nothing here computes a tariff: every number comes from the
:class:`~tariffcli.compare.ranking.Comparison`. Money is written as decimal strings.
The sections under the table (scenario, keep-number, switching guide) are in
:mod:`tariffcli.render.sections`; offers in :mod:`tariffcli.render.offer`; the plan
list in :mod:`tariffcli.render.plans`.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from tariffcli.engine import LINES
from tariffcli.model.money import format_fen
from tariffcli.model.units import format_kb
from tariffcli.render.common import (
    JSON_VERSION,
    Footnotes,
    cell_width,
    display_name,
    md_escape,
    note_sentence,
    plan_label,
    safe_cell,
    shown,
    shown_text,
    source_dicts,
    source_text,
    visible_rows,
)
from tariffcli.render.sections import explain_dict, extra_sections, keep_number_dict, scenario_dict
from tariffcli.texts import label, operator_name, province_name

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import RenderableType

    from tariffcli.compare.results import Comparison, Row
    from tariffcli.model.plan import Plan


_MONEY_PARAMS = ("delta", "amount", "exit_fee")


def _notes(row: Row, lang: str) -> list[str]:
    return [note_sentence(n.code, n.params, lang) for n in row.notes]


def _row_dict(row: Row, cmp: Comparison, lang: str) -> dict[str, Any]:
    p = row.plan
    notes = []
    for n in row.notes:
        params = {k: (format_fen(v) if k in _MONEY_PARAMS and v is not None else v) for k, v in n.params.items()}
        notes.append({"code": n.code, "text": note_sentence(n.code, n.params, lang), "params": params})
    months = []
    for m, line in zip(cmp.months, row.lines, strict=True):
        entry: dict[str, Any] = {"month": m}
        entry.update({name: format_fen(int(v)) for name, v in zip(LINES, line, strict=True)})
        months.append(entry)
    return {
        "rank": row.rank,
        "id": p.id,
        "name": p.name,
        "operator": p.operator,
        "province": p.province,
        "status": p.status.value,
        "filing_number": p.filing_number,
        "checked": p.checked.isoformat(),
        "confidence": p.confidence.value,
        "sources": source_dicts(p.sources),
        "eligibility": list(p.eligibility),
        "tags": list(p.tags),
        "is_current": row.is_current,
        "covers_usage": row.covers_usage,
        "total": format_fen(row.total),
        "average_monthly": format_fen(row.average),
        "after_promotions": format_fen(row.after_promotions),
        "saving": None if row.saving is None else format_fen(row.saving),
        "notes": notes,
        "months": months,
    }


def comparison_dict(cmp: Comparison, *, lang: str = "en", top: int | None = None) -> dict[str, Any]:
    """The JSON document for a comparison (schema: docs/json-output.schema.json)."""
    u = cmp.usage
    projected = [
        {
            "month": m,
            "voice_min": int(u.voice_min[i]),
            "sms": int(u.sms[i]),
            "data_kb": int(u.data_kb[i]),
            "app_data_kb": int(u.app_data_kb[i]),
            "data_days": int(u.data_days[i]) if bool(u.data_days_known[i]) else None,
        }
        for i, m in enumerate(cmp.months)
    ]
    doc = {
        "version": JSON_VERSION,
        "currency": cmp.currency,
        "start": cmp.start,
        "horizon": cmp.horizon,
        "months": list(cmp.months),
        "lines": list(LINES),
        "usage": {"history": list(cmp.history_months), "projected": projected},
        "current": None if cmp.current is None else _row_dict(cmp.current, cmp, lang),
        "province": cmp.province,
        "nationwide_first": cmp.nationwide_first,
        "plans": [_row_dict(r, cmp, lang) for r in visible_rows(cmp, top)],
        "excluded": [
            {
                "id": p.id,
                "reason": reason,
                "valid_from": p.valid_from.isoformat() if p.valid_from else None,
                "valid_to": p.valid_to.isoformat() if p.valid_to else None,
            }
            for p, reason in cmp.excluded
        ],
    }
    _extend_dict(doc, cmp, lang, top)  # --with-addons, --scenario, --eligible, --tag keep-number, --explain
    return doc


def render_json(cmp: Comparison, *, lang: str = "en", top: int | None = None) -> str:
    """The comparison as a JSON document (docs/json-output.md)."""
    return json.dumps(comparison_dict(cmp, lang=lang, top=top), ensure_ascii=False, indent=2) + "\n"


def _summary_rows(cmp: Comparison, top: int | None) -> list[Row]:
    rows = list(visible_rows(cmp, top))
    if cmp.current is not None:
        rows.append(cmp.current)
    return rows


def render_csv(cmp: Comparison, *, lang: str = "en", top: int | None = None, cite: bool = False) -> str:
    """One row per plan (the current plan last, with an empty rank); ``cite`` adds every source."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["rank", "id", "operator", "name", "province", "currency", "total", "average_monthly",
                "after_promotions", "saving", "covers_usage", "confidence", "source", "retrieved", "notes"]
               + (["sources"] if cite else []))
    for r in _summary_rows(cmp, top):
        p = r.plan
        w.writerow([
            "" if r.rank is None else r.rank,
            safe_cell(p.id), safe_cell(operator_name(p.operator, lang)), safe_cell(p.name),
            safe_cell(province_name(p.province, lang)), cmp.currency,
            format_fen(r.total), format_fen(r.average), format_fen(r.after_promotions),
            "" if r.saving is None else format_fen(r.saving), "true" if r.covers_usage else "false",
            p.confidence.value, safe_cell(p.sources[0].url), p.sources[0].retrieved.isoformat(),
            safe_cell("; ".join(_notes(r, lang))),
        ] + ([safe_cell(source_text(p, lang))] if cite else []))
    return shown_text(out.getvalue())


def _usage_line(cmp: Comparison, lang: str) -> str:
    u = cmp.usage
    n = len(cmp.months)

    def avg(a: Any) -> int:
        return -(-int(a.sum()) // n)

    return label(
        "usage", lang, a=cmp.history_months[0], b=cmp.history_months[-1],
        voice=avg(u.voice_min), sms=avg(u.sms), data=format_kb(avg(u.data_kb + u.app_data_kb)),
    )


def _title(cmp: Comparison, lang: str) -> str:
    return label("title", lang, n=len(cmp.rows), h=cmp.horizon, start=cmp.start, currency=cmp.currency)


def _headers(cmp: Comparison, lang: str) -> list[str]:
    keys = ["rank", "operator", "plan", "total", "per_month", "after_promotions"]
    if cmp.current is not None:
        keys.append("saving")
    keys.append("notes")
    return [label(k, lang) for k in keys]


def _cells(r: Row, cmp: Comparison, lang: str) -> list[str]:
    rank = str(r.rank) if r.rank is not None else label("current", lang)
    name = display_name(r, cmp, lang) + (label("current_suffix", lang) if r.is_current and r.rank is not None else "")
    cells = [rank, shown(operator_name(r.plan.operator, lang)), name, format_fen(r.total), format_fen(r.average), format_fen(r.after_promotions)]
    if cmp.current is not None:
        cells.append("" if r.saving is None else format_fen(r.saving))
    cells.append("; ".join(_notes(r, lang)))
    return cells


def render_markdown(cmp: Comparison, *, lang: str = "en", top: int | None = None, cite: bool = False) -> str:
    """A pasteable Markdown table; ``cite`` footnotes every plan with its sources."""
    notes = Footnotes() if cite else None
    lines = [f"**{_title(cmp, lang)}**", "", _usage_line(cmp, lang), ""]
    headers = _headers(cmp, lang)
    right = {3, 4, 5, 6} if cmp.current is not None else {3, 4, 5}
    head = ["| " + " | ".join(headers) + " |",
            "|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|"]
    lines += head
    for r in _summary_rows(cmp, top):
        if starts_uncovered(r, cmp):
            lines += ["", f"**{label('uncovered_heading', lang)}**", "", *head]
        cells = [md_escape(c) for c in _cells(r, cmp, lang)]
        if notes is not None:
            cells[2] += notes.plan(r.plan, lang)
        lines.append("| " + " | ".join(cells) + " |")
    if not cmp.rows:
        lines.append("")
        lines.append(label("no_plans", lang))
    if cmp.current is not None:
        lines += ["", label("saving_footer", lang, id=cmp.current.plan.id)]
    if cmp.nationwide_first:
        lines += ["", label("nationwide_first", lang)]
    lines += extra_sections(cmp, lang=lang, top=top, markdown=True)
    if notes is not None:
        lines += notes.lines(lang)
    return shown_text("\n".join(lines) + "\n")


def build_table(cmp: Comparison, *, lang: str = "en", top: int | None = None) -> RenderableType:
    """The comparison for a terminal, laid out at the terminal's width (:class:`tariffcli.render.layout.PlanTable`).

    Each plan: rank, name and amounts on one line; under the name the operator and id, then one note per
    line, wrapped to the terminal's edge. Plans that do not cover the usage follow under their own heading.
    The lines under the table (usage, saving, sections) come last, wrapped by the same rules."""
    from tariffcli.render.layout import Block, Heading, PlanTable

    keys = ("total", "per_month", "after_promotions") + (("saving",) if cmp.current is not None else ())
    rows: list[Block | Heading] = []

    def block(r: Row, first: bool) -> Block:
        title = plan_label(r, lang) + (label("current_suffix", lang) if r.is_current else "")
        numbers = [format_fen(r.total), format_fen(r.average), format_fen(r.after_promotions)]
        if cmp.current is not None:
            numbers.append("" if r.saving is None else format_fen(r.saving))
        details = (f"{shown(operator_name(r.plan.operator, lang))} · {shown(r.plan.id)}",
                   *(f"• {n}" for n in _notes(r, lang)))
        return Block("*" if r.rank is None else str(r.rank), title, tuple(numbers), details,
                     style="green" if first else None)

    for i, r in enumerate(visible_rows(cmp, top)):
        if starts_uncovered(r, cmp):
            rows.append(Heading(label("uncovered_heading", lang)))
        rows.append(block(r, i == 0))
    if cmp.current is not None:
        rows += [Heading(label("current_heading", lang)), block(cmp.current, False)]
    headers = (label("rank", lang), label("plan", lang), *(label(k, lang) for k in keys))
    return PlanTable(_title(cmp, lang), headers, tuple(rows), caption=_usage_line(cmp, lang),
                     footer=tuple(footer_lines(cmp, lang=lang, top=top)))


def footer_lines(cmp: Comparison, *, lang: str = "en", top: int | None = None) -> list[str]:
    """Lines printed under the table: what the saving means, then any extra sections (file text escaped)."""
    lines = [] if cmp.current is None else [label("saving_footer", lang, id=cmp.current.plan.id)]
    if cmp.nationwide_first:
        lines.append(label("nationwide_first", lang))
    extra = extra_sections(cmp, lang=lang, top=top)
    return shown_text("\n".join(lines + extra).strip("\n")).split("\n") if lines or extra else []


# ---------------------------------------------------------------- bars (--bars)


def render_bars(cmp: Comparison, *, lang: str = "en", top: int | None = None, width: int | None = None) -> str:
    """The comparison as a plain-text bar chart for a terminal: one bar per plan, scaled to the dearest.

    ``width``: the terminal's (default: rich's measure of it, from COLUMNS). A name that does not fit its
    column is cut, but the id that tells two plans of the same name apart is kept whole; plans that do
    not cover the usage follow under their own heading."""
    from tariffcli.render.layout import fit_keeping_tail, wrap

    if width is None:
        from rich.console import Console

        width = Console().width
    rows = _summary_rows(cmp, top)
    lines = [label("bars_title", lang, h=cmp.horizon, start=cmp.start, currency=cmp.currency), ""]
    if not rows:
        return "\n".join(lines + [label("no_plans", lang)]) + "\n"
    names = []
    for r in rows:
        rank = str(r.rank) if r.rank is not None else "*"
        name = display_name(r, cmp, lang)
        tail = f" ({r.plan.id})" if name.endswith(f" ({r.plan.id})") else ""
        names.append((f"{rank:>2} {name[: len(name) - len(tail)]}", tail and f" ({_short_id(r, rows)})"))
    name_w = min(max(cell_width(n + t) for n, t in names), max(28, width // 2 - 4))
    amounts = [format_fen(r.total) for r in rows]
    amount_w = max(len(a) for a in amounts)
    bar_w = max(width - name_w - amount_w - 3, 10)
    top_total = max(max(r.total for r in rows), 1)
    for (n, tail), a, r in zip(names, amounts, rows, strict=True):
        if starts_uncovered(r, cmp):
            lines += ["", *wrap(label("uncovered_heading", lang) + label("colon", lang).rstrip(), width)]
        eighths = max(r.total, 0) * bar_w * 8 // top_total
        bar = "█" * (eighths // 8) + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[eighths % 8]
        lines.append(f"{fit_keeping_tail(n, tail, name_w)} {a:>{amount_w}} {bar}".rstrip())
    if cmp.current is not None:
        lines += ["", "* " + label("current", lang)]
    if cmp.nationwide_first:
        lines += ["", *wrap(label("nationwide_first", lang), width)]
    return shown_text("\n".join(lines) + "\n")


def _short_id(row: Row, rows: list[Row]) -> str:
    """The end of the plan's id that tells it from the other plans of the same name: '…-voice'."""
    others = [r.plan.id for r in rows if r.plan.name == row.plan.name and r.plan.id != row.plan.id]
    parts = row.plan.id.split("-")
    for k in range(1, len(parts)):
        end = "-" + "-".join(parts[-k:])
        if not any(o.endswith(end) for o in others):
            return "…" + end
    return row.plan.id


def starts_uncovered(row: Row, cmp: Comparison) -> bool:
    """``row`` is the first ranked plan that does not cover the usage (its section heading goes before it).

    The ranking puts every such plan after the plans that cover the usage, so they form one section."""
    if row.rank is None or row.covers_usage:
        return False
    return row.rank == 1 or cmp.rows[row.rank - 2].covers_usage


# ---------------------------------------------------------------- eligibility (--eligible) and the optional JSON parts


def not_eligible_line(cmp: Comparison, lang: str = "en") -> str:
    """Plans left out by --eligible, each with the condition keys not given ('' when none)."""
    left = _not_eligible(cmp)
    if not left:
        return ""
    items = ", ".join(f"{p.id} ({'; '.join(shown(c) for c in u)})" for p, u in left)
    return label("excluded_eligible", lang, n=len(left), items=items)


def _not_eligible(cmp: Comparison) -> list[tuple[Plan, tuple[str, ...]]]:
    from tariffcli.compare.ranking import condition_key, unmet_conditions

    return [(p, tuple(condition_key(c) for c in unmet_conditions(p, cmp.eligible or ())))
            for p, reason in cmp.excluded if reason == "not_eligible"]


def _extend_dict(doc: dict[str, Any], cmp: Comparison, lang: str, top: int | None) -> None:
    """Add the optional parts of the JSON document (present only when asked for)."""
    if cmp.with_addons:
        for entry, r in zip(doc["plans"], visible_rows(cmp, top), strict=True):
            entry["addons"] = [{"id": a.id, "name": a.name, "fee": format_fen(int(a.fee * 100)), "count": k}
                               for a, k in r.packs]
    if cmp.eligible is not None:
        doc["eligible"] = list(cmp.eligible)
        unmet = {p.id: u for p, u in _not_eligible(cmp)}
        for entry in doc["excluded"]:
            if entry["id"] in unmet and entry["reason"] == "not_eligible":
                entry["conditions"] = list(unmet[entry["id"]])
    if cmp.scenario is not None:
        doc["scenario"] = scenario_dict(cmp, lang)
    if cmp.keep_number:
        doc["keep_number"] = keep_number_dict(cmp, lang, top)
    if cmp.guide is not None:
        doc["explain"] = explain_dict(cmp.guide, lang)
