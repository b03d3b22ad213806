"""Judge an offer (a telemarketing pitch): what it costs over its full term, and whether it fits.

Seed 004: "half price" offers whose time limit is glossed over, and plans that
do not match the user's usage (a voice-heavy user sold a data plan, data packs
sold to a phone that never goes online). :func:`judge_offer` simulates the
offer over the whole term beside the user's current plan and the cheapest
catalogue plan, with the same engine and usage projection as ``compare``, and
returns the facts a verdict needs: totals, the months the price changes, the
month from which the offer has cost more in total, and mismatches with the
usage.

Rules used here (documented in docs/offers.md):

* **Term** (default): the offer's commitment, or 12 months after its last
  promotion phase ends, whichever is longer, and at least 12 months.
* **Price** of a month: fee, discount, pack fees and credits; usage charges,
  one-off fees and top-ups are not "price" (they are in the totals).
* **Turns**: the first month from which the offer's running total stays above
  the other plan's until the end of the term.
* **Short** allowance: the offer goes over it in at least half of the months.
* **Unused** allowance: the user's largest month uses none of it, or under
  10% of a large one (100 min, 100 SMS, 1 GB or more, or unlimited).
* **App data**: the offer has an app-specific bucket (定向流量) and the usage
  shows no app data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from tariffcli.compare.ranking import compare
from tariffcli.compare.results import Comparison, Row
from tariffcli.engine import LINES
from tariffcli.inputs.catalogue import check_plan
from tariffcli.model.errors import DataError, Problem, TariffError, UsageError
from tariffcli.model.months import add_months
from tariffcli.model.plan import UNLIMITED, Plan
from tariffcli.model.provinces import is_nationwide
from tariffcli.model.units import KB_PER

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.inputs.usage import UsageHistory

MIN_TERM = 12
LARGE = {"voice": 100, "sms": 100, "data": KB_PER["GB"]}
"""Allowances from which 'under 10% used' counts as unused."""
_PRICE_LINES = ("fee", "discount", "addons", "credit")
_OVER_LINE = {"voice": "voice", "sms": "sms", "data": "data"}
_USAGE_COLUMN = {"voice": "voice_min", "sms": "sms", "data": "data_kb"}


@dataclass(frozen=True)
class PriceChange:
    """The offer's monthly price changes between two months of the term."""

    month: int
    """Month of the term (1 = the first) in which the new price applies."""
    calendar: str
    before: int
    after: int


@dataclass(frozen=True)
class Against:
    """The offer beside another plan over the same months."""

    row: Row
    extra: int
    """Offer total minus the other plan's total, fen (positive: the offer costs more)."""
    turns: int | None
    """First month (1-based) from which the offer's running total stays above the other's; None if it never does."""
    cheaper_months: int
    """Months in which the offer's bill is lower than the other plan's."""


@dataclass(frozen=True)
class Mismatch:
    """Something in the offer that does not fit the user's usage (a code and its parameters)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OfferVerdict:
    """What an offer costs over its term and how it compares."""

    offer: Row
    comparison: Comparison
    term: int
    price: tuple[int, ...]
    """The offer's price in each month of the term, fen."""
    price_changes: tuple[PriceChange, ...]
    standard_price: int
    """The offer's monthly price once every promotion has ended, fen."""
    against_current: Against | None
    against_best: Against | None
    mismatches: tuple[Mismatch, ...]
    verdict: str
    """'decline' (costs more than the current plan, or than the best plan when no current plan is given),
    'consider' (cheaper than the current plan, but a catalogue plan is cheaper still) or 'good'."""


def default_term(offer: Plan) -> int:
    """The offer's commitment, or 12 months after its last promotion, whichever is longer (at least 12)."""
    term = MIN_TERM
    if offer.commitment is not None:
        term = max(term, offer.commitment.months)
    if offer.promotions:
        term = max(term, max(ph.to_month for ph in offer.promotions) + 12)
    return min(term, 600)


def offer_from_terms(
    *,
    fee: str,
    rates_from: Plan,
    discount: str | None = None,
    promo_fee: str | None = None,
    months: int | None = None,
    from_month: int | None = None,
    voice: str | None = None,
    sms: str | None = None,
    data: str | None = None,
    app_data: str | None = None,
    commitment: int | None = None,
    name: str | None = None,
    told_on: date,
) -> Plan:
    """A plan from what the seller said (``tariffcli offer --fee 128 --discount 50% --for 12 ...``).

    Out-of-bundle rates, operator and province come from ``rates_from``
    (usually the current plan: an offer by phone is from the same operator);
    the verdict says so. Raises :class:`OfferTermsError` (a :class:`UsageError`)
    with every term that does not make a plan, each named by its flag.
    """
    problems = _term_problems(discount, promo_fee, months, from_month)
    allowances = {k: v for k, v in (("voice", voice), ("sms", sms), ("data", data), ("app_data", app_data))
                  if v is not None}
    doc = _offer_document(fee, rates_from, allowances, told_on)
    said = [f"{fee}/month"]
    if months is not None and (discount is None) != (promo_fee is None):
        first = 1 if from_month is None else from_month
        last = first + months - 1
        phase: dict[str, Any] = {"from_month": first, "to_month": last}
        if discount is not None:
            phase["discount"] = discount
            said.append(f"{discount.strip().rstrip('%')}% off in months {first}-{last}")
        else:
            phase["fee"] = promo_fee
            said.append(f"{promo_fee}/month in months {first}-{last}")
        doc["promotions"] = [phase]
    if commitment is not None:
        doc["commitment"] = {"months": commitment}
    doc["name"] = name or ", ".join(said)
    return _offer_plan(doc, rates_from, problems)


