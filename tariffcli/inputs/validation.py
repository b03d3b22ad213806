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
    exc: ValidationError, located: Located, source: str, root: type[BaseModel], prefix: tuple[str | int, ...] = (),
    lang: str = "en",
) -> list[Problem]:
    """pydantic's errors for the ``root`` model validated from ``located`` at ``prefix``, as located Problems.

    Unknown keys get a suggestion when they are a near miss of a real key (and that
    key is then not also reported missing); paths are the author's, never pydantic's
    union branch names. pydantic's own wording never reaches the user: :func:`plain_message` puts it in plain
    words, in ``lang`` (en or zh).
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
            text = plain_message(err, str(loc[-1]) if loc else "", lang)
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


_PLAIN: dict[str, tuple[str, str]] = {
    "model_type": ("should be a mapping of keys to values", "应为“键: 值”的映射"),
    "dict_type": ("should be a mapping of keys to values", "应为“键: 值”的映射"),
    "model_attributes_type": ("should be a mapping of keys to values", "应为“键: 值”的映射"),
    "tuple_type": ("should be a list", "应为列表"),
    "list_type": ("should be a list", "应为列表"),
    "set_type": ("should be a list", "应为列表"),
    "string_type": ("should be text", "应为文字"),
    "string_sub_type": ("should be text", "应为文字"),
    "int_type": ("should be a whole number", "应为整数"),
    "int_parsing": ("should be a whole number", "应为整数"),
    "int_from_float": ("should be a whole number", "应为整数"),
    "float_type": ("should be a number", "应为数字"),
    "float_parsing": ("should be a number", "应为数字"),
    "decimal_type": ("should be a number", "应为数字"),
    "decimal_parsing": ("should be a number", "应为数字"),
    "finite_number": ("should be a finite number", "应为有限的数字"),
    "bool_type": ("should be true or false", "应为 true 或 false"),
    "bool_parsing": ("should be true or false", "应为 true 或 false"),
    "date_type": ("should be a date written YYYY-MM-DD", "应为日期，写作 YYYY-MM-DD"),
    "date_parsing": ("should be a date written YYYY-MM-DD", "应为日期，写作 YYYY-MM-DD"),
    "date_from_datetime_parsing": ("should be a date written YYYY-MM-DD", "应为日期，写作 YYYY-MM-DD"),
    "date_from_datetime_inexact": ("should be a date written YYYY-MM-DD (no time of day)", "应为日期，写作 YYYY-MM-DD（不带时刻）"),
    "greater_than_equal": ("should be at least {ge}", "应不小于 {ge}"),
    "greater_than": ("should be more than {gt}", "应大于 {gt}"),
    "less_than_equal": ("should be at most {le}", "应不大于 {le}"),
    "less_than": ("should be less than {lt}", "应小于 {lt}"),
    "multiple_of": ("should be a multiple of {multiple_of}", "应为 {multiple_of} 的倍数"),
    "too_short": ("should have at least {min_length} item(s); it has {actual_length}",
                  "至少应有 {min_length} 项，现有 {actual_length} 项"),
    "too_long": ("should have at most {max_length} item(s); it has {actual_length}",
                 "最多 {max_length} 项，现有 {actual_length} 项"),
    "string_too_short": ("should be at least {min_length} character(s) long", "至少应有 {min_length} 个字符"),
    "string_too_long": ("should be at most {max_length} characters long", "最多 {max_length} 个字符"),
    "literal_error": ("should be one of {expected}", "应为以下之一：{expected}"),
    "enum": ("should be one of {expected}", "应为以下之一：{expected}"),
    "url_parsing": ("should be a web address such as https://...", "应为网址，如 https://..."),
    "url_scheme": ("should be a web address such as https://...", "应为网址，如 https://..."),
    "string_pattern_mismatch": ("is not written as expected", "写法不对"),
}
"""Plain words, English and Chinese, for pydantic's error types (its own wording never reaches a user)."""

_PATTERNS: dict[str, tuple[str, str]] = {
    "^[a-z0-9][a-z0-9-]*$": ("should be lowercase letters, digits and '-', starting with a letter or digit "
                             "(e.g. cmcc-5g-128)", "只能用小写字母、数字和“-”，以字母或数字开头（如 cmcc-5g-128）"),
    "^[0-9]{2}[A-Z]{2}[0-9A-Z]{3,12}$": ("should be a filing number (方案编号) such as 24JT200001",
                                          "应为方案编号，如 24JT200001"),
}
"""Plain words for the patterns of the models' fields."""

_PREFIXES = re.compile(r"^(Value error|Assertion failed), ")


def plain_message(err: Any, key: str = "", lang: str = "en") -> str:
    """One pydantic error in plain words (``lang`` en or zh): our validators' own messages as they are,
    pydantic's wording replaced by :data:`_PLAIN`; an error type we have no words for says only that the
    value is not allowed."""
    kind = err.get("type", "")
    ctx = dict(err.get("ctx") or {})
    i = 1 if lang == "zh" else 0
    if kind in ("value_error", "assertion_error"):
        return _PREFIXES.sub("", str(err.get("msg", "")))
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERNS:
        return _PATTERNS[ctx["pattern"]][i]
    if kind in ("literal_error", "enum") and "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace(" or ", ", " if i else " or ")
    if kind in _PLAIN:
        try:
            return _PLAIN[kind][i].format(**ctx)
        except (KeyError, IndexError, ValueError):
            return _PLAIN[kind][i].split(" {")[0].split("{")[0]
    return ("值不被接受" if i else "is not an allowed value") + (f" ({key})" if key and not i else "")


_UNION_TAGS = {"int", "str", "float", "bool", "decimal", "date", "none", "list", "tuple", "dict"}


_PHRASES: tuple[tuple[str, str], ...] = (
    (r"^(Value error|Assertion failed), ", ""),
    (r"Input should be greater than or equal to ", "should be at least "),
    (r"Input should be less than or equal to ", "should be at most "),
    (r"Input should be greater than ", "should be more than "),
    (r"Input should be less than ", "should be less than "),
    (r"Input should be a valid integer(, [^.]*)?", "should be a whole number"),
    (r"Input should be a valid number(, [^.]*)?", "should be a number"),
    (r"Input should be a valid boolean(, [^.]*)?", "should be true or false"),
    (r"Input should be a valid (date|datetime)(, [^.]*)?", "should be a date written YYYY-MM-DD"),
    (r"Input should be a valid (string|path)", "should be text"),
    (r"Input should be ", "should be "),
    (r"String should match pattern '[^']*'", "is not written as expected"),
    (r"(Tuple|List) should have at least (\d+) items?( after validation)?, not (\d+)",
     r"should have at least \2 item(s); it has \4"),
    (r"(Tuple|List) should have at most (\d+) items?( after validation)?, not (\d+)",
     r"should have at most \2 item(s); it has \4"),
    (r"Field required", "is required"),
)
"""pydantic's phrases in a message we did not build ourselves (an option parsed by typer), in plain words."""


def plain_text(message: str) -> str:
    """``message`` with pydantic's wording replaced by plain words (:data:`_PHRASES`); other text unchanged."""
    for pattern, plain in _PHRASES:
        message = re.sub(pattern, plain, message)
    return message


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
