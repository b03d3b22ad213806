"""Renderers for basket reports: pure functions from a :class:`~tariffcli.compare.baskets.BasketReport` to text.

Nothing here prices anything: every number comes from the report. Money is
written as decimal strings; Markdown with ``cite`` footnotes every plan and
basket with its sources; CSV cells are neutralised against formulas. Text from plan
and basket files is shown escaped (:mod:`tariffcli.render.common`); JSON keeps it raw.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from tariffcli.model.limits import MAX_IDS_SHOWN
from tariffcli.model.money import format_fen
from tariffcli.model.sanitise import md_link
from tariffcli.model.units import format_kb
from tariffcli.render.common import (
    JSON_VERSION,
    Footnotes,
    md_escape,
    note_sentence,
    safe_cell,
    shown,
    shown_text,
    source_text,
)
from tariffcli.texts import label, operator_name

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import RenderableType

    from tariffcli.compare.baskets import BasketReport, BasketRow, Priced
    from tariffcli.inputs.baskets import Basket, Citation


def volumes_text(b: Basket, lang: str) -> str:
    """'140 min, 20 SMS, 5 GB data' (or the Chinese form)."""
    parts = []
    if b.calls is not None:
        parts.append(label("vol_calls", lang, calls=b.calls, n=b.billed_minutes))
    elif b.billed_minutes:
        parts.append(label("vol_voice", lang, n=b.billed_minutes))
    if b.sms:
        parts.append(label("vol_sms", lang, n=b.sms))
    if b.data:
        parts.append(label("vol_data", lang, v=format_kb(b.data)))
    if b.app_data:
        parts.append(label("vol_app_data", lang, v=format_kb(b.app_data)))
    return ("，" if lang == "zh" else ", ").join(parts)


def citation_text(c: Citation, lang: str, *, markdown: bool = False) -> str:
    """'title: url (retrieved ...) - note', file text :func:`shown`; as Markdown escaped, only an http(s) url a link."""
    esc = md_escape if markdown else shown
    text = esc(c.title)
    if c.url:
        text += ": " + (md_link(c.url) if markdown else shown(c.url))
    if c.retrieved:
        text += esc(f" ({label('retrieved', lang, date=c.retrieved.isoformat())})")
    if c.note:
        text += esc(f"; {c.note}")
    return text


def _ambiguous(report: BasketReport) -> set[str]:
    """Plan names shared by several plans in the report (those are shown with their id)."""
    ids: dict[str, set[str]] = {}
    for row in report.rows:
        for p in (row.cheapest, row.runner_up, row.in_bundle):
            if p is not None:
                ids.setdefault(p.plan.name, set()).add(p.plan.id)
    return {name for name, found in ids.items() if len(found) > 1}


def paren(text: str, lang: str) -> str:
    """`` (text)``, or ``（text）`` in Chinese."""
    return f"（{text}）" if lang == "zh" else f" ({text})"


def plan_name(p: Priced, ambiguous: set[str], lang: str = "en") -> str:
    """The plan's name as the operator writes it, with its id when another plan has the same name."""
    return shown(p.plan.name) + paren(p.plan.id, lang) if p.plan.name in ambiguous else shown(p.plan.name)


def _province_only(p: Priced, lang: str) -> str:
    """'sold in Hebei only' for a plan sold in one province, else ''."""
    from tariffcli.model.provinces import is_nationwide

    return "" if is_nationwide(p.plan.province) else note_sentence("province_only", {"province": p.plan.province},
                                                                    lang)


def runner_up_line(row: BasketRow, report: BasketReport, lang: str) -> str:
    """The runner-up under the cheapest plan: 'Runner-up: 61.00 (id)'; a plan sold in one province says so, and
    one cheaper than the plan shown (which is first as the cheapest sold nationwide) is named for what it is:
    'Cheaper, sold in Hebei only: 16.00 (id)'."""
    r, c = row.runner_up, row.cheapest
    if r is None or c is None:
        return ""
    where = _province_only(r, lang)
    price = _money(r.price, report, r.plan.currency)
    if where and r.price < c.price:
        return label("runner_up_cheaper", lang, where=where, price=price, id=shown(r.plan.id))
    sep = "，" if lang == "zh" else ", "
    return f"{label('runner_up', lang)}{label('colon', lang)}{price}{paren(shown(r.plan.id) + (sep + where if where else ''), lang)}"


def _money(fen: int, report: BasketReport, currency: str) -> str:
    return format_fen(fen) if report.currency is not None else f"{format_fen(fen)} {currency}"


