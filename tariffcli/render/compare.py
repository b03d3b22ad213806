"""Renderers: pure functions from results to text (or to a rich Table).

Nothing here computes a tariff: every number comes from the
:class:`~tariffcli.compare.ranking.Comparison`. Money is written as decimal strings.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from tariffcli.engine import LINES
from tariffcli.model.money import format_fen
from tariffcli.model.units import format_kb
from tariffcli.texts import label, note_text

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import RenderableType

    from tariffcli.compare.results import Comparison, Row
    from tariffcli.model.plan import Plan

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
    doc = {
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
    _extend_dict(doc, cmp, lang, top)  # --with-addons, --scenario, --eligible, --tag keep-number, --explain
    return doc


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


def render_csv(cmp: Comparison, *, lang: str = "en", top: int | None = None, cite: bool = False) -> str:
    """One row per plan (the current plan last, with an empty rank); ``cite`` adds every source."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["rank", "id", "operator", "name", "province", "currency", "total", "average_monthly",
                "after_promotions", "saving", "confidence", "source", "retrieved", "notes"]
               + (["sources"] if cite else []))
    for r in _summary_rows(cmp, top):
        p = r.plan
        w.writerow([
            "" if r.rank is None else r.rank,
            safe_cell(p.id), safe_cell(p.operator), safe_cell(p.name), safe_cell(p.province), cmp.currency,
            format_fen(r.total), format_fen(r.average), format_fen(r.after_promotions),
            "" if r.saving is None else format_fen(r.saving),
            p.confidence.value, safe_cell(p.sources[0].url), p.sources[0].retrieved.isoformat(),
            safe_cell("; ".join(_notes(r, lang))),
        ] + ([safe_cell(source_text(p, lang))] if cite else []))
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
    name = display_name(r, cmp, lang) + (f" ({label('current', lang)})" if r.is_current and r.rank is not None else "")
    cells = [rank, r.plan.operator, name, format_fen(r.total), format_fen(r.average), format_fen(r.after_promotions)]
    if cmp.current is not None:
        cells.append("" if r.saving is None else format_fen(r.saving))
    cells.append("; ".join(_notes(r, lang)))
    return cells


def render_markdown(cmp: Comparison, *, lang: str = "en", top: int | None = None, cite: bool = False) -> str:
    """A pasteable Markdown table; ``cite`` footnotes every plan with its sources."""
    notes = Footnotes() if cite else None
    lines = [f"**{_title(cmp, lang)}**", "", _usage_line(cmp, lang), ""]
    headers = _headers(cmp, lang)
    lines.append("| " + " | ".join(headers) + " |")
    right = {3, 4, 5, 6} if cmp.current is not None else {3, 4, 5}
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|")
    for r in _summary_rows(cmp, top):
        cells = [_md(c) for c in _cells(r, cmp, lang)]
        if notes is not None:
            cells[2] += notes.plan(r.plan, lang)
        lines.append("| " + " | ".join(cells) + " |")
    if not cmp.rows:
        lines.append("")
        lines.append(label("no_plans", lang))
    if cmp.current is not None:
        lines += ["", label("saving_footer", lang, id=cmp.current.plan.id)]
    lines += extra_sections(cmp, lang=lang, top=top, markdown=True)
    if notes is not None:
        lines += notes.lines(lang)
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
        title = escape(plan_label(r, lang))
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


def render_text_footer(cmp: Comparison, *, lang: str = "en", top: int | None = None) -> str:
    """Lines printed under the table: what the saving means, then any extra sections (rich markup escaped)."""
    from rich.markup import escape

    lines = [] if cmp.current is None else [label("saving_footer", lang, id=cmp.current.plan.id)]
    extra = extra_sections(cmp, lang=lang, top=top)
    return escape("\n".join(lines + extra).rstrip("\n"))


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


# ---------------------------------------------------------------- citations (--cite) and bars


