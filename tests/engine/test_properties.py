"""Properties of the engine over random plans and random usage (hypothesis).

The plans cover every shape the format has: a fee, allowances (some
unlimited, an app-data bucket or none), a minimum spend, each first-month
rule, out-of-bundle data as a rate, tiers or a ramp, per month or per day,
money and volume caps, a throttle, and promotion phases with fees, discounts,
credits, extra allowances and bundled add-ons.

The last property checks every bill line against :func:`reference_bill`, a
slow implementation written from the plan-format guide with exact Fractions.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
from conftest import GB, assert_totals_are_sums, bill, examples, make_history, make_plan, make_usage
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import data_rates, first_months, plan_dicts, plans, usages

from tariffcli.compare.ranking import compare
from tariffcli.engine import LINES, Usage
from tariffcli.model.plan import UNLIMITED, Allowances, DataRate, Plan
from tariffcli.model.units import KB_PER

SETTINGS = settings(max_examples=examples(200))

# ---------------------------------------------------------------- the reference


def half_up(x: Fraction) -> int:
    """Round a non-negative exact amount half-up to an integer."""
    return int(x + Fraction(1, 2)) if x >= 0 else -int(-x + Fraction(1, 2))


def to_fen(d: Decimal) -> int:
    f = Fraction(d) * 100
    if f.denominator != 1:
        raise ValueError(d)
    return int(f)


def data_period_cost(dr: DataRate, kb: int) -> Fraction:
    """Exact out-of-bundle data charge (currency units) for ``kb`` over the allowance in one period."""
    inc = KB_PER[dr.increment]
    units = -(-kb // inc) * inc  # every started increment is billed
    cost = Fraction(0)
    if dr.ramp is not None:
        per_kb = Fraction(dr.ramp.rate) / KB_PER[dr.ramp.per]
        price = Fraction(dr.ramp.block_price)
        left = units
        while left > 0:  # block by block: the ramp until the price is reached, then the price covers the rest
            chunk = min(left, dr.ramp.block)
            cost += min(chunk * per_kb, price)
            left -= chunk
    elif dr.tiers is not None:
        lo = 0
        for tier in dr.tiers:
            hi = tier.up_to
            in_tier = max(0, (units if hi is None else min(units, hi)) - lo)
            cost += in_tier * Fraction(tier.rate) / KB_PER[tier.per]
            if hi is None:
                break
            lo = hi
    else:
        assert dr.rate is not None
        cost = units * Fraction(dr.rate) / KB_PER[dr.per]
    return cost


def reference_data_fen(dr: DataRate, over_kb: int, days: int) -> int:
    if dr.period == "day":
        d = max(days, 1)
        base, extra = divmod(over_kb, d)  # spread evenly: `extra` days carry one KB more
        cost = extra * data_period_cost(dr, base + 1) + (d - extra) * data_period_cost(dr, base)
    else:
        cost = data_period_cost(dr, over_kb)
    fen = half_up(cost * 100)
    return fen if dr.cap is None else min(fen, to_fen(dr.cap))


def _sum_allowance(values: list) -> object:
    """Add allowances of one service: None if no source has it, 'unlimited' if any is."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    if UNLIMITED in present:
        return UNLIMITED
    return sum(present)


def _over(use: int, allowance: object) -> int:
    if allowance == UNLIMITED:
        return 0
    return max(use - int(allowance or 0), 0)


