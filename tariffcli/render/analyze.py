"""Renderers for the bill analyzer: pure functions from a :class:`~tariffcli.analyze.report.Report` to text.

Nothing here computes a charge: every number comes from the report. Money is
written as decimal strings with two places. rich is imported inside
:func:`build_table` only. The JSON document is described in docs/analyze.md
and by ``tariffcli/schemas/analysis.schema.json``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tariffcli.model.money import format_fen
from tariffcli.model.months import add_months
from tariffcli.render.common import md_escape, safe_cell, shown, shown_params, shown_text
from tariffcli.texts import ANALYZE_MONEY, analyze_text

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterator

    from rich.console import RenderableType

    from tariffcli.analyze.reminders import Reminder
    from tariffcli.analyze.report import Finding, LineReport, Report

JSON_VERSION = "1"
"""Version of the analysis JSON (docs/analyze.md); bumped only when a field is removed or changes meaning."""


def months_text(months: tuple[str, ...] | list[str]) -> str:
    """'2009-11..2010-01, 2010-03': runs of consecutive months collapsed."""
    parts: list[str] = []
    i = 0
    ms = list(months)
    while i < len(ms):
        j = i
        while j + 1 < len(ms) and add_months(ms[j], 1) == ms[j + 1]:
            j += 1
        parts.append(ms[i] if i == j else f"{ms[i]}..{ms[j]}")
        i = j + 1
    return ", ".join(parts)


def _line_name(line: str, lang: str) -> str:
    return shown(line) if line else analyze_text("an_single_line", lang)


def _sep(lang: str) -> str:
    return " " if lang == "en" else ""


def _item_text(item: dict[str, Any], source: str | None) -> str:
    where = f"{shown(source)}:{item['row']}" if source else f"line {item['row']}"
    return f"{where} {shown(item['item'])} {format_fen(item['amount'])}"


def finding_texts(f: Finding, lang: str) -> tuple[str, str]:
    """(what happened, what to do) for a finding, in ``lang`` (file text in it :func:`shown`)."""
    p = shown_params(f.params)
    t = analyze_text
    sep = _sep(lang)
    months = months_text(f.months)
    if f.code == "minimum_spend_topup":
        advice = t("an_minimum_spend_topup_do", lang, amount=f.amount)
        if p["absorbed"]:
            advice += t("an_minimum_spend_topup_absorbed", lang, absorbed=p["absorbed"])
        return t("an_minimum_spend_topup", lang, months=months, amount=f.amount), advice
    if f.code == "out_of_bundle_spike":
        text = t("an_out_of_bundle_spike", lang, month=p["month"], total=p["total"], excess=p["excess"],
                 usual=p["usual"])
        group = t(f"an_group_{p['group']}", lang)
        service = t(f"an_service_{p['service']}", lang) if p.get("service") else ""
        cause = t(f"an_cause_{p['cause']}", lang, pack=p.get("pack"), promotion=p.get("pack"), group=group,
                  increase=p["increase"], service=service, ratio=p.get("ratio"))
        todo = "an_out_of_bundle_spike_pack_do" if p["cause"] in ("pack_ended", "promotion_ended") \
            else "an_out_of_bundle_spike_do"
        if todo.endswith("_pack_do") and not p.get("readd", True):  # a free promotional pack: never "re-add"
            todo = "an_out_of_bundle_spike_switch_do"
        return text, cause + sep + t(todo, lang)
    if f.code in ("promotion_expired", "promotion_expiring"):
        key = f"an_{f.code}" + ("_pack" if p["pack"] else "")
        text = t(key, lang, what=p["what"], last_month=p["last_month"], ends=p["ends"])
        todo = f"an_{f.code}_do" if p["at_usage"] else "an_promotion_fees_do"
        if todo == "an_promotion_expired_do" and not p.get("readd", True):  # nothing to re-add: another plan
            todo = "an_promotion_expired_switch_do"
        return text, t(todo, lang, monthly_change=p["monthly_change"], amount=f.amount, horizon=p.get("horizon"))
    if f.code == "recurring_value_added":
        return (t("an_recurring_value_added", lang, item=p["item"], n=p["n"], amount=f.amount),
                t("an_recurring_value_added_do", lang))
    if f.code == "unused_addon":
        service = t(f"an_service_{p['service']}", lang)
        return (t("an_unused_addon", lang, item=p["item"], n=p["n"], service=service, amount=f.amount),
                t("an_unused_addon_do", lang, service=service))
    if f.code == "idle_line":
        return (t("an_idle_line", lang, line=_line_name(f.line, lang), n=p["n"], amount=f.amount),
                t("an_idle_line_do", lang))
    if f.code == "bill_mismatch":
        group = t(f"an_group_{p['group']}", lang)
        text = t("an_bill_mismatch", lang, month=p["month"], group=group, billed=p["billed"],
                 expected=p["expected"], amount=f.amount)
        if p["suspect"] is not None:
            advice = t("an_bill_mismatch_suspect_do", lang, suspect=_item_text(p["suspect"], p["source"]))
        else:
            items = "; ".join(_item_text(i, p["source"]) for i in p["items"]) or t("an_bill_mismatch_nothing", lang)
            advice = t("an_bill_mismatch_do", lang, lines=items)
        return text, advice
    if f.code == "cheaper_plan":
        if p["kind"] == "addon":
            text = t("an_cheaper_plan_addon", lang, addon=p["addon"], best=p["best"], current=p["current"])
        else:
            text = t("an_cheaper_plan", lang, name=p["name"], operator=p["operator"], plan_id=p["plan_id"],
                     best=p["best"], current=p["current"])
        advice = t("an_cheaper_plan_addon_do" if p["kind"] == "addon" else "an_cheaper_plan_do", lang, amount=f.amount)
        if p["eligibility"]:
            advice += t("an_cheaper_plan_conditions", lang, conditions="; ".join(p["eligibility"]))
        if p["confidence"] == "example":
            advice += t("an_cheaper_plan_example", lang)
        return text, advice
    raise ValueError(f"unknown finding code {f.code!r}")  # pragma: no cover - every code is handled above


def reminder_line(r: Reminder, lang: str) -> str:
    from tariffcli.analyze.reminders import reminder_text

    summary, _ = reminder_text(r, lang)
    return analyze_text("an_reminder_line", lang, day=r.day.isoformat(), kind=analyze_text(f"reminder.{r.kind}", lang),
                        who=f" {shown(r.line)}" if r.line else "", summary=summary)


def _money_params(value: Any, key: str = "") -> Any:
    """Params for JSON: money keys (fen) as decimal strings, recursively."""
    if isinstance(value, dict):
        return {k: _money_params(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_money_params(v, key) for v in value]
    if key in ANALYZE_MONEY and isinstance(value, int) and not isinstance(value, bool):
        return format_fen(value)
    return value


def _fen(value: int | None) -> str | None:
    return None if value is None else format_fen(value)


def _line_dict(lr: LineReport) -> dict[str, Any]:
    plan = None
    if lr.plan is not None:
        p = lr.plan
        plan = {"id": p.id, "name": p.name, "operator": p.operator, "confidence": p.confidence.value,
                "file": p.origin}
    return {
        "line": lr.line,
        "plan": plan,
        "plan_since": lr.plan_since,
        "charged": _fen(lr.charged),
        "expected": _fen(lr.expected),
        "months": [
            {"month": m.month, "voice_min": m.voice_min, "sms": m.sms, "data_kb": m.data_kb,
             "data_days": m.data_days, "charged": _fen(m.charged), "expected": _fen(m.expected)}
            for m in lr.months
        ],
    }


def report_dict(report: Report, *, lang: str = "en") -> dict[str, Any]:
    """The JSON document of an analysis (schema: tariffcli/schemas/analysis.schema.json)."""
    findings = []
    for f in report.findings:
        text, advice = finding_texts(f, lang)
        findings.append({"code": f.code, "line": f.line, "months": list(f.months), "amount": format_fen(f.amount),
                         "text": text, "advice": advice, "params": _money_params(f.params), "refs": list(f.refs)})
    charged = [lr.charged for lr in report.lines if lr.charged is not None]
    return {
        "version": JSON_VERSION,
        "currency": report.currency,
        "today": report.today.isoformat(),
        "horizon": report.horizon,
        "inputs": {"usage": report.usage_source, "usage_kind": report.usage_kind, "bill": report.bill_source},
        "lines": [_line_dict(lr) for lr in report.lines],
        "household": {"lines": len(report.lines), "charged": _fen(sum(charged)) if charged else None}
        if report.household else None,
        "findings": findings,
        "reminders": [
            {"date": r.day.isoformat(), "kind": r.kind, "ends": r.ends.isoformat(), "last_month": r.last_month,
             "line": r.line, "plan_id": r.plan_id, "phase": r.phase, "what": r.what, "is_pack": r.is_pack,
             "monthly_change": _fen(r.monthly_change), "text": reminder_line(r, lang)}
            for r in report.reminders
        ],
        "unmapped": [
            {"file": report.bill_source, "row": b.row, "month": b.month, "line": b.line, "item": b.item,
             "amount": format_fen(b.amount)}
            for b in report.unmapped
        ],
        "skipped": [
            {"check": s.check, "reason": s.reason, "lines": list(s.lines),
             "text": analyze_text(f"an_reason_{s.reason}", lang)}
            for s in report.skipped
        ],
    }


def render_json(report: Report, *, lang: str = "en") -> str:
    return json.dumps(report_dict(report, lang=lang), ensure_ascii=False, indent=2) + "\n"


def render_csv(report: Report, *, lang: str = "en") -> str:
    """One row per finding, most money first."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["code", "line", "months", "amount", "currency", "finding", "advice", "refs"])
    for f in report.findings:
        text, advice = finding_texts(f, lang)
        w.writerow([f.code, safe_cell(f.line), months_text(f.months), format_fen(f.amount), report.currency,
                    safe_cell(text), safe_cell(advice), safe_cell(" ".join(f.refs))])
    return shown_text(out.getvalue())


