"""The batch kernel as one compiled loop (numba), with the numpy kernel as the fallback.

:func:`totals_stopped` is :func:`tariffcli.engine.kernels.simulate_totals_stopped`
(the same totals and the same "stopped at a volume cap" flags, to the fen) computed
by one loop over subscribers x plans x months that keeps every intermediate in a
register: no (plans x months x subscribers) temporaries. It runs when numba is
installed (``pip install 'tariffcli[fast]'``); otherwise the numpy kernel runs.
:func:`kernel_name` says which one a call will use.

The arithmetic is the numpy kernel's, step for step, in int64 (fen, KB, minutes;
rates in micro-units): over-allowance use, half-up rounding to the fen by adding
half and floor-dividing, billing increments as a mask, data denominators as a
shift, tiers as sums of rate steps, a ramp as whole blocks plus a capped ramp,
daily-rate plans as the month's data spread evenly over the days with data.
tests/batch/test_fused.py checks it against the numpy kernel on random plans and
usage. numba is imported here only, on first use; compiled code is cached on disk
(``cache=True``: beside this module when that is writable, else in numba's
per-user cache directory or ``NUMBA_CACHE_DIR``; with no writable place it
compiles in memory).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from tariffcli.engine import I64, CompiledPlans, UsageMatrix, simulate_totals_stopped

__all__ = ["KERNELS", "kernel_name", "totals_stopped"]

KERNELS = ("auto", "numba", "numpy")
"""What :func:`totals_stopped` may be asked to use; 'auto' is numba when it is installed."""

_KIND = {"rate": 0, "tiers": 1, "ramp": 2}
_compiled: list[Callable[..., None] | None] = []
"""The compiled loop once built ([None] when numba is missing)."""


def _loop() -> Callable[..., None] | None:
    """The compiled loop (built on first use), or None without numba."""
    if not _compiled:
        try:
            import numba  # noqa: F401
        except ImportError:
            _compiled.append(None)
        else:
            from tariffcli.batch import fused_loop

            _compiled.append(fused_loop.build())
    return _compiled[0]


def kernel_name(kernel: str = "auto") -> str:
    """'numba' or 'numpy': the kernel :func:`totals_stopped` runs when asked for ``kernel``."""
    if kernel == "numpy":
        return "numpy"
    return "numba" if _loop() is not None else "numpy"


def _plan_terms(c: CompiledPlans) -> dict[str, Any]:
    """Per-plan arrays the loop reads (compiled order), contiguous int64."""
    P = len(c.plan_ids)
    kind = np.zeros(P, np.int64)
    daily = np.zeros(P, np.int64)
    tiers = np.ones(P, np.int64)
    for g in c.groups:
        kind[g.rows], daily[g.rows], tiers[g.rows] = _KIND[g.kind], int(g.daily), g.tiers

    def i64(a: npt.ArrayLike) -> I64:
        return np.ascontiguousarray(a, np.int64)

    return {
        "fixed": i64(c.fixed), "minimum": i64(c.min_spend), "credit": i64(c.credit),
        "allow_v": i64(c.allow["voice"]), "allow_s": i64(c.allow["sms"]), "allow_d": i64(c.allow["data"]),
        "allow_a": i64(c.allow["app_data"]),
        "voice_rate": i64(c.voice_rate), "voice_cap": i64(c.voice_cap), "sms_rate": i64(c.sms_rate),
        "inc_mask": i64(c.inc_mask), "tier_lo": i64(c.tier_lo), "tier_dr": i64(c.tier_dr),
        "ramp_block": i64(c.ramp_block), "ramp_price": i64(c.ramp_price), "ramp_r": i64(c.ramp_r),
        "ramp_full": i64(c.ramp_full), "den_shift": i64(c.den_shift), "den_half": i64(c.den_half),
        "data_cap": i64(c.data_cap), "volcap": i64(c.volcap), "kind": kind, "daily": daily, "tiers": tiers,
        "row_of": i64(c.order),
    }


_TERMS: dict[int, tuple[CompiledPlans, dict[str, Any]]] = {}
"""id(compiled) -> (compiled, its loop terms): a run bills many blocks with the same compiled plans."""


def _terms_of(c: CompiledPlans) -> dict[str, Any]:
    hit = _TERMS.get(id(c))
    if hit is None or hit[0] is not c:
        if len(_TERMS) > 16:
            _TERMS.clear()
        hit = (c, _plan_terms(c))
        _TERMS[id(c)] = hit
    return hit[1]


def totals_stopped(compiled: CompiledPlans, usage: UsageMatrix, kernel: str = "auto") -> tuple[I64, npt.NDArray[np.bool_]]:
    """(P, N) totals over the horizon and (P, N) whether data would be stopped at a volume cap, caller's plan order.

    Exactly :func:`tariffcli.engine.kernels.simulate_totals_stopped`; by the compiled loop unless
    ``kernel`` is 'numpy' or numba is missing.
    """
    loop = None if kernel == "numpy" else _loop()
    if loop is None:
        return simulate_totals_stopped(compiled, usage)
    H = compiled.horizon
    if len(usage.months) != H:
        raise ValueError(f"usage has {len(usage.months)} months for plans compiled over {H}")
    P, N = len(compiled.plan_ids), usage.subscribers
    out = np.zeros((P, N), np.int64)
    stopped = np.zeros((P, N), np.bool_)
    if P == 0 or N == 0:
        return out, stopped
    t = _terms_of(compiled)
    V, S, D, A, days = (np.ascontiguousarray(a, np.int64) for a in
                        (usage.voice_min, usage.sms, usage.data_kb, usage.app_data_kb, usage.data_days))
    loop(V, S, D, A, days, bool(A.any()), compiled.any_min, compiled.any_volcap, compiled.any_voice_cap,
         compiled.any_data_cap, t["fixed"], t["minimum"], t["credit"], t["allow_v"],
         t["allow_s"], t["allow_d"], t["allow_a"], t["voice_rate"], t["voice_cap"], t["sms_rate"], t["inc_mask"],
         t["tier_lo"], t["tier_dr"], t["ramp_block"], t["ramp_price"], t["ramp_r"], t["ramp_full"], t["den_shift"],
         t["den_half"], t["data_cap"], t["volcap"], t["kind"], t["daily"], t["tiers"], t["row_of"], out, stopped)
    return out, stopped
