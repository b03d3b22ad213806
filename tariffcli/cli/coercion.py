"""Option values turned into Python values without pydantic, where that is plain (start-up time).

typer 0.29 coerces every parameter's value through a pydantic ``TypeAdapter`` that it builds, with
pydantic itself, the first time the parameter is read: about 50 ms of a run that needs no pydantic at
all (``tariffcli plans list``). :func:`install` gives each parameter of the app a coercion that does the
plain cases itself, with typer's own helpers (a string, a path checked by typer's ``coerce_cli_path``, a
choice by ``coerce_cli_choice``, a value by the option's own parser, a small non-negative integer, a list of those), and hands every other
value to typer's adapter, built then, so the result and any error message are typer's own
(tests/cli/test_coercion.py checks both against typer's adapter).

It relies on typer's runtime-coercion hook (``_TyperParameter._runtime_param``, typer 0.29, pinned in
pyproject.toml); when that hook is not there, nothing is installed and typer works as it always did.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

from typer import _coercion as typer_coercion
from typer import _param_types as typer_params

_NOT = object()
"""Marker: the value is not a plain case; typer's adapter coerces it."""
_SMALL_INT = re.compile(r"[0-9]{1,15}")
HOOK = "_runtime_param"
"""typer's attribute holding a parameter's runtime coercion (None until first built)."""


@dataclass(frozen=True)
class QuickParam(typer_coercion.RuntimeParam):
    """A parameter's coercion: the plain cases here, the rest by typer's adapter (built on first need)."""

    descriptor: Any = None
    fallback: list[Any] = field(default_factory=list)

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        got = quick(self.annotation, self.parameter_info, value, param, ctx)
        if got is not _NOT:
            return got
        if not self.fallback:
            self.fallback.append(typer_coercion.build_runtime_param(self.descriptor))
        return self.fallback[0]._coerce_value(value, param=param, ctx=ctx)


def quick(annotation: Any, info: Any, value: Any, param: Any, ctx: Any) -> Any:
    """``value`` coerced as typer would for ``annotation``, or :data:`_NOT` when it is not a plain case."""
    if get_origin(annotation) is list:
        if not isinstance(value, (list, tuple)):
            value = [value]
        (item,) = get_args(annotation) or (_NOT,)
        out = [quick(item, info, v, param, ctx) for v in value]
        return _NOT if any(v is _NOT for v in out) else out
    if get_origin(annotation) is not None:
        return _NOT
    if info.parser is not None:  # the command's own parser; typer turns its ValueError into the message
        try:
            return info.parser(value)
        except (ValueError, AssertionError):
            return _NOT
    if annotation is str:
        return str(value) if isinstance(value, str) else _NOT
    if annotation is bool:
        return value if type(value) is bool else _NOT
    if annotation is int:
        return _integer(value, info)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        try:
            return typer_params.coerce_cli_choice(value, choices=list(annotation),
                                                  case_sensitive=info.case_sensitive, ctx=ctx)
        except ValueError:
            return _NOT
    if isinstance(annotation, type) and issubclass(annotation, Path) and info.path_type is None \
            and typer_params.routes_to_path(annotation, info):
        if isinstance(value, str) and value and "\0" not in value:
            value = annotation(value)
        if not isinstance(value, annotation):
            return _NOT
        return typer_params.coerce_cli_path(value, info, path_type=annotation, param=param, ctx=ctx)
    return _NOT


def _integer(value: Any, info: Any) -> Any:
    if type(value) is int:
        n = value
    elif isinstance(value, str) and _SMALL_INT.fullmatch(value):
        n = int(value)
    else:
        return _NOT
    if info.clamp or (info.min is not None and n < info.min) or (info.max is not None and n > info.max):
        return _NOT
    return n


def parameters(command: Any, ctx: Any, deep: bool = True) -> Iterator[Any]:
    """Every parameter of ``command`` and (``deep``) of its sub-commands, with each one's ``--help`` (typer
    makes it once per command, from the context's help option names, and coerces its value like any other)."""
    from typer._click import Context

    yield from getattr(command, "params", ())
    help_option = command.get_help_option(ctx)
    if help_option is not None:
        yield help_option
    for name, sub in (getattr(command, "commands", None) or {}).items() if deep else ():
        yield from parameters(sub, Context(sub, info_name=name, parent=ctx, **(sub.context_settings or {})))


def install(command: Any, *, name: str | None = None, deep: bool = True) -> int:
    """Give every parameter of ``command`` (and, ``deep``, of its sub-commands; ``name``: the command's name
    under the root) that typer has not coerced yet a :class:`QuickParam`; the number installed."""
    from typer._click import Context

    ctx = Context(command, info_name=name, **(command.context_settings or {}))
    n = 0
    for param in parameters(command, ctx, deep):
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or descriptor.file_annotation is not None or getattr(param, HOOK, 0) is not None:
            continue
        setattr(param, HOOK, QuickParam(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation,
                                        descriptor=descriptor))
        n += 1
    return n
