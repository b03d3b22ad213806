"""Re-billing history: what the months in a usage file would have cost under every plan (``compare --history``).

No projection: each month of the file is billed at its own usage. Every plan
starts at the file's first month (its promotions count from there); the user's
own plan starts at ``current_since`` when given, so its promotions end on the
right month. When a bill is given, what was actually paid each month stands
beside the figures, and each plan's saving is measured against it.

Rules (documented in docs/analyze.md and the README):

* Plans ranked are those on sale on ``day`` (the command passes the first day
  of next month, when a switch would take effect), not suspended-line plans, and with ``province`` only those
  sold there; the figures are each plan's terms as the catalogue gives them.
* Ranking is compare's (:func:`tariffcli.compare.ranking.rank_order`): plans whose data would be stopped at a
  volume cap after every plan that covers the usage, then the cheapest total, then plans without eligibility
  conditions, then the plan id; without ``province``, the first place goes to the cheapest plan sold
  nationwide (``nationwide_first`` says when that moved a cheaper one-province plan down).
* The saving of a plan is the reference total minus the plan's total: the
  reference is what was paid when the bill covers every month of the file,
  else the current plan's total when one is given, else there is none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from tariffcli.compare.ranking import rank_order, usable_plans
from tariffcli.engine import LINES, Result, Usage, simulate
from tariffcli.model.errors import DataError, Problem, UsageError
from tariffcli.model.months import days_in, months_between, parse_month
from tariffcli.model.plan import Plan
from tariffcli.model.provinces import applies_in

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.engine import I64
    from tariffcli.inputs.bills import Bill
    from tariffcli.inputs.usage import UsageHistory

__all__ = ["HistoryRow", "Rebill", "history_usage", "paid_by_month", "rebill"]


@dataclass(frozen=True)
class HistoryRow:
    """One plan's bills over the months of the file."""

    plan: Plan
    rank: int | None
    """1 = cheapest; None for the current plan shown on its own."""
    total: int
    """Sum of the monthly bills, fen."""
    lines: I64
    """Shape (months, len(LINES)), fen; the last column is each month's total."""
    saving: int | None
    """Reference total minus this plan's total (positive: this plan would have saved), fen."""
    first_month: int
    """The plan's own month number in the file's first month (1: it starts then)."""
    covers: bool = True
    """False when the plan's data would have been stopped at its volume cap in some month."""
    is_current: bool = False

    @property
    def monthly(self) -> tuple[int, ...]:
        """Each month's bill, fen."""
        return tuple(int(x) for x in self.lines[:, LINES.index("total")])


@dataclass(frozen=True)
class Rebill:
    """The months of a usage file billed under every plan, beside what was paid."""

    source: str
    months: tuple[str, ...]
    currency: str
    day: date
    """The day whose catalogue was used (plans on sale then)."""
    rows: tuple[HistoryRow, ...]
    current: HistoryRow | None
    paid: tuple[int | None, ...] | None
    """What the bill charged each month (fen), None for a month the bill does not cover; None without a bill."""
    bill_source: str | None
    reference: str | None
    """What savings are measured against: 'paid', 'current' or None."""
    excluded: tuple[tuple[Plan, str], ...] = ()
    warnings: tuple[tuple[str, dict[str, str]], ...] = ()
    """Warnings as (text key, parameters): rendered in the user's language by :func:`tariffcli.texts.label`."""
    nationwide_first: bool = False
    """The cheapest plan was sold in one province only (and no --province was given), so the cheapest plan sold
    nationwide was ranked first, as ``compare`` does."""

    @property
    def paid_total(self) -> int | None:
        """What the bill charged over the months it covers, fen (None without a bill)."""
        if self.paid is None:
            return None
        return sum(p for p in self.paid if p is not None)

    @property
    def reference_total(self) -> int | None:
        if self.reference == "paid":
            return self.paid_total
        if self.reference == "current" and self.current is not None:
            return self.current.total
        return None


def history_usage(history: UsageHistory) -> Usage:
    """The file's months as the engine's usage, month by month (no projection)."""
    if not history.months:
        raise DataError(Problem("the usage file has no months", file=history.source, code="empty"))
    months = tuple(history.months)
    given = np.array([d is not None for d in history.data_days], np.bool_)
    days = np.array([d if d is not None else days_in(m) for d, m in zip(history.data_days, months, strict=True)],
                    np.int64)
    days = np.minimum(days, np.array([days_in(m) for m in months], np.int64))
    return Usage(months, np.array(history.voice_min, np.int64), np.array(history.sms, np.int64),
                 np.array(history.data_kb, np.int64), np.array(history.app_data_kb, np.int64), days, given)


