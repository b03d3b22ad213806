"""The sections under a comparison: scenario break-evens, the keep-number view and the switching guide.

Each section is written as plain lines (:func:`extra_sections`, also as Markdown)
and as its part of the JSON document (:func:`scenario_dict`, :func:`keep_number_dict`,
:func:`explain_dict`). Every number comes from the :class:`~tariffcli.compare.results.Comparison`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tariffcli.model.money import format_fen
from tariffcli.model.units import format_kb
from tariffcli.render.common import md_escape, plan_label, shown, source_dicts, visible_rows
from tariffcli.texts import label, operator_name

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.compare.result_parts import Guide, Step
    from tariffcli.compare.results import Comparison, Row
    from tariffcli.model.plan import Plan


# ---------------------------------------------------------------- scenarios (--scenario)


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


def scenario_dict(cmp: Comparison, lang: str) -> dict[str, Any]:
    """The ``scenario`` part of the JSON document: the month ranked on and the break-even levels."""
    u = cmp.usage
    return {
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


# ---------------------------------------------------------------- keep-number (--tag keep-number)


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
        out.append(label("kn_as_of", lang, as_of=r.as_of, url=shown(r.sources[0].url)))
    return out


def _conditions_text(plan: Plan, lang: str) -> str:
    if not plan.eligibility:
        return label("kn_no_conditions", lang)
    return label("kn_conditions", lang, items="; ".join(shown(c) for c in plan.eligibility))


def keep_number_lines(cmp: Comparison, lang: str = "en", top: int | None = None) -> list[str]:
    """The keep-number view: the cheapest package (+ packs), its yearly cost and saving, then per plan
    its packs, conditions, how to apply and what a user abroad pays."""
    rows = visible_rows(cmp, top)
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
                f"{shown(a.name)} × {k}, {format_fen(int(a.fee * 100) * k)}" for a, k in r.packs)))
        items.append(label("kn_apply", lang, text=shown(" ".join(r.plan.apply.split()))) if r.plan.apply
                     else label("kn_apply_unknown", lang, operator=shown(operator_name(r.plan.operator, lang))))
        items += abroad_lines(r, cmp, lang)
        out += [f"   {x}" for x in items]
    return out


def keep_number_dict(cmp: Comparison, lang: str, top: int | None) -> dict[str, Any]:
    """The ``keep_number`` part of the JSON document: the cheapest package, its yearly cost, and per plan
    its conditions, how to apply and what a user abroad pays."""
    rows = visible_rows(cmp, top)
    plans = []
    for r in rows:
        ro = r.plan.roaming
        abroad = None if ro is None else {
            "sms_received": None if ro.sms_received is None else f"{ro.sms_received:f}",
            "calls": [{"zone": c.zone, "rate": f"{c.rate:f}"} for c in ro.calls],
            "as_of": ro.as_of,
            "sources": source_dicts(ro.sources),
        }
        plans.append({"id": r.plan.id, "conditions": list(r.plan.eligibility), "apply": r.plan.apply,
                      "abroad": abroad, "text": abroad_lines(r, cmp, lang)})
    best = rows[0] if rows else None
    return {
        "cheapest": None if best is None else best.plan.id,
        "packs": [] if best is None else [{"id": a.id, "count": k} for a, k in best.packs],
        "yearly_cost": None if best is None else format_fen(_yearly(best.total, cmp.horizon)),
        "yearly_saving": None if best is None or best.saving is None else format_fen(_yearly(best.saving, cmp.horizon)),
        "plans": plans,
        "text": keep_number_lines(cmp, lang, top),
    }


# ---------------------------------------------------------------- the switching guide (--explain)


def _step_text(step: Step, lang: str) -> list[str]:
    p: dict[str, Any] = {k: v if k == "apply" or not isinstance(v, str) else shown(v) for k, v in dict(step.params).items()}
    code = step.code
    if code == "conditions":
        return [label("step_conditions", lang, items="; ".join(shown(c) for c in p["conditions"]))]
    if code == "check_figures":
        return [label("step_check_figures", lang, confidence=label(f"confidence_word_{p['confidence']}", lang),
                      url=p["url"], tag=p["tag"] or "-", retrieved=p["retrieved"])]
    if code == "order":
        out = [label("step_order", lang, operator=operator_name(p["operator"], lang), name=p["name"])]
        if p["apply"]:
            out.append(label("step_order_apply", lang, text=shown(" ".join(p["apply"].split()))))
        return out
    if code == "order_packs":
        items = "; ".join(f"{shown(name)} × {k} ({format_fen(fee * k)})" for name, k, fee in p["packs"])
        return [label("step_order_packs", lang, items=items)]
    if code == "commitment":
        if p["exit_fee"] is not None:
            return [label("step_commitment_fee", lang, months=p["months"], exit_fee=format_fen(p["exit_fee"]))]
        return [label("step_commitment", lang, months=p["months"])]
    if code == "port":
        return [label("step_port" if p["known"] else "step_port_maybe", lang, operator=operator_name(p["operator"], lang))]
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


def explain_dict(guide: Guide, lang: str) -> dict[str, Any]:
    """The ``explain`` part of the JSON document: the guide's steps and rules, in ``lang``."""
    from tariffcli.compare.switching import DISCLAIMER

    return {
        "plan": guide.plan_id,
        "steps": [{"code": s.code, "text": " ".join(_step_text(s, lang))} for s in guide.steps],
        "rules": [{"id": r.id, "title": r.title[lang], "text": r.text[lang], "url": r.url, "tag": r.tag,
                   "in_force": r.in_force} for r in guide.rules],
        "disclaimer": DISCLAIMER[lang],
    }


# ---------------------------------------------------------------- all sections as lines


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
            out.extend([f"**{md_escape(lines[0])}**", ""])
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
            out.append("   - " + md_escape(line.strip()))
        elif line.startswith("  "):
            out.append("  " + md_escape(line.strip()))  # continues the list item above
        elif not line or re.match(r"^(\d+\. |- )", line):
            out.append(md_escape(line))
        else:  # a sentence or a sub-heading: its own paragraph
            if out and out[-1] != "":
                out.append("")
            out += [md_escape(line), ""]
    while out and out[-1] == "":
        out.pop()
    return out
