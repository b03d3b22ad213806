"""Defaults a person sets once: ``--plans``, ``--lang``, ``--province`` and ``--current``.

Each comes, first to last, from the option on the command line, an environment
variable (``TARIFFCLI_PLANS``, ``TARIFFCLI_LANG``, ``TARIFFCLI_PROVINCE``,
``TARIFFCLI_CURRENT``), the config file, or the built-in default. The config file
is TOML in the platform's config directory (``tariffcli config path``), or the file
``TARIFFCLI_CONFIG`` names::

    plans = ["~/my-plans"]      # or one string; relative paths are relative to this file
    lang = "zh"
    province = "广东"
    current = "cmcc-8yuan-shenzhen-voice"

The settings reach the commands as click's ``default_map`` (see :class:`GroupDefaults`),
so a setting is taken exactly as if it had been typed. Reading the file happens here,
in the CLI; the core never opens files. Only typer and the standard library are
imported at module level.
"""

# No "from __future__ import annotations": typer reads the commands' annotations.

import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from tariffcli.cli.config_location import config_path
from tariffcli.model.errors import Problem, TariffError

ENVIRONMENT: dict[str, str] = {
    "plans": "TARIFFCLI_PLANS",
    "lang": "TARIFFCLI_LANG",
    "province": "TARIFFCLI_PROVINCE",
    "current": "TARIFFCLI_CURRENT",
}
"""Each setting's environment variable (``TARIFFCLI_PLANS``: paths separated by the system's path separator)."""

LANGS = ("en", "zh")


class ConfigError(TariffError):
    """A config file or a setting's environment variable that cannot be used (exit 2), with the file and line."""

    def __init__(self, message: str, file: Path | str | None = None, line: int | None = None) -> None:
        super().__init__(problems=[Problem(message, file=None if file is None else str(file), line=line,
                                           code="config")], exit_code=2)


@dataclass(frozen=True)
class Setting:
    """One setting: its value (None: not set) and where it came from."""

    name: str
    value: str | tuple[str, ...] | None
    source: str
    """'environment ($X)', 'config file (PATH, line N)' or 'built-in default'."""

    def shown(self) -> str:
        """The value as a person reads it."""
        if self.value is None:
            return "-"
        return os.pathsep.join(self.value) if isinstance(self.value, tuple) else self.value


def _line_of(text: str, key: str) -> int | None:
    """The line where ``key`` is set in TOML ``text`` (for messages), or None."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    return next((n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)), None)


def _check(name: str, value: Any, origin: str | Path, line: int | None = None) -> str | tuple[str, ...]:
    """A setting's value checked: plans a list of strings (or one), the others strings; lang en or zh."""
    if name == "plans":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(v, str) and v.strip() for v in items):
            raise ConfigError("plans must be a path or a list of paths", origin, line)
        return tuple(items)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{name} must be a non-empty string", origin, line)
    if name == "lang" and value.strip() not in LANGS:
        raise ConfigError(f"lang {value!r} is not one of {', '.join(LANGS)}", origin, line)
    return value.strip()


def _relative_to(folder: Path, ref: str, always: bool) -> str:
    """A path of the config file, made absolute from the file's folder (``current``: only when it names a file)."""
    path = Path(ref).expanduser()
    if path.is_absolute() or not (always or path.suffix in (".yaml", ".yml") or "/" in ref or os.sep in ref):
        return str(path) if always else ref
    return str(folder / path)


def read_config(path: Path) -> dict[str, Setting]:
    """The settings of the config file ``path`` ({} when there is none); a bad file is a ConfigError naming its line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read the config file ({exc.strerror or exc})", path) from None
    import tomllib  # only for a file that is there (start-up time)

    try:
        text = data.decode("utf-8-sig")
        doc = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError("not UTF-8 text; save the config file as UTF-8", path, line) from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(f"not valid TOML: {message}", path, int(found.group(1)) if found else None) from None
    out: dict[str, Setting] = {}
    for key, value in doc.items():
        name = key.replace("-", "_")
        where = _line_of(text, key)
        if name not in ENVIRONMENT:
            raise ConfigError(f"unknown setting {key!r}; the settings are {', '.join(ENVIRONMENT)}", path, where)
        checked = _check(name, value, path, where)
        if isinstance(checked, tuple):
            checked = tuple(_relative_to(path.parent, p, True) for p in checked)
        elif name == "current":
            checked = _relative_to(path.parent, checked, False)
        out[name] = Setting(name, checked, f"config file ({path}, line {where})" if where else f"config file ({path})")
    return out


def settings(env: Mapping[str, str] | None = None) -> dict[str, Setting]:
    """Every setting with its value and source: the environment, else the config file, else the built-in default."""
    env = os.environ if env is None else env
    from_file = read_config(config_path(env))
    out: dict[str, Setting] = {}
    for name, variable in ENVIRONMENT.items():
        raw = env.get(variable)
        if raw:
            value: Any = [p for p in raw.split(os.pathsep) if p] if name == "plans" else raw
            out[name] = Setting(name, _check(name, value, f"${variable}"), f"environment (${variable})")
        else:
            out[name] = from_file.get(name) or Setting(name, None, "built-in default")
    return out


# --- the settings as click's default_map -------------------------------------------------------


def command_defaults(command: Any, values: Mapping[str, Setting]) -> dict[str, Any]:
    """The settings ``command`` has a parameter for, as its ``default_map`` (a list for a repeatable option)."""
    out: dict[str, Any] = {}
    for param in command.params:
        setting = values.get(param.name or "")
        if setting is None or setting.value is None or not param.opts or not param.opts[0].startswith("--"):
            continue
        value = setting.value
        if getattr(param, "multiple", False):
            out[param.name] = list(value) if isinstance(value, tuple) else [value]
        elif not isinstance(value, tuple):
            out[param.name] = value
    return out


class CommandDefaults(Mapping[str, Any]):
    """One command's defaults from the settings, read when a parameter first asks (``--help`` reads none)."""

    def __init__(self, command: Any, load: Callable[[], Mapping[str, Setting]]) -> None:
        self.command = command
        self.load = load

    def values(self) -> dict[str, Any]:  # type: ignore[override]  # a dict, not a view
        return command_defaults(self.command, self.load())

    def __getitem__(self, key: str) -> Any:
        return self.values()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values())

    def __len__(self) -> int:
        return len(self.values())