def source_text(plan: Plan, lang: str = "en", *, markdown: bool = False) -> str:
    """Every source of a plan: 'url (retrieved 2026-11-21, tag C); ...' (``<url>`` links in Markdown)."""
    parts = []
    for s in plan.sources:
        meta = [label("retrieved", lang, date=s.retrieved.isoformat())]
        if s.tag:
            meta.append(label("source_tag", lang, tag=s.tag))
        url = f"<{s.url}>" if markdown else s.url
        parts.append(f"{url} ({', '.join(meta)})")
    return "; ".join(parts)


def plan_citation(plan: Plan, lang: str = "en") -> str:
    """A footnote for a plan: name, id, province and confidence, then its sources."""
    what = label(f"confidence_{plan.confidence.value}", lang)
    return f"{plan.name} ({plan.id}; {plan.operator}, {plan.province}; {what}): {source_text(plan, lang, markdown=True)}"


class Footnotes:
    """Numbered Markdown footnotes ``[^n]``, one per cited thing, in order of first use."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._texts: list[str] = []

    def ref(self, key: str, text: str) -> str:
        """The marker for ``key`` (numbered on first use; ``text`` is its footnote)."""
        if key not in self._numbers:
            self._texts.append(text)
            self._numbers[key] = len(self._texts)
        return f"[^{self._numbers[key]}]"

    def plan(self, plan: Plan, lang: str) -> str:
        return self.ref(f"plan:{plan.id}", plan_citation(plan, lang))

    def lines(self, lang: str) -> list[str]:
        """The footnotes block (empty when nothing was cited)."""
        if not self._texts:
            return []
        out = ["", f"**{label('sources', lang)}**", ""]
        out += [f"[^{i}]: {_md(t)}" for i, t in enumerate(self._texts, 1)]
        return out


def _cell_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, width: int) -> str:
    """``text`` cut or padded to ``width`` terminal cells (Chinese characters are two cells)."""
    if _cell_width(text) > width:
        cut, used = "", 0
        for c in text:
            if used + _cell_width(c) > width - 1:
                break
            cut, used = cut + c, used + _cell_width(c)
        text = cut + "…"
    return text + " " * max(width - _cell_width(text), 0)


def render_bars(cmp: Comparison, *, lang: str = "en", top: int | None = None, width: int = 80) -> str:
    """The comparison as a plain-text bar chart for a terminal: one bar per plan, scaled to the dearest."""
    rows = _summary_rows(cmp, top)
    lines = [label("bars_title", lang, h=cmp.horizon, start=cmp.start, currency=cmp.currency), ""]
    if not rows:
        return "\n".join(lines + [label("no_plans", lang)]) + "\n"
    names = []
    for r in rows:
        rank = str(r.rank) if r.rank is not None else "*"
        names.append(f"{rank:>2} {display_name(r, cmp, lang)}")
    name_w = min(max(_cell_width(n) for n in names), 28)
    amounts = [format_fen(r.total) for r in rows]
    amount_w = max(len(a) for a in amounts)
    bar_w = max(width - name_w - amount_w - 3, 10)
    top_total = max(max(r.total for r in rows), 1)
    for n, a, r in zip(names, amounts, rows, strict=True):
        eighths = max(r.total, 0) * bar_w * 8 // top_total
        bar = "█" * (eighths // 8) + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[eighths % 8]
        lines.append(f"{_fit(n, name_w)} {a:>{amount_w}} {bar}".rstrip())
    if cmp.current is not None:
        lines += ["", "* " + label("current", lang)]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- packs, scenarios, eligibility, keep-number, explain


def packs_text(packs: Any, lang: str = "en") -> str:
    """'1GB流量包' or '2 × 1GB流量包 + 短信包' for chosen optional packs."""
    return label("plus", lang).join(a.name if k == 1 else f"{k} × {a.name}" for a, k in packs)


def plan_label(row: Row, lang: str = "en") -> str:
    """The plan's name, with the packs it is ranked with: '8元套餐 + 1GB流量包'."""
    if not row.packs:
        return row.plan.name
    return row.plan.name + label("plus", lang) + packs_text(row.packs, lang)


