"""Daily-rate (日租) plans billed day by day from record files, as ``analyze`` bills them.

Record files give each month's data per day (:data:`DAILY`).
A daily-rate plan (``overage.data.period: day``) charges each day's data past the
allowance on its own, the allowance used up in date order; ``analyze`` bills it
so through :func:`tariffcli.engine.simulate` with
:attr:`tariffcli.engine.Usage.daily_data_kb`. The batch kernel
(:mod:`tariffcli.batch.fused`) has no days: it spreads each month's data evenly
over the days with data, the rule for a monthly input, which has no days either.

So, for record files only, :func:`rebill` bills the daily-rate candidates again
for each subscriber with data in a month that has its days, with
:func:`tariffcli.engine.simulate` (the function ``analyze`` uses), and its
totals replace the kernel's for those plans. Months without real days keep the
kernel's bill: with ``--history`` every month billed is a recorded month (a gap
month is a month of zero use, zero every day); a projection takes a month's days
from the recorded month whose usage it copies (the same calendar month, the most
recent year: the rule of :func:`tariffcli.batch.projection.project`), and a
month projected from the history's mean has no days and is spread. A month's
bill does not depend on the other months', so each month takes the bill of the
usage it has. The step is one engine call per subscriber (about 0.2 ms for a
year and a few daily plans), bounded by the record reader's
:data:`tariffcli.batch.records_input.MAX_SUBSCRIBERS`; every other plan and every
monthly input go through the kernel only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tariffcli.batch.history import Windows, densify
from tariffcli.batch.rounding_groups import RoundedBills, key_of
from tariffcli.engine import I64, Usage, UsageMatrix, simulate
from tariffcli.model.plan import Plan

__all__ = ["DAILY", "DayData", "day_data", "is_daily", "rebill", "rebill_candidates", "rebill_current"]

DAILY = "data_daily"
"""The canonical batch field of each month's data per day (KB; :data:`tariffcli.inputs.records.DAYS` entries,
zeros past the month's end), given by record files (:func:`tariffcli.batch.records_input.monthly_table`)."""


def is_daily(plan: Plan) -> bool:
    """Whether ``plan`` charges out-of-bundle data per day (日租)."""
    return plan.overage.data.period == "day"


@dataclass(frozen=True)
class DayData:
    """Per-day data of each subscriber's billed months, where the month has real days."""

    of: Callable[[npt.NDArray[np.intp], int], tuple[I64, npt.NDArray[np.bool_]]]
    """(subscribers, L) -> ((L, n, days) KB per day, (L, n) whether the month has real days)."""


def day_data(codes: I64, month: I64, daily: I64, subscribers: int, windows: Windows, *, history: bool,
             start: int, horizon: int) -> DayData:
    """The days of each billed month, from the rows' per-day data ``daily`` (rows x days, sorted as ``codes``)."""
    dense = densify(codes, month, {}, np.zeros(codes.size, np.int64), subscribers)
    days = np.zeros((dense.codes.size, daily.shape[1]), np.int64)
    days[dense.offset[codes] + (month - dense.first[codes])] = daily  # a gap month: zero every day
    if history:
        def actual(cols: npt.NDArray[np.intp], L: int) -> tuple[I64, npt.NDArray[np.bool_]]:
            idx = (dense.offset[cols] + (windows.start[cols] - dense.first[cols]))[None, :] + np.arange(L)[:, None]
            return days[idx], np.ones(idx.shape, np.bool_)
        return DayData(actual)
    # the projection's rule: the most recent dense row of the same calendar month, else none (the mean)
    last = np.full(subscribers * 12, -1, np.int64)
    np.maximum.at(last, dense.codes * 12 + dense.month % 12, np.arange(dense.codes.size, dtype=np.int64))
    cal = (start + np.arange(horizon)) % 12
    pick = last.reshape(subscribers, 12)[:, cal].T  # (horizon, N)

    def projected(cols: npt.NDArray[np.intp], L: int) -> tuple[I64, npt.NDArray[np.bool_]]:
        rows = (windows.start[cols] - start)[None, :] + np.arange(L)[:, None]
        chosen = pick[rows, cols[None, :]]
        return days[np.maximum(chosen, 0)] * (chosen >= 0)[:, :, None], chosen >= 0
    return DayData(projected)


