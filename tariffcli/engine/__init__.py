"""The cost simulation, vectorised over plans x months (x subscribers).

The data types (:mod:`tariffcli.engine.types`) import nothing heavy; the
kernels (:mod:`tariffcli.engine.kernels`, numpy) load on first use of
:func:`simulate`, :func:`simulate_totals` or :func:`compile_plans`, so
``tariffcli --help`` and ``plans list`` never load numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tariffcli.engine.types import LINES, Result, Usage, UsageMatrix

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.engine.kernels import (
        I64,
        NO_LIMIT,
        B,
        CompiledPlans,
        compile_plans,
        simulate,
        simulate_totals,
        simulate_totals_stopped,
    )

__all__ = [
    "B", "I64", "LINES", "NO_LIMIT", "CompiledPlans", "Result", "Usage", "UsageMatrix",
    "compile_plans", "simulate", "simulate_totals", "simulate_totals_stopped",
]

_KERNEL_NAMES = frozenset({"B", "I64", "NO_LIMIT", "CompiledPlans", "compile_plans", "simulate", "simulate_totals",
                           "simulate_totals_stopped"})


def __getattr__(name: str) -> Any:
    """The kernels and the array types, loaded from :mod:`tariffcli.engine.kernels` on first use."""
    if name in _KERNEL_NAMES:
        from tariffcli.engine import kernels

        return getattr(kernels, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
