"""What a comparison produces: ranked rows, notes, break-evens and the switching guide.

Plain frozen data, no arithmetic: :mod:`tariffcli.compare.ranking` builds it,
the renderers read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tariffcli.engine import Usage
from tariffcli.model.plan import Addon, Plan

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.engine import I64


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


@dataclass(frozen=True)
class BreakEven:
    """Where the runner-up becomes the cheaper plan, one service varied."""

    service: str
    """'data' (KB), 'voice' (minutes) or 'sms'."""
    cheaper: str
    """Id of the plan ranked first at the scenario level."""
    rival: str
    """Id of the plan ranked second."""
    at: int
    """The scenario level of the service."""
    level: int | None
    """The level from which the rival is cheaper; None when it never is in the range searched."""
    direction: str
    """'above' (the rival wins at more use) or 'below' (at less use); 'none' when level is None."""
    searched_to: int
    """Top of the range searched (at most ``stopped``: nothing above it is covered by the cheaper plan)."""
    stopped: int | None = None
    """For data: the lowest level at which the cheaper plan's data is stopped at its volume cap (it does not
    cover that use); None when it is not stopped in the range searched, and always for voice and SMS."""


@dataclass(frozen=True)
class Rule:
    """A published rule a user may cite, with its source."""

    id: str
    in_force: str
    """When it took effect (or was issued), YYYY[-MM[-DD]]."""
    title: dict[str, str]
    """Short name, per language."""
    text: dict[str, str]
    """What it says that matters here, per language."""
    url: str
    tag: str
    """Reliability of the source: A, A-, B, B-, C."""
    applies: str
    """'always', 'same_operator' (changing plan with the same operator) or 'other_operator' (number portability)."""


@dataclass(frozen=True)
class Step:
    """One step of the guide, as a code and its parameters (rendered per language)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Guide:
    """How to switch to the recommended plan."""

    plan_id: str
    steps: tuple[Step, ...]
    rules: tuple[Rule, ...]


