"""Options shared by the commands: choices, the parsers of option values, and the option groups.

An option group is a set of options a command adds once and receives as one frozen
object: :class:`Output` (format, output, lang, cite, excel, chart), :class:`CatalogueChoice`
(plans, operator, tag, province) and :class:`Timing` (start, horizon, today or date).
A command names the group in its signature and is decorated with :func:`with_groups`::

    @with_groups
    def compare(usage: ..., out: Annotated[Output, output_options("format", "output")]) -> None:
        ...

Typer sees the group's options one by one, in the order the command lists them;
the command receives the :class:`Output` made of their values.

Only typer and the standard library are imported here (``tariffcli --help`` stays fast).
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar, get_args, get_origin

import typer

from tariffcli.model.errors import TariffError, UsageError
from tariffcli.texts import default_lang

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.model.plan import Plan

G = TypeVar("G")
R = TypeVar("R")


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


# --- parsers of option values ---------------------------------------------------------------


TODAY_VARIABLE = "TARIFFCLI_TODAY"
"""An environment variable that pretends today is another day (YYYY-MM-DD), for reproducible runs and tests."""


YEARS_NOTE = "a year between 1990 and 2100"
"""What every date and month option says about its year (see :data:`tariffcli.model.months.MIN_YEAR`)."""


def parse_day(text: str | None, option: str = "date") -> date:
    """``--date YYYY-MM-DD``, else ``$TARIFFCLI_TODAY``, else today (the CLI is the only place that reads the clock).

    A given day must fall in the years 1990-2100; anything else is a usage error naming the option.
    """
    if text is None:
        pretend = os.environ.get(TODAY_VARIABLE)
        if not pretend:
            return date.today()
        return _day(pretend, f"${TODAY_VARIABLE}", option)
    return _day(text, f"--{option}", option)


def _day(text: str, name: str, option: str) -> date:
    from tariffcli.model.months import in_years

    try:
        day = date.fromisoformat(text.strip()) if len(text) <= 32 else None
    except ValueError:
        day = None
    if day is None or not in_years(day.year):
        raise UsageError(f"{name}: {text[:40]!r} is not a date YYYY-MM-DD with {YEARS_NOTE}", field=option)
    return day


def parse_month_option(text: str, option: str) -> str:
    """A month option (``--start``, ``--current-since``, ``--plan-since``) read as usage files read months
    (2027-01, 2027/01, 202701, 2027年1月, 2027-01-15), in the years 1990-2100; written back YYYY-MM."""
    from tariffcli.inputs.csvtext import CellError, month_text, parse_month_cell

    try:
        return month_text(parse_month_cell(text[:40]))
    except CellError as exc:
        raise UsageError(f"--{option}: {exc.message}", field=option) from None


def whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """A ``typer.Option(parser=...)`` for a whole-number option in ``[low, high]``, with the error in plain
    words (typer's own ``min``/``max`` check would show pydantic's "Input should be greater than ...")."""

    def parse(text: str | int) -> int:
        if isinstance(text, int):
            value: int | None = text
        else:
            t = str(text).strip().replace("_", "")
            value = int(t) if t.lstrip("+-").isdigit() and len(t) <= 12 else None
        within = value is not None and value >= low and (high is None or value <= high)
        if not within:
            span = f"from {low:,} to {high:,}" if high is not None else f"of at least {low:,}"
            raise typer.BadParameter(f"{str(text)[:40]!r} should be a whole number {span}")
        return int(value)  # type: ignore[arg-type]

    return parse


def parse_amount(text: str | None, option: str) -> Decimal | None:
    """A money option such as ``--max-fee 30`` or ``--gni 12,600``, read exactly.

    (:func:`tariffcli.inputs.bills.parse_amount` reads a bill's amount cell into fen; this
    one reads an option's value, which may use thousands separators and is never negative.)
    """
    if text is None:
        return None
    try:
        d = Decimal(text.replace(",", "").replace("_", "").strip())
    except InvalidOperation:
        raise UsageError(f"--{option}: {text!r} is not an amount", field=option) from None
    if not d.is_finite() or d < 0:
        raise UsageError(f"--{option}: {text!r} must be a non-negative amount", field=option)
    return d


def resolve_lang(lang: Lang | None) -> str:
    return lang.value if lang is not None else default_lang()


# --- option groups: the machinery -------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One option of a group, as typer needs it to build the option."""

    name: str
    """The parameter's name (what typer passes the value as)."""
    field: str
    """The group object's field that receives the value."""
    type: Any
    """The value's type."""
    decls: tuple[str, ...]
    """The option's names, e.g. ``("--format", "-f")``."""
    default: Any
    """The value when the option is not given."""
    help: str
    """The option's help text."""
    settings: Mapping[str, Any] = dataclass_field(default_factory=dict)
    """Further ``typer.Option`` settings: ``min``, ``max``, ``dir_okay``, ``hidden``."""

    def parameter(self) -> inspect.Parameter:
        """The option as a parameter of a command's signature (old-style ``= typer.Option(...)``)."""
        option = typer.Option(self.default, *self.decls, help=self.help, **self.settings)
        return inspect.Parameter(self.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=self.type,
                                 default=option)


@dataclass(frozen=True)
class OptionGroup(Generic[G]):
    """Options a command takes together and receives as one object (see :func:`with_groups`)."""

    members: tuple[Member, ...]
    """The options, in the order the command's help lists them."""
    build: Callable[[dict[str, Any]], G]
    """Makes the group object from the values, keyed by :attr:`Member.field`."""

    def make(self, values: Mapping[str, Any]) -> G:
        """The group object from the parameters' values (keyed by :attr:`Member.name`)."""
        return self.build({m.field: values[m.name] for m in self.members})


def pick(table: Mapping[str, Member], names: tuple[str, ...], changed: Mapping[str, Member]) -> tuple[Member, ...]:
    """The members ``names`` of ``table`` in that order; ``changed`` replaces some (another help text)."""
    unknown = [n for n in (*names, *changed) if n not in table]
    if unknown or not set(changed) <= set(names):
        raise ValueError(f"unknown or unused group members: {unknown or sorted(set(changed) - set(names))}")
    return tuple(changed.get(n, table[n]) for n in names)


def group_of(annotation: Any) -> OptionGroup[Any] | None:
    """The option group in ``Annotated[X, group]``, or None."""
    if get_origin(annotation) is not Annotated:
        return None
    return next((m for m in get_args(annotation)[1:] if isinstance(m, OptionGroup)), None)


def with_groups(command: Callable[..., R]) -> Callable[..., R]:
    """Expand the command's ``Annotated[X, OptionGroup]`` parameters into the groups' options.

    Typer reads the returned function's signature, in which every group parameter is
    replaced by its options; when the command runs, their values are gathered back
    into the group object, so the command body sees one parameter per group.
    """
    signature = inspect.signature(command, eval_str=True)
    groups: dict[str, OptionGroup[Any]] = {}
    params: list[inspect.Parameter] = []
    for p in signature.parameters.values():
        group = group_of(p.annotation)
        if group is None:
            params.append(p)
        else:
            groups[p.name] = group
            params.extend(m.parameter() for m in group.members)
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise TypeError(f"{command.__name__}: an option is given twice: {names}")

    @functools.wraps(command)
    def run(**values: Any) -> R:
        json_errors = str(values.get("fmt")) == "json"
        try:
            for name, group in groups.items():
                values[name] = group.make({m.name: values.pop(m.name) for m in group.members})
        except TariffError as exc:  # e.g. a format that cannot be told from the --output file's name
            raise usage_exit(exc, json_errors) from None
        return command(**values)

    run.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]  # read by typer
    run.__annotations__ = {p.name: p.annotation for p in params} | {"return": signature.return_annotation}
    return run


