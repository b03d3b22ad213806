"""Horizon, usage projection, ranking and notes: from plans and usage to a recommendation.

Usage projection rule (documented in the README): for each month of the
horizon, the usage is the user's usage in the same calendar month of the
history (the most recent year that has it); where the history has no such
month, it is the mean of all history months, rounded up to whole units.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from tariffcli.compare.results import Comparison, Note, Row
from tariffcli.engine import I64, LINES, Result, Usage, simulate
from tariffcli.model.errors import DataError, Problem, UsageError
from tariffcli.model.money import round_div_half_up
from tariffcli.model.months import add_months, days_in, first_day, month_range, months_between, parse_month
from tariffcli.model.plan import SUSPENSION_TAG, Addon, Confidence, FirstMonth, Phase, Plan, Status
from tariffcli.model.provinces import applies_in, canonical_province, is_nationwide

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.compare.result_parts import BreakEven
    from tariffcli.inputs.usage import UsageHistory


def project_usage(history: UsageHistory, months: Sequence[str]) -> Usage:
    """Usage for ``months`` from the history (see the module docstring for the rule)."""
    if not history.months:
        raise DataError(Problem("the usage file has no months", file=history.source, code="empty"))
    cal = np.array([parse_month(m)[1] for m in history.months])
    cols = {
        "voice_min": np.array(history.voice_min, np.int64),
        "sms": np.array(history.sms, np.int64),
        "data_kb": np.array(history.data_kb, np.int64),
        "app_data_kb": np.array(history.app_data_kb, np.int64),
    }
    days_given = np.array([d is not None for d in history.data_days])
    days = np.array([d if d is not None else 0 for d in history.data_days], np.int64)
    n = len(history.months)
    # index of the most recent history month with the same calendar month, else -1
    pick = np.full(len(months), -1)
    for i, m in enumerate(months):
        same = np.nonzero(cal == parse_month(m)[1])[0]
        if same.size:
            pick[i] = same[-1]
    out: dict[str, I64] = {}
    for name, col in cols.items():
        mean_up = -(-int(col.sum()) // n)
        out[name] = np.where(pick >= 0, col[np.maximum(pick, 0)], mean_up).astype(np.int64)
    month_days = np.array([days_in(m) for m in months], np.int64)
    known = np.where(pick >= 0, days_given[np.maximum(pick, 0)], days_given.all())
    if days_given.any():
        known_days = days[days_given]
        mean_days = -(-int(known_days.sum()) // len(known_days))
    else:
        mean_days = 0
    d = np.where(pick >= 0, days[np.maximum(pick, 0)], mean_days)
    d = np.where(known, np.minimum(d, month_days), month_days)
    return Usage(tuple(months), out["voice_min"], out["sms"], out["data_kb"], out["app_data_kb"], d.astype(np.int64), known)


def select_plans(
    plans: Iterable[Plan], *, operators: Sequence[str] = (), tags: Sequence[str] = ()
) -> tuple[Plan, ...]:
    """Plans matching any of ``operators`` (case-insensitive) and all of ``tags``."""
    ops = {o.casefold() for o in operators}
    out = []
    for p in plans:
        if ops and p.operator.casefold() not in ops:
            continue
        if any(t not in p.tags for t in tags):
            continue
        out.append(p)
    return tuple(out)


_CONDITION_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"student", "students", "学生"}),
    frozenset({"elderly", "senior", "seniors", "aged-60", "aged-60+", "老年人", "老人"}),
    frozenset({"new-customer", "new-customers", "新用户"}),
    frozenset({"local", "local-resident", "local-residents", "本地用户"}),
)
"""Words that name the same condition."""


def condition_key(text: str) -> str:
    """A short key for an eligibility condition: 'not a premium number (靓号)' -> 'not-a-premium-number'.

    Text in brackets and anything after ' - ' is left out; the rest is
    lowercased with '-' between words. Users give these keys (or the full
    text) to ``--eligible``.
    """
    import re

    t = re.sub(r"[(（][^)）]*[)）]", " ", text).split(" - ")[0]
    t = re.sub(r"[^\w+]+", "-", t.casefold()).strip("-")
    return t or text.strip().casefold()


def _same_condition(token: str, condition: str) -> bool:
    a, b = condition_key(token), condition_key(condition)
    if a == b or token.strip().casefold() == condition.strip().casefold():
        return True
    return any(a in g and b in g for g in _CONDITION_GROUPS)


def unmet_conditions(plan: Plan, eligible: Sequence[str]) -> tuple[str, ...]:
    """The plan's eligibility conditions that none of ``eligible`` matches (empty: the user may take it)."""
    return tuple(c for c in plan.eligibility if not any(_same_condition(t, c) for t in eligible))


