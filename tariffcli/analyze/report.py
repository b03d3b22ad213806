"""The bill analyzer: findings from usage, bill lines and plans, most money first.

Inputs (any of them may be missing; a check that needs a missing input is
listed in :attr:`Report.skipped` with the reason, never silently passed):

* usage: itemized records (:class:`~tariffcli.inputs.records.Records`, per line, with
  daily data) or a monthly summary (:class:`~tariffcli.inputs.usage.UsageHistory`);
* a bill (:class:`~tariffcli.inputs.bills.Bill`): what the user was actually charged;
* the user's plan per line, and the month it started (promotion phases count
  from it);
* the catalogue, for ``cheaper_plan``; ``today`` (never read from the clock).

Everything the plan's terms give is computed by the engine
(:func:`tariffcli.engine.simulate`) at the recorded usage; daily data from
records feeds daily-rate plans. This module only compares and explains.
Amounts are integer fen.

Findings (stable codes; thresholds are the constants below):

``minimum_spend_topup``
    a month with a minimum-spend top-up of at least :data:`TOPUP_MIN_FEN`:
    money paid for nothing. ``absorbed`` is the usage charges those months
    that counted toward the minimum and so cost nothing extra.
``out_of_bundle_spike``
    a month whose total is at least :data:`SPIKE_RATIO` times the median of
    the line's other months and at least :data:`SPIKE_MIN_FEN` above it (with
    at least :data:`SPIKE_MIN_OTHER_MONTHS` other months). The cause is named:
    a pack that ended, a promotion that ended, a new pattern of use (the
    service's use at least :data:`SPIKE_RATIO` times its usual), or else the
    charge that rose most.
``promotion_expired`` / ``promotion_expiring``
    a promotion phase or bundled pack of the plan that ended within
    :data:`EXPIRED_LOOKBACK_MONTHS` before today's month, or ends within the
    horizon. ``monthly_change`` is the bill with the terms after the phase
    minus the bill with the phase's terms, averaged over the recorded months;
    the amount is what the end has cost at the recorded usage so far
    (expired), or ``monthly_change`` times the months after the end within the
    horizon (expiring).
``recurring_value_added``
    a value-added/SP item charged in at least :data:`VAS_MIN_MONTHS` months.
``unused_addon``
    a pack charged in at least :data:`UNUSED_ADDON_MIN_MONTHS` months in
    which the line used none of the pack's service.
``idle_line``
    a line with charges in at least :data:`IDLE_MIN_MONTHS` months and no
    usage at all (no record of any kind, or zero in a monthly summary).
``bill_mismatch``
    a month and group of charges where the bill differs from the plan's terms
    at the recorded usage by more than :data:`MISMATCH_TOLERANCE_FEN`.
    Value-added/SP charges are not part of a plan's terms and are left out
    (see ``recurring_value_added``); unmapped items count as ``other``, which
    a plan never gives.
``cheaper_plan``
    the cheapest catalogue plan, and the user's own plan with one of its packs
    added, over the :data:`CHEAPER_HORIZON` months from the month after today
    (:func:`tariffcli.compare.ranking.compare`, the usage projected from the
    history), when it saves at least :data:`CHEAPER_MIN_YEARLY_SAVING_FEN`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from tariffcli.analyze.reminders import Reminder, phase_span, phase_what, reminders_for
from tariffcli.engine import LINES, Usage, simulate
from tariffcli.inputs.bills import Bill, BillLine
from tariffcli.inputs.records import Records
from tariffcli.inputs.usage import UsageHistory
from tariffcli.model.errors import DataError, Problem, UsageError
from tariffcli.model.money import round_div_half_up, to_fen
from tariffcli.model.months import add_months, days_in, month_range, month_str, months_between, next_month, parse_month
from tariffcli.model.plan import UNLIMITED, Allowances, Phase, Plan

__all__ = [
    "CHEAPER_HORIZON", "CHEAPER_MIN_YEARLY_SAVING_FEN", "CHECKS", "EXPIRED_LOOKBACK_MONTHS", "IDLE_MIN_MONTHS",
    "MISMATCH_TOLERANCE_FEN", "SPIKE_MIN_FEN", "SPIKE_MIN_OTHER_MONTHS", "SPIKE_RATIO", "TOPUP_MIN_FEN",
    "UNUSED_ADDON_MIN_MONTHS", "VAS_MIN_MONTHS", "Finding", "LineReport", "MonthSummary", "Report", "Skipped",
    "analyze",
]

# ---------------------------------------------------------------- thresholds

TOPUP_MIN_FEN = 1
"""A top-up of one fen is already money paid for nothing."""
SPIKE_RATIO = Decimal("1.5")
"""A month is a spike at 1.5 times the median of the line's other months (and a service's use rose at 1.5x)."""
SPIKE_MIN_FEN = 2000
"""...and at least 20.00 above it, so that small bills do not make noise."""
SPIKE_MIN_OTHER_MONTHS = 2
"""The median needs at least two other months."""
EXPIRED_LOOKBACK_MONTHS = 12
"""A promotion that ended more than a year before today is no longer news."""
VAS_MIN_MONTHS = 2
"""A value-added charge is recurring from its second month."""
UNUSED_ADDON_MIN_MONTHS = 2
"""A pack is unused when two or more months it was paid for show none of its service."""
IDLE_MIN_MONTHS = 2
"""A line is idle after two or more charged months without any usage."""
MISMATCH_TOLERANCE_FEN = 1
"""A difference of one fen is rounding; more is a mismatch ("beyond 0.01")."""
CHEAPER_HORIZON = 12
"""Months over which plans are compared for ``cheaper_plan`` (a yearly saving)."""
CHEAPER_MIN_YEARLY_SAVING_FEN = 1200
"""A cheaper plan must save at least 12.00 a year (1.00 a month) to be worth a switch."""

CHECKS: tuple[str, ...] = (
    "minimum_spend_topup", "out_of_bundle_spike", "promotion_expired", "promotion_expiring",
    "recurring_value_added", "unused_addon", "idle_line", "bill_mismatch", "cheaper_plan",
)
"""Every finding code, in the order the checks run."""

GROUPS: tuple[str, ...] = (
    "fee", "discount", "addons", "one_off", "voice", "sms", "data", "topup", "value_added", "other",
)
"""Groups charges are compared in: the engine's bill lines, plus value-added and other."""
GROUP_OF_CATEGORY: dict[str, str] = {
    "monthly_fee": "fee", "discount": "discount", "data_pack": "addons", "voice_pack": "addons",
    "sms_pack": "addons", "one_off": "one_off", "voice": "voice", "sms": "sms", "data": "data", "topup": "topup",
    "value_added": "value_added", "other": "other",
}
"""Bill category -> group."""
ENGINE_GROUP: dict[str, str] = {
    "fee": "fee", "discount": "discount", "addons": "addons", "one_off": "one_off", "voice": "voice", "sms": "sms",
    "data": "data", "topup": "topup", "credit": "discount",
}
"""Engine bill line -> group (the credit is compared with the bill's discounts and credits)."""
COMPARED: tuple[str, ...] = tuple(g for g in GROUPS if g != "value_added")
"""Groups ``bill_mismatch`` compares."""
SERVICE_OF_CATEGORY = {"data_pack": "data", "voice_pack": "voice", "sms_pack": "sms"}
_USAGE_GROUPS = ("voice", "sms", "data")
_STRETCH = 10**6
"""Plan months a stretched phase covers on each side: every simulated month."""


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Finding:
    """One thing worth knowing about the bill, with its cost."""

    code: str
    """One of :data:`CHECKS`."""
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


