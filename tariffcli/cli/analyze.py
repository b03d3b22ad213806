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
from tariffcli.cli.output import TableView, View, check_outputs, emit_result, guard, print_warnings, write_file
from tariffcli.cli.stdin import file_or_stdin, is_stdin
from tariffcli.model.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

    from tariffcli.analyze.pricing import PricedLine
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


def plan_choice(current: list[str] | None, plan: list[str] | None) -> tuple[list[str], list[str]]:
    """(your plan's values, plans to price) from ``--current`` and ``--plan``.

    ``--current`` names your plan (``LINE=PLAN`` per line). ``--plan`` is its alias when given once (or only as
    ``LINE=PLAN``); with ``--current``, or given for every line two or more times, ``--plan`` names the plans to
    price each line under (``--plan A --plan B``).
    """
    bare = [v for v in plan or [] if not _is_line_value(v)]
    per_line = [v for v in plan or [] if _is_line_value(v)]
    if current:
        if per_line:
            raise UsageError("with --current, --plan names plans to price for every line; write LINE=PLAN "
                             "with --current", field="plan")
        return list(current), bare
    if len(bare) >= 2:
        return per_line, bare
    return list(plan or []), []


def typed_over_settings(ctx: typer.Context, current: list[str] | None, plan: list[str] | None) -> list[str] | None:
    """``current`` unless it came from the settings ($TARIFFCLI_CURRENT, the config file) while ``--plan`` was
    typed as your plan (once, or only as ``LINE=PLAN``): a typed option beats a setting (option > env > config)."""
    if not current or not plan:
        return current

    def source(name: str) -> str:
        found = ctx.get_parameter_source(name)
        return found.name if found is not None else ""

    if source("current") != "DEFAULT_MAP" or source("plan") != "COMMANDLINE":
        return current
    bare = [v for v in plan if not _is_line_value(v)]
    return None if len(bare) < 2 else current


def _is_line_value(raw: str) -> bool:
    left, eq, _ = raw.partition("=")
    return bool(eq) and bool(_LINE_KEY.fullmatch(left.strip() or "x"))


def files_or_stdin(values: list[Path] | None) -> list[Path] | None:
    """The USAGE arguments' check: files or folders that exist, or ``-`` (standard input)."""
    return [p for p in (file_or_stdin(v) for v in values) if p is not None] if values else values


def read_table_or_stdin(path: Path, limit: int, sheet: str | None, what: str) -> tuple[bytes, str]:
    """(CSV bytes, name) of a CSV or .xlsx file, or of standard input for ``-`` (named ``<stdin>``)."""
    from tariffcli.inputs.files import read_table

    if not is_stdin(path):
        return read_table(path, str(path), limit, sheet)
    from tariffcli.cli.stdin import read_input
    from tariffcli.inputs.xlsx import is_xlsx, sheet_as_csv

    data, name = read_input(path, limit, what)
    return sheet_as_csv(data, name, sheet) if is_xlsx(data, name) else (data, name)


def read_inputs(
    usage: list[Path] | None, bill: Path | None, columns: list[str] | None = None, sheet: str | None = None
) -> tuple["Records | None", "UsageHistory | None", "Bill | None"]:
    """Itemized records (one or several files, or a folder) or monthly usage (told apart by their columns),
    and the bill: each None if not given. CSV or .xlsx (``sheet``); ``columns``: ``--columns`` mappings;
    ``-`` (once in a run) reads standard input."""
    from tariffcli.inputs.bills import MAX_BYTES as BILL_BYTES
    from tariffcli.inputs.bills import parse_bill_csv
    from tariffcli.inputs.files import check_sheet, table_files
    from tariffcli.inputs.records import MAX_BYTES as RECORD_BYTES
    from tariffcli.inputs.records import MAX_TOTAL_BYTES, looks_like_records, parse_records_csv, read_record_files
    from tariffcli.inputs.usage import parse_usage_csv

    records: Records | None = None
    history: UsageHistory | None = None
    paths = table_files(usage or [], MAX_TOTAL_BYTES)
    check_sheet([*paths, bill], sheet)
    if len(paths) > 1 or columns:
        tables = [read_table_or_stdin(p, RECORD_BYTES, sheet, "USAGE") for p in paths]
        records = read_record_files([(name, data) for data, name in tables], columns=columns)
    elif paths:
        data, name = read_table_or_stdin(paths[0], RECORD_BYTES, sheet, "USAGE")
        if looks_like_records(data, name):
            records = parse_records_csv(data, name)
        else:
            history = parse_usage_csv(data, name)
    bill_doc = parse_bill_csv(*read_table_or_stdin(bill, BILL_BYTES, sheet, "--bill")) if bill else None
    return records, history, bill_doc


def write_ics(path: Path, report: "Report", today: date, language: str) -> None:
    """The report's reminders as iCalendar, written atomically; a line on stderr says so."""
    from tariffcli.analyze.reminders import to_ical
    from tariffcli.texts import analyze_text

    write_file(path, to_ical(report.reminders, today=today, lang=language), "ics")
    print(analyze_text("an_saved_ics", language, n=len(report.reminders), file=path), file=sys.stderr)


