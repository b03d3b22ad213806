"""The ``plans`` sub-commands: list, show, validate, schema and diff the plan definitions.

Thin: parse options, call the loaders and :mod:`tariffcli.compare.catalogue_filter`,
hand the result to a renderer. Heavy modules are imported inside the commands.
"""

# No "from __future__ import annotations": typer reads the commands' annotations.
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tariffcli.cli.options import (
    DEFAULT_CATALOGUE,
    DEFAULT_OUTPUT,
    DEFAULT_TIMING,
    OUTPUT_MEMBERS,
    TIMING_MEMBERS,
    CatalogueChoice,
    Output,
    Timing,
    but,
    catalogue_options,
    output_options,
    parse_amount,
    parse_day,
    timing_options,
    with_groups,
)
from tariffcli.cli.output import TableView, check_outputs, emit, emit_result, guard, write_file
from tariffcli.model.errors import UsageError
from tariffcli.model.limits import MAX_IDS_SHOWN

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.compare.catalogue_filter import CatalogueDiff


@with_groups
def plans_list(
    catalogue: Annotated[CatalogueChoice, catalogue_options(
        "plans", "operators", "tags", "province")] = DEFAULT_CATALOGUE,
    max_fee: Annotated[str | None, typer.Option("--max-fee", help="Only plans whose monthly fee is at most this.")] = None,
    timing: Annotated[Timing, timing_options("date", date=but(
        TIMING_MEMBERS["date"], "Leave out plans not on sale on this day, YYYY-MM-DD (default: today)."))] = DEFAULT_TIMING,
    all_: Annotated[bool, typer.Option(
        "--all", help="Also list plans not on sale: withdrawn, historical, or outside their on-sale dates.")] = False,
    out: Annotated[Output, output_options("format", "excel", "output", "lang")] = DEFAULT_OUTPUT,
) -> None:
    """List the plans in the catalogue (plans not on sale today are left out and reported)."""

    def body() -> None:
        from tariffcli.compare.catalogue_filter import filter_checked
        from tariffcli.render import plans as render

        out.check_excel()
        day = None if all_ else timing.day()
        check_outputs(out, list(catalogue.plans or ()))
        plans = listed_plans(catalogue, out)
        selection = filter_checked(plans, operators=catalogue.operators, tags=catalogue.tags,
                                 provinces=tuple(p for p in [catalogue.province_name()] if p), max_fee=parse_amount(max_fee, "max-fee"), on=day)
        chosen = selection.plans
        if selection.not_on_sale:
            from tariffcli.texts import label

            language = out.language
            left = selection.not_on_sale
            if len(left) <= MAX_IDS_SHOWN:  # a few: by id; many: how many, and how to list them
                why = label("reason_not_on_sale", language, day=day)
                items = ", ".join(f"{p.id} （{why}）" if language == "zh" else f"{p.id} ({why})" for p in left)
                print(label("left_out", language, n=len(left), items=items), file=sys.stderr)
            else:
                print(label("list_left_out", language, n=len(left), day=day), file=sys.stderr)
        emit_result(out, {"table": lambda: TableView(render.plans_table(chosen, out.language))},
                    every=lambda name: render.plans_text(chosen, name, out.language))

    guard(body, json_errors=out.json_errors)


def listed_plans(catalogue: CatalogueChoice, out: Output) -> "tuple[Any, ...]":
    """The plans ``plans list`` shows: their facts from the catalogue cache (no plan model, no pydantic: start-up
    at import speed) when the cache holds every plan file and the format needs no more (JSON lists the sources);
    else the plans, loaded and checked as every command loads them."""
    from tariffcli.cli.stdin import is_stdin

    if out.format.value != "json" and not any(is_stdin(p) for p in catalogue.plans or ()):
        import time

        from tariffcli.inputs.plan_listing import load_plan_facts

        facts = load_plan_facts(catalogue.plans, time.time_ns())
        if facts is not None:
            return facts
    return catalogue.load()


