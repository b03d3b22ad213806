"""How long the exact add-on search takes: on the bundled catalogue, and with many packs per plan.

    python benchmarks/bench_addons.py [--repeat 5] [--packs 10]

1. ``compare --with-addons`` on the bundled catalogue, for every sample usage
   file, against the same comparison without packs.
2. The bundled plans each given ``--packs`` synthetic optional packs (data,
   voice and SMS packs of assorted sizes and prices, some stackable): the
   search time, and how many pack sets a brute force would bill against how
   many the pruned search billed.

Figures only: no pass/fail. Run it on an idle machine and quote the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tariffcli.compare.addons import best_packs, optional_packs  # noqa: E402
from tariffcli.compare.ranking import compare, project_usage  # noqa: E402
from tariffcli.inputs.files import load_plans, read_usage  # noqa: E402
from tariffcli.model.months import month_range  # noqa: E402
from tariffcli.model.plan import Addon  # noqa: E402

SAMPLES = sorted((ROOT / "sample_bills").glob("*.csv"))
START = "2027-01"

# (id, fee, allowances, max_count): sizes and prices in the range of published Chinese packs
SYNTHETIC = [
    ("data-500mb", "5.00", {"data": "500 MB"}, 2),
    ("data-1gb", "10.00", {"data": "1 GB"}, 3),
    ("data-2gb", "15.00", {"data": "2 GB"}, 2),
    ("data-3gb", "20.00", {"data": "3 GB"}, 2),
    ("data-5gb", "30.00", {"data": "5 GB"}, 1),
    ("data-10gb", "50.00", {"data": "10 GB"}, 2),
    ("data-1gb-dear", "12.00", {"data": "1 GB"}, 1),
    ("voice-100", "10.00", {"voice": 100}, 2),
    ("voice-300", "25.00", {"voice": 300}, 1),
    ("sms-100", "5.00", {"sms": 100}, 1),
    ("combo", "35.00", {"data": "3 GB", "voice": 200}, 1),
    ("data-20gb", "80.00", {"data": "20 GB"}, 1),
]


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--packs", type=int, default=10, help="synthetic optional packs per plan (at most 12)")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {platform.processor() or platform.system()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    catalogue = load_plans()
    n_packs = sum(len(optional_packs(p)) for p in catalogue)
    print(f"bundled catalogue: {len(catalogue)} plans, {n_packs} optional packs\n")

    print(f"1. compare on the bundled catalogue, 12 months (best of {args.repeat}):")
    for sample in SAMPLES:
        history = read_usage(sample)
        plain = best_of(lambda h=history: compare(catalogue, h, start=START), args.repeat)
        packs = best_of(lambda h=history: compare(catalogue, h, start=START, with_addons=True), args.repeat)
        print(f"   {sample.name:24} without packs {plain * 1000:7.1f} ms   --with-addons {packs * 1000:7.1f} ms")

    k = max(1, min(args.packs, len(SYNTHETIC)))
    extra = tuple(Addon(id=i, name=i, fee=f, allowances=a, optional=True, max_count=m)
                  for i, f, a, m in SYNTHETIC[:k])
    plans = [p.model_copy(update={"addons": p.addons + extra}) for p in catalogue]
    print(f"\n2. the same {len(plans)} plans with {k} synthetic optional packs each, 12 months:")
    for sample in SAMPLES:
        usage = project_usage(read_usage(sample), month_range(START, 12))
        stats = []

        def search(u=usage, out=stats) -> None:
            out.clear()
            out.extend(best_packs(p, u) for p in plans)

        elapsed = best_of(search, args.repeat)
        brute = sum(c.candidates for c in stats)
        billed = sum(c.billed for c in stats)
        chosen = sum(1 for c in stats if c.packs)
        print(f"   {sample.name:24} {elapsed * 1000:7.1f} ms   brute force would bill {brute:>9,} sets, "
              f"billed {billed:>6,}; {chosen} plans take packs")


if __name__ == "__main__":
    main()