@with_groups
def analyze(
    ctx: typer.Context,
    usage: Annotated[list[Path] | None, typer.Argument(
        dir_okay=True, callback=files_or_stdin,
        help="Itemized records (详单: calls, SMS, data sessions; several files or a folder) or a monthly usage "
             "file; CSV or .xlsx; - reads stdin.")] = None,
    bill: Annotated[Path | None, typer.Option(
        "--bill", dir_okay=False, callback=file_or_stdin,
        help="Bill lines CSV: month, item, amount (and line); - reads stdin.")] = None,
    current: Annotated[list[str] | None, typer.Option(
        "--current", help="Your plan: catalogue id or plan file; LINE=PLAN for one line (repeatable).")] = None,
    current_since: Annotated[list[str] | None, typer.Option(
        "--current-since",
        help="Month your plan started, YYYY-MM (promotions count from it); LINE=YYYY-MM for one line.")] = None,
    plan: Annotated[list[str] | None, typer.Option(
        "--plan", help="Once: your plan (as --current). Twice or more, or with --current: plans to price each "
                       "line under (--plan A --plan B).")] = None,
    plan_since: Annotated[list[str] | None, typer.Option(
        "--plan-since", help="Same as --current-since.")] = None,
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
    mine = typed_over_settings(ctx, current, plan)

    def body() -> None:
        from tariffcli.analyze.pricing import price_lines
        from tariffcli.analyze.report import analyze as run
        from tariffcli.cli.sniffing import check_usage_argument
        from tariffcli.cli.stdin import resolve_plan
        from tariffcli.inputs.files import table_files

        now = timing.day()
        if not usage and bill is None:
            raise UsageError("nothing to analyse: give a usage or itemized-records file, or --bill FILE")
        own, priced_refs = plan_choice(mine, plan)
        own_option = "current" if mine else "plan"
        if current_since and plan_since:
            raise UsageError("--plan-since is --current-since: give one of them", field="plan-since")
        since_option = "current-since" if current_since else "plan-since"
        plan_refs = split_line_option(own, own_option)
        if sum(map(is_stdin, [*(usage or []), bill, *plan_refs.values(), *priced_refs])) > 1:
            raise UsageError("only one input can be - (standard input): save the others to files")
        since = {line: parse_month_option(month, since_option)
                 for line, month in split_line_option(current_since or plan_since, since_option).items()}
        if since and not plan_refs:
            raise UsageError(f"--{since_option} needs --{own_option}", field=since_option)
        check_outputs(out, [*table_files(usage or []), bill, *(catalogue.plans or ()), *map(Path, plan_refs.values()),
                            *map(Path, priced_refs)], ics=ics)
        plans = catalogue.load()
        chosen = {line: resolve_plan(ref, plans, option=own_option) for line, ref in plan_refs.items()}
        to_price = [resolve_plan(ref, plans, option="plan") for ref in dict.fromkeys(priced_refs)]
        for path, argument, what in (*[(p, "USAGE", "a usage or records CSV") for p in usage or []],
                                     (bill, "--bill", "a bill CSV")):
            if path is not None and not is_stdin(path):
                check_usage_argument(path, argument, what, plan_options="--current or --plan")
        records, history, bill_doc = read_inputs(usage, bill, list(reading.columns), reading.sheet)
        if to_price and records is None and history is None:
            raise UsageError("--plan A --plan B prices your usage: give a usage or itemized-records file",
                             field="plan")
        report = run(records=records, usage=history, bill=bill_doc, plans=chosen, since=since,
                     catalogue=plans, today=now, horizon=timing.horizon, province=catalogue.province_name())
        priced = price_lines(records, history, to_price)
        language = out.language
        from tariffcli.texts import label, say

        print_warnings((say(w, language) for w in report.warnings), prefix=label("warning_prefix", language))
        if ics is not None:
            write_ics(ics, report, now, language)
        emit_result(out, report_views(report, priced, language))

    guard(body, json_errors=out.json_errors)


def report_views(report: "Report", priced: "Sequence[PricedLine]", language: str) -> dict[str, View]:
    """The report in each format, with each line priced under the plans of ``--plan A --plan B`` (if any): a table
    per line under the report and its footer (table, Markdown), the ``priced`` key (JSON); CSV holds one table:
    the priced plans when there are any (one row per line x plan x month; a note on stderr when findings are
    left out of it), else the findings."""
    import json

    from tariffcli.render import analyze as ra
    from tariffcli.render.analyze_plans import priced_csv, priced_dicts, priced_markdown, priced_tables
    from tariffcli.render.common import shown_text

    def table() -> TableView:
        from rich.console import Group

        footer = ra.footer_view(report, lang=language)
        return TableView(Group(ra.build_table(report, lang=language), *([footer] if footer else []),
                               *priced_tables(priced, language, report.currency)))

    def as_json() -> str:
        doc = ra.report_dict(report, lang=language)
        if priced:
            doc["priced"] = priced_dicts(priced)
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"

    def markdown() -> str:
        text = ra.render_markdown(report, lang=language)
        more = priced_markdown(priced, language, report.currency)
        return text + shown_text("\n".join(more).lstrip("\n") + "\n") if more else text

    def as_csv() -> str:
        if not priced:
            return ra.render_csv(report, lang=language)
        if report.findings:
            from tariffcli.texts import analyze_text

            print(analyze_text("an_csv_priced", language), file=sys.stderr)
        return priced_csv(priced, report.currency)

    return {"table": table, "json": as_json, "csv": as_csv, "markdown": markdown}


def register(app: typer.Typer) -> None:
    """Add the ``analyze`` command to the app."""
    app.command()(analyze)
