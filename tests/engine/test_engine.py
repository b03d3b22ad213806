"""The cost engine, by worked examples exact to the fen.

Each test is one bill a person could check by hand. Amounts are integer fen
(``1175`` is 11.75 CNY); :func:`conftest.fen` reads '11.75' as 1175.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import (
    GB,
    MB,
    PLAN_FILES,
    PlanRuleError,
    assert_totals_are_sums,
    bill,
    fen,
    make_history,
    make_plan,
    make_usage,
    month_lines,
)

from tariffcli.compare.ranking import compare
from tariffcli.compare.results import Note
from tariffcli.engine import LINES, Result
from tariffcli.inputs.catalogue import load_catalogue
from tariffcli.inputs.usage import MAX_DATA_KB


def run(plans, usage, first_month=None, **kw) -> Result:
    """Simulate and check that every month's total is the sum of its lines."""
    res = bill(plans, usage, first_month, **kw)
    assert_totals_are_sums(res)
    return res


def only(res: Result, month: int = 0, plan: int = 0) -> dict[str, int]:
    return month_lines(res, plan, month)


def data_fen(plan, data_kb, data_days=None) -> int:
    """The data line of one month with ``data_kb`` of general data."""
    return only(run(plan, make_usage(data_kb=data_kb, data_days=data_days)))["data"]


# ---------------------------------------------------------------- worked examples


def test_keep_number_plan_with_voice_over_the_allowance():
    # 8.00 a month with 30 min; 0.25 per minute over. 45 min: 8.00 + 15 x 0.25 = 11.75.
    plan = make_plan(monthly_fee="8.00", allowances={"voice": "30 min"}, overage={"voice": {"rate": "0.25"}})
    lines = only(run(plan, make_usage(voice_min=45)))
    assert lines["fee"] == fen("8.00")
    assert lines["voice"] == fen("3.75")
    assert lines["total"] == fen("11.75")


def test_keep_number_plan_within_the_allowance_costs_the_fee():
    plan = make_plan(monthly_fee="8.00", allowances={"voice": "30 min"})
    res = run(plan, make_usage(voice_min=30))
    assert only(res)["total"] == fen("8.00")
    assert not res.voice_over[0, 0]


def test_minimum_spend_tops_up_a_low_month():
    # minimum 59.00, counted spend 30.00: a top-up of 29.00 brings the month to 59.00
    plan = make_plan(monthly_fee="30.00", minimum_spend="59.00")
    res = run(plan, make_usage())
    lines = only(res)
    assert lines["topup"] == fen("29.00")
    assert lines["total"] == fen("59.00")
    assert res.topup[0, 0]


def test_minimum_spend_adds_nothing_above_the_minimum():
    # counted spend 150.00 (30.00 fee + 480 min x 0.25): no top-up
    plan = make_plan(monthly_fee="30.00", minimum_spend="59.00", overage={"voice": {"rate": "0.25"}})
    res = run(plan, make_usage(voice_min=480))
    lines = only(res)
    assert lines["voice"] == fen("120.00")
    assert lines["topup"] == 0
    assert lines["total"] == fen("150.00")
    assert not res.topup[0, 0]


PER_KB_FEN = {"rate": "0.01", "per": "KB", "increment": "KB"}
"""1 KB of out-of-bundle data costs exactly 0.01: the data line in fen equals the KB used."""


def test_seed_002_out_of_bundle_data_below_the_minimum_costs_nothing_extra():
    # minimum 58.00, fee 18.00, out-of-bundle data 13.28: top-up 26.72, total 58.00
    plan = make_plan(monthly_fee="18.00", minimum_spend="58.00", overage={"data": PER_KB_FEN})
    lines = only(run(plan, make_usage(data_kb=1328)))
    assert lines["data"] == fen("13.28")
    assert lines["topup"] == fen("26.72")
    assert lines["total"] == fen("58.00")


def test_seed_002_total_is_flat_below_40_of_data_then_rises_one_for_one():
    plan = make_plan(monthly_fee="18.00", minimum_spend="58.00", overage={"data": PER_KB_FEN})
    charges = list(range(0, 8001, 37)) + [3999, 4000, 4001]
    res = run(plan, make_usage(data_kb=charges))
    data, total = res.line("data")[0], res.line("total")[0]
    np.testing.assert_array_equal(data, charges)
    for charge, t in zip(charges, total, strict=True):
        if charge <= fen("40.00"):
            assert t == fen("58.00"), charge
        else:
            assert t == fen("18.00") + charge, charge
    assert total[charges.index(4001)] == fen("58.01")