def _oob(row: BasketRow, report: BasketReport, lang: str, ambiguous: set[str]) -> str:
    c = row.cheapest
    if c is None:
        return ""
    if row.out_of_bundle_cheaper and row.in_bundle is not None:
        b = row.in_bundle
        return label("oob_cheaper", lang, plan=plan_name(b, ambiguous, lang), price=_money(b.price, report, b.plan.currency))
    return label("yes" if c.out_of_bundle else "no", lang)


def _notes(p: Priced | None, lang: str) -> str:
    return "" if p is None else "; ".join(note_sentence(n.code, n.params, lang) for n in p.notes)


def _excluded_items(report: BasketReport, lang: str) -> str:
    return ("，" if lang == "zh" else ", ").join(
        p.id + paren(label("reason_" + reason, lang, day=report.day.isoformat()), lang) for p, reason in report.excluded
    )


def excluded_line(report: BasketReport, lang: str, *, every: bool = True) -> str:
    """What was left out and why, or ''. Without ``every`` (stderr), more than :data:`MAX_IDS_SHOWN` plans are
    counted with the way to list them, as ``compare`` does."""
    if not report.excluded:
        return ""
    if not every and len(report.excluded) > MAX_IDS_SHOWN:
        off_sale = sum(1 for _, reason in report.excluded if reason == "not_on_sale")
        others = [(p, reason) for p, reason in report.excluded if reason != "not_on_sale"]
        lines = [label("baskets_left_out_many", lang, n=off_sale, day=report.day.isoformat())] if off_sale else []
        if others:
            from dataclasses import replace

            lines.append(excluded_line(replace(report, excluded=tuple(others)), lang, every=False))
        return "\n".join(lines)
    return label("left_out", lang, n=len(report.excluded), items=_excluded_items(report, lang))


def _title(report: BasketReport, lang: str) -> dict[str, str]:
    return {"currency": report.currency or label("each_currency", lang), "day": report.day.isoformat()}


def render_markdown(report: BasketReport, *, lang: str = "en", cite: bool = False) -> str:
    """One row per basket and operator; ``cite`` footnotes each basket and every plan priced."""
    notes = Footnotes() if cite else None
    gni = report.gni is not None
    ambiguous = _ambiguous(report)
    lines = [f"**{label('baskets_title', lang, **_title(report, lang))}**", ""]
    keys = ["basket", "basket_usage", "operator", "cheapest", "price", "runner_up", "runner_up_price", "out_of_bundle"]
    keys += ["affordability"] if gni else []
    keys += ["notes"]
    lines.append("| " + " | ".join(label(k, lang) for k in keys) + " |")
    right = {keys.index("price"), keys.index("runner_up_price")} | ({keys.index("affordability")} if gni else set())
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(keys))) + "|")
    for row in report.rows:
        b = row.basket
        basket = md_escape(b.display_name(lang))
        if notes is not None and b.source is not None:
            basket += notes.ref(f"basket:{b.source.title}|{b.source.url}", citation_text(b.source, lang, markdown=True))
        cells = [basket, md_escape(volumes_text(b, lang)), md_escape(operator_name(row.operator, lang))]
        for p in (row.cheapest, row.runner_up):
            if p is None:
                cells += [md_escape(label("no_cover", lang)) if p is row.cheapest else "", ""]
                continue
            cite_mark = notes.plan(p.plan, lang) if notes is not None else ""
            where = _province_only(p, lang) if p is row.runner_up else ""
            cells += [md_escape(plan_name(p, ambiguous, lang) + (paren(where, lang) if where else "")) + cite_mark,
                      _money(p.price, report, p.plan.currency)]
        oob = md_escape(_oob(row, report, lang, ambiguous))
        if row.in_bundle is not None and row.out_of_bundle_cheaper and notes is not None:
            oob += notes.plan(row.in_bundle.plan, lang)  # the price it beat carries a source too
        cells.append(oob)
        if gni:
            cells.append("" if row.affordability is None else f"{row.affordability}%")
        cells.append(md_escape(_notes(row.cheapest, lang)))
        lines.append("| " + " | ".join(cells) + " |")
    if not report.rows:
        lines += ["", label("no_plans", lang)]
    lines += ["", md_escape(label("baskets_method", lang))]
    if report.nationwide_first:
        lines += ["", md_escape(label("baskets_nationwide_first", lang))]
    if report.gni is not None:
        gni_line = label("baskets_gni", lang, gni=f"{report.gni:,}", currency=report.currency or "")
        if notes is not None:
            from tariffcli.inputs.baskets import ITU_AFFORDABILITY_SOURCE

            gni_line += notes.ref("affordability", citation_text(ITU_AFFORDABILITY_SOURCE, lang, markdown=True))
        lines += ["", md_escape(gni_line)]
        if report.gni_source:
            lines += ["", md_escape(label("baskets_gni_source", lang, source=report.gni_source))]
    if report.excluded:
        lines += ["", md_escape(excluded_line(report, lang))]
    if notes is not None:
        lines += notes.lines(lang)
    return shown_text("\n".join(lines) + "\n")


