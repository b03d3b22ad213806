"""Plans that round usage differently, billed together: each plan on the usage its ``rounding`` asks for.

A plan says where usage is rounded up (:class:`tariffcli.model.plan.Rounding`):
data per session or on the month's total, calls per call or per month. Itemized
records give the monthly usage in each variant
(:meth:`tariffcli.inputs.records.LineRecords.history`); :func:`simulate_rounded`
groups the plans by their rounding, bills each group with
:func:`tariffcli.engine.simulate` on its variant, and puts the results back in
the plans' order. The kernels are unchanged: a variant is only other usage.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tariffcli.engine.types import Result, Usage
from tariffcli.model.plan import Plan

__all__ = ["RoundingKey", "rounding_of", "simulate_rounded"]

RoundingKey = tuple[str, str]
"""(data, calls): ``("session", "call")``, ``("month", "call")``, ``("session", "month")`` or ``("month", "month")``."""


def rounding_of(plan: Plan) -> RoundingKey:
    """Where ``plan`` rounds data and calls."""
    return plan.rounding.data, plan.rounding.calls


def simulate_rounded(plans: Sequence[Plan], usage_for: Callable[[str, str], Usage],
                     first_month: Sequence[int] | None = None, *, promotions: bool = True) -> Result:
    """Bill every plan for every month, each on ``usage_for(data, calls)`` of its own rounding.

    The result is that of :func:`tariffcli.engine.simulate` had every plan been
    billed on its own variant; ``usage_for`` is called once per rounding in use.
    """
    import numpy as np

    from tariffcli.engine.kernels import simulate

    groups: dict[RoundingKey, list[int]] = {}
    for i, plan in enumerate(plans):
        groups.setdefault(rounding_of(plan), []).append(i)
    if len(groups) <= 1:
        key = next(iter(groups), ("session", "call"))
        return simulate(plans, usage_for(*key), first_month, promotions=promotions)
    parts = []
    for key, idx in groups.items():
        firsts = [first_month[i] for i in idx] if first_month is not None else None
        parts.append((np.asarray(idx), simulate([plans[i] for i in idx], usage_for(*key), firsts,
                                                promotions=promotions)))
    sample = parts[0][1]

    def gather(name: str) -> np.ndarray:
        first = getattr(sample, name)
        out = np.empty((len(plans), *first.shape[1:]), first.dtype)
        for idx, res in parts:
            out[idx] = getattr(res, name)
        return out

    return Result(
        plan_ids=tuple(p.id for p in plans),
        months=sample.months,
        lines=gather("lines"),
        voice_over=gather("voice_over"),
        sms_over=gather("sms_over"),
        data_over=gather("data_over"),
        topup=gather("topup"),
        data_stopped=gather("data_stopped"),
        data_capped=gather("data_capped"),
        throttled=gather("throttled"),
    )
