"""Print engine throughput and the wall time of `tariffcli compare`.

    python benchmarks/bench_engine.py [--plans 1000] [--months 120] [--repeat 5]

Figures only: no pass/fail. Run it on an idle machine and quote the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tariffcli.engine import (  # noqa: E402
    Usage,  # noqa: E402
    compile_plans,
    simulate,
)
from tariffcli.model.months import days_in, month_range  # noqa: E402
from tariffcli.model.plan import Plan  # noqa: E402


def synthetic_plans(n: int, seed: int = 7) -> list[Plan]:
    """n plans of every charge shape, with promotions and minimum spends."""
    rng = np.random.default_rng(seed)
    shapes = [
        {"rate": "0.29", "per": "MB", "increment": "KB", "cap": "500.00", "volume_cap": "15 GB"},
        {"ramp": {"rate": "0.03", "per": "MB", "block": "1 GB", "block_price": "3.00"}, "increment": "MB"},
        {"tiers": [{"up_to": "3 GB", "rate": "5", "per": "GB"}, {"rate": "3", "per": "GB"}], "increment": "GB"},
        {"ramp": {"rate": "0.1", "per": "MB", "block": "800 MB", "block_price": "1.00"}, "increment": "MB", "period": "day"},
    ]
    plans = []
    for i in range(n):
        fee = int(rng.integers(5, 300))
        plans.append(Plan.model_validate({
            "id": f"bench-{i:05d}", "name": f"Bench {i}", "operator": "X", "province": "national",
            "monthly_fee": f"{fee}.00", "minimum_spend": f"{int(rng.integers(0, 100))}.00",
            "allowances": {"voice": f"{int(rng.integers(0, 1000))} min", "sms": int(rng.integers(0, 200)),
                           "data": f"{int(rng.integers(0, 40))} GB"},
            "overage": {"voice": {"rate": "0.19"}, "sms": {"rate": "0.10"}, "data": shapes[i % len(shapes)]},
            "promotions": [{"from_month": 1, "to_month": int(rng.integers(1, 24)), "discount": "50%"}],
            "confidence": "example", "sources": [{"url": "https://example.invalid", "retrieved": "2026-11-21"}],
        }))
    return plans


def synthetic_usage(months: int, seed: int = 11) -> Usage:
    rng = np.random.default_rng(seed)
    ms = month_range("2027-01", months)
    return Usage(
        ms,
        rng.integers(0, 1500, months).astype(np.int64),
        rng.integers(0, 300, months).astype(np.int64),
        rng.integers(0, 60 * 1024 * 1024, months).astype(np.int64),
        rng.integers(0, 5 * 1024 * 1024, months).astype(np.int64),
        np.array([days_in(m) for m in ms], np.int64),
        np.zeros(months, np.bool_),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    plans = synthetic_plans(args.plans)
    usage = synthetic_usage(args.months)
    print(f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} cpus, Python {platform.python_version()}")
    simulate(plans, usage)  # warm up
    best_total = best_compile = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        compile_plans(plans, [1] * len(plans), args.months)
        t1 = time.perf_counter()
        simulate(plans, usage)
        t2 = time.perf_counter()
        best_compile = min(best_compile, t1 - t0)
        best_total = min(best_total, t2 - t1)
    pm = args.plans * args.months
    kernel = best_total - best_compile
    print(f"{args.plans} plans x {args.months} months = {pm:,} plan-months")
    print(f"simulate (compile + charges): {best_total * 1000:.1f} ms -> {pm / best_total / 1e6:.2f} M plan-months/s")
    print(f"  of which compiling plans to arrays: {best_compile * 1000:.1f} ms")
    print(f"  charge kernels alone: {kernel * 1000:.1f} ms -> {pm / max(kernel, 1e-9) / 1e6:.2f} M plan-months/s")

    sample = ROOT / "sample_bills" / "heavy-data.csv"
    cmd = [sys.executable, "-m", "tariffcli", "compare", str(sample), "--start", "2027-01", "--format", "json"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t0)
    print(f"tariffcli compare {sample.name} (bundled catalogue, JSON): best {min(times) * 1000:.0f} ms, "
          f"median {sorted(times)[len(times) // 2] * 1000:.0f} ms")
    for argv in (["--help"], ["plans", "list"]):
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "tariffcli", *argv], check=True, capture_output=True, env=env)
            times.append(time.perf_counter() - t0)
        print(f"tariffcli {' '.join(argv)}: best {min(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
