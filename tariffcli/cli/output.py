"""Where a command's result goes: stdout or an atomic file; errors as messages and exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

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


