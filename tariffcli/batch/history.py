"""Which months each line is billed for, and the bill of every plan over them (``batch`` and ``batch --history``).

A line exists only when it exists. Each subscriber's line runs from its first
to its last month with rows; a month without a row inside that range is a
month of zero use (the fee is still charged); months outside it are never
billed (the line did not exist then).

* ``--history``: each subscriber is billed over its own months, first to last,
  at the usage of each month; every plan starts in the subscriber's first
  month (promotions count from there).
* projection (the default): the months of the horizon from ``--start`` are
  billed from the subscriber's first month on, at the usage
  :func:`tariffcli.batch.projection.project` projects from the subscriber's
  months (gaps filled with zero use); a line whose last row comes before the
  input's last month has ended and is not billed after it, and a line whose
  first row comes after the input's first month is not billed before it. Every plan starts
  in the first month billed. A subscriber of a one-subscriber input is billed
  exactly as ``compare`` bills it.

Subscribers are billed in groups of the same number of months (the kernel bills
every subscriber of a call over the same number of months, each aligned on its
own first month), so the kernel's call signature is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from tariffcli.batch.fused import totals_stopped
from tariffcli.batch.projection import project
from tariffcli.engine import I64, CompiledPlans, UsageMatrix
from tariffcli.model.months import month_str

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.batch.chunks import Chunk

__all__ = ["Billed", "DenseRows", "Windows", "bill_current", "bill_windows", "block_bounds", "densify", "input_span",
           "line_windows", "month_name", "window_usage"]


def month_name(index: int) -> str:
    """Year * 12 + month - 1 -> 'YYYY-MM'."""
    return month_str(index // 12, index % 12 + 1)


@dataclass(frozen=True)
class DenseRows:
    """Every subscriber's months from its first to its last, gaps filled with zero use; sorted by subscriber, month."""

    codes: I64
    month: I64
    values: dict[str, I64]
    """'voice_min', 'sms', 'data_kb', 'app_data_kb' per month."""
    days: I64
    """Days with data; -1 where not given (and in a gap month)."""
    offset: I64
    """(N,) index of each subscriber's first dense row."""
    first: I64
    """(N,) each subscriber's first month."""
    last: I64
    """(N,) each subscriber's last month."""


def densify(codes: I64, month: I64, values: dict[str, I64], days: I64, subscribers: int) -> DenseRows:
    """The rows (sorted by subscriber code 0..N-1, each present, and month) with each gap month as a zero row."""
    N = subscribers
    first = np.full(N, np.iinfo(np.int64).max, np.int64)
    last = np.full(N, np.iinfo(np.int64).min, np.int64)
    np.minimum.at(first, codes, month)
    np.maximum.at(last, codes, month)
    span = last - first + 1
    offset = np.r_[0, np.cumsum(span)[:-1]].astype(np.int64)
    total = int(span.sum())
    dense_codes = np.repeat(np.arange(N, dtype=np.int64), span)
    dense_month = first[dense_codes] + (np.arange(total, dtype=np.int64) - offset[dense_codes])
    at = offset[codes] + (month - first[codes])
    out: dict[str, I64] = {}
    for name, col in values.items():
        v = np.zeros(total, np.int64)
        v[at] = col
        out[name] = v
    d = np.full(total, -1, np.int64)
    d[at] = days
    return DenseRows(dense_codes, dense_month, out, d, offset, first, last)


@dataclass(frozen=True)
class Windows:
    """The months billed for each subscriber: ``length`` months from ``start`` (calendar index)."""

    start: I64
    length: I64


def line_windows(dense: DenseRows, *, history: bool, start: int, horizon: int,
                 span: tuple[int, int] | None) -> Windows:
    """Each subscriber's billed months (see the module docstring).

    ``span`` is the input's first and last month; without it (an analyser used on its own) every subscriber is
    billed over the whole horizon, as ``compare`` bills one line.
    """
    if history:
        return Windows(dense.first.copy(), dense.last - dense.first + 1)
    begin = np.full(dense.first.shape, start, np.int64)
    end = np.full(dense.first.shape, start + horizon, np.int64)  # exclusive
    if span is not None:
        first, last = span
        begin = np.where(dense.first > first, np.maximum(dense.first, start), begin)  # not there yet
        end = np.where(dense.last < last, np.minimum(end, dense.last + 1), end)  # the line has ended
    return Windows(begin, np.maximum(end - begin, 0))


def _days_in(month: I64) -> I64:
    base = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], np.int64)[month % 12]
    y = month // 12
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    return base + ((month % 12 == 1) & leap)


def window_usage(dense: DenseRows, windows: Windows, *, history: bool, start: int,
                 horizon: int) -> Callable[[npt.NDArray[np.intp], int], UsageMatrix]:
    """A function: (subscribers, months) -> their usage over their windows, each aligned on its first month."""
    N = dense.first.size
    if history:
        def actual(cols: npt.NDArray[np.intp], L: int) -> UsageMatrix:
            idx = (dense.offset[cols] + (windows.start[cols] - dense.first[cols]))[None, :] + np.arange(L)[:, None]
            cal = windows.start[cols][None, :] + np.arange(L)[:, None]
            given = dense.days[idx]
            days = np.where(given >= 0, np.minimum(given, _days_in(cal)), _days_in(cal))
            v = dense.values
            return UsageMatrix(tuple(month_name(int(m)) for m in cal[:, 0]), v["voice_min"][idx], v["sms"][idx],
                               v["data_kb"][idx], v["app_data_kb"][idx], days.astype(np.int64))
        return actual
    months = tuple(month_name(start + h) for h in range(horizon))
    projected, _known = project(dense.codes, dense.month, dense.values, dense.days, N, months)

    def projection(cols: npt.NDArray[np.intp], L: int) -> UsageMatrix:
        rows = (windows.start[cols] - start)[None, :] + np.arange(L)[:, None]
        c = cols[None, :]
        first_month = int(windows.start[cols][0]) - start
        return UsageMatrix(months[first_month:first_month + L], projected.voice_min[rows, c], projected.sms[rows, c],
                           projected.data_kb[rows, c], projected.app_data_kb[rows, c], projected.data_days[rows, c])
    return projection


