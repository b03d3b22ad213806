"""Help that reads well at 80 columns: placeholders people know, and examples for every command.

Typer names an option's value after its Python type (``<list[Path]>``, ``<bool>``,
``<int range>``). :func:`polish` walks the built command tree once and gives every
parameter a placeholder: the one :data:`PLACEHOLDERS` names for the option, else one
from its type (FILE, PATH, N, the choices), and nothing for a flag; every command gets
the examples of :data:`EXAMPLES` as its epilog. Only typer and the standard library
are imported (``tariffcli --help`` stays fast).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

PLACEHOLDERS: dict[str, str] = {
    "--start": "YYYY-MM", "--current-since": "YYYY-MM", "--plan-since": "YYYY-MM",
    "--date": "YYYY-MM-DD", "--today": "YYYY-MM-DD", "--retrieved": "YYYY-MM-DD",
    "--current": "ID|FILE", "--plan": "ID|FILE", "--rates-from": "ID|FILE", "--basket": "ID|FILE",
    "--plans": "PATH", "--operator": "NAME", "--tag": "TAG", "--province": "PROVINCE",
    "--eligible": "KEYS", "--gni": "AMOUNT", "--gni-source": "TEXT", "--max-fee": "AMOUNT",
    "--fee": "AMOUNT", "--promo-fee": "AMOUNT", "--discount": "PERCENT", "--voice": "MINUTES",
    "--sms": "N", "--data": "SIZE", "--app-data": "SIZE", "--scheduler": "ADDRESS", "--to": "DIR",
    "--include": "KIND",
}
"""The placeholder of an option's value, by the option's long name (others: from the type)."""

EXAMPLES: dict[str, tuple[str, ...]] = {
    "": ("tariffcli compare usage.csv --current cmcc-8yuan-shenzhen-voice", "tariffcli plans list -f csv -o plans.csv"),
    "compare": ("tariffcli compare usage.csv --current my-plan.yaml --current-since 2025-03",
                "tariffcli compare usage.csv --tag keep-number --top 5 -o top5.md"),
    "analyze": ("tariffcli analyze records.csv --bill bill.csv -f markdown -o report.md",
                "tariffcli analyze --bill bill.csv"),
    "offer": ("tariffcli offer pitched.yaml usage.csv --current my-plan.yaml --term 24",
              "tariffcli offer usage.csv --fee 128 --discount 50% --for 12 --current ID"),
    "baskets": ("tariffcli baskets --list", "tariffcli baskets --gni 12600 -f markdown"),
    "batch": ("tariffcli batch subscribers.parquet --output best.parquet",
              "tariffcli batch 'extract/*.csv' --top 3 --output best.csv -f json"),
    "plans": ("tariffcli plans list --operator 'China Mobile'", "tariffcli plans show cmcc-8yuan-shenzhen-voice"),
    "plans list": ("tariffcli plans list --tag keep-number --max-fee 10", "tariffcli plans list --all -o plans.csv"),
    "plans show": ("tariffcli plans show cmcc-8yuan-shenzhen-voice", "tariffcli plans show my-plan.yaml -f json"),
    "plans validate": ("tariffcli plans validate my-plans/", "tariffcli plans validate"),
    "plans schema": ("tariffcli plans schema -o plan.schema.json",),
    "plans diff": ("tariffcli plans diff my-plans/    (against the bundled catalogue)",
                   "tariffcli plans diff old-plans/ new-plans/ -f markdown"),
    "plans import": ("tariffcli plans import pitched-card.txt --to my-plans --dry-run",
                     "tariffcli plans import - --to my-plans < cards.json"),
    "config": ("tariffcli config show", "tariffcli config path"),
    "config show": ("tariffcli config show", "TARIFFCLI_LANG=zh tariffcli config show"),
    "config path": ("tariffcli config path",),
}
"""One or two examples per command, by the command's path (``plans list``); shown under its help."""


def placeholder(param: Any) -> str:
    """The placeholder of ``param``'s value: '' for a flag, else a name people know (FILE, N, YYYY-MM)."""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    for opt in getattr(param, "opts", ()):
        if opt in PLACEHOLDERS:
            return PLACEHOLDERS[opt]
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "|".join(str(m.value) for m in annotation)
    if annotation is int:
        return "N"
    if annotation is float:
        return "NUMBER"
    if isinstance(annotation, type) and issubclass(annotation, Path):
        return "FILE" if getattr(descriptor, "path_type", "") == "file" else "PATH"
    return "TEXT"


def polish_command(command: Any, path: str) -> None:
    """Placeholders for ``command``'s parameters (and its --help), its examples as the epilog."""
    for param in command.params:
        if type(param).__name__ == "TyperArgument":
            if param.metavar is None:
                param.metavar = param.name.upper()
            param.display_type_rich = _no_type  # the placeholder names it already
            if hasattr(param, "_usage_display_name"):  # typer writes a required argument {NAME}
                param._usage_display_name = functools.partial(_usage_name, param)
        elif param.metavar is None:
            param.metavar = placeholder(param)
    get_help_option: Callable[[Any], Any] = command.get_help_option

    def help_option(ctx: Any) -> Any:
        option = get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option

    command.get_help_option = help_option
    examples = EXAMPLES.get(path)
    if examples and not command.epilog:
        command.epilog = "\b\n" + ("Examples:\n" if len(examples) > 1 else "Example:\n") + "\n".join(
            f"  {e}" for e in examples)


def _no_type(ctx: Any) -> None:
    return None


def _usage_name(param: Any) -> str:
    """An argument in the usage line: NAME when required, [NAME] when not, '...' when repeatable."""
    name = str(param.metavar)
    if not param.required and not name.startswith("["):
        name = f"[{name}]"
    return name + ("..." if param.nargs != 1 and " " not in name else "")


def polish(group: Any, path: str = "") -> None:
    """:func:`polish_command` for ``group`` and every command under it (once; later calls do nothing)."""
    if getattr(group, "tariffcli_polished", False):
        return
    group.tariffcli_polished = True
    polish_command(group, path)
    for name, command in getattr(group, "commands", {}).items():
        sub = f"{path} {name}".strip()
        if hasattr(command, "commands"):
            polish(command, sub)
        else:
            polish_command(command, sub)
