"""Reminders before a promotion or bundled pack ends, and their iCalendar export.

The operator's own fix in seed 002 was an SMS one month and one week before
any promotion or package expires. This module computes those dates for the
promotion phases of a plan and writes them as an iCalendar (RFC 5545) file
with the ``icalendar`` library. It never reads the clock: ``today`` is an
argument, and the file carries no timestamp but one derived from it, so the
same input always gives the same bytes.

Dates. A phase covering plan months ``from_month..to_month`` of a plan that
started in month ``since`` covers the calendar months
``since + from_month - 1 .. since + to_month - 1``; it **ends** on the first
day of the month after (the first day billed without it). Reminders fall
:data:`MONTH_BEFORE` and :data:`WEEK_BEFORE` before that day. A reminder whose
date has passed is left out; if both have passed but the end has not, one
reminder is dated ``today``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from tariffcli.model.months import add_months, first_day
from tariffcli.model.plan import Phase, Plan
from tariffcli.model.sanitise import one_line
from tariffcli.texts import analyze_text

__all__ = ["MONTH_BEFORE", "WEEK_BEFORE", "Reminder", "phase_span", "phase_what", "reminders_for", "to_ical"]

MONTH_BEFORE = 1
"""Months before the end for the first reminder."""
WEEK_BEFORE = timedelta(days=7)
"""Time before the end for the second reminder."""
ALARM_AT = timedelta(hours=9)
"""Each all-day event carries a display alarm at 09:00 on its day."""
PRODID = "-//tariffcli//bill analyzer reminders//EN"


@dataclass(frozen=True)
class Reminder:
    """One reminder of a promotion or pack that ends."""

    day: date
    """Day to remind."""
    kind: str
    """``month_before``, ``week_before`` or ``now`` (both earlier dates had passed)."""
    ends: date
    """First day without the promotion."""
    last_month: str
    """Last calendar month the promotion covers, ``YYYY-MM``."""
    line: str
    """The number ('' for a single line)."""
    plan_id: str
    plan_name: str
    phase: int
    """1-based position of the phase in the plan's ``promotions``."""
    what: str
    """What ends: the bundled packs' names, else the phase's note, else ``#N``."""
    is_pack: bool
    """The phase bundles a pack (叠加包) rather than only changing fee, discount, credit or allowance."""
    monthly_change: int | None
    """Change of the monthly bill at the user's usage when it ends, fen (None when unknown)."""


def phase_span(since: str, phase: Phase) -> tuple[str, str, date]:
    """(first calendar month, last calendar month, end date) of a phase of a plan started in ``since``."""
    first = add_months(since, phase.from_month - 1)
    last = add_months(since, phase.to_month - 1)
    return first, last, first_day(add_months(last, 1))


def phase_what(plan: Plan, index: int) -> tuple[str, bool]:
    """(what the phase is called, whether it bundles a pack) for phase ``index`` (0-based)."""
    phase = plan.promotions[index]
    if phase.addons:
        return ", ".join(plan.addon(a).name for a in phase.addons), True
    return (phase.note or f"#{index + 1}"), False


def reminder_dates(ends: date, today: date) -> list[tuple[str, date]]:
    """The reminder days for an end date, as (kind, day), none before ``today``."""
    month = first_day(add_months(f"{ends.year:04d}-{ends.month:02d}", -MONTH_BEFORE)).replace(
        day=min(ends.day, 28)
    )
    out = [(k, d) for k, d in (("month_before", month), ("week_before", ends - WEEK_BEFORE)) if d >= today]
    if not out and ends > today:
        out = [("now", today)]
    return out


def reminders_for(
    plan: Plan,
    since: str,
    *,
    today: date,
    horizon: int,
    line: str = "",
    monthly_change: Sequence[int | None] | None = None,
) -> tuple[Reminder, ...]:
    """Reminders for every phase of ``plan`` that ends after ``today`` and within ``horizon`` months of it.

    ``monthly_change[i]``, when given, is the bill change when phase ``i`` ends.
    """
    limit = first_day(add_months(f"{today.year:04d}-{today.month:02d}", horizon))
    out: list[Reminder] = []
    for i, phase in enumerate(plan.promotions):
        _, last, ends = phase_span(since, phase)
        if not today < ends <= limit:
            continue
        what, is_pack = phase_what(plan, i)
        change = monthly_change[i] if monthly_change is not None else None
        for kind, day in reminder_dates(ends, today):
            out.append(Reminder(day=day, kind=kind, ends=ends, last_month=last, line=line, plan_id=plan.id,
                                plan_name=plan.name, phase=i + 1, what=what, is_pack=is_pack,
                                monthly_change=change))
    return tuple(sorted(out, key=lambda r: (r.day, r.line, r.plan_id, r.phase)))


def reminder_text(r: Reminder, lang: str) -> tuple[str, str]:
    """(summary, description) of a reminder in ``lang``.

    Text from the plan or the bill (what ends, the plan's name, the line) has its control and bidi characters
    escaped (:func:`tariffcli.model.sanitise.one_line`): a calendar shows it, and icalendar only escapes its own
    syntax."""
    summary = analyze_text("reminder.summary", lang, what=one_line(r.what), ends=r.ends.isoformat())
    parts = [analyze_text("reminder.plan", lang, plan=one_line(r.plan_name), plan_id=r.plan_id)]
    if r.line:
        parts.append(analyze_text("reminder.line", lang, line=one_line(r.line)))
    if r.monthly_change is not None:
        parts.append(analyze_text("reminder.change", lang, monthly_change=r.monthly_change))
    parts.append(analyze_text("reminder.act", lang))
    return summary, " ".join(parts)


def to_ical(reminders: Sequence[Reminder], *, today: date, lang: str = "en") -> bytes:
    """An iCalendar file with one all-day event (and a 09:00 alarm) per reminder.

    UIDs are derived from the plan, line, phase and kind, and DTSTAMP from
    ``today``, so the output depends only on the input.
    """
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", analyze_text("reminder.calendar", lang))
    stamp = datetime.combine(today, time(0, 0), tzinfo=UTC)
    for r in reminders:
        summary, description = reminder_text(r, lang)
        event = Event()
        line = r.line or "line"
        event.add("uid", f"{r.plan_id}.{line}.{r.phase}.{r.ends.isoformat()}.{r.kind}@tariffcli")
        event.add("dtstamp", stamp)
        event.add("dtstart", r.day)
        event.add("dtend", r.day + timedelta(days=1))
        event.add("summary", summary)
        event.add("description", description)
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", ALARM_AT)
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