def display_name(row: Row, cmp: Comparison, lang: str = "en") -> str:
    """:func:`plan_label`, with the plan id added when another plan in the comparison has the same name."""
    everyone = list(cmp.rows) + ([cmp.current] if cmp.current is not None else [])
    same = sum(1 for r in everyone if r.plan.name == row.plan.name and r.plan.id != row.plan.id)
    return plan_label(row, lang) + (f" ({row.plan.id})" if same else "")


def _about(service: str, value: int, lang: str) -> str:
    """A break-even level for a sentence: '14.2 GB of data', '350 min of calls', '120 SMS'."""
    from decimal import ROUND_HALF_UP, Decimal

    if service == "data":
        gb = 1024 * 1024
        if value >= gb:
            v = f"{(Decimal(value) / gb).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)} GB"
        else:
            v = f"{(Decimal(value) / 1024).quantize(Decimal('1'), rounding=ROUND_HALF_UP)} MB"
    else:
        v = str(value)
    return label(f"qty_{service}", lang, v=v)


def _short_name(cmp: Comparison, plan_id: str, lang: str) -> str:
    for r in cmp.rows:
        if r.plan.id == plan_id:
            return f"{plan_label(r, lang)} ({plan_id})"
    return plan_id


def break_even_text(cmp: Comparison, lang: str = "en") -> list[str]:
    """One sentence per service where the runner-up becomes cheaper; one 'stays cheaper' sentence otherwise."""
    out = []
    for b in cmp.break_even:
        if b.level is None:
            continue
        out.append(label(f"break_even_{b.direction}", lang, rival=_short_name(cmp, b.rival, lang),
                         cheaper=_short_name(cmp, b.cheaper, lang), level=_about(b.service, b.level, lang),
                         at=_about(b.service, b.at, lang)))
    if not out and cmp.break_even:
        b = cmp.break_even[0]
        out.append(label("break_even_none", lang, cheaper=_short_name(cmp, b.cheaper, lang),
                         rival=_short_name(cmp, b.rival, lang), hi=_about(b.service, b.searched_to, lang)))
    out += [label("break_even_stopped", lang, plan=_short_name(cmp, b.cheaper, lang), level=_about(b.service, b.stopped, lang))
            for b in cmp.break_even if b.service == "data" and b.stopped is not None]
    return out


def scenario_line(cmp: Comparison, lang: str = "en") -> str:
    u = cmp.usage
    return label("scenario", lang, level=label(f"level_{cmp.scenario}", lang), voice=int(u.voice_min[0]),
                 sms=int(u.sms[0]), data=format_kb(int(u.data_kb[0] + u.app_data_kb[0])))


def _yearly(amount: int, horizon: int) -> int:
    """An amount over ``horizon`` months scaled to 12, half-up to the fen."""
    return (2 * amount * 12 + horizon) // (2 * horizon)


def _rate_text(rate: Any) -> str:
    return f"{rate.normalize():f}" if rate == rate.to_integral_value() else f"{rate:f}".rstrip("0")


