"""Definitions of derived figures, hand-checked (issue 12; docs/plan-format.md).

* ``throttle_after`` counts the data charged against the general allowance: general data plus
  app-specific data beyond its own allowance (all of it on a plan without one).
* A pack bundled by a promotion follows the plan's first-month rule: in a half first month both its
  fee and its allowance are halved (fee half-up to the fen); in a ``standard`` first month neither applies.
* A month whose credit exceeds its charges shows a negative total: the rest of the credit stays on the
  account and pays later bills; the horizon's total counts it in full.
"""

from __future__ import annotations

from conftest import GB, MB, assert_totals_are_sums, bill, fen, make_plan, make_usage, month_lines

THROTTLE = {"data": {"rate": "0.29", "per": "MB", "increment": "KB", "throttle_after": "10 GB"}}
THROTTLED = {"allowances": {"data": "30 GB", "app_data": "20 GB"}, "overage": THROTTLE}


def test_throttle_counts_general_data_not_app_data_within_its_allowance() -> None:
    plan = make_plan(**THROTTLED)
    usage = make_usage(data_kb=[8 * GB, 8 * GB, 11 * GB], app_data_kb=[15 * GB, 25 * GB, 0])
    flags = bill(plan, usage).throttled[0].tolist()
    # 8 GB general + 15 GB app within its 20 GB: 8 GB counts, not throttled;
    # 8 GB general + 25 GB app: 5 GB of app data spills into general: 13 GB counts, throttled;
    # 11 GB general alone: throttled
    assert flags == [False, True, True]


def test_throttle_on_a_plan_without_app_allowance_counts_all_data() -> None:
    plan = make_plan(allowances={"data": "30 GB"}, overage=THROTTLE)
    assert bill(plan, make_usage(data_kb=8 * GB, app_data_kb=3 * GB)).throttled[0, 0]
    assert not bill(plan, make_usage(data_kb=8 * GB, app_data_kb=1 * GB)).throttled[0, 0]


def pack_plan(first_month: str) -> object:
    return make_plan(
        monthly_fee="20.00", first_month=first_month, allowances={"data": "1 GB"},
        addons=[{"id": "gift", "name": "Gift pack", "fee": "9.99", "allowances": {"data": "1 GB"}}],
        promotions=[{"from_month": 1, "to_month": 3, "addons": ["gift"]}],
    )


def test_a_bundled_pack_in_a_half_first_month_is_half_fee_and_half_allowance() -> None:
    usage = make_usage(data_kb=[1 * GB, 1 * GB])
    res = bill(pack_plan("half"), usage)
    first, second = month_lines(res, 0, 0), month_lines(res, 0, 1)
    # by hand: fee 20.00 / 2 = 10.00; pack 9.99 / 2 = 4.995 -> 5.00 (half-up); allowance (1 GB + 1 GB) / 2 = 1 GB:
    # 1 GB used, nothing over
    assert (first["fee"], first["addons"], first["data"], first["total"]) == (fen("10.00"), fen("5.00"), 0,
                                                                              fen("15.00"))
    # month 2 is a full month: 20.00 + 9.99, 2 GB included
    assert (second["fee"], second["addons"], second["total"]) == (fen("20.00"), fen("9.99"), fen("29.99"))
    # half first month with more use: 1.5 GB used of 1 GB: 512 MB at 0.29/MB = 148.48
    over = month_lines(bill(pack_plan("half"), make_usage(data_kb=1 * GB + 512 * MB)), 0, 0)
    assert over["data"] == fen("148.48") and over["addons"] == fen("5.00")
    assert_totals_are_sums(res)


def test_a_bundled_pack_in_a_full_or_standard_first_month() -> None:
    usage = make_usage(data_kb=0)
    assert month_lines(bill(pack_plan("full"), usage))["addons"] == fen("9.99")
    assert month_lines(bill(pack_plan("standard"), usage))["addons"] == 0


def test_a_credit_larger_than_the_charges_gives_a_negative_month() -> None:
    plan = make_plan(monthly_fee="10.00", promotions=[{"from_month": 1, "to_month": 2, "credit": "25.00"}])
    res = bill(plan, make_usage(n=3))
    totals = [month_lines(res, 0, m)["total"] for m in range(3)]
    assert totals == [fen("-15.00"), fen("-15.00"), fen("10.00")]  # by hand: 10.00 - 25.00; then the fee alone
    assert int(res.totals[0]) == fen("-20.00")  # the horizon counts the credit in full
    assert_totals_are_sums(res)