def _summary_lines(report: Report, lang: str) -> list[str]:
    lines = []
    for lr in report.lines:
        months = months_text([m.month for m in lr.months])
        plan = analyze_text("an_summary_plan", lang, plan_id=lr.plan.id) if lr.plan is not None else ""
        name = _line_name(lr.line, lang)
        if lr.charged is None and lr.expected is None and lr.plan is None:
            lines.append(analyze_text("an_summary_usage", lang, line=name, months=months))
            continue
        if lr.charged is None:
            expected = format_fen(lr.expected) if lr.expected is not None else "-"
            lines.append(analyze_text("an_summary_sim", lang, line=name, months=months, expected=expected, plan=plan))
            continue
        text = analyze_text("an_summary", lang, line=name, months=months, charged=format_fen(lr.charged), plan=plan)
        both = [m for m in lr.months if m.charged is not None and m.expected is not None]
        billed, expected_fen = sum(m.charged or 0 for m in both), sum(m.expected or 0 for m in both)
        if both and billed != expected_fen:
            text += analyze_text("an_summary_expected", lang, charged=billed, expected=expected_fen)
        lines.append(text)
    if report.household:
        known = [lr.charged for lr in report.lines if lr.charged is not None]
        lines.append(analyze_text("an_household", lang, n=len(report.lines),
                                  charged=format_fen(sum(known)) if known else "-"))
    return lines