# ---------------------------------------------------------------- per-line inputs


@dataclass
class _Line:
    name: str
    plan: Plan | None
    since: str | None
    hist: UsageHistory | None
    daily: tuple[tuple[int, ...], ...] | None
    activity: tuple[int, ...] | None
    no_records: bool
    items: tuple[BillLine, ...]
    charges: dict[str, dict[str, int]] = field(default_factory=dict)
    sim_months: tuple[str, ...] = ()
    sim_lines: Any = None
    """Shape (len(sim_months), len(LINES)), fen."""
    usage: Usage | None = None


def _engine_usage(hist: UsageHistory, daily: tuple[tuple[int, ...], ...] | None, months: Sequence[str]) -> Usage:
    """Engine usage for some months of a history (no projection: the recorded usage itself)."""
    idx = [hist.months.index(m) for m in months]

    def arr(values: Sequence[int]) -> Any:
        return np.array([values[i] for i in idx], np.int64)

    given = [hist.data_days[i] for i in idx]
    days = np.array([d if d is not None else days_in(m) for d, m in zip(given, months, strict=True)], np.int64)
    known = np.array([d is not None for d in given], np.bool_)
    per_day = np.array([daily[i] for i in idx], np.int64).reshape(len(idx), -1) if daily is not None else None
    return Usage(tuple(months), arr(hist.voice_min), arr(hist.sms), arr(hist.data_kb), arr(hist.app_data_kb),
                 days, known, per_day)


