"""The journalists' commands: ``baskets`` and ``plans diff``.

Thin: parse options, call :mod:`tariffcli.compare.baskets` / :mod:`tariffcli.compare.catalogue_filter`,
hand the result to a renderer. Heavy modules are imported inside the commands.
"""

# No "from __future__ import annotations": typer reads the options' annotations of the
# commands defined inside register(), which refer to names imported there.
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.compare.catalogue_filter import CatalogueDiff
    from tariffcli.inputs.baskets import Basket


def parse_amount(text: str | None, option: str) -> Decimal | None:
    """A money option such as ``--max-fee 30`` or ``--gni 12,600``, read exactly."""
    from tariffcli.model.errors import UsageError

    if text is None:
        return None
    try:
        d = Decimal(text.replace(",", "").replace("_", "").strip())
    except InvalidOperation:
        raise UsageError(f"--{option}: {text!r} is not an amount", field=option) from None
    if not d.is_finite() or d < 0:
        raise UsageError(f"--{option}: {text!r} must be a non-negative amount", field=option)
    return d


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
        if path.suffix.lower() in (".yaml", ".yml") or path.exists():
            if not path.is_file():
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


def write_chart(path: Path, kind: str, result: Any, lang: str, **kw: Any) -> None:
    """Draw the chart for ``result`` ('compare' or 'baskets') to ``path``; warnings go to stderr."""
    from tariffcli.inputs.files import atomic_write_bytes
    from tariffcli.model.errors import UsageError
    from tariffcli.render import charts
    from tariffcli.texts import label

    fmt = charts.chart_format(path)
    if kind == "compare":
        data, problems = charts.compare_chart(result, fmt, lang=lang, **kw)
    else:
        data, problems = charts.basket_chart(result, fmt, lang=lang, **kw)
    for p in problems:
        print(label(p, lang, file=path), file=sys.stderr)
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}", field="chart") from None
    print(label("chart_written", lang, file=path), file=sys.stderr)