def parse_eligible(values: Sequence[str]) -> tuple[str, ...]:
    """``--eligible`` values, each possibly comma-separated, as a tuple of conditions."""
    return tuple(t.strip() for v in values for t in v.split(",") if t.strip())


def usable_plans(plans: Iterable[Plan], day: date) -> tuple[list[Plan], list[tuple[Plan, str]]]:
    """Plans that can be ranked on ``day`` (sorted by id), and the others with the reason.

    Left out: plans not on sale that day (``not_on_sale``) and suspended-line
    plans (``suspended_line``), which carry no usage.
    """
    usable: list[Plan] = []
    left_out: list[tuple[Plan, str]] = []
    for p in sorted(plans, key=lambda p: p.id):
        if not p.on_sale(day):
            left_out.append((p, "not_on_sale"))
        elif SUSPENSION_TAG in p.tags:
            left_out.append((p, "suspended_line"))
        else:
            usable.append(p)
    return usable, left_out


def _avg(total: int, n: int) -> int:
    """``total / n`` rounded half-up (0 for no months)."""
    return round_div_half_up(total, n) if n else 0


def _usage_at(usage: Usage, idx: Any) -> Usage:
    """The usage of some of the simulated months (``idx``: positions)."""
    from dataclasses import replace

    daily = None if usage.daily_data_kb is None else usage.daily_data_kb[idx]
    return replace(
        usage, months=tuple(usage.months[i] for i in idx), voice_min=usage.voice_min[idx], sms=usage.sms[idx],
        data_kb=usage.data_kb[idx], app_data_kb=usage.app_data_kb[idx], data_days=usage.data_days[idx],
        data_days_known=usage.data_days_known[idx], daily_data_kb=daily,
    )


def _without_first_month(plan: Plan) -> Plan:
    """``plan`` without its one-off fee and with a full first month (the first-month rules left out)."""
    if not plan.one_off_fee and plan.first_month is FirstMonth.FULL:
        return plan
    return plan.model_copy(update={"one_off_fee": type(plan.one_off_fee)(0), "first_month": FirstMonth.FULL})


def _phase_change(plan: Plan, ph: Phase, at: int, usage: Usage) -> int:
    """What the first month after ``ph`` costs more (fen) than the phase's last month, at the same usage.

    Like with like: the plan is billed as its month ``ph.to_month`` (the last
    month of the phase) and as its month ``ph.to_month + 1`` (the first month
    after it, whatever follows: the standard terms or a chained phase), both at
    the usage of simulated month ``at`` (the phase's last month, or the last
    simulated month when the phase runs past the horizon). The one-off fee and
    the first-month rule (half or pay-as-you-go first month) are left out of
    both bills, so they never enter the delta.
    """
    bare = _without_first_month(plan)
    bills = simulate([bare, bare], _usage_at(usage, np.array([at])), [ph.to_month, ph.to_month + 1]).line("total")
    return int(bills[1, 0]) - int(bills[0, 0])


_COUNTED = ("over_data", "over_voice", "over_sms", "topup", "data_stopped", "data_capped", "throttled")
"""The notes that count months, in the order a plan's notes give them."""


def month_counts(res: Result) -> dict[str, list[int]]:
    """For each of :data:`_COUNTED` (and ``topup_amount``, fen), its figure for every plan of ``res``: summed
    once for all plans, read plan by plan by :func:`_notes`."""
    flags = (res.data_over, res.voice_over, res.sms_over, res.topup, res.data_stopped, res.data_capped, res.throttled)
    counts = {code: f.sum(axis=1).tolist() for code, f in zip(_COUNTED, flags, strict=True)}
    counts["topup_amount"] = res.line("topup").sum(axis=1).tolist()
    return counts


