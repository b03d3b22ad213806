"""The command line: parse arguments, call the core, hand results to the renderers.

Heavy modules (pandas, numpy, pydantic, rich) are imported inside the commands,
so ``tariffcli --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from tariffcli.cli.options import (
    ChartOpt,
    CiteOpt,
    ExcelOpt,
    FormatOpt,
    LangOpt,
    OperatorOpt,
    OutputFormat,
    OutputOpt,
    PlansOpt,
    Scenario,
    TagOpt,
    parse_day,
    resolve_lang,
)
from tariffcli.cli.output import emit, emit_table, guard
from tariffcli.model.errors import UsageError

app = typer.Typer(
    name="tariffcli",
    help="Compare mobile tariffs and analyse phone bills, exactly to the fen.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
plans_app = typer.Typer(help="List, show and validate plan definitions.", no_args_is_help=True)
app.add_typer(plans_app, name="plans")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            print(f"tariffcli {version('tariffcli')}")
        except PackageNotFoundError:
            print("tariffcli (not installed)")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Compare mobile tariffs and analyse phone bills, exactly to the fen."""


@app.command()
def compare(
    usage: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Monthly usage CSV.")],
    plans: PlansOpt = None,
    current: Annotated[
        str | None, typer.Option("--current", help="Your current plan: a catalogue id or a plan file.")
    ] = None,
    current_since: Annotated[
        str | None, typer.Option("--current-since", help="Month your current plan started (YYYY-MM).")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="Month a new plan would start (YYYY-MM; default: next month).")
    ] = None,
    horizon: Annotated[int, typer.Option("--horizon", min=1, max=600, help="Months to simulate.")] = 12,
    top: Annotated[int | None, typer.Option("--top", min=1, help="Show only the N cheapest plans.")] = None,
    operator: OperatorOpt = None,
    tag: TagOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    lang: LangOpt = None,
    cite: CiteOpt = False,
    excel: ExcelOpt = False,
    bars: Annotated[bool, typer.Option("--bars", help="Show totals as a bar chart in the terminal.")] = False,
    chart: ChartOpt = None,
    with_addons: Annotated[bool, typer.Option(
        "--with-addons", help="Rank each plan with its cheapest set of optional packs (exact search).",
    )] = False,
    scenario: Annotated[Scenario | None, typer.Option(
        "--scenario", help="Rank on one usage level from your history; show months over and the break-even.",
    )] = None,
    eligible: Annotated[list[str] | None, typer.Option(
        "--eligible", help="Conditions you meet, e.g. student,elderly (repeatable); other restricted plans are left out.",
    )] = None,
    explain: Annotated[bool, typer.Option(
        "--explain", help="Add how to switch to the recommended plan and the rules you may cite, with sources.",
    )] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="Pretend today is YYYY-MM-DD (for reproducible runs).", hidden=True)
    ] = None,
) -> None:
    """Rank every plan by what it would cost you over the horizon."""

    def body() -> None:
        from tariffcli.compare.ranking import compare as run_compare
        from tariffcli.compare.ranking import parse_eligible, select_plans
        from tariffcli.inputs import files as tio
        from tariffcli.model.months import next_month

        now = parse_day(today, "today")
        if excel and fmt is not OutputFormat.csv:
            raise UsageError("--excel goes with --format csv", field="excel")
        if bars and fmt is not OutputFormat.table:
            raise UsageError("--bars is a terminal view: leave out --format (or use --format table)", field="bars")
        if chart is not None:
            from tariffcli.render.charts import chart_format

            chart_format(chart)  # a wrong suffix fails before any work
        first = start or next_month(now)
        catalogue = tio.load_plans(plans)
        cur = tio.resolve_plan(current, catalogue) if current else None
        if current_since and cur is None:
            raise UsageError("--current-since needs --current", field="current-since")
        chosen = select_plans(catalogue, operators=operator or (), tags=tag or ())
        history = tio.read_usage(usage)
        for w in getattr(history, "warnings", ()):
            print(f"Warning: {w}", file=sys.stderr)
        result = run_compare(chosen, history, start=first, horizon=horizon, current=cur, current_since=current_since,
                             with_addons=with_addons, scenario=scenario.value if scenario else None,
                             eligible=None if eligible is None else parse_eligible(eligible),
                             keep_number="keep-number" in (tag or ()), explain=explain)
        language = resolve_lang(lang)
        from tariffcli.texts import label

        for reason in ("not_on_sale", "suspended_line"):
            left = [p.id for p, why in result.excluded if why == reason]
            if left:
                print(label(f"excluded_{reason}", language, n=len(left), start=first, ids=", ".join(left)),
                      file=sys.stderr)
        from tariffcli.render import compare as render

        left_out = render.not_eligible_line(result, language)
        if left_out:
            print(left_out, file=sys.stderr)

        if bars:
            emit(render.render_bars(result, lang=language, top=top), output)
        elif fmt is OutputFormat.table:
            emit_table(render.build_table(result, lang=language, top=top),
                        render.render_text_footer(result, lang=language, top=top), output)
        elif fmt is OutputFormat.json:
            emit(render.render_json(result, lang=language, top=top), output)
        elif fmt is OutputFormat.csv:
            emit(render.render_csv(result, lang=language, top=top, cite=cite), output, bom=excel)
        else:
            emit(render.render_markdown(result, lang=language, top=top, cite=cite), output)
        if chart is not None:
            from tariffcli.cli.baskets import write_chart

            write_chart(chart, "compare", result, language, top=top)

    guard(body, json_errors=fmt is OutputFormat.json)


