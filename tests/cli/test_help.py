"""Help that reads well at 80 columns (issue 12): placeholders people know instead of Python type names,
one or two examples under every command, and the ``plans`` group naming all its commands."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer.main
from rich.cells import cell_len
from typer.testing import CliRunner

from tariffcli.cli.app import app

ENV = {"NO_COLOR": "1", "COLUMNS": "80", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}

PYTHON_TYPES = re.compile(r"<(list|tuple|bool|str|int|float|file|path|Path|dir|text)\b[^>]*>|\{[A-Za-z_]+\}")
"""A Python type name as a placeholder (``<list[Path]>``, ``<bool>``, ``<int range>``) or typer's ``{NAME}``."""


def command_paths() -> list[tuple[str, ...]]:
    root = typer.main.get_command(app)
    paths: list[tuple[str, ...]] = [()]
    for name, cmd in sorted(root.commands.items()):  # type: ignore[attr-defined]
        paths.append((name,))
        paths += [(name, sub) for sub in sorted(getattr(cmd, "commands", {}))]
    return paths


def render_help(path: tuple[str, ...]) -> str:
    r = CliRunner().invoke(app, [*path, "--help"], env=ENV, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return str(r.stdout)


def test_every_command_is_checked() -> None:
    names = {" ".join(p) for p in command_paths()}
    assert {"", "compare", "analyze", "offer", "baskets", "batch", "plans list", "plans import", "config show",
            "config path"} <= names


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "tariffcli")
def test_help_has_no_python_type_names_and_fits_80_columns(path: tuple[str, ...]) -> None:
    text = render_help(path)
    assert not PYTHON_TYPES.search(text), PYTHON_TYPES.findall(text)
    wide = [line for line in text.splitlines() if cell_len(line) > 80]
    assert not wide, wide


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "tariffcli")
def test_help_ends_with_examples_that_fit_one_line(path: tuple[str, ...]) -> None:
    text = render_help(path)
    assert "Example" in text
    after = text[text.index("Example"):].splitlines()[1:]
    examples = [line.strip() for line in after if line.strip()]
    assert examples and all(e.startswith(("tariffcli", "TARIFFCLI_")) or "tariffcli " in e for e in examples[:1])


def test_flags_have_no_placeholder_and_values_have_readable_ones() -> None:
    text = render_help(("compare",))
    rows = {line.split()[1]: line for line in text.splitlines() if line.startswith("│ --")}
    for flag in ("--cite", "--excel", "--bars", "--explain", "--help"):
        assert rows[flag].split()[2] not in ("<bool>", "BOOL"), rows[flag]
    expected = {"--plans": "PATH", "--current": "ID|FILE", "--current-since": "YYYY-MM", "--horizon": "N",
                "--output": "FILE", "--lang": "en|zh", "--format": "table|json|csv|markdown"}
    for option, placeholder in expected.items():
        assert placeholder in rows[option].split(), rows[option]
    assert re.search(r"Usage: tariffcli compare \[OPTIONS\] USAGE *\n", text)
    assert re.search(r"Usage: tariffcli offer \[OPTIONS\] \[OFFER\] USAGE *\n", render_help(("offer",)))


def test_the_plans_group_help_names_all_its_commands() -> None:
    plans: Any = typer.main.get_command(app).commands["plans"]  # type: ignore[attr-defined]
    summary = plans.help or ""
    for name in plans.commands:
        assert name in summary, (name, summary)
