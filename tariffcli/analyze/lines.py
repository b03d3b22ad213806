"""Per-line inputs of the bill analyzer, and the engine's figures for them.

A household's usage and bill are matched line by line (:func:`match_lines`);
each line carries its usage history, its bill items, its plan and the month
the plan started (:class:`Line`). :func:`prepare` adds what the engine gives
for the line at its recorded usage, and the charges per month and group of
bill lines that the checks (:mod:`tariffcli.analyze.checks`) compare.
Amounts are integer fen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tariffcli.analyze.results import LineReport, MonthSummary
from tariffcli.engine import LINES, Usage, simulate
from tariffcli.inputs.bills import Bill, BillLine
from tariffcli.inputs.records import LineRecords, Records
from tariffcli.inputs.usage import UsageHistory
from tariffcli.model.errors import DataError, Problem
from tariffcli.model.months import days_in, months_between
from tariffcli.model.plan import Plan

__all__ = [
    "COMPARED", "ENGINE_GROUP", "GROUPS", "GROUP_OF_CATEGORY", "SERVICE_OF_CATEGORY", "USAGE_GROUPS", "Line",
    "RecordedHistory", "bill_totals", "engine_usage", "line_report", "line_usage", "match_lines", "prepare",
    "rounded_for", "total", "use", "zero_usage",
]

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
"""Pack category -> the service it gives."""
USAGE_GROUPS = ("voice", "sms", "data")
"""Groups charged for usage (out of bundle)."""


@dataclass(frozen=True)
class RecordedHistory(UsageHistory):
    """A history totalled from itemized records: it also gives the usage rounded as any plan rounds it.

    Its own figures are the default rounding (data per session, calls per call); :func:`rounded_for` gives the
    month-rounded variants a plan's ``rounding`` asks for.
    """

    recorded: LineRecords | None = None


def rounded_for(hist: UsageHistory, data: str = "session", calls: str = "call") -> UsageHistory:
    """``hist`` with data and calls rounded where a plan rounds them (records only; a monthly summary is as given)."""
    if not isinstance(hist, RecordedHistory) or hist.recorded is None or (data, calls) == ("session", "call"):
        return hist
    return hist.recorded.history(hist.source, data=data, calls=calls)


@dataclass
class Line:
    """One line's inputs, and (after :func:`prepare`) its charges and the engine's bill lines."""

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


# ---------------------------------------------------------------- engine figures


def engine_usage(hist: UsageHistory, daily: tuple[tuple[int, ...], ...] | None, months: Sequence[str]) -> Usage:
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


def zero_usage(months: Sequence[str]) -> Usage:
    """No usage at all in ``months`` (the days in each month)."""
    z = np.zeros(len(months), np.int64)
    days = np.array([days_in(m) for m in months], np.int64)
    return Usage(tuple(months), z, z, z, z, days, np.ones(len(months), np.bool_))


def bill_totals(plan: Plan, usage: Usage, first: int) -> Any:
    """Engine bill lines of one plan, shape (months, len(LINES))."""
    return simulate([plan], usage, [first]).lines[0]


def total(lines: Any) -> Any:
    """The ``total`` column of bill lines of shape (months, len(LINES))."""
    return lines[:, LINES.index("total")]


def use(hist: UsageHistory, month: str) -> dict[str, int]:
    """One month's usage per usage group (data: general and app data together)."""
    i = hist.months.index(month)
    return {"voice": hist.voice_min[i], "sms": hist.sms[i], "data": hist.data_kb[i] + hist.app_data_kb[i]}


# ---------------------------------------------------------------- matching and filling lines


def match_lines(records: Records | None, usage: UsageHistory | None,
                bill: Bill | None) -> tuple[list[str], dict[str, str], dict[str, str]]:
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


def line_usage(records: Records | None, usage: UsageHistory | None, line: str) -> tuple[
        UsageHistory | None, tuple[tuple[int, ...], ...] | None, tuple[int, ...] | None, bool]:
    """(history, daily data, activity per month, no records at all) of one line, as named in the usage input."""
    if records is not None:
        lr = records.line(line)
        if lr is None:
            zeros = (0,) * len(records.months)
            hist = UsageHistory(source=records.source, months=records.months, voice_min=zeros, sms=zeros,
                                data_kb=zeros, app_data_kb=zeros, data_days=zeros)
            return hist, tuple((0,) * 31 for _ in records.months), zeros, True
        base = lr.history(records.source)
        recorded = RecordedHistory(source=base.source, months=base.months, voice_min=base.voice_min, sms=base.sms,
                                   data_kb=base.data_kb, app_data_kb=base.app_data_kb, data_days=base.data_days,
                                   recorded=lr)
        return recorded, lr.daily_data_kb, lr.records, False
    if usage is not None:
        activity = tuple(v + s + d + a for v, s, d, a in zip(usage.voice_min, usage.sms, usage.data_kb,
                                                             usage.app_data_kb, strict=True))
        return usage, None, activity, False
    return None, None, None, False


def prepare(ln: Line, bill: Bill | None) -> None:
    """The engine's bill lines at the recorded usage, and the charges per month and group.

    The charges are the bill's when there is a bill, else the engine's. The usage billed is rounded where the
    line's plan rounds it (:func:`rounded_for`).
    """
    if ln.plan is not None and ln.hist is not None and ln.since is not None:
        ln.sim_months = tuple(m for m in ln.hist.months if m >= ln.since)
        if ln.sim_months:
            billed = rounded_for(ln.hist, ln.plan.rounding.data, ln.plan.rounding.calls)
            ln.usage = engine_usage(billed, ln.daily, ln.sim_months)
            ln.sim_lines = bill_totals(ln.plan, ln.usage, months_between(ln.since, ln.sim_months[0]) + 1)
    if bill is not None:
        for b in ln.items:
            group = GROUP_OF_CATEGORY[b.category]
            month = ln.charges.setdefault(b.month, {})
            month[group] = month.get(group, 0) + b.amount
    elif ln.sim_lines is not None:
        for i, m in enumerate(ln.sim_months):
            month = ln.charges.setdefault(m, {})
            for name, group in ENGINE_GROUP.items():
                month[group] = month.get(group, 0) + int(ln.sim_lines[i, LINES.index(name)])


def line_report(ln: Line) -> LineReport:
    """What was analysed for the line, month by month."""
    months = sorted(set(ln.hist.months if ln.hist is not None else ()) | {b.month for b in ln.items}
                    | set(ln.charges))
    rows = []
    for m in months:
        in_hist = ln.hist is not None and m in ln.hist.months
        i = ln.hist.months.index(m) if in_hist and ln.hist is not None else -1
        charged = sum(b.amount for b in ln.items if b.month == m) if any(b.month == m for b in ln.items) else None
        expected = int(total(ln.sim_lines)[ln.sim_months.index(m)]) if m in ln.sim_months else None
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
