"""The ``baskets`` command: price standard usage baskets (ITU), the cheapest plan per operator.

Thin: parse options, call :mod:`tariffcli.compare.baskets`, hand the result to
:mod:`tariffcli.render.baskets`. Heavy modules are imported inside the command.
"""

# No "from __future__ import annotations": typer reads the command's annotations.
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tariffcli.cli.options import (
    DEFAULT_CATALOGUE,
    DEFAULT_OUTPUT,
    DEFAULT_TIMING,
    CatalogueChoice,
    Output,
    Timing,
    catalogue_options,
    output_options,
    parse_amount,
    timing_options,
    with_groups,
)
from tariffcli.cli.output import TableView, check_outputs, emit_result, guard, write_chart

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.compare.baskets import BasketReport
    from tariffcli.inputs.baskets import Basket


def resolve_baskets(refs: list[str] | None) -> tuple["Basket", ...]:
    """Built-in ids or basket files, in the order given; default: every non-experimental built-in basket."""
    from tariffcli.compare import baskets as bk
    from tariffcli.inputs.files import read_text

    if not refs:
        return bk.DEFAULT_BASKETS
    out: list[Basket] = []
    for ref in refs:
        found = bk.builtin(ref)
        if found is not None:
            out.append(found)
            continue
        path = Path(ref)
        if path.suffix.lower() in (".yaml", ".yml") or os.path.lexists(path):
            if not os.path.isfile(path):
                from tariffcli.model.errors import UsageError

                raise UsageError(f"--basket: no such basket file: {ref}", field="basket")
            out.extend(bk.parse_baskets(read_text(path, ref), ref))
            continue
        raise bk.unknown_basket(ref)
    seen: set[str] = set()
    for b in out:
        if b.id in seen:
            from tariffcli.model.errors import UsageError

            raise UsageError(f"--basket: basket '{b.id}' is given twice", field="basket")
        seen.add(b.id)
    return tuple(out)


@with_groups
def baskets(
    basket: Annotated[list[str] | None, typer.Option(
        "--basket", "-b", help="Built-in basket id or basket YAML file (repeatable; default: every ITU basket).",
    )] = None,
    catalogue: Annotated[CatalogueChoice, catalogue_options(
        "plans", "operators", "tags", "province")] = DEFAULT_CATALOGUE,
    timing: Annotated[Timing, timing_options("date")] = DEFAULT_TIMING,
    gni: Annotated[str | None, typer.Option(
        "--gni", help="GNI per capita a year, in the plans' currency: adds affordability (% of monthly GNI).",
    )] = None,
    gni_source: Annotated[str | None, typer.Option("--gni-source", help="Where the GNI figure comes from.")] = None,
    out: Annotated[Output, output_options("format", "output", "lang", "cite", "excel", "chart")] = DEFAULT_OUTPUT,
    list_: Annotated[bool, typer.Option("--list", help="List the built-in baskets and exit.")] = False,
) -> None:
    """Price standard usage baskets (ITU): the cheapest plan per operator for each basket."""

    def body() -> None:
        from tariffcli.cli.compare import format_notes
        from tariffcli.compare import baskets as bk
        from tariffcli.compare.catalogue_filter import filter_checked
        from tariffcli.render import baskets as rb

        language = out.language
        out.check_excel()
        if list_:
            check_outputs(out, [])
            emit_result(out, {}, every=lambda name: rb.basket_list(bk.BUILTIN, name, lang=language))
            return
        out.check_chart()
        day = timing.day()
        check_outputs(out, [*(catalogue.plans or ()), *map(Path, basket or ())])
        chosen = resolve_baskets(basket)
        amount = parse_amount(gni, "gni")
        selection = filter_checked(catalogue.load(), operators=catalogue.operators, tags=catalogue.tags,
                                 provinces=tuple(p for p in [catalogue.province_name()] if p))
        report = bk.price_baskets(selection.plans, chosen, day=day, gni=amount, gni_source=gni_source,
                                  province_known=catalogue.province_name() is not None)
        format_notes(out)
        left_out = rb.excluded_line(report, language, every=False)
        if left_out:
            print(left_out, file=sys.stderr)
        emit_result(out, {
            "table": lambda: TableView(rb.build_table(report, lang=language), cited_sources(report, out)),
            "json": lambda: rb.render_json(report, lang=language),
            "csv": lambda: rb.render_csv(report, lang=language, cite=out.cite),
            "markdown": lambda: rb.render_markdown(report, lang=language, cite=out.cite),
        })
        if out.chart is not None:
            write_chart(out.chart, "baskets", report, language)

    guard(body, json_errors=out.json_errors)


def cited_sources(report: "BasketReport", out: Output) -> Any:
    """``--cite`` under the table: the sources of every plan priced, URLs kept whole (``""`` without ``--cite``)."""
    if not out.cite:
        return ""
    from tariffcli.render.layout import text_block
    from tariffcli.render.plan_fields import sources_footer

    priced = [p.plan for row in report.rows for p in (row.cheapest, row.runner_up, row.in_bundle) if p is not None]
    text = sources_footer(priced, out.language)
    return text_block(text) if text else ""


def register(app: typer.Typer) -> None:
    """Add the ``baskets`` command to the app."""
    app.command()(baskets)
