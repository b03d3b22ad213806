"""tariffcli: compare mobile tariffs and analyse phone bills, exactly to the fen.

The public Python API, three calls for the common path::

    from tariffcli import compare_plans, format_fen, load_plans, read_usage

    plans = load_plans()                      # the bundled catalogue; load_plans(["my-plans"]) reads yours
    usage = read_usage("my-usage.csv")        # a monthly usage file (CSV or .xlsx)
    result = compare_plans(plans, usage, start="2027-01", horizon=12)
    print(format_fen(result.rows[0].total))  # an exact decimal string

``compare_plans`` is :func:`tariffcli.compare.ranking.compare`. The names below are
loaded on first use, so ``import tariffcli`` (and ``tariffcli --help``) imports
nothing heavy. The subpackages keep their names: ``tariffcli.compare`` is the
comparison package, not a function.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.inputs.usage import UsageHistory
    from tariffcli.model.plan import Plan

_EXPORTS = {
    "Plan": ("model.plan", "Plan"),
    "parse_plan": ("inputs.catalogue", "parse_plan"),
    "load_catalogue": ("inputs.catalogue", "load_catalogue"),
    "parse_usage_csv": ("inputs.usage", "parse_usage_csv"),
    "UsageHistory": ("inputs.usage", "UsageHistory"),
    "simulate": ("engine", "simulate"),
    "Usage": ("engine", "Usage"),
    "compare_plans": ("compare.ranking", "compare"),
    "Comparison": ("compare.results", "Comparison"),
    "DataError": ("model.errors", "DataError"),
    "UsageError": ("model.errors", "UsageError"),
    "TariffError": ("model.errors", "TariffError"),
    "format_fen": ("model.money", "format_fen"),
}

__all__ = sorted([*_EXPORTS, "load_plans", "read_usage"])


def load_plans(paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None) -> tuple[Plan, ...]:
    """Plans from a plan file or folder (or several: ``paths``), or the bundled catalogue; every problem in one
    DataError."""
    from pathlib import Path

    from tariffcli.inputs.files import load_plans as load

    if isinstance(paths, str | os.PathLike):  # one path, not a sequence of its characters
        paths = [paths]
    return load([Path(p) for p in paths] if paths else None)


def read_usage(path: str | os.PathLike[str]) -> UsageHistory:
    """A monthly usage file (CSV in UTF-8 or GB18030, or an .xlsx's first sheet); a DataError names file and line."""
    from pathlib import Path

    from tariffcli.inputs.files import read_usage as read

    return read(Path(path))


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        from importlib import import_module

        module, attr = _EXPORTS[name]
        return getattr(import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'tariffcli' has no attribute {name!r}")
