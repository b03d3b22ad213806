"""Turning pydantic validation errors into located, readable problems (shared by plan and basket files)."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from tariffcli.inputs.yaml_located import Located
from tariffcli.model.errors import Problem
from tariffcli.model.limits import MAX_PROBLEMS_PER_FILE


def capped(problems: list[Problem], source: str) -> list[Problem]:
    """The first :data:`MAX_PROBLEMS_PER_FILE` problems of one file, then one counting the rest."""
    if len(problems) <= MAX_PROBLEMS_PER_FILE:
        return problems
    more = len(problems) - MAX_PROBLEMS_PER_FILE
    return problems[:MAX_PROBLEMS_PER_FILE] + [
        Problem(f"... and {more:,} more problems in this file", file=source, code="truncated")
    ]


def _model_at(root: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class that owns the mapping at ``loc`` below ``root`` (for key suggestions)."""
    model: type[BaseModel] | None = root
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return None
        model = None
        stack = [info.annotation]
        while stack:
            t = stack.pop()
            if isinstance(t, type) and issubclass(t, BaseModel):
                model = t
                break
            if isinstance(t, (types.UnionType, typing._GenericAlias)) or typing.get_origin(t) is not None:  # type: ignore[attr-defined]
                stack.extend(typing.get_args(t))
    return model


def validation_problems(
    exc: ValidationError, located: Located, source: str, root: type[BaseModel], prefix: tuple[str | int, ...] = ()
) -> list[Problem]:
    """pydantic's errors for the ``root`` model validated from ``located`` at ``prefix``, as located Problems.

    Unknown keys get a suggestion when they are a near miss of a real key (and that
    key is then not also reported missing); paths are the author's, never pydantic's
    union branch names.
    """
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    node: Any = located.data
    for part in prefix:
        node = node[part]
    raw = exc.errors(include_url=False)
    errors = [(err, prefix + _user_loc(err["loc"], node)) for err in raw]
    # parents of errors that are not about the 'unlimited' branch of a union (one pass, not one per error)
    explained = {tuple(e["loc"][:k]) for e in raw if e["type"] != "literal_error" for k in range(len(e["loc"]) + 1)}
    suggested: set[tuple[Any, ...]] = set()  # keys an unknown key is suggested for: not reported missing too
    hints: dict[tuple[Any, ...], str] = {}
    for err, loc in errors:
        if err["type"] == "extra_forbidden":
            model = _model_at(root, loc[len(prefix):-1])
            names = sorted(model.model_fields) if model else []
            close = difflib.get_close_matches(str(loc[-1]), names, n=1, cutoff=0.6)
            hints[loc] = f" (did you mean '{close[0]}'?)" if close else (
                f"; allowed: {', '.join(names)}" if names else ""
            )
            if close:
                suggested.add(loc[:-1] + (close[0],))
    for err, loc in errors:
        field = ".".join(str(p) for p in loc) or None
        line = located.line_of(loc)
        if err["type"] == "extra_forbidden":
            msg, code = f"unknown key '{loc[-1]}'{hints[loc]}", "unknown_key"
        elif err["type"] == "missing":
            if loc in suggested:
                continue  # "unknown key 'monthy_fee' (did you mean 'monthly_fee'?)" says it all
            msg, code = f"missing required key '{loc[-1]}'", "missing_key"
        else:
            text = _FRIENDLY.get(err["type"], err["msg"])
            text = re.sub(r"^Value error, ", "", text)
            msg, code = text, "invalid_value"
            if err["type"] == "literal_error" and tuple(err["loc"][:-1]) in explained:
                continue  # the 'unlimited' branch of a union: the other branch's message says more
            shown = err.get("input")
            if shown is not None and not isinstance(shown, (dict, list)) and "got" not in text:
                shown_text = str(shown)
                if repr(shown_text) not in text:
                    shown_text = shown_text if len(shown_text) <= 60 else shown_text[:60] + "..."
                    msg = f"{text} (got {shown_text!r})"
        key = (field, msg)
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(msg, file=source, line=line, field=field, code=code))
    return sorted(problems, key=lambda p: (p.line or 0, p.field or ""))


_FRIENDLY = {
    "model_type": "should be a mapping of keys to values",
    "dict_type": "should be a mapping of keys to values",
    "tuple_type": "should be a list",
    "list_type": "should be a list",
}
"""Plainer words for pydantic's messages about the shape of a value."""

_UNION_TAGS = {"int", "str", "float", "bool", "decimal", "date", "none", "list", "tuple", "dict"}


def _user_loc(loc: Sequence[str | int], data: Any) -> tuple[str | int, ...]:
    """The path of an error in the author's document: pydantic's ``loc`` without the union branch names in it.

    A part that is a key (or index) of the document at that point is always
    kept, so a key such as ``'0['`` or ``'cap (CNY)'`` is never mistaken for a branch name.
    """
    out: list[str | int] = []
    node = data
    for part in loc:
        if _holds(node, part):
            out.append(part)
            node = node[part]
        elif isinstance(part, int) or not _is_union_tag(part):
            out.append(part)
            node = None
    return tuple(out)


def _holds(node: Any, part: str | int) -> bool:
    """Whether ``part`` is a key of the mapping ``node``, or an index of the list ``node``."""
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _is_union_tag(part: str) -> bool:
    """pydantic puts the name of a union's branch into an error's path; our keys never look like one."""
    return any(c in part for c in "[(") or part in _UNION_TAGS or part.startswith("function-")