def _promo_39_then_79(plan_id: str = "promo-39"):
    return make_plan(
        id=plan_id,
        monthly_fee="79.00",
        promotions=[{"from_month": 1, "to_month": 12, "fee": "39.00", "note": "first year 39"}],
    )


def test_first_year_promotion_over_two_years():
    # 39.00 for months 1-12, then 79.00: 12 x 39 + 12 x 79 = 1416.00 over 24 months
    res = run(_promo_39_then_79(), make_usage(n=24))
    fees = res.line("fee")[0]
    assert list(fees) == [fen("39.00")] * 12 + [fen("79.00")] * 12
    assert int(res.totals[0]) == fen("1416.00")


def test_first_year_promotion_in_a_comparison():
    cmp = compare([_promo_39_then_79()], make_history(), start="2025-01", horizon=24)
    (row,) = cmp.rows
    assert row.total == fen("1416.00")
    assert row.average == fen("59.00")
    assert row.after_promotions == fen("79.00")
    ends = [n for n in row.notes if n.code == "promotion_ends"]
    assert ends == [Note("promotion_ends", {"month": 12, "calendar": "2025-12", "delta": fen("40.00")})]


RAMP_3_PER_GB = {
    "ramp": {"rate": "0.03", "per": "MB", "block": "1 GB", "block_price": "3.00"},
    "increment": "MB",
}
"""0.03/MB until 3.00 is reached (at 100 MB), which covers the rest of that GB."""


@pytest.mark.parametrize(
    ("over_kb", "expected"),
    [
        (0, "0.00"),
        (50 * MB, "1.50"),
        (100 * MB, "3.00"),
        (100 * MB + 1, "3.00"),  # 101 started MB: 3.03, held at the block price
        (1000 * MB, "3.00"),
        (1024 * MB, "3.00"),
        (1024 * MB + 1, "3.03"),  # a new block starts its own ramp
        (1100 * MB, "5.28"),  # 3.00 + 76 x 0.03
        (2048 * MB, "6.00"),
    ],
)
def test_ramp_to_a_block(over_kb, expected):
    plan = make_plan(overage={"data": RAMP_3_PER_GB})
    assert data_fen(plan, over_kb) == fen(expected)


def _voice_plans():
    return [
        make_plan(id="voice-3999", monthly_fee="39.99", allowances={"voice": 450}, overage={"voice": {"rate": "0.45"}}),
        make_plan(id="voice-5999", monthly_fee="59.99", allowances={"voice": 900}, overage={"voice": {"rate": "0.40"}}),
        make_plan(
            id="voice-7999", monthly_fee="79.99", allowances={"voice": 1350}, overage={"voice": {"rate": "0.30"}}
        ),
    ]


@pytest.mark.parametrize(
    ("minutes", "costs", "ranking"),
    [
        (600, ("107.49", "59.99", "79.99"), ["voice-5999", "voice-7999", "voice-3999"]),
        (1000, ("287.49", "99.99", "79.99"), ["voice-7999", "voice-5999", "voice-3999"]),
    ],
)
def test_three_voice_plans(minutes, costs, ranking):
    plans = _voice_plans()
    res = run(plans, make_usage(voice_min=minutes))
    assert [int(t) for t in res.line("total")[:, 0]] == [fen(c) for c in costs]
    # the comparison ranks them cheapest first over a year of the same usage
    cmp = compare(list(reversed(plans)), make_history(voice_min=minutes), start="2025-01", horizon=12)
    assert [r.plan.id for r in cmp.rows] == ranking
    assert [r.rank for r in cmp.rows] == [1, 2, 3]
    by_id = {r.plan.id: r.total for r in cmp.rows}
    assert by_id == {p.id: 12 * fen(c) for p, c in zip(plans, costs, strict=True)}


# ---------------------------------------------------------------- data charge shapes

PER_MB_BY_KB = {"rate": "0.29", "per": "MB", "increment": "KB"}