def _title(report: Report, lang: str) -> str:
    return analyze_text("an_title", lang, currency=report.currency, n=len(report.findings))


def _footer_lines(report: Report, lang: str) -> list[str]:
    """Reminders (one a line under a heading), bill items not recognised, checks not run (those for the same
    lines and reason in one item)."""
    out: list[str] = []
    if report.reminders:
        out.append(analyze_text("an_reminders", lang))
        out += [f"  {reminder_line(r, lang)}" for r in report.reminders]
    if report.unmapped:
        items = ("；" if lang == "zh" else "; ").join(
            f"{shown(str(report.bill_source))}:{b.row} {shown(b.item)} {format_fen(b.amount)}" for b in report.unmapped)
        out.append(analyze_text("an_unmapped", lang, items=items))
    if report.skipped:
        every = len(report.lines)
        zh = lang == "zh"
        groups: dict[tuple[str, str], list[str]] = {}  # checks not run for the same lines and reason: one item
        for s in report.skipped:
            lines = "" if len(s.lines) == every else (
                ("、" if zh else ", ").join(_line_name(x, lang) for x in s.lines) + ("：" if zh else ": "))
            groups.setdefault((lines, s.reason), []).append(analyze_text(f"an_check_{s.check}", lang))
        open_, close, sep = ("（", "）", "；") if zh else (" (", ")", "; ")
        items = sep.join(f"{('、' if zh else ', ').join(checks)}{open_}{lines}{analyze_text(f'an_reason_{reason}', lang)}"
                         f"{close}" for (lines, reason), checks in groups.items())
        out.append(analyze_text("an_skipped", lang, items=items))
    return out