def _notes(plan: Plan, idx: int, res: Result, first_month: int, horizon: int, usage: Usage, start: str,
           counts: dict[str, list[int]] | None = None) -> tuple[Note, ...]:
    counts = counts if counts is not None else month_counts(res)
    notes: list[Note] = []
    for ph in plan.promotions:
        # horizon positions covered by the phase
        lo, hi = ph.from_month - first_month, ph.to_month - first_month  # 0-based horizon index
        if hi < 0 or lo > horizon - 1:
            continue  # the phase lies wholly before or after the simulated months
        delta = _phase_change(plan, ph, min(hi, horizon - 1), usage)
        params = {"month": ph.to_month, "calendar": add_months(start, hi), "delta": delta}
        if hi >= horizon - 1:
            notes.append(Note("promotion_runs_past_horizon", params))
        else:
            notes.append(Note("promotion_ends", params))
    n = horizon
    for code in _COUNTED:
        k = int(counts[code][idx])
        if k and code == "topup":
            notes.append(Note(code, {"months": k, "of": n, "amount": int(counts["topup_amount"][idx])}))
        elif k:
            notes.append(Note(code, {"months": k, "of": n}))
    if plan.overage.data.period == "day" and not bool(usage.data_days_known.all()) and bool((usage.data_kb > 0).any()):
        notes.append(Note("daily_estimated"))
    if plan.one_off_fee and first_month == 1:
        notes.append(Note("one_off", {"amount": int(plan.one_off_fee * 100)}))
    if plan.first_month is not FirstMonth.FULL and first_month == 1:
        notes.append(Note(f"first_month_{plan.first_month.value}"))
    for cond in plan.eligibility:
        notes.append(Note("eligibility", {"who": cond}))
    if plan.commitment is not None:
        notes.append(Note("commitment", {"months": plan.commitment.months,
                                          "exit_fee": None if plan.commitment.exit_fee is None else int(plan.commitment.exit_fee * 100)}))
    if plan.status is Status.WITHDRAWN:
        notes.append(Note("status_withdrawn"))
    elif plan.status is Status.HISTORICAL:
        if plan.last_seen is None:
            notes.append(Note("status_historical_undated"))
        else:
            notes.append(Note("status_historical", {"last_seen": plan.last_seen.isoformat()}))
    if not is_nationwide(plan.province):
        notes.append(Note("province_only", {"province": plan.province}))
    if plan.confidence is Confidence.EXAMPLE:
        notes.append(Note("example_figures"))
    elif plan.confidence is Confidence.REPORTED:
        notes.append(Note("reported_figures"))
    return tuple(notes)


def compare(
    plans: Sequence[Plan],
    history: UsageHistory,
    *,
    start: str,
    horizon: int = 12,
    current: Plan | None = None,
    current_since: str | None = None,
    with_addons: bool = False,
    scenario: str | None = None,
    eligible: Sequence[str] | None = None,
    keep_number: bool = False,
    explain: bool = False,
    province: str | None = None,
) -> Comparison:
    """Simulate every plan from ``start`` for ``horizon`` months and rank them by total.

    Ties go to plans without eligibility conditions, then by plan id; plans whose data would be stopped at a volume
    cap (the usage is not covered) rank after every plan that covers it.
    Plans not on sale on the first day of ``start``, and suspended-line plans
    (停机保号), are left out and listed in ``excluded``. The current plan, if given, is simulated from ``current_since``
    (default: it starts at ``start`` too), so its own promotions end on the right
    month; the saving of each plan is measured against it.

    ``with_addons`` ranks each plan with its cheapest set of optional packs
    (:mod:`tariffcli.compare.addons`). ``scenario`` ranks on one usage level from the
    history (:mod:`tariffcli.compare.scenarios`), notes how many months each plan would
    go over an allowance at the past usage, and finds the break-even usage
    between the first two plans. ``eligible`` leaves out plans with a
    condition the user did not give (listed in ``excluded`` as 'not_eligible');
    without it, restricted plans stay in and their conditions are noted.
    ``keep_number`` asks for the keep-number view, ``explain`` the first plan's switching guide.

    ``province`` (a name :func:`~tariffcli.model.provinces.canonical_province`
    knows) keeps national plans and that province's plans; the others are left
    out as 'other_province'. Without it, plans sold in one province only stay
    in, noted with their province, but the first recommendation is always a
    plan sold nationwide (when any covers the usage): a user whose province is
    unknown is never told to switch to a plan they may not be able to buy.
    """
    _check_timing(start, horizon, current_since)
    on_sale, excluded = _rankable(plans, first_day(start), eligible, _province(province))
    everyone = on_sale + ([current] if current is not None else [])
    currency = _currency(everyone)
    months = month_range(start, horizon)
    projected = project_usage(history, months)
    if scenario is not None:
        from tariffcli.compare.scenarios import scenario_usage

        usage = scenario_usage(history, months, scenario)
    else:
        usage = projected
    first = [1] * len(on_sale) + ([_current_first(start, current_since)] if current is not None else [])
    run = _simulate(on_sale, everyone, usage, first, with_addons)
    past_over = None
    if scenario is not None:
        from tariffcli.compare.scenarios import months_over

        past_over = months_over(simulate(run.billed, projected, first))
    rows, cur_row, order, moved = _rank(on_sale, everyone, run, past_over, start, horizon, current,
                                        province_known=province is not None)
    evens: tuple[BreakEven, ...] = ()
    if scenario is not None and len(order) >= 2:
        from tariffcli.compare.scenarios import break_evens

        evens = break_evens(run.billed[order[0]], run.billed[order[1]], usage, history)
    result = Comparison(
        start=start, horizon=horizon, months=months, currency=currency, usage=usage,
        rows=rows, current=cur_row, excluded=tuple(excluded), history_months=tuple(history.months),
        with_addons=with_addons, scenario=scenario,
        eligible=None if eligible is None else tuple(eligible), break_even=evens, keep_number=keep_number,
        province=_province(province), nationwide_first=moved,
    )
    if explain and rows:
        from dataclasses import replace

        from tariffcli.compare.switching import switching_guide

        result = replace(result, guide=switching_guide(result))
    return result