def rebill(plans: Sequence[Plan], first: Sequence[int], usage: UsageMatrix, days: I64,
           real: npt.NDArray[np.bool_]) -> tuple[I64, npt.NDArray[np.bool_]]:
    """Totals (P, n) of daily-rate ``plans`` (own month ``first[p]`` in the first month) billed day by day, and which
    subscribers (n,) were billed so (the others need no change: no data in a month with days).

    ``usage`` is the subscribers' usage (months x n, the plans' rounding), ``days`` (months x n x days) their data
    per day and ``real`` (months x n) whether a month has its days.
    """
    P, n = len(plans), usage.subscribers
    totals = np.zeros((P, n), np.int64)
    done: npt.NDArray[np.bool_] = np.asarray((real & (usage.data_kb > 0)).any(axis=0), np.bool_)
    for j in np.flatnonzero(done):
        u = Usage(usage.months, usage.voice_min[:, j], usage.sms[:, j], usage.data_kb[:, j], usage.app_data_kb[:, j],
                  usage.data_days[:, j], np.ones(len(usage.months), np.bool_), np.ascontiguousarray(days[:, j]))
        month_totals = simulate(plans, u, first).line("total")  # (P, months)
        if not real[:, j].all():  # months without days: the month's data spread over its days with data
            spread = Usage(u.months, u.voice_min, u.sms, u.data_kb, u.app_data_kb, u.data_days, u.data_days_known)
            month_totals = np.where(real[:, j][None, :], month_totals, simulate(plans, spread, first).line("total"))
        totals[:, j] = month_totals.sum(axis=1)
    return totals, done


def rebill_candidates(rounded: RoundedBills, plans: Sequence[Plan], variants: dict[str, I64], day: DayData) -> None:
    """Put the day-by-day totals of the daily-rate ``plans`` (the candidates, each starting in the first month billed)
    into ``rounded.billed.totals``, each plan on its rounding's usage."""
    by_key: dict[tuple[str, str], list[int]] = {}
    for i, plan in enumerate(plans):
        if is_daily(plan):
            by_key.setdefault(key_of(plan, variants), []).append(i)
    if not by_key:
        return
    windows = rounded.billed.windows
    for L in np.unique(windows.length):
        if L <= 0:
            continue
        cols = np.flatnonzero(windows.length == L).astype(np.intp)
        days, real = day.of(cols, int(L))
        for key, members in by_key.items():
            totals, done = rebill([plans[i] for i in members], [1] * len(members), rounded.usage(key)(cols, int(L)),
                                  days, real)
            rounded.billed.totals[np.ix_(np.asarray(members, np.intp), cols[done])] = totals[:, done]


def rebill_current(cost: I64, rounded: RoundedBills, plans: Sequence[Plan | None], first: I64,
                   day: DayData, variants: dict[str, I64]) -> None:
    """Put into ``cost`` (N,) the day-by-day bill of each subscriber's current plan where it is daily-rate.

    ``plans[n]`` is subscriber n's current plan (None: none, or not billed), ``first[n]`` its own month number in
    the first month billed.
    """
    windows = rounded.billed.windows
    for j, plan in enumerate(plans):
        L = int(windows.length[j])
        if plan is None or L <= 0 or not is_daily(plan):
            continue
        col = np.array([j], np.intp)
        days, real = day.of(col, L)
        totals, done = rebill([plan], [int(first[j])], rounded.usage(key_of(plan, variants))(col, L), days, real)
        if done[0]:
            cost[j] = totals[0, 0]