def _term_problems(discount: str | None, promo_fee: str | None, months: int | None,
                   from_month: int | None) -> list[Problem]:
    """Flags given without the flags they need, or together with one they exclude."""
    problems: list[Problem] = []

    def bad(message: str, flag: str) -> None:
        problems.append(Problem(message, field=flag, code="usage"))

    if (discount is not None or promo_fee is not None) and months is None:
        bad("--discount and --promo-fee need --for N (how many months the promotion lasts)", "for")
    if discount is not None and promo_fee is not None:
        bad("give --discount or --promo-fee, not both", "discount")
    if months is not None and discount is None and promo_fee is None:
        bad("--for needs --discount or --promo-fee", "for")
    if from_month is not None and months is None:
        bad("--from-month needs --for N (the promotion it starts)", "from-month")
    return problems


def _offer_document(fee: str, rates_from: Plan, allowances: dict[str, str], told_on: date) -> dict[str, Any]:
    """The plan document of the offer, as a catalogue file would give it (without promotions and name)."""
    return {
        "id": "offer",
        "operator": rates_from.operator,
        "province": rates_from.province,
        "currency": rates_from.currency,
        "monthly_fee": fee,
        "allowances": allowances,
        "confidence": "example",
        "sources": [{"url": "offer terms given on the command line", "retrieved": told_on.isoformat(),
                     "note": f"out-of-bundle rates borrowed from {rates_from.id}"}],
        "notes": f"Out-of-bundle rates, operator and province borrowed from {rates_from.id}.",
    }


def _offer_plan(doc: dict[str, Any], rates_from: Plan, problems: list[Problem]) -> Plan:
    """The plan from the offer's document, checked like a catalogue plan; every problem named by its flag."""
    from pydantic import ValidationError

    from tariffcli.inputs.catalogue import normalise
    from tariffcli.inputs.validation import validation_problems
    from tariffcli.inputs.yaml_located import Located

    fields: dict[str, Any] = normalise(doc)
    # The borrowed rates are already a validated model: used as they are, never dumped and read back
    # (a dump gives quantities as bare KB numbers, which plan input rejects for want of a unit).
    fields["overage"] = rates_from.overage
    located = Located(fields)
    try:
        plan = Plan.model_validate(fields)
    except ValidationError as exc:
        raise OfferTermsError(problems + _as_flags(validation_problems(exc, located, "<offer>", Plan))) from None
    problems += _as_flags(check_plan(plan, located, "<offer>"))
    if problems:
        raise OfferTermsError(problems)
    return plan