def abroad_lines(row: Row, cmp: Comparison, lang: str = "en") -> list[str]:
    """What a user abroad pays on this plan, from its roaming data; says so when there is none."""
    from decimal import ROUND_HALF_UP, Decimal

    r = row.plan.roaming
    if r is None:
        return [label("kn_no_roaming", lang)]
    out = []
    if r.sms_received is None:
        out.append(label("kn_sms_unknown", lang))
    elif r.sms_received == 0:
        out.append(label("kn_sms_free", lang))
    else:
        out.append(label("kn_sms_rate", lang, rate=_rate_text(r.sms_received)))
    if r.calls:
        n = len(cmp.months)
        minutes = -(-int(cmp.usage.voice_min.sum()) // n) if n else 0
        rates = sorted(c.rate for c in r.calls)

        def cost(rate: Decimal) -> str:
            return str((rate * minutes).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

        out.append(label("kn_calls", lang, rates=" / ".join(_rate_text(x) for x in rates), minutes=minutes,
                         low=cost(rates[0]), high=cost(rates[-1])))
    else:
        out.append(label("kn_calls_unknown", lang))
    if r.as_of:
        out.append(label("kn_as_of", lang, as_of=r.as_of, url=r.sources[0].url))
    return out


def _conditions_text(plan: Plan, lang: str) -> str:
    if not plan.eligibility:
        return label("kn_no_conditions", lang)
    return label("kn_conditions", lang, items="; ".join(plan.eligibility))


def keep_number_lines(cmp: Comparison, lang: str = "en", top: int | None = None) -> list[str]:
    """The keep-number view: the cheapest package (+ packs), its yearly cost and saving, then per plan
    its packs, conditions, how to apply and what a user abroad pays."""
    rows = _visible(cmp, top)
    if not rows:
        return []
    best = rows[0]
    out = [label("kn_title", lang), label("kn_cheapest", lang, plan=plan_label(best, lang),
                                            year=format_fen(_yearly(best.total, cmp.horizon)),
                                            month=format_fen(best.average))]
    if best.saving is not None and cmp.current is not None and best.saving != 0:
        key = "kn_saving" if best.saving > 0 else "kn_dearer"
        out.append(label(key, lang, amount=format_fen(abs(_yearly(best.saving, cmp.horizon))),
                         current=cmp.current.plan.id))
    for r in rows:
        out.append(f"{r.rank}. {plan_label(r, lang)} ({r.plan.id})")
        items = [_conditions_text(r.plan, lang)]
        if r.packs:
            items.append(label("kn_packs", lang, items="; ".join(
                f"{a.name} × {k}, {format_fen(int(a.fee * 100) * k)}" for a, k in r.packs)))
        items.append(label("kn_apply", lang, text=" ".join(r.plan.apply.split())) if r.plan.apply
                     else label("kn_apply_unknown", lang, operator=r.plan.operator))
        items += abroad_lines(r, cmp, lang)
        out += [f"   {x}" for x in items]
    return out


def _step_text(step: Any, lang: str) -> list[str]:
    p = dict(step.params)
    code = step.code
    if code == "conditions":
        return [label("step_conditions", lang, items="; ".join(p["conditions"]))]
    if code == "check_figures":
        return [label("step_check_figures", lang, confidence=label(f"confidence_word_{p['confidence']}", lang),
                      url=p["url"], tag=p["tag"] or "-", retrieved=p["retrieved"])]
    if code == "order":
        out = [label("step_order", lang, operator=p["operator"], name=p["name"])]
        if p["apply"]:
            out.append(label("step_order_apply", lang, text=" ".join(p["apply"].split())))
        return out
    if code == "order_packs":
        items = "; ".join(f"{name} × {k} ({format_fen(fee * k)})" for name, k, fee in p["packs"])
        return [label("step_order_packs", lang, items=items)]
    if code == "commitment":
        if p["exit_fee"] is not None:
            return [label("step_commitment_fee", lang, months=p["months"], exit_fee=format_fen(p["exit_fee"]))]
        return [label("step_commitment", lang, months=p["months"])]
    if code == "port":
        return [label("step_port" if p["known"] else "step_port_maybe", lang, operator=p["operator"])]
    return [label(f"step_{code}", lang, **p)]


def explain_lines(cmp: Comparison, lang: str = "en") -> list[str]:
    """The switching guide: numbered steps, then the rules with their sources."""
    from tariffcli.compare.switching import DISCLAIMER

    g = cmp.guide
    if g is None or not cmp.rows:
        return []
    out = [label("explain_title", lang, plan=plan_label(cmp.rows[0], lang))]
    texts = [t for s in g.steps for t in _step_text(s, lang)]
    out += [f"{i}. {t}" for i, t in enumerate(texts, 1)]
    out += ["", label("rules_title", lang)]
    for r in g.rules:
        out.append(f"- {r.title[lang]}{label('colon', lang)}{r.text[lang]}")
        out.append("  " + label("rule_source", lang, url=r.url, tag=r.tag, date=r.in_force))
    out.append(DISCLAIMER[lang])
    return out


def extra_sections(cmp: Comparison, *, lang: str = "en", top: int | None = None, markdown: bool = False) -> list[str]:
    """Sections under the table for --scenario, --tag keep-number and --explain (empty otherwise)."""
    out: list[str] = []

    def section(lines: list[str], heading: bool = True) -> None:
        if not lines:
            return
        out.append("")
        if not markdown:
            out.extend(lines)
            return
        if heading:
            out.extend([f"**{_md(lines[0])}**", ""])
            lines = lines[1:]
        out.extend(_md_block(lines))

    if cmp.scenario is not None:
        section([scenario_line(cmp, lang), *break_even_text(cmp, lang)], heading=False)
    if cmp.keep_number:
        section(keep_number_lines(cmp, lang, top))
    if cmp.guide is not None:
        section(explain_lines(cmp, lang))
    return out


def _md_block(lines: list[str]) -> list[str]:
    """Plain section lines as Markdown: sentences become paragraphs, indented details nested bullets."""
    import re

    out: list[str] = []
    for line in lines:
        if line.startswith("   "):
            out.append("   - " + line.strip())
        elif line.startswith("  "):
            out.append("  " + line.strip())  # continues the list item above
        elif not line or re.match(r"^(\d+\. |- )", line):
            out.append(line)
        else:  # a sentence or a sub-heading: its own paragraph
            if out and out[-1] != "":
                out.append("")
            out += [line, ""]
    while out and out[-1] == "":
        out.pop()
    return out


def not_eligible_line(cmp: Comparison, lang: str = "en") -> str:
    """Plans left out by --eligible, each with the condition keys not given ('' when none)."""
    left = _not_eligible(cmp)
    if not left:
        return ""
    items = ", ".join(f"{p.id} ({'; '.join(u)})" for p, u in left)
    return label("excluded_eligible", lang, n=len(left), items=items)


def _not_eligible(cmp: Comparison) -> list[tuple[Plan, tuple[str, ...]]]:
    from tariffcli.compare.ranking import condition_key, unmet_conditions

    return [(p, tuple(condition_key(c) for c in unmet_conditions(p, cmp.eligible or ())))
            for p, reason in cmp.excluded if reason == "not_eligible"]


def _extend_dict(doc: dict[str, Any], cmp: Comparison, lang: str, top: int | None) -> None:
    """Add the optional parts of the JSON document (present only when asked for)."""
    if cmp.with_addons:
        for entry, r in zip(doc["plans"], _visible(cmp, top), strict=True):
            entry["addons"] = [{"id": a.id, "name": a.name, "fee": format_fen(int(a.fee * 100)), "count": k}
                               for a, k in r.packs]
    if cmp.eligible is not None:
        doc["eligible"] = list(cmp.eligible)
        unmet = {p.id: u for p, u in _not_eligible(cmp)}
        for entry in doc["excluded"]:
            if entry["id"] in unmet and entry["reason"] == "not_eligible":
                entry["conditions"] = list(unmet[entry["id"]])
    if cmp.scenario is not None:
        u = cmp.usage
        doc["scenario"] = {
            "level": cmp.scenario,
            "usage": {"voice_min": int(u.voice_min[0]), "sms": int(u.sms[0]), "data_kb": int(u.data_kb[0]),
                      "app_data_kb": int(u.app_data_kb[0])},
            "break_even": [
                {"service": b.service, "cheaper": b.cheaper, "rival": b.rival, "at": b.at, "level": b.level,
                 "direction": b.direction, "searched_to": b.searched_to}
                for b in cmp.break_even
            ],
            "text": break_even_text(cmp, lang),
        }
    if cmp.keep_number:
        rows = _visible(cmp, top)
        plans = []
        for r in rows:
            ro = r.plan.roaming
            abroad = None if ro is None else {
                "sms_received": None if ro.sms_received is None else f"{ro.sms_received:f}",
                "calls": [{"zone": c.zone, "rate": f"{c.rate:f}"} for c in ro.calls],
                "as_of": ro.as_of,
                "sources": _sources_of(ro.sources),
            }
            plans.append({"id": r.plan.id, "conditions": list(r.plan.eligibility), "apply": r.plan.apply,
                          "abroad": abroad, "text": abroad_lines(r, cmp, lang)})
        best = rows[0] if rows else None
        doc["keep_number"] = {
            "cheapest": None if best is None else best.plan.id,
            "packs": [] if best is None else [{"id": a.id, "count": k} for a, k in best.packs],
            "yearly_cost": None if best is None else format_fen(_yearly(best.total, cmp.horizon)),
            "yearly_saving": None if best is None or best.saving is None else format_fen(_yearly(best.saving, cmp.horizon)),
            "plans": plans,
            "text": keep_number_lines(cmp, lang, top),
        }
    if cmp.guide is not None:
        from tariffcli.compare.switching import DISCLAIMER

        g = cmp.guide
        doc["explain"] = {
            "plan": g.plan_id,
            "steps": [{"code": s.code, "text": " ".join(_step_text(s, lang))} for s in g.steps],
            "rules": [{"id": r.id, "title": r.title[lang], "text": r.text[lang], "url": r.url, "tag": r.tag,
                       "in_force": r.in_force} for r in g.rules],
            "disclaimer": DISCLAIMER[lang],
        }


def _sources_of(sources: Any) -> list[dict[str, Any]]:
    return [{"url": s.url, "retrieved": s.retrieved.isoformat(), "tag": s.tag} for s in sources]


# ---------------------------------------------------------------- offer verdicts (tariffcli offer)


def _mismatch_text(m: Any, lang: str) -> str:
    from tariffcli.texts import NOTES

    p = dict(m.params)
    service = m.code.split("_")[0]
    code = m.code
    for k in ("allowance", "usage", "most"):
        if k in p and service in ("data", "app"):
            p[k] = format_kb(int(p[k])) if p[k] != "unlimited" else ("unlimited" if lang == "en" else "不限量")
    if "amount" in p:
        p["amount"] = format_fen(int(p["amount"]))
    if code == "data_unused" and m.params.get("most") == 0:
        code = "data_never"
    return NOTES[code][lang].format(**p)


def offer_lines(v: Any, *, lang: str = "en", borrowed_from: str | None = None) -> list[str]:
    """The verdict on an offer, in sentences a person can read over the phone."""
    from tariffcli.model.months import add_months

    cmp = v.comparison
    row = v.offer
    p = row.plan
    out = [label("offer_title", lang, name=p.name, id=p.id, term=v.term, start=cmp.start),
           label("offer_total", lang, term=v.term, total=format_fen(row.total), average=format_fen(row.average))]
    if not v.price_changes:
        out.append(label("offer_price_flat", lang, price=format_fen(v.price[0])))
    else:
        out.append(label("offer_price_first", lang, price=format_fen(v.price[0])))
        for c in v.price_changes:
            delta = c.after - c.before
            out.append(label("offer_price_change", lang, month=c.month, calendar=c.calendar,
                             before=format_fen(c.before), after=format_fen(c.after),
                             delta=("+" if delta >= 0 else "") + format_fen(delta)))
    if v.price and v.price[-1] != v.standard_price:
        out.append(label("offer_standard", lang, price=format_fen(v.standard_price)))
    if p.commitment is not None:
        if p.commitment.exit_fee is not None:
            out.append(label("offer_commitment_fee", lang, months=p.commitment.months,
                             exit_fee=format_fen(int(p.commitment.exit_fee * 100))))
        else:
            out.append(label("offer_commitment", lang, months=p.commitment.months))
    for a, what in ((v.against_current, "offer_what_current"), (v.against_best, "offer_what_best")):
        if a is None:
            continue
        key = "offer_vs_more" if a.extra > 0 else "offer_vs_less" if a.extra < 0 else "offer_vs_same"
        out.append(label(key, lang, what=label(what, lang), name=plan_label(a.row, lang), id=a.row.plan.id,
                         other=format_fen(a.row.total), extra=format_fen(abs(a.extra))))
        if a.turns == 1:
            out.append(label("offer_turns_first", lang))
        elif a.turns is not None:
            out.append(label("offer_turns", lang, month=a.turns, calendar=add_months(cmp.start, a.turns - 1)))
    if v.mismatches:
        out.append(label("offer_mismatch_title", lang))
        out += [f"- {_mismatch_text(m, lang)}" for m in v.mismatches]
    if borrowed_from:
        out.append(label("offer_rates_borrowed", lang, id=borrowed_from))
    ref = v.against_current or v.against_best
    if v.verdict == "decline" and ref is not None:
        out.append(label("verdict_decline", lang, term=v.term, extra=format_fen(ref.extra),
                         name=plan_label(ref.row, lang)))
    elif v.verdict == "consider" and v.against_best is not None:
        out.append(label("verdict_consider", lang, term=v.term, extra=format_fen(v.against_best.extra),
                         name=plan_label(v.against_best.row, lang)))
    else:
        out.append(label("verdict_good", lang, term=v.term))
    return out


def render_offer_text(v: Any, *, lang: str = "en", borrowed_from: str | None = None) -> str:
    return "\n".join(offer_lines(v, lang=lang, borrowed_from=borrowed_from)) + "\n"


def offer_dict(v: Any, *, lang: str = "en", borrowed_from: str | None = None) -> dict[str, Any]:
    """The verdict as a JSON document (docs/offers.md)."""
    cmp = v.comparison
    total = LINES.index("total")

    def against(a: Any) -> dict[str, Any] | None:
        if a is None:
            return None
        return {"id": a.row.plan.id, "name": a.row.plan.name, "total": format_fen(a.row.total),
                "extra": format_fen(a.extra), "turns": a.turns, "cheaper_months": a.cheaper_months,
                "months": [format_fen(int(x)) for x in a.row.lines[:, total]]}

    row = v.offer
    return {
        "version": JSON_VERSION,
        "kind": "offer",
        "currency": cmp.currency,
        "start": cmp.start,
        "term": v.term,
        "months": list(cmp.months),
        "offer": {
            "id": row.plan.id, "name": row.plan.name, "operator": row.plan.operator,
            "total": format_fen(row.total), "average_monthly": format_fen(row.average),
            "price": [format_fen(x) for x in v.price],
            "standard_price": format_fen(v.standard_price),
            "months": [format_fen(int(x)) for x in row.lines[:, total]],
            "rates_from": borrowed_from,
        },
        "price_changes": [{"month": c.month, "calendar": c.calendar, "before": format_fen(c.before),
                           "after": format_fen(c.after), "delta": format_fen(c.after - c.before)}
                          for c in v.price_changes],
        "against_current": against(v.against_current),
        "against_best": against(v.against_best),
        "mismatches": [{"code": m.code, "text": _mismatch_text(m, lang),
                        "params": {k: (val if not isinstance(val, int) or k != "amount" else format_fen(val))
                                   for k, val in m.params.items()}} for m in v.mismatches],
        "verdict": v.verdict,
        "text": offer_lines(v, lang=lang, borrowed_from=borrowed_from),
    }


def render_offer_json(v: Any, *, lang: str = "en", borrowed_from: str | None = None) -> str:
    return json.dumps(offer_dict(v, lang=lang, borrowed_from=borrowed_from), ensure_ascii=False, indent=2) + "\n"