@with_groups
def plans_show(
    plan_id: Annotated[str, typer.Argument(metavar="ID", help="Catalogue id or plan file.")],
    catalogue: Annotated[CatalogueChoice, catalogue_options("plans")] = DEFAULT_CATALOGUE,
    out: Annotated[Output, output_options(
        "format", "output", "lang", format=but(OUTPUT_MEMBERS["format"],
                                               "table (the plan file), json, csv or markdown (one row per field)."))
    ] = DEFAULT_OUTPUT,
) -> None:
    """Show one plan in full, with its sources."""

    def body() -> None:
        from tariffcli.cli.stdin import resolve_plan
        from tariffcli.render import plan_fields
        from tariffcli.render import plans as render

        check_outputs(out, [*(catalogue.plans or ()), Path(plan_id)])
        try:
            plan = resolve_plan(plan_id, catalogue.load(), "plan")
        except UsageError as exc:  # the user typed a positional ID, not --plan
            raise UsageError(exc.problems[0].message.replace("--plan: ", "ID: ", 1), field="ID") from None
        views = {"csv": plan_fields.show_plan_csv, "markdown": plan_fields.show_plan_markdown}
        emit_result(out, {}, every=lambda name: views[name](plan) if name in views
                    else render.show_plan(plan, json_format=name == "json", lang=out.language))

    guard(body, json_errors=out.json_errors)


def plans_validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="Plan files or directories (default: the catalogue).")] = None,
) -> None:
    """Check plan files; report every problem with file:line. Exit 1 on any error."""

    def body() -> None:
        from tariffcli.cli.stdin import load_plans

        loaded = load_plans(paths)
        print(f"{len(loaded)} plans OK", file=sys.stderr)

    guard(body)


@with_groups
def plans_schema(out: Annotated[Output, output_options("output")] = DEFAULT_OUTPUT) -> None:
    """Print the JSON Schema of a plan file (generated from the model)."""

    def body() -> None:
        from tariffcli.model.plan import plan_json_schema

        check_outputs(out, [])
        emit(json.dumps(plan_json_schema(), ensure_ascii=False, indent=2) + "\n", out.output)

    guard(body)


@with_groups
def plans_diff(
    old: Annotated[Path, typer.Argument(exists=True, help="The old catalogue: a plan file or directory.")],
    new: Annotated[Path | None, typer.Argument(
        exists=True, help="The new catalogue; with one argument, the old one is the bundled catalogue.")] = None,
    out: Annotated[Output, output_options("format", "output", "lang")] = DEFAULT_OUTPUT,
) -> None:
    """What changed between two catalogue versions: plans added, withdrawn, and changed fields.

    Plans are matched by filing number (方案编号) where they have one, else by id.
    With one argument, the bundled catalogue is the old one.
    """

    def body() -> None:
        from tariffcli.compare.catalogue_filter import diff_catalogues
        from tariffcli.inputs.files import load_plans

        check_outputs(out, [old, new])
        before, after = (load_plans(None), load_plans([old])) if new is None else (load_plans([old]), load_plans([new]))
        d = diff_catalogues(before, after)
        emit_result(out, {}, every=lambda name: render_diff(d, name, out.language))

    guard(body, json_errors=out.json_errors)


def render_diff(d: "CatalogueDiff", fmt: str, lang: str = "en") -> str:
    """A catalogue diff as text, json, csv or markdown (:func:`tariffcli.render.plans.diff_text`)."""
    from tariffcli.render.plans import diff_text

    return diff_text(d, fmt, lang)