def usage_exit(exc: TariffError, json_errors: bool) -> typer.Exit:
    """An option group's error: its message on stderr (and a JSON line with ``--format json``), the exit code."""
    import json
    import sys

    for p in exc.problems:
        print(f"Error: {p}", file=sys.stderr)
    if json_errors:
        doc = {"version": "1", "error": {"exit_code": exc.exit_code, "problems": [p.to_dict() for p in exc.problems]}}
        print(json.dumps(doc, ensure_ascii=False), file=sys.stderr)
    return typer.Exit(exc.exit_code)


# --- the output group ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    """Where and how a command writes its result."""

    format: StrEnum = OutputFormat.table
    """``--format``: an :class:`OutputFormat` (``offer``: its own text/json choice)."""
    output: Path | None = None
    """``--output``: write to this file (atomically) instead of stdout."""
    lang: Lang | None = None
    """``--lang``: label language; None: from the locale."""
    cite: bool = False
    """``--cite``: cite every price (Markdown footnotes, CSV source columns)."""
    excel: bool = False
    """``--excel``: CSV with a UTF-8 byte-order mark."""
    chart: Path | None = None
    """``--chart``: also draw a bar chart to this file."""
    format_given: bool = True
    """Whether ``--format`` was given (else the format comes from the ``--output`` file's extension)."""
    format_note: str = ""
    """A note for stderr once the file is written: ``--format`` and the extension disagree (``--format`` wins)."""
    format_problem: str = ""
    """Why the format cannot be told from the ``--output`` file's name (raised after the output checks)."""

    @property
    def language(self) -> str:
        """The label language: ``--lang``, else from the locale."""
        return resolve_lang(self.lang)

    @property
    def json_errors(self) -> bool:
        """Whether errors are also written as JSON (with ``--format json`` given, not implied by a file name)."""
        return self.format_given and self.format.value == "json"

    def check_format(self) -> None:
        """A format that cannot be told from the ``--output`` file's name is a usage error (see :func:`format_for`)."""
        if self.format_problem:
            raise UsageError(self.format_problem, field="output")

    def check_excel(self) -> None:
        """``--excel`` only goes with ``--format csv``."""
        if self.excel and self.format.value != "csv":
            raise UsageError("--excel goes with --format csv", field="excel")

    def check_chart(self) -> None:
        """A ``--chart`` file with a wrong suffix fails before any work."""
        if self.chart is not None:
            from tariffcli.render.charts import chart_format

            chart_format(self.chart)


