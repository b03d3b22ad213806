"""The engine's kernels: plans compiled to arrays, and the bill over plans x months x subscribers.

Loaded by :mod:`tariffcli.engine.types` on first use (see its docstring for the
layout); import the public names from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from tariffcli.engine.types import Result, Usage, UsageMatrix
from tariffcli.model.money import MICRO_PER_FEN, round_div_half_up_array, to_fen, to_micro
from tariffcli.model.plan import UNLIMITED, Allowances, DataRate, FirstMonth, Plan, data_denominator
from tariffcli.model.units import KB_PER

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

NO_LIMIT = np.int64(2**62)
"""Internal stand-in for "no upper bound" inside the kernels; never shown or stored."""

_HALF_FEN = MICRO_PER_FEN // 2
_BLOCK = 1 << 15
"""Plan-months per kernel block in :func:`simulate_totals`: the working arrays stay in the CPU cache."""


@dataclass(frozen=True)
class _Group:
    """Compiled plans ``start:stop`` share one data-charge shape."""

    kind: str
    """'rate' (one rate), 'tiers' or 'ramp'."""
    daily: bool
    """Daily-rate (日租): the shape applies to each day's data."""
    start: int
    stop: int
    tiers: int
    """Tiers used by the group's widest plan (1 for 'rate' and 'ramp')."""
    rounds: bool
    """Some plan in the group bills in increments coarser than 1 KB."""

    @property
    def rows(self) -> slice:
        return slice(self.start, self.stop)


@dataclass(frozen=True, eq=False)
class CompiledPlans:
    """Plans turned into arrays over a horizon, ready for the kernels.

    Rows are stored grouped by data-charge shape: row k holds the caller's plan
    ``order[k]``. Results are put back in the caller's order before they are
    returned. Amounts are fen, rates micro-units (data rates micro-units x KB
    over the plan's data denominator), volumes KB; ``NO_LIMIT`` stands for
    "unlimited" and "no cap".
    """

    plan_ids: tuple[str, ...]
    """In the caller's order."""
    horizon: int
    order: npt.NDArray[np.intp]
    inverse: npt.NDArray[np.intp]
    """``compiled[inverse]`` is in the caller's order."""
    # per plan-month, shape (P, H)
    fee: I64
    discount: I64
    addon_fee: I64
    one_off: I64
    credit: I64
    min_spend: I64
    fixed: I64
    """fee + discount + addons + one_off."""
    allow: dict[str, I64]
    """Allowance per service ('voice', 'sms', 'data', 'app_data'), KB for data; NO_LIMIT when unlimited."""
    # per plan, shape (P,)
    voice_rate: I64
    voice_cap: I64
    sms_rate: I64
    inc_mask: I64
    """Billing increment minus one (increments are powers of two KB)."""
    tier_lo: I64
    """Shape (P, T): where each tier starts."""
    tier_dr: I64
    """Shape (P, T): each tier's rate minus the previous tier's (the bands are contiguous)."""
    ramp_block: I64
    ramp_price: I64
    ramp_r: I64
    ramp_full: I64
    """What a whole block costs: the block price, or less when the ramp never reaches it."""
    den_shift: I64
    """log2 of the data denominator (KB per the coarsest unit of the plan's data rates)."""
    den_half: I64
    """Half the data rounding denominator (data_den x 10,000 micro-units per fen)."""
    data_cap: I64
    volcap: I64
    throttle: I64
    groups: tuple[_Group, ...]
    any_voice_cap: bool
    any_data_cap: bool
    any_volcap: bool
    any_credit: bool
    any_min: bool


_SERVICES = ("voice", "sms", "data", "app_data")


def _allow_values(a: Allowances) -> dict[str, tuple[int, bool, bool]]:
    """service -> (amount, unlimited, present)."""
    out = {}
    for s in _SERVICES:
        v = getattr(a, s)
        if v is None:
            out[s] = (0, False, False)
        elif v == UNLIMITED:
            out[s] = (0, True, True)
        else:
            out[s] = (int(v), False, True)
    return out


def _log2(n: int) -> int:
    k = n.bit_length() - 1
    if n <= 0 or 1 << k != n:
        raise ValueError(f"{n} KB is not a power of two")  # KB_PER is 1024-based: a bug if reached
    return k


def _shape(plan: Plan) -> tuple[int, str]:
    d = plan.overage.data
    if d.ramp is not None:
        return 2, "ramp"
    return (0, "rate") if len(d.tiers or ()) <= 1 else (1, "tiers")