@with_groups
def plans_import(
    file: Annotated[Path, typer.Argument(
        metavar="FILE", help="Tariff cards (资费公示): a JSON list, or text pasted from the operator's app; - reads stdin.")],
    to: Annotated[Path, typer.Option(
        "--to", file_okay=False, help="Folder the plan files are written to (one sub-folder per operator).")
    ] = Path("imported-plans"),
    include: Annotated[list[str] | None, typer.Option(
        "--include", help="Also import these kinds of card (repeatable): add-on, promotion, broadband, "
        "secondary-card, prepayment, contract.")] = None,
    retrieved: Annotated[str | None, typer.Option(
        "--retrieved", help="Date the cards were read, YYYY-MM-DD, for cards that carry none (default: today).")
    ] = None,
    operator: Annotated[str | None, typer.Option(
        "--operator", help="The operator of cards that do not say (中国移动/China Mobile, 中国电信, 中国联通, 中国广电).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would be written; write nothing.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace plan files that already exist.")] = False,
    out: Annotated[Output, output_options("format", "output")] = DEFAULT_OUTPUT,
) -> None:
    """Turn official tariff cards into validated plan files.

    Figures a card does not state (often the out-of-bundle rates) come from the
    operator's standard-rates file in the catalogue, and each plan's notes say so.
    Cards that cannot be read are reported with the reason, never guessed.
    """

    def body() -> None:
        from tariffcli.inputs.cards import import_cards
        from tariffcli.inputs.files import load_standard_rates, read_cards
        from tariffcli.render import plans as render

        if out.format.value not in ("table", "json"):
            raise UsageError("plans import writes a report as table (text) or json", field="format")
        seen = parse_day(retrieved, "retrieved")
        check_outputs(out, [file])
        if not dry_run and os.path.lexists(to) and not os.path.isdir(to):
            raise UsageError(f"--to {to}: is not a folder; give a folder for the plan files", field="to")
        defaults = {} if operator is None else {"operator": operator_name_option(operator)}
        report = import_cards(read_cards(file, **defaults), load_standard_rates(), include=include or (),
                              retrieved=seen)
        unread = [s for s in report.skipped if "(include '" not in s.reason]
        if unread:
            print(f"Warning: {len(unread)} card(s) could not be turned into plans; the report says why",
                  file=sys.stderr)
        targets = [(to / f.path, f.text) for f in report.plans]
        if not dry_run and not force:
            existing = [str(t) for t, _ in targets if os.path.lexists(t)]
            if existing:
                raise UsageError(f"{len(existing)} plan file(s) already exist, e.g. {existing[0]}: "
                                 "give --force to replace them, or another --to folder", field="to")
        if not dry_run:
            write_plan_files(targets, [file], out)
        emit_result(out, {}, every=lambda name: render.import_report(
            report, "json" if name == "json" else "text", folder=str(to), written=not dry_run))

    guard(body, json_errors=out.json_errors)


def write_plan_files(targets: "list[tuple[Path, str]]", inputs: "list[Path]", out: Output) -> None:
    """``plans import``: every plan file checked by the output policy first, then each written atomically."""
    from tariffcli.inputs.files import check_output

    for target, _ in targets:
        if os.path.lexists(target):
            check_output(target, inputs, "to")
        if out.output is not None and os.path.exists(target) and os.path.exists(out.output) \
                and os.path.samefile(target, out.output):
            raise UsageError(f"--to: {target} is also the --output file", field="to")
    for target, text in targets:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"--to {target.parent}: cannot make the folder ({exc.strerror or exc})",
                             field="to") from None
        write_file(target, text, "to")


def operator_name_option(text: str) -> str:
    """``--operator`` as plan files name operators; an unknown one is a usage error."""
    from tariffcli.compare.catalogue_filter import canonical_operator
    from tariffcli.inputs.standard_rates import OPERATOR_WORDS, OPERATORS

    if canonical_operator(text) in OPERATORS:  # China Unicom, Unicom, 联通, cucc ...
        return canonical_operator(text)
    for name in OPERATORS:
        if text.strip().casefold() in (name.casefold(), OPERATORS[name]):
            return name
    if text.strip() in OPERATOR_WORDS:
        return OPERATOR_WORDS[text.strip()]
    raise UsageError(f"--operator: unknown operator {text!r}; one of {', '.join(OPERATORS)} (or 中国移动, 移动, ...)",
                     field="operator")


def register(app: typer.Typer) -> None:
    """Add the ``plans`` sub-app and its commands to the app."""
    plans_app = typer.Typer(help="The plan catalogue: list, show, validate, schema, diff and import plans.",
                            no_args_is_help=True)
    plans_app.command("list")(plans_list)
    plans_app.command("show")(plans_show)
    plans_app.command("validate")(plans_validate)
    plans_app.command("schema")(plans_schema)
    plans_app.command("diff")(plans_diff)
    plans_app.command("import")(plans_import)
    app.add_typer(plans_app, name="plans")