@pytest.mark.parametrize(
    ("over_kb", "expected"),
    [
        (1, "0.00"),  # 0.29 / 1024 = 0.000283
        (2, "0.00"),  # 0.000566
        (17, "0.00"),  # 0.004814
        (18, "0.01"),  # 0.005098
        (1 * MB, "0.29"),
        (1500, "0.42"),  # 0.4248 (the plan-format guide's example)
        (1536, "0.44"),  # 0.435 exactly: half-up
        (10 * MB, "2.90"),
        (1 * GB, "296.96"),
    ],
)
def test_per_mb_rate_billed_per_kb(over_kb, expected):
    plan = make_plan(overage={"data": PER_MB_BY_KB})
    assert data_fen(plan, over_kb) == fen(expected)


@pytest.mark.parametrize(
    ("over_kb", "expected"),
    [(0, "0.00"), (1, "0.29"), (1 * MB, "0.29"), (1 * MB + 1, "0.58"), (10 * MB - 1, "2.90")],
)
def test_each_started_mb_is_billed(over_kb, expected):
    plan = make_plan(overage={"data": {"rate": "0.29", "per": "MB", "increment": "MB"}})
    assert data_fen(plan, over_kb) == fen(expected)


TIERS_5_THEN_3 = {
    "tiers": [{"up_to": "3 GB", "rate": "5", "per": "GB"}, {"rate": "3", "per": "GB"}],
    "increment": "GB",
}


@pytest.mark.parametrize(
    ("over_kb", "expected"),
    [
        (0, "0.00"),
        (50 * MB, "5.00"),  # billed as 1 GB
        (3 * GB, "15.00"),
        (3 * GB + 1, "18.00"),  # 4 started GB: 3 x 5 + 1 x 3
        (4 * GB + 512 * MB, "21.00"),  # 5 started GB: 3 x 5 + 2 x 3
        (10 * GB, "36.00"),
    ],
)
def test_tiers(over_kb, expected):
    plan = make_plan(overage={"data": TIERS_5_THEN_3})
    assert data_fen(plan, over_kb) == fen(expected)


def test_tiers_count_only_data_over_the_allowance():
    plan = make_plan(allowances={"data": "2 GB"}, overage={"data": TIERS_5_THEN_3})
    assert data_fen(plan, 2 * GB) == 0
    assert data_fen(plan, 6 * GB + 512 * MB) == fen("21.00")


def test_money_cap():
    plan = make_plan(overage={"data": {**PER_MB_BY_KB, "cap": "600.00"}})
    res = run(plan, make_usage(data_kb=[1 * GB, 10 * GB]))
    assert list(res.line("data")[0]) == [fen("296.96"), fen("600.00")]  # 10 GB uncapped: 2969.60
    assert list(res.data_capped[0]) == [False, True]
    assert not res.data_stopped[0].any()


def test_volume_cap_stops_data():
    plan = make_plan(overage={"data": {**PER_MB_BY_KB, "volume_cap": "15 GB"}})
    res = run(plan, make_usage(data_kb=[15 * GB, 20 * GB]))
    # nothing past 15 GB is charged: 15 x 1024 x 0.29 = 4454.40
    assert list(res.line("data")[0]) == [fen("4454.40"), fen("4454.40")]
    assert list(res.data_stopped[0]) == [False, True]


def test_volume_cap_and_money_cap_together():
    plan = make_plan(overage={"data": {**PER_MB_BY_KB, "cap": "500.00", "volume_cap": "15 GB"}})
    res = run(plan, make_usage(data_kb=20 * GB))
    assert only(res)["data"] == fen("500.00")
    assert res.data_stopped[0, 0] and res.data_capped[0, 0]


def test_throttle_is_flagged_but_not_charged():
    plan = make_plan(
        monthly_fee="129.00",
        allowances={"data": "unlimited"},
        overage={"data": {**PER_MB_BY_KB, "throttle_after": "40 GB"}},
    )
    res = run(plan, make_usage(data_kb=[40 * GB, 40 * GB + 1, 100 * GB]))
    assert list(res.line("total")[0]) == [fen("129.00")] * 3
    assert list(res.throttled[0]) == [False, True, True]
    assert not res.data_over[0].any()


DAILY_RAMP = {
    "ramp": {"rate": "0.1", "per": "MB", "block": "800 MB", "block_price": "1.00"},
    "increment": "MB",
    "period": "day",
}
"""日租: 0.1/MB until 1.00 is reached, which covers 800 MB that day."""