class OfferTermsError(UsageError):
    """Offer terms given by flags that do not make a plan: every problem, each named by its flag (exit code 2)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        TariffError.__init__(self, problems=list(problems), exit_code=2)


_FLAG = {
    "monthly_fee": "fee",
    "allowances.voice": "voice",
    "allowances.sms": "sms",
    "allowances.data": "data",
    "allowances.app_data": "app-data",
    "promotions.0.discount": "discount",
    "promotions.0.fee": "promo-fee",
    "promotions.0.from_month": "from-month",
    "promotions.0.to_month": "for",
    "commitment.months": "commitment",
    "commitment": "commitment",
}
"""Fields of the plan built from the flags, by the flag that sets them."""


_FLAG_ORDER = ("fee", "discount", "promo-fee", "for", "from-month", "voice", "sms", "data", "app-data", "commitment")


def _as_flags(problems: Sequence[Problem]) -> list[Problem]:
    """Problems in the plan built from the flags, each named by the flag the user typed ('--data: ...'), in --help order."""
    out = []
    for p in problems:
        flag = _FLAG.get(p.field or "")
        if flag is None:
            where = f"{p.field}: " if p.field else ""
            out.append(Problem(f"the offer's terms do not make a plan: {where}{p.message}", field="offer", code="usage"))
        else:
            out.append(Problem(f"--{flag}: {p.message}", field=flag, code="usage"))
    rank = {f: i for i, f in enumerate(_FLAG_ORDER)}
    return sorted(out, key=lambda p: rank.get(p.field or "", len(rank)))


def _against(offer: Row, other: Row) -> Against:
    total = LINES.index("total")
    a, b = offer.lines[:, total], other.lines[:, total]
    diff = np.cumsum(a) - np.cumsum(b)
    turns = None
    if len(diff) and diff[-1] > 0:
        not_above = np.nonzero(diff <= 0)[0]
        turns = int(not_above[-1]) + 2 if not_above.size else 1
    return Against(other, int(offer.total - other.total), turns, int((a < b).sum()))


def _allowance(plan: Plan, service: str) -> int | str:
    value = getattr(plan.allowances, service)
    return UNLIMITED if value == UNLIMITED else int(value or 0)


def mismatches(offer: Plan, row: Row, history: UsageHistory) -> tuple[Mismatch, ...]:
    """What in the offer does not fit the usage (see the module docstring for the rules)."""
    out: list[Mismatch] = []
    n = len(row.lines)
    for service in ("voice", "sms", "data"):
        allow = _allowance(offer, service)
        used = [int(v) for v in getattr(history, _USAGE_COLUMN[service])]
        if service == "data":
            used = [d + a for d, a in zip(used, history.app_data_kb, strict=True)] if offer.allowances.app_data is None else used
        mean = -(-sum(used) // len(used)) if used else 0
        most = max(used, default=0)
        charged = row.lines[:, LINES.index(_OVER_LINE[service])]
        over_months = int((charged > 0).sum())
        if over_months * 2 >= n and over_months:
            out.append(Mismatch(f"{service}_short", {
                "allowance": allow, "usage": mean, "months": over_months, "of": n,
                "amount": -(-int(charged.sum()) // n),
            }))
            continue
        if allow == UNLIMITED or (isinstance(allow, int) and allow > 0):
            large = allow == UNLIMITED or allow >= LARGE[service]
            if most == 0 or (large and (allow == UNLIMITED or most * 10 < allow)):
                out.append(Mismatch(f"{service}_unused", {"allowance": allow, "most": most}))
    app = offer.allowances.app_data
    if app is not None and (app == UNLIMITED or app > 0) and not any(history.app_data_kb):
        out.append(Mismatch("app_data_unseen", {"allowance": app}))
    return tuple(out)


def judge_offer(
    offer: Plan,
    history: UsageHistory,
    catalogue: Sequence[Plan],
    *,
    start: str,
    term: int | None = None,
    current: Plan | None = None,
    current_since: str | None = None,
    eligible: Sequence[str] | None = None,
    province: str | None = None,
) -> OfferVerdict:
    """The offer over ``term`` months from ``start`` beside the current plan and the cheapest catalogue plan."""
    term = default_term(offer) if term is None else term
    others = [p for p in catalogue if p.id != offer.id]
    cmp = compare([offer, *others], history, start=start, horizon=term, current=current,
                  current_since=current_since, eligible=eligible, province=province)
    mine = [r for r in cmp.rows if r.plan.id == offer.id]
    if not mine:
        why = dict((p.id, reason) for p, reason in cmp.excluded).get(offer.id, "left out")
        raise DataError(Problem(f"the offer {offer.id} cannot be judged from {start}: {why.replace('_', ' ')}",
                                file=offer.origin, code="offer_excluded"))
    row = mine[0]
    cols = [LINES.index(x) for x in _PRICE_LINES]
    price = tuple(int(v) for v in row.lines[:, cols].sum(axis=1))
    changes = tuple(
        PriceChange(i + 1, add_months(start, i), price[i - 1], price[i])
        for i in range(1, term) if price[i] != price[i - 1]
    )
    standard = offer.monthly_fee * 100
    rivals = [r for r in cmp.rows if r.plan.id != offer.id]
    if province is None:  # the user's province is not known: measure against a plan they can surely buy
        rivals = [r for r in rivals if is_nationwide(r.plan.province)] or rivals
    best_row = rivals[0] if rivals else None
    vs_current = _against(row, cmp.current) if cmp.current is not None else None
    vs_best = _against(row, best_row) if best_row is not None else None
    reference = vs_current or vs_best
    if reference is not None and reference.extra > 0:
        verdict = "decline"
    elif vs_best is not None and vs_best.extra > 0:
        verdict = "consider"
    else:
        verdict = "good"
    return OfferVerdict(
        offer=row, comparison=cmp, term=term, price=price, price_changes=changes, standard_price=int(standard),
        against_current=vs_current, against_best=vs_best, mismatches=mismatches(offer, row, history),
        verdict=verdict,
    )


__all__ = ["Against", "Mismatch", "OfferTermsError", "OfferVerdict", "PriceChange", "default_term", "judge_offer", "mismatches",
           "offer_from_terms"]
