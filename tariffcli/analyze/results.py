"""What the bill analyzer returns: findings, per-line month summaries, skipped checks, the report.

Plain frozen dataclasses, ready for the renderers (:mod:`tariffcli.render.analyze`);
the checks that fill them are in :mod:`tariffcli.analyze.checks`, the entry point
in :mod:`tariffcli.analyze.report`. Amounts are integer fen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tariffcli.analyze.reminders import Reminder
from tariffcli.inputs.bills import BillLine
from tariffcli.model.plan import Plan

__all__ = ["Finding", "LineReport", "MonthSummary", "Report", "Skipped"]


@dataclass(frozen=True)
class Finding:
    """One thing worth knowing about the bill, with its cost."""

    code: str
    """One of :data:`tariffcli.analyze.checks.CHECKS`."""
    line: str
    """The number ('' for a single line)."""
    months: tuple[str, ...]
    """The months concerned, ascending."""
    amount: int
    """Fen: what it cost (or saves, for ``cheaper_plan``); a ``bill_mismatch`` is billed minus expected."""
    params: dict[str, Any] = field(default_factory=dict)
    """What the texts need; keys in :data:`tariffcli.i18n.ANALYZE_MONEY` are fen."""
    refs: tuple[str, ...] = ()
    """``file:line`` of the bill lines concerned."""


@dataclass(frozen=True)
class MonthSummary:
    """One month of one line."""

    month: str
    voice_min: int | None
    sms: int | None
    data_kb: int | None
    data_days: int | None
    charged: int | None
    """Total on the bill, fen (None without a bill for the month)."""
    expected: int | None
    """Total the plan's terms give at the usage, fen (None when not computed)."""


@dataclass(frozen=True)
class LineReport:
    """What was analysed for one line."""

    line: str
    plan: Plan | None
    plan_since: str | None
    months: tuple[MonthSummary, ...]

    @property
    def charged(self) -> int | None:
        vals = [m.charged for m in self.months if m.charged is not None]
        return sum(vals) if vals else None

    @property
    def expected(self) -> int | None:
        vals = [m.expected for m in self.months if m.expected is not None]
        return sum(vals) if vals else None


@dataclass(frozen=True)
class Skipped:
    """A check that could not run, and why (a stable reason code)."""

    check: str
    reason: str
    lines: tuple[str, ...]
    """The lines it could not run for."""


@dataclass(frozen=True)
class Report:
    """Everything the analyzer found, ready for the renderers."""

    currency: str
    today: date
    horizon: int
    usage_source: str | None
    usage_kind: str | None
    """'records', 'monthly' or None."""
    bill_source: str | None
    lines: tuple[LineReport, ...]
    findings: tuple[Finding, ...]
    """Most money first (absolute amount), then code, line and months."""
    reminders: tuple[Reminder, ...]
    unmapped: tuple[BillLine, ...]
    skipped: tuple[Skipped, ...]
    warnings: tuple[str, ...]

    @property
    def household(self) -> bool:
        return len(self.lines) > 1