@dataclass
class _MonthTerms:
    """The (P, H) terms of :class:`CompiledPlans` while they are being filled in."""

    fee: I64
    min_spend: I64
    discount_bp: I64
    addon_fee: I64
    one_off: I64
    credit: I64
    allow: dict[str, I64]
    unlimited: dict[str, B]

    @classmethod
    def standard(cls, plans: Sequence[Plan], H: int) -> _MonthTerms:
        """Every month on the plans' standard terms."""
        P = len(plans)

        def per_month(values: list[int] | list[bool], dtype: type) -> Any:
            return np.repeat(np.array(values, dtype)[:, None], H, axis=1)

        base_allow = [_allow_values(p.allowances) for p in plans]
        return cls(
            fee=per_month([to_fen(p.monthly_fee) for p in plans], np.int64),
            min_spend=per_month([to_fen(p.minimum_spend) for p in plans], np.int64),
            discount_bp=np.zeros((P, H), np.int64), addon_fee=np.zeros((P, H), np.int64),
            one_off=np.zeros((P, H), np.int64), credit=np.zeros((P, H), np.int64),
            allow={s: per_month([a[s][0] for a in base_allow], np.int64) for s in _SERVICES},
            unlimited={s: per_month([a[s][1] for a in base_allow], np.bool_) for s in _SERVICES},
        )

    def apply_phases(self, i: int, plan: Plan, first_no: int, H: int) -> None:
        """Promotion phases of plan row ``i``, whose month number is ``first_no`` at simulated month 0."""
        for ph in plan.promotions:
            m = slice(max(ph.from_month - first_no, 0), min(ph.to_month - first_no + 1, H))  # months in the phase
            if m.start >= m.stop:
                continue
            if ph.fee is not None:
                self.fee[i, m] = to_fen(ph.fee)
            if ph.discount is not None:
                self.discount_bp[i, m] = int(ph.discount * 100)
            if ph.credit is not None:
                self.credit[i, m] = -to_fen(ph.credit)
            extras = [ph.extra] + [plan.addon(a).allowances for a in ph.addons]
            self.addon_fee[i, m] = sum(to_fen(plan.addon(a).fee) for a in ph.addons)
            for extra in extras:
                for s, (amount, unl, present) in _allow_values(extra).items():
                    if not present:
                        continue
                    self.allow[s][i, m] += amount
                    if unl:
                        self.unlimited[s][i, m] = True

    def apply_first_month(self, i: int, plan: Plan, first_no: int, H: int) -> None:
        """The one-off fee and the first-month rule, when the plan's first month is simulated."""
        f = 1 - first_no  # simulated month that is the plan's first month, if any
        if not 0 <= f < H:
            return
        self.one_off[i, f] = to_fen(plan.one_off_fee)
        if plan.first_month is FirstMonth.HALF:
            self.fee[i, f] = (self.fee[i, f] + 1) // 2  # half-up to the fen
            self.addon_fee[i, f] = (self.addon_fee[i, f] + 1) // 2  # a bundled pack: half fee, half allowance
            self.min_spend[i, f] = (self.min_spend[i, f] + 1) // 2
            for s in _SERVICES:
                self.allow[s][i, f] //= 2
        elif plan.first_month is FirstMonth.STANDARD:  # pay as you go in the first month
            for line in (self.fee, self.min_spend, self.discount_bp, self.addon_fee, self.credit):
                line[i, f] = 0
            for s in _SERVICES:
                self.allow[s][i, f] = 0
                self.unlimited[s][i, f] = False


