"""What listing the catalogue needs of a plan, as plain values: :class:`PlanFacts` (no pydantic, so
``tariffcli plans list`` starts at import speed from the catalogue cache's facts file), with the plan's
sale status and confidence (:class:`Status`, :class:`Confidence`) and the one on-sale rule (:func:`on_sale`)
that :class:`tariffcli.model.plan.Plan` uses too.

A :class:`PlanFacts` has the attributes of a :class:`~tariffcli.model.plan.Plan` that the plan list reads
(id, operator, name, province, monthly fee, allowances, tags, status, filing number, confidence, the day
checked, validity, origin) and :meth:`PlanFacts.on_sale`, so the catalogue filters and the plan list
renderers take either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Confidence(StrEnum):
    """How far the figures can be trusted."""

    VERIFIED = "verified"
    """Read from the operator's or regulator's own page."""
    OFFICIAL_COPY = "official-copy"
    """A faithful copy of the operator's own page held elsewhere (e.g. a public capture of its tariff zone, 资费公示)."""
    REPORTED = "reported"
    """From trade press or news reports of the tariff."""
    EXAMPLE = "example"
    """From a secondary or user page: an illustration, not a verified tariff."""


class Status(StrEnum):
    """Whether the plan can be ordered today."""

    ON_SALE = "on-sale"
    """Listed as on sale by the operator (in its tariff zone, 资费公示) when last checked."""
    WITHDRAWN = "withdrawn"
    """No longer sold (停售); people who have it keep it."""
    HISTORICAL = "historical"
    """An older plan whose sale status is unknown today; ``last_seen`` says when it was last seen on sale."""


_STATUSES = {s.value: s for s in Status}
_CONFIDENCES = {c.value: c for c in Confidence}


def on_sale(status: Status, valid_from: date | None, valid_to: date | None, day: date) -> bool:
    """Whether a plan can be ordered on ``day``: status on-sale and ``day`` in ``[valid_from, valid_to)``."""
    if status is not Status.ON_SALE:
        return False
    if valid_from is not None and day < valid_from:
        return False
    return not (valid_to is not None and day >= valid_to)


@dataclass(frozen=True, slots=True)
class AllowanceFacts:
    """A plan's monthly allowances: minutes, SMS and data in KB, each a count or ``'unlimited'``."""

    voice: int | str
    sms: int | str
    data: int | str


@dataclass(frozen=True, slots=True)
class PlanFacts:
    """The facts of a plan the plan list shows and filters on (see the module's docstring)."""

    id: str
    operator: str
    name: str
    province: str
    monthly_fee: Decimal
    allowances: AllowanceFacts
    tags: tuple[str, ...]
    status: Status
    filing_number: str | None
    confidence: Confidence
    checked: date
    valid_from: date | None
    valid_to: date | None
    origin: str | None

    def on_sale(self, day: date) -> bool:
        """:func:`on_sale` for this plan."""
        return on_sale(self.status, self.valid_from, self.valid_to, day)

    @classmethod
    def of(cls, plan: Any) -> PlanFacts:
        """The facts of a :class:`~tariffcli.model.plan.Plan`."""
        a = plan.allowances
        return cls(plan.id, plan.operator, plan.name, plan.province, plan.monthly_fee,
                   AllowanceFacts(a.voice, a.sms, a.data), tuple(plan.tags), plan.status, plan.filing_number,
                   plan.confidence, plan.checked, plan.valid_from, plan.valid_to, plan.origin)

    def to_row(self) -> list[Any]:
        """The facts as JSON values (amounts as decimal strings, days as ISO dates); :meth:`from_row` reads them."""
        a = self.allowances
        return [self.id, self.operator, self.name, self.province, str(self.monthly_fee), [a.voice, a.sms, a.data],
                list(self.tags), self.status.value, self.filing_number, self.confidence.value, self.checked.isoformat(),
                _iso(self.valid_from), _iso(self.valid_to), self.origin]

    @classmethod
    def from_row(cls, row: list[Any]) -> PlanFacts:
        """The facts of :meth:`to_row`'s list; ValueError, TypeError or KeyError for anything else."""
        (id_, operator, name, province, fee, (voice, sms, data), tags, status, filing, confidence, checked,
         valid_from, valid_to, origin) = row
        if not all(isinstance(v, str) for v in (id_, operator, name, province, fee, *tags)) or \
                not all(isinstance(v, (int, str)) and not isinstance(v, bool) for v in (voice, sms, data)):
            raise TypeError("not a plan's facts")
        return cls(id_, operator, name, province, Decimal(fee), AllowanceFacts(voice, sms, data), tuple(tags),
                   _STATUSES[status], _text(filing), _CONFIDENCES[confidence], date.fromisoformat(checked),
                   _day(valid_from), _day(valid_to), _text(origin))


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _day(text: Any) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _text(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError("not a plan's facts")
    return value
