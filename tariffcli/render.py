"""Renderers: pure functions from results to text (or to a rich Table).

Nothing here computes a tariff: every number comes from the
:class:`~tariffcli.recommend.Comparison`. Money is written as decimal strings.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from .engine import LINES
from .i18n import label, note_text
from .money import format_fen
from .units import format_kb

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import RenderableType

    from .plans import Plan
    from .recommend import Comparison, Row

JSON_VERSION = "1"
"""Version of the JSON output format (docs/json-output.md); bumped on breaking changes."""

_MONEY_PARAMS = ("delta", "amount", "exit_fee")


def _visible(cmp: Comparison, top: int | None) -> tuple[Row, ...]:
    return cmp.rows if top is None else cmp.rows[:top]


def _notes(row: Row, lang: str) -> list[str]:
    return [note_text(n.code, n.params, lang) for n in row.notes]


def _sources(plan: Plan) -> list[dict[str, Any]]:
    return [{"url": s.url, "retrieved": s.retrieved.isoformat(), "tag": s.tag} for s in plan.sources]


def _row_dict(row: Row, cmp: Comparison, lang: str) -> dict[str, Any]:
    p = row.plan
    notes = []
    for n in row.notes:
        params = {k: (format_fen(v) if k in _MONEY_PARAMS and v is not None else v) for k, v in n.params.items()}
        notes.append({"code": n.code, "text": note_text(n.code, n.params, lang), "params": params})
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
        "confidence": p.confidence.value,
        "sources": _sources(p),
        "eligibility": list(p.eligibility),
        "tags": list(p.tags),
        "is_current": row.is_current,
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
    return {
        "version": JSON_VERSION,
        "currency": cmp.currency,
        "start": cmp.start,
        "horizon": cmp.horizon,
        "months": list(cmp.months),
        "lines": list(LINES),
        "usage": {"history": list(cmp.history_months), "projected": projected},
        "current": None if cmp.current is None else _row_dict(cmp.current, cmp, lang),
        "plans": [_row_dict(r, cmp, lang) for r in _visible(cmp, top)],
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


def render_json(cmp: Comparison, *, lang: str = "en", top: int | None = None) -> str:
    return json.dumps(comparison_dict(cmp, lang=lang, top=top), ensure_ascii=False, indent=2) + "\n"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _summary_rows(cmp: Comparison, top: int | None) -> list[Row]:
    rows = list(_visible(cmp, top))
    if cmp.current is not None:
        rows.append(cmp.current)
    return rows


def render_csv(cmp: Comparison, *, lang: str = "en", top: int | None = None) -> str:
    """One row per plan (the current plan last, with an empty rank)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["rank", "id", "operator", "name", "province", "currency", "total", "average_monthly",
                "after_promotions", "saving", "confidence", "source", "retrieved", "notes"])
    for r in _summary_rows(cmp, top):
        p = r.plan
        w.writerow([
            "" if r.rank is None else r.rank,
            safe_cell(p.id), safe_cell(p.operator), safe_cell(p.name), safe_cell(p.province), cmp.currency,
            format_fen(r.total), format_fen(r.average), format_fen(r.after_promotions),
            "" if r.saving is None else format_fen(r.saving),
            p.confidence.value, safe_cell(p.sources[0].url), p.sources[0].retrieved.isoformat(),
            safe_cell("; ".join(_notes(r, lang))),
        ])
    return out.getvalue()


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


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
    name = r.plan.name + (f" ({label('current', lang)})" if r.is_current and r.rank is not None else "")
    cells = [rank, r.plan.operator, name, format_fen(r.total), format_fen(r.average), format_fen(r.after_promotions)]
    if cmp.current is not None:
        cells.append("" if r.saving is None else format_fen(r.saving))
    cells.append("; ".join(_notes(r, lang)))
    return cells


def render_markdown(cmp: Comparison, *, lang: str = "en", top: int | None = None) -> str:
    lines = [f"**{_title(cmp, lang)}**", "", _usage_line(cmp, lang), ""]
    headers = _headers(cmp, lang)
    lines.append("| " + " | ".join(headers) + " |")
    right = {3, 4, 5, 6} if cmp.current is not None else {3, 4, 5}
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|")
    for r in _summary_rows(cmp, top):
        lines.append("| " + " | ".join(_md(c) for c in _cells(r, cmp, lang)) + " |")
    if not cmp.rows:
        lines.append("")
        lines.append(label("no_plans", lang))
    if cmp.current is not None:
        lines += ["", label("saving_footer", lang, id=cmp.current.plan.id)]
    return "\n".join(lines) + "\n"