def paid_by_month(bill: Bill, months: Sequence[str]
                  ) -> tuple[tuple[int | None, ...], tuple[tuple[str, dict[str, str]], ...]]:
    """What the bill charged in each of ``months`` (None where it has no charge), and warnings (text keys
    ``h_bill_outside``, ``h_bill_missing`` of :mod:`tariffcli.texts.history`, with their parameters).

    A bill that holds several lines (numbers) is refused: the usage file is one line's.
    """
    lines = bill.lines
    if len(lines) > 1:
        raise DataError(Problem(
            f"the bill holds {len(lines)} lines ({', '.join(lines[:5])}); compare --history prices one line: "
            "give a bill of the line whose usage this is", file=bill.source, field="line", code="several_lines"))
    totals: dict[str, int] = {}
    for item in bill.items:
        totals[item.month] = totals.get(item.month, 0) + item.amount
    warnings: list[tuple[str, dict[str, str]]] = []
    outside = sorted(set(totals) - set(months))
    if outside:
        warnings.append(("h_bill_outside", {"file": bill.source, "months": ", ".join(outside)}))
    missing = [m for m in months if m not in totals]
    if missing:
        warnings.append(("h_bill_missing", {"file": bill.source, "months": ", ".join(missing)}))
    return tuple(totals.get(m) for m in months), tuple(warnings)


def _first_month(first: str, since: str | None) -> int:
    """The current plan's month number in the file's first month."""
    if since is None:
        return 1
    offset = months_between(since, first)
    if offset < 0:
        raise UsageError(f"--current-since {since} is after the usage file's first month {first}; "
                         "--history bills the months in the file under your plan", field="current-since")
    return offset + 1


def rebill(plans: Sequence[Plan], history: UsageHistory, *, day: date, current: Plan | None = None,
           current_since: str | None = None, bill: Bill | None = None, province: str | None = None) -> Rebill:
    """Bill every month of ``history`` under every plan on sale on ``day`` (see the module docstring)."""
    usage = history_usage(history)
    months = usage.months
    if current_since is not None:
        parse_month(current_since)
    on_sale, excluded = usable_plans(plans, day)
    if province is not None:
        excluded += [(p, "other_province") for p in on_sale if not applies_in(p.province, province)]
        on_sale = [p for p in on_sale if applies_in(p.province, province)]
    everyone = on_sale + ([current] if current is not None else [])
    currencies = sorted({p.currency for p in everyone})
    if len(currencies) > 1:
        raise DataError(Problem(f"plans in one comparison must share a currency; found {', '.join(currencies)}",
                                file=everyone[0].origin, field="currency", code="currency_mismatch"))
    first = [1] * len(on_sale) + ([_first_month(months[0], current_since)] if current is not None else [])
    res = simulate(everyone, usage, first) if everyone else None
    paid: tuple[int | None, ...] | None = None
    warnings: tuple[tuple[str, dict[str, str]], ...] = ()
    if bill is not None:
        paid, warnings = paid_by_month(bill, months)
    reference = ("paid" if paid is not None and all(p is not None for p in paid)
                 else "current" if current is not None else None)
    ref_total: int | None = None
    if reference == "paid" and paid is not None:
        ref_total = sum(p for p in paid if p is not None)
    elif reference == "current" and res is not None:
        ref_total = int(res.totals[-1])

    def row(res: Result, i: int, rank: int | None, is_current: bool) -> HistoryRow:
        total = int(res.totals[i])
        return HistoryRow(plan=everyone[i], rank=rank, total=total, lines=res.lines[i],
                          saving=None if ref_total is None else ref_total - total, first_month=first[i],
                          covers=not bool(res.data_stopped[i].any()), is_current=is_current)

    rows: tuple[HistoryRow, ...] = ()
    moved = False
    if res is not None and on_sale:
        n = len(on_sale)
        order, moved = rank_order(on_sale, np.asarray(res.data_stopped.any(axis=1))[:n], res.totals[:n],
                                  province_known=province is not None)
        rows = tuple(row(res, i, r + 1, current is not None and on_sale[i].id == current.id)
                     for r, i in enumerate(order))
    return Rebill(
        source=history.source, months=months, currency=currencies[0] if currencies else "CNY", day=day,
        rows=rows, current=row(res, len(on_sale), None, True) if current is not None and res is not None else None, paid=paid,
        bill_source=None if bill is None else bill.source, reference=reference, excluded=tuple(excluded),
        warnings=warnings, nationwide_first=moved,
    )
