"""The ``tariffcli`` app: the root command, the commands of the command modules, and ``main``.

Each command lives in its own module (compare, plans, analyze, baskets, batch,
offer), which adds itself with ``register(app)`` and never imports this module.
Heavy modules (pandas, numpy, pydantic, rich) are imported inside the commands,
so ``tariffcli --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, MutableMapping
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from tariffcli.cli.streams import degrade_streams

COMMANDS = (("compare", "compare"), ("analyze", "analyze"), ("batch", "batch"), ("offer", "offer"),
            ("baskets", "baskets"), ("plans", "plans"), ("config", "config"))
"""(command, module of :mod:`tariffcli.cli`) in the order help lists them: each module is imported, and its
commands built, only when the command is run or listed (start-up time)."""


class LazyCommands(MutableMapping[str, Any]):
    """The root group's commands: every name known from the start (help, suggestions, settings), each command
    built by its module on first use (:meth:`TariffGroup.load_command`)."""

    def __init__(self, group: TariffGroup, modules: Iterable[tuple[str, str]]) -> None:
        self.group = group
        self.modules = dict(modules)
        self.loaded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self.loaded:
            if name not in self.modules:
                raise KeyError(name)
            self.loaded[name] = self.group.load_command(name, self.modules[name])
        return self.loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.modules.setdefault(name, "")
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self.modules[name]
        self.loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.modules))

    def __len__(self) -> int:
        return len(self.modules)


class TariffGroup(TyperGroup):
    """The root group: before a run, help placeholders and examples (:func:`tariffcli.cli.helptext.polish`)
    and the defaults a person sets once (:mod:`tariffcli.cli.config`), read only when a command asks.
    Its commands are built when first used (:class:`LazyCommands`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(self, COMMANDS)

    def load_command(self, name: str, module: str) -> Any:
        """The command ``name``, built by its module's ``register`` (as typer builds it), with its help
        polished and its options coerced without pydantic where plain (:mod:`tariffcli.cli.coercion`)."""
        import importlib

        from typer.main import get_group

        from tariffcli.cli import coercion, helptext

        commands = typer.Typer()
        importlib.import_module(f"tariffcli.cli.{module}").register(commands)
        command = get_group(commands).commands[name]
        if hasattr(command, "commands"):
            helptext.polish(command, name)
        else:
            helptext.polish_command(command, name)
        coercion.install(command, name=name)
        return command

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        from tariffcli.cli import config, helptext

        if not getattr(self, "tariffcli_polished", False):  # the commands are polished as they are built
            self.tariffcli_polished = True
            helptext.polish_command(self, "")
        if parent is None:
            from tariffcli.cli import coercion
            from tariffcli.cli.stdin import new_run

            new_run()
            coercion.install(self, deep=False)  # option values without pydantic where they are plain (start-up time)
        wants_help = "--help" in args or extra.get("resilient_parsing")  # help and completion read no settings
        if parent is None and extra.get("default_map") is None and not wants_help:
            extra["default_map"] = config.GroupDefaults(self, config.loader())
        return super().make_context(info_name, args, parent=parent, **extra)


app = typer.Typer(
    name="tariffcli",
    cls=TariffGroup,
    help="Compare mobile tariffs and analyse phone bills, exactly to the fen.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def catalogue_summary() -> str:
    """'66 plans, sources read up to 2026-12-01' for the bundled catalogue, by reading the plan files as text
    (cheap: no YAML, no model); '' when there is no catalogue."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    folder = root / "catalogue" if (root / "catalogue").is_dir() else root.parent / "plans"
    files = [f for f in folder.rglob("*.y*ml") if "standard-rates" not in f.parts] if folder.is_dir() else []
    if not files:
        return ""
    dates = [d for f in files for d in re.findall(r"^\s*-?\s*retrieved:\s*['\"]?(\d{4}-\d{2}-\d{2})",
                                                   f.read_text("utf-8", errors="replace"), re.MULTILINE)]
    return f"{len(files)} plans" + (f", sources read up to {max(dates)}" if dates else "")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            line = f"tariffcli {version('tariffcli')}"
        except PackageNotFoundError:
            line = "tariffcli (not installed)"
        summary = catalogue_summary()
        print(line + (f" (catalogue: {summary})" if summary else ""))
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", "-V", callback=_version, is_eager=True,
        help="Print the version (and the bundled catalogue's size and date) and exit.")] = False,
) -> None:
    """Compare mobile tariffs and analyse phone bills, exactly to the fen."""


def _wants_json(argv: list[str]) -> bool:
    """Whether the command line asks for JSON output (so errors are also written as JSON)."""
    for i, arg in enumerate(argv):
        if arg in ("--format", "-f") and i + 1 < len(argv) and argv[i + 1] == "json":
            return True
        if arg in ("--format=json", "-fjson"):
            return True
    return False


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point.

    Option errors found by the parser (a missing file, a value out of range) exit
    with code 2 like every usage error, and with ``--format json`` they are also
    written to stderr as a JSON line, as the command bodies' errors are.
    """
    args = sys.argv[1:] if argv is None else argv
    degrade_streams()
    try:
        if args == ["--help"]:  # saved for the next --help (tariffcli.cli.help_cache)
            from tariffcli.cli import help_cache

            rv = help_cache.record(args, lambda: app(args=args, standalone_mode=False, prog_name="tariffcli"))
        else:
            rv = app(args=args, standalone_mode=False, prog_name="tariffcli")
    except KeyboardInterrupt:
        print("Aborted.", file=sys.stderr)
        sys.exit(130)
    except OSError as exc:  # writing help or a parser message failed (a full disk, a closed pipe): no traceback
        from tariffcli.cli.output import quiet_stdout

        quiet_stdout()
        if isinstance(exc, BrokenPipeError):
            sys.exit(1)
        print(f"Error: cannot write to standard output: {exc.strerror or exc}", file=sys.stderr)
        sys.exit(2)
    except Exception as exc:  # the parser's own errors: anything else is a bug and keeps its traceback
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if type(exc).__name__ == "Abort":
            print("Aborted.", file=sys.stderr)
            sys.exit(1)
        if show is None or not isinstance(code, int):
            raise
        if isinstance(getattr(exc, "message", None), str):  # typer checks some options with pydantic: plain words
            from tariffcli.inputs.validation import plain_text

            exc.message = plain_text(exc.message)  # type: ignore[attr-defined]
        show()
        if _wants_json(args):
            message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
            problem = {"code": "usage", "message": message, "file": None, "line": None, "field": None}
            doc = {"version": "1", "error": {"exit_code": code, "problems": [problem]}}
            print(json.dumps(doc, ensure_ascii=False), file=sys.stderr)
        sys.exit(code)
    sys.exit(flushed_exit_code(rv if isinstance(rv, int) else 0))


def flushed_exit_code(code: int) -> int:
    """``code``, after a last flush of stdout: a closed pipe is quiet, another write error (/dev/full) exits 2."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        from tariffcli.cli.output import quiet_stdout

        quiet_stdout()
        if isinstance(exc, BrokenPipeError):
            return code
        print(f"Error: cannot write to standard output: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return code
