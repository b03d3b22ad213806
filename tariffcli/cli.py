"""The command line: parse arguments, call the core, hand results to the renderers.

Heavy modules (pandas, numpy, pydantic, rich) are imported inside the commands,
so ``tariffcli --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from .errors import TariffError, UsageError
from .i18n import default_lang

app = typer.Typer(
    name="tariffcli",
    help="Compare mobile tariffs and analyse phone bills, exactly to the fen.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
plans_app = typer.Typer(help="List, show and validate plan definitions.", no_args_is_help=True)
app.add_typer(plans_app, name="plans")


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class Lang(StrEnum):
    en = "en"
    zh = "zh"


class Scenario(StrEnum):
    mean = "mean"
    p50 = "p50"
    p90 = "p90"
    max = "max"


T = TypeVar("T")


def _fail(exc: TariffError, json_errors: bool) -> typer.Exit:
    for p in exc.problems:
        print(f"Error: {p}", file=sys.stderr)
    if json_errors:
        doc = {"version": "1", "error": {"exit_code": exc.exit_code, "problems": [p.to_dict() for p in exc.problems]}}
        print(json.dumps(doc, ensure_ascii=False), file=sys.stderr)
    return typer.Exit(exc.exit_code)


def _guard(fn: Callable[[], T], json_errors: bool = False) -> T:
    """Run a command body; user mistakes become a message and an exit code, bugs keep their traceback."""
    try:
        return fn()
    except TariffError as exc:
        raise _fail(exc, json_errors) from None


def _emit(text: str, output: Path | None, *, bom: bool = False) -> None:
    """Write ``text`` to stdout or atomically to ``output``; ``bom`` starts it with a UTF-8 BOM (--excel)."""
    if bom:
        text = "\ufeff" + text
        if output is None and hasattr(sys.stdout, "buffer"):
            sys.stdout.flush()
            sys.stdout.buffer.write(text.encode("utf-8"))  # UTF-8 whatever the console's encoding
            sys.stdout.buffer.flush()
            return
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from .io import atomic_write

    try:
        atomic_write(output, text)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror}", field="output") from None


def _emit_table(renderable: Any, footer: str, output: Path | None) -> None:
    from rich.console import Console

    if output is None and sys.stdout.isatty():
        console = Console(highlight=False, soft_wrap=False)
        console.print(renderable)
        if footer:
            console.print(footer, highlight=False)
        return
    import io as _io

    # piped or to a file: plain text at the terminal's width (COLUMNS, else 80; 120 for a file),
    # without the padding rich adds to the end of every line
    width = Console().width if output is None else 120
    buf = _io.StringIO()
    console = Console(file=buf, width=width, no_color=True, highlight=False, force_terminal=False)
    console.print(renderable)
    if footer:
        console.print(footer)
    _emit("".join(line.rstrip() + "\n" for line in buf.getvalue().splitlines()), output)


def parse_day(text: str | None, option: str = "date") -> date:
    """``--date YYYY-MM-DD``, or today (the CLI is the only place that reads the clock)."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--{option}: {text!r} is not a date YYYY-MM-DD", field=option) from None


def _lang(lang: Lang | None) -> str:
    return lang.value if lang is not None else default_lang()


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


PlansOpt = Annotated[
    list[Path] | None,
    typer.Option("--plans", help="Plan file or directory (repeatable); replaces the bundled catalogue."),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", dir_okay=False, help="Write to FILE (atomically) instead of stdout."),
]
LangOpt = Annotated[Lang | None, typer.Option("--lang", help="Label language (default: from the locale).")]
OperatorOpt = Annotated[list[str] | None, typer.Option("--operator", help="Only this operator (repeatable).")]
CiteOpt = Annotated[bool, typer.Option(
    "--cite", help="Cite every price: Markdown footnotes, CSV source columns (JSON always has sources).")]
ExcelOpt = Annotated[bool, typer.Option("--excel", help="CSV for Excel: UTF-8 with a byte-order mark.")]
ChartOpt = Annotated[Path | None, typer.Option(
    "--chart", dir_okay=False, help="Also draw a bar chart to FILE (.svg or .png; needs matplotlib).")]
