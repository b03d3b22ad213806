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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from tariffcli.analyze.checks import (
    CHEAPER_HORIZON,
    CHEAPER_MIN_YEARLY_SAVING_FEN,
    CHECKS,
    EXPIRED_LOOKBACK_MONTHS,
    IDLE_MIN_MONTHS,
    MISMATCH_TOLERANCE_FEN,
    SPIKE_MIN_FEN,
    SPIKE_MIN_OTHER_MONTHS,
    SPIKE_RATIO,
    TOPUP_MIN_FEN,
    UNUSED_ADDON_MIN_MONTHS,
    VAS_MIN_MONTHS,
    Analysis,
)
from tariffcli.analyze.lines import GROUP_OF_CATEGORY, Line, line_report, line_usage, match_lines, prepare
from tariffcli.analyze.results import Finding, LineReport, MonthSummary, Report, Skipped
from tariffcli.inputs.bills import Bill
from tariffcli.inputs.records import Records
from tariffcli.inputs.usage import UsageHistory
from tariffcli.model.errors import UsageError
from tariffcli.model.months import parse_month
from tariffcli.model.plan import Plan
from tariffcli.texts import Notice

__all__ = [
    "CHEAPER_HORIZON", "CHEAPER_MIN_YEARLY_SAVING_FEN", "CHECKS", "EXPIRED_LOOKBACK_MONTHS", "GROUP_OF_CATEGORY",
    "IDLE_MIN_MONTHS", "MISMATCH_TOLERANCE_FEN", "SPIKE_MIN_FEN", "SPIKE_MIN_OTHER_MONTHS", "SPIKE_RATIO",
    "TOPUP_MIN_FEN", "UNUSED_ADDON_MIN_MONTHS", "VAS_MIN_MONTHS", "Finding", "LineReport", "MonthSummary", "Report",
    "Skipped", "analyze", "no_findings",
]


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
    province: str | None = None,
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
    starts = {k: _check_month(v, "plan-since") for k, v in (since or {}).items()}
    names, rename_usage, rename_bill = match_lines(records, usage, bill)
    inputs = _Inputs(records, usage, bill, dict(plans or {}), starts, rename_usage, rename_bill)
    inputs.check_lines(names)
    analysis = Analysis(today, horizon, bill, catalogue, province)
    lines = inputs.lines(names, analysis)
    line_reports: list[LineReport] = []
    for ln in lines:
        prepare(ln, bill)
        analysis.run(ln)
        line_reports.append(line_report(ln))
    return _report(inputs, analysis, tuple(line_reports))


def no_findings(report: Report) -> tuple[str, dict[str, int]]:
    """The text key (and its parameters) that says a report has no findings, honestly: "nothing to act on"
    only when every check ran; else how many of the checks could not run (and, when none could, what to give).
    The checks not run and why are listed by :attr:`Report.skipped`."""
    skipped = {s.check for s in report.skipped}
    if not skipped:
        return "an_none", {}
    if len(skipped) >= len(CHECKS):
        return "an_none_nothing", {"all_checks": len(CHECKS)}
    return "an_none_partial", {"n": len(skipped), "all_checks": len(CHECKS)}


# ---------------------------------------------------------------- steps


def _check_month(value: str, option: str) -> str:
    try:
        parse_month(value)
    except ValueError:
        raise UsageError(f"--{option}: {value!r} is not a month YYYY-MM", field=option) from None
    return value


