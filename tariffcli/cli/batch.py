"""The ``batch`` command: the cheapest plans for every subscriber of a large usage extract.

Thin: parse options, call :mod:`tariffcli.batch.analyser` through :mod:`tariffcli.batch.files`,
show a progress bar on stderr and the summary on stdout. pyarrow, numpy and
dask are imported inside the command, so ``tariffcli --help`` stays fast.
"""

# No "from __future__ import annotations": typer reads the command's annotations.
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tariffcli.cli.batch_notes import say_done, say_prepared
from tariffcli.cli.history_options import DEFAULT_BATCH_SHAPE, BatchShape, batch_shape_options
from tariffcli.cli.options import (
    DEFAULT_CATALOGUE,
    DEFAULT_OUTPUT,
    DEFAULT_RECORD_READING,
    DEFAULT_TIMING,
    CatalogueChoice,
    Member,
    OptionGroup,
    Output,
    RecordReading,
    Timing,
    catalogue_options,
    output_options,
    record_options,
    timing_options,
    whole_number,
    with_groups,
)
from tariffcli.cli.output import TableView, emit_result, guard
from tariffcli.model.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.batch.analyser import Analyser
    from tariffcli.batch.files import InputSpec
    from tariffcli.batch.outdir import OutputDir
    from tariffcli.batch.summary import Summary, SummaryReport, SummaryRow


class SummaryFormat(StrEnum):
    table = "table"
    json = "json"


class Engine(StrEnum):
    local = "local"
    dask = "dask"


def _amount(fen: int | None) -> str | None:
    from tariffcli.model.money import format_fen

    return None if fen is None else format_fen(fen)


def _row_json(row: "SummaryRow") -> dict[str, Any]:
    return {
        "subscribers": row.subscribers, "with_current": row.with_current, "would_save": row.would_save,
        "median_saving": _amount(row.median_saving), "total_saving": _amount(row.total_saving),
    }