OUTPUT_MEMBERS: dict[str, Member] = {m.field: m for m in (
    Member("fmt", "format", OutputFormat | None, ("--format", "-f"), None,
           "Output format (default: from the --output file's extension, else table)."),
    Member("output", "output", Path | None, ("--output", "-o"), None,
           "Write to FILE (atomically) instead of stdout; - is stdout.", {"dir_okay": False, "allow_dash": True}),
    Member("lang", "lang", Lang | None, ("--lang",), None,
           "Label language (default: $TARIFFCLI_LANG, the config file, else the locale)."),
    Member("cite", "cite", bool, ("--cite",), False,
           "Cite every price: Markdown footnotes, CSV source columns (JSON always has sources)."),
    Member("excel", "excel", bool, ("--excel",), False, "CSV for Excel: UTF-8 with a byte-order mark."),
    Member("chart", "chart", Path | None, ("--chart",), None,
           "Also draw a bar chart to FILE (.svg or .png; needs matplotlib).", {"dir_okay": False}),
)}


DEFAULT_OUTPUT = Output()
"""The default of a command's output group parameter (typer passes the options' values instead)."""


SUFFIX_FORMATS: dict[str, str] = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown",
                                  ".txt": "table"}
"""The format an ``--output`` file's extension implies when ``--format`` is not given (.txt: the table, as text)."""


def enum_of(annotation: Any) -> type[StrEnum] | None:
    """The StrEnum in ``annotation`` (``OutputFormat | None`` -> OutputFormat), or None."""
    for t in (annotation, *get_args(annotation)):
        if isinstance(t, type) and issubclass(t, StrEnum):
            return t
    return None


