"""The "limit" of the batch kernel: a plain compiled loop doing the same int64 arithmetic, nothing else.

    from fused_reference import reference_totals
    totals, stopped = reference_totals(compiled, usage)   # (P, N) each, compiled (grouped) plan order

One straightforward numba loop over plans x months x subscribers, written
without the kernel's tricks (no blocking, no hoisting, no specialisation): every
plan-month-subscriber reads its terms from the compiled arrays and computes
voice, SMS and data charges, the minimum-spend top-up and the credit, and adds
the month to the plan's total. benchmarks/bench_batch.py and run_all.py time the
batch kernel against it on the same inputs in the same run, so the ratio
"batch kernel / fused loop" is measured, not asserted; the results are checked
equal to the kernel's before the ratio is printed.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

MICRO = 10_000
HALF = MICRO // 2


@numba.njit(cache=True, error_model="numpy")
def _reference(V: Any, S: Any, D: Any, A: Any, days: Any, fixed: Any, minimum: Any, credit: Any, allow_v: Any,
               allow_s: Any, allow_d: Any, allow_a: Any, voice_rate: Any, voice_cap: Any, sms_rate: Any,
               inc_mask: Any, tier_lo: Any, tier_dr: Any, ramp_block: Any, ramp_price: Any, ramp_r: Any,
               ramp_full: Any, den_shift: Any, den_half: Any, data_cap: Any, volcap: Any, kind: Any, daily: Any,
               tiers: Any, out: Any, stopped: Any) -> None:
    H, N = V.shape
    P = fixed.shape[0]
    for p in range(P):
        for h in range(H):
            for n in range(N):
                voice = (max(V[h, n] - allow_v[p, h], 0) * voice_rate[p] + HALF) // MICRO
                voice = min(voice, voice_cap[p])
                sms = (max(S[h, n] - allow_s[p, h], 0) * sms_rate[p] + HALF) // MICRO
                general = D[h, n] + max(A[h, n] - allow_a[p, h], 0)
                over = max(general - allow_d[p, h], 0)
                if over > volcap[p]:
                    stopped[p, n] = True
                    over = volcap[p]
                d = max(days[h, n], 1) if daily[p] else 1
                num = 0
                for part in range(2):  # daily: q KB on d - r days and q + 1 KB on r days
                    kb = over // d + part
                    count = d - over % d if part == 0 else over % d
                    if count == 0:
                        continue
                    units = (kb + inc_mask[p]) & ~inc_mask[p]
                    if kind[p] == 2:
                        ramp = (units % ramp_block[p]) * ramp_r[p]
                        charge = (units // ramp_block[p]) * ramp_full[p] + min(ramp, ramp_price[p])
                    else:
                        charge = units * tier_dr[p, 0]
                        for t in range(1, tiers[p]):
                            charge += max(units - tier_lo[p, t], 0) * tier_dr[p, t]
                    num += charge * count
                data = min(((num + den_half[p]) >> den_shift[p]) // MICRO, data_cap[p])
                total = max(voice + sms + data + fixed[p, h], minimum[p, h]) + credit[p, h]
                out[p, n] += total


def reference_totals(c: Any, usage: Any) -> tuple[np.ndarray, np.ndarray]:
    """Totals and stopped flags, (P, N), in the compiled (grouped) order of ``c`` (a CompiledPlans)."""
    P, N = len(c.plan_ids), usage.subscribers
    kinds = {"rate": 0, "tiers": 1, "ramp": 2}
    kind, daily, tiers = np.zeros(P, np.int64), np.zeros(P, np.bool_), np.ones(P, np.int64)
    for g in c.groups:
        kind[g.rows], daily[g.rows], tiers[g.rows] = kinds[g.kind], g.daily, g.tiers
    out, stopped = np.zeros((P, N), np.int64), np.zeros((P, N), np.bool_)
    _reference(usage.voice_min, usage.sms, usage.data_kb, usage.app_data_kb, usage.data_days, c.fixed, c.min_spend,
               c.credit, c.allow["voice"], c.allow["sms"], c.allow["data"], c.allow["app_data"], c.voice_rate,
               c.voice_cap, c.sms_rate, c.inc_mask, c.tier_lo, c.tier_dr, c.ramp_block, c.ramp_price, c.ramp_r,
               c.ramp_full, c.den_shift, c.den_half, c.data_cap, c.volcap, kind, daily, tiers, out, stopped)
    return out, stopped