TagOpt = Annotated[list[str] | None, typer.Option("--tag", help="Only plans with this tag, e.g. keep-number (repeatable).")]


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
        from . import io as tio
        from .months import next_month
        from .recommend import compare as run_compare
        from .recommend import parse_eligible, select_plans

        now = parse_day(today, "today")
        if excel and fmt is not OutputFormat.csv:
            raise UsageError("--excel goes with --format csv", field="excel")
        if bars and fmt is not OutputFormat.table:
            raise UsageError("--bars is a terminal view: leave out --format (or use --format table)", field="bars")
        if chart is not None:
            from .charts import chart_format

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
        language = _lang(lang)
        from .i18n import label

        for reason in ("not_on_sale", "suspended_line"):
            left = [p.id for p, why in result.excluded if why == reason]
            if left:
                print(label(f"excluded_{reason}", language, n=len(left), start=first, ids=", ".join(left)),
                      file=sys.stderr)
        from . import render

        left_out = render.not_eligible_line(result, language)
        if left_out:
            print(left_out, file=sys.stderr)

        if bars:
            _emit(render.render_bars(result, lang=language, top=top), output)
        elif fmt is OutputFormat.table:
            _emit_table(render.build_table(result, lang=language, top=top),
                        render.render_text_footer(result, lang=language, top=top), output)
        elif fmt is OutputFormat.json:
            _emit(render.render_json(result, lang=language, top=top), output)
        elif fmt is OutputFormat.csv:
            _emit(render.render_csv(result, lang=language, top=top, cite=cite), output, bom=excel)
        else:
            _emit(render.render_markdown(result, lang=language, top=top, cite=cite), output)
        if chart is not None:
            from .cli_baskets import write_chart

            write_chart(chart, "compare", result, language, top=top)

    _guard(body, json_errors=fmt is OutputFormat.json)


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
        from . import io as tio
        from . import render
        from .catalogue_tools import filter_plans
        from .cli_baskets import parse_amount

        if excel and fmt is not OutputFormat.csv:
            raise UsageError("--excel goes with --format csv", field="excel")
        day = None if all_ else parse_day(on)
        selection = filter_plans(tio.load_plans(plans), operators=operator or (), tags=tag or (),
                                 provinces=province or (), max_fee=parse_amount(max_fee, "max-fee"), on=day)
        chosen = selection.plans
        if selection.not_on_sale:
            from .i18n import label

            language = _lang(None)
            why = label("reason_not_on_sale", language, day=day)
            items = ", ".join(f"{p.id} ({why})" for p in selection.not_on_sale)
            print(label("left_out", language, n=len(selection.not_on_sale), items=items) + " [--all]", file=sys.stderr)
        if fmt is OutputFormat.table:
            _emit_table(render.plans_table(chosen), "", output)
        else:
            _emit(render.plans_text(chosen, fmt.value), output, bom=excel)

    _guard(body, json_errors=fmt is OutputFormat.json)


@plans_app.command("show")
def plans_show(
    plan_id: Annotated[str, typer.Argument(metavar="ID", help="Catalogue id or plan file.")],
    plans: PlansOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="table (the plan file) or json.")] = OutputFormat.table,
) -> None:
    """Show one plan in full, with its sources."""

    def body() -> None:
        from . import io as tio
        from . import render

        plan = tio.resolve_plan(plan_id, tio.load_plans(plans), option="plan")
        _emit(render.show_plan(plan, json_format=fmt is OutputFormat.json), None)

    _guard(body, json_errors=fmt is OutputFormat.json)


@plans_app.command("validate")
def plans_validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="Plan files or directories (default: the catalogue).")] = None,
) -> None:
    """Check plan files; report every problem with file:line. Exit 1 on any error."""

    def body() -> None:
        from . import io as tio

        loaded = tio.load_plans(paths)
        print(f"{len(loaded)} plans OK", file=sys.stderr)

    _guard(body)


@plans_app.command("schema")
def plans_schema() -> None:
    """Print the JSON Schema of a plan file (generated from the model)."""
    from .plans import plan_json_schema

    _emit(json.dumps(plan_json_schema(), ensure_ascii=False, indent=2) + "\n", None)


def _register_commands() -> None:
    """Commands defined in their own modules (each keeps its imports lazy)."""
    from . import cli_analyze, cli_baskets, cli_batch, cli_offer

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