@dataclass
class _Rates:
    """The per-plan (P,) and (P, T) rate terms of :class:`CompiledPlans` while they are being filled in."""

    voice_rate: I64
    voice_cap: I64
    sms_rate: I64
    inc_mask: I64
    tier_lo: I64
    tier_dr: I64
    ramp_block: I64
    ramp_price: I64
    ramp_r: I64
    ramp_full: I64
    den_shift: I64
    den_half: I64
    data_cap: I64
    volcap: I64
    throttle: I64

    @classmethod
    def empty(cls, P: int, T: int) -> _Rates:
        def zeros() -> I64:
            return np.zeros(P, np.int64)

        def none() -> I64:
            return np.full(P, NO_LIMIT, np.int64)

        return cls(voice_rate=zeros(), voice_cap=none(), sms_rate=zeros(), inc_mask=zeros(),
                   tier_lo=np.zeros((P, T), np.int64), tier_dr=np.zeros((P, T), np.int64),
                   ramp_block=np.ones(P, np.int64), ramp_price=zeros(), ramp_r=zeros(), ramp_full=zeros(),
                   den_shift=zeros(), den_half=zeros(), data_cap=none(), volcap=none(), throttle=none())

    def fill(self, i: int, plan: Plan) -> None:
        """Row ``i`` from ``plan``'s out-of-bundle rates, caps and limits."""
        ov = plan.overage
        self.voice_rate[i] = to_micro(ov.voice.rate)
        if ov.voice.cap is not None:
            self.voice_cap[i] = to_fen(ov.voice.cap)
        self.sms_rate[i] = to_micro(ov.sms.rate)
        d = ov.data
        self.inc_mask[i] = KB_PER[d.increment] - 1
        _log2(KB_PER[d.increment])
        den = data_denominator(plan)
        self.den_shift[i] = _log2(den)
        self.den_half[i] = den * _HALF_FEN
        if d.ramp is not None:
            block = int(d.ramp.block)
            price = to_micro(d.ramp.block_price) * den
            rate = to_micro(d.ramp.rate) * (den // KB_PER[d.ramp.per])
            self.ramp_block[i], self.ramp_price[i], self.ramp_r[i] = block, price, rate
            self.ramp_full[i] = min(block * rate, price)  # a block whose ramp never reaches the price costs less
        else:
            previous = 0
            for t, (start, r) in enumerate(_bands(d, den)):
                self.tier_lo[i, t] = start
                self.tier_dr[i, t] = r - previous
                previous = r
        if d.cap is not None:
            self.data_cap[i] = to_fen(d.cap)
        if d.volume_cap is not None:
            self.volcap[i] = d.volume_cap
        if d.throttle_after is not None:
            self.throttle[i] = d.throttle_after


def _bands(d: DataRate, den: int) -> list[tuple[int, int]]:
    """(start KB, rate) of each contiguous band of a single rate or of tiers, rates over the denominator ``den``."""
    bands: list[tuple[int, int]] = []
    if d.rate is not None:
        bands.append((0, to_micro(d.rate) * (den // KB_PER[d.per])))
    lo = 0
    for tier in d.tiers or ():
        bands.append((lo, to_micro(tier.rate) * (den // KB_PER[tier.per])))
        if tier.up_to is None:
            break
        lo = int(tier.up_to)
    return bands


def _groups(plans: Sequence[Plan], sorted_keys: Sequence[tuple[bool, int, str]], inc_mask: I64) -> tuple[_Group, ...]:
    """Runs of compiled rows that share a data-charge shape (rows are sorted by shape)."""
    groups = []
    start, P = 0, len(plans)
    while start < P:
        stop = start
        while stop < P and sorted_keys[stop][:2] == sorted_keys[start][:2]:
            stop += 1
        daily, _, kind = sorted_keys[start]
        used = max((len(p.overage.data.tiers or ()) for p in plans[start:stop]), default=1)
        groups.append(_Group(kind, daily, start, stop, max(used, 1) if kind == "tiers" else 1,
                             bool(inc_mask[start:stop].any())))
        start = stop
    return tuple(groups)


def compile_plans(plans: Sequence[Plan], first_month: Sequence[int], horizon: int, *, promotions: bool = True) -> CompiledPlans:
    """Turn plans into arrays over ``horizon`` months.

    ``first_month[p]`` is plan p's month number (1 = its first month) at the
    first simulated month. ``promotions=False`` gives the standard terms.
    The result can be reused for any usage over ``horizon`` months.
    """
    keys = [(p.overage.data.period == "day", *_shape(p)) for p in plans]
    order = np.array(sorted(range(len(plans)), key=lambda i: keys[i][:2]), np.intp)
    inverse = np.argsort(order).astype(np.intp)
    plans = [plans[i] for i in order]
    first_month = [first_month[i] for i in order]
    P, H = len(plans), horizon
    terms = _MonthTerms.standard(plans, H)
    rates = _Rates.empty(P, max([len(p.overage.data.tiers or ()) for p in plans] + [1]))
    for i, plan in enumerate(plans):
        if promotions:
            terms.apply_phases(i, plan, first_month[i], H)
        terms.apply_first_month(i, plan, first_month[i], H)
        rates.fill(i, plan)
    fee, credit, min_spend = terms.fee, terms.credit, terms.min_spend
    discount = -round_div_half_up_array(fee * terms.discount_bp, 10_000)
    allow = {s: np.where(terms.unlimited[s], NO_LIMIT, terms.allow[s]) for s in _SERVICES}
    r = rates
    return CompiledPlans(
        plan_ids=tuple(plans[k].id for k in inverse), horizon=H, order=order, inverse=inverse,
        fee=fee, discount=discount, addon_fee=terms.addon_fee, one_off=terms.one_off, credit=credit,
        min_spend=min_spend, fixed=fee + discount + terms.addon_fee + terms.one_off, allow=allow,
        **{f.name: getattr(r, f.name) for f in fields(_Rates)},  # the rate terms, as filled in
        groups=_groups(plans, [keys[i] for i in order], r.inc_mask),
        any_voice_cap=bool((r.voice_cap != NO_LIMIT).any()), any_data_cap=bool((r.data_cap != NO_LIMIT).any()),
        any_volcap=bool((r.volcap != NO_LIMIT).any()), any_credit=bool(credit.any()), any_min=bool(min_spend.any()),
    )


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


def _numerator(c: CompiledPlans, g: _Group, kb: I64) -> I64:
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