@dataclass(frozen=True)
class Billed:
    """Every candidate's bill for every subscriber over the subscriber's own months."""

    totals: I64
    """(P, N) fen; 0 for a subscriber with no month billed."""
    stopped: npt.NDArray[np.bool_]
    """(P, N) whether the plan's data would be stopped at its volume cap in some month."""
    windows: Windows
    usage: Callable[[npt.NDArray[np.intp], int], UsageMatrix]
    """Usage of some subscribers over their windows (for the current plans)."""


def bill_windows(dense: DenseRows, *, history: bool, start: int, horizon: int, span: tuple[int, int] | None,
                 plans: int, compiled: Callable[[int], CompiledPlans], kernel: str = "auto") -> Billed:
    """Bill ``plans`` candidates (``compiled(L)``: compiled over L months, every plan starting in month 1)."""
    windows = line_windows(dense, history=history, start=start, horizon=horizon, span=span)
    usage = window_usage(dense, windows, history=history, start=start, horizon=horizon)
    N = windows.length.size
    totals = np.zeros((plans, N), np.int64)
    stopped = np.zeros((plans, N), np.bool_)
    for L, cols in _groups(windows.length):
        t, s = totals_stopped(compiled(L), usage(cols, L), kernel)
        totals[:, cols] = t
        stopped[:, cols] = s
    return Billed(totals, stopped, windows, usage)


def _groups(length: I64) -> Iterable[tuple[int, npt.NDArray[np.intp]]]:
    """(L, subscribers billed over L months) for each L > 0."""
    for L in np.unique(length):
        if L > 0:
            yield int(L), np.flatnonzero(length == L).astype(np.intp)


def bill_current(billed: Billed, plan: I64, since: I64, compiled: Callable[[int, int, int], CompiledPlans],
                 kernel: str = "auto") -> tuple[I64, npt.NDArray[np.bool_]]:
    """Each subscriber's current plan (index ``plan``, -1: none) billed over its window, and which started late.

    ``since`` (N,) is the month the current plan started (calendar index; the window's first month when not
    given). ``compiled(plan, first, L)`` is the plan compiled over L months whose own month number is ``first``
    in the window's first month. A plan that starts after the window's first month is not billed (flagged).
    """
    N = plan.size
    cost = np.zeros(N, np.int64)
    first = billed.windows.start - since + 1
    late = (plan >= 0) & (first < 1) & (billed.windows.length > 0)
    ok = (plan >= 0) & ~late & (billed.windows.length > 0)
    keys = np.stack([plan, first, billed.windows.length])
    sel = np.flatnonzero(ok)
    if sel.size:
        groups, inverse = np.unique(keys[:, sel], axis=1, return_inverse=True)
        for g in range(groups.shape[1]):
            cols = sel[inverse.reshape(-1) == g].astype(np.intp)
            p, f, L = (int(x) for x in groups[:, g])
            cost[cols] = totals_stopped(compiled(p, f, L), billed.usage(cols, L), kernel)[0][0]
    return cost, late


def block_bounds(codes: I64, month: I64, subscribers: int, cells: int, horizon: int | None
                 ) -> list[tuple[int, int]]:
    """Blocks of whole subscribers ``[a, b)`` whose months held at once stay within ``cells``.

    A subscriber holds the months from its first to its last row (:func:`densify`) and, in a projection
    (``horizon`` given), at least the horizon's months; ``--history`` (``horizon`` None) holds its own months
    only. A block holds at most ``cells`` months plus one subscriber's (at most 1990-2100: 1,332 months).
    """
    if subscribers == 0:
        return [(0, 0)]
    first = np.full(subscribers, np.iinfo(np.int64).max, np.int64)
    last = np.full(subscribers, np.iinfo(np.int64).min, np.int64)
    np.minimum.at(first, codes, month)
    np.maximum.at(last, codes, month)
    weight = last - first + 1 if horizon is None else np.maximum(last - first + 1, horizon)
    before = np.cumsum(weight) - weight  # months held by the subscribers before each one
    block = before // max(cells, 1)  # a block ends where the running total passes a multiple of cells
    cuts = [0, *(np.flatnonzero(np.diff(block)) + 1).tolist(), subscribers]
    return list(zip(cuts[:-1], cuts[1:], strict=True))


def input_span(chunks: Iterable[Chunk]) -> tuple[int, int] | None:
    """The first and last month (year * 12 + month - 1) of chunks holding a 'month' column (None: no rows);
    bad cells are skipped here (the main pass reports them)."""
    from tariffcli.batch.chunks import ChunkProblems, month_index_of

    lo: int | None = None
    hi: int | None = None
    for chunk in chunks:
        if chunk.rows == 0:
            continue
        problems = ChunkProblems(chunk, str)
        month, null = month_index_of(chunk.table.column("month"), "month", problems)
        good = month[~null & (month > 0)]
        if good.size:
            lo = int(good.min()) if lo is None else min(lo, int(good.min()))
            hi = int(good.max()) if hi is None else max(hi, int(good.max()))
    return None if lo is None or hi is None else (lo, hi)
