"""Plans compiled to arrays over a horizon: the input of the kernels in :mod:`tariffcli.engine.kernels`.

Each plan's terms are turned into integers once (:func:`tariffcli.model.terms.plan_terms`:
fen, micro-units, KB, no Decimal past that point) and kept while the plan object lives,
since plans are immutable; :func:`compile_plans` then stacks the terms of many plans into (P, H) and
(P,) arrays with a handful of numpy operations, whatever the number of plans.
Promotion phases are applied in rounds (every plan's first phase, then every plan's
second one, ...), so that within a round each plan-month is written at most once and
a later phase still overrides an earlier one, as the phases are listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tariffcli.model import terms as plan_terms_module
from tariffcli.model.money import round_div_half_up_array
from tariffcli.model.plan import FirstMonth, Plan
from tariffcli.model.terms import FIRST_MONTH_RULES, RATE_FIELDS, SERVICES, PlanTerms, plan_terms

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

NO_LIMIT = np.int64(plan_terms_module.NO_LIMIT)
"""Internal stand-in for "no upper bound" inside the kernels; never shown or stored."""

__all__ = ["NO_LIMIT", "RATE_FIELDS", "SERVICES", "ChargeGroup", "CompiledPlans", "PlanTerms", "compile_plans",
           "plan_terms"]


@dataclass(frozen=True)
class ChargeGroup:
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
    groups: tuple[ChargeGroup, ...]
    any_voice_cap: bool
    any_data_cap: bool
    any_volcap: bool
    any_credit: bool
    any_min: bool


# ---------------------------------------------------------------- many plans, as arrays


def _per_month(column: I64, H: int) -> I64:
    """A (P,) column repeated over H months."""
    return np.repeat(column[:, None], H, axis=1)


def _put(target: npt.NDArray[np.generic], rows: npt.NDArray[np.intp], months: npt.NDArray[np.intp],
         which: npt.NDArray[np.intp], values: Sequence[int | None]) -> None:
    """``target[rows, months] = values[which]`` where the value is not None (each (row, month) once)."""
    have = np.array([v is not None for v in values], np.bool_)
    if not have.any():
        return
    vals = np.array([0 if v is None else v for v in values], np.int64)
    keep = have[which]
    target[rows[keep], months[keep]] = vals[which[keep]]


@dataclass
class _Months:
    """The (P, H) terms while they are being filled in."""

    fee: I64
    min_spend: I64
    discount_bp: I64
    addon_fee: I64
    one_off: I64
    credit: I64
    allow: list[I64]
    unlimited: list[B]

    def apply_phases(self, terms: Sequence[PlanTerms], first: I64, H: int) -> None:
        """Every plan's promotion phases; plan row i's month number is ``first[i]`` at simulated month 0."""
        hh = np.arange(H)
        for k in range(max((len(t.phases) for t in terms), default=0)):  # the k-th phase of every plan
            rows = np.array([i for i, t in enumerate(terms) if len(t.phases) > k], np.intp)
            phs = [terms[i].phases[k] for i in rows]
            lo = np.maximum(np.array([p.from_month for p in phs], np.int64) - first[rows], 0)
            hi = np.minimum(np.array([p.to_month for p in phs], np.int64) - first[rows] + 1, H)
            which, months = np.nonzero((hh >= lo[:, None]) & (hh < hi[:, None]))  # the months in each phase
            at = rows[which]
            _put(self.fee, at, months, which, [p.fee for p in phs])
            _put(self.discount_bp, at, months, which, [p.discount_bp for p in phs])
            _put(self.credit, at, months, which, [p.credit for p in phs])
            _put(self.addon_fee, at, months, which, [p.addon_fee for p in phs])
            extra = np.array([p.allow for p in phs], np.int64).reshape(len(phs), len(SERVICES))
            unl = np.array([p.unlimited for p in phs], np.bool_).reshape(len(phs), len(SERVICES))
            for j in range(len(SERVICES)):
                self.allow[j][at, months] += extra[which, j]
                self.unlimited[j][at, months] |= unl[which, j]

    def apply_first_month(self, one_off: I64, rule: I64, first: I64, H: int) -> None:
        """The one-off fee and the first-month rule of the plans whose first month is simulated."""
        f = 1 - first  # simulated month that is the plan's first month, if any
        rows = np.nonzero((f >= 0) & (f < H))[0]
        self.one_off[rows, f[rows]] = one_off[rows]
        half = rows[rule[rows] == FIRST_MONTH_RULES[FirstMonth.HALF]]
        fh = f[half]
        self.fee[half, fh] = (self.fee[half, fh] + 1) // 2  # half-up to the fen
        self.addon_fee[half, fh] = (self.addon_fee[half, fh] + 1) // 2  # a bundled pack: half fee, half allowance
        self.min_spend[half, fh] = (self.min_spend[half, fh] + 1) // 2
        for a in self.allow:
            a[half, fh] //= 2
        std = rows[rule[rows] == FIRST_MONTH_RULES[FirstMonth.STANDARD]]  # pay as you go in the first month
        fs = f[std]
        for line in (self.fee, self.min_spend, self.discount_bp, self.addon_fee, self.credit, *self.allow):
            line[std, fs] = 0
        for u in self.unlimited:
            u[std, fs] = False


def _groups(terms: Sequence[PlanTerms], inc_mask: I64) -> tuple[ChargeGroup, ...]:
    """Runs of compiled rows that share a data-charge shape (rows are sorted by shape)."""
    groups = []
    start, P = 0, len(terms)
    while start < P:
        stop = start
        while stop < P and terms[stop].key[:2] == terms[start].key[:2]:
            stop += 1
        daily, _, kind = terms[start].key
        used = max((t.tiers for t in terms[start:stop]), default=1)
        groups.append(ChargeGroup(kind, daily, start, stop, max(used, 1) if kind == "tiers" else 1,
                                  bool(inc_mask[start:stop].any())))
        start = stop
    return tuple(groups)


def compile_plans(plans: Sequence[Plan], first_month: Sequence[int], horizon: int, *, promotions: bool = True) -> CompiledPlans:
    """Turn plans into arrays over ``horizon`` months.

    ``first_month[p]`` is plan p's month number (1 = its first month) at the
    first simulated month. ``promotions=False`` gives the standard terms.
    The result can be reused for any usage over ``horizon`` months.
    """
    every = [plan_terms(p) for p in plans]
    order = np.array(sorted(range(len(plans)), key=lambda i: every[i].key[:2]), np.intp)
    inverse = np.argsort(order).astype(np.intp)
    terms = [every[i] for i in order]
    P, H, S = len(terms), horizon, len(SERVICES)
    first = np.array([first_month[i] for i in order], np.int64)
    base = np.array([t.base for t in terms], np.int64).reshape(P, 4 + 2 * S)
    m = _Months(fee=_per_month(base[:, 0], H), min_spend=_per_month(base[:, 1], H),
                discount_bp=np.zeros((P, H), np.int64), addon_fee=np.zeros((P, H), np.int64),
                one_off=np.zeros((P, H), np.int64), credit=np.zeros((P, H), np.int64),
                allow=[_per_month(base[:, 4 + j], H) for j in range(S)],
                unlimited=[_per_month(base[:, 4 + S + j], H).astype(np.bool_) for j in range(S)])
    if promotions:
        m.apply_phases(terms, first, H)
    m.apply_first_month(base[:, 2], base[:, 3], first, H)
    rates = np.array([t.rates for t in terms], np.int64).reshape(P, len(RATE_FIELDS))
    r = {name: np.ascontiguousarray(rates[:, j]) for j, name in enumerate(RATE_FIELDS)}
    T = max([t.tiers for t in terms] + [1])
    tier_lo, tier_dr = np.zeros((P, T), np.int64), np.zeros((P, T), np.int64)
    for i, t in enumerate(terms):
        for k, (start, dr) in enumerate(t.bands):
            tier_lo[i, k], tier_dr[i, k] = start, dr
    fee, credit, min_spend = m.fee, m.credit, m.min_spend
    discount = -round_div_half_up_array(fee * m.discount_bp, 10_000)
    return CompiledPlans(
        plan_ids=tuple(p.id for p in plans), horizon=H, order=order, inverse=inverse,
        fee=fee, discount=discount, addon_fee=m.addon_fee, one_off=m.one_off, credit=credit,
        min_spend=min_spend, fixed=fee + discount + m.addon_fee + m.one_off,
        allow={s: np.where(m.unlimited[j], NO_LIMIT, m.allow[j]) for j, s in enumerate(SERVICES)},
        tier_lo=tier_lo, tier_dr=tier_dr, **r,
        groups=_groups(terms, r["inc_mask"]),
        any_voice_cap=bool((r["voice_cap"] != NO_LIMIT).any()), any_data_cap=bool((r["data_cap"] != NO_LIMIT).any()),
        any_volcap=bool((r["volcap"] != NO_LIMIT).any()), any_credit=bool(credit.any()), any_min=bool(min_spend.any()),
    )
