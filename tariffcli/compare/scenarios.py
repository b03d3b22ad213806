"""Usage uncertainty: rank on a usage level from the history, and find where two plans swap places.

A **scenario** replaces the month-by-month projection (see
:func:`tariffcli.compare.ranking.project_usage`) with one usage level held every
month, taken from the history for each service on its own:

======  =================================================================
mean    the mean of the months, rounded up to a whole unit
p50     the median by the nearest-rank rule: the ceil(n/2)-th smallest month
p90     the ceil(0.9 n)-th smallest month (with 12 months: the 11th)
max     the largest month
======  =================================================================

Each service gets its own statistic, so ``p90`` is the 90th percentile of
minutes, of SMS and of data, not the usage of one month. Days with data use
(for daily-rate plans) take the same statistic when the history gives them.

The **break-even** between the two cheapest plans is the level of one service
(data, voice or SMS), the others held at the scenario level, at which the
second plan becomes the cheaper one: "plan B wins above about 14 GB a month".
It is found on a grid and refined by bisection to 1 MB, 1 minute or 1 SMS.
**Data** means all data, general plus app-specific (定向流量), in the break-even as
in the scenario line ("Ranked on your p90 month: ... 66.8 GB data"): the search
varies general data with app-specific data held at its scenario level, and every
data figure of a :class:`BreakEven` (``at``, ``level``, ``searched_to``,
``stopped``) includes that app-specific level.
Costs are the engine's exact totals over the horizon; only the level is
approximate (a narrow window narrower than a grid step can be missed).

A plan whose data is **stopped** at a volume cap (封顶停网) at a level does
not cover that level, however little it costs there: a rival that covers it
wins there, and a rival that is stopped too does not. The level from which the
cheaper plan's data is stopped is found as well (to 1 MB) and said, and the
break-even is not searched above it (nothing above it is covered by that plan).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from tariffcli.engine import Result, Usage, simulate
from tariffcli.model.errors import DataError, Problem, UsageError
from tariffcli.model.limits import MAX_DATA_KB
from tariffcli.model.months import days_in
from tariffcli.model.plan import Plan
from tariffcli.model.units import KB_PER

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.compare.result_parts import BreakEven
    from tariffcli.inputs.usage import UsageHistory

LEVELS = ("mean", "p50", "p90", "max")
"""Usage levels a scenario can take."""

SERVICES = ("data", "voice", "sms")
"""Services a break-even is searched for, in this order."""

_COLUMN = {"data": "data_kb", "voice": "voice_min", "sms": "sms"}
_STEP = {"data": KB_PER["MB"], "voice": 1, "sms": 1}
"""Precision of a break-even level."""
_LIMIT = {"data": MAX_DATA_KB, "voice": 31 * 24 * 60, "sms": 100_000}
_HEADROOM = {"data": 20 * KB_PER["GB"], "voice": 300, "sms": 100}
"""A break-even is searched from 0 to max(4 x the largest month, the largest month + this)."""
_GRID = 96


THIN_HISTORY_MONTHS = 2
"""A usage history of this many months or fewer is thin: projections and levels rest on little data."""


def thin_history_warning(months: Sequence[str], source: str | None = None, lang: str = "en",
                         key: str = "thin_history") -> str | None:
    """A warning (in ``lang``) when the usage history has :data:`THIN_HISTORY_MONTHS` months or fewer; ``key``:
    the command's wording (``thin_history``: months ahead are projected; ``thin_history_rebill``,
    ``thin_history_analyze``: nothing is projected)."""
    from tariffcli.texts import label

    n = len(months)
    if n == 0 or n > THIN_HISTORY_MONTHS:
        return None
    return label(key, lang, where=f"{source}: " if source else "", n=n,
                 n_months=f"{n} month{'s' if n != 1 else ''}", months=", ".join(months))


def level_of(values: Sequence[int], level: str) -> int:
    """One usage level of ``values`` (see the module docstring); 0 for no values."""
    if level not in LEVELS:
        raise UsageError(f"--scenario must be one of {', '.join(LEVELS)} (got {level!r})", field="scenario")
    vals = sorted(int(v) for v in values)
    n = len(vals)
    if not n:
        return 0
    if level == "mean":
        return -(-sum(vals) // n)
    if level == "max":
        return vals[-1]
    pct = 50 if level == "p50" else 90
    rank = -(-pct * n // 100)  # nearest rank: ceil(p/100 * n)
    return vals[max(rank, 1) - 1]


def scenario_usage(history: UsageHistory, months: Sequence[str], level: str) -> Usage:
    """Usage for ``months`` at one ``level`` of the history, the same every month."""
    if not history.months:
        raise DataError(Problem("the usage file has no months", file=history.source, code="empty"))
    n = len(months)

    def col(values: Sequence[int]) -> np.ndarray:
        return np.full(n, level_of(values, level), np.int64)

    voice, sms, data, app = col(history.voice_min), col(history.sms), col(history.data_kb), col(history.app_data_kb)
    month_days = np.array([days_in(m) for m in months], np.int64)
    given = [d for d in history.data_days if d is not None]
    known = len(given) == len(history.data_days)
    if known:
        days = np.minimum(np.full(n, level_of(given, level), np.int64), month_days)
        days = np.where((data + app > 0) & (days == 0), 1, days)
    else:
        days = month_days
    return Usage(tuple(months), voice, sms, data, app, days.astype(np.int64), np.full(n, known, np.bool_))


def months_over(result: Result) -> np.ndarray:
    """Per plan: months that go over any allowance (voice, SMS or data)."""
    return (result.voice_over | result.sms_over | result.data_over).sum(axis=1)


def _outcome(plans: Sequence[Plan], usage: Usage, first_months: Sequence[int], service: str,
             x: int) -> tuple[int, int, bool, bool]:
    """Totals of the two plans at level ``x`` of ``service``, and whether each has its data stopped at a cap."""
    level = np.full(len(usage.months), x, np.int64)
    if service == "data":
        u = replace(usage, data_kb=level, data_days=np.maximum(usage.data_days, 1) if x > 0 else usage.data_days)
    elif service == "voice":
        u = replace(usage, voice_min=level)
    elif service == "sms":
        u = replace(usage, sms=level)
    else:
        raise KeyError(service)
    res = simulate(list(plans), u, list(first_months))
    t, stopped = res.totals, np.asarray(res.data_stopped.any(axis=1))
    return int(t[0]), int(t[1]), bool(stopped[0]), bool(stopped[1])


class _Search:
    """Outcomes of two plans at levels of one service (each simulated once), and searches over them."""

    def __init__(self, cheaper: Plan, rival: Plan, usage: Usage, service: str, first_months: Sequence[int]) -> None:
        self.plans = (cheaper, rival)
        self.usage = usage
        self.service = service
        self.first_months = first_months
        self.step = _STEP[service]
        self.seen: dict[int, tuple[int, int, bool, bool]] = {}

    def outcome(self, x: int) -> tuple[int, int, bool, bool]:
        if x not in self.seen:
            self.seen[x] = _outcome(self.plans, self.usage, self.first_months, self.service, x)
        return self.seen[x]

    def rival_wins(self, x: int) -> bool:
        a, b, a_stopped, b_stopped = self.outcome(x)
        return not b_stopped and (a_stopped or b < a)

    def boundary(self, lo: int, hi: int) -> tuple[int, int]:
        """Narrow [lo, hi], where ``rival_wins`` differs at the two ends, to ``step``."""
        lo_wins = self.rival_wins(lo)
        while hi - lo > self.step:
            mid = (lo + hi) // 2
            if self.rival_wins(mid) == lo_wins:
                lo = mid
            else:
                hi = mid
        return lo, hi

    def lowest_stopped(self, hi: int) -> int:
        """The lowest level (to ``step``) at which the cheaper plan's data is stopped; it is stopped at ``hi``.

        Data use only grows the volume over the allowance, so the levels stopped are all those above one.
        """
        lo_, hi_ = 0, hi
        if self.outcome(0)[2]:
            hi_ = 0
        while hi_ - lo_ > self.step:
            mid = (lo_ + hi_) // 2
            if self.outcome(mid)[2]:
                hi_ = mid
            else:
                lo_ = mid
        return hi_

    def first_win_up(self, at: int, hi: int) -> int | None:
        """The smallest level above ``at`` (up to ``hi``) at which the rival wins, or None."""
        prev = at
        for x in sorted({int(v) for v in np.linspace(at, hi, _GRID)} - {at}) if hi > at else []:
            if self.rival_wins(x):
                return self.boundary(prev, x)[1]
            prev = x
        return None

    def first_win_down(self, at: int) -> int | None:
        """The largest level below ``at`` at which the rival wins, or None."""
        prev = at
        for x in sorted({int(v) for v in np.linspace(0, at, _GRID // 2)} - {at}, reverse=True):
            if self.rival_wins(x):
                return self.boundary(x, prev)[0]
            prev = x
        return None

    def last_loss_down(self, at: int) -> int | None:
        """The rival wins at ``at``: the smallest level from which it wins, above the highest level below
        ``at`` at which it does not; None when it wins at every level searched."""
        prev = at
        for x in sorted({int(v) for v in np.linspace(0, at, _GRID // 2)} - {at}, reverse=True):
            if not self.rival_wins(x):
                return self.boundary(x, prev)[1]
            prev = x
        return None


def break_even(
    cheaper: Plan, rival: Plan, usage: Usage, service: str, *, first_months: Sequence[int] = (1, 1),
    history_max: int | None = None,
) -> BreakEven:
    """The nearest level of ``service`` at which ``rival`` costs less than ``cheaper`` over the horizon.

    A plan whose data is stopped at a volume cap does not cover the level: the
    rival wins there if it covers it (whatever the costs), and never when it is
    stopped itself.
    """
    col = getattr(usage, _COLUMN[service])
    at = int(col.max()) if len(col) else 0
    top = max(at, history_max or 0)
    hi = min(_LIMIT[service], max(4 * top, top + _HEADROOM[service]))
    search = _Search(cheaper, rival, usage, service, first_months)
    stopped = None
    if service == "data" and search.outcome(hi)[2]:
        stopped = hi = search.lowest_stopped(hi)

    # data is reported as all data (general + app-specific, as the scenario line says): the search varies
    # general data, app-specific data held at its scenario level, and that level is added to every figure
    shift = int(usage.app_data_kb.max()) if service == "data" and len(usage.app_data_kb) else 0

    from tariffcli.compare.result_parts import BreakEven  # a plain compare (no --scenario) never makes one

    def result(level: int | None, direction: str) -> BreakEven:
        def up(v: int | None) -> int | None:
            return None if v is None else v + shift

        return BreakEven(service, cheaper.id, rival.id, at + shift, up(level), direction, hi + shift, up(stopped))

    if search.rival_wins(at):
        # the cheaper plan does not cover the scenario level (its data is stopped): the rival wins above the
        # highest level below it at which it does not
        level = search.last_loss_down(at)
        if level is not None:
            return result(level, "above")
        return result(None, "none") if service != "data" else result(0, "above")
    found_up = search.first_win_up(at, hi)
    found_down = search.first_win_down(at)
    options = []
    if found_up is not None:
        options.append((found_up - at, found_up, "above"))
    if found_down is not None:
        options.append((at - found_down, found_down, "below"))
    if not options:
        return result(None, "none")
    _, level, direction = min(options)
    return result(level, direction)


def break_evens(
    cheaper: Plan, rival: Plan, usage: Usage, history: UsageHistory | None = None, *,
    first_months: Sequence[int] = (1, 1),
) -> tuple[BreakEven, ...]:
    """:func:`break_even` for data, voice and SMS."""
    out = []
    for s in SERVICES:
        hmax = None
        if history is not None:
            values = getattr(history, _COLUMN[s])
            hmax = max(values) if values else 0
        out.append(break_even(cheaper, rival, usage, s, first_months=first_months, history_max=hmax))
    return tuple(out)


__all__ = ["LEVELS", "THIN_HISTORY_MONTHS", "BreakEven", "break_even", "break_evens", "level_of", "months_over", "scenario_usage", "thin_history_warning"]


def __getattr__(name: str) -> object:
    """``BreakEven``, once imported here at the top, is still found here (:mod:`tariffcli.compare.result_parts`)."""
    if name == "BreakEven":
        from tariffcli.compare.result_parts import BreakEven

        return BreakEven
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
