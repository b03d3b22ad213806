"""The engine's kernels: the bill over plans x months x subscribers, from plans compiled to arrays.

Plans are compiled by :mod:`tariffcli.engine.compiler` (:func:`compile_plans`, re-exported here).

Loaded by :mod:`tariffcli.engine.types` on first use (see its docstring for the
layout); import the public names from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tariffcli.engine.compiler import I64, NO_LIMIT, B, ChargeGroup, CompiledPlans, compile_plans
from tariffcli.engine.types import Result, Usage, UsageMatrix
from tariffcli.model.money import MICRO_PER_FEN
from tariffcli.model.plan import Plan

__all__ = ["B", "I64", "NO_LIMIT", "CompiledPlans", "compile_plans", "simulate", "simulate_totals",
           "simulate_totals_stopped"]

_HALF_FEN = MICRO_PER_FEN // 2
_BLOCK = 1 << 15
"""Plan-months per kernel block in :func:`simulate_totals`: the working arrays stay in the CPU cache."""


# ---------------------------------------------------------------- kernels
#
# Usage comes in as (H, N) arrays and is broadcast as (1, H, N); per plan-month
# terms as (P, H, 1); per-plan terms as (P, 1, 1). Results are (P, H, N).


def _p(a: I64) -> I64:
    return a[:, None, None]


def _ph(a: I64) -> I64:
    return a[:, :, None]


def _over(use: I64, allow: I64) -> I64:
    """Use past the allowance, (P, H, N); ``use`` is (H, N) or (P, H, N)."""
    out = np.subtract(use, _ph(allow))
    return np.maximum(out, 0, out=out)


def _numerator(c: CompiledPlans, g: ChargeGroup, kb: I64) -> I64:
    """Exact charge of group ``g`` for ``kb`` of over-allowance data in one period (a fresh array).

    In micro-units x KB / data_den: the caller rounds it to the fen.
    """
    rows = g.rows
    if g.rounds:  # every started increment is billed
        units = kb + _p(c.inc_mask[rows])
        np.bitwise_and(units, _p(~c.inc_mask[rows]), out=units)
    else:
        units = kb
    if g.kind == "rate":
        return units * _p(c.tier_dr[rows, 0])
    if g.kind == "tiers":
        # sum over tiers of (use past the tier's start) x (its rate - the previous tier's rate)
        acc = units * _p(c.tier_dr[rows, 0])
        tmp = np.empty_like(acc)
        for t in range(1, g.tiers):
            np.subtract(units, _p(c.tier_lo[rows, t]), out=tmp)
            np.maximum(tmp, 0, out=tmp)
            tmp *= _p(c.tier_dr[rows, t])
            acc += tmp
        return acc
    # ramp to a block: each full block costs its price; the started block ramps up to it
    blocks, rest = np.divmod(units, _p(c.ramp_block[rows]))
    blocks *= _p(c.ramp_full[rows])
    rest *= _p(c.ramp_r[rows])
    np.minimum(rest, _p(c.ramp_price[rows]), out=rest)
    blocks += rest
    return blocks


def _data_fen(c: CompiledPlans, served: I64, days: I64, daily_over: I64 | None) -> I64:
    """Out-of-bundle data in fen, (P, H, N): monthly, or per day for daily-rate plans.

    ``daily_over`` (plans x months x days, one subscriber) is the over-allowance data of
    each real day, from itemized records; without it a daily plan spreads the month's
    over-allowance data evenly over ``days``.
    """
    out = np.empty(served.shape, np.int64)
    for g in c.groups:
        rows = g.rows
        kb = served[rows]
        if not g.daily:
            num = _numerator(c, g, kb)
        elif daily_over is not None:
            num = _numerator(c, g, daily_over[rows]).sum(axis=-1, keepdims=True)
        else:
            d = np.maximum(days, 1)
            q, r = np.divmod(kb, d)
            num = _numerator(c, g, q)
            num *= d - r
            q += 1
            more = _numerator(c, g, q)
            more *= r
            num += more
        # half-up to the fen: (num + den x 5,000) // (den x 10,000), den a power of two
        num += _p(c.den_half[rows])
        np.right_shift(num, _p(c.den_shift[rows]), out=num)
        np.floor_divide(num, MICRO_PER_FEN, out=out[rows])
    if c.any_data_cap:
        np.minimum(out, _p(c.data_cap), out=out)
    return out


def _daily_over(c: CompiledPlans, daily: I64, spill: I64 | None) -> I64:
    """Over-allowance data per real day (one subscriber), (P, H, days): the allowance is used in date order.

    App data past its own bucket (``spill``, plans x months) is counted on the
    month's last day, where it cannot change which days went over before it.
    """
    P = len(c.plan_ids)
    days = np.broadcast_to(daily[None, :, :], (P,) + daily.shape).copy()
    if spill is not None:
        days[:, :, -1] += spill
    cum = np.cumsum(days, axis=-1)
    over_cum = np.maximum(cum - _ph(c.allow["data"]), 0)
    np.minimum(over_cum, _p(c.volcap), out=over_cum)
    return np.diff(over_cum, axis=-1, prepend=0)


@dataclass(frozen=True)
class _Charges:
    voice: I64
    sms: I64
    data: I64
    voice_over: I64
    sms_over: I64
    data_over: I64
    general: I64


def _charges(c: CompiledPlans, V: I64, S: I64, D: I64, A: I64, days: I64, daily: I64 | None, keep: bool,
             stopped: B | None = None) -> _Charges:
    """Voice, SMS and data charges, (P, H, N) fen. ``keep`` keeps the intermediates the flags need.

    ``stopped`` (P, N), if given, is set to whether data was stopped at the volume cap in any month.
    """
    voice_over = _over(V, c.allow["voice"])
    voice = voice_over * _p(c.voice_rate) if keep else np.multiply(voice_over, _p(c.voice_rate), out=voice_over)
    voice += _HALF_FEN
    voice //= MICRO_PER_FEN
    if c.any_voice_cap:
        np.minimum(voice, _p(c.voice_cap), out=voice)
    sms_over = _over(S, c.allow["sms"])
    sms = sms_over * _p(c.sms_rate) if keep else np.multiply(sms_over, _p(c.sms_rate), out=sms_over)
    sms += _HALF_FEN
    sms //= MICRO_PER_FEN

    spill = None
    if A.any():  # app data past its own bucket (all of it on plans without one) counts as general data
        spill = _over(A, c.allow["app_data"])
        general = spill + D
    else:
        general = D
    data_over = _over(general, c.allow["data"])
    if stopped is not None and c.any_volcap:  # before data_over is capped in place
        np.any(data_over > _p(c.volcap), axis=1, out=stopped)
    if not c.any_volcap:
        served = data_over
    elif keep:
        served = np.minimum(data_over, _p(c.volcap))
    else:
        served = np.minimum(data_over, _p(c.volcap), out=data_over)
    daily_over = None
    if daily is not None and any(g.daily for g in c.groups):
        daily_over = _daily_over(c, daily, None if spill is None else spill[:, :, 0])
    data = _data_fen(c, served, days, daily_over)
    return _Charges(voice, sms, data, voice_over, sms_over, data_over, general)


def simulate(plans: Sequence[Plan], usage: Usage, first_month: Sequence[int] | None = None, *, promotions: bool = True) -> Result:
    """Bill every plan for every month of ``usage``.

    ``first_month[p]`` is plan p's own month number at the first simulated
    month (default 1: every plan starts then). Promotions count from month 1.
    """
    H = len(usage.months)
    P = len(plans)
    if first_month is None:
        first_month = [1] * P
    c = compile_plans(plans, first_month, H, promotions=promotions)

    def col(a: I64) -> I64:
        return np.asarray(a, np.int64).reshape(H, 1)

    ch = _charges(c, col(usage.voice_min), col(usage.sms), col(usage.data_kb), col(usage.app_data_kb),
                  col(usage.data_days), usage.daily_data_kb, keep=True)
    voice, sms, data = ch.voice[:, :, 0], ch.sms[:, :, 0], ch.data[:, :, 0]
    counted = c.fixed + voice + sms + data
    topup = np.maximum(c.min_spend - counted, 0)
    total = counted + topup + c.credit
    lines = np.stack(
        [np.broadcast_to(x, (P, H)) for x in
         (c.fee, c.discount, c.addon_fee, c.one_off, voice, sms, data, topup, c.credit, total)],
        axis=-1,
    ).astype(np.int64)
    back = c.inverse
    data_over = ch.data_over[:, :, 0]
    general = np.broadcast_to(ch.general, (P, H, 1))[:, :, 0]
    return Result(
        plan_ids=tuple(p.id for p in plans),
        months=usage.months,
        lines=lines[back],
        voice_over=(ch.voice_over[:, :, 0] > 0)[back],
        sms_over=(ch.sms_over[:, :, 0] > 0)[back],
        data_over=(data_over > 0)[back],
        topup=(topup > 0)[back],
        data_stopped=(data_over > c.volcap[:, None])[back],
        data_capped=((data >= c.data_cap[:, None]) & (data > 0))[back],
        throttled=(general > c.throttle[:, None])[back],
    )


def simulate_totals(compiled: CompiledPlans, usage: UsageMatrix) -> I64:
    """Total over the horizon of every plan for every subscriber, shape (P, N), fen.

    The same bill as :func:`simulate` (``simulate_totals(...)[p, n]`` equals
    ``simulate(...).totals[p]`` for subscriber n's usage), computed for many
    subscribers in cache-sized blocks. Plans are in the order given to
    :func:`compile_plans`.
    """
    return _totals(compiled, usage, None)


def simulate_totals_stopped(compiled: CompiledPlans, usage: UsageMatrix) -> tuple[I64, B]:
    """:func:`simulate_totals`, and (P, N) whether the plan's data would be stopped at its volume cap in any month
    (``simulate(...).data_stopped[p].any()``), found in the same pass."""
    stopped = np.zeros((len(compiled.plan_ids), usage.subscribers), np.bool_)
    return _totals(compiled, usage, stopped), stopped[compiled.inverse]


def _totals(compiled: CompiledPlans, usage: UsageMatrix, stopped: B | None) -> I64:
    """The totals of :func:`simulate_totals`; fills ``stopped`` (compiled order) when given."""
    H = compiled.horizon
    if len(usage.months) != H:
        raise ValueError(f"usage has {len(usage.months)} months for plans compiled over {H}")
    P, N = len(compiled.plan_ids), usage.subscribers
    out = np.empty((P, N), np.int64)
    step = max(1, _BLOCK // max(P * H, 1))
    fixed, minimum, credit = _ph(compiled.fixed), _ph(compiled.min_spend), _ph(compiled.credit)
    for s in range(0, N, step):
        cols = slice(s, min(N, s + step))
        V, S, D, A, days = (np.ascontiguousarray(a[:, cols]) for a in
                            (usage.voice_min, usage.sms, usage.data_kb, usage.app_data_kb, usage.data_days))
        ch = _charges(compiled, V, S, D, A, days, None, keep=False, stopped=None if stopped is None else stopped[:, cols])
        acc = ch.voice
        acc += ch.sms
        acc += ch.data
        acc += fixed
        if compiled.any_min:
            np.maximum(acc, minimum, out=acc)  # the top-up lifts counted spend to the minimum
        if compiled.any_credit:
            acc += credit
        np.sum(acc, axis=1, out=out[:, cols])
    return out[compiled.inverse]