def test_daily_ramp_monthly_data_spread_over_every_day():
    # 3 GB in April (30 days), days with data not given: 102.4 MB a day, 1.00 each day
    plan = make_plan(overage={"data": DAILY_RAMP})
    res = run(plan, make_usage(data_kb=3 * GB, start="2025-04"))
    assert only(res)["data"] == fen("30.00")


def test_daily_ramp_monthly_data_spread_over_the_days_with_data():
    # the same 3 GB on 3 days: 1024 MB a day = 1.00 for the first 800 MB + 1.00 for the next 224 MB
    plan = make_plan(overage={"data": DAILY_RAMP})
    res = run(plan, make_usage(data_kb=3 * GB, data_days=3, start="2025-04"))
    assert only(res)["data"] == fen("6.00")


@pytest.mark.parametrize(
    ("data_kb", "days", "expected"),
    [
        (5 * MB, 1, "0.50"),
        (50 * MB, 1, "1.00"),
        (900 * MB, 1, "2.00"),  # 1.00 + 100 MB x 0.1 held at 1.00
        (100 * MB, 20, "10.00"),  # 5 MB on each of 20 days
        (0, 20, "0.00"),
    ],
)
def test_daily_ramp_guide_examples(data_kb, days, expected):
    plan = make_plan(overage={"data": DAILY_RAMP})
    assert data_fen(plan, data_kb, data_days=days) == fen(expected)


def test_daily_ramp_applies_to_data_over_the_monthly_allowance():
    plan = make_plan(allowances={"data": "1 GB"}, overage={"data": DAILY_RAMP})
    assert data_fen(plan, 1 * GB, data_days=10) == 0
    assert data_fen(plan, 1 * GB + 50 * MB, data_days=10) == fen("5.00")  # 5 MB on each of 10 days


# ---------------------------------------------------------------- app-specific data


def test_unlimited_app_data_bucket_makes_app_data_free():
    plan = make_plan(monthly_fee="19.00", allowances={"app_data": "unlimited"})
    res = run(plan, make_usage(app_data_kb=10 * GB))
    assert only(res)["data"] == 0
    assert only(res)["total"] == fen("19.00")
    assert not res.data_over[0, 0]


def test_limited_app_data_bucket_spills_into_general_data():
    plan = make_plan(allowances={"data": "0 MB", "app_data": "1 GB"})
    # 1.5 GB of app data: 512 MB past the app bucket, billed as general data at 0.29/MB
    assert only(run(plan, make_usage(app_data_kb=1 * GB + 512 * MB)))["data"] == fen("148.48")
    assert only(run(plan, make_usage(app_data_kb=1 * GB)))["data"] == 0


def test_without_an_app_bucket_app_data_counts_as_general_data():
    plan = make_plan(allowances={"data": "100 MB"})
    # 95 MB general + 15 MB app = 110 MB: 10 MB over at 0.29
    res = run(plan, make_usage(data_kb=95 * MB, app_data_kb=15 * MB))
    assert only(res)["data"] == fen("2.90")


# ---------------------------------------------------------------- the first month


def test_half_first_month_halves_fee_allowance_and_minimum():
    plan = make_plan(monthly_fee="8.01", minimum_spend="20.01", first_month="half", allowances={"voice": "30 min"})
    res = run(plan, make_usage(voice_min=20, n=2))
    first, second = only(res, 0), only(res, 1)
    assert first["fee"] == fen("4.01")  # 4.005 half-up
    assert first["voice"] == fen("1.25")  # 15 min allowance: 5 min over x 0.25
    assert first["topup"] == fen("10.01") - fen("5.26")  # half of 20.01 is 10.005 -> 10.01
    assert first["total"] == fen("10.01")
    assert second["fee"] == fen("8.01")
    assert second["voice"] == 0
    assert second["total"] == fen("20.01")


def test_standard_first_month_is_pay_as_you_go():
    plan = make_plan(monthly_fee="8.00", minimum_spend="20.00", first_month="standard", allowances={"voice": "30 min"})
    res = run(plan, make_usage(voice_min=20, n=2))
    first, second = only(res, 0), only(res, 1)
    assert first == {**dict.fromkeys(LINES, 0), "voice": fen("5.00"), "total": fen("5.00")}
    assert second["fee"] == fen("8.00")
    assert second["voice"] == 0
    assert second["topup"] == fen("12.00")
    assert second["total"] == fen("20.00")


