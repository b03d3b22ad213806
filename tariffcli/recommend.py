"""Horizon, usage projection, ranking and notes: from plans and usage to a recommendation.

Usage projection rule (documented in the README): for each month of the
horizon, the usage is the user's usage in the same calendar month of the
history (the most recent year that has it); where the history has no such
month, it is the mean of all history months, rounded up to whole units.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .engine import I64, LINES, Result, Usage, simulate
from .errors import DataError, Problem, UsageError
from .months import add_months, days_in, first_day, month_range, months_between, parse_month
from .plans import Confidence, FirstMonth, Plan

if TYPE_CHECKING:  # pragma: no cover
    from .usage import UsageHistory


@dataclass(frozen=True)
class Note:
    """A short remark on a plan, as a stable code and its parameters (rendered per language)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """One plan's outcome over the horizon."""

    plan: Plan
    rank: int | None
    """1 = cheapest; None for the current plan shown on its own."""
    total: int
    """Total over the horizon, fen."""
    average: int
    """Average per month (half-up to the fen)."""
    after_promotions: int
    """Average monthly cost at the user's usage on the plan's standard terms (every promotion ended)."""
    saving: int | None
    """Current plan's total minus this plan's total (positive: this plan saves), fen."""
    notes: tuple[Note, ...]
    lines: I64
    """Shape (months, len(LINES)), fen."""
    is_current: bool = False


@dataclass(frozen=True)
class Comparison:
    """The ranked outcome of a comparison, with what was left out and why."""

    start: str
    horizon: int
    months: tuple[str, ...]
    currency: str
    usage: Usage
    rows: tuple[Row, ...]
    current: Row | None
    excluded: tuple[tuple[Plan, str], ...]
    history_months: tuple[str, ...]


