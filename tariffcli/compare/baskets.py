"""Standard usage baskets: the cheapest plan per operator for the same usage, as ITU prices them.

A basket is a month of usage (minutes or calls, SMS, data, app data) with a
citation. For each basket and operator this module finds the cheapest plan that
covers the basket, its monthly price, the runner-up, and whether out-of-bundle
use made a smaller plan cheaper than the cheapest plan whose bundle covers the
basket outright. Prices come from :func:`tariffcli.engine.simulate`; nothing
here bills anything itself.

ITU rules applied (``../shared/reference/baskets.md``; docs/baskets.md):

* the cheapest plan that meets or exceeds every volume, out-of-bundle use
  allowed where that is cheaper;
* promotions excluded: plans are priced on their standard terms
  (``simulate(..., promotions=False)``);
* a 30-day month: the basket is one month of usage with data spread over 30
  days (for daily-rate cards); the price is the recurring monthly price, so
  first-month rules and one-off fees do not apply;
* affordability = price / (GNI per capita / 12), when a GNI figure is given.

This module never opens a file and never reads the clock: basket files come in
as text, and the day plans must be on sale comes in as an argument.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tariffcli.compare.ranking import usable_plans
from tariffcli.compare.results import Note
from tariffcli.inputs.baskets import (
    BUILTIN,
    DEFAULT_BASKETS,
    ITU_AFFORDABILITY_SOURCE,
    ITU_SOURCE,
    Basket,
    Citation,
    builtin,
    parse_baskets,
    unknown_basket,
)
from tariffcli.model.errors import UsageError
from tariffcli.model.plan import Plan
from tariffcli.model.provinces import is_nationwide

# ---------------------------------------------------------------- pricing


@dataclass(frozen=True)
class Priced:
    """One plan priced for one basket."""

    plan: Plan
    price: int
    """Monthly price for the basket, fen (the bill's total)."""
    lines: dict[str, int]
    """The bill lines that make up the price, fen (engine.LINES)."""
    out_of_bundle: bool
    """The basket goes over at least one of the plan's allowances."""
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class BasketRow:
    """The outcome for one basket and one operator."""

    basket: Basket
    operator: str
    considered: int
    """Plans of this operator priced for the basket."""
    cheapest: Priced | None
    """None when no plan of the operator can carry the basket (e.g. data stopped at a volume cap)."""
    runner_up: Priced | None
    in_bundle: Priced | None
    """The cheapest plan whose allowances cover the whole basket (no out-of-bundle use), if any."""
    affordability: Decimal | None
    """Price as a percentage of monthly GNI per capita (two decimals), when a GNI figure is given."""

    @property
    def out_of_bundle_cheaper(self) -> bool:
        """Out-of-bundle use made a smaller plan cheaper than the cheapest plan whose bundle covers the basket."""
        c, b = self.cheapest, self.in_bundle
        return c is not None and b is not None and c.out_of_bundle and c.price < b.price


@dataclass(frozen=True)
class BasketReport:
    """Every basket priced for every operator."""

    day: date
    """Plans had to be on sale on this day."""
    baskets: tuple[Basket, ...]
    rows: tuple[BasketRow, ...]
    """Basket order first, then operator (alphabetical)."""
    excluded: tuple[tuple[Plan, str], ...]
    """Plans left out, with the reason: ``not_on_sale`` or ``suspended_line``."""
    currency: str | None
    """The currency shared by every plan priced, or None when they differ."""
    gni: Decimal | None = None
    """GNI per capita, a year, in :attr:`currency` (for affordability)."""
    gni_source: str | None = None
    nationwide_first: bool = False
    """For some operator and basket, a plan sold in one province only was cheaper than the plan shown
    (the cheapest it sells nationwide), because the user's province is not known."""


BASKET_DAYS = 30
"""ITU prices a 30-day month; daily-rate cards spread the basket's data over these days."""


def basket_usage(basket: Basket) -> Any:  # engine.Usage
    """The basket as one month of usage for :func:`tariffcli.engine.simulate`."""
    import numpy as np

    from tariffcli.engine import Usage

    def one(v: int) -> Any:
        return np.array([v], np.int64)

    return Usage(
        months=(basket.id,), voice_min=one(basket.billed_minutes), sms=one(basket.sms), data_kb=one(basket.data),
        app_data_kb=one(basket.app_data), data_days=one(BASKET_DAYS), data_days_known=np.array([True]),
    )


def affordability(price: int, gni: Decimal) -> Decimal:
    """Price (fen, a month) as a percentage of monthly GNI per capita, half-up to 0.01."""
    monthly_gni = gni / 12
    return (Decimal(price) / 100 / monthly_gni * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _notes(plan: Plan, res: Any, i: int) -> tuple[Note, ...]:
    notes: list[Note] = []
    if bool(res.topup[i, 0]):
        notes.append(Note("basket_topup", {"amount": int(res.line("topup")[i, 0])}))
    if bool(res.data_capped[i, 0]):
        notes.append(Note("basket_data_capped"))
    if bool(res.throttled[i, 0]):
        notes.append(Note("basket_throttled"))
    notes += [Note("eligibility", {"who": w}) for w in plan.eligibility]
    if not is_nationwide(plan.province):
        notes.append(Note("province_only", {"province": plan.province}))
    if plan.confidence.value == "example":
        notes.append(Note("example_figures"))
    return tuple(notes)




def price_baskets(
    plans: Sequence[Plan], baskets: Sequence[Basket], *, day: date,
    gni: Decimal | None = None, gni_source: str | None = None, province_known: bool = True,
) -> BasketReport:
    """Price every basket on every plan on sale on ``day``; keep the cheapest two per operator.

    Without ``province_known`` (the plans were not narrowed to one province), an operator's cheapest
    plan is the cheapest it sells nationwide when it has one; plans sold in one province follow.

    Plans are simulated on their standard terms (promotions excluded, as ITU
    rules require) in a month after their first, so first-month rules and
    one-off fees do not apply. A plan whose data would be stopped at a volume
    cap before the basket is used up does not cover the basket.
    """
    from tariffcli.engine import LINES, simulate

    if gni is not None and gni <= 0:
        raise UsageError("--gni must be a positive amount (GNI per capita a year)", field="gni")
    on_sale, excluded = usable_plans(plans, day)
    currencies = sorted({p.currency for p in on_sale})
    currency = currencies[0] if len(currencies) == 1 else None
    if gni is not None and len(currencies) > 1:
        raise UsageError(f"--gni is one currency but the plans use several ({', '.join(currencies)}); "
                         "choose plans of one currency with --operator or --plans", field="gni")
    operators: dict[str, str] = {}
    for p in on_sale:
        operators.setdefault(p.operator.casefold(), p.operator)
    rows: list[BasketRow] = []
    moved = False
    for basket in baskets if on_sale else ():
        priced: dict[str, list[Priced]] = {k: [] for k in operators}
        counts: dict[str, int] = dict.fromkeys(operators, 0)
        # month 2 of every plan: the recurring price, without first-month rules or one-off fees
        res = simulate(on_sale, basket_usage(basket), [2] * len(on_sale), promotions=False)
        for i, p in enumerate(on_sale):
            key = p.operator.casefold()
            counts[key] += 1
            if bool(res.data_stopped[i, 0]):
                continue  # data stops before the basket is used up: the plan does not cover it
            over = bool(res.voice_over[i, 0] or res.sms_over[i, 0] or res.data_over[i, 0])
            lines = {name: int(v) for name, v in zip(LINES, res.lines[i, 0], strict=True)}
            priced[key].append(Priced(p, lines["total"], lines, over, _notes(p, res, i)))
        for key in sorted(operators, key=lambda k: (operators[k].casefold(), operators[k])):
            ranked = sorted(priced[key], key=lambda x: (x.price, x.out_of_bundle, bool(x.plan.eligibility),
                                                        x.plan.id))
            national = [x for x in ranked if is_nationwide(x.plan.province)]
            if not province_known and national and ranked[0] is not national[0]:
                ranked.remove(national[0])
                ranked.insert(0, national[0])
                moved = True
            cheapest = ranked[0] if ranked else None
            rows.append(BasketRow(
                basket=basket, operator=operators[key], considered=counts[key], cheapest=cheapest,
                runner_up=ranked[1] if len(ranked) > 1 else None,
                in_bundle=next((x for x in ranked if not x.out_of_bundle), None),
                affordability=None if gni is None or cheapest is None else affordability(cheapest.price, gni),
            ))
    return BasketReport(day=day, baskets=tuple(baskets), rows=tuple(rows), excluded=tuple(excluded),
                        currency=currency, gni=gni, gni_source=gni_source, nationwide_first=moved)


__all__ = [
    "BUILTIN", "DEFAULT_BASKETS", "ITU_AFFORDABILITY_SOURCE", "ITU_SOURCE", "Basket", "BasketReport", "BasketRow",
    "Citation", "Priced", "affordability", "basket_usage", "builtin", "parse_baskets", "price_baskets", "unknown_basket",
]
