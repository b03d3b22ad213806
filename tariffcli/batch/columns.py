"""The columns of a batch input: which of the file's columns holds each field, and in which unit.

:func:`resolve_columns` maps an input's header (English or Chinese names, the
data unit in the name: ``data_mb``, ``流量(GB)``) onto the canonical names of
:data:`FIELDS`, which the rest of :mod:`tariffcli.batch` uses; every problem is
reported at once. :func:`output_columns` names the columns of the output, one
row per subscriber.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from tariffcli.model.errors import DataError, Problem

__all__ = ["FIELDS", "KERNEL_KEY", "MONEY_COLUMNS", "REQUIRED", "InputColumns", "money_columns", "output_columns", "resolve_columns"]

FIELDS = ("subscriber", "month", "voice_min", "sms", "data", "app_data", "data_days", "current_plan", "current_since")
"""Canonical input columns; the first five are required."""
REQUIRED = FIELDS[:5]

_ALIASES: dict[str, tuple[str, ...]] = {
    "subscriber": ("subscriber", "subscriber_id", "subscriber id", "user_id", "customer_id", "msisdn", "id",
                   "用户", "用户id", "用户编号", "号码"),
    "month": ("month", "billing_month", "月份", "账期", "月"),
    "voice_min": ("voice_min", "voice", "minutes", "voice_minutes", "通话分钟", "通话时长"),
    "sms": ("sms", "短信", "短信条数"),
    "data_days": ("data_days", "days_with_data", "上网天数"),
    "current_plan": ("current_plan", "plan", "plan_id", "当前套餐"),
    "current_since": ("current_since", "plan_since", "套餐开始"),
}
_UNIT_COLUMN = re.compile(r"^(?P<base>data|app_data|流量|定向流量)\s*[_\s(\[]?\s*(?P<unit>kb|mb|gb)\s*[)\]]?$")
_UNIT_BASE = {"data": "data", "流量": "data", "app_data": "app_data", "定向流量": "app_data"}


def _norm(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().lower()


@dataclass(frozen=True)
class InputColumns:
    """Which column of the input holds each field, and the unit of the data columns."""

    names: dict[str, str]
    """Canonical field -> the column's name in the input."""
    data_unit: str
    """'KB', 'MB' or 'GB', from the header (data_mb ...)."""
    app_data_unit: str | None = None
    ignored: tuple[str, ...] = ()
    """Input columns that are not read."""

    def source(self) -> list[str]:
        """The input columns to read, in :data:`FIELDS` order."""
        return [self.names[f] for f in FIELDS if f in self.names]

    def renames(self) -> dict[str, str]:
        """Input name -> canonical name."""
        return {v: k for k, v in self.names.items()}


def resolve_columns(header: Sequence[str], source: str) -> InputColumns:
    """Map an input's column names onto :data:`FIELDS`; every problem is reported at once.

    Data columns carry their unit in the name: ``data_mb``, ``data_gb``, ``app_data_kb``, ``流量(MB)``.
    """
    names: dict[str, str] = {}
    units: dict[str, str] = {}
    problems: list[Problem] = []
    ignored: list[str] = []
    unitless: set[str] = set()
    alias = {a: f for f, aliases in _ALIASES.items() for a in aliases}
    for col in header:
        key = _norm(col)
        m = _UNIT_COLUMN.match(key)
        if m:
            f, unit = _UNIT_BASE[m.group("base")], m.group("unit").upper()
        elif key in ("data", "流量", "app_data", "定向流量"):
            unitless.add(_UNIT_BASE[key])
            problems.append(Problem(f"column '{col}' has no unit; name it {key}_mb (or _kb, _gb)",
                                    file=source, line=1, field=col, code="bad_unit"))
            continue
        elif key in alias:
            f, unit = alias[key], ""
        else:
            ignored.append(col)
            continue
        if f in names:
            problems.append(Problem(f"columns '{names[f]}' and '{col}' both give {f}; keep one",
                                    file=source, line=1, field=col, code="duplicate_column"))
            continue
        names[f] = col
        if unit:
            units[f] = unit
    for f in REQUIRED:
        if f not in names and f not in unitless:
            hint = "data_mb (or data_kb, data_gb)" if f == "data" else f
            problems.append(Problem(f"missing column '{hint}'; batch input needs subscriber, month, voice_min, sms "
                                    "and data_mb (plus optional app_data_mb, data_days, current_plan, current_since)",
                                    file=source, line=1, field=f, code="missing_column"))
    if problems:
        raise DataError(problems)
    return InputColumns(names, units["data"], units.get("app_data"), tuple(ignored))


# ---------------------------------------------------------------- the output


def output_columns(top: int) -> tuple[str, ...]:
    """Columns of the per-subscriber output, in order."""
    best = tuple(c for k in range(1, top + 1) for c in (f"plan_{k}", f"cost_{k}"))
    return ("subscriber", "months", "current_plan", "current_cost", *best, "saving")


def money_columns(top: int) -> tuple[str, ...]:
    """Output columns that hold amounts (fen in the core, decimals in files)."""
    return ("current_cost", *(f"cost_{k}" for k in range(1, top + 1)), "saving")


MONEY_COLUMNS = money_columns(1)

KERNEL_KEY = b"tariffcli.kernel"
"""Schema metadata of each output table: which kernel billed it ('numba' or 'numpy'), for the summary."""

