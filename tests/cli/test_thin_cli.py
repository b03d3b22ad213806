"""The command layer stays thin: option groups, one output door, commands that never import the app."""

import ast
import inspect
from pathlib import Path
from typing import Annotated

import typer.main

from tariffcli.cli.app import app
from tariffcli.cli.options import DEFAULT_OUTPUT, Output, OutputFormat, output_options, with_groups

CLI = Path(__file__).resolve().parents[2] / "tariffcli" / "cli"


def _commands() -> dict[str, object]:
    """Every command's callback, by its full name ('plans list')."""
    out: dict[str, object] = {}
    for name, cmd in typer.main.get_command(app).commands.items():  # type: ignore[attr-defined]
        for sub_name, sub in (getattr(cmd, "commands", None) or {"": cmd}).items():
            out[f"{name} {sub_name}".strip()] = sub.callback
    return out


def test_command_modules_never_import_the_app() -> None:
    for path in sorted(CLI.glob("*.py")):
        if path.name in ("app.py", "__init__.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert "tariffcli.cli.app" not in names, f"{path.name}:{node.lineno} imports the app module"


def test_commands_take_at_most_twelve_parameters() -> None:
    """The command functions take option groups, not one parameter per option."""
    for name, callback in _commands().items():
        function = inspect.unwrap(callback)  # type: ignore[arg-type]
        assert len(inspect.signature(function).parameters) <= 12, name


def test_the_format_dispatch_and_the_excel_check_are_written_once() -> None:
    text = {p.name: p.read_text("utf-8") for p in CLI.glob("*.py")}
    excel = [name for name, t in text.items() if "--excel goes with --format csv" in t]
    assert excel == ["options.py"]
    dispatch = [name for name, t in text.items() if "OutputFormat.markdown" in t or 'format.value == "markdown"' in t]
    assert dispatch == []


def test_a_group_reaches_the_command_as_one_object() -> None:
    seen: list[Output] = []

    def command(name: str, out: Annotated[Output, output_options("format", "excel")] = DEFAULT_OUTPUT) -> None:
        seen.append(out)

    wrapped = with_groups(command)
    assert list(inspect.signature(wrapped).parameters) == ["name", "fmt", "excel"]  # what typer sees
    wrapped(name="x", fmt=OutputFormat.csv, excel=True)
    assert seen == [Output(format=OutputFormat.csv, excel=True)]
