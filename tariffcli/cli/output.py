"""Where a command's result goes: stdout or an atomic file; errors as messages and exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import typer

from tariffcli.cli.options import Output
from tariffcli.model.errors import TariffError, UsageError

T = TypeVar("T")


def fail(exc: TariffError, json_errors: bool) -> typer.Exit:
    for p in exc.problems:
        print(f"Error: {p}", file=sys.stderr)
    if json_errors:
        doc = {"version": "1", "error": {"exit_code": exc.exit_code, "problems": [p.to_dict() for p in exc.problems]}}
        print(json.dumps(doc, ensure_ascii=False), file=sys.stderr)
    return typer.Exit(exc.exit_code)


def guard(fn: Callable[[], T], json_errors: bool = False) -> T:
    """Run a command body; user mistakes become a message and an exit code, bugs keep their traceback."""
    try:
        return fn()
    except TariffError as exc:
        raise fail(exc, json_errors) from None


def emit(text: str, output: Path | None, *, bom: bool = False) -> None:
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
    from tariffcli.inputs.files import atomic_write

    try:
        atomic_write(output, text)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror}", field="output") from None


def emit_table(renderable: Any, footer: str, output: Path | None) -> None:
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
    emit("".join(line.rstrip() + "\n" for line in buf.getvalue().splitlines()), output)


@dataclass(frozen=True)
class TableView:
    """A rich renderable with a footer: on a terminal in colour, else plain text (see :func:`emit_table`)."""

    renderable: Any
    """What rich prints (usually a Table)."""
    footer: str = ""
    """Text printed below it."""


View = Callable[[], "str | TableView"]
"""Renders the result in one format: text, or a table for the terminal."""


def emit_result(out: Output, views: Mapping[str, View], every: Callable[[str], str] | None = None) -> None:
    """The result in the format ``--format`` asks for, to stdout or to ``--output``.

    ``views`` renders it per format name (table, json, csv, markdown; text for ``offer``);
    ``every`` renders it for any format it does not list, given the format's name.
    CSV for ``--excel`` starts with a byte-order mark.
    """
    name = out.format.value
    view = views.get(name)
    if view is None and every is not None:
        emit(every(name), out.output, bom=out.excel)
        return
    if view is None:  # pragma: no cover - every command lists a view per format
        raise ValueError(f"no view for --format {name}")
    rendered = view()
    if isinstance(rendered, TableView):
        emit_table(rendered.renderable, rendered.footer, out.output)
    else:
        emit(rendered, out.output, bom=out.excel)


def write_chart(path: Path, kind: str, result: Any, lang: str, **kw: Any) -> None:
    """Draw the chart for ``result`` ('compare' or 'baskets') to ``path``; warnings go to stderr."""
    from tariffcli.inputs.files import atomic_write_bytes
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
