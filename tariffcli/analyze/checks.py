"""The bill analyzer's checks: one method per finding code, and their thresholds.

The codes and what each check looks for are described in
:mod:`tariffcli.analyze.report`; the thresholds are the constants below.
:class:`Analysis` runs every check on one prepared line
(:func:`tariffcli.analyze.lines.prepare`) and collects the findings, the
reminders, the checks it could not run and the warnings. Amounts are integer fen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from tariffcli.analyze.lines import (
    COMPARED,
    ENGINE_GROUP,
    GROUP_OF_CATEGORY,
    GROUPS,
    SERVICE_OF_CATEGORY,
    USAGE_GROUPS,
    Line,
    bill_totals,
    engine_usage,
    rounded_for,
    total,
    use,
    zero_usage,
)
from tariffcli.analyze.reminders import Reminder, phase_span, phase_what, reminders_for
from tariffcli.analyze.results import Finding
from tariffcli.engine import LINES
from tariffcli.inputs.bills import Bill, BillLine
from tariffcli.inputs.usage import UsageHistory
from tariffcli.model.money import round_div_half_up, to_fen
from tariffcli.model.months import add_months, month_range, month_str, months_between, next_month
from tariffcli.model.plan import UNLIMITED, Allowances, Phase, Plan, Unlimited

__all__ = [
    "CHEAPER_HORIZON", "CHEAPER_MIN_YEARLY_SAVING_FEN", "CHECKS", "EXPIRED_LOOKBACK_MONTHS", "IDLE_MIN_MONTHS",
    "MISMATCH_TOLERANCE_FEN", "SPIKE_MIN_FEN", "SPIKE_MIN_OTHER_MONTHS", "SPIKE_RATIO", "TOPUP_MIN_FEN",
    "UNUSED_ADDON_MIN_MONTHS", "VAS_MIN_MONTHS", "Analysis", "can_readd", "with_addon",
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

_STRETCH = 10**6
"""Plan months a stretched phase covers on each side: every simulated month."""


# ---------------------------------------------------------------- helpers


def _avg(amount: int, n: int) -> int:
    return round_div_half_up(amount, n) if n else 0


def _median(values: Sequence[int]) -> int:
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else round_div_half_up(s[n // 2 - 1] + s[n // 2], 2)


def _item_dict(b: BillLine) -> dict[str, Any]:
    return {"row": b.row, "item": b.item, "amount": b.amount}


def _stretched(plan: Plan, phases: Sequence[Phase]) -> Plan:
    """The plan with these phases in force in every month (and no other)."""
    return plan.model_copy(update={"promotions": tuple(
        ph.model_copy(update={"from_month": -_STRETCH, "to_month": _STRETCH}) for ph in phases
    )})


def _phases_at(plan: Plan, month_no: int) -> tuple[Phase, ...]:
    return tuple(ph for ph in plan.promotions if ph.from_month <= month_no <= ph.to_month)


def _plus(a: int | Unlimited, b: int | Unlimited) -> int | Unlimited:
    if a == UNLIMITED or b == UNLIMITED:
        return UNLIMITED
    return int(a) + int(b)


def _plus_optional(a: int | Unlimited | None, b: int | Unlimited | None) -> int | Unlimited | None:
    if a == UNLIMITED or b == UNLIMITED:
        return UNLIMITED
    if a is None or b is None:
        return a if b is None else b
    return _plus(a, b)


def with_addon(plan: Plan, addon_id: str) -> Plan:
    """The plan on its standard terms with one of its packs added every month (a ``cheaper_plan`` candidate)."""
    addon = plan.addon(addon_id)
    a, b = plan.allowances, addon.allowances
    allow = Allowances.model_construct(voice=_plus(a.voice, b.voice), sms=_plus(a.sms, b.sms),
                                       data=_plus(a.data, b.data), app_data=_plus_optional(a.app_data, b.app_data))
    return plan.model_copy(update={
        "id": f"{plan.id}+{addon.id}", "name": f"{plan.name} + {addon.name}",
        "monthly_fee": plan.monthly_fee + addon.fee, "allowances": allow, "promotions": (), "one_off_fee": Decimal(0),
        "commitment": None, "valid_from": None, "valid_to": None,
    })


def can_readd(plan: Plan, index: int) -> bool:
    """Whether the end of promotion phase ``index`` (0-based) can be undone by ordering its packs again:
    only a phase that bundles packs, each with a price. A free promotional pack (fee 0) is never offered
    on its own, so the advice for it is another plan, never "re-add the pack"."""
    phase = plan.promotions[index]
    return bool(phase.addons) and all(plan.addon(a).fee > 0 for a in phase.addons)


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


class Analysis:
    """The checks, run line by line; what they find accumulates on the instance."""

    def __init__(self, today: date, horizon: int, bill: Bill | None, catalogue: Sequence[Plan],
                 province: str | None = None) -> None:
        self.today = today
        self.today_month = month_str(today.year, today.month)
        self.horizon = horizon
        self.bill = bill
        self.catalogue = catalogue
        self.province = province
        self.findings: list[Finding] = []
        self.reminders: list[Reminder] = []
        self.skipped: dict[tuple[str, str], list[str]] = {}
        self.warnings: list[str] = []

    def skip(self, ln: Line, check: str, reason: str) -> None:
        self.skipped.setdefault((check, reason), []).append(ln.name)

    def ref(self, b: BillLine) -> str:
        return f"{self.bill.source}:{b.row}" if self.bill is not None else str(b.row)

    # -------------------------------------------------------- dispatch

    def run(self, ln: Line) -> None:
        """Every check that the line's inputs allow; the others are skipped with the reason."""
        self._run_charges(ln)
        if ln.plan is not None and ln.since is not None:
            self.promotions(ln, ln.plan, ln.since)
        else:
            self.skip(ln, "promotion_expired", "no_plan")
            self.skip(ln, "promotion_expiring", "no_plan")
        if self.bill is not None:
            self.value_added(ln)
        else:
            self.skip(ln, "recurring_value_added", "no_bill")
        self._run_usage(ln)
        self._run_plan(ln)

    def _run_charges(self, ln: Line) -> None:
        if ln.charges:
            self.topup(ln)
            self.spike(ln)
        else:
            self.skip(ln, "minimum_spend_topup", "no_charges")
            self.skip(ln, "out_of_bundle_spike", "no_charges")

    def _run_usage(self, ln: Line) -> None:
        if ln.hist is None or ln.activity is None:
            for check in ("unused_addon", "idle_line"):
                self.skip(ln, check, "no_usage")
        elif not ln.charges:
            for check in ("unused_addon", "idle_line"):
                self.skip(ln, check, "no_charges")
        else:
            self.unused_addon(ln, ln.hist)
            self.idle(ln, ln.hist, ln.activity)

    def _run_plan(self, ln: Line) -> None:
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

    # -------------------------------------------------------- checks

    def topup(self, ln: Line) -> None:
        months = sorted(m for m, c in ln.charges.items() if c.get("topup", 0) >= TOPUP_MIN_FEN)
        if not months:
            return
        amount = sum(ln.charges[m]["topup"] for m in months)
        absorbed = sum(max(0, sum(ln.charges[m].get(g, 0) for g in USAGE_GROUPS)) for m in months)
        refs = tuple(self.ref(b) for b in ln.items if b.category == "topup" and b.month in months)
        per_month = [{"month": m, "amount": ln.charges[m]["topup"]} for m in months]
        self.findings.append(Finding("minimum_spend_topup", ln.name, tuple(months), amount,
                                     {"absorbed": absorbed, "per_month": per_month}, refs))

    def _ended_packs(self, ln: Line, month: str, earlier: Sequence[str]) -> tuple[str, str, bool] | None:
        """(kind, name, whether it can be re-added) of a pack or promotion that ended before ``month``, else None.

        A pack charged on the bill can be ordered again; a pack a promotion bundled only when it has a price
        (a free promotional pack cannot be re-added: the advice is then to choose another plan)."""
        for m in earlier:
            gone = [b for b in ln.items if b.month == m and GROUP_OF_CATEGORY[b.category] == "addons" and b.amount > 0]
            names = {b.item for b in ln.items if b.month == month and GROUP_OF_CATEGORY[b.category] == "addons"}
            gone = [b for b in gone if b.item not in names]
            if gone:
                return "pack_ended", gone[0].item, True
        if ln.plan is not None and ln.since is not None:
            start = add_months(min(ln.charges), -1)
            for i, ph in enumerate(ln.plan.promotions):
                _, last, _ = phase_span(ln.since, ph)
                if start <= last < month:
                    what, is_pack = phase_what(ln.plan, i)
                    return ("pack_ended" if is_pack else "promotion_ended"), what, can_readd(ln.plan, i)
        return None

    def spike(self, ln: Line) -> None:
        months = sorted(ln.charges)
        totals = {m: sum(ln.charges[m].values()) for m in months}
        for m in months:
            others = [x for x in months if x != m]
            if len(others) < SPIKE_MIN_OTHER_MONTHS:
                continue
            usual = _median([totals[x] for x in others])
            month_total = totals[m]
            if month_total < usual * SPIKE_RATIO or month_total - usual < SPIKE_MIN_FEN:
                continue
            increases = {g: ln.charges[m].get(g, 0) - _median([ln.charges[x].get(g, 0) for x in others])
                         for g in GROUPS}
            group = max(GROUPS, key=lambda g: (increases[g], -GROUPS.index(g)))
            params: dict[str, Any] = {"month": m, "total": month_total, "usual": usual,
                                      "excess": month_total - usual, "group": group, "increase": increases[group]}
            ended = self._ended_packs(ln, m, [x for x in months if x < m])
            if ended is not None:
                params["cause"], params["pack"], params["readd"] = ended
            elif group in USAGE_GROUPS and ln.hist is not None and m in ln.hist.months:
                used = use(ln.hist, m)[group]
                base = _median([use(ln.hist, x)[group] for x in others if x in ln.hist.months] or [0])
                if used > 0 and (base == 0 or used >= base * SPIKE_RATIO):
                    params["cause"] = "usage_rose"
                    params["service"] = group
                    params["ratio"] = "∞" if base == 0 else f"{(Decimal(used) / base).quantize(Decimal('0.1'))}"
            params.setdefault("cause", "charges_rose")
            refs = tuple(self.ref(b) for b in ln.items if b.month == m and GROUP_OF_CATEGORY[b.category] == group)
            self.findings.append(Finding("out_of_bundle_spike", ln.name, (m,), month_total - usual, params, refs))

    def promotions(self, ln: Line, plan: Plan, since: str) -> None:
        if ln.hist is not None:
            usage = engine_usage(rounded_for(ln.hist, plan.rounding.data, plan.rounding.calls), ln.daily,
                                 ln.hist.months)
            first = months_between(since, ln.hist.months[0]) + 1
        else:
            usage = zero_usage(month_range(self.today_month, self.horizon))
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
            during = total(bill_totals(during_plan, usage, first))
            after = total(bill_totals(_stretched(plan, _phases_at(plan, ph.to_month + 1)), usage, first))
            change = _avg(int((after - during).sum()), len(usage.months))
            changes[i] = change
            what, is_pack = phase_what(plan, i)
            params: dict[str, Any] = {"what": what, "pack": is_pack, "readd": can_readd(plan, i),
                                      "phase": i + 1, "last_month": last,
                                      "ends": ends.isoformat(), "monthly_change": change,
                                      "at_usage": ln.hist is not None}
            if expired:
                self._expired(ln, since, during_plan, last, params)
            else:
                after_months = months_between(last, last_window)
                params["horizon"] = self.horizon
                self.findings.append(Finding("promotion_expiring", ln.name, (last,), change * after_months, params))
        self.reminders.extend(reminders_for(plan, since, today=self.today, horizon=self.horizon, line=ln.name,
                                            monthly_change=changes))

    def _expired(self, ln: Line, since: str, during_plan: Plan, last: str, params: dict[str, Any]) -> None:
        """A ``promotion_expired`` finding: what the end has cost at the recorded usage since ``last``."""
        months: tuple[str, ...] = tuple(m for m in ln.sim_months if m > last)
        amount = 0
        if months and ln.usage is not None:
            k = len(ln.sim_months) - len(months)
            sim_during = total(bill_totals(during_plan, ln.usage, months_between(since, ln.sim_months[0]) + 1))
            amount = int((total(ln.sim_lines)[k:] - sim_during[k:]).sum())
        self.findings.append(Finding("promotion_expired", ln.name, months or (last,), amount, params))

    def value_added(self, ln: Line) -> None:
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

    def unused_addon(self, ln: Line, hist: UsageHistory) -> None:
        unused: dict[tuple[str, str], list[tuple[str, int, str | None]]] = defaultdict(list)
        if self.bill is not None:
            for b in ln.items:
                service = SERVICE_OF_CATEGORY.get(b.category)
                if service and b.amount > 0 and b.month in hist.months and use(hist, b.month)[service] == 0:
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
                        if active and charged and services and all(use(hist, m)[s] == 0 for s in services):
                            unused[(addon.name, services[0])].append((m, to_fen(addon.fee), None))
        for (item, service), paid in sorted(unused.items()):
            months = tuple(sorted({m for m, _, _ in paid}))
            if len(months) >= UNUSED_ADDON_MIN_MONTHS:
                refs = tuple(r for _, _, r in paid if r is not None)
                self.findings.append(Finding("unused_addon", ln.name, months, sum(a for _, a, _ in paid),
                                             {"item": item, "service": service, "n": len(months)}, refs))

    def idle(self, ln: Line, hist: UsageHistory, activity: tuple[int, ...]) -> None:
        if any(activity):
            return
        months = tuple(m for m in hist.months if m in ln.charges and sum(ln.charges[m].values()) > 0)
        if len(months) < IDLE_MIN_MONTHS:
            return
        amount = sum(sum(ln.charges[m].values()) for m in months)
        refs = tuple(self.ref(b) for b in ln.items if b.month in months)
        self.findings.append(Finding("idle_line", ln.name, months, amount,
                                     {"n": len(months), "no_records": ln.no_records}, refs))

    def mismatch(self, ln: Line) -> None:
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

    def cheaper(self, ln: Line, plan: Plan, since: str, hist: UsageHistory) -> None:
        from tariffcli.compare.ranking import compare

        start = next_month(self.today)
        start_no = months_between(since, start) + 1
        if start_no < 1:
            self.skip(ln, "cheaper_plan", "since_after_start")
            return
        # The user's own plan with one of its packs added: only once every promotion has ended, so that
        # the plan's standard terms are what the user pays from ``start`` on; never a free promotional pack
        # (fee 0), which cannot be ordered on its own.
        running = any(ph.to_month >= start_no for ph in plan.promotions)
        variants = [] if running else [with_addon(plan, a.id) for a in plan.addons if a.fee > 0]
        variant_ids = {v.id for v in variants}
        cmp = compare(list(self.catalogue) + variants, hist, start=start, horizon=CHEAPER_HORIZON, current=plan,
                      current_since=since, province=self.province)
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
