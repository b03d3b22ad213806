"""The derived figures of a comparison: "after promotions" and the "promotion ends" delta (issue 12).

Figures worked by hand. The base plan of :func:`make_plan` bills voice at 0.25/min, SMS at 0.10 and
data at 0.29/MB; the histories here use no data, so a month's bill is the fee plus voice at 0.25/min.
"""

from __future__ import annotations

import pytest
from conftest import START, fen, make_history, make_plan

from tariffcli.compare.ranking import compare
from tariffcli.compare.results import Note


def _row(plan, history=None, horizon=6, **kw):
    cmp = compare([plan], history or make_history(), start=START, horizon=horizon, **kw)
    return cmp.rows[0]


def _ends(row):
    return [n for n in row.notes if n.code in ("promotion_ends", "promotion_runs_past_horizon")]


ONE_OFF = make_plan(id="one-off", monthly_fee="10.00", one_off_fee="120.00")
HALF = make_plan(id="half", monthly_fee="59.99", first_month="half")


@pytest.mark.parametrize("horizon", [1, 2, 6, 12, 24])
def test_one_off_fee_does_not_leak_into_after_promotions(horizon):
    row = _row(ONE_OFF, horizon=horizon)
    # month 1: 10.00 + 120.00 one-off; later months 10.00. Over 6 months the total is 180.00 (average 30.00,
    # the figure after_promotions wrongly showed) but the steady monthly cost is the fee, 10.00.
    assert row.total == fen("10.00") * horizon + fen("120.00")
    assert row.after_promotions == fen("10.00")


@pytest.mark.parametrize("horizon", [1, 2, 6, 12, 24])
def test_half_first_month_does_not_leak_into_after_promotions(horizon):
    row = _row(HALF, horizon=horizon)
    # month 1: 59.99 / 2 = 29.995 -> 30.00 (half-up); over 2 months (30.00 + 59.99) / 2 = 44.995 -> 45.00,
    # what after_promotions showed; the steady monthly cost is 59.99.
    assert row.total == fen("30.00") + fen("59.99") * (horizon - 1)
    assert row.after_promotions == fen("59.99")


def test_after_promotions_at_the_usage_of_each_month_past_every_phase():
    plan = make_plan(id="phased", monthly_fee="20.00", one_off_fee="50.00", first_month="half",
                     promotions=[{"from_month": 1, "to_month": 3, "fee": "5.00"}])
    # voice 100 minutes in January, 300 in February, 0 after: history Jan-Dec 2024, compared from 2025-01
    history = make_history(voice_min=[100, 300] + [0] * 10)
    row = _row(plan, history, horizon=4)
    # standard terms past the first month: Jan 20.00 + 100 x 0.25 = 45.00, Feb 20.00 + 75.00 = 95.00,
    # Mar 20.00, Apr 20.00 -> 180.00 / 4 = 45.00
    assert row.after_promotions == fen("45.00")
    # real bills: Jan 5.00 / 2 = 2.50 + 50.00 one-off + 25.00 = 77.50; Feb 5.00 + 75.00 = 80.00; Mar 5.00; Apr 20.00
    assert row.total == fen("77.50") + fen("80.00") + fen("5.00") + fen("20.00")


def test_after_promotions_with_packs_keeps_the_standard_packs():
    plan = make_plan(id="packed", monthly_fee="10.00", one_off_fee="120.00",
                     addons=[{"id": "voice-pack", "name": "Voice pack", "fee": "5.00",
                              "allowances": {"voice": 200}, "optional": True}])
    history = make_history(voice_min=200)
    row = _row(plan, history, horizon=6, with_addons=True)
    # 200 min at 0.25 = 50.00 without the pack; with it 10.00 + 5.00 = 15.00 a month, no one-off fee
    assert [(a.id, k) for a, k in row.packs] == [("voice-pack", 1)]
    assert row.after_promotions == fen("15.00")


def test_promotion_end_delta_leaves_out_the_one_off_fee():
    plan = make_plan(id="one-off-phase", monthly_fee="10.00", one_off_fee="120.00",
                     promotions=[{"from_month": 1, "to_month": 3, "fee": "5.00"}])
    row = _row(plan, horizon=6)
    # month 3 at 5.00 against month 4 at 10.00: +5.00 (the old average over months 1-3 took in the
    # one-off fee: (125 + 5 + 5) / 3 = 45.00 against 10.00, "-35.00/month")
    assert _ends(row) == [Note("promotion_ends", {"month": 3, "calendar": "2025-03", "delta": fen("5.00")})]
    assert row.after_promotions == fen("10.00")


def test_promotion_end_delta_leaves_out_the_half_first_month():
    plan = make_plan(id="half-phase", monthly_fee="59.99", first_month="half",
                     promotions=[{"from_month": 1, "to_month": 1, "fee": "29.99"}])
    row = _row(plan, horizon=6)
    # month 1 billed as a full month at 29.99 against month 2 at 59.99: +30.00
    assert _ends(row) == [Note("promotion_ends", {"month": 1, "calendar": "2025-01", "delta": fen("30.00")})]


def test_promotion_end_delta_compares_the_last_phase_month_with_the_next_at_the_same_usage():
    # chained: 5.00 for months 1-6, then 8.00 for months 7-8, then 20.00; voice is billed at 0.25/min
    plan = make_plan(id="chained", monthly_fee="20.00", one_off_fee="30.00",
                     promotions=[{"from_month": 1, "to_month": 6, "fee": "5.00"},
                                 {"from_month": 7, "to_month": 8, "fee": "8.00"}])
    history = make_history(voice_min=[10 * (m + 1) for m in range(12)])  # Jan 10 min ... Dec 120 min
    row = _row(plan, history, horizon=12)
    # the voice of month 6 (60 min, 15.00) is in both bills, so only the fees differ: 8.00 - 5.00 = +3.00;
    # then month 8 against month 9: 20.00 - 8.00 = +12.00
    assert _ends(row) == [
        Note("promotion_ends", {"month": 6, "calendar": "2025-06", "delta": fen("3.00")}),
        Note("promotion_ends", {"month": 8, "calendar": "2025-08", "delta": fen("12.00")}),
    ]
    assert row.after_promotions == fen("20.00") + fen("0.25") * (10 * 78 // 12)  # 780 min / 12 = 65 min


def test_promotion_running_past_the_horizon_is_compared_at_the_last_month_shown():
    plan = make_plan(id="long", monthly_fee="10.00", one_off_fee="120.00",
                     promotions=[{"from_month": 1, "to_month": 12, "fee": "4.00"}])
    row = _row(plan, horizon=3)
    assert _ends(row) == [Note("promotion_runs_past_horizon",
                               {"month": 12, "calendar": "2025-12", "delta": fen("6.00")})]
    assert row.after_promotions == fen("10.00")
