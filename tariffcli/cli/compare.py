"""The ``compare`` command: rank every plan by what it would cost over the horizon.

Thin: check the options, load the catalogue and the usage, call
:func:`tariffcli.compare.ranking.compare`, hand the result to :mod:`tariffcli.render.compare`.
The core is imported when the command runs, so ``tariffcli --help`` stays fast.
"""

# No "from __future__ import annotations": typer reads the command's annotations.
import gc
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tariffcli.cli.history_options import (
    DEFAULT_MINE,
    DEFAULT_REBILLING,
    Mine,
    Rebilling,
    mine_options,
    rebilling_options,
)
from tariffcli.cli.options import (
    DEFAULT_CATALOGUE,
    DEFAULT_OUTPUT,
    DEFAULT_TIMING,
    CatalogueChoice,
    Output,
    OutputFormat,
    Scenario,
    Timing,
    catalogue_options,
    output_options,
    parse_month_option,
    timing_options,
    whole_number,
    with_groups,
)
from tariffcli.cli.output import TableView, View, check_outputs, emit_result, guard, print_warnings, write_chart
from tariffcli.cli.stdin import file_or_stdin
from tariffcli.model.errors import UsageError
from tariffcli.model.limits import MAX_IDS_SHOWN

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.compare.results import Comparison
    from tariffcli.inputs.bills import Bill
    from tariffcli.inputs.usage import UsageHistory
    from tariffcli.model.plan import Plan


def without_gc(body: Callable[[], None]) -> Callable[[], None]:
    """``body`` run with the cyclic garbage collector paused (and resumed after, whatever happens).

    A compare run makes its objects once and keeps them to the end (the modules it imports, the results);
    the collector would only walk them again and again (about a twentieth of a warm run), finding next to
    nothing. Objects without cycles are still freed as ever. Loading the catalogue, which may parse plan
    files (whose parsing leaves cycles behind), runs with the collector on (:func:`collecting`). After the
    run, its objects join the oldest generation at once (``freeze`` then ``unfreeze``: no walk), where a
    later full collection (in a longer-lived process, e.g. the tests) still finds any garbage among them.
    Runs in several threads at once share one pause: the collector is back on when the last one ends, if
    it was on when the first one began."""

    def run() -> None:
        with _PAUSE:
            if not _pauses[0]:
                _pauses[1] = gc.isenabled()
                gc.disable()
            _pauses[0] += 1
        try:
            body()
        finally:
            with _PAUSE:
                _pauses[0] -= 1
                if not _pauses[0] and _pauses[1]:
                    _settle()
                    gc.enable()

    return run


_PAUSE = threading.Lock()
_pauses: list[int] = [0, 1]
"""How many runs pause the collector now, and whether it was on when the first of them began."""


@contextmanager
def collecting() -> Iterator[None]:
    """The collector on in the block, if a run paused it (see :func:`without_gc`); paused again after it."""
    with _PAUSE:
        if _pauses[0] and _pauses[1] and not gc.isenabled():
            _settle()
            gc.enable()
    try:
        yield
    finally:
        with _PAUSE:
            if _pauses[0]:
                gc.disable()


def _settle() -> None:
    """Every object made while the collector was paused joins the oldest generation (no walk): the collector,
    once back on, does not walk them all at its first young collection."""
    if not gc.get_freeze_count():  # (a program that freezes objects itself, before forking, is left alone)
        gc.freeze()
        gc.unfreeze()


def current_plan(current: str | None, current_since: str | None, catalogue: tuple["Plan", ...]) -> "Plan | None":
    """``--current`` (a catalogue id or a plan file); ``--current-since`` needs it."""
    from tariffcli.cli.stdin import resolve_plan

    if current_since is not None:
        parse_month_option(current_since, "current-since")
    cur = resolve_plan(current, catalogue, "current") if current else None
    if current_since and cur is None:
        raise UsageError("--current-since needs --current", field="current-since")
    return cur


def since_month(current_since: str | None) -> str | None:
    """``--current-since`` checked (YYYY-MM, 1990-2100) and written YYYY-MM; None when not given."""
    return None if current_since is None else parse_month_option(current_since, "current-since")


def plan_file_inputs(catalogue: CatalogueChoice, *refs: str | None) -> list[Path]:
    """The command's plan inputs that are files or folders: ``--plans`` and plan references that name a file."""
    return [*(catalogue.plans or ()), *(Path(r) for r in refs if r)]


def read_history(path: Path, lang: str = "en", thin: str = "thin_history") -> "UsageHistory":
    """The monthly usage CSV; its warnings (and one about a history of one or two months, worded by the text key
    ``thin``) go to stderr."""
    from tariffcli.cli.sniffing import check_usage_argument
    from tariffcli.cli.stdin import read_usage

    check_usage_argument(path)
    from tariffcli.compare.scenarios import thin_history_warning

    history = read_usage(path)
    few = thin_history_warning(history.months, history.source, lang, key=thin)
    from tariffcli.texts import label

    print_warnings([*getattr(history, "warnings", ()), *([few] if few else [])], prefix=label("warning_prefix", lang))
    return history


