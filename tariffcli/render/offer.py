"""Renderers for an offer's verdict (tariffcli offer): sentences a person can read over the phone, and JSON.

Nothing here judges the offer: every number comes from the
:class:`~tariffcli.compare.offer.OfferVerdict` (docs/offers.md).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tariffcli.engine import LINES
from tariffcli.model.money import format_fen
from tariffcli.model.units import format_kb
from tariffcli.render.common import JSON_VERSION, plan_label, shown, shown_params, shown_text
from tariffcli.texts import NOTES, label

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.compare.offer import Against, Mismatch, OfferVerdict
    from tariffcli.model.plan import Plan


def mismatch_text(m: Mismatch, lang: str) -> str:
    """What does not fit the user's usage, as a sentence in ``lang`` (data amounts with units, money as decimals)."""
    p = shown_params(dict(m.params))
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


def offer_name(p: Plan, lang: str) -> str:
    """The offer's name: as given, or, for an offer made from flags (id ``offer``, a name of the terms such as
    '128/month, 50% off in months 1-12'), the same terms written in ``lang``."""
    import re

    if lang == "en" or p.id != "offer" or not re.fullmatch(r"[\d.]+/month(, .*)?", p.name):
        return p.name
    said = [label("offer_said_fee", lang, fee=f"{p.monthly_fee:f}")]
    for ph in p.promotions:
        if ph.discount is not None:
            said.append(label("offer_said_discount", lang, first=ph.from_month, last=ph.to_month,
                              pct=f"{ph.discount.normalize():f}"))
        elif ph.fee is not None:
            said.append(label("offer_said_promo_fee", lang, first=ph.from_month, last=ph.to_month, fee=f"{ph.fee:f}"))
    return label("list_comma", lang).join(said)


def offer_lines(v: OfferVerdict, *, lang: str = "en", borrowed_from: str | None = None) -> list[str]:
    """The verdict on an offer, in sentences a person can read over the phone."""
    from tariffcli.model.months import add_months

    cmp = v.comparison
    row = v.offer
    p = row.plan
    out = [label("offer_title", lang, name=shown(offer_name(p, lang)), id=p.id, term=v.term, start=cmp.start),
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
        out += [f"- {mismatch_text(m, lang)}" for m in v.mismatches]
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


def render_offer_text(v: OfferVerdict, *, lang: str = "en", borrowed_from: str | None = None) -> str:
    """The verdict as text, one sentence a line."""
    return shown_text("\n".join(offer_lines(v, lang=lang, borrowed_from=borrowed_from)) + "\n")


def offer_dict(v: OfferVerdict, *, lang: str = "en", borrowed_from: str | None = None) -> dict[str, Any]:
    """The verdict as a JSON document (docs/offers.md)."""
    cmp = v.comparison
    total = LINES.index("total")

    def against(a: Against | None) -> dict[str, Any] | None:
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
        "mismatches": [{"code": m.code, "text": mismatch_text(m, lang),
                        "params": {k: (val if not isinstance(val, int) or k != "amount" else format_fen(val))
                                   for k, val in m.params.items()}} for m in v.mismatches],
        "verdict": v.verdict,
        "text": offer_lines(v, lang=lang, borrowed_from=borrowed_from),
    }


def render_offer_json(v: OfferVerdict, *, lang: str = "en", borrowed_from: str | None = None) -> str:
    """The verdict as a JSON document (docs/offers.md)."""
    return json.dumps(offer_dict(v, lang=lang, borrowed_from=borrowed_from), ensure_ascii=False, indent=2) + "\n"
