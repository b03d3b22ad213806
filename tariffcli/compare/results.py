"""What a comparison produces: ranked rows and notes (break-evens and the switching guide: :mod:`~tariffcli.compare.result_parts`).

Plain frozen data, no arithmetic: :mod:`tariffcli.compare.ranking` builds it,
the renderers read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tariffcli.engine import Usage
from tariffcli.model.plan import Addon, Plan

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.compare.result_parts import BreakEven, Guide
    from tariffcli.compare.result_parts import Rule as Rule  # still found here (see __getattr__)
    from tariffcli.compare.result_parts import Step as Step
    from tariffcli.engine import I64

_PARTS = ("BreakEven", "Guide", "Rule", "Step")
"""Names of :mod:`tariffcli.compare.result_parts`, still found here (imported on first use)."""


def __getattr__(name: str) -> Any:
    if name in _PARTS:
        from tariffcli.compare import result_parts

        return getattr(result_parts, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Note:
    """A short remark on a plan, as a stable code and its parameters (rendered per language)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """One plan's outcome over the horizon."""

    plan: Plan
    rank: int | None
    """1 = cheapest; None for the current plan shown on its own."""
    total: int
    """Total over the horizon, fen."""
    average: int
    """Average per month (half-up to the fen)."""
    after_promotions: int
    """The steady monthly cost once every promotion phase, the one-off fee and the first-month rule are past, fen.

    The plan is billed on its standard terms (with its optional packs under ``with_addons``) for every
    month of the horizon at that month's usage, as if each month came after the plan's first month (so
    no one-off fee, no half or pay-as-you-go first month), and the bills are averaged (half-up to the
    fen). It does not depend on where the promotions end nor, for a usage that is the same every month,
    on the horizon."""
    saving: int | None
    """Current plan's total minus this plan's total (positive: this plan saves), fen."""
    notes: tuple[Note, ...]
    lines: I64
    """Shape (months, len(LINES)), fen."""
    is_current: bool = False
    packs: tuple[tuple[Addon, int], ...] = ()
    """Optional packs ranked with the plan (``with_addons``) and how many of each; empty otherwise."""

    @property
    def covers_usage(self) -> bool:
        """False when the plan's data would be stopped at a volume cap in some month (its ``data_stopped``
        note): the plan does not carry the usage, and the ranking puts it after every plan that does."""
        return not any(n.code == "data_stopped" for n in self.notes)


@dataclass(frozen=True)
class Comparison:
    """The ranked outcome of a comparison, with what was left out and why."""

    start: str
    horizon: int
    months: tuple[str, ...]
    currency: str
    usage: Usage
    rows: tuple[Row, ...]
    current: Row | None
    excluded: tuple[tuple[Plan, str], ...]
    """Plans left out, with the reason: 'not_on_sale', or 'not_eligible' (a condition not given in ``eligible``)."""
    history_months: tuple[str, ...]
    with_addons: bool = False
    """Each plan was ranked with its cheapest optional packs."""
    scenario: str | None = None
    """The usage level ranked on ('mean', 'p50', 'p90', 'max'), or None for the month-by-month projection."""
    eligible: tuple[str, ...] | None = None
    """The conditions the user said they meet (``--eligible``), or None when no filter was asked for."""
    break_even: tuple[BreakEven, ...] = ()
    """With a scenario: where the runner-up becomes cheaper than the first plan, per service."""
    keep_number: bool = False
    """Show the keep-number view: packs, conditions, how to apply, what a user abroad pays."""
    guide: Guide | None = None
    """The switching guide for the first plan (``explain``)."""
    nationwide_first: bool = False
    """The cheapest plan was sold in one province only, so the cheapest plan sold nationwide was put first
    (the user's province is not known)."""
    province: str | None = None
    """The user's province (canonical English name) when known: only national plans and its own are ranked."""
