"""The file side: reading plan and usage files, writing outputs atomically.

The core modules take text and bytes; this module is where paths become
those. Nothing read from an input file is ever used as a path.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tariffcli.inputs.catalogue import load_catalogue, parse_plan
from tariffcli.model.errors import DataError, Problem, UsageError
from tariffcli.model.plan import Plan

if TYPE_CHECKING:
    from tariffcli.inputs.cards import Card
    from tariffcli.inputs.standard_rates import StandardRates  # pragma: no cover
    from tariffcli.inputs.usage import UsageHistory

PLAN_SUFFIXES = (".yaml", ".yml")


def catalogue_dir() -> Path:
    """The bundled catalogue: inside the installed package, or ``plans/`` in a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "catalogue"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "plans"


def _display(path: Path, root: Path | None = None) -> str:
    if root is not None:
        try:
            return str(Path("plans") / path.relative_to(root))
        except ValueError:
            pass
    return str(path)


def read_bytes(path: Path, display: str, limit: int) -> bytes:
    """The bytes of a file; one larger than ``limit`` is refused after reading at most ``limit + 1`` bytes.

    The bound also holds for a path that is not a regular file (``/dev/zero``).
    """
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise DataError(Problem(f"cannot read file: {exc.strerror}", file=display, code="io")) from None
    if len(data) > limit:
        raise DataError(Problem(f"file is larger than {limit:,} bytes", file=display, code="too_large"))
    return data


def read_text(path: Path, display: str) -> str:
    """Read a UTF-8 text file; a file in another encoding is a clear error."""
    from tariffcli.inputs.yaml_located import MAX_BYTES

    data = read_bytes(path, display, MAX_BYTES)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(Problem(
            f"not UTF-8 text (byte {exc.start}); save the plan file as UTF-8", file=display, line=line, code="encoding"
        )) from None


def plan_files(paths: Iterable[Path]) -> tuple[list[tuple[str, str]], list[Problem]]:
    """(display name, text) of every plan file in ``paths`` (files or directories), in a stable order.

    A file given twice (a directory and a file in it) is read once. Files that
    cannot be read are returned as problems, so the others can still be checked.
    """
    out: list[tuple[str, str]] = []
    problems: list[Problem] = []
    seen: set[Path] = set()

    def add(f: Path, display: str) -> None:
        real = f.resolve()
        if real in seen:
            return
        seen.add(real)
        try:
            out.append((display, read_text(f, display)))
        except DataError as exc:
            problems.extend(exc.problems)

    for path in paths:
        if path.is_dir():
            root = path if path.resolve() == catalogue_dir().resolve() else None
            files = sorted(
                p for p in path.rglob("*")
                if p.suffix in PLAN_SUFFIXES and p.is_file()
                and "standard-rates" not in p.relative_to(path).parts[:-1]  # per-operator rates, not plans
            )
            if not files:
                problems.append(Problem("no plan files (*.yaml) in this directory", file=_display(path), code="empty"))
            for f in files:
                add(f, _display(f, root))
        elif path.is_file():
            add(path, _display(path))
        else:
            raise UsageError(f"no such plan file or directory: {path}", field="plans")
    return out, problems


def load_plans(paths: Sequence[Path] | None = None) -> tuple[Plan, ...]:
    """Plans from ``paths`` (files or directories), or the bundled catalogue; every problem reported at once."""
    files, problems = plan_files(list(paths) if paths else [catalogue_dir()])
    try:
        plans = load_catalogue(files)
    except DataError as exc:
        problems += exc.problems
        plans = ()
    if problems:
        raise DataError(problems)
    return plans


def resolve_plan(ref: str, plans: Sequence[Plan], option: str = "current") -> Plan:
    """A plan by catalogue id, or from a plan file path."""
    for p in plans:
        if p.id == ref:
            return p
    path = Path(ref)
    if path.suffix in PLAN_SUFFIXES or path.exists():
        if not path.is_file():
            raise UsageError(f"--{option}: no such plan file: {ref}", field=option)
        return parse_plan(read_text(path, _display(path)), _display(path))
    close = difflib.get_close_matches(ref, [p.id for p in plans], n=3, cutoff=0.5)
    hint = f" (did you mean {', '.join(close)}?)" if close else "; see 'tariffcli plans list'"
    raise UsageError(f"--{option}: no plan with id '{ref}' and no such file{hint}", field=option)


def read_usage(path: Path) -> UsageHistory:
    from tariffcli.inputs.usage import MAX_BYTES, parse_usage_csv

    display = _display(path)
    return parse_usage_csv(read_bytes(path, display, MAX_BYTES), display)


def atomic_write(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` so that a failure never leaves a partial or truncated file."""
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``.

    A failure at any point removes the temporary file and leaves ``path`` as it was.
    """
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # the usual permissions of a new file, not mkstemp's 0600
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def load_standard_rates(folder: Path | None = None) -> dict[str, StandardRates]:
    """The per-operator standard out-of-bundle rates (``standard-rates/*.yaml`` of the bundled catalogue)."""
    from tariffcli.inputs.standard_rates import FOLDER, rates_by_operator

    where = folder if folder is not None else catalogue_dir() / FOLDER
    files = sorted(where.glob("*.yaml")) if where.is_dir() else []
    return rates_by_operator((_display(f), read_text(f, _display(f))) for f in files)


def read_cards(path: Path, **defaults: str) -> tuple[Card, ...]:
    """Tariff cards from a JSON list or from text pasted from an operator's app (``-``: standard input).

    ``defaults`` fill fields a card does not state (e.g. ``operator``)."""
    from tariffcli.inputs.cards import MAX_BYTES, parse_cards_json, parse_cards_text

    if str(path) == "-":
        import sys

        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise DataError(Problem(f"more than {MAX_BYTES:,} bytes: too large for a card file", file="<stdin>"))
        display = "<stdin>"
    else:
        display = str(path)
        data = read_bytes(path, display, MAX_BYTES)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"[", b"{"):
        return parse_cards_json(data, display, **defaults)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise DataError(Problem("neither UTF-8 nor GB18030 text", file=display, code="encoding")) from None
    return parse_cards_text(text, display, **defaults)
