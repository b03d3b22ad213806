"""The parts of a comparison that only some runs make: break-evens (``--scenario``) and the switching guide
(``--explain``). :mod:`tariffcli.compare.results` still gives these names; kept apart so that a plain
``compare`` does not make their classes. Plain frozen data, no arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