def format_for(given: StrEnum | None, output: Path | None, choices: type[StrEnum]) -> dict[str, Any]:
    """The output format (and :class:`Output`'s format fields): ``--format`` when given, else the one the
    ``--output`` file's extension implies.

    The default is table (``offer``: text) for stdout (no ``--output``, or ``-o -``). An extension that implies
    no format (``.yaml``, none) is a usage error unless ``--format`` is given: the format is never guessed
    (the error is raised by :meth:`Output.check_format`, after the checks of the output targets).
    When ``--format`` and the extension disagree, ``--format`` wins and a note on stderr says so.
    """
    names = [m.value for m in choices]
    default = choices("table" if "table" in names else names[0])
    fields: dict[str, Any] = {"format": given if given is not None else default, "format_given": given is not None}
    if output is None or str(output) == "-":
        return fields
    suffix = output.suffix.lower()
    implied = SUFFIX_FORMATS.get(suffix)
    if implied == "table" and "table" not in names and "text" in names:
        implied = "text"
    which = "|".join(names)
    if given is not None:
        if implied is not None and implied != given.value:
            fields["format_note"] = (f"Note: --output {output}: written as {given.value} (--format {given.value}), "
                                     f"not as the {implied} its extension suggests")
    elif implied is None:
        ext = f"extension {suffix!r}" if suffix else "a name without an extension"
        fields["format_problem"] = (f"--output {output}: will not guess the format from {ext}; give --format "
                                    f"{which} (or name the file .json, .csv, .md or .txt)")
    elif implied not in names:
        fields["format_problem"] = (f"--output {output}: {suffix} means {implied}, which this command does not "
                                    f"write; give --format {which}")
    else:
        fields["format"] = choices(implied)
    return fields


def output_options(*names: str, **changed: Member) -> OptionGroup[Output]:
    """The output options ``names`` (format, output, lang, cite, excel, chart), in that order.

    Without ``--format``, the format comes from the ``--output`` file's extension (:func:`format_for`).
    """
    members = pick(OUTPUT_MEMBERS, names, changed)
    choices = next((enum_of(m.type) for m in members if m.field == "format"), None)

    def build(values: dict[str, Any]) -> Output:
        if choices is not None:
            values = {**values, **format_for(values.get("format"), values.get("output"), choices)}
        return Output(**values)

    return OptionGroup(members, build)


# --- the catalogue group ------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueChoice:
    """Which plans a command works on: the catalogue and the filters on it."""

    plans: tuple[Path, ...] | None = None
    """``--plans``: plan files or directories; None: the bundled catalogue."""
    operators: tuple[str, ...] = ()
    """``--operator``: only these operators."""
    tags: tuple[str, ...] = ()
    """``--tag``: only plans with all these tags."""
    province: str | None = None
    """``--province`` (or ``TARIFFCLI_PROVINCE``): where the user lives, as they write it (广东, Guangdong):
    national plans plus that province's own; None when not known."""

    def province_name(self) -> str | None:
        """The canonical name of ``--province``; a name that is no province is a usage error."""
        if self.province is None or not self.province.strip():
            return None
        from tariffcli.model.provinces import canonical_province

        name = canonical_province(self.province)
        if name is None:
            raise UsageError(f"--province (or $TARIFFCLI_PROVINCE): {self.province!r} is not a province of China "
                             "(write it in Chinese or pinyin, e.g. 广东, Guangdong or guangdong)", field="province")
        return name

    def load(self) -> tuple[Plan, ...]:
        """Every plan of the catalogue (``--plans``, or the bundled one)."""
        from tariffcli.cli.stdin import load_plans

        return load_plans(self.plans)

    def select(self, catalogue: tuple[Plan, ...]) -> tuple[Plan, ...]:
        """The plans of ``catalogue`` that ``--operator`` and ``--tag`` keep (unknown values, or none kept: exit 2)."""
        from tariffcli.compare.catalogue_filter import select_checked

        return select_checked(catalogue, operators=self.operators, tags=self.tags)

    @property
    def keep_number(self) -> bool:
        """Whether ``--tag keep-number`` asks for plans that keep the number."""
        return "keep-number" in self.tags


CATALOGUE_MEMBERS: dict[str, Member] = {m.field: m for m in (
    Member("plans", "plans", list[Path] | None, ("--plans",), None,
           "Plan file or directory (repeatable; - reads a plan file from stdin); replaces the bundled catalogue. "
           "Default: $TARIFFCLI_PLANS or the config file."),
    Member("operator", "operators", list[str] | None, ("--operator",), None, "Only this operator (repeatable)."),
    Member("tag", "tags", list[str] | None, ("--tag",), None,
           "Only plans with this tag, e.g. keep-number (repeatable)."),
    Member("province", "province", str | None, ("--province",), None,
           "Your province (广东, Guangdong, guangdong): national plans plus its own. "
           "Default: $TARIFFCLI_PROVINCE or the config file.", {"envvar": "TARIFFCLI_PROVINCE", "show_envvar": False}),
)}