def project_usage(history: UsageHistory, months: Sequence[str]) -> Usage:
    """Usage for ``months`` from the history (see the module docstring for the rule)."""
    if not history.months:
        raise DataError(Problem("the usage file has no months", file=history.source, code="empty"))
    cal = np.array([parse_month(m)[1] for m in history.months])
    cols = {
        "voice_min": np.array(history.voice_min, np.int64),
        "sms": np.array(history.sms, np.int64),
        "data_kb": np.array(history.data_kb, np.int64),
        "app_data_kb": np.array(history.app_data_kb, np.int64),
    }
    days_given = np.array([d is not None for d in history.data_days])
    days = np.array([d if d is not None else 0 for d in history.data_days], np.int64)
    n = len(history.months)
    # index of the most recent history month with the same calendar month, else -1
    pick = np.full(len(months), -1)
    for i, m in enumerate(months):
        same = np.nonzero(cal == parse_month(m)[1])[0]
        if same.size:
            pick[i] = same[-1]
    out: dict[str, I64] = {}
    for name, col in cols.items():
        mean_up = -(-int(col.sum()) // n)
        out[name] = np.where(pick >= 0, col[np.maximum(pick, 0)], mean_up).astype(np.int64)
    month_days = np.array([days_in(m) for m in months], np.int64)
    known = np.where(pick >= 0, days_given[np.maximum(pick, 0)], days_given.all())
    if days_given.any():
        known_days = days[days_given]
        mean_days = -(-int(known_days.sum()) // len(known_days))
    else:
        mean_days = 0
    d = np.where(pick >= 0, days[np.maximum(pick, 0)], mean_days)
    d = np.where(known, np.minimum(d, month_days), month_days)
    return Usage(tuple(months), out["voice_min"], out["sms"], out["data_kb"], out["app_data_kb"], d.astype(np.int64), known)


def select_plans(
    plans: Iterable[Plan], *, operators: Sequence[str] = (), tags: Sequence[str] = ()
) -> tuple[Plan, ...]:
    """Plans matching any of ``operators`` (case-insensitive) and all of ``tags``."""
    ops = {o.casefold() for o in operators}
    out = []
    for p in plans:
        if ops and p.operator.casefold() not in ops:
            continue
        if any(t not in p.tags for t in tags):
            continue
        out.append(p)
    return tuple(out)


def _avg(total: int, n: int) -> int:
    return (2 * total + n) // (2 * n) if n else 0


def _notes(plan: Plan, idx: int, res: Result, std: Result, first_month: int, horizon: int, usage: Usage, start: str) -> tuple[Note, ...]:
    notes: list[Note] = []
    total = res.line("total")[idx]
    std_total = std.line("total")[idx]
    for ph in plan.promotions:
        # horizon positions covered by the phase
        lo, hi = ph.from_month - first_month, ph.to_month - first_month  # 0-based horizon index
        if hi < 0 or lo > horizon - 1:
            continue  # the phase lies wholly before or after the simulated months
        inside = np.arange(max(lo, 0), min(hi, horizon - 1) + 1)
        delta = _avg(int((std_total[inside] - total[inside]).sum()), inside.size) if inside.size else 0
        params = {"month": ph.to_month - first_month + 1, "calendar": add_months(start, hi), "delta": delta}
        if hi >= horizon - 1:
            notes.append(Note("promotion_runs_past_horizon", params))
        elif inside.size:
            notes.append(Note("promotion_ends", params))
    n = horizon
    for code, flags in (("over_data", res.data_over), ("over_voice", res.voice_over), ("over_sms", res.sms_over)):
        k = int(flags[idx].sum())
        if k:
            notes.append(Note(code, {"months": k, "of": n}))
    k = int(res.topup[idx].sum())
    if k:
        notes.append(Note("topup", {"months": k, "of": n, "amount": int(res.line("topup")[idx].sum())}))
    for code, flags in (("data_stopped", res.data_stopped), ("data_capped", res.data_capped), ("throttled", res.throttled)):
        k = int(flags[idx].sum())
        if k:
            notes.append(Note(code, {"months": k, "of": n}))
    if plan.overage.data.period == "day" and not bool(usage.data_days_known.all()) and bool((usage.data_kb > 0).any()):
        notes.append(Note("daily_estimated"))
    if plan.one_off_fee and first_month == 1:
        notes.append(Note("one_off", {"amount": int(plan.one_off_fee * 100)}))
    if plan.first_month is not FirstMonth.FULL and first_month == 1:
        notes.append(Note(f"first_month_{plan.first_month.value}"))
    for cond in plan.eligibility:
        notes.append(Note("eligibility", {"who": cond}))
    if plan.commitment is not None:
        notes.append(Note("commitment", {"months": plan.commitment.months,
                                          "exit_fee": None if plan.commitment.exit_fee is None else int(plan.commitment.exit_fee * 100)}))
    if plan.confidence is Confidence.EXAMPLE:
        notes.append(Note("example_figures"))
    return tuple(notes)


def compare(
    plans: Sequence[Plan],
    history: UsageHistory,
    *,
    start: str,
    horizon: int = 12,
    current: Plan | None = None,
    current_since: str | None = None,
) -> Comparison:
    """Simulate every plan from ``start`` for ``horizon`` months and rank them by total.

    Plans not on sale on the first day of ``start`` are left out and listed in
    ``excluded``. The current plan, if given, is simulated from ``current_since``
    (default: it starts at ``start`` too), so its own promotions end on the right
    month; the saving of each plan is measured against it.
    """
    if horizon < 1 or horizon > 600:
        raise UsageError("--horizon must be between 1 and 600 months", field="horizon")
    try:
        parse_month(start)
        if current_since is not None:
            parse_month(current_since)
    except ValueError as exc:
        raise UsageError(str(exc), field="start") from None
    day = first_day(start)
    on_sale: list[Plan] = []
    excluded: list[tuple[Plan, str]] = []
    for p in sorted(plans, key=lambda p: p.id):
        if p.on_sale(day):
            on_sale.append(p)
        else:
            excluded.append((p, "not_on_sale"))
    everyone = on_sale + ([current] if current is not None else [])
    currencies = sorted({p.currency for p in everyone})
    if len(currencies) > 1:
        detail = ", ".join(f"{p.id} ({p.currency})" for p in everyone if p.currency != currencies[0])
        raise DataError(Problem(
            f"plans in one comparison must share a currency; found {', '.join(currencies)}: {detail}",
            file=everyone[0].origin, code="currency_mismatch",
        ))
    currency = currencies[0] if currencies else "CNY"
    months = month_range(start, horizon)
    usage = project_usage(history, months)
    first = [1] * len(on_sale)
    if current is not None:
        since = current_since or start
        offset = months_between(since, start)
        if offset < 0:
            raise UsageError("--current-since must not be after --start", field="current-since")
        first.append(offset + 1)
    res = simulate(everyone, usage, first)
    std = simulate(everyone, usage, first, promotions=False)
    totals = res.totals
    std_totals = std.totals
    cur_total = int(totals[-1]) if current is not None else None

    def row(i: int, rank: int | None, is_current: bool) -> Row:
        p = everyone[i]
        t = int(totals[i])
        return Row(
            plan=p, rank=rank, total=t, average=_avg(t, horizon),
            after_promotions=_avg(int(std_totals[i]), horizon),
            saving=None if cur_total is None else cur_total - t,
            notes=_notes(p, i, res, std, first[i], horizon, usage, start),
            lines=res.lines[i], is_current=is_current,
        )

    n = len(on_sale)
    order = sorted(range(n), key=lambda i: (int(totals[i]), on_sale[i].id))
    rows = tuple(row(i, r + 1, current is not None and on_sale[i].id == current.id) for r, i in enumerate(order))
    cur_row = row(n, None, True) if current is not None else None
    return Comparison(
        start=start, horizon=horizon, months=months, currency=currency, usage=usage,
        rows=rows, current=cur_row, excluded=tuple(excluded), history_months=tuple(history.months),
    )


__all__ = ["LINES", "Comparison", "Note", "Row", "compare", "project_usage", "select_plans"]
