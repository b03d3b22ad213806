"""Print the re-billing figures: ``batch --history --wide`` and the projection (with its month-range pass)
on synthetic extracts where many lines exist only part of the year, and ``compare --history`` on one line.

    python benchmarks/bench_history.py                 # 500 and 100,000 subscribers over 12 months
    python benchmarks/bench_history.py --subscribers 20000

Figures only: no pass/fail. The inputs are written to a temporary directory and not kept.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def extract(path: Path, subscribers: int, seed: int = 1) -> int:
    """A year of monthly rows; a third of the lines join late or leave early, some have gap months."""
    rng = np.random.default_rng(seed)
    rows = ["subscriber,month,voice_min,sms,data_mb"]
    for s in range(subscribers):
        first, last = 0, 11
        if rng.random() < 0.33:
            first, last = sorted(int(x) for x in rng.integers(0, 12, 2))
        for m in range(first, last + 1):
            if rng.random() < 0.05:
                continue  # a gap month
            rows.append(f"u{s:06d},2025-{m + 1:02d},{rng.integers(0, 600)},{rng.integers(0, 50)},"
                        f"{rng.integers(0, 30000)}")
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return len(rows) - 1


def timed(*args: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tariffcli", *args], check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--subscribers", type=int, nargs="*", default=[500, 100_000])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        for n in args.subscribers:
            src = d / f"u{n}.csv"
            rows = extract(src, n)
            hist = timed("batch", str(src), "--history", "--wide", "--out", str(d / "h.parquet"), "-q")
            proj = timed("batch", str(src), "--start", "2025-01", "--horizon", "12", "--out", str(d / "p.parquet"),
                         "-q")
            print(f"{n:>8,} subscribers, {rows:>9,} rows: batch --history --wide {hist:5.2f} s, "
                  f"projection (with the month-range pass) {proj:5.2f} s  [bundled catalogue, end to end]")
        one = d / "one.csv"
        one.write_text("month,voice_min,sms,data_mb\n" + "".join(f"2025-{m:02d},{100 + m},{m},{1000 * m}\n"
                                                                 for m in range(1, 13)), "utf-8")
        print(f"compare --history, one line, 12 months: {timed('compare', str(one), '--history', '-f', 'json'):.2f} s")


if __name__ == "__main__":
    main()