def _zero_usage(months: Sequence[str]) -> Usage:
    z = np.zeros(len(months), np.int64)
    days = np.array([days_in(m) for m in months], np.int64)
    return Usage(tuple(months), z, z, z, z, days, np.ones(len(months), np.bool_))


def _bill_totals(plan: Plan, usage: Usage, first: int) -> Any:
    """Engine bill lines of one plan, shape (months, len(LINES))."""
    return simulate([plan], usage, [first]).lines[0]


def _total(lines: Any) -> Any:
    return lines[:, LINES.index("total")]


def _avg(total: int, n: int) -> int:
    return round_div_half_up(total, n) if n else 0


def _median(values: Sequence[int]) -> int:
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else round_div_half_up(s[n // 2 - 1] + s[n // 2], 2)


def _use(hist: UsageHistory, month: str) -> dict[str, int]:
    i = hist.months.index(month)
    return {"voice": hist.voice_min[i], "sms": hist.sms[i], "data": hist.data_kb[i] + hist.app_data_kb[i]}


def _item_dict(b: BillLine) -> dict[str, Any]:
    return {"row": b.row, "item": b.item, "amount": b.amount}


def _stretched(plan: Plan, phases: Sequence[Phase]) -> Plan:
    """The plan with these phases in force in every month (and no other)."""
    return plan.model_copy(update={"promotions": tuple(
        ph.model_copy(update={"from_month": -_STRETCH, "to_month": _STRETCH}) for ph in phases
    )})


def _phases_at(plan: Plan, month_no: int) -> tuple[Phase, ...]:
    return tuple(ph for ph in plan.promotions if ph.from_month <= month_no <= ph.to_month)


def _plus(a: object, b: object) -> object:
    if a == UNLIMITED or b == UNLIMITED:
        return UNLIMITED
    if a is None or b is None:
        return a if b is None else b
    return int(a) + int(b)  # type: ignore[call-overload]


def with_addon(plan: Plan, addon_id: str) -> Plan:
    """The plan on its standard terms with one of its packs added every month (a ``cheaper_plan`` candidate)."""
    addon = plan.addon(addon_id)
    a, b = plan.allowances, addon.allowances
    allow = Allowances.model_construct(voice=_plus(a.voice, b.voice), sms=_plus(a.sms, b.sms),
                                       data=_plus(a.data, b.data), app_data=_plus(a.app_data, b.app_data))
    return plan.model_copy(update={
        "id": f"{plan.id}+{addon.id}", "name": f"{plan.name} + {addon.name}",
        "monthly_fee": plan.monthly_fee + addon.fee, "allowances": allow, "promotions": (), "one_off_fee": Decimal(0),
        "commitment": None, "valid_from": None, "valid_to": None,
    })


def _addon_services(a: Allowances) -> tuple[str, ...]:
    out = []
    if a.data == UNLIMITED or a.data or a.app_data is not None:
        out.append("data")
    if a.voice == UNLIMITED or a.voice:
        out.append("voice")
    if a.sms == UNLIMITED or a.sms:
        out.append("sms")
    return tuple(out)


# ---------------------------------------------------------------- the analysis


class _Analysis:
    def __init__(self, today: date, horizon: int, bill: Bill | None, catalogue: Sequence[Plan]) -> None:
        self.today = today
        self.today_month = month_str(today.year, today.month)
        self.horizon = horizon
        self.bill = bill
        self.catalogue = catalogue
        self.findings: list[Finding] = []
        self.reminders: list[Reminder] = []
        self.skipped: dict[tuple[str, str], list[str]] = {}
        self.warnings: list[str] = []

    def skip(self, ln: _Line, check: str, reason: str) -> None:
        self.skipped.setdefault((check, reason), []).append(ln.name)

    def ref(self, b: BillLine) -> str:
        return f"{self.bill.source}:{b.row}" if self.bill is not None else str(b.row)

    # -------------------------------------------------------- charges

    def prepare(self, ln: _Line) -> None:
        if ln.plan is not None and ln.hist is not None and ln.since is not None:
            ln.sim_months = tuple(m for m in ln.hist.months if m >= ln.since)
            if ln.sim_months:
                ln.usage = _engine_usage(ln.hist, ln.daily, ln.sim_months)
                ln.sim_lines = _bill_totals(ln.plan, ln.usage, months_between(ln.since, ln.sim_months[0]) + 1)
        if self.bill is not None:
            for b in ln.items:
                group = GROUP_OF_CATEGORY[b.category]
                month = ln.charges.setdefault(b.month, {})
                month[group] = month.get(group, 0) + b.amount
        elif ln.sim_lines is not None:
            for i, m in enumerate(ln.sim_months):
                month = ln.charges.setdefault(m, {})
                for name, group in ENGINE_GROUP.items():
                    month[group] = month.get(group, 0) + int(ln.sim_lines[i, LINES.index(name)])

    # -------------------------------------------------------- checks

    def run(self, ln: _Line) -> None:
        if ln.charges:
            self.topup(ln)
            self.spike(ln)
        else:
            self.skip(ln, "minimum_spend_topup", "no_charges")
            self.skip(ln, "out_of_bundle_spike", "no_charges")
        if ln.plan is not None and ln.since is not None:
            self.promotions(ln, ln.plan, ln.since)
        else:
            self.skip(ln, "promotion_expired", "no_plan")
            self.skip(ln, "promotion_expiring", "no_plan")
        if self.bill is not None:
            self.value_added(ln)
        else:
            self.skip(ln, "recurring_value_added", "no_bill")
        if ln.hist is None or ln.activity is None:
            for check in ("unused_addon", "idle_line"):
                self.skip(ln, check, "no_usage")
        elif not ln.charges:
            for check in ("unused_addon", "idle_line"):
                self.skip(ln, check, "no_charges")
        else:
            self.unused_addon(ln, ln.hist)
            self.idle(ln, ln.hist, ln.activity)
        if self.bill is None:
            self.skip(ln, "bill_mismatch", "no_bill")
        elif ln.plan is None:
            self.skip(ln, "bill_mismatch", "no_plan")
        elif ln.hist is None:
            self.skip(ln, "bill_mismatch", "no_usage")
        else:
            self.mismatch(ln)
        if ln.plan is None or ln.since is None:
            self.skip(ln, "cheaper_plan", "no_plan")
        elif ln.hist is None:
            self.skip(ln, "cheaper_plan", "no_usage")
        else:
            self.cheaper(ln, ln.plan, ln.since, ln.hist)

    def topup(self, ln: _Line) -> None:
        months = sorted(m for m, c in ln.charges.items() if c.get("topup", 0) >= TOPUP_MIN_FEN)
        if not months:
            return
        amount = sum(ln.charges[m]["topup"] for m in months)
        absorbed = sum(max(0, sum(ln.charges[m].get(g, 0) for g in _USAGE_GROUPS)) for m in months)
        refs = tuple(self.ref(b) for b in ln.items if b.category == "topup" and b.month in months)
        per_month = [{"month": m, "amount": ln.charges[m]["topup"]} for m in months]
        self.findings.append(Finding("minimum_spend_topup", ln.name, tuple(months), amount,
                                     {"absorbed": absorbed, "per_month": per_month}, refs))

    def _ended_packs(self, ln: _Line, month: str, earlier: Sequence[str]) -> tuple[str, str] | None:
        """(kind, name) of a pack or promotion that ended before ``month``, else None."""
        for m in earlier:
            gone = [b for b in ln.items if b.month == m and GROUP_OF_CATEGORY[b.category] == "addons" and b.amount > 0]
            names = {b.item for b in ln.items if b.month == month and GROUP_OF_CATEGORY[b.category] == "addons"}
            gone = [b for b in gone if b.item not in names]
            if gone:
                return "pack_ended", gone[0].item
        if ln.plan is not None and ln.since is not None:
            start = add_months(min(ln.charges), -1)
            for i, ph in enumerate(ln.plan.promotions):
                _, last, _ = phase_span(ln.since, ph)
                if start <= last < month:
                    what, is_pack = phase_what(ln.plan, i)
                    return ("pack_ended" if is_pack else "promotion_ended"), what
        return None

    def spike(self, ln: _Line) -> None:
        months = sorted(ln.charges)
        totals = {m: sum(ln.charges[m].values()) for m in months}
        for m in months:
            others = [x for x in months if x != m]
            if len(others) < SPIKE_MIN_OTHER_MONTHS:
                continue
            usual = _median([totals[x] for x in others])
            total = totals[m]
            if total < usual * SPIKE_RATIO or total - usual < SPIKE_MIN_FEN:
                continue
            increases = {g: ln.charges[m].get(g, 0) - _median([ln.charges[x].get(g, 0) for x in others])
                         for g in GROUPS}
            group = max(GROUPS, key=lambda g: (increases[g], -GROUPS.index(g)))
            params: dict[str, Any] = {"month": m, "total": total, "usual": usual, "excess": total - usual,
                                      "group": group, "increase": increases[group]}
            ended = self._ended_packs(ln, m, [x for x in months if x < m])
            if ended is not None:
                params["cause"], params["pack"] = ended
            elif group in _USAGE_GROUPS and ln.hist is not None and m in ln.hist.months:
                used = _use(ln.hist, m)[group]
                base = _median([_use(ln.hist, x)[group] for x in others if x in ln.hist.months] or [0])
                if used > 0 and (base == 0 or used >= base * SPIKE_RATIO):
                    params["cause"] = "usage_rose"
                    params["service"] = group
                    params["ratio"] = "∞" if base == 0 else f"{(Decimal(used) / base).quantize(Decimal('0.1'))}"
            params.setdefault("cause", "charges_rose")
            refs = tuple(self.ref(b) for b in ln.items if b.month == m and GROUP_OF_CATEGORY[b.category] == group)
            self.findings.append(Finding("out_of_bundle_spike", ln.name, (m,), total - usual, params, refs))

    def promotions(self, ln: _Line, plan: Plan, since: str) -> None:
        if ln.hist is not None:
            usage = _engine_usage(ln.hist, ln.daily, ln.hist.months)
            first = months_between(since, ln.hist.months[0]) + 1
        else:
            usage = _zero_usage(month_range(self.today_month, self.horizon))
            first = months_between(since, self.today_month) + 1
        changes: list[int | None] = [None] * len(plan.promotions)
        oldest = add_months(self.today_month, -EXPIRED_LOOKBACK_MONTHS)
        last_window = add_months(self.today_month, self.horizon - 1)
        for i, ph in enumerate(plan.promotions):
            _, last, ends = phase_span(since, ph)
            expired = oldest <= last < self.today_month
            expiring = self.today_month <= last <= last_window
            if not (expired or expiring):
                continue
            during_plan = _stretched(plan, _phases_at(plan, ph.to_month))
            during = _total(_bill_totals(during_plan, usage, first))
            after = _total(_bill_totals(_stretched(plan, _phases_at(plan, ph.to_month + 1)), usage, first))
            change = _avg(int((after - during).sum()), len(usage.months))
            changes[i] = change
            what, is_pack = phase_what(plan, i)
            params: dict[str, Any] = {"what": what, "pack": is_pack, "phase": i + 1, "last_month": last,
                                      "ends": ends.isoformat(), "monthly_change": change,
                                      "at_usage": ln.hist is not None}
            if expired:
                months: tuple[str, ...] = tuple(m for m in ln.sim_months if m > last)
                amount = 0
                if months and ln.usage is not None:
                    k = len(ln.sim_months) - len(months)
                    sim_during = _total(_bill_totals(during_plan, ln.usage,
                                                     months_between(since, ln.sim_months[0]) + 1))
                    amount = int((_total(ln.sim_lines)[k:] - sim_during[k:]).sum())
                self.findings.append(Finding("promotion_expired", ln.name, months or (last,), amount, params))
            else:
                after_months = months_between(last, last_window)
                params["horizon"] = self.horizon
                self.findings.append(Finding("promotion_expiring", ln.name, (last,), change * after_months, params))
        self.reminders.extend(reminders_for(plan, since, today=self.today, horizon=self.horizon, line=ln.name,
                                            monthly_change=changes))

    def value_added(self, ln: _Line) -> None:
        by_item: dict[str, list[BillLine]] = defaultdict(list)
        for b in ln.items:
            if b.category == "value_added" and b.amount > 0:
                by_item[b.item].append(b)
        for item, items in sorted(by_item.items()):
            months = tuple(sorted({b.month for b in items}))
            if len(months) >= VAS_MIN_MONTHS:
                self.findings.append(Finding("recurring_value_added", ln.name, months, sum(b.amount for b in items),
                                             {"item": item, "n": len(months), "keyword": items[0].keyword},
                                             tuple(self.ref(b) for b in items)))

    def unused_addon(self, ln: _Line, hist: UsageHistory) -> None:
        unused: dict[tuple[str, str], list[tuple[str, int, str | None]]] = defaultdict(list)
        if self.bill is not None:
            for b in ln.items:
                service = SERVICE_OF_CATEGORY.get(b.category)
                if service and b.amount > 0 and b.month in hist.months and _use(hist, b.month)[service] == 0:
                    unused[(b.item, service)].append((b.month, b.amount, self.ref(b)))
        elif ln.plan is not None and ln.sim_lines is not None and ln.since is not None:
            first = months_between(ln.since, ln.sim_months[0]) + 1
            for ph in ln.plan.promotions:
                for aid in ph.addons:
                    addon = ln.plan.addon(aid)
                    services = _addon_services(addon.allowances)
                    for i, m in enumerate(ln.sim_months):
                        active = ph.from_month <= first + i <= ph.to_month
                        charged = int(ln.sim_lines[i, LINES.index("addons")]) > 0
                        if active and charged and services and all(_use(hist, m)[s] == 0 for s in services):
                            unused[(addon.name, services[0])].append((m, to_fen(addon.fee), None))
        for (item, service), paid in sorted(unused.items()):
            months = tuple(sorted({m for m, _, _ in paid}))
            if len(months) >= UNUSED_ADDON_MIN_MONTHS:
                refs = tuple(r for _, _, r in paid if r is not None)
                self.findings.append(Finding("unused_addon", ln.name, months, sum(a for _, a, _ in paid),
                                             {"item": item, "service": service, "n": len(months)}, refs))

    def idle(self, ln: _Line, hist: UsageHistory, activity: tuple[int, ...]) -> None:
        if any(activity):
            return
        months = tuple(m for m in hist.months if m in ln.charges and sum(ln.charges[m].values()) > 0)
        if len(months) < IDLE_MIN_MONTHS:
            return
        amount = sum(sum(ln.charges[m].values()) for m in months)
        refs = tuple(self.ref(b) for b in ln.items if b.month in months)
        self.findings.append(Finding("idle_line", ln.name, months, amount,
                                     {"n": len(months), "no_records": ln.no_records}, refs))

    def mismatch(self, ln: _Line) -> None:
        billed_months = {b.month for b in ln.items}
        months = [m for m in ln.sim_months if m in billed_months]
        if not months:
            self.skip(ln, "bill_mismatch", "no_overlap")
            return
        for i, m in enumerate(ln.sim_months):
            if m not in billed_months:
                continue
            expected = dict.fromkeys(COMPARED, 0)
            for name, group in ENGINE_GROUP.items():
                expected[group] += int(ln.sim_lines[i, LINES.index(name)])
            billed = dict.fromkeys(COMPARED, 0)
            lines: dict[str, list[BillLine]] = defaultdict(list)
            for b in ln.items:
                group = GROUP_OF_CATEGORY[b.category]
                if b.month == m and group in billed:
                    billed[group] += b.amount
                    lines[group].append(b)
            for group in COMPARED:
                diff = billed[group] - expected[group]
                if abs(diff) <= MISMATCH_TOLERANCE_FEN:
                    continue
                fits = [b for b in lines[group] if b.amount == diff]
                suspect = _item_dict(fits[0]) if len(fits) == 1 else None
                params = {"month": m, "group": group, "billed": billed[group], "expected": expected[group],
                          "items": [_item_dict(b) for b in lines[group]], "suspect": suspect,
                          "source": self.bill.source if self.bill is not None else None}
                self.findings.append(Finding("bill_mismatch", ln.name, (m,), diff, params,
                                             tuple(self.ref(b) for b in lines[group])))

    def cheaper(self, ln: _Line, plan: Plan, since: str, hist: UsageHistory) -> None:
        from tariffcli.compare.ranking import compare

        start = next_month(self.today)
        start_no = months_between(since, start) + 1
        if start_no < 1:
            self.skip(ln, "cheaper_plan", "since_after_start")
            return
        # The user's own plan with one of its packs added: only once every promotion has ended, so that
        # the plan's standard terms are what the user pays from ``start`` on.
        running = any(ph.to_month >= start_no for ph in plan.promotions)
        variants = [] if running else [with_addon(plan, a.id) for a in plan.addons]
        variant_ids = {v.id for v in variants}
        cmp = compare(list(self.catalogue) + variants, hist, start=start, horizon=CHEAPER_HORIZON, current=plan,
                      current_since=since)
        if cmp.current is None:  # pragma: no cover - compare always returns it when given
            return
        current = cmp.current.total
        best_catalogue = next((r for r in cmp.rows if not r.is_current and r.plan.id not in variant_ids
                               and r.plan.id != plan.id), None)
        best_variant = next((r for r in cmp.rows if r.plan.id in variant_ids), None)
        for row, kind in ((best_catalogue, "catalogue"), (best_variant, "addon")):
            if row is None or current - row.total < CHEAPER_MIN_YEARLY_SAVING_FEN:
                continue
            p = row.plan
            params = {"kind": kind, "plan_id": p.id, "name": p.name, "operator": p.operator,
                      "confidence": p.confidence.value, "eligibility": list(p.eligibility),
                      "best": row.total, "current": current, "start": cmp.start,
                      "addon": p.name.removeprefix(f"{plan.name} + ") if kind == "addon" else None}
            self.findings.append(Finding("cheaper_plan", ln.name, cmp.months, current - row.total, params))


# ---------------------------------------------------------------- entry point


def _check_month(value: str, option: str) -> str:
    try:
        parse_month(value)
    except ValueError:
        raise UsageError(f"--{option}: {value!r} is not a month YYYY-MM", field=option) from None
    return value


def _lines(records: Records | None, usage: UsageHistory | None, bill: Bill | None) -> tuple[list[str], dict[str, str],
                                                                                           dict[str, str]]:
    """The lines analysed, and how a side without a line column maps onto the other's single line."""
    usage_lines = [lr.line for lr in records.lines] if records is not None else ([""] if usage is not None else [])
    usage_has = records is not None and records.has_line_column
    usage_source = records.source if records is not None else (usage.source if usage is not None else "")
    rename_usage: dict[str, str] = {}
    rename_bill: dict[str, str] = {}
    if bill is not None and usage_lines and usage_has != bill.has_line_column:
        if not usage_has:
            if len(bill.lines) > 1:
                raise DataError(Problem(
                    f"the bill has several lines ({', '.join(bill.lines)}) but this file has no line column; "
                    "add one (号码) so each record can be matched to its line",
                    file=usage_source, line=1, field="line", code="missing_column"))
            rename_usage[""] = bill.lines[0]
        else:
            if len(usage_lines) > 1:
                raise DataError(Problem(
                    f"the records have several lines ({', '.join(usage_lines)}) but the bill has no line column; "
                    "add one (号码) so each charge can be matched to its line",
                    file=bill.source, line=1, field="line", code="missing_column"))
            rename_bill[""] = usage_lines[0]
    names = {rename_usage.get(n, n) for n in usage_lines}
    if bill is not None:
        names |= {rename_bill.get(n, n) for n in bill.lines}
    return sorted(names), rename_usage, rename_bill


def analyze(
    *,
    records: Records | None = None,
    usage: UsageHistory | None = None,
    bill: Bill | None = None,
    plans: Mapping[str | None, Plan] | None = None,
    since: Mapping[str | None, str] | None = None,
    catalogue: Sequence[Plan] = (),
    today: date,
    horizon: int = 12,
) -> Report:
    """Analyse one household's usage and bill against their plans.

    ``plans`` and ``since`` map a line (its number as written in the inputs)
    to its plan and the month the plan started; the key ``None`` applies to
    every line without its own entry. Without a start month, promotions are
    counted from the first month analysed (and a warning says so).
    Raises :class:`UsageError` for an option that does not fit the inputs and
    :class:`DataError` for inputs that do not fit each other.
    """
    if records is not None and usage is not None:
        raise ValueError("give itemized records or a monthly usage summary, not both")
    if records is None and usage is None and bill is None:
        raise UsageError("nothing to analyse: give a usage or itemized-records file, or a bill (--bill)")
    if horizon < 1 or horizon > 600:
        raise UsageError("--horizon must be between 1 and 600 months", field="horizon")
    plans = dict(plans or {})
    since = {k: _check_month(v, "plan-since") for k, v in (since or {}).items()}
    names, rename_usage, rename_bill = _lines(records, usage, bill)
    for option, given in (("plan", plans), ("plan-since", since)):
        unknown = sorted(k for k in given if k is not None and k not in names)
        if unknown:
            shown = ", ".join(n for n in names if n) or "none (the inputs have no line column)"
            raise UsageError(f"--{option}: no line {', '.join(unknown)} in the inputs; lines: {shown}", field=option)

    analysis = _Analysis(today, horizon, bill, catalogue)
    lines: list[_Line] = []
    late: list[tuple[str, str, str]] = []  # (line, --plan-since, last month analysed): a plan that starts after the data
    for name in names:
        hist: UsageHistory | None = None
        daily: tuple[tuple[int, ...], ...] | None = None
        activity: tuple[int, ...] | None = None
        no_records = False
        if records is not None:
            original = next((k for k, v in rename_usage.items() if v == name), name)
            lr = records.line(original)
            no_records = lr is None
            if lr is None:
                zeros = (0,) * len(records.months)
                hist = UsageHistory(source=records.source, months=records.months, voice_min=zeros, sms=zeros,
                                    data_kb=zeros, app_data_kb=zeros, data_days=zeros)
                daily = tuple((0,) * 31 for _ in records.months)
                activity = zeros
            else:
                hist, daily, activity = lr.history(records.source), lr.daily_data_kb, lr.records
        elif usage is not None:
            hist = usage
            activity = tuple(v + s + d + a for v, s, d, a in zip(usage.voice_min, usage.sms, usage.data_kb,
                                                                   usage.app_data_kb, strict=True))
        items = tuple(b for b in bill.items if rename_bill.get(b.line, b.line) == name) if bill is not None else ()
        plan = plans.get(name, plans.get(None))
        start = since.get(name, since.get(None))
        known = sorted(set(hist.months if hist is not None else ()) | {b.month for b in items})
        if plan is not None and start is not None and known and start > known[-1]:
            late.append((name, start, known[-1]))
        if plan is not None and start is None:
            start = known[0] if known else analysis.today_month
            if plan.promotions:
                who = f"line {name}: " if name else ""
                analysis.warnings.append(
                    f"{who}no --plan-since: the promotions of {plan.id} are counted from {start}, the first month "
                    "analysed; give the month the plan started")
        lines.append(_Line(name, plan, start if plan is not None else None, hist, daily, activity, no_records, items))
    if late:
        # Nothing could be computed from the plan for such a line (no charges, no comparison), and that
        # would read as "nothing to act on": a start month past the data is a mistake to report.
        if len(late) == len(names) and len({(s, last) for _, s, last in late}) == 1:
            _, start, last = late[0]
            raise UsageError(f"--plan-since {start} is after the last month analysed ({last})", field="plan-since")
        raise UsageError("; ".join(f"--plan-since {start} is after the last month analysed for line {name} ({last})"
                                   for name, start, last in late), field="plan-since")
    line_reports: list[LineReport] = []
    for ln in lines:
        analysis.prepare(ln)
        analysis.run(ln)
        line_reports.append(_line_report(ln))

    unmapped = bill.unmapped if bill is not None else ()
    currencies = sorted({p.currency for p in plans.values()})
    findings = sorted(analysis.findings, key=lambda f: (-abs(f.amount), CHECKS.index(f.code), f.line, f.months))
    warnings = []
    for src in (records, usage, bill):
        warnings += list(getattr(src, "warnings", ()) or ())
    return Report(
        currency=currencies[0] if len(currencies) == 1 else "CNY",
        today=today, horizon=horizon,
        usage_source=records.source if records is not None else (usage.source if usage is not None else None),
        usage_kind="records" if records is not None else ("monthly" if usage is not None else None),
        bill_source=bill.source if bill is not None else None,
        lines=tuple(line_reports), findings=tuple(findings),
        reminders=tuple(sorted(analysis.reminders, key=lambda r: (r.day, r.line, r.plan_id, r.phase, r.kind))),
        unmapped=unmapped,
        skipped=tuple(Skipped(check, reason, tuple(lines)) for (check, reason), lines in
                      sorted(analysis.skipped.items(), key=lambda kv: (CHECKS.index(kv[0][0]), kv[0][1]))),
        warnings=tuple(warnings + analysis.warnings),
    )


def _line_report(ln: _Line) -> LineReport:
    months = sorted(set(ln.hist.months if ln.hist is not None else ()) | {b.month for b in ln.items}
                    | set(ln.charges))
    rows = []
    for m in months:
        in_hist = ln.hist is not None and m in ln.hist.months
        i = ln.hist.months.index(m) if in_hist and ln.hist is not None else -1
        charged = sum(b.amount for b in ln.items if b.month == m) if any(b.month == m for b in ln.items) else None
        expected = int(_total(ln.sim_lines)[ln.sim_months.index(m)]) if m in ln.sim_months else None
        hist = ln.hist
        rows.append(MonthSummary(
            month=m,
            voice_min=hist.voice_min[i] if in_hist and hist is not None else None,
            sms=hist.sms[i] if in_hist and hist is not None else None,
            data_kb=hist.data_kb[i] + hist.app_data_kb[i] if in_hist and hist is not None else None,
            data_days=hist.data_days[i] if in_hist and hist is not None else None,
            charged=charged, expected=expected,
        ))
    return LineReport(line=ln.name, plan=ln.plan, plan_since=ln.since, months=tuple(rows))
