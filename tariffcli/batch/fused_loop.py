"""The compiled loop behind :func:`tariffcli.batch.fused.totals_stopped` (imports numba: load it through there).

One pass over blocks of subscribers; for each plan and month the plan's terms
are read once and the inner loop over the block's subscribers computes the
month's bill in registers and adds it to the plan's total. A block's usage
(5 arrays x months x block) stays in the CPU cache while every plan reads it.
Each step is the numpy kernel's (:mod:`tariffcli.engine.kernels`), in the same
order and in int64, so the results are the same to the fen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba
import numpy as np

from tariffcli.model.money import MICRO_PER_FEN

_MICRO = int(MICRO_PER_FEN)
"""Micro-units per fen; a global, so numba compiles the divisions by it as multiplications."""
_HALF = _MICRO // 2

__all__ = ["build"]

_BLOCK_CELLS = 4096
"""Subscriber-months per block: 5 usage arrays of this many int64 are 160 KiB, well inside L2."""


def _jit(fn: Callable[..., Any], **more: Any) -> Any:
    """``numba.njit`` with the on-disk cache, or without it where no cache directory is writable."""
    options = {"error_model": "numpy", "nogil": True, "boundscheck": False, **more}
    try:
        return numba.njit(cache=True, **options)(fn)
    except RuntimeError:  # "no locator available": neither the package dir nor a user cache dir is writable
        return numba.njit(**options)(fn)


def _numerator(units: int, kind: int, ntiers: int, p: int, tier_lo: Any, tier_dr: Any, ramp_block: int,
               ramp_full: int, ramp_r: int, ramp_price: int) -> int:  # pragma: no cover - compiled
    """The data charge of ``units`` (already rounded to the increment), micro-units x KB / data_den."""
    if kind == 0:
        return units * tier_dr[p, 0]
    if kind == 1:
        acc = units * tier_dr[p, 0]
        for t in range(1, ntiers):
            x = units - tier_lo[p, t]
            if x < 0:
                x = 0
            acc += x * tier_dr[p, t]
        return acc
    blocks = units // ramp_block
    rest = (units - blocks * ramp_block) * ramp_r
    if rest > ramp_price:
        rest = ramp_price
    return blocks * ramp_full + rest


_numerator_jit = _jit(_numerator, inline="always")


def _loop(V: Any, S: Any, D: Any, A: Any, days: Any, has_app: bool, any_min: bool, any_volcap: bool,
          any_voice_cap: bool, any_data_cap: bool, fixed: Any, minimum: Any, credit: Any,
          allow_v: Any, allow_s: Any, allow_d: Any, allow_a: Any, voice_rate: Any, voice_cap: Any,
          sms_rate: Any, inc_mask: Any, tier_lo: Any, tier_dr: Any, ramp_block: Any, ramp_price: Any,
          ramp_r: Any, ramp_full: Any, den_shift: Any, den_half: Any, data_cap: Any, volcap: Any,
          kind: Any, daily: Any, tiers: Any, row_of: Any, out: Any, stopped: Any
          ) -> None:  # pragma: no cover - compiled
    """Long because it is the whole bill in one loop nest, so that every intermediate stays in a register.

    Fills ``out[row_of[p], n]`` (total over the months) and ``stopped[row_of[p], n]``.
    """
    H, N = V.shape
    P = fixed.shape[0]
    step = max(16, _BLOCK_CELLS // H)
    acc = np.zeros(step, np.int64)
    stop = np.zeros(step, np.bool_)
    numerator = _numerator_jit
    for b0 in range(0, N, step):
        nb = min(step, N - b0)
        for p in range(P):
            acc[:nb] = 0
            stop[:nb] = False
            k, dl, nt = kind[p], daily[p], tiers[p]
            vr, vcap, sr, mask = voice_rate[p], voice_cap[p], sms_rate[p], inc_mask[p]
            rb, rfull, rr, rprice = ramp_block[p], ramp_full[p], ramp_r[p], ramp_price[p]
            dhalf, dshift, dcap, vol = den_half[p], den_shift[p], data_cap[p], volcap[p]
            for h in range(H):
                av, as_, ad, aa = allow_v[p, h], allow_s[p, h], allow_d[p, h], allow_a[p, h]
                fx, mn, cr = fixed[p, h], minimum[p, h], credit[p, h]
                for j in range(nb):
                    n = b0 + j
                    vo = V[h, n] - av
                    if vo < 0:
                        vo = 0
                    voice = (vo * vr + _HALF) // _MICRO
                    if any_voice_cap and voice > vcap:
                        voice = vcap
                    so = S[h, n] - as_
                    if so < 0:
                        so = 0
                    sms = (so * sr + _HALF) // _MICRO
                    general = D[h, n]
                    if has_app:
                        spill = A[h, n] - aa
                        if spill > 0:
                            general += spill
                    over = general - ad
                    if over < 0:
                        over = 0
                    if any_volcap and over > vol:
                        stop[j] = True
                        over = vol
                    if dl == 0:
                        units = (over + mask) & ~mask
                        num = numerator(units, k, nt, p, tier_lo, tier_dr, rb, rfull, rr, rprice)
                    else:
                        d = days[h, n]
                        if d < 1:
                            d = 1
                        q = over // d
                        r = over - q * d
                        units = (q + mask) & ~mask
                        num = numerator(units, k, nt, p, tier_lo, tier_dr, rb, rfull, rr, rprice) * (d - r)
                        units = (q + 1 + mask) & ~mask
                        num += numerator(units, k, nt, p, tier_lo, tier_dr, rb, rfull, rr, rprice) * r
                    data = ((num + dhalf) >> dshift) // _MICRO
                    if any_data_cap and data > dcap:
                        data = dcap
                    total = voice + sms + data + fx
                    if any_min and total < mn:
                        total = mn
                    acc[j] += total + cr
            row = row_of[p]
            for j in range(nb):
                out[row, b0 + j] = acc[j]
                stopped[row, b0 + j] = stop[j]


def build() -> Callable[..., None]:
    """The compiled loop (compiled on first call, or loaded from numba's cache)."""
    fn: Callable[..., None] = _jit(_loop)
    return fn