DEFAULT_CATALOGUE = CatalogueChoice()
"""The default of a command's catalogue group parameter."""


def make_catalogue_choice(values: dict[str, Any]) -> CatalogueChoice:
    plans = values.get("plans")
    return CatalogueChoice(
        plans=None if plans is None else tuple(plans),
        **{k: tuple(values.get(k) or ()) for k in ("operators", "tags")},
        province=values.get("province"),
    )


def catalogue_options(*names: str, **changed: Member) -> OptionGroup[CatalogueChoice]:
    """The catalogue options ``names`` (plans, operators, tags, province), in that order."""
    return OptionGroup(pick(CATALOGUE_MEMBERS, names, changed), make_catalogue_choice)


# --- the timing group ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """When: the first month a new plan would start, the months simulated, and today."""

    start: str | None = None
    """``--start`` YYYY-MM; None: next month."""
    horizon: int = 12
    """``--horizon``: months to simulate."""
    today: str | None = None
    """``--today`` (or ``--date``) as given, YYYY-MM-DD; None: the system date."""
    today_option: str = "today"
    """The option that gave :attr:`today` (named in its error)."""

    def day(self) -> date:
        """Today (``--today``/``--date``, else the system date)."""
        return parse_day(self.today, self.today_option)

    def first_month(self, today: date) -> str:
        """``--start`` (checked: YYYY-MM, 1990-2100), else the month after ``today``."""
        from tariffcli.model.months import next_month

        if self.start is not None:
            return parse_month_option(self.start, "start")
        return next_month(today)


PRETEND_TODAY = "Pretend today is YYYY-MM-DD (for reproducible runs)."

TIMING_MEMBERS: dict[str, Member] = {
    "start": Member("start", "start", str | None, ("--start",), None,
                    "Month a new plan would start (YYYY-MM; default: next month)."),
    "horizon": Member("horizon", "horizon", int, ("--horizon",), 12, "Months to simulate.", {"parser": whole_number(1, 600)}),
    "today": Member("today", "today", str | None, ("--today",), None, PRETEND_TODAY, {"hidden": True}),
    "date": Member("on", "today", str | None, ("--date",), None,
                   "Only plans on sale on this day, YYYY-MM-DD (default: today)."),
}


DEFAULT_TIMING = Timing()
"""The default of a command's timing group parameter."""


def timing_options(*names: str, **changed: Member) -> OptionGroup[Timing]:
    """The timing options ``names`` (start, horizon, today; or date), in that order."""
    members = pick(TIMING_MEMBERS, names, changed)
    option = "date" if "date" in names else "today"
    return OptionGroup(members, lambda values: Timing(**values, today_option=option))


def but(member: Member, help: str, **settings: Any) -> Member:
    """``member`` with another help text (and other settings, e.g. ``hidden=False``)."""
    return replace(member, help=help, settings={**member.settings, **settings})


# --- the record-reading group (analyze, batch) ---------------------------------------------------


@dataclass(frozen=True)
class RecordReading:
    """How usage, record and bill files are read: ``--columns`` mappings and the ``--sheet`` of a spreadsheet."""

    columns: tuple[str, ...] = ()
    """``--columns NAME=COLUMN`` values (itemized records)."""
    sheet: str | None = None
    """``--sheet``: the sheet of an .xlsx input, by name or number (default: the first)."""


RECORD_MEMBERS: dict[str, Member] = {
    "columns": Member("columns", "columns", list[str] | None, ("--columns",), None,
                      "Records column meaning NAME=COLUMN, e.g. duration_min=duration (repeatable).",
                      {"metavar": "NAME=COLUMN"}),
    "sheet": Member("sheet", "sheet", str | None, ("--sheet",), None,
                    "Sheet of an .xlsx input: its name or number (default: the first).", {"metavar": "NAME|N"}),
}
DEFAULT_RECORD_READING = RecordReading()
"""The default of a command's record-reading group parameter."""


def record_options(*names: str) -> OptionGroup[RecordReading]:
    """The record-reading options ``names`` (columns, sheet), in that order."""
    return OptionGroup(pick(RECORD_MEMBERS, names, {}),
                       lambda values: RecordReading(tuple(values.get("columns") or ()), values.get("sheet")))