# ---------------------------------------------------------------- the steps of compare()


def _check_timing(start: str, horizon: int, current_since: str | None) -> None:
    """``--horizon`` in range, ``--start`` and ``--current-since`` months."""
    if horizon < 1 or horizon > 600:
        raise UsageError("--horizon must be between 1 and 600 months", field="horizon")
    try:
        parse_month(start)
        if current_since is not None:
            parse_month(current_since)
    except ValueError as exc:
        raise UsageError(str(exc), field="start") from None


def _province(name: str | None) -> str | None:
    """The canonical name of the user's province; a name no province has is a usage error."""
    if name is None:
        return None
    canonical = canonical_province(name)
    if canonical is None:
        raise UsageError(f"--province: {name!r} is not a province of China (e.g. 广东, Guangdong, guangdong)",
                         field="province")
    return canonical


def _rankable(plans: Sequence[Plan], day: date, eligible: Sequence[str] | None,
              province: str | None = None) -> tuple[list[Plan], list[tuple[Plan, str]]]:
    """The plans ranked, and those left out with the reason (:func:`usable_plans`, ``province``, ``eligible``)."""
    on_sale, excluded = usable_plans(plans, day)
    if province is not None:
        excluded += [(p, "other_province") for p in on_sale if not applies_in(p.province, province)]
        on_sale = [p for p in on_sale if applies_in(p.province, province)]
    if eligible is not None:
        allowed = [p for p in on_sale if not unmet_conditions(p, eligible)]
        excluded += [(p, "not_eligible") for p in on_sale if unmet_conditions(p, eligible)]
        on_sale = allowed
    return on_sale, excluded


def _currency(everyone: Sequence[Plan]) -> str:
    """The one currency of the plans compared (CNY for none); plans in two currencies are a data error."""
    currencies = sorted({p.currency for p in everyone})
    if len(currencies) > 1:
        odd = [p for p in everyone if p.currency != currencies[0]]
        detail = ", ".join(f"{p.id} ({p.currency})" for p in odd)
        raise DataError(Problem(
            f"plans in one comparison must share a currency; found {', '.join(currencies)}: {detail}",
            file=odd[0].origin, field="currency", code="currency_mismatch",
        ))
    return currencies[0] if currencies else "CNY"


def _current_first(start: str, current_since: str | None) -> int:
    """The current plan's month number at ``start`` (1 when it starts then)."""
    offset = months_between(current_since or start, start)
    if offset < 0:
        raise UsageError("--current-since must not be after --start", field="current-since")
    return offset + 1


