"""Hypothesis strategies shared by the property tests: random plans (every shape the format has) and usage."""

from __future__ import annotations

from decimal import Decimal

from conftest import GB, MB, make_plan, make_usage, money, rate
from hypothesis import strategies as st

from tariffcli.engine import Usage
from tariffcli.model.plan import Plan

# ---------------------------------------------------------------- strategies

fen_amounts = st.integers(0, 30_000)
unlimited = st.just("unlimited")
data_volume = st.one_of(
    st.integers(0, 5_000).map(lambda n: f"{n} KB"),
    st.integers(0, 4_000).map(lambda n: f"{n} MB"),
    st.integers(0, 40).map(lambda n: f"{n} GB"),
)


@st.composite
def allowances(draw: st.DrawFn, *, sparse: bool = False) -> dict:
    """Allowance keys as a plan writes them; ``sparse`` leaves most keys out (phase extras, add-ons)."""
    out: dict = {}
    keys = {
        "voice": st.one_of(st.integers(0, 2_000), unlimited),
        "sms": st.one_of(st.integers(0, 300), unlimited),
        "data": st.one_of(data_volume, unlimited),
        "app_data": st.one_of(data_volume, unlimited),
    }
    for key, values in keys.items():
        if draw(st.booleans() if not sparse else st.integers(0, 3).map(lambda n: n == 0)):
            out[key] = draw(values)
    return out


@st.composite
def data_rates(draw: st.DrawFn) -> dict:
    """Out-of-bundle data: one of rate / tiers / ramp, monthly or daily, with optional caps."""
    increment = draw(st.sampled_from(["KB", "MB", "GB"]))
    shape = draw(st.sampled_from(["rate", "tiers", "ramp"]))
    max_micro = {"KB": 1_000, "MB": 1_000_000, "GB": 100_000_000}  # up to about 1 CNY per MB
    out: dict = {"increment": increment, "period": draw(st.sampled_from(["month", "day"]))}
    if shape == "rate":
        per = draw(st.sampled_from(["KB", "MB", "GB"]))
        out.update(rate=rate(draw(st.integers(0, max_micro[per]))), per=per)
    elif shape == "tiers":
        n = draw(st.integers(1, 3))
        bounds = sorted(draw(st.lists(st.integers(1, 20_000), min_size=n - 1, max_size=n - 1, unique=True)))
        tiers = []
        for i in range(n):
            per = draw(st.sampled_from(["KB", "MB", "GB"]))
            tier = {"rate": rate(draw(st.integers(0, max_micro[per]))), "per": per}
            if i < n - 1:
                tier["up_to"] = f"{bounds[i]} MB"
            tiers.append(tier)
        out["tiers"] = tiers
    else:
        # the block is a whole number of increments; the ramp may or may not reach the block price
        block_mb = (
            draw(st.integers(1, 2).map(lambda g: g * 1024)) if increment == "GB" else draw(st.integers(100, 2048))
        )
        out["ramp"] = {
            "rate": rate(draw(st.integers(1_000, 500_000))),
            "per": "MB",
            "block": f"{block_mb} MB",
            "block_price": money(draw(st.one_of(st.integers(1, 1_000), st.integers(1, 100_000)))),
        }
    if draw(st.booleans()):
        out["cap"] = money(draw(st.integers(0, 100_000)))
    if draw(st.booleans()):
        out["volume_cap"] = f"{draw(st.integers(0, 60))} GB"
    if draw(st.booleans()):
        out["throttle_after"] = f"{draw(st.integers(0, 60))} GB"
    return out


@st.composite
def plan_dicts(draw: st.DrawFn, plan_id: str = "random-plan") -> dict:
    first_month = draw(st.sampled_from(["full", "half", "standard"]))
    voice: dict = {"rate": rate(draw(st.integers(0, 1_000_000)))}
    if draw(st.booleans()):
        voice["cap"] = money(draw(st.integers(0, 50_000)))
    plan: dict = {
        "id": plan_id,
        "monthly_fee": money(draw(fen_amounts)),
        "first_month": first_month,
        "minimum_spend": money(draw(st.one_of(st.just(0), fen_amounts))),
        "allowances": draw(allowances()),
        "overage": {"voice": voice, "sms": {"rate": rate(draw(st.integers(0, 500_000)))}, "data": draw(data_rates())},
    }
    addon_ids = [f"pack-{i}" for i in range(draw(st.integers(0, 2)))]
    plan["addons"] = [
        {"id": a, "name": a, "fee": money(draw(st.integers(0, 5_000))), "allowances": draw(allowances(sparse=True))}
        for a in addon_ids
    ]
    # phases that do not overlap; when month 1 is not a full month no phase covers it, because
    # the guide does not say how a half or standard month treats a phase's add-ons and credit
    phases = []
    start = 1 if first_month == "full" else 2
    for _ in range(draw(st.integers(0, 3))):
        lo = start + draw(st.integers(0, 3))
        hi = lo + draw(st.integers(0, 6))
        phase: dict = {"from_month": lo, "to_month": hi}
        kind = draw(st.sampled_from(["none", "fee", "discount"]))
        if kind == "fee":
            phase["fee"] = money(draw(fen_amounts))
        elif kind == "discount":
            phase["discount"] = str(Decimal(draw(st.integers(0, 10_000))).scaleb(-2))
        if draw(st.booleans()):
            phase["credit"] = money(draw(st.integers(0, 5_000)))
        if draw(st.booleans()):
            phase["extra"] = draw(allowances(sparse=True))
        if addon_ids:
            phase["addons"] = draw(st.lists(st.sampled_from(addon_ids), unique=True))
        phases.append(phase)
        start = hi + 1
    plan["promotions"] = phases
    return plan


def plans(plan_id: str = "random-plan") -> st.SearchStrategy[Plan]:
    return plan_dicts(plan_id).map(lambda d: make_plan(**d))


DATA_KB = st.one_of(st.integers(0, 2 * GB), st.integers(0, 30 * GB), st.sampled_from([0, 1, MB, MB + 1, GB, GB + 1]))


@st.composite
def usages(draw: st.DrawFn) -> Usage:
    """1-4 months from 2025-02 (28 days, so any 1..28 days with data is valid)."""
    n = draw(st.integers(1, 4))

    def col(values: st.SearchStrategy[int]) -> list[int]:
        return draw(st.lists(values, min_size=n, max_size=n))

    days = col(st.integers(1, 28)) if draw(st.booleans()) else None
    return make_usage(
        col(st.integers(0, 3_000)),
        col(st.integers(0, 500)),
        col(DATA_KB),
        col(st.one_of(st.just(0), st.integers(0, 5 * GB))),
        days,
        start="2025-02",
    )


first_months = st.integers(1, 14)
"""The plan's own month number at the first simulated month."""

