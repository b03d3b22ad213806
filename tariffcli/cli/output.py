"""Where a command's result goes: stdout or an atomic file; errors as messages and exit codes."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import typer

from tariffcli.cli.options import Output, usage_exit
from tariffcli.model.errors import TariffError, UsageError

T = TypeVar("T")


def fail(exc: TariffError, json_errors: bool) -> typer.Exit:
    """The error's messages on stderr (and one JSON line with ``json_errors``); the exit to raise."""
    return usage_exit(exc, json_errors)


def guard(fn: Callable[[], T], json_errors: bool = False) -> T:
    """Run a command body; user mistakes become a message and an exit code, bugs keep their traceback."""
    try:
        return fn()
    except TariffError as exc:
        raise fail(exc, json_errors) from None


MAX_WARNINGS = 20
"""Warnings printed to stderr per command: the first this many, then one line with the count of the rest."""


def print_warnings(warnings: Iterable[object], prefix: str = "Warning: ", limit: int = MAX_WARNINGS) -> None:
    """Each warning on its own stderr line, at most ``limit`` of them, then "… and K more warnings"."""
    from tariffcli.model.sanitise import text_block

    shown = 0
    for w in warnings:
        if shown < limit:  # a warning may quote file text: no terminal control sequence gets through
            print(f"{prefix}{text_block(str(w))}", file=sys.stderr)
        shown += 1
    if shown > limit:
        more = shown - limit
        print(f"{prefix}… and {more:,} more warning{'s' if more != 1 else ''}", file=sys.stderr)


def check_outputs(out: Output | None, inputs: Sequence[Path | None], **others: Path | None) -> None:
    """Check every output target of a command before anything is written (see ``check_output``).

    ``out``'s --output and --chart, plus ``others`` (option name -> path, e.g. ``ics=...``), are
    refused when one is an input, a directory, a device, a FIFO or a socket, or two name the same file.
    """
    from tariffcli.cli.config_location import config_path
    from tariffcli.inputs.files import check_output

    inputs = [*inputs, config_path()]  # the config file is read by every command: never an output
    targets: dict[str, Path | None] = {}
    if out is not None:
        targets |= {"output": out.output, "chart": out.chart}
    targets |= others
    seen: dict[Path, str] = {}
    for option, path in targets.items():
        real = check_output(path, inputs, option.replace("_", "-"))
        if real is None:
            continue
        if real in seen:
            raise UsageError(f"--{option} {path}: is also the file of --{seen[real]}; give two files", field=option)
        seen[real] = option
    if out is not None:
        out.check_format()


def quiet_stdout() -> None:
    """Point stdout's descriptor at /dev/null, so that the interpreter's last flush does not fail again."""
    import os

    with contextlib.suppress(Exception):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def write_stdout(data: str | bytes) -> None:
    """Write to stdout and flush: a closed pipe (EPIPE) ends the command quietly, another error is a usage error."""
    try:
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
            sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
        raise typer.Exit(0) from None
    except OSError as exc:
        quiet_stdout()
        raise UsageError(f"cannot write to standard output: {exc.strerror or exc}", field="output") from None


def write_file(path: Path, data: str | bytes, option: str) -> None:
    """Write ``data`` atomically to ``path``; a write error (ENOSPC, EFBIG, EACCES) is a usage error naming ``option``."""
    from tariffcli.inputs.files import atomic_write_bytes

    try:
        atomic_write_bytes(path, data.encode("utf-8") if isinstance(data, str) else data)
    except OSError as exc:
        raise UsageError(f"--{option}: cannot write {path}: {exc.strerror or exc}", field=option) from None


def emit(text: str, output: Path | None, *, bom: bool = False) -> None:
    """Write ``text`` to stdout (``output`` None or ``-``) or atomically to ``output``; ``bom``: a UTF-8 BOM first."""
    if output is not None and str(output) == "-":
        output = None
    if bom:
        text = "\ufeff" + text
        if output is None and hasattr(sys.stdout, "buffer"):
            write_stdout(text.encode("utf-8"))  # UTF-8 whatever the console's encoding
            return
    if output is None:
        write_stdout(text)
        return
    write_file(output, text, "output")


def emit_table(renderable: Any, footer: str, output: Path | None) -> None:
    from rich.console import Console

    if output is not None and str(output) == "-":
        output = None
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
    from tariffcli.render.plain import plain_text

    text = None if footer else plain_text(renderable, width)  # the same bytes, without rich's renderer
    if text is not None:
        emit(text, output)
        return
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
    footer: Any = ""
    """Text (rich markup) or a renderable printed below it."""


View = Callable[[], "str | TableView"]
"""Renders the result in one format: text, or a table for the terminal."""


def emit_result(out: Output, views: Mapping[str, View], every: Callable[[str], str] | None = None) -> None:
    """The result in the format ``--format`` asks for, to stdout or to ``--output``.

    ``views`` renders it per format name (table, json, csv, markdown; text for ``offer``);
    ``every`` renders it for any format it does not list, given the format's name.
    CSV for ``--excel`` starts with a byte-order mark.
    """
    out.check_format()
    name = out.format.value
    view = views.get(name)
    if view is None and every is None:  # pragma: no cover - every command lists a view per format
        raise ValueError(f"no view for --format {name}")
    rendered = view() if view is not None else every(name) if every is not None else ""
    if isinstance(rendered, TableView):
        emit_table(rendered.renderable, rendered.footer, out.output)
    else:
        emit(rendered, out.output, bom=out.excel)
    if out.format_note:
        print(out.format_note, file=sys.stderr)


def write_chart(path: Path, kind: str, result: Any, lang: str, **kw: Any) -> None:
    """Draw the chart for ``result`` ('compare' or 'baskets') to ``path``; warnings go to stderr."""
    from tariffcli.render import charts
    from tariffcli.texts import label

    fmt = charts.chart_format(path)
    if kind == "compare":
        data, problems = charts.compare_chart(result, fmt, lang=lang, **kw)
    else:
        data, problems = charts.basket_chart(result, fmt, lang=lang, **kw)
    print_warnings((label(p, lang, file=path) for p in problems), prefix="")
    write_file(path, data, "chart")
    print(label("chart_written", lang, file=path), file=sys.stderr)