@dataclass(frozen=True)
class _Run:
    """The plans as billed (with their packs), the packs chosen, and the engine's results."""

    usage: Usage
    first: list[int]
    """Each plan's month number at the start."""
    billed: list[Plan]
    packs: list[tuple[tuple[Addon, int], ...]]
    res: Result
    """On the plans' terms, promotions included."""
    std: Result
    """On the plans' standard terms (every promotion ended), each plan past its first month (no one-off fee,
    no first-month rule): the steady monthly bill, month by month at the usage of each month."""


def _simulate(on_sale: list[Plan], everyone: list[Plan], usage: Usage, first: list[int], with_addons: bool) -> _Run:
    """Every plan (the current one last) simulated, with its cheapest optional packs when asked."""
    steady = [max(f, 2) for f in first]  # past the first month: no one-off fee, no first-month rule
    if not with_addons:
        return _Run(usage, first, list(everyone), [()] * len(on_sale), simulate(everyone, usage, first),
                    simulate(everyone, usage, steady, promotions=False))
    from tariffcli.compare.addons import best_packs_for, with_packs

    packs = [c.packs for c in best_packs_for(on_sale, usage)]
    billed = [with_packs(p, k) for p, k in zip(on_sale, packs, strict=True)] + everyone[len(on_sale):]
    standard = [with_packs(p, k, standard=True) for p, k in zip(billed, packs + [()], strict=False)]
    # the standard plans hold their packs as phases: simulated with promotions on, on standard terms
    return _Run(usage, first, billed, packs, simulate(billed, usage, first), simulate(standard, usage, steady))


def rank_order(plans: Sequence[Plan], stopped: Any, totals: Any, *,
                province_known: bool) -> tuple[list[int], bool]:
    """The positions of ``plans`` in rank order, and whether a nationwide plan was moved to the first place.

    The rule of ``compare`` and ``compare --history``: plans whose data is stopped at a cap (``stopped[i]``)
    after those that cover the usage, then the cheapest total, then plans without eligibility conditions, then
    the plan id. When the user's province is not known, the first place goes to the cheapest plan sold
    nationwide that covers the usage.
    """
    stopped, totals = np.asarray(stopped).tolist(), np.asarray(totals).tolist()  # Python values, read once each
    order = sorted(range(len(plans)), key=lambda i: (bool(stopped[i]), int(totals[i]), bool(plans[i].eligibility),
                                                     plans[i].id))
    moved = False
    if not province_known and order and not is_nationwide(plans[order[0]].province):
        national = [i for i in order if is_nationwide(plans[i].province) and not stopped[i]]
        if national:
            order.remove(national[0])
            order.insert(0, national[0])
            moved = True
    return order, moved


def _rank(on_sale: list[Plan], everyone: list[Plan], run: _Run, past_over: Any, start: str, horizon: int,
          current: Plan | None, *,
          province_known: bool = True) -> tuple[tuple[Row, ...], Row | None, list[int], bool]:
    """The ranked rows, the current plan's row, the positions (in ``on_sale``) in rank order, and whether a
    nationwide plan was moved to the first place.

    Plans that cannot carry the usage (data stopped at a cap) rank after those that can. When the
    user's province is not known, the first place goes to the cheapest plan sold nationwide.
    """
    res, totals = run.res, run.res.totals
    cur_total = int(totals[-1]) if current is not None else None
    counts = month_counts(res)

    def row(i: int, rank: int | None, is_current: bool) -> Row:
        t = int(totals[i])
        notes = _notes(run.billed[i], i, res, run.first[i], horizon, run.usage, start, counts)
        if past_over is not None:
            notes += (Note("months_over_past", {"months": int(past_over[i]), "of": horizon}),)
        return Row(
            plan=everyone[i], rank=rank, total=t, average=_avg(t, horizon),
            after_promotions=_avg(int(run.std.totals[i]), horizon),
            saving=None if cur_total is None else cur_total - t,
            notes=notes, lines=res.lines[i], is_current=is_current,
            packs=run.packs[i] if i < len(run.packs) else (),
        )

    n = len(on_sale)
    order, moved = rank_order(on_sale, np.asarray(res.data_stopped.any(axis=1))[:n], totals[:n],
                              province_known=province_known)
    rows = tuple(row(i, r + 1, current is not None and on_sale[i].id == current.id) for r, i in enumerate(order))
    return rows, (row(n, None, True) if current is not None else None), order, moved


__all__ = [
    "LINES", "Comparison", "Note", "Row", "compare", "condition_key", "parse_eligible", "project_usage",
    "rank_order", "select_plans", "unmet_conditions",
]
