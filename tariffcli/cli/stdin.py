"""``-`` reads standard input: a usage file, a plan file (``--current -``, ``--plans -``, an offer, ``plans show -``).

Standard input is read as a file would be: at most the same number of bytes, decoded
the same way, and every message names it ``<stdin>``. It can be read once per run:
a second ``-`` is a usage error. Only the standard library is imported at module level.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tariffcli.model.errors import DataError, Problem, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.inputs.usage import UsageHistory
    from tariffcli.model.plan import Plan

STDIN = "-"
"""The input name that means standard input."""
NAME = "<stdin>"
"""How messages name standard input."""

_read: list[str] = []
"""The inputs read from stdin in this run (see :func:`new_run`)."""


def is_stdin(ref: Path | str | None) -> bool:
    """Whether ``ref`` names standard input (``-``)."""
    return ref is not None and str(ref) == STDIN


def new_run() -> None:
    """Forget earlier reads: a new command line starts (called by the app for each run)."""
    _read.clear()


def file_or_stdin(value: Path | None) -> Path | None:
    """An input argument's check (typer's ``exists=True`` refuses ``-``): a file that exists, or ``-``."""
    if value is None or is_stdin(value) or os.path.lexists(value):
        return value
    import typer

    raise typer.BadParameter(f"file {str(value)!r} does not exist.")


def read_stdin(limit: int, what: str) -> bytes:
    """Standard input's bytes, at most ``limit`` (more is refused after reading ``limit + 1``); once per run."""
    if _read:
        raise UsageError(f"{what}: standard input (-) is already read for {_read[0]}; only one input can be -",
                         field=what.lstrip("-"))
    _read.append(what)
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise DataError(Problem(f"input is larger than {limit:,} bytes", file=NAME, code="too_large"))
    return data


def read_input(path: Path | str, limit: int, what: str) -> tuple[bytes, str]:
    """The bytes of an input file (at most ``limit``) and its name for messages; ``-``: standard input.

    For the inputs a command parses itself (``analyze``'s records and bill: ``parse_bill_csv(*read_input(...))``).
    """
    if is_stdin(path):
        return read_stdin(limit, what), NAME
    from tariffcli.inputs.files import read_bytes

    return read_bytes(Path(path), str(path), limit), str(path)


def read_usage(path: Path | str) -> UsageHistory:
    """The monthly usage CSV from ``path``, or from standard input for ``-``."""
    from tariffcli.inputs import files

    if not is_stdin(path):
        return files.read_usage(Path(path))
    from tariffcli.inputs.usage import MAX_BYTES, parse_usage_csv

    return parse_usage_csv(read_stdin(MAX_BYTES, "USAGE"), NAME)


def plan_text(what: str) -> str:
    """A plan file's text from standard input, decoded as plan files are (UTF-8, with or without a BOM)."""
    from tariffcli.inputs.yaml_located import MAX_BYTES

    data = read_stdin(MAX_BYTES, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(Problem(f"not UTF-8 text (byte {exc.start}); save the plan file as UTF-8", file=NAME,
                                line=line, code="encoding")) from None


def resolve_plan(ref: str, plans: Sequence[Plan], option: str) -> Plan:
    """A plan by catalogue id or plan file (:func:`tariffcli.inputs.files.resolve_plan`); ``-``: from stdin."""
    if not is_stdin(ref):
        from tariffcli.inputs.files import resolve_plan as by_ref

        return by_ref(ref, plans, option=option)
    from tariffcli.inputs.catalogue import parse_plan

    return parse_plan(plan_text(f"--{option}"), NAME)


def load_plans(paths: Sequence[Path] | None) -> tuple[Plan, ...]:
    """:func:`tariffcli.inputs.files.load_plans`, where ``-`` among ``paths`` is one plan file read from stdin."""
    from tariffcli.inputs import files

    if not paths or not any(is_stdin(p) for p in paths):
        return files.load_plans(paths)
    from tariffcli.inputs.catalogue import load_catalogue

    others = [p for p in paths if not is_stdin(p)]
    texts, problems = files.plan_files(others) if others else ([], [])
    texts.append((NAME, plan_text("--plans")))
    try:
        plans = load_catalogue(texts)
    except DataError as exc:
        problems += exc.problems
        plans = ()
    if problems:
        raise DataError(problems)
    return plans