def test_first_month_rule_only_applies_in_the_plans_first_month():
    plan = make_plan(monthly_fee="8.00", first_month="standard", allowances={"voice": "30 min"})
    res = run(plan, make_usage(voice_min=20, n=2), first_month=[5])
    assert list(res.line("total")[0]) == [fen("8.00"), fen("8.00")]


# ---------------------------------------------------------------- promotions


@pytest.mark.parametrize("discount", ["50", "50%", 50])
def test_percentage_discount_phase(discount):
    plan = make_plan(monthly_fee="128.00", promotions=[{"from_month": 1, "to_month": 12, "discount": discount}])
    res = run(plan, make_usage(n=13))
    assert list(res.line("fee")[0]) == [fen("128.00")] * 13
    assert list(res.line("discount")[0]) == [-fen("64.00")] * 12 + [0]
    assert list(res.line("total")[0]) == [fen("64.00")] * 12 + [fen("128.00")]


def test_discount_rounds_half_up_to_the_fen():
    # 12.5% of 0.99 = 0.12375 -> 0.12; 33.33% of 10.01 = 3.336333 -> 3.34
    a = make_plan(id="a", monthly_fee="0.99", promotions=[{"from_month": 1, "to_month": 1, "discount": "12.5"}])
    b = make_plan(id="b", monthly_fee="10.01", promotions=[{"from_month": 1, "to_month": 1, "discount": "33.33"}])
    res = run([a, b], make_usage())
    assert list(res.line("discount")[:, 0]) == [-fen("0.12"), -fen("3.34")]


def test_credit_is_applied_after_the_top_up():
    # the plan-format guide: minimum 59, fee 39, 13.28 of data -> top-up 6.72; a 10.00 credit -> 49.00
    plan = make_plan(
        monthly_fee="39.00",
        minimum_spend="59.00",
        overage={"data": PER_KB_FEN},
        promotions=[{"from_month": 1, "to_month": 48, "credit": "10.00"}],
    )
    res = run(plan, make_usage(data_kb=1328, n=2), first_month=[48])
    month48, month49 = only(res, 0), only(res, 1)
    assert month48["topup"] == fen("6.72")
    assert month48["credit"] == -fen("10.00")
    assert month48["total"] == fen("49.00")
    assert month49["topup"] == fen("6.72")
    assert month49["credit"] == 0
    assert month49["total"] == fen("59.00")


def test_credit_does_not_reduce_counted_spend_for_the_minimum():
    plan = make_plan(
        monthly_fee="39.00", minimum_spend="39.00", promotions=[{"from_month": 1, "to_month": 48, "credit": "10.00"}]
    )
    lines = only(run(plan, make_usage()))
    assert lines["topup"] == 0
    assert lines["total"] == fen("29.00")


def test_seed_002_bundled_data_pack_ends_with_the_promotion():
    # a 5.00 data pack bundled by a 12-month campaign; afterwards the same browsing is out of bundle
    plan = make_plan(
        monthly_fee="8.00",
        addons=[{"id": "data-5", "name": "5元流量包", "fee": "5.00", "allowances": {"data": "1 GB"}}],
        promotions=[{"from_month": 1, "to_month": 12, "addons": ["data-5"]}],
    )
    res = run(plan, make_usage(data_kb=500 * MB, n=14))
    assert list(res.line("addons")[0]) == [fen("5.00")] * 12 + [0, 0]
    assert list(res.line("data")[0]) == [0] * 12 + [fen("145.00")] * 2
    assert list(res.line("total")[0]) == [fen("13.00")] * 12 + [fen("153.00")] * 2
    assert list(res.data_over[0]) == [False] * 12 + [True, True]


def test_extra_allowance_phase():
    plan = make_plan(
        monthly_fee="8.00",
        allowances={"voice": "30 min"},
        promotions=[{"from_month": 1, "to_month": 3, "extra": {"voice": "100 min"}}],
    )
    res = run(plan, make_usage(voice_min=100, n=4))
    assert list(res.line("voice")[0]) == [0, 0, 0, fen("17.50")]


def test_promotions_false_gives_the_standard_terms():
    res = run(_promo_39_then_79(), make_usage(n=3), promotions=False)
    assert list(res.line("fee")[0]) == [fen("79.00")] * 3