def build_table(cmp: Comparison, *, lang: str = "en", top: int | None = None) -> RenderableType:
    """A rich Table for the terminal (the caller decides width and colour).

    The plan cell holds the name, then the operator and id, then one note per
    line, so the numbers keep their columns in an 80-column terminal.
    """
    from rich import box
    from rich.cells import cell_len
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=_title(cmp, lang), caption=_usage_line(cmp, lang), title_justify="left",
                  caption_justify="left", box=box.SIMPLE_HEAD, show_lines=True, expand=True, pad_edge=False)
    table.add_column(label("rank", lang), justify="right", no_wrap=True)
    table.add_column(label("plan", lang), overflow="fold", ratio=1)
    rows = _visible(cmp, top)
    everyone = list(rows) + ([cmp.current] if cmp.current is not None else [])
    widest = max((len(format_fen(v)) for r in everyone for v in (r.total, r.average, r.after_promotions, r.saving or 0)),
                 default=6)
    for key in ("total", "per_month", "after_promotions") + (("saving",) if cmp.current is not None else ()):
        header = label(key, lang)
        word = max(cell_len(w) for w in header.split())
        table.add_column(header, justify="right", width=max(widest, word))

    def add(r: Row, first: bool) -> None:
        rank = str(r.rank) if r.rank is not None else "*"
        title = escape(r.plan.name)
        if r.is_current:
            title += f" ({label('current', lang)})"
        cell = f"[bold]{title}[/]\n[dim]{escape(r.plan.operator)} · {escape(r.plan.id)}[/]"
        for n in _notes(r, lang):
            cell += f"\n• {escape(n)}"
        cells = [rank, cell, format_fen(r.total), format_fen(r.average), format_fen(r.after_promotions)]
        if cmp.current is not None:
            cells.append("" if r.saving is None else format_fen(r.saving))
        table.add_row(*cells, style="green" if first else None)

    for i, r in enumerate(rows):
        add(r, i == 0)
    if cmp.current is not None:
        add(cmp.current, False)
    return table


def render_text_footer(cmp: Comparison, *, lang: str = "en") -> str:
    """Lines printed under the table: what the saving means."""
    if cmp.current is None:
        return ""
    return label("saving_footer", lang, id=cmp.current.plan.id)


# ---------------------------------------------------------------- catalogue views

_PLAN_COLUMNS = ("id", "operator", "name", "province", "monthly_fee", "voice", "sms", "data", "tags", "confidence", "retrieved")


def _allowance_text(value: object, kind: str) -> str:
    if value == "unlimited":
        return "unlimited"
    if value is None:
        return ""
    if kind == "data":
        return format_kb(int(value))  # type: ignore[call-overload]
    return str(value)


def plan_summary(p: Plan) -> dict[str, str]:
    """The one-line facts of a plan, as text."""
    a = p.allowances
    return {
        "id": p.id,
        "operator": p.operator,
        "name": p.name,
        "province": p.province,
        "monthly_fee": f"{p.monthly_fee:.2f}",
        "voice": _allowance_text(a.voice, "voice"),
        "sms": _allowance_text(a.sms, "sms"),
        "data": _allowance_text(a.data, "data"),
        "tags": ", ".join(p.tags),
        "confidence": p.confidence.value,
        "retrieved": max(s.retrieved for s in p.sources).isoformat(),
    }


def plans_table(plans: tuple[Plan, ...]) -> RenderableType:
    """The plan list for a terminal: the columns that fit in 80; the rest is in --format json/csv."""
    from rich import box
    from rich.table import Table

    table = Table(title=f"{len(plans)} plans", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                  padding=(0, 1), collapse_padding=True)
    table.add_column("id", no_wrap=True)
    table.add_column("name", overflow="fold", min_width=8)
    table.add_column("fee", justify="right", no_wrap=True)
    table.add_column("min", justify="right", no_wrap=True)
    table.add_column("data", justify="right", no_wrap=True)
    table.add_column("confidence", no_wrap=True, min_width=10)
    for p in plans:
        r = plan_summary(p)
        table.add_row(r["id"], r["name"], r["monthly_fee"], r["voice"], r["data"], r["confidence"])
    return table


def plans_text(plans: tuple[Plan, ...], fmt: str) -> str:
    """The plan list as json, csv or markdown."""
    rows = [plan_summary(p) for p in plans]
    if fmt == "json":
        doc = {"version": JSON_VERSION, "plans": [
            {**r, "tags": list(p.tags), "sources": _sources(p)} for r, p in zip(rows, plans, strict=True)
        ]}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(_PLAN_COLUMNS)
        for r in rows:
            w.writerow([safe_cell(r[c]) for c in _PLAN_COLUMNS])
        return out.getvalue()
    lines = ["| " + " | ".join(_PLAN_COLUMNS) + " |", "|" + "|".join("---" for _ in _PLAN_COLUMNS) + "|"]
    lines += ["| " + " | ".join(_md(r[c]) for c in _PLAN_COLUMNS) + " |" for r in rows]
    return "\n".join(lines) + "\n"


_DATA_KEYS = {"data", "app_data", "block", "up_to", "volume_cap", "throttle_after"}


def _with_units(node: Any, key: str = "") -> Any:
    """A dumped plan with its quantities written back with units ('1 GB', '30 min')."""
    if isinstance(node, dict):
        return {k: _with_units(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_with_units(v, key) for v in node]
    if isinstance(node, int) and not isinstance(node, bool):
        if key in _DATA_KEYS:
            return format_kb(node) if node else "0 MB"
        if key == "voice":
            return f"{node} min"
    return node


def show_plan(p: Plan, *, json_format: bool = False) -> str:
    """A plan in full: its validated content (JSON) or a readable summary with sources."""
    if json_format:
        doc = {"version": JSON_VERSION, "file": p.origin, "plan": p.model_dump(mode="json", exclude_none=True)}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    import yaml

    body = yaml.safe_dump(_with_units(p.model_dump(mode="json", exclude_none=True, exclude_defaults=True)),
                          allow_unicode=True, sort_keys=False, width=100)
    return f"# {p.name} ({p.id})\n# file: {p.origin}\n{body}"