def render_diff(d: "CatalogueDiff", fmt: str, lang: str = "en") -> str:
    """A catalogue diff as text, json, csv or markdown (one line per added, removed or changed field)."""
    import csv
    import io
    import json

    from tariffcli.render.compare import JSON_VERSION, _md, safe_cell
    from tariffcli.texts import label

    rows: list[tuple[str, str, str, str, str]] = []  # change, id, field, old, new
    rows += [("added", p.id, "", "", f"{p.name} ({p.operator}, {p.monthly_fee})") for p in d.added]
    rows += [("removed", p.id, "", f"{p.name} ({p.operator}, {p.monthly_fee})", "") for p in d.removed]
    for c in d.changed:
        rows += [("changed", c.new.id, f.field, f.old or "", f.new or "") for f in c.fields]
    if fmt == "json":
        doc = {
            "version": JSON_VERSION,
            "added": [{"id": p.id, "name": p.name, "operator": p.operator, "file": p.origin} for p in d.added],
            "removed": [{"id": p.id, "name": p.name, "operator": p.operator, "file": p.origin} for p in d.removed],
            "changed": [{"id": c.new.id, "name": c.new.name, "operator": c.new.operator,
                         "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in c.fields]}
                        for c in d.changed],
            "unchanged": d.unchanged,
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["change", "id", "field", "old", "new"])
        w.writerows([[safe_cell(c) for c in r] for r in rows])
        return out.getvalue()
    summary = label("diff_summary", lang, added=len(d.added), removed=len(d.removed), changed=len(d.changed),
                    unchanged=d.unchanged)
    none = label("diff_none", lang)
    if fmt == "markdown":
        lines = [f"**{summary}**", "", "| change | id | field | old | new |", "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(_md(c) for c in r) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    lines = [summary]
    for p in d.added:
        lines.append(f"+ {p.id}: {p.name} ({p.operator}, {p.monthly_fee})")
    for p in d.removed:
        lines.append(f"- {p.id}: {p.name} ({p.operator}, {p.monthly_fee})")
    for c in d.changed:
        lines.append(f"~ {c.new.id}: {c.new.name}")
        lines += [f"    {f.field}: {none if f.old is None else f.old} -> {none if f.new is None else f.new}"
                  for f in c.fields]
    return "\n".join(lines) + "\n"


def register(app: typer.Typer) -> None:
    """Add ``baskets`` to the app and ``diff`` to its ``plans`` sub-app."""
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
        TagOpt,
        parse_day,
        resolve_lang,
    )
    from tariffcli.cli.output import emit, emit_table, guard

    @app.command()
    def baskets(
        basket: Annotated[list[str] | None, typer.Option(
            "--basket", "-b", help="Built-in basket id or basket YAML file (repeatable; default: every ITU basket).",
        )] = None,
        plans: PlansOpt = None,
        operator: OperatorOpt = None,
        tag: TagOpt = None,
        province: Annotated[list[str] | None, typer.Option(
            "--province", help="Only plans for this province (national plans included; repeatable).",
        )] = None,
        on: Annotated[str | None, typer.Option(
            "--date", help="Only plans on sale on this day, YYYY-MM-DD (default: today).",
        )] = None,
        gni: Annotated[str | None, typer.Option(
            "--gni", help="GNI per capita a year, in the plans' currency: adds affordability (% of monthly GNI).",
        )] = None,
        gni_source: Annotated[str | None, typer.Option("--gni-source", help="Where the GNI figure comes from.")] = None,
        fmt: FormatOpt = OutputFormat.table,
        output: OutputOpt = None,
        lang: LangOpt = None,
        cite: CiteOpt = False,
        excel: ExcelOpt = False,
        chart: ChartOpt = None,
        list_: Annotated[bool, typer.Option("--list", help="List the built-in baskets and exit.")] = False,
    ) -> None:
        """Price standard usage baskets (ITU): the cheapest plan per operator for each basket."""

        def body() -> None:
            from tariffcli.compare import baskets as bk
            from tariffcli.compare.catalogue_filter import filter_plans
            from tariffcli.inputs.files import load_plans
            from tariffcli.model.errors import UsageError
            from tariffcli.render import baskets as rb

            language = resolve_lang(lang)
            if excel and fmt is not OutputFormat.csv:
                raise UsageError("--excel goes with --format csv", field="excel")
            if list_:
                text = rb.basket_list(bk.BUILTIN, "table" if fmt is OutputFormat.table else fmt.value, lang=language)
                emit(text, output, bom=excel)
                return
            if chart is not None:
                from tariffcli.render.charts import chart_format

                chart_format(chart)  # a wrong suffix fails before any work
            chosen = resolve_baskets(basket)
            day = parse_day(on)
            amount = parse_amount(gni, "gni")
            selection = filter_plans(load_plans(plans), operators=operator or (), tags=tag or (),
                                     provinces=province or ())
            report = bk.price_baskets(selection.plans, chosen, day=day, gni=amount, gni_source=gni_source)
            left_out = rb.excluded_line(report, language)
            if left_out:
                print(left_out, file=sys.stderr)
            if fmt is OutputFormat.table:
                emit_table(rb.build_table(report, lang=language), "", output)
            elif fmt is OutputFormat.json:
                emit(rb.render_json(report, lang=language), output)
            elif fmt is OutputFormat.csv:
                emit(rb.render_csv(report, lang=language, cite=cite), output, bom=excel)
            else:
                emit(rb.render_markdown(report, lang=language, cite=cite), output)
            if chart is not None:
                write_chart(chart, "baskets", report, language)

        guard(body, json_errors=fmt is OutputFormat.json)

    plans_app = next((g.typer_instance for g in app.registered_groups if g.name == "plans"), None)
    if plans_app is None:  # pragma: no cover - the main app always has it
        raise RuntimeError("the 'plans' sub-app must be registered before 'plans diff'")

    @plans_app.command("diff")
    def plans_diff(
        old: Annotated[Path, typer.Argument(exists=True, help="The old catalogue: a plan file or directory.")],
        new: Annotated[Path, typer.Argument(exists=True, help="The new catalogue: a plan file or directory.")],
        fmt: FormatOpt = OutputFormat.table,
        output: OutputOpt = None,
        lang: LangOpt = None,
    ) -> None:
        """What changed between two catalogue versions: plans added, removed, and changed fields."""

        def body() -> None:
            from tariffcli.compare.catalogue_filter import diff_catalogues
            from tariffcli.inputs.files import load_plans

            d = diff_catalogues(load_plans([old]), load_plans([new]))
            emit(render_diff(d, fmt.value, resolve_lang(lang)), output)

        guard(body, json_errors=fmt is OutputFormat.json)