def render_text_footer(report: Report, *, lang: str = "en") -> str:
    """The footer's lines as one text, rich markup escaped (the terminal view is :func:`footer_view`)."""
    from rich.markup import escape

    return escape(shown_text("\n".join(_footer_lines(report, lang))))


@dataclass(frozen=True)
class Footer:
    """The lines under the findings, wrapped at the terminal's width by :func:`tariffcli.render.layout.wrap`'s
    rules (never inside a number, an id or a URL), each with a hanging indent: a note's continuation lines
    start two cells further in than its first line (a reminder under "Reminders:" at four)."""

    texts: tuple[str, ...]

    def __rich_console__(self, console: Any, options: Any) -> Iterator[Any]:
        from rich.text import Text

        from tariffcli.render.layout import wrap

        for t in self.texts:
            for line in wrap(t, options.max_width, indent="  "):
                yield Text(line, no_wrap=True, overflow="ignore", end="\n")


def footer_view(report: Report, *, lang: str = "en") -> Footer | None:
    """The footer for the terminal (reminders, unmapped bill items, checks not run) after a blank line; None
    when there is nothing to say."""
    lines = _footer_lines(report, lang)
    return Footer(("", *shown_text("\n".join(lines)).split("\n"))) if lines else None


def none_text(report: Report, lang: str) -> str:
    """What a report without findings says (:func:`tariffcli.analyze.report.no_findings`)."""
    from tariffcli.analyze.report import no_findings

    key, params = no_findings(report)
    return analyze_text(key, lang, **params)


def render_markdown(report: Report, *, lang: str = "en") -> str:
    t = analyze_text
    lines = [f"**{_title(report, lang)}**", ""]
    lines += [f"- {md_escape(s)}" for s in _summary_lines(report, lang)]
    lines.append("")
    if report.findings:
        headers = [t("an_amount", lang)] + ([t("an_line", lang)] if report.household else []) + [
            t("an_finding", lang), t("an_what", lang)]
        lines.append("| " + " | ".join(headers) + " |")
        lines.append("|---:|" + "|".join("---" for _ in headers[1:]) + "|")
        for f in report.findings:
            text, advice = finding_texts(f, lang)
            cells = [format_fen(f.amount)] + ([_line_name(f.line, lang)] if report.household else []) + [
                (f"`{f.code}` {text}" if lang == "en" else text), advice]
            lines.append("| " + " | ".join(md_escape(c) for c in cells) + " |")
    else:
        lines.append(none_text(report, lang))
    footer = _footer_lines(report, lang)
    if footer:
        lines.append("")
        lines += [f"- {md_escape(ln.strip())}" if ln.startswith("  ") else md_escape(ln) for ln in footer]
    return shown_text("\n".join(lines) + "\n")


def build_table(report: Report, *, lang: str = "en") -> RenderableType:
    """A renderable laid out at the terminal's width (:class:`tariffcli.render.layout.PlanTable`): the line
    summaries, then one block per finding: amount and what happened, then the advice, the check and where."""
    from rich.console import Group

    from tariffcli.render.layout import Block, Paragraphs, PlanTable

    t = analyze_text
    summary = Paragraphs(tuple([_title(report, lang)] + [f"  {s}" for s in _summary_lines(report, lang)]))
    if not report.findings:
        return Group(summary, Paragraphs((none_text(report, lang),)))
    blocks = []
    for f in report.findings:
        text, advice = finding_texts(f, lang)
        where = [t(f"an_check_{f.code}", lang)]
        if report.household:
            where.append(shown(_line_name(f.line, lang)))
        if f.refs:
            more = f" {t('an_refs_more', lang, n=len(f.refs) - 4)}" if len(f.refs) > 4 else ""
            where.append(shown(", ".join(f.refs[:4])) + more)
        blocks.append(Block(format_fen(f.amount), text, (), (advice, " · ".join(where)), dim_first_detail=False))
    headers = (t("an_amount", lang), t("an_finding", lang))
    return Group(summary, Paragraphs(("",)), PlanTable("", headers, tuple(blocks)))