STALE_AFTER_MONTHS = 6
"""``compare`` warns once when the newest figure in the catalogue was checked longer ago than this."""


def warn_if_stale(plans: "Sequence[Plan]", today: date, language: str) -> None:
    """On stderr, once: the catalogue's newest figure is more than :data:`STALE_AFTER_MONTHS` months old."""
    from tariffcli.texts import label

    if not plans:
        return
    newest = max(p.checked for p in plans)
    months = (today.year - newest.year) * 12 + today.month - newest.month
    if months > STALE_AFTER_MONTHS or (months == STALE_AFTER_MONTHS and today.day > newest.day):
        print(label("stale_catalogue", language, newest=newest.isoformat(), months=STALE_AFTER_MONTHS),
              file=sys.stderr)


def say_excluded(excluded: "Sequence[tuple[Plan, str]]", first: str, province: str | None, language: str) -> None:
    """On stderr: plans not on sale in ``first``, sold only in other provinces, or for suspended lines."""
    from tariffcli.texts import label

    for reason in ("not_on_sale", "other_province", "suspended_line"):
        left = [p.id for p, why in excluded if why == reason]
        if not left:
            continue
        key = f"excluded_{reason}" + ("_many" if reason == "not_on_sale" and len(left) > MAX_IDS_SHOWN else "")
        print(label(key, language, n=len(left), start=first, ids=", ".join(left), province=province),
              file=sys.stderr)


def say_left_out(result: "Comparison", first: str, language: str) -> None:
    """On stderr: plans left out (not on sale, suspended-line plans, conditions not met)."""
    from tariffcli.render import compare as render

    say_excluded(result.excluded, first, result.province, language)
    left_out = render.not_eligible_line(result, language)
    if left_out:
        print(left_out, file=sys.stderr)


def cite_footer(result: "Comparison", out: Output, top: int | None, bars: bool = False) -> str:
    """``--cite`` under the terminal table: every shown plan's sources (empty without ``--cite``)."""
    if not out.cite:
        return ""
    from tariffcli.render.common import visible_rows
    from tariffcli.render.plan_fields import sources_footer

    rows = [*visible_rows(result, top), *([result.current] if result.current is not None else [])]
    text = sources_footer((r.plan for r in rows), out.language)
    return "\n" + text + "\n" if bars else "\n\n" + text  # the table's: laid out by render.layout.text_block


def addons_note(with_addons: bool, chosen: "Sequence[Plan]", lang: str = "en") -> None:
    """On stderr: ``--with-addons`` changes nothing when no plan compared has an optional pack."""
    if with_addons and not any(a.optional for p in chosen for a in p.addons):
        from tariffcli.texts import label

        print(label("with_addons_no_effect", lang), file=sys.stderr)


def format_notes(out: Output, explain: bool = False) -> None:
    """On stderr: options that the chosen format leaves without effect (``--cite`` with JSON, ``--explain``
    with CSV)."""
    from tariffcli.texts import label

    if out.cite and out.format.value == "json":
        print(label("cite_in_json", out.language), file=sys.stderr)
    if explain and out.format.value == "csv":
        print(label("explain_in_csv", out.language), file=sys.stderr)


def comparison_views(result: "Comparison", out: Output, top: int | None, bars: bool) -> dict[str, View]:
    """The comparison in each format (``--bars``: the terminal's bar chart instead of the table)."""
    from tariffcli.render import compare as render

    language = out.language

    def table() -> "str | TableView":
        cited = cite_footer(result, out, top, bars)
        if bars:
            return render.render_bars(result, lang=language, top=top) + cited
        from tariffcli.render.layout import text_block

        return TableView(render.build_table(result, lang=language, top=top), text_block(cited) if cited else "")

    return {
        "table": table,
        "json": lambda: render.render_json(result, lang=language, top=top),
        "csv": lambda: render.render_csv(result, lang=language, top=top, cite=out.cite),
        "markdown": lambda: render.render_markdown(result, lang=language, top=top, cite=out.cite),
    }


