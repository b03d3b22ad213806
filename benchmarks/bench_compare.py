"""`compare` on one user against 1000 plans, after start-up: the whole ranking and, of it, compiling the plans.

    python benchmarks/bench_compare.py [--quick] [--plans 1000]

The plans are the bundled catalogue copied under new ids (fresh plan objects for
every run, so nothing compiled by an earlier run is reused); the user is
``sample_bills/keep-number-abroad.csv``. Each figure is the median of several runs
of the first comparison of a fresh set of plans. Figures only: no pass/fail.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TARIFFCLI_TODAY", "2026-12-01")

if TYPE_CHECKING:
    from tariffcli.model.plan import Plan

SAMPLE = ROOT / "sample_bills" / "keep-number-abroad.csv"


def fresh_plans(n: int) -> list[Plan]:
    """``n`` new plan objects: the bundled plans copied under ids ``<id>-sK``."""
    from tariffcli.inputs.files import load_plans

    bundled = load_plans()
    return [bundled[i % len(bundled)].model_copy(update={"id": f"{bundled[i % len(bundled)].id}-s{i}"})
            for i in range(n)]


def figures(quick: bool = False, plans: int = 1000) -> list[str]:
    """Printed lines: the median time of one comparison of ``plans`` plans, and of compiling them."""
    from tariffcli.compare.ranking import compare
    from tariffcli.engine import compile_plans
    from tariffcli.inputs.files import read_usage

    history = read_usage(SAMPLE)
    compare(fresh_plans(10), history, start="2027-01")  # numpy's own first-call costs, paid once
    runs = 3 if quick else 9
    whole, cpu, compiling, again = [], [], [], []
    for _ in range(runs):
        catalogue = fresh_plans(plans)
        t0, c0 = time.perf_counter(), time.process_time()
        compare(catalogue, history, start="2027-01")
        whole.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        catalogue = fresh_plans(plans)
        for times in (compiling, again):  # first with fresh plans, then with their terms known
            t0 = time.perf_counter()
            compile_plans(catalogue, [1] * len(catalogue), 12)
            times.append(time.perf_counter() - t0)
    t, c, a = (statistics.median(x) for x in (whole, compiling, again))
    load = f"load {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "load ?"
    return [
        f"compare, 1 user x {plans} plans, after start-up ({load}): {t * 1000:.1f} ms (target < 50; "
        f"CPU {statistics.median(cpu) * 1000:.1f} ms)",
        f"compile_plans, {plans} plans x 12 months: {c * 1000:.1f} ms fresh ({c / t:.0%} of one compare), "
        f"{a * 1000:.1f} ms with the plans' terms known",
    ]


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs")
    ap.add_argument("--plans", type=int, default=1000, help="plans compared")
    args = ap.parse_args()
    for line in figures(args.quick, args.plans):
        print(line)


if __name__ == "__main__":
    main()
