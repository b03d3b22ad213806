"""Optional packs (叠加包/加油包): the cheapest set of packs for a plan, found exactly.

A plan may list packs the user can order on their own (``optional: true`` in
the plan file, up to ``max_count`` of each). For a usage over a horizon, the
search returns the set of packs that makes the plan cheapest, with ties going
to fewer packs, then to the lower pack fees, then to pack ids. The set is held
for the whole horizon (a monthly subscription), as a user orders it once.

The search is exact, never greedy. It prunes without losing the optimum:

* **useless packs**: a pack whose allowances are all in services where the
  usage never goes over the plan's own allowance cannot lower any charge; it
  only adds its fee;
* **capping**: an allowance beyond the most any month uses changes nothing,
  so each set is known by what it adds, capped at that need, and of the sets
  that add the same only the cheapest is kept (2 GB + 1 GB packs against one
  3 GB pack);
* **dominated packs and sets**: a pack, or a set of packs, that costs no less
  than another set and gives no more of anything is dropped (a charge never
  rises when an allowance grows). This is applied after each pack is added,
  so a dominated pack never multiplies the sets that follow;
* **bound**: the cost of a set at zero usage is a lower bound on its cost at
  any usage; the remaining sets are billed cheapest first, and billing stops
  when that bound passes the best total found.

The surviving sets are billed by the engine, many at once, as derived plans:
each chosen pack is listed under ``addons`` of promotion phases that cover
every month, so the engine bills its fee on the ``addons`` line and adds its
allowances (see :func:`with_packs`). The engine itself is unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tariffcli.engine import Usage, simulate
from tariffcli.model.errors import DataError, Problem
from tariffcli.model.money import to_fen
from tariffcli.model.plan import UNLIMITED, Addon, FirstMonth, Phase, Plan

MAX_MONTH = 600
"""Phases built for packs cover plan months 1..MAX_MONTH (the model's own limit)."""
MAX_SETS = 200_000
"""Most pack sets billed for one plan; beyond it the search refuses rather than guess."""
BATCH = 2048
"""Pack sets billed per engine call."""

Packs = tuple[tuple[Addon, int], ...]
"""Chosen packs and how many of each, in the plan's order."""

_SERVICES = ("voice", "sms", "data", "app_data")


@dataclass(frozen=True)
class PackChoice:
    """The cheapest packs for one plan."""

    plan: Plan
    """The plan as published."""
    packs: Packs
    """Chosen packs with counts; empty when no pack lowers the cost."""
    total: int
    """Total over the horizon with these packs, fen."""
    candidates: int
    """Pack sets the search could have billed without pruning (the product of (max_count + 1))."""
    billed: int
    """Pack sets actually billed by the engine."""


def optional_packs(plan: Plan) -> tuple[Addon, ...]:
    """The packs a user may order on their own for ``plan``."""
    return tuple(a for a in plan.addons if a.optional)


def pack_ids(packs: Packs) -> tuple[str, ...]:
    """Pack ids repeated by count, as the engine reads them from a phase."""
    return tuple(a.id for a, k in packs for _ in range(k))


def with_packs(plan: Plan, packs: Packs, *, standard: bool = False) -> Plan:
    """A derived plan that holds ``packs`` in every month (same id, same origin).

    The packs are appended to each promotion phase and new phases fill the
    months between them, so promotions keep working. ``standard=True`` drops
    the promotions first: the plan's standard terms plus the packs (what
    "after promotions" means for a plan with packs).
    """
    ids = pack_ids(packs)
    phases = () if standard else plan.promotions
    if not ids:
        return plan if not standard else plan.model_copy(update={"promotions": ()})
    out: list[Phase] = []
    month = 1
    for ph in sorted(phases, key=lambda ph: ph.from_month):
        if ph.from_month > month:
            out.append(Phase(from_month=month, to_month=ph.from_month - 1, addons=ids, note="optional packs"))
        out.append(ph.model_copy(update={"addons": ph.addons + ids}))
        month = max(month, ph.to_month + 1)
    if month <= MAX_MONTH:
        out.append(Phase(from_month=month, to_month=MAX_MONTH, addons=ids, note="optional packs"))
    return plan.model_copy(update={"promotions": tuple(out)})


def _amount(value: object) -> float:
    """An allowance as a number for comparisons only (unlimited = inf, absent = 0)."""
    if value is None:
        return 0.0
    if value == UNLIMITED:
        return float("inf")
    return float(value)  # type: ignore[arg-type]


def _useful(pack: Addon, over: dict[str, bool]) -> bool:
    """Whether the pack gives something in a service where the usage goes over."""
    return any(over[s] and _amount(getattr(pack.allowances, s)) > 0 for s in _SERVICES)


def _key(packs: Packs) -> tuple[int, int, tuple[str, ...]]:
    """Tie-break between equal totals: fewer packs, lower pack fees, then ids."""
    return (sum(k for _, k in packs), sum(to_fen(a.fee) * k for a, k in packs), pack_ids(packs))


def _fixed_lines(plan: Plan, usage: Usage, first_month: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """At zero usage: (total per month, counted spend + credit per month, months a pack fee is charged)."""
    n = len(usage.months)
    zero = Usage(usage.months, np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64),
                 np.zeros(n, np.int64), usage.data_days, usage.data_days_known)
    res = simulate([plan], zero, [first_month])
    total = res.line("total")[0]
    counted_plus_credit = total - res.line("topup")[0]
    month_no = np.arange(first_month, first_month + len(usage.months))
    charged = ~((month_no == 1) & (plan.first_month is FirstMonth.STANDARD))
    return total, counted_plus_credit, charged


def _needs(usage: Usage) -> tuple[int, ...]:
    """Per service, the most any month can use of an added allowance: more than this changes nothing."""
    def most(a: np.ndarray) -> int:
        return int(a.max()) if len(a) else 0

    return (most(usage.voice_min), most(usage.sms), most(usage.data_kb + usage.app_data_kb), most(usage.app_data_kb))


def _capped(pack: Addon, need: tuple[int, ...]) -> tuple[int, ...]:
    """The pack's allowances, each capped at the need (unlimited = the need)."""
    out = []
    for s, n in zip(_SERVICES, need, strict=True):
        v = getattr(pack.allowances, s)
        out.append(n if v == UNLIMITED else min(int(v or 0), n))
    return tuple(out)


def _pareto(states: dict[tuple[int, ...], tuple[int, Packs]]) -> dict[tuple[int, ...], tuple[int, Packs]]:
    """Drop every set that another set beats on fee without giving less of anything."""
    order = sorted(states.items(), key=lambda kv: (kv[1][0], -sum(kv[0]), _key(kv[1][1])))
    kept: list[tuple[tuple[int, ...], tuple[int, Packs]]] = []
    kept_vecs = np.zeros((0, len(_SERVICES)), np.int64)
    for vec, val in order:
        if len(kept) and bool((kept_vecs >= np.array(vec)).all(axis=1).any()):
            continue
        kept.append((vec, val))
        kept_vecs = np.vstack([kept_vecs, np.array(vec, np.int64)])
    return dict(kept)


def best_packs(plan: Plan, usage: Usage, first_month: int = 1) -> PackChoice:
    """The cheapest set of ``plan``'s optional packs for ``usage`` (exact; see the module docstring)."""
    base = simulate([plan], usage, [first_month])
    base_total = int(base.totals[0])
    packs = optional_packs(plan)
    candidates = math.prod(a.max_count + 1 for a in packs)
    if not packs:
        return PackChoice(plan, (), base_total, candidates, 1)
    over = {
        "voice": bool(base.voice_over[0].any()),
        "sms": bool(base.sms_over[0].any()),
        "data": bool(base.data_over[0].any()),
        "app_data": bool((usage.app_data_kb > 0).any()),
    }
    useful = [a for a in packs if _useful(a, over)]
    if not useful:
        return PackChoice(plan, (), base_total, candidates, 1)
    need = _needs(usage)
    # every set, by what it adds (capped at the need): the cheapest set for each, then only undominated sets
    states: dict[tuple[int, ...], tuple[int, Packs]] = {(0,) * len(_SERVICES): (0, ())}
    for pack in useful:
        fee, vec = to_fen(pack.fee), _capped(pack, need)
        grown = dict(states)
        for have, (paid, chosen) in states.items():
            for k in range(1, pack.max_count + 1):
                v2 = tuple(min(a + k * b, n) for a, b, n in zip(have, vec, need, strict=True))
                cand = (paid + k * fee, (*chosen, (pack, k)))
                old = grown.get(v2)
                if old is None or (cand[0], _key(cand[1])) < (old[0], _key(old[1])):
                    grown[v2] = cand
        states = _pareto(grown)
    total0, counted0, charged = _fixed_lines(plan, usage, first_month)

    def bound(pack_fee: int) -> int:
        """Exact total at zero usage with ``pack_fee`` a month: a lower bound at any usage."""
        return int(np.maximum(total0, counted0 + pack_fee * charged).sum())

    sets = sorted(((fee, chosen) for fee, chosen in states.values() if chosen), key=lambda fc: (fc[0], _key(fc[1])))
    if len(sets) > MAX_SETS:
        raise DataError(Problem(
            f"plan {plan.id} has too many optional packs to search exactly "
            f"(more than {MAX_SETS:,} sets left after pruning)", file=plan.origin, field="addons",
            code="too_many_packs"))
    best_total = base_total
    best: Packs = ()
    billed = 1
    position = {a.id: i for i, a in enumerate(plan.addons)}
    for at in range(0, len(sets), BATCH):
        batch = [(fee, chosen) for fee, chosen in sets[at:at + BATCH] if bound(fee) <= best_total]
        if not batch:
            break  # sets are sorted by fee, so the bound only rises from here
        chosen_sets = [tuple(sorted(c, key=lambda ak: position[ak[0].id])) for _, c in batch]
        res = simulate([with_packs(plan, c) for c in chosen_sets], usage, [first_month] * len(chosen_sets))
        billed += len(batch)
        for c, t in zip(chosen_sets, res.totals, strict=True):
            t = int(t)
            if t < best_total or (t == best_total and best and _key(c) < _key(best)):
                best_total, best = t, c
    return PackChoice(plan, best, best_total, candidates, billed)


def best_packs_for(plans: Sequence[Plan], usage: Usage, first_months: Sequence[int] | None = None) -> list[PackChoice]:
    """:func:`best_packs` for every plan."""
    firsts = list(first_months) if first_months is not None else [1] * len(plans)
    return [best_packs(p, usage, f) for p, f in zip(plans, firsts, strict=True)]


__all__ = ["PackChoice", "best_packs", "best_packs_for", "optional_packs", "with_packs"]
