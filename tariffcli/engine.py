"""The cost simulation, vectorised over plans x months.

Every amount is an integer number of fen. Out-of-bundle charges are computed
as an exact integer numerator over a fixed denominator and rounded half-up to
the fen once per bill line (:func:`tariffcli.money.round_div_half_up_array`).
Each month's total is the sum of its lines, by construction.

The engine never opens a file and never reads the clock: plans, usage and the
plan-month offsets come in as arguments.

Bill lines, per plan and month (fen; credits and discounts are negative):

    fee       monthly fee (the promotion's fee where a phase sets one)
    discount  percentage discount on the fee
    addons    fees of bundled add-ons
    one_off   one-off fee in the plan's first month (e.g. a request fee)
    voice     out-of-bundle voice
    sms       out-of-bundle SMS
    data      out-of-bundle data (general data, plus app data past its own bucket)
    topup     minimum-spend top-up: max(0, minimum - counted spend)
    credit    monthly credit (e.g. a pre-deposit returned)
    total     the sum of the lines above

Counted spend (for the minimum) is fee + discount + addons + one_off + voice + sms + data;
the credit is applied after the top-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .money import MICRO_PER_FEN, round_div_half_up_array, to_fen, to_micro
from .plans import UNLIMITED, Allowances, FirstMonth, Plan
from .units import KB_PER

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

LINES: tuple[str, ...] = ("fee", "discount", "addons", "one_off", "voice", "sms", "data", "topup", "credit", "total")
"""Bill line names, in the order they appear in results and outputs."""

MAX_DATA_KB = 1_000_000 * KB_PER["MB"]
"""Most data a month the engine is built to bill exactly (about 1 TB); usage readers refuse more."""
INT64_SAFE = 2**62
"""Plans whose charges could pass this at MAX_DATA_KB are refused by :func:`plan_limits_problem`."""
NO_LIMIT = np.int64(2**62)
"""Internal stand-in for "no upper bound" inside the kernels; never shown or stored."""


@dataclass(frozen=True)
class Usage:
    """Usage for each simulated month (arrays of length H, whole units)."""

    months: tuple[str, ...]
    """The calendar months simulated, 'YYYY-MM'."""
    voice_min: I64
    sms: I64
    data_kb: I64
    """General data, KB."""
    app_data_kb: I64
    """App-specific data (定向流量), KB; counts as general data on plans without that bucket."""
    data_days: I64
    """Days with data use; daily-rate (日租) plans spread the month's data evenly over them."""
    data_days_known: B
    """Whether data_days came from the user's data (else it is the days in the month)."""
    daily_data_kb: I64 | None = None
    """Optional general data per day, shape (H, 31), from itemized records; zeros past a month's end.
    When given, daily-rate plans bill each real day (allowance used up in date order) instead of
    spreading the month evenly."""


@dataclass(frozen=True)
class Result:
    """Bill lines and flags for plans x months."""

    plan_ids: tuple[str, ...]
    months: tuple[str, ...]
    lines: I64
    """Shape (plans, months, len(LINES)), fen."""
    voice_over: B
    sms_over: B
    data_over: B
    topup: B
    data_stopped: B
    """Out-of-bundle data reached the plan's volume cap (data stopped until next month)."""
    data_capped: B
    """Out-of-bundle data charge reached the plan's money cap."""
    throttled: B
    """Total data passed the plan's speed-limit threshold."""

    def line(self, name: str) -> I64:
        """One bill line, shape (plans, months)."""
        return self.lines[:, :, LINES.index(name)]

    @property
    def totals(self) -> I64:
        """Total over the simulated months per plan, fen."""
        return self.line("total").sum(axis=1)


@dataclass(frozen=True)
class _Compiled:
    """Plans turned into arrays: (P, H) for per-month terms, (P,) or (P, T) for rates."""

    fee: I64
    discount_bp: I64
    addon_fee: I64
    one_off: I64
    credit: I64
    min_spend: I64
    allow: dict[str, I64]
    unlimited: dict[str, B]
    app_bucket: B
    voice_rate: I64
    voice_cap: I64
    voice_has_cap: B
    sms_rate: I64
    inc_kb: I64
    daily: B
    tier_lo: I64
    tier_hi: I64
    tier_r: I64
    ramp: B
    ramp_block: I64
    ramp_price: I64
    ramp_r: I64
    data_den: I64
    """Per plan: data numerators are micro-units x KB / this (see :func:`data_denominator`)."""
    data_cap: I64
    data_has_cap: B
    volcap: I64
    has_volcap: B
    throttle: I64
    has_throttle: B


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


