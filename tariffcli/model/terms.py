"""One plan's terms as integers: what the engine compiles, worked out once per plan.

Amounts become fen, rates micro-units, volumes KB, here and nowhere else in the
engine's path: :func:`plan_terms` converts each plan's Decimals once and keeps the
result with the plan object (plans are immutable). The catalogue cache stores the
terms beside each plan (:func:`remember` takes them back), so a catalogue read from
the cache is compiled without a single Decimal conversion.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from tariffcli.model.money import MICRO_PER_FEN, to_fen, to_micro
from tariffcli.model.plan import UNLIMITED, Allowances, DataRate, FirstMonth, Phase, Plan, data_denominator
from tariffcli.model.units import KB_PER

NO_LIMIT = 2**62
"""Stand-in for "no upper bound" (an unlimited allowance, no cap): larger than any usage."""
HALF_FEN = MICRO_PER_FEN // 2
SERVICES = ("voice", "sms", "data", "app_data")
"""The services with an allowance, in the order of the allowance terms."""
FIRST_MONTH_RULES = {FirstMonth.HALF: 1, FirstMonth.STANDARD: 2}
"""First-month rules as codes (0: a full first month)."""
RATE_FIELDS = ("voice_rate", "voice_cap", "sms_rate", "inc_mask", "ramp_block", "ramp_price", "ramp_r", "ramp_full",
               "den_shift", "den_half", "data_cap", "volcap", "throttle")
"""The per-plan rate terms, in the order of :attr:`PlanTerms.rates`."""


class PhaseTerms(NamedTuple):
    """One promotion phase as integers."""

    from_month: int
    to_month: int
    fee: int | None
    discount_bp: int | None
    """The discount in hundredths of a percent."""
    credit: int | None
    """Negative fen."""
    addon_fee: int
    allow: tuple[int, ...]
    """Allowance added per service (:data:`SERVICES`): the phase's extra and its add-ons'."""
    unlimited: tuple[bool, ...]


class PlanTerms(NamedTuple):
    """One plan's terms as integers: fen, micro-units (data rates: micro-units x KB over the plan's data
    denominator), KB; :data:`NO_LIMIT` for "unlimited" and "no cap"."""

    key: tuple[bool, int, str]
    """(daily, shape rank, shape kind): compiled rows are sorted by its first two items."""
    base: tuple[int, ...]
    """fee, minimum spend, one-off fee, first-month rule code, allowance per service, unlimited per service."""
    rates: tuple[int, ...]
    """The rate terms, in the order of :data:`RATE_FIELDS`."""
    bands: tuple[tuple[int, int], ...]
    """(start KB, rate minus the previous band's) of each band of a single rate or of tiers."""
    tiers: int
    """How many tiers the plan lists."""
    phases: tuple[PhaseTerms, ...]


_KNOWN: dict[int, tuple[Plan, PlanTerms]] = {}
_KNOWN_MAX = 1 << 16
_EXACT: dict[tuple[Decimal, int], int] = {}


def _remembered(value: Decimal, places: int, convert: Callable[[Decimal], int]) -> int:
    """``convert(value)``, remembered per value (catalogues repeat the same few amounts and rates)."""
    key = (value, places)
    hit = _EXACT.get(key)
    if hit is None:
        if len(_EXACT) >= _KNOWN_MAX:
            _EXACT.clear()
        hit = _EXACT[key] = convert(value)
    return hit


def _fen(amount: Decimal) -> int:
    """:func:`~tariffcli.model.money.to_fen`, remembered per value."""
    return _remembered(amount, 2, to_fen)


def _micro(rate: Decimal) -> int:
    """:func:`~tariffcli.model.money.to_micro`, remembered per value."""
    return _remembered(rate, 6, to_micro)


def _allow_values(a: Allowances) -> list[tuple[int, bool, bool]]:
    """(amount, unlimited, present) of each service of :data:`SERVICES`."""
    out = []
    for v in (a.voice, a.sms, a.data, a.app_data):
        if v is None:
            out.append((0, False, False))
        elif v == UNLIMITED:
            out.append((0, True, True))
        else:
            out.append((int(v), False, True))
    return out


def _log2(n: int) -> int:
    k = n.bit_length() - 1
    if n <= 0 or 1 << k != n:
        raise ValueError(f"{n} KB is not a power of two")  # KB_PER is 1024-based: a bug if reached
    return k


def _shape(plan: Plan) -> tuple[int, str]:
    d = plan.overage.data
    if d.ramp is not None:
        return 2, "ramp"
    return (0, "rate") if len(d.tiers or ()) <= 1 else (1, "tiers")


def _bands(d: DataRate, den: int) -> list[tuple[int, int]]:
    """(start KB, rate) of each contiguous band of a single rate or of tiers, rates over the denominator ``den``."""
    bands: list[tuple[int, int]] = []
    if d.rate is not None:
        bands.append((0, _micro(d.rate) * (den // KB_PER[d.per])))
    lo = 0
    for tier in d.tiers or ():
        bands.append((lo, _micro(tier.rate) * (den // KB_PER[tier.per])))
        if tier.up_to is None:
            break
        lo = int(tier.up_to)
    return bands


def _rates(plan: Plan, den: int) -> tuple[int, ...]:
    """The rate terms of ``plan`` (:data:`RATE_FIELDS`), its data rates over the denominator ``den``."""
    ov = plan.overage
    d = ov.data
    _log2(KB_PER[d.increment])
    block, price, rate, full = 1, 0, 0, 0
    if d.ramp is not None:
        block = int(d.ramp.block)
        price = _micro(d.ramp.block_price) * den
        rate = _micro(d.ramp.rate) * (den // KB_PER[d.ramp.per])
        full = min(block * rate, price)  # a block whose ramp never reaches the price costs less
    return (
        _micro(ov.voice.rate), NO_LIMIT if ov.voice.cap is None else _fen(ov.voice.cap), _micro(ov.sms.rate),
        KB_PER[d.increment] - 1, block, price, rate, full, _log2(den), den * HALF_FEN,
        NO_LIMIT if d.cap is None else _fen(d.cap),
        NO_LIMIT if d.volume_cap is None else int(d.volume_cap),
        NO_LIMIT if d.throttle_after is None else int(d.throttle_after),
    )


def _phase(plan: Plan, ph: Phase) -> PhaseTerms:
    amounts, unlimited = [0] * len(SERVICES), [False] * len(SERVICES)
    for extra in [ph.extra] + [plan.addon(a).allowances for a in ph.addons]:
        for j, (amount, unl, present) in enumerate(_allow_values(extra)):
            if present:
                amounts[j] += amount
                unlimited[j] = unlimited[j] or unl
    return PhaseTerms(
        ph.from_month, ph.to_month, None if ph.fee is None else _fen(ph.fee),
        None if ph.discount is None else int(ph.discount * 100), None if ph.credit is None else -_fen(ph.credit),
        sum(_fen(plan.addon(a).fee) for a in ph.addons), tuple(amounts), tuple(unlimited),
    )


def _terms(plan: Plan) -> PlanTerms:
    d = plan.overage.data
    den = data_denominator(plan)
    allow = _allow_values(plan.allowances)
    previous, bands = 0, []
    if d.ramp is None:
        for start, r in _bands(d, den):
            bands.append((start, r - previous))
            previous = r
    return PlanTerms(
        key=(d.period == "day", *_shape(plan)),
        base=(_fen(plan.monthly_fee), _fen(plan.minimum_spend), _fen(plan.one_off_fee),
              FIRST_MONTH_RULES.get(plan.first_month, 0), *(a[0] for a in allow), *(int(a[1]) for a in allow)),
        rates=_rates(plan, den), bands=tuple(bands), tiers=len(d.tiers or ()),
        phases=tuple(_phase(plan, ph) for ph in plan.promotions),
    )




def plan_terms(plan: Plan) -> PlanTerms:
    """The terms of ``plan`` as integers, worked out once per plan object (plans are immutable).

    The plan is kept with its terms, so its id is never reused while the entry exists; the
    store is emptied when it holds :data:`_KNOWN_MAX` plans.
    """
    hit = _KNOWN.get(id(plan))
    if hit is not None and hit[0] is plan:
        return hit[1]
    terms = _terms(plan)
    remember(plan, terms)
    return terms


def remember(plan: Plan, terms: PlanTerms) -> None:
    """Take ``terms`` as the terms of ``plan`` (worked out earlier, e.g. read back with it from the catalogue cache)."""
    if len(_KNOWN) >= _KNOWN_MAX:
        _KNOWN.clear()
    _KNOWN[id(plan)] = (plan, terms)


