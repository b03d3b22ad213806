"""The 'analyze' command: findings from itemized records or monthly usage, a bill and your plan.

Only typer, the option groups and the standard library are imported here at module
level; the core (numpy, pydantic, the engine) is imported when the command runs, so
``tariffcli --help`` stays fast. No ``from __future__ import annotations``:
Typer reads the command's annotations.
"""

import re
import sys
import unicodedata
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tariffcli.cli.options import (
    DEFAULT_CATALOGUE,
    DEFAULT_OUTPUT,
    DEFAULT_RECORD_READING,
    DEFAULT_TIMING,
    TIMING_MEMBERS,
    CatalogueChoice,
    Output,
    RecordReading,
    Timing,
    but,
    catalogue_options,
    output_options,
    parse_month_option,
    record_options,
    timing_options,
    with_groups,
)
from tariffcli.cli.output import TableView, check_outputs, emit_result, guard, print_warnings, write_file
from tariffcli.model.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.analyze.results import Report
    from tariffcli.inputs.bills import Bill
    from tariffcli.inputs.records import Records
    from tariffcli.inputs.usage import UsageHistory

_LINE_KEY = re.compile(r"[0-9+*#\-\s]+")


def split_line_option(values: list[str] | None, option: str) -> dict[str | None, str]:
    """``--plan``/``--plan-since`` values: 'VALUE' for every line, 'LINE=VALUE' for one line."""
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


def read_inputs(
    usage: list[Path] | None, bill: Path | None, columns: list[str] | None = None, sheet: str | None = None
) -> tuple["Records | None", "UsageHistory | None", "Bill | None"]:
    """Itemized records (one or several files, or a folder) or monthly usage (told apart by their columns),
    and the bill: each None if not given. CSV or .xlsx (``sheet``); ``columns``: ``--columns`` mappings."""
    from tariffcli.inputs.bills import MAX_BYTES as BILL_BYTES
    from tariffcli.inputs.bills import parse_bill_csv
    from tariffcli.inputs.files import read_table, table_files
    from tariffcli.inputs.records import MAX_BYTES as RECORD_BYTES
    from tariffcli.inputs.records import MAX_TOTAL_BYTES, looks_like_records, parse_records_csv, read_record_files
    from tariffcli.inputs.usage import parse_usage_csv

    records: Records | None = None
    history: UsageHistory | None = None
    paths = table_files(usage or [], MAX_TOTAL_BYTES)
    if len(paths) > 1 or columns:
        tables = [read_table(p, str(p), RECORD_BYTES, sheet) for p in paths]
        records = read_record_files([(name, data) for data, name in tables], columns=columns)
    elif paths:
        data, name = read_table(paths[0], str(paths[0]), RECORD_BYTES, sheet)
        if looks_like_records(data, name):
            records = parse_records_csv(data, name)
        else:
            history = parse_usage_csv(data, name)
    bill_doc = parse_bill_csv(*read_table(bill, str(bill), BILL_BYTES, sheet)) if bill else None
    return records, history, bill_doc


def write_ics(path: Path, report: "Report", today: date, language: str) -> None:
    """The report's reminders as iCalendar, written atomically; a line on stderr says so."""
    from tariffcli.analyze.reminders import to_ical
    from tariffcli.texts import analyze_text

    write_file(path, to_ical(report.reminders, today=today, lang=language), "ics")
    print(analyze_text("an_saved_ics", language, n=len(report.reminders), file=path), file=sys.stderr)


@with_groups
def analyze(
    usage: Annotated[list[Path] | None, typer.Argument(
        exists=True, dir_okay=True,
        help="Itemized records (详单: calls, SMS, data sessions; several files or a folder) or a monthly usage "
             "file; CSV or .xlsx.")] = None,
    bill: Annotated[Path | None, typer.Option(
        "--bill", exists=True, dir_okay=False, help="Bill lines CSV: month, item, amount (and line).")] = None,
    plan: Annotated[list[str] | None, typer.Option(
        "--plan", help="Your plan: catalogue id or plan file; LINE=PLAN for one line (repeatable).")] = None,
    plan_since: Annotated[list[str] | None, typer.Option(
        "--plan-since",
        help="Month your plan started, YYYY-MM (promotions count from it); LINE=YYYY-MM for one line.")] = None,
    catalogue: Annotated[CatalogueChoice, catalogue_options("plans", "province")] = DEFAULT_CATALOGUE,
    timing: Annotated[Timing, timing_options(
        "today", "horizon",
        today=but(TIMING_MEMBERS["today"], "Today's date, YYYY-MM-DD (default: the system date).", hidden=False),
        horizon=but(TIMING_MEMBERS["horizon"], "Months ahead to look for promotions that end."),
    )] = DEFAULT_TIMING,
    reading: Annotated[RecordReading, record_options("columns", "sheet")] = DEFAULT_RECORD_READING,
    ics: Annotated[Path | None, typer.Option(
        "--ics", dir_okay=False, help="Also write the reminders to FILE as iCalendar (.ics).")] = None,
    out: Annotated[Output, output_options("format", "output", "lang")] = DEFAULT_OUTPUT,
) -> None:
    """Analyse a bill: top-ups, spikes, lapsed promotions, unwanted services, idle lines, cheaper plans."""

    def body() -> None:
        from tariffcli.analyze.report import analyze as run
        from tariffcli.inputs.files import resolve_plan, table_files
        from tariffcli.render import analyze as ra

        now = timing.day()
        if not usage and bill is None:
            raise UsageError("nothing to analyse: give a usage or itemized-records file, or --bill FILE")
        plan_refs = split_line_option(plan, "plan")
        since = {line: parse_month_option(month, "plan-since")
                 for line, month in split_line_option(plan_since, "plan-since").items()}
        if since and not plan_refs:
            raise UsageError("--plan-since needs --plan", field="plan-since")
        check_outputs(out, [*table_files(usage or []), bill, *(catalogue.plans or ()), *map(Path, plan_refs.values())], ics=ics)
        plans = catalogue.load()
        chosen = {line: resolve_plan(ref, plans, option="plan") for line, ref in plan_refs.items()}
        records, history, bill_doc = read_inputs(usage, bill, list(reading.columns), reading.sheet)
        report = run(records=records, usage=history, bill=bill_doc, plans=chosen, since=since,
                     catalogue=plans, today=now, horizon=timing.horizon, province=catalogue.province_name())
        language = out.language
        print_warnings(report.warnings)
        if ics is not None:
            write_ics(ics, report, now, language)
        emit_result(out, {
            "table": lambda: TableView(ra.build_table(report, lang=language),
                                       ra.render_text_footer(report, lang=language)),
            "json": lambda: ra.render_json(report, lang=language),
            "csv": lambda: ra.render_csv(report, lang=language),
            "markdown": lambda: ra.render_markdown(report, lang=language),
        })

    guard(body, json_errors=out.json_errors)


def register(app: typer.Typer) -> None:
    """Add the ``analyze`` command to the app."""
    app.command()(analyze)
