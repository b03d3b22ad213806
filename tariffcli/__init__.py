"""tariffcli: compare mobile tariffs and analyse phone bills, exactly to the fen.

Use from Python::

    from tariffcli import load_catalogue
    from tariffcli import parse_usage_csv
    from tariffcli import compare

The package imports nothing heavy until a name is used.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "Plan": "model.plan",
    "parse_plan": "inputs.catalogue",
    "load_catalogue": "inputs.catalogue",
    "load_plans": "inputs.files",
    "parse_usage_csv": "inputs.usage",
    "UsageHistory": "inputs.usage",
    "simulate": "engine",
    "Usage": "engine",
    "compare": "compare.ranking",
    "Comparison": "compare.results",
    "DataError": "model.errors",
    "UsageError": "model.errors",
    "TariffError": "model.errors",
    "format_fen": "model.money",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'tariffcli' has no attribute {name!r}")