def reference_bill(
    plan: Plan, month_no: int, voice: int, sms: int, data_kb: int, app_kb: int, days: int
) -> dict[str, int]:
    """One month's bill lines, fen, from the plan-format guide (not from the engine's code)."""
    fee = to_fen(plan.monthly_fee)
    minimum = to_fen(plan.minimum_spend)
    discount_pct = Fraction(0)
    credit = 0
    addon_fee = 0
    sources: list[Allowances] = [plan.allowances]
    for ph in plan.promotions:
        if not ph.from_month <= month_no <= ph.to_month:
            continue
        if ph.fee is not None:
            fee = to_fen(ph.fee)
        if ph.discount is not None:
            discount_pct = Fraction(ph.discount)
        if ph.credit is not None:
            credit = -to_fen(ph.credit)
        sources.append(ph.extra)
        for aid in ph.addons:
            addon = plan.addon(aid)
            addon_fee += to_fen(addon.fee)
            sources.append(addon.allowances)
    allow = {s: _sum_allowance([getattr(a, s) for a in sources]) for s in ("voice", "sms", "data", "app_data")}
    one_off = to_fen(getattr(plan, "one_off_fee", Decimal(0))) if month_no == 1 else 0
    if month_no == 1 and plan.first_month.value == "half":
        fee = half_up(Fraction(fee, 2))
        minimum = half_up(Fraction(minimum, 2))
        # half allowance; the guide does not say how an odd amount rounds: down (never understates cost)
        allow = {s: a if a in (None, UNLIMITED) else int(a) // 2 for s, a in allow.items()}  # type: ignore[call-overload]
    elif month_no == 1 and plan.first_month.value == "standard":
        fee = minimum = 0
        discount_pct = Fraction(0)
        allow = {s: (None if s == "app_data" else 0) for s in allow}

    ov = plan.overage
    voice_fen = half_up(_over(voice, allow["voice"]) * Fraction(ov.voice.rate) * 100)
    if ov.voice.cap is not None:
        voice_fen = min(voice_fen, to_fen(ov.voice.cap))
    sms_fen = half_up(_over(sms, allow["sms"]) * Fraction(ov.sms.rate) * 100)
    app_spill = app_kb if allow["app_data"] is None else _over(app_kb, allow["app_data"])
    over = _over(data_kb + app_spill, allow["data"])
    if ov.data.volume_cap is not None:
        over = min(over, ov.data.volume_cap)
    data_fen = reference_data_fen(ov.data, over, days)
    discount = -half_up(fee * discount_pct / 100)
    counted = fee + discount + addon_fee + one_off + voice_fen + sms_fen + data_fen
    topup = max(minimum - counted, 0)
    lines = {
        "fee": fee,
        "discount": discount,
        "addons": addon_fee,
        "voice": voice_fen,
        "sms": sms_fen,
        "data": data_fen,
        "topup": topup,
        "credit": credit,
        "total": counted + topup + credit,
    }
    if "one_off" in LINES:
        lines["one_off"] = one_off
    return lines


def minimum_of(plan: Plan, month_no: int) -> int:
    """The month's minimum spend, fen, by the first-month rule."""
    m = to_fen(plan.minimum_spend)
    if month_no == 1 and plan.first_month.value == "half":
        return half_up(Fraction(m, 2))
    if month_no == 1 and plan.first_month.value == "standard":
        return 0
    return m


# ---------------------------------------------------------------- properties


@SETTINGS
@given(st.lists(plan_dicts(), min_size=1, max_size=3), usages(), st.data())
def test_every_total_is_the_sum_of_its_lines(dicts, usage, data):
    ps = [make_plan(**{**d, "id": f"plan-{i}"}) for i, d in enumerate(dicts)]
    first = data.draw(st.lists(first_months, min_size=len(ps), max_size=len(ps)))
    for promotions in (True, False):
        res = bill(ps, usage, first, promotions=promotions)
        assert_totals_are_sums(res)
        np.testing.assert_array_equal(res.totals, res.line("total").sum(axis=1))


@SETTINGS
@given(plans(), usages(), first_months, st.data())
def test_cost_never_falls_when_usage_rises(plan, usage, first, data):
    n = len(usage.months)
    field = data.draw(st.sampled_from(["voice_min", "sms", "data_kb", "app_data_kb"]), label="service")
    month = data.draw(st.integers(0, n - 1), label="month")
    step = data.draw(st.one_of(st.integers(1, 10), st.integers(1, 5 * GB)), label="more")
    more = np.array(getattr(usage, field))
    more[month] += step
    fields = {f: getattr(usage, f) for f in ("voice_min", "sms", "data_kb", "app_data_kb")}
    bigger = Usage(
        usage.months, **{**fields, field: more}, data_days=usage.data_days, data_days_known=usage.data_days_known
    )
    before = bill(plan, usage, [first]).line("total")[0]
    after = bill(plan, bigger, [first]).line("total")[0]
    assert after[month] >= before[month]
    np.testing.assert_array_equal(np.delete(after, month), np.delete(before, month))


@SETTINGS
@given(plans(), usages(), first_months)
def test_top_up_never_lifts_spend_above_the_minimum(plan, usage, first):
    res = bill(plan, usage, [first])
    topup = res.line("topup")[0]
    not_counted = {"topup", "credit", "total"}
    counted = sum(res.line(name)[0] for name in LINES if name not in not_counted)
    for m in range(len(usage.months)):
        minimum = minimum_of(plan, first + m)
        assert counted[m] + topup[m] == max(counted[m], minimum)
        assert bool(res.topup[0, m]) == (counted[m] < minimum)


@SETTINGS
@given(st.lists(plan_dicts(), min_size=2, max_size=5), st.data())
def test_ranking_does_not_depend_on_the_order_of_the_plans(dicts, data):
    ps = [make_plan(**{**d, "id": f"plan-{i}"}) for i, d in enumerate(dicts)]
    shuffled = data.draw(st.permutations(ps), label="order")
    history = make_history(
        voice_min=data.draw(st.lists(st.integers(0, 2_000), min_size=12, max_size=12)),
        data_kb=data.draw(st.lists(st.integers(0, 20 * GB), min_size=12, max_size=12)),
    )
    horizon = data.draw(st.integers(1, 24), label="horizon")

    def outcome(plan_list):
        cmp = compare(plan_list, history, start="2025-01", horizon=horizon)
        return [(r.rank, r.plan.id, r.total, r.after_promotions, r.notes) for r in cmp.rows]

    a, b = outcome(ps), outcome(shuffled)
    assert a == b
    # ranked by total, except that plans whose data is stopped at a cap come after those that cover the usage
    stopped = [any(n.code == "data_stopped" for n in notes) for *_, notes in a]
    keys = [(s, t, i) for s, (_, i, t, _, _) in zip(stopped, a, strict=True)]
    assert keys == sorted(keys)
    assert [r for r, *_ in a] == list(range(1, len(ps) + 1))


@settings(max_examples=examples(300))
@given(plans(), usages(), first_months)
def test_every_line_matches_the_reference(plan, usage, first):
    res = bill(plan, usage, [first])
    for m in range(len(usage.months)):
        expected = reference_bill(
            plan,
            first + m,
            int(usage.voice_min[m]),
            int(usage.sms[m]),
            int(usage.data_kb[m]),
            int(usage.app_data_kb[m]),
            int(usage.data_days[m]),
        )
        got = {name: int(res.line(name)[0, m]) for name in expected}
        assert got == expected, f"month {m} (plan month {first + m})"


@SETTINGS
@given(data_rates(), st.one_of(st.integers(0, 3 * GB), st.integers(0, 40 * GB)), st.integers(1, 28))
def test_data_charge_matches_the_reference(data_rate, over_kb, days):
    # nothing included, no caps or promotions in the way: the data line is the data shape alone
    plan = make_plan(allowances={}, overage={"data": data_rate})
    res = bill(plan, make_usage(data_kb=over_kb, data_days=days, start="2025-02"))
    dr = plan.overage.data
    served = over_kb if dr.volume_cap is None else min(over_kb, dr.volume_cap)
    expected = reference_data_fen(dr, served, days)
    assert int(res.line("data")[0, 0]) == expected
