"""`compare` on one user against 1000 plans, after start-up: the whole ranking and, of it, compiling the plans.

    python benchmarks/bench_compare.py [--quick] [--plans 1000]

The user is ``sample_bills/keep-number-abroad.csv``. Two settings:

* as `tariffcli compare` runs: a fresh process loads a synthetic catalogue of 1000 plan
  files (copies of the bundled plans under new ids) from a warm catalogue cache, and
  the first comparison is timed;
* plans made in memory (fresh plan objects every run, so nothing worked out by an
  earlier run is reused): the comparison, and compiling the plans.

Each figure is the median of several runs. Figures only: no pass/fail.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
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


_FIRST_COMPARE = """
import sys, time
from pathlib import Path
from tariffcli.compare.ranking import compare
from tariffcli.inputs.files import load_plans, read_usage
plans, history = load_plans([Path(sys.argv[1])]), read_usage(Path(sys.argv[2]))
t, c = time.perf_counter(), time.process_time()
compare(plans, history, start="2027-01")
print(time.perf_counter() - t, time.process_time() - c)
"""


def after_start_up(plans: int, runs: int) -> tuple[float, float]:
    """Median (wall, CPU) seconds of the first comparison in a process that loaded ``plans`` plan files from a
    warm catalogue cache."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_startup import make_catalogue

    with tempfile.TemporaryDirectory() as tmp:
        folder = make_catalogue(Path(tmp) / "plans", plans)
        env = dict(os.environ, PYTHONPATH=str(ROOT), TARIFFCLI_CACHE_DIR=str(Path(tmp) / "cache"))
        env.pop("TARIFFCLI_NO_CACHE", None)
        args = [sys.executable, "-c", _FIRST_COMPARE, str(folder), str(SAMPLE)]
        subprocess.run(args, env=env, check=True, capture_output=True)  # parses the plans, fills the cache
        out = [subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout.split()
               for _ in range(runs)]
    return statistics.median(float(w) for w, _ in out), statistics.median(float(c) for _, c in out)


def figures(quick: bool = False, plans: int = 1000) -> list[str]:
    """Printed lines: the median time of one comparison of ``plans`` plans, and of compiling them."""
    from tariffcli.compare.ranking import compare
    from tariffcli.engine import compile_plans
    from tariffcli.inputs.files import read_usage

    history = read_usage(SAMPLE)
    compare(fresh_plans(10), history, start="2027-01")  # numpy's own first-call costs, paid once
    runs = 3 if quick else 9
    whole: list[float] = []
    cpu: list[float] = []
    compiling: list[float] = []
    again: list[float] = []
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
    sw, sc = after_start_up(plans, runs)
    return [
        f"compare, 1 user x {plans} plans from a warm catalogue cache, after start-up ({load}): {sw * 1000:.1f} ms "
        f"(target < 50; CPU {sc * 1000:.1f} ms)",
        f"compare, 1 user x {plans} plans made in memory: {t * 1000:.1f} ms (CPU {statistics.median(cpu) * 1000:.1f} ms)",
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