class GroupDefaults(Mapping[str, Any]):
    """A group's ``default_map``: a :class:`CommandDefaults` per command, a GroupDefaults per sub-group.

    The ``config`` commands get none (they report the settings, and work when the file is bad).
    """

    def __init__(self, group: Any, load: Callable[[], Mapping[str, Setting]]) -> None:
        self.group = group
        self.load = load

    def __getitem__(self, key: str) -> Any:
        command = getattr(self.group, "commands", {}).get(key)
        if command is None or key == "config":
            raise KeyError(key)
        if hasattr(command, "commands"):
            return GroupDefaults(command, self.load)
        return CommandDefaults(command, self.load)

    def __iter__(self) -> Iterator[str]:
        return iter(k for k in getattr(self.group, "commands", {}) if k != "config")

    def __len__(self) -> int:
        return sum(1 for _ in self)


def loader() -> Callable[[], Mapping[str, Setting]]:
    """Reads the settings once, when first asked; a bad config file or variable ends the run with exit 2."""
    cache: list[Mapping[str, Setting]] = []

    def load() -> Mapping[str, Setting]:
        if not cache:
            try:
                cache.append(settings())
            except ConfigError as exc:
                for p in exc.problems:
                    print(f"Error: {p}", file=sys.stderr)
                raise typer.Exit(2) from None
        return cache[0]

    return load


# --- the config commands -----------------------------------------------------------------------


class ShowFormat(StrEnum):
    table = "table"
    json = "json"


def source_text(source: str, lang: str) -> str:
    """A setting's :attr:`Setting.source` in ``lang`` (JSON keeps the English form)."""
    from tariffcli.texts import label

    env = re.fullmatch(r"environment \(\$(\w+)\)", source)
    if env:
        return label("config_source_env", lang, variable=env.group(1))
    found = re.fullmatch(r"config file \((.*), line (\d+)\)", source, re.S)
    if found:
        return label("config_source_file_line", lang, file=found.group(1), line=found.group(2))
    found = re.fullmatch(r"config file \((.*)\)", source, re.S)
    if found:
        return label("config_source_file", lang, file=found.group(1))
    return label("config_source_default", lang) if source == "built-in default" else source


def config_show(
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", help="table or json.")] = ShowFormat.table,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="Language of the labels: en or zh (default: the lang setting, else en).")] = None,
) -> None:
    """Show each setting (--plans, --lang, --province, --current), its value and where it came from."""
    from tariffcli.cli.output import emit, guard

    def body() -> None:
        if lang is not None and lang not in LANGS:
            from tariffcli.model.errors import UsageError

            raise UsageError(f"--lang must be one of {', '.join(LANGS)} (got {lang!r})", field="lang")
        path = config_path()
        found = settings()
        if fmt is ShowFormat.json:
            doc = {"version": "1", "config_file": str(path), "config_file_exists": path.is_file(),
                   "settings": [{"name": s.name, "value": list(s.value) if isinstance(s.value, tuple) else s.value,
                                 "source": s.source} for s in found.values()]}
            emit(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", None)
            return
        from rich.cells import cell_len

        from tariffcli.model.sanitise import one_line
        from tariffcli.texts import label

        setting = found["lang"].value
        language = lang or (setting if isinstance(setting, str) else None) or "en"
        shown = {n: one_line(s.shown()) for n, s in found.items()}
        width, value_width = max(len(n) for n in found) + 4, max(cell_len(v) for v in shown.values()) + 2
        lines = [f"{'--' + n:<{width}}{shown[n]}{' ' * (value_width - cell_len(shown[n]))}"
                 f"{one_line(source_text(s.source, language))}" for n, s in found.items()]
        state = "" if path.is_file() else label("config_file_none", language)
        emit("\n".join([*lines, label("config_file", language, file=one_line(str(path)), state=state)]) + "\n",
             None)

    guard(body, json_errors=fmt is ShowFormat.json)


def config_path_command() -> None:
    """Print the path of the config file (it need not exist; TARIFFCLI_CONFIG names another)."""
    from tariffcli.cli.output import emit

    emit(f"{config_path()}\n", None)


def register(app: typer.Typer) -> None:
    """Add the ``config`` sub-app (show, path) to the app."""
    config_app = typer.Typer(help="Show the defaults set once (config file, environment): show, path.",
                             no_args_is_help=True)
    config_app.command("show")(config_show)
    config_app.command("path")(config_path_command)
    app.add_typer(config_app, name="config")