@with_groups
def compare(
    usage: Annotated[Path, typer.Argument(
        dir_okay=False, callback=file_or_stdin, help="Monthly usage CSV (- reads stdin).")],
    catalogue: Annotated[CatalogueChoice, catalogue_options("plans", "operators", "tags", "province")] = DEFAULT_CATALOGUE,
    mine: Annotated[Mine, mine_options()] = DEFAULT_MINE,
    timing: Annotated[Timing, timing_options("start", "horizon", "today")] = DEFAULT_TIMING,
    top: Annotated[int | None, typer.Option("--top", parser=whole_number(1), help="Show only the N cheapest plans.")] = None,
    out: Annotated[Output, output_options("format", "output", "lang", "cite", "excel", "chart")] = DEFAULT_OUTPUT,
    bars: Annotated[bool, typer.Option("--bars", help="Show totals as a bar chart in the terminal.")] = False,
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
    rebilling: Annotated[Rebilling, rebilling_options()] = DEFAULT_REBILLING,
) -> None:
    """Rank every plan by what it would cost you over the horizon (--history: what it would have cost)."""
    current, current_since = mine.current, mine.current_since
    if rebilling.history or rebilling.bill is not None:
        rebill_command(usage, catalogue, current, current_since, timing, top, out, rebilling.bill,
                       refused={"--bars": bars, "--with-addons": with_addons, "--scenario": scenario is not None,
                                "--eligible": eligible is not None, "--explain": explain,
                                "--start": timing.start is not None, "--horizon": timing.horizon != DEFAULT_TIMING.horizon,
                                "--chart": out.chart is not None, "--cite": out.cite},
                       history=rebilling.history)
        return

    def body() -> None:
        from tariffcli.compare.catalogue_filter import check_eligible, require_ranked
        from tariffcli.compare.ranking import compare as run_compare
        from tariffcli.compare.ranking import parse_eligible

        now = timing.day()
        out.check_excel()
        if bars and out.format is not OutputFormat.table:
            raise UsageError("--bars is a terminal view: leave out --format (or use --format table)", field="bars")
        out.check_chart()
        first = timing.first_month(now)
        since = since_month(current_since)
        check_outputs(out, [usage, *plan_file_inputs(catalogue, current)])
        with collecting():
            plans = catalogue.load()
        cur = current_plan(current, current_since, plans)
        chosen = catalogue.select(plans)
        history = read_history(usage, out.language)
        addons_note(with_addons, chosen, out.language)
        format_notes(out, explain)
        result = run_compare(chosen, history, start=first, horizon=timing.horizon, current=cur,
                             current_since=since, with_addons=with_addons,
                             scenario=scenario.value if scenario else None,
                             eligible=None if eligible is None else check_eligible(parse_eligible(eligible), chosen),
                             keep_number=catalogue.keep_number, explain=explain,
                             province=catalogue.province_name())
        say_left_out(result, first, out.language)
        require_ranked(len(result.rows), result.excluded,
                       [("--operator", catalogue.operators), ("--tag", catalogue.tags)])
        emit_result(out, comparison_views(result, out, top, bars))
        if catalogue.plans is None:  # the bundled catalogue: the user cannot know how old it is
            warn_if_stale(plans, now, out.language)
        if out.chart is not None:
            write_chart(out.chart, "compare", result, out.language, top=top)

    guard(without_gc(body), json_errors=out.json_errors)


def rebill_command(usage: Path, catalogue: CatalogueChoice, current: str | None, current_since: str | None,
                   timing: Timing, top: int | None, out: Output, bill: Path | None, *, refused: dict[str, bool],
                   history: bool) -> None:
    """``compare --history``: the months in the file billed under every plan, beside what the bill says was paid."""

    def body() -> None:
        from tariffcli.compare.history import rebill
        from tariffcli.render import history as render

        if not history:
            raise UsageError("--bill goes with --history (price the months in the file)", field="bill")
        given = [name for name, on in refused.items() if on]
        if given:
            raise UsageError(f"{given[0]} does not go with --history, which bills the months in the file "
                             "as they were", field=given[0].lstrip("-"))
        out.check_excel()
        since = since_month(current_since)
        check_outputs(out, [usage, bill, *plan_file_inputs(catalogue, current)])
        plans = catalogue.load()
        cur = current_plan(current, current_since, plans)
        usage_history = read_history(usage, out.language, thin="thin_history_rebill")
        bill_doc = read_bill(bill) if bill is not None else None
        from tariffcli.model.months import first_day, next_month

        switch_day = first_day(next_month(timing.day()))  # the plans one could switch to (次月生效)
        result = rebill(catalogue.select(plans), usage_history, day=switch_day, current=cur, current_since=since,
                        bill=bill_doc, province=catalogue.province_name())
        from rich.console import Group

        from tariffcli.texts import label

        language = out.language
        print_warnings((label(key, language, **params) for key, params in result.warnings),
                       prefix=label("warning_prefix", language))
        say_excluded(result.excluded, switch_day.isoformat()[:7], catalogue.province_name(), language)
        from tariffcli.compare.catalogue_filter import require_ranked

        require_ranked(len(result.rows), result.excluded,
                       [("--operator", catalogue.operators), ("--tag", catalogue.tags)])
        emit_result(out, {
            "table": lambda: TableView(Group(render.build_table(result, lang=language, top=top),
                                             render.footer_view(result, lang=language))),
            "json": lambda: render.render_json(result, top=top),
            "csv": lambda: render.render_csv(result, top=top),
            "markdown": lambda: render.render_markdown(result, lang=language, top=top),
        })

    guard(body, json_errors=out.json_errors)


def read_bill(path: Path) -> "Bill":
    """The bill lines CSV (the format ``analyze --bill`` reads); its warnings go to stderr."""
    from tariffcli.inputs.bills import MAX_BYTES, parse_bill_csv
    from tariffcli.inputs.files import read_bytes

    doc = parse_bill_csv(read_bytes(path, str(path), MAX_BYTES), str(path))
    print_warnings(doc.warnings)
    return doc


def register(app: typer.Typer) -> None:
    """Add the ``compare`` command to the app."""
    app.command()(compare)