# ---------------------------------------------------------------- allowances


def test_unlimited_voice_allowance():
    plan = make_plan(monthly_fee="199.00", allowances={"voice": "unlimited"})
    res = run(plan, make_usage(voice_min=44_640))
    assert only(res)["voice"] == 0
    assert not res.voice_over[0, 0]


def test_sms_over_the_allowance():
    plan = make_plan(allowances={"sms": 100}, overage={"sms": {"rate": "0.10"}})
    res = run(plan, make_usage(sms=[100, 133]))
    assert list(res.line("sms")[0]) == [0, fen("3.30")]
    assert list(res.sms_over[0]) == [False, True]


def test_voice_cap():
    plan = make_plan(overage={"voice": {"rate": "0.19", "cap": "100.00"}})
    res = run(plan, make_usage(voice_min=[100, 1000]))
    assert list(res.line("voice")[0]) == [fen("19.00"), fen("100.00")]


# ---------------------------------------------------------------- the current plan


def test_current_plan_promotion_ends_on_its_own_calendar_month():
    # joined in 2025-01 on 39.00 for 12 months then 79.00; comparing from 2025-07 for a year
    current = _promo_39_then_79("current")
    alternative = make_plan(id="flat-50", monthly_fee="50.00")
    cmp = compare([alternative], make_history(), start="2025-07", horizon=12, current=current, current_since="2025-01")
    cur = cmp.current
    assert cur is not None and cur.is_current
    fee = cur.lines[:, LINES.index("fee")]
    assert list(fee) == [fen("39.00")] * 6 + [fen("79.00")] * 6
    assert cur.total == fen("708.00")
    ends = [n for n in cur.notes if n.code == "promotion_ends"]
    assert ends == [Note("promotion_ends", {"month": 12, "calendar": "2025-12", "delta": fen("40.00")})]  # the plan's own month 12
    (row,) = cmp.rows
    assert row.total == fen("600.00")
    assert row.saving == fen("108.00")


def test_current_plan_without_since_starts_with_the_comparison():
    cmp = compare([], make_history(), start="2025-07", horizon=12, current=_promo_39_then_79("current"))
    assert cmp.current is not None
    assert cmp.current.total == 12 * fen("39.00")


# ---------------------------------------------------------------- totals


def test_every_total_is_the_sum_of_its_lines_for_the_catalogue():
    files = [(str(p), p.read_text(encoding="utf-8")) for p in PLAN_FILES]
    plans = load_catalogue(files)
    assert len(plans) == len(files)
    usage = make_usage(
        voice_min=[0, 30, 600, 3000, 45, 1],
        sms=[0, 10, 200, 0, 1000, 1],
        data_kb=[0, 100 * MB, 3 * GB, 50 * GB, 1, 1 * GB + 1],
        app_data_kb=[0, 0, 5 * GB, 0, 100 * MB, 1],
        data_days=[1, 5, 30, 28, 2, 1],
        start="2025-04",
    )
    for promotions in (True, False):
        first_month = [1 + (7 * i) % 50 for i in range(len(plans))]  # plans part-way through their promotions
        res = run(plans, usage, first_month, promotions=promotions)
        assert (res.line("fee") >= 0).all()
        assert (res.line("data") >= 0).all()
        assert (res.line("topup") >= 0).all()


# ---------------------------------------------------------------- edges (regressions)


def test_ramp_block_that_the_ramp_never_reaches_costs_its_ramp():
    # 0.001/MB never reaches 3.00 inside a 1 GB block: a whole block costs 1.024, not the block price
    plan = make_plan(
        overage={
            "data": {
                "ramp": {"rate": "0.001", "per": "MB", "block": "1 GB", "block_price": "3.00"},
                "increment": "MB",
            }
        }
    )
    assert data_fen(plan, 1023 * MB) == fen("1.02")  # 1.023
    assert data_fen(plan, 1024 * MB) == fen("1.02")  # 1.024
    assert data_fen(plan, 2048 * MB) == fen("2.05")  # 2.048
    assert data_fen(plan, 2049 * MB) == fen("2.05")  # 2.049