@plans_app.command("list")
def plans_list(
    plans: PlansOpt = None,
    operator: OperatorOpt = None,
    tag: TagOpt = None,
    province: Annotated[list[str] | None, typer.Option(
        "--province", help="Only plans for this province (national plans included; repeatable).",
    )] = None,
    max_fee: Annotated[str | None, typer.Option("--max-fee", help="Only plans whose monthly fee is at most this.")] = None,
    on: Annotated[str | None, typer.Option(
        "--date", help="Leave out plans not on sale on this day, YYYY-MM-DD (default: today).",
    )] = None,
    all_: Annotated[bool, typer.Option("--all", help="Also list plans outside their validity window.")] = False,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """List the plans in the catalogue (plans not on sale today are left out and reported)."""

    def body() -> None:
        from tariffcli.cli.baskets import parse_amount
        from tariffcli.compare.catalogue_filter import filter_plans
        from tariffcli.inputs import files as tio
        from tariffcli.render import compare as render

        if excel and fmt is not OutputFormat.csv:
            raise UsageError("--excel goes with --format csv", field="excel")
        day = None if all_ else parse_day(on)
        selection = filter_plans(tio.load_plans(plans), operators=operator or (), tags=tag or (),
                                 provinces=province or (), max_fee=parse_amount(max_fee, "max-fee"), on=day)
        chosen = selection.plans
        if selection.not_on_sale:
            from tariffcli.texts import label

            language = resolve_lang(None)
            why = label("reason_not_on_sale", language, day=day)
            items = ", ".join(f"{p.id} ({why})" for p in selection.not_on_sale)
            print(label("left_out", language, n=len(selection.not_on_sale), items=items) + " [--all]", file=sys.stderr)
        if fmt is OutputFormat.table:
            emit_table(render.plans_table(chosen), "", output)
        else:
            emit(render.plans_text(chosen, fmt.value), output, bom=excel)

    guard(body, json_errors=fmt is OutputFormat.json)


@plans_app.command("show")
def plans_show(
    plan_id: Annotated[str, typer.Argument(metavar="ID", help="Catalogue id or plan file.")],
    plans: PlansOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="table (the plan file) or json.")] = OutputFormat.table,
) -> None:
    """Show one plan in full, with its sources."""

    def body() -> None:
        from tariffcli.inputs import files as tio
        from tariffcli.render import compare as render

        plan = tio.resolve_plan(plan_id, tio.load_plans(plans), option="plan")
        emit(render.show_plan(plan, json_format=fmt is OutputFormat.json), None)

    guard(body, json_errors=fmt is OutputFormat.json)


@plans_app.command("validate")
def plans_validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="Plan files or directories (default: the catalogue).")] = None,
) -> None:
    """Check plan files; report every problem with file:line. Exit 1 on any error."""

    def body() -> None:
        from tariffcli.inputs import files as tio

        loaded = tio.load_plans(paths)
        print(f"{len(loaded)} plans OK", file=sys.stderr)

    guard(body)


@plans_app.command("schema")
def plans_schema() -> None:
    """Print the JSON Schema of a plan file (generated from the model)."""
    from tariffcli.model.plan import plan_json_schema

    emit(json.dumps(plan_json_schema(), ensure_ascii=False, indent=2) + "\n", None)


def _register_commands() -> None:
    """Commands defined in their own modules (each keeps its imports lazy)."""
    from tariffcli.cli import analyze as cli_analyze
    from tariffcli.cli import baskets as cli_baskets
    from tariffcli.cli import batch as cli_batch
    from tariffcli.cli import offer as cli_offer

    for module in (cli_analyze, cli_batch, cli_offer, cli_baskets):
        module.register(app)


_register_commands()


def _wants_json(argv: list[str]) -> bool:
    """Whether the command line asks for JSON output (so errors are also written as JSON)."""
    for i, arg in enumerate(argv):
        if arg in ("--format", "-f") and i + 1 < len(argv) and argv[i + 1] == "json":
            return True
        if arg in ("--format=json", "-fjson"):
            return True
    return False


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point.

    Option errors found by the parser (a missing file, a value out of range) exit
    with code 2 like every usage error, and with ``--format json`` they are also
    written to stderr as a JSON line, as the command bodies' errors are.
    """
    args = sys.argv[1:] if argv is None else argv
    try:
        rv = app(args=args, standalone_mode=False, prog_name="tariffcli")
    except KeyboardInterrupt:
        print("Aborted.", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # the parser's own errors: anything else is a bug and keeps its traceback
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if type(exc).__name__ == "Abort":
            print("Aborted.", file=sys.stderr)
            sys.exit(1)
        if show is None or not isinstance(code, int):
            raise
        show()
        if _wants_json(args):
            message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
            problem = {"code": "usage", "message": message, "file": None, "line": None, "field": None}
            doc = {"version": "1", "error": {"exit_code": code, "problems": [problem]}}
            print(json.dumps(doc, ensure_ascii=False), file=sys.stderr)
        sys.exit(code)
    sys.exit(rv if isinstance(rv, int) else 0)