def summary_json(report: "SummaryReport", output: Path | None, history: bool = False) -> str:
    """The summary as a JSON document (amounts as decimal strings); with ``history`` start and horizon are null."""
    doc = {
        "version": "1",
        "history": history,
        "start": None if history else report.start,
        "horizon": None if history else report.horizon,
        "currency": report.currency,
        "plans": report.plans,
        "rows": report.rows,
        **_row_json(report.overall),
        "by_operator": [{"operator": r.key, **_row_json(r)} for r in report.by_operator],
        "by_current_plan": [{"plan": r.key, "operator": r.operator, **_row_json(r)} for r in report.by_current_plan],
        "best_plans": [{"plan": k, "subscribers": v} for k, v in report.best_plans],
        "kernel": report.kernel,
        "output": None if output is None else str(output),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def summary_table(report: "SummaryReport", history: bool = False, lang: str = "en") -> Any:
    """The summary as a rich Table: everyone, then each operator and its current plans (labels in ``lang``)."""
    from rich import box
    from rich.table import Table

    from tariffcli.render.common import rich_text
    from tariffcli.texts import label, operator_name

    title = (label("batch_title_history", lang, n=f"{report.overall.subscribers:,}", plans=report.plans,
                   currency=report.currency, kernel=report.kernel) if history else
             label("batch_title", lang, n=f"{report.overall.subscribers:,}", plans=report.plans,
                   h=report.horizon, start=report.start, currency=report.currency, kernel=report.kernel))
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column(label("batch_current_plan", lang), overflow="fold")
    for name in ("batch_subscribers", "batch_would_save", "batch_median_saving", "batch_total_saving"):
        table.add_column(label(name, lang), justify="right", no_wrap=True)

    def add(label: str, r: "SummaryRow", style: str | None = None) -> None:
        table.add_row(rich_text(label), f"{r.subscribers:,}", f"{r.would_save:,}", _amount(r.median_saving) or "-",
                      _amount(r.total_saving), style=style)

    add(label("batch_all", lang), report.overall, "bold")
    for op in report.by_operator:
        add(operator_name(op.key, lang), op, "bold")
        for r in report.by_current_plan:
            if r.operator == op.key:
                add(f"  {r.key}", r)
    return table


def prepare(source: str, catalogue: CatalogueChoice, timing: Timing, top: int,
            now: date, files: tuple[Path, ...] | None = None, record_columns: list[str] | None = None,
            sheet: str | None = None, *, history: bool = False, wide: bool = False) -> tuple["InputSpec", "Analyser"]:
    """The input's files and columns, and the analyser of the chosen plans (:func:`say_prepared` says their
    warnings on stderr).

    ``files``: the input's files when already found (:func:`tariffcli.batch.files.input_files`)."""
    from tariffcli.batch import files as batch_io
    from tariffcli.batch.analyser import Analyser

    plans = catalogue.load()
    chosen = catalogue.select(plans)
    spec = batch_io.open_input(source, files, record_columns, sheet)
    from tariffcli.cli.batch_history import input_span

    analyser = Analyser(chosen, known=plans, start=timing.first_month(now), horizon=timing.horizon, top=top,
                        data_unit=spec.columns.data_unit, app_data_unit=spec.columns.app_data_unit,
                        labels=spec.columns.names, province=catalogue.province_name(), history=history,
                        span=None if history else input_span(spec), wide=wide)
    return spec, analyser


@dataclass(frozen=True)
class Run:
    """How the analysis runs: ``--engine`` and its settings, and the progress bar."""

    engine: Engine
    scheduler: str | None
    workers: int | None
    chunk_rows: int
    quiet: bool


RUN_MEMBERS = (
    Member("engine", "engine", Engine, ("--engine",), Engine.local,
           "local: chunks in this process; dask: partitions on a Dask cluster."),
    Member("scheduler", "scheduler", str | None, ("--scheduler",), None,
           "Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local cluster)."),
    Member("workers", "workers", int | None, ("--workers",), None,
           "Workers of the local Dask cluster (default: one per CPU).", {"parser": whole_number(1)}),
    Member("chunk_rows", "chunk_rows", int, ("--chunk-rows",), 500_000,
           "Input rows per chunk (local engine); bounds memory.", {"parser": whole_number(1_000)}),
    Member("quiet", "quiet", bool, ("--quiet", "-q"), False, "No progress bar."),
)
DEFAULT_RUN = Run(Engine.local, None, None, 500_000, False)


def run_options() -> OptionGroup[Run]:
    """``--engine``, ``--scheduler``, ``--workers``, ``--chunk-rows`` and ``--quiet`` as one :class:`Run`."""
    return OptionGroup(RUN_MEMBERS, lambda v: Run(**v))


def run_engine(spec: "InputSpec", analyser: "Analyser", write: Callable[[Any], None], run: Run,
               lang: str = "en", to_dir: "OutputDir | None" = None) -> "Summary":
    """Every chunk (local) or partition (dask) through the analyser, with a progress bar on stderr (in ``lang``).

    ``to_dir``: the Dask workers write their rows there themselves (``write`` is not called)."""
    from tariffcli.batch import files as batch_io
    from tariffcli.batch.dask_cluster import run_dask
    from tariffcli.batch.local import run_local
    from tariffcli.texts import label

    with _progress(run.quiet, lang) as bar:
        if run.engine is Engine.local:
            reader = batch_io.ChunkReader(spec, run.chunk_rows)
            task = bar.add_task(label("batch_progress_task", lang), total=reader.total, rows=0)

            def advance(rows: int) -> None:
                bar.update(task, completed=reader.position, rows=bar.tasks[task].fields["rows"] + rows)

            summary = run_local(reader, analyser, write, advance)
            bar.update(task, completed=reader.total or reader.position)
        else:
            task = bar.add_task(label("batch_progress_task_dask", lang), total=None, rows=0)

            def parts(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            summary = run_dask(spec, analyser, write, scheduler=run.scheduler, workers=run.workers, progress=parts,
                               to_dir=to_dir)
            bar.update(task, rows=summary.rows)
    return summary


def run_to_file(spec: "InputSpec", analyser: "Analyser", out: Path | None, run: Run,
                lang: str = "en", directory: bool = False) -> "Summary":
    """:func:`run_engine`, writing the rows to ``out`` atomically (nothing is left behind on failure).

    ``directory``: ``out`` is a directory of Parquet parts (:mod:`tariffcli.batch.outdir`), written by the
    Dask workers themselves, or one part per chunk by the local engine."""
    from tariffcli.batch import files as batch_io
    from tariffcli.batch.outdir import OutputDir

    sink: batch_io.OutputFile | OutputDir | None = None
    if out is not None:
        sink = (OutputDir(out, analyser.top, analyser.wide_columns, analyser.empty_table()) if directory else
                batch_io.OutputFile(out, analyser.top, analyser.wide_columns, analyser.empty_table()))
    to_dir = sink if isinstance(sink, OutputDir) and run.engine is Engine.dask else None
    try:
        summary = run_engine(spec, analyser, sink.write if sink is not None else (lambda table: None), run, lang,
                             to_dir)
        if sink is not None:
            sink.commit()
    except BaseException:
        if sink is not None:
            sink.abort()
        raise
    return summary


@with_groups
def batch(
    source: Annotated[str, typer.Argument(
        metavar="INPUT",
        help="CSV or Parquet: a file, a directory, or a quoted glob ('extract/*.parquet'); "
             "one row per subscriber and month. Or itemized-record files (calls, SMS, data; CSV or .xlsx).",
    )],
    catalogue: Annotated[CatalogueChoice, catalogue_options("plans", "operators", "tags", "province")] = DEFAULT_CATALOGUE,
    timing: Annotated[Timing, timing_options("start", "horizon", "today")] = DEFAULT_TIMING,
    top: Annotated[int, typer.Option("--top", parser=whole_number(1, 20), help="Best plans to keep per subscriber.")] = 1,
    out_name: Annotated[str | None, typer.Option(
        "--output", "--out", "-o", metavar="FILE|DIR/",
        help="Write one row per subscriber to FILE (.parquet, .csv or .jsonl), atomically (--out: the same); "
             "or to DIR/ (new or empty) as Parquet parts part-00000.parquet ..., each written by its Dask "
             "worker (local engine: one part per chunk).")] = None,
    fmt: Annotated[SummaryFormat, typer.Option("--format", "-f", help="Summary format on stdout.")]
    = SummaryFormat.table,
    run: Annotated[Run, run_options()] = DEFAULT_RUN,
    shape: Annotated[BatchShape, batch_shape_options()] = DEFAULT_BATCH_SHAPE,
    labels: Annotated[Output, output_options("lang")] = DEFAULT_OUTPUT,
    reading: Annotated[RecordReading, record_options("columns", "sheet")] = DEFAULT_RECORD_READING,
) -> None:
    """Find the cheapest plans for every subscriber in a large usage file; summarise who would save."""

    def body() -> None:
        from tariffcli.batch import files as batch_io

        if run.scheduler and run.engine is not Engine.dask:
            raise UsageError("--scheduler goes with --engine dask", field="scheduler")
        now = timing.day()
        files = None
        out = None if out_name is None else Path(out_name)
        directory = False
        if out is not None and out_name is not None:  # a wrong suffix or target fails before any work
            from tariffcli.batch.outdir import check_output_dir, is_directory_output
            from tariffcli.inputs.files import check_output

            directory = is_directory_output(out_name)
            if not directory:
                batch_io.output_format(out)
            files = batch_io.input_files(source)
            if directory:
                check_output_dir(out, [*files, *(catalogue.plans or ())])
            else:
                check_output(out, [*files, *(catalogue.plans or ())], "out")
        history, wide = shape.history, shape.wide
        for given, name in ((timing.start is not None, "start"), (timing.horizon != DEFAULT_TIMING.horizon, "horizon")):
            if history and given:
                raise UsageError(f"--{name} does not go with --history, which bills each subscriber's own months",
                                 field=name)
        if wide and out is None:
            raise UsageError("--wide shapes the --out file: give --out FILE", field="wide")
        spec, analyser = prepare(source, catalogue, timing, top, now, files, list(reading.columns), reading.sheet,
                                 history=history, wide=wide)
        say_prepared(spec, analyser, labels.language)
        if spec.format == "records" and run.engine is Engine.dask:
            raise UsageError("record files are read in this process: use --engine local, or total them per "
                             "month first", field="engine")
        t0 = time.perf_counter()
        summary = run_to_file(spec, analyser, out, run, labels.language, directory)
        elapsed = time.perf_counter() - t0
        report = summary.report(analyser)
        say_done(report.overall.subscribers, report.rows, out, elapsed, labels.language)
        emit_result(Output(format=fmt), {"json": lambda: summary_json(report, out, history),
                                         "table": lambda: TableView(summary_table(report, history, labels.language))})

    guard(body, json_errors=fmt is SummaryFormat.json)


def register(app: typer.Typer) -> None:
    """Add the ``batch`` command to the app."""
    app.command()(batch)


class _NoProgress:
    """Stands in for a rich Progress when the bar is off."""

    def __init__(self) -> None:
        from types import SimpleNamespace

        self.tasks: list[Any] = [SimpleNamespace(fields={"rows": 0})]

    def __enter__(self) -> "_NoProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, description: str, total: float | None = None, **fields: Any) -> int:
        return 0

    def update(self, task: int, **fields: Any) -> None:
        if "rows" in fields:
            self.tasks[0].fields["rows"] = fields["rows"]


def progress_rows(rows: int, elapsed: float, lang: str = "en") -> str:
    """The progress bar's row count and rate: '12,000 rows  3,000 rows/s' (or the Chinese form)."""
    from tariffcli.texts import label

    text = label("batch_progress_rows", lang, rows=f"{rows:,}")
    if elapsed > 0 and rows:
        text += "  " + label("batch_progress_rate", lang, rate=f"{rows / elapsed:,.0f}")
    return text


def _progress(quiet: bool, lang: str = "en") -> Any:
    """A rich progress bar on stderr: share done, rows and rows per second, elapsed time (labels in ``lang``)."""
    if quiet:
        return _NoProgress()
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        Task,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    class Rows(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(progress_rows(int(task.fields.get("rows", 0)), task.elapsed or 0.0, lang),
                        style="progress.data.speed")

    return Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), Rows(),
                    TimeElapsedColumn(), console=Console(stderr=True), transient=False)