@dataclass(frozen=True)
class _Inputs:
    """The inputs of one analysis, and how each side's lines are named in the report."""

    records: Records | None
    usage: UsageHistory | None
    bill: Bill | None
    plans: dict[str | None, Plan]
    since: dict[str | None, str]
    rename_usage: dict[str, str]
    rename_bill: dict[str, str]

    def check_lines(self, names: Sequence[str]) -> None:
        """``--plan`` and ``--plan-since`` name only lines in the inputs."""
        for option, given in (("plan", self.plans), ("plan-since", self.since)):
            unknown = sorted(k for k in given if k is not None and k not in names)
            if unknown:
                shown = ", ".join(n for n in names if n) or "none (the inputs have no line column)"
                raise UsageError(f"--{option}: no line {', '.join(unknown)} in the inputs; lines: {shown}",
                                 field=option)

    def lines(self, names: Sequence[str], analysis: Analysis) -> list[Line]:
        """Every line's inputs; a ``--plan-since`` after the line's data is an error."""
        lines: list[Line] = []
        late: list[tuple[str, str, str]] = []  # (line, --plan-since, last month analysed)
        for name in names:
            ln, last = self.line(name, analysis)
            if last is not None:
                late.append((name, ln.since or "", last))
            lines.append(ln)
        if late:
            # Nothing could be computed from the plan for such a line (no charges, no comparison), and that
            # would read as "nothing to act on": a start month past the data is a mistake to report.
            if len(late) == len(names) and len({(s, last) for _, s, last in late}) == 1:
                _, start, last = late[0]
                raise UsageError(f"--plan-since {start} is after the last month analysed ({last})",
                                 field="plan-since")
            raise UsageError("; ".join(f"--plan-since {start} is after the last month analysed for line {name} "
                                       f"({last})" for name, start, last in late), field="plan-since")
        return lines

    def line(self, name: str, analysis: Analysis) -> tuple[Line, str | None]:
        """One line's inputs, and the last month analysed when the plan starts after it (else None)."""
        original = next((k for k, v in self.rename_usage.items() if v == name), name)
        hist, daily, activity, no_records = line_usage(self.records, self.usage, original)
        bill = self.bill
        items = tuple(b for b in bill.items if self.rename_bill.get(b.line, b.line) == name) if bill is not None else ()
        plan = self.plans.get(name, self.plans.get(None))
        start = self.since.get(name, self.since.get(None))
        known = sorted(set(hist.months if hist is not None else ()) | {b.month for b in items})
        late = known[-1] if plan is not None and start is not None and known and start > known[-1] else None
        if plan is not None and start is None:
            start = known[0] if known else analysis.today_month
            if self.records is not None and hist is not None and activity and any(activity):
                # itemized records: the line exists from its first month with a record (as --plan A --plan B bills)
                start = hist.months[next(i for i, a in enumerate(activity) if a)]
            if plan.promotions:
                analysis.warnings.append(Notice("an_no_since_line", line=name, plan=plan.id, start=start) if name
                                         else Notice("an_no_since", plan=plan.id, start=start))
        ln = Line(name, plan, start if plan is not None else None, hist, daily, activity, no_records, items)
        return ln, late


def _thin_history(line_reports: tuple[LineReport, ...], records: Records | None,
                  usage: UsageHistory | None) -> list[str]:
    """A warning when the usage given covers only one or two months (a bill alone is not usage)."""
    from tariffcli.compare.scenarios import thin_history_warning

    if records is None and usage is None:
        return []
    months = sorted({m.month for r in line_reports for m in r.months
                     if m.voice_min is not None or m.data_kb is not None or m.sms is not None})
    source = records.source if records is not None else (usage.source if usage is not None else None)
    if thin_history_warning(months, source) is None:
        return []
    return [Notice("thin_history_analyze", where=f"{source}: " if source else "", n=len(months),  # said in the user's language
                   n_months=f"{len(months)} month{'s' if len(months) != 1 else ''}", months=", ".join(months))]


def _report(inputs: _Inputs, analysis: Analysis, line_reports: tuple[LineReport, ...]) -> Report:
    """The report: findings most money first, reminders by day, skipped checks in the order they run."""
    records, usage, bill = inputs.records, inputs.usage, inputs.bill
    currencies = sorted({p.currency for p in inputs.plans.values()})
    findings = sorted(analysis.findings, key=lambda f: (-abs(f.amount), CHECKS.index(f.code), f.line, f.months))
    warnings: list[str] = []
    for src in (records, usage, bill):
        warnings += list(getattr(src, "warnings", ()) or ())
    warnings += _thin_history(line_reports, records, usage)
    return Report(
        currency=currencies[0] if len(currencies) == 1 else "CNY",
        today=analysis.today, horizon=analysis.horizon,
        usage_source=records.source if records is not None else (usage.source if usage is not None else None),
        usage_kind="records" if records is not None else ("monthly" if usage is not None else None),
        bill_source=bill.source if bill is not None else None,
        lines=line_reports, findings=tuple(findings),
        reminders=tuple(sorted(analysis.reminders, key=lambda r: (r.day, r.line, r.plan_id, r.phase, r.kind))),
        unmapped=bill.unmapped if bill is not None else (),
        skipped=tuple(Skipped(check, reason, tuple(lines)) for (check, reason), lines in
                      sorted(analysis.skipped.items(), key=lambda kv: (CHECKS.index(kv[0][0]), kv[0][1]))),
        warnings=tuple(warnings + analysis.warnings),
    )