_CSV_COLUMNS = [
    "basket", "basket_name", "voice_min", "sms", "data", "app_data", "operator",
    "plan_id", "plan_name", "province", "currency", "price", "out_of_bundle",
    "runner_up_id", "runner_up_name", "runner_up_price",
    "in_bundle_id", "in_bundle_price", "out_of_bundle_cheaper", "affordability_percent",
    "confidence", "notes",
]


def render_csv(report: BasketReport, *, lang: str = "en", cite: bool = False) -> str:
    """One row per basket and operator; ``cite`` adds the sources of the plans and of the basket."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(_CSV_COLUMNS + (["plan_sources", "runner_up_sources", "basket_source"] if cite else []))
    for row in report.rows:
        b, c, r, ib = row.basket, row.cheapest, row.runner_up, row.in_bundle
        cells: list[Any] = [
            safe_cell(b.id), safe_cell(b.display_name(lang)), b.billed_minutes, b.sms, format_kb(b.data),
            format_kb(b.app_data), safe_cell(operator_name(row.operator, lang)),
            safe_cell(c.plan.id) if c else "", safe_cell(c.plan.name) if c else "", safe_cell(c.plan.province) if c else "",
            c.plan.currency if c else "", format_fen(c.price) if c else "",
            ("yes" if c.out_of_bundle else "no") if c else "",
            safe_cell(r.plan.id) if r else "", safe_cell(r.plan.name) if r else "", format_fen(r.price) if r else "",
            safe_cell(ib.plan.id) if ib else "", format_fen(ib.price) if ib else "",
            "yes" if row.out_of_bundle_cheaper else "no",
            "" if row.affordability is None else str(row.affordability),
            c.plan.confidence.value if c else "", safe_cell(_notes(c, lang)),
        ]
        if cite:
            cells += [
                safe_cell(source_text(c.plan, lang)) if c else "",
                safe_cell(source_text(r.plan, lang)) if r else "",
                safe_cell(citation_text(b.source, lang)) if b.source else "",
            ]
        w.writerow(cells)
    return shown_text(out.getvalue())


def _citation_dict(c: Citation | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"title": c.title, "url": c.url, "retrieved": c.retrieved.isoformat() if c.retrieved else None, "note": c.note}


def basket_dict(b: Basket, lang: str = "en") -> dict[str, Any]:
    return {
        "id": b.id,
        "name": b.display_name(lang),
        "voice_min": b.billed_minutes,
        "calls": b.calls,
        "sms": b.sms,
        "data_kb": b.data,
        "app_data_kb": b.app_data,
        "period": b.period,
        "experimental": b.experimental,
        "source": _citation_dict(b.source),
        "file": b.origin,
    }


def _priced_dict(p: Priced | None, lang: str) -> dict[str, Any] | None:
    if p is None:
        return None
    plan = p.plan
    notes = []
    for n in p.notes:
        params = {k: (format_fen(v) if k == "amount" else v) for k, v in n.params.items()}
        notes.append({"code": n.code, "text": note_sentence(n.code, n.params, lang), "params": params})
    return {
        "id": plan.id,
        "name": plan.name,
        "operator": plan.operator,
        "province": plan.province,
        "currency": plan.currency,
        "confidence": plan.confidence.value,
        "sources": [{"url": s.url, "retrieved": s.retrieved.isoformat(), "tag": s.tag} for s in plan.sources],
        "eligibility": list(plan.eligibility),
        "price": format_fen(p.price),
        "lines": {k: format_fen(v) for k, v in p.lines.items()},
        "out_of_bundle": p.out_of_bundle,
        "notes": notes,
    }


def report_dict(report: BasketReport, *, lang: str = "en") -> dict[str, Any]:
    """The JSON document for a basket report (docs/baskets.md); sources are always included."""
    from tariffcli.inputs.baskets import ITU_AFFORDABILITY_SOURCE

    return {
        "version": JSON_VERSION,
        "date": report.day.isoformat(),
        "currency": report.currency,
        "gni": None if report.gni is None else {
            "per_capita": str(report.gni), "currency": report.currency, "source": report.gni_source,
            "method": _citation_dict(ITU_AFFORDABILITY_SOURCE),
        },
        "baskets": [basket_dict(b, lang) for b in report.baskets],
        "rows": [
            {
                "basket": row.basket.id,
                "operator": row.operator,
                "plans_considered": row.considered,
                "cheapest": _priced_dict(row.cheapest, lang),
                "runner_up": _priced_dict(row.runner_up, lang),
                "in_bundle": _priced_dict(row.in_bundle, lang),
                "out_of_bundle_cheaper": row.out_of_bundle_cheaper,
                "affordability_percent": None if row.affordability is None else str(row.affordability),
            }
            for row in report.rows
        ],
        "excluded": [
            {"id": p.id, "reason": reason, "valid_from": p.valid_from.isoformat() if p.valid_from else None,
             "valid_to": p.valid_to.isoformat() if p.valid_to else None}
            for p, reason in report.excluded
        ],
    }


def render_json(report: BasketReport, *, lang: str = "en") -> str:
    return json.dumps(report_dict(report, lang=lang), ensure_ascii=False, indent=2) + "\n"


def build_table(report: BasketReport, *, lang: str = "en") -> RenderableType:
    """For the terminal: one table per basket, one plan per operator (laid out at the terminal's width by
    :class:`tariffcli.render.layout.PlanTable`: ids never split), then the method line."""
    from rich.console import Group
    from rich.text import Text

    from tariffcli.render.layout import Block, Paragraphs, PlanTable

    ambiguous = _ambiguous(report)
    parts: list[RenderableType] = [Paragraphs((label("baskets_title", lang, **_title(report, lang)),), style="bold")]
    gni = report.gni is not None
    for basket in report.baskets:
        blocks = []
        for row in (r for r in report.rows if r.basket is basket):
            c, r = row.cheapest, row.runner_up
            share = () if not gni else ("" if row.affordability is None else f"{row.affordability}%",)
            who = shown(operator_name(row.operator, lang))
            if c is None:
                blocks.append(Block("", f"{who}{label('colon', lang)}{label('no_cover', lang)}", ("", *share)))
                continue
            details = [f"{who} · {shown(c.plan.id)}",
                       f"• {label('out_of_bundle', lang)}{label('colon', lang)}{_oob(row, report, lang, ambiguous)}"]
            if r is not None:
                details.append(f"• {runner_up_line(row, report, lang)}")
            details += [f"• {note_sentence(n.code, n.params, lang)}" for n in c.notes]
            blocks.append(Block("", shown(c.plan.name), (_money(c.price, report, c.plan.currency), *share),
                                tuple(details)))
        title = f"{shown(basket.display_name(lang))}\n{volumes_text(basket, lang)}"
        headers = ("", label("cheapest", lang), label("price", lang), *(("% GNI",) if gni else ()))
        parts += [Text(""), PlanTable(title, headers, tuple(blocks))]
    if not report.rows:
        parts.append(Text(label("no_plans", lang)))
    footer = [label("baskets_method", lang)]
    if report.nationwide_first:
        footer.append(label("baskets_nationwide_first", lang))
    if report.gni is not None:
        footer.append(label("baskets_gni", lang, gni=f"{report.gni:,}", currency=report.currency or ""))
    parts.append(Paragraphs(tuple(footer), style="dim"))
    return Group(*parts)


def basket_list(baskets: tuple[Basket, ...], fmt: str, *, lang: str = "en") -> str:
    """The built-in baskets: id, name, volumes, period, experimental; as text, json, csv or markdown."""
    if fmt == "json":
        doc = {"version": JSON_VERSION, "baskets": [basket_dict(b, lang) for b in baskets]}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    rows = [[b.id, b.display_name(lang), volumes_text(b, lang), b.period or "",
             label("experimental", lang) if b.experimental else ""] for b in baskets]
    head = ["id", label("basket", lang), label("basket_usage", lang), label("period", lang), label("experimental", lang)]
    if fmt == "csv":
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["id", "name", "usage", "period", "experimental"])
        w.writerows([[safe_cell(c) for c in r[:4]] + ["yes" if b.experimental else "no"]
                     for r, b in zip(rows, baskets, strict=True)])
        return shown_text(out.getvalue())
    if fmt == "markdown":
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        lines += ["| " + " | ".join(md_escape(c) for c in r) + " |" for r in rows]
        return shown_text("\n".join(lines) + "\n")
    lines = [label("basket_list_title", lang)]
    lines += ["  ".join([shown(r[0]).ljust(18), r[2], paren(shown(r[3]), lang).lstrip() if r[3] else "", r[4]]).rstrip()
              for r in rows]
    return shown_text("\n".join(lines) + "\n")