def data_denominator(plan: Plan) -> int:
    """KB per the coarsest unit any of the plan's data rates is quoted in.

    Data numerators for the plan are micro-units x KB / this: each rate per
    ``per`` KB becomes ``rate * (den // per)``, exact because units nest by 1024.
    """
    d = plan.overage.data
    pers = [KB_PER[d.per]]
    if d.ramp is not None:
        pers.append(KB_PER[d.ramp.per])
    pers += [KB_PER[t.per] for t in d.tiers or ()]
    return max(pers)


def plan_limits_problem(plan: Plan) -> str | None:
    """Why the plan's data charges could overflow exact int64 arithmetic, or None."""
    d = plan.overage.data
    den = data_denominator(plan)
    rates = [(d.rate, d.per)] if d.rate is not None else []
    rates += [(t.rate, t.per) for t in d.tiers or ()]
    if d.ramp is not None:
        rates.append((d.ramp.rate, d.ramp.per))
        price = to_micro(d.ramp.block_price) * den
        if price * (MAX_DATA_KB // d.ramp.block + 1) >= INT64_SAFE:
            return "the ramp's block is too small for its price to be billed exactly"
    for rate, per in rates:
        if to_micro(rate) * (den // KB_PER[per]) * MAX_DATA_KB >= INT64_SAFE:
            return f"the data rate {rate} per {per} is too large to be billed exactly"
    return None


def compile_plans(plans: Sequence[Plan], first_month: Sequence[int], horizon: int, *, promotions: bool = True) -> _Compiled:
    """Turn plans into arrays over ``horizon`` months.

    ``first_month[p]`` is plan p's month number (1 = its first month) at the
    first simulated month. ``promotions=False`` gives the standard terms.
    """
    P, H = len(plans), horizon
    fee = np.zeros((P, H), np.int64)
    discount_bp = np.zeros((P, H), np.int64)
    addon_fee = np.zeros((P, H), np.int64)
    one_off = np.zeros((P, H), np.int64)
    credit = np.zeros((P, H), np.int64)
    min_spend = np.zeros((P, H), np.int64)
    allow = {s: np.zeros((P, H), np.int64) for s in _SERVICES}
    unlimited = {s: np.zeros((P, H), np.bool_) for s in _SERVICES}
    app_bucket = np.zeros(P, np.bool_)
    voice_rate = np.zeros(P, np.int64)
    voice_cap = np.zeros(P, np.int64)
    voice_has_cap = np.zeros(P, np.bool_)
    sms_rate = np.zeros(P, np.int64)
    inc_kb = np.ones(P, np.int64)
    daily = np.zeros(P, np.bool_)
    T = max([len(p.overage.data.tiers or ()) for p in plans] + [1])
    tier_lo = np.zeros((P, T), np.int64)
    tier_hi = np.zeros((P, T), np.int64)
    tier_r = np.zeros((P, T), np.int64)
    ramp = np.zeros(P, np.bool_)
    ramp_block = np.ones(P, np.int64)
    ramp_price = np.zeros(P, np.int64)
    ramp_r = np.zeros(P, np.int64)
    data_den = np.ones(P, np.int64)
    data_cap = np.zeros(P, np.int64)
    data_has_cap = np.zeros(P, np.bool_)
    volcap = np.zeros(P, np.int64)
    has_volcap = np.zeros(P, np.bool_)
    throttle = np.zeros(P, np.int64)
    has_throttle = np.zeros(P, np.bool_)

    for i, plan in enumerate(plans):
        month_no = np.arange(first_month[i], first_month[i] + H)  # plan month of each simulated month
        fee[i] = to_fen(plan.monthly_fee)
        min_spend[i] = to_fen(plan.minimum_spend)
        base = _allow_values(plan.allowances)
        for s, (amount, unl, _present) in base.items():
            allow[s][i] = amount
            unlimited[s][i] = unl
        app_bucket[i] = base["app_data"][2]
        if promotions:
            for ph in plan.promotions:
                m = (month_no >= ph.from_month) & (month_no <= ph.to_month)
                if not m.any():
                    continue
                if ph.fee is not None:
                    fee[i, m] = to_fen(ph.fee)
                if ph.discount is not None:
                    discount_bp[i, m] = int(ph.discount * 100)
                if ph.credit is not None:
                    credit[i, m] = -to_fen(ph.credit)
                extras = [ph.extra] + [plan.addon(a).allowances for a in ph.addons]
                addon_fee[i, m] = sum(to_fen(plan.addon(a).fee) for a in ph.addons)
                for extra in extras:
                    for s, (amount, unl, present) in _allow_values(extra).items():
                        if not present:
                            continue
                        allow[s][i, m] += amount
                        unlimited[s][i, m] |= unl
                        if s == "app_data":
                            app_bucket[i] = True
        first = month_no == 1
        one_off[i, first] = to_fen(plan.one_off_fee)
        if first.any() and plan.first_month is not FirstMonth.FULL:
            if plan.first_month is FirstMonth.HALF:
                fee[i, first] = (fee[i, first] + 1) // 2  # half-up to the fen
                min_spend[i, first] = (min_spend[i, first] + 1) // 2
                for s in _SERVICES:
                    allow[s][i, first] //= 2
            else:  # STANDARD: pay as you go in the first month
                fee[i, first] = 0
                min_spend[i, first] = 0
                discount_bp[i, first] = 0
                addon_fee[i, first] = 0
                credit[i, first] = 0
                for s in _SERVICES:
                    allow[s][i, first] = 0
                    unlimited[s][i, first] = False

        ov = plan.overage
        voice_rate[i] = to_micro(ov.voice.rate)
        if ov.voice.cap is not None:
            voice_cap[i], voice_has_cap[i] = to_fen(ov.voice.cap), True
        sms_rate[i] = to_micro(ov.sms.rate)
        d = ov.data
        inc_kb[i] = KB_PER[d.increment]
        den = data_denominator(plan)
        data_den[i] = den
        daily[i] = d.period == "day"
        if d.ramp is not None:
            ramp[i] = True
            ramp_block[i] = d.ramp.block
            ramp_price[i] = to_micro(d.ramp.block_price) * den
            ramp_r[i] = to_micro(d.ramp.rate) * (den // KB_PER[d.ramp.per])
        else:
            tiers = d.tiers or ()
            if d.rate is not None:
                tier_hi[i, 0] = NO_LIMIT
                tier_r[i, 0] = to_micro(d.rate) * (den // KB_PER[d.per])
            lo = 0
            for t, tier in enumerate(tiers):
                tier_lo[i, t] = lo
                tier_hi[i, t] = NO_LIMIT if tier.up_to is None else tier.up_to
                tier_r[i, t] = to_micro(tier.rate) * (den // KB_PER[tier.per])
                lo = int(tier_hi[i, t])
        if d.cap is not None:
            data_cap[i], data_has_cap[i] = to_fen(d.cap), True
        if d.volume_cap is not None:
            volcap[i], has_volcap[i] = d.volume_cap, True
        if d.throttle_after is not None:
            throttle[i], has_throttle[i] = d.throttle_after, True

    return _Compiled(
        fee, discount_bp, addon_fee, one_off, credit, min_spend, allow, unlimited, app_bucket,
        voice_rate, voice_cap, voice_has_cap, sms_rate, inc_kb, daily,
        tier_lo, tier_hi, tier_r, ramp, ramp_block, ramp_price, ramp_r, data_den,
        data_cap, data_has_cap, volcap, has_volcap, throttle, has_throttle,
    )


def _data_numerator(c: _Compiled, kb: I64) -> I64:
    """Exact out-of-bundle data charge for ``kb`` over the allowance, shape (P, H).

    The result is in micro-units x KB / ``data_den``: divide by ``data_den * MICRO_PER_FEN`` for fen.
    """
    inc = c.inc_kb[:, None]
    units = -(-kb // inc) * inc  # round up to the billing increment
    # tiers (a single open tier is a plain per-unit rate)
    tiered = np.zeros_like(units)
    for t in range(c.tier_lo.shape[1]):
        lo, hi = c.tier_lo[:, t, None], c.tier_hi[:, t, None]
        tiered += np.clip(units - lo, 0, hi - lo) * c.tier_r[:, t, None]
    # ramp to a block: each full block costs its price; the started block ramps up to it
    block = c.ramp_block[:, None]
    price = c.ramp_price[:, None]
    rate = c.ramp_r[:, None]
    blocks, rest = np.divmod(units, block)
    full_block = np.minimum(block * rate, price)  # a block whose ramp never reaches the price costs less
    ramped = blocks * full_block + np.minimum(rest * rate, price)
    return np.where(c.ramp[:, None], ramped, tiered)


def _data_fen(c: _Compiled, over_kb: I64, days: I64, daily_over: I64 | None = None) -> I64:
    """Out-of-bundle data in fen: monthly, or per day for daily-rate plans.

    ``daily_over`` (plans x months x days) is the over-allowance data of each real
    day, from itemized records; without it a daily plan spreads the month's
    over-allowance data evenly over ``days``.
    """
    monthly = _data_numerator(c, over_kb)
    if c.daily.any():
        if daily_over is not None:
            P, H, D = daily_over.shape
            per_day = _data_numerator(c, daily_over.reshape(P, H * D)).reshape(P, H, D).sum(axis=-1)
        else:
            d = np.maximum(days, 1)[None, :]
            q, r = np.divmod(over_kb, d)
            per_day = _data_numerator(c, q) * (d - r) + _data_numerator(c, q + 1) * r
        monthly = np.where(c.daily[:, None], per_day, monthly)
    fen = round_div_half_up_array(monthly, c.data_den[:, None] * MICRO_PER_FEN)
    return np.where(c.data_has_cap[:, None], np.minimum(fen, c.data_cap[:, None]), fen)


def _daily_over(c: _Compiled, daily: I64, spill: I64) -> I64:
    """Over-allowance data per real day: the month's allowance is used up in date order.

    App data past its own bucket (``spill``, plans x months) is counted on the
    month's last day, where it cannot change which days went over before it.
    """
    days = np.broadcast_to(daily[None, :, :], (spill.shape[0],) + daily.shape).copy()
    days[:, :, -1] += spill
    cum = np.cumsum(days, axis=-1)
    allow = c.allow["data"][:, :, None]
    over_cum = np.where(c.unlimited["data"][:, :, None], 0, np.maximum(cum - allow, 0))
    over_cum = np.where(c.has_volcap[:, None, None], np.minimum(over_cum, c.volcap[:, None, None]), over_cum)
    return np.diff(over_cum, axis=-1, prepend=0)


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
    V, S = usage.voice_min[None, :], usage.sms[None, :]
    D, A = usage.data_kb[None, :], usage.app_data_kb[None, :]

    def over(use: I64, s: str) -> I64:
        return np.where(c.unlimited[s], 0, np.maximum(use - c.allow[s], 0))

    voice_over = over(V, "voice")
    voice = voice_over * c.voice_rate[:, None]
    voice = round_div_half_up_array(voice, MICRO_PER_FEN)
    voice = np.where(c.voice_has_cap[:, None], np.minimum(voice, c.voice_cap[:, None]), voice)
    sms_over = over(S, "sms")
    sms = round_div_half_up_array(sms_over * c.sms_rate[:, None], MICRO_PER_FEN)

    app_spill = np.where(c.app_bucket[:, None], over(A, "app_data"), A)
    general = D + app_spill
    data_over = over(general, "data")
    served = np.where(c.has_volcap[:, None], np.minimum(data_over, c.volcap[:, None]), data_over)
    daily_over = None
    if usage.daily_data_kb is not None and c.daily.any():
        daily_over = _daily_over(c, usage.daily_data_kb, app_spill)
    data = _data_fen(c, served, usage.data_days, daily_over)

    fee = c.fee
    discount = -round_div_half_up_array(fee * c.discount_bp, 10_000)
    counted = fee + discount + c.addon_fee + c.one_off + voice + sms + data
    topup = np.maximum(c.min_spend - counted, 0)
    total = counted + topup + c.credit
    lines = np.stack(
        [np.broadcast_to(x, (P, H)) for x in (fee, discount, c.addon_fee, c.one_off, voice, sms, data, topup, c.credit, total)],
        axis=-1,
    ).astype(np.int64)
    return Result(
        plan_ids=tuple(p.id for p in plans),
        months=usage.months,
        lines=lines,
        voice_over=voice_over > 0,
        sms_over=sms_over > 0,
        data_over=data_over > 0,
        topup=topup > 0,
        data_stopped=c.has_volcap[:, None] & (data_over > c.volcap[:, None]),
        data_capped=c.data_has_cap[:, None] & (data >= c.data_cap[:, None]) & (data > 0),
        throttled=c.has_throttle[:, None] & (general > c.throttle[:, None]),
    )
