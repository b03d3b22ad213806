"""Compiling many plans at once: every plan's rows equal those of the plan compiled alone.

The bills themselves are checked against a hand-written reference in
``test_properties.py`` (one plan at a time); these tests check that stacking many
plans (phases applied in rounds, first months by fancy indexing, terms kept per
plan object) never mixes one plan's terms into another's.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from conftest import examples, make_plan
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import first_months, plans

from tariffcli.engine import compile_plans
from tariffcli.engine.compiler import RATE_FIELDS, SERVICES, plan_terms
from tariffcli.model.plan import Phase

PER_MONTH = ("fee", "discount", "addon_fee", "one_off", "credit", "min_spend", "fixed")


@settings(max_examples=examples(200))
@given(st.lists(st.tuples(plans(), first_months), min_size=1, max_size=8), st.booleans(), st.integers(1, 30))
def test_many_plans_compile_as_each_plan_alone(items, promotions, horizon):
    together = compile_plans([p for p, _ in items], [f for _, f in items], horizon, promotions=promotions)
    for k, (plan, first) in enumerate(items):
        alone = compile_plans([plan], [first], horizon, promotions=promotions)
        row = together.inverse[k]
        for name in PER_MONTH + RATE_FIELDS:
            assert np.array_equal(getattr(together, name)[row], getattr(alone, name)[0]), name
        for s in SERVICES:
            assert np.array_equal(together.allow[s][row], alone.allow[s][0]), s
        T = alone.tier_lo.shape[1]
        assert np.array_equal(together.tier_lo[row, :T], alone.tier_lo[0])
        assert np.array_equal(together.tier_dr[row, :T], alone.tier_dr[0])
        assert not together.tier_dr[row, T:].any()
    assert together.plan_ids == tuple(p.id for p, _ in items)


def test_terms_are_worked_out_once_per_plan_object():
    plan = make_plan(monthly_fee="8.00")
    assert plan_terms(plan) is plan_terms(plan)
    dearer = plan.model_copy(update={"monthly_fee": Decimal("9.00")})
    assert plan_terms(dearer).base[0] == 900
    assert plan_terms(plan).base[0] == 800


def test_a_later_phase_overrides_an_earlier_one_it_overlaps():
    """Plans built in code (not loaded) may hold overlapping phases: the later phase's fee wins, extras add up."""
    plan = make_plan(monthly_fee="50.00", allowances={"voice": "100 min"})
    phases = (Phase(from_month=1, to_month=4, fee=Decimal("10.00"), extra={"voice": "10 min"}),
              Phase(from_month=3, to_month=6, fee=Decimal("20.00"), extra={"voice": "5 min"}))
    overlapping = plan.model_copy(update={"promotions": phases})
    c = compile_plans([make_plan(), overlapping], [1, 1], 8)
    row = c.inverse[1]
    assert c.fee[row].tolist() == [1000, 1000, 2000, 2000, 2000, 2000, 5000, 5000]
    assert c.allow["voice"][row].tolist() == [110, 110, 115, 115, 105, 105, 100, 100]
