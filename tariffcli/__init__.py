"""tariffcli: compare mobile tariffs and analyse phone bills, exactly to the fen.

Use from Python::

    from tariffcli import load_catalogue, parse_usage_csv, compare

The package imports nothing heavy until a name is used.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "Plan": "plans",
    "parse_plan": "plans",
    "load_catalogue": "plans",
    "parse_usage_csv": "usage",
    "UsageHistory": "usage",
    "simulate": "engine",
    "Usage": "engine",
    "compare": "recommend",
    "Comparison": "recommend",
    "DataError": "errors",
    "UsageError": "errors",
    "TariffError": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'tariffcli' has no attribute {name!r}")
