"""Options shared by the commands: choices, option types and the parsers of option values."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tariffcli.model.errors import UsageError
from tariffcli.texts import default_lang


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


def parse_day(text: str | None, option: str = "date") -> date:
    """``--date YYYY-MM-DD``, or today (the CLI is the only place that reads the clock)."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--{option}: {text!r} is not a date YYYY-MM-DD", field=option) from None


def resolve_lang(lang: Lang | None) -> str:
    return lang.value if lang is not None else default_lang()


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