def test_large_data_charge_does_not_overflow():
    # 0.01/KB (10.24/MB) on the most data a usage file may hold: 10,240,000.00, exact
    plan = make_plan(overage={"data": {"rate": "0.01", "per": "KB", "increment": "KB"}})
    res = run(plan, make_usage(data_kb=[MAX_DATA_KB, MAX_DATA_KB - 1]))
    assert list(res.line("data")[0]) == [MAX_DATA_KB, MAX_DATA_KB - 1]  # 1 fen per KB


def test_plan_whose_data_charges_could_overflow_is_refused():
    with pytest.raises(PlanRuleError, match="too large to be billed exactly"):
        make_plan(overage={"data": {"rate": "10000", "per": "KB"}})


# ---------------------------------------------------------------- regressions (bugs found and fixed)


def test_standard_first_month_does_not_charge_for_a_pack_it_does_not_give():
    plan = make_plan(
        monthly_fee="8.00",
        first_month="standard",
        addons=[{"id": "data-5", "name": "5元流量包", "fee": "5.00", "allowances": {"data": "1 GB"}}],
        promotions=[{"from_month": 1, "to_month": 3, "addons": ["data-5"]}],
    )
    first = only(run(plan, make_usage(data_kb=600 * MB)))
    # either the pack applies in month 1 (fee and allowance) or it does not (neither)
    assert first["addons"] == 0 or first["data"] == 0, first


def test_a_phase_after_the_horizon_is_not_said_to_run_past_it():
    plan = make_plan(monthly_fee="8.00", promotions=[{"from_month": 20, "to_month": 24, "fee": "1.00"}])
    (row,) = compare([plan], make_history(), start="2025-01", horizon=12).rows
    assert row.total == 12 * fen("8.00")
    assert [n for n in row.notes if n.code.startswith("promotion")] == []


def test_daily_rate_plan_bills_real_days_from_records() -> None:
    """With per-day data from itemized records, each real day is billed on its own ramp."""
    import dataclasses

    plan = make_plan(
        monthly_fee="19.00",
        overage={"data": {"ramp": {"rate": "0.1", "per": "MB", "block": "800 MB", "block_price": "1.00"},
                          "increment": "MB", "period": "day"}},
    )
    daily = np.zeros((1, 31), np.int64)
    daily[0, 0] = 900 * MB  # 800 MB block 1.00 + 100 MB ramp capped at 1.00
    daily[0, 4] = 5 * MB  # 0.50
    daily[0, 9] = 1 * MB  # 0.10
    spread = make_usage(data_kb=int(daily.sum()), data_days=3)
    from_records = dataclasses.replace(spread, daily_data_kb=daily)
    assert only(run(plan, from_records))["data"] == fen("2.60")
    assert only(run(plan, spread))["data"] == fen("3.00")  # 302 MB a day, three days


def test_daily_records_use_the_monthly_allowance_in_date_order() -> None:
    import dataclasses

    plan = make_plan(
        monthly_fee="19.00",
        allowances={"data": "100 MB"},
        overage={"data": {"rate": "0.1", "per": "MB", "increment": "MB", "period": "day"}},
    )
    daily = np.zeros((1, 31), np.int64)
    daily[0, 0] = 60 * MB
    daily[0, 1] = 60 * MB  # 20 MB over the allowance on day 2
    daily[0, 2] = 10 * MB  # all over
    usage = dataclasses.replace(make_usage(data_kb=int(daily.sum()), data_days=3), daily_data_kb=daily)
    assert only(run(plan, usage))["data"] == fen("3.00")


def test_promotion_note_compares_with_the_phase_that_follows() -> None:
    """Half price for 6 months, then a bundled pack until further notice: the note at month 6
    gives the real step (+4.00 fee + 10.00 pack), not the difference to the plan without promotions."""
    plan = make_plan(
        monthly_fee="8.00",
        addons=[{"id": "pack", "name": "流量包", "fee": "10.00", "allowances": {"data": "1 GB"}}],
        promotions=[
            {"from_month": 1, "to_month": 6, "discount": "50%"},
            {"from_month": 7, "to_month": 600, "addons": ["pack"]},
        ],
    )
    (row,) = compare([plan], make_history(), start="2025-01", horizon=12).rows
    ends = [n for n in row.notes if n.code == "promotion_ends"]
    assert [(n.params["month"], n.params["delta"]) for n in ends] == [(6, fen("14.00"))]
    past = [n for n in row.notes if n.code == "promotion_runs_past_horizon"]
    assert [n.params["month"] for n in past] == [600]
