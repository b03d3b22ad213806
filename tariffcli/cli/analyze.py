"""The 'analyze' command: findings from itemized records or monthly usage, a bill and your plan.

Only typer and the standard library are imported here at module level; the
core (numpy, pydantic, the engine) is imported when the command runs, so
``tariffcli --help`` stays fast. No ``from __future__ import annotations``:
Typer reads the option types defined inside :func:`register`.
"""

import re
import sys
import unicodedata
from pathlib import Path
from typing import Annotated

import typer

_LINE_KEY = re.compile(r"[0-9+*#\-\s]+")


def split_line_option(values: list[str] | None, option: str) -> dict[str | None, str]:
    """``--plan``/``--plan-since`` values: 'VALUE' for every line, 'LINE=VALUE' for one line."""
    from tariffcli.model.errors import UsageError

    out: dict[str | None, str] = {}
    for raw in values or []:
        key: str | None = None
        value = raw.strip()
        left, eq, right = raw.partition("=")
        if eq and _LINE_KEY.fullmatch(left.strip() or "x"):
            key = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", left))
            value = right.strip()
        if not value:
            raise UsageError(f"--{option}: {raw!r} has no value; write VALUE or LINE=VALUE", field=option)
        if key in out:
            which = f"line {key}" if key else "every line"
            raise UsageError(f"--{option} is given twice for {which}", field=option)
        out[key] = value
    return out


def register(app: typer.Typer) -> None:
    """Add the ``analyze`` command to the app."""
    from tariffcli.cli.options import FormatOpt, LangOpt, OutputFormat, OutputOpt, PlansOpt, parse_day, resolve_lang
    from tariffcli.cli.output import emit, emit_table, guard

    @app.command()
    def analyze(
        usage: Annotated[Path | None, typer.Argument(
            exists=True, dir_okay=False,
            help="Itemized records (详单: calls, SMS, data sessions) or a monthly usage CSV.")] = None,
        bill: Annotated[Path | None, typer.Option(
            "--bill", exists=True, dir_okay=False, help="Bill lines CSV: month, item, amount (and line).")] = None,
        plan: Annotated[list[str] | None, typer.Option(
            "--plan", help="Your plan: catalogue id or plan file; LINE=PLAN for one line (repeatable).")] = None,
        plan_since: Annotated[list[str] | None, typer.Option(
            "--plan-since",
            help="Month your plan started, YYYY-MM (promotions count from it); LINE=YYYY-MM for one line.")] = None,
        plans: PlansOpt = None,
        today: Annotated[str | None, typer.Option(
            "--today", help="Today's date, YYYY-MM-DD (default: the system date).")] = None,
        horizon: Annotated[int, typer.Option(
            "--horizon", min=1, max=600, help="Months ahead to look for promotions that end.")] = 12,
        ics: Annotated[Path | None, typer.Option(
            "--ics", dir_okay=False, help="Also write the reminders to FILE as iCalendar (.ics).")] = None,
        fmt: FormatOpt = OutputFormat.table,
        output: OutputOpt = None,
        lang: LangOpt = None,
    ) -> None:
        """Analyse a bill: top-ups, spikes, lapsed promotions, unwanted services, idle lines, cheaper plans."""

        def body() -> None:
            from tariffcli.inputs import files as tio
            from tariffcli.model.errors import UsageError

            now = parse_day(today, "today")
            if usage is None and bill is None:
                raise UsageError("nothing to analyse: give a usage or itemized-records file, or --bill FILE")
            plan_refs = split_line_option(plan, "plan")
            since = split_line_option(plan_since, "plan-since")
            if since and not plan_refs:
                raise UsageError("--plan-since needs --plan", field="plan-since")
            catalogue = tio.load_plans(plans)
            chosen = {line: tio.resolve_plan(ref, catalogue, option="plan") for line, ref in plan_refs.items()}

            from tariffcli.analyze.report import analyze as run
            from tariffcli.inputs.bills import MAX_BYTES as BILL_BYTES
            from tariffcli.inputs.bills import parse_bill_csv
            from tariffcli.inputs.records import MAX_BYTES as RECORD_BYTES
            from tariffcli.inputs.records import looks_like_records, parse_records_csv
            from tariffcli.inputs.usage import parse_usage_csv

            records = history = None
            if usage is not None:
                data = tio.read_bytes(usage, str(usage), RECORD_BYTES)
                if looks_like_records(data, str(usage)):
                    records = parse_records_csv(data, str(usage))
                else:
                    history = parse_usage_csv(data, str(usage))
            bill_doc = parse_bill_csv(tio.read_bytes(bill, str(bill), BILL_BYTES), str(bill)) if bill else None
            report = run(records=records, usage=history, bill=bill_doc, plans=chosen, since=since,
                         catalogue=catalogue, today=now, horizon=horizon)
            language = resolve_lang(lang)
            for w in report.warnings:
                print(f"Warning: {w}", file=sys.stderr)
            if ics is not None:
                from tariffcli.analyze.reminders import to_ical
                from tariffcli.texts import analyze_text

                try:
                    tio.atomic_write(ics, to_ical(report.reminders, today=now, lang=language).decode("utf-8"))
                except OSError as exc:
                    raise UsageError(f"cannot write {ics}: {exc.strerror}", field="ics") from None
                print(analyze_text("an_saved_ics", language, n=len(report.reminders), file=ics), file=sys.stderr)
            from tariffcli.render import analyze as ra

            if fmt is OutputFormat.table:
                emit_table(ra.build_table(report, lang=language), ra.render_text_footer(report, lang=language),
                            output)
            elif fmt is OutputFormat.json:
                emit(ra.render_json(report, lang=language), output)
            elif fmt is OutputFormat.csv:
                emit(ra.render_csv(report, lang=language), output)
            else:
                emit(ra.render_markdown(report, lang=language), output)

        guard(body, json_errors=fmt is OutputFormat.json)
