"""Many plans, one run: each line of the usage priced under several plans (``analyze --plan A --plan B``).

Each line's recorded months are billed under every plan given, at the recorded
usage (daily data from itemized records feeds daily-rate plans), each plan
starting in the line's first month, as ``compare --history`` bills one line.
A line's months run from its first to its last month with usage; a month
without a record inside them is a month of no use. From itemized records each
plan is billed on the usage rounded where it rounds it (``rounding``: data per
session or on the month's total, calls per call or per month), plans of the
same rounding together (:func:`tariffcli.engine.rounding.simulate_rounded`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tariffcli.analyze.lines import engine_usage, line_usage, match_lines, rounded_for
from tariffcli.engine import LINES, Usage
from tariffcli.engine.rounding import simulate_rounded
from tariffcli.inputs.records import Records
from tariffcli.inputs.usage import UsageHistory
from tariffcli.model.errors import DataError, Problem
from tariffcli.model.plan import Plan

__all__ = ["PricedLine", "PricedPlan", "price_lines"]

Daily = tuple[tuple[int, ...], ...] | None


@dataclass(frozen=True)
class PricedPlan:
    """One plan's bills for one line."""

    plan: Plan
    monthly: tuple[int, ...]
    """Each month's bill, fen."""

    @property
    def total(self) -> int:
        return sum(self.monthly)


@dataclass(frozen=True)
class PricedLine:
    """One line's months priced under every plan, cheapest first (ties: plan id)."""

    line: str
    """The number ('' for a single line)."""
    months: tuple[str, ...]
    plans: tuple[PricedPlan, ...]


def price_lines(records: Records | None, usage: UsageHistory | None, plans: Sequence[Plan]) -> tuple[PricedLine, ...]:
    """Every line of the usage priced under ``plans`` (empty without usage or plans)."""
    if not plans or (records is None and usage is None):
        return ()
    currencies = sorted({p.currency for p in plans})
    if len(currencies) > 1:
        raise DataError(Problem(f"plans priced together must share a currency; found {', '.join(currencies)}",
                                file=plans[0].origin, field="currency", code="currency_mismatch"))
    names, rename, _ = match_lines(records, usage, None)
    out: list[PricedLine] = []
    for name in names:
        original = next((k for k, v in rename.items() if v == name), name)
        hist, daily, activity, _none = line_usage(records, usage, original)
        if hist is None or not hist.months:
            continue
        months = _existing(hist.months, activity if records is not None else None)
        if not months:
            continue
        def usage_for(data: str, calls: str, hist: UsageHistory = hist, daily: Daily = daily,
                      months: tuple[str, ...] = months) -> Usage:
            return engine_usage(rounded_for(hist, data, calls), daily, months)

        billed = simulate_rounded(list(plans), usage_for, [1] * len(plans))
        totals = billed.lines[:, :, LINES.index("total")]
        priced = [PricedPlan(p, tuple(int(x) for x in totals[i])) for i, p in enumerate(plans)]
        priced.sort(key=lambda pp: (pp.total, pp.plan.id))
        out.append(PricedLine(name, months, tuple(priced)))
    return tuple(out)


def _existing(months: Sequence[str], activity: Sequence[int] | None) -> tuple[str, ...]:
    """The months from the line's first to its last month with a record (all months for a monthly summary)."""
    if activity is None:
        return tuple(months)
    used = [i for i, n in enumerate(activity) if n]
    return tuple(months[used[0]:used[-1] + 1]) if used else ()
