"""Print the re-billing figures: ``batch --history --wide`` and the projection (with its month-range pass)
on synthetic extracts where many lines exist only part of the year, and ``compare --history`` on one line;
and issue 13's two: raw record files as a public dataset ships them (calls in decimal minutes, SMS, data
sessions in MB; 500 users, about 320,000 records) re-billed under 2 plans (one rounding per session, one on
the month's total) by ``batch --history --wide`` end to end (target: under 3 s), and a million records
parsed (target: under 2 s).

    python benchmarks/bench_history.py                 # 500 and 100,000 subscribers over 12 months
    python benchmarks/bench_history.py --subscribers 20000
    python benchmarks/run_all.py --only history        # the issue-13 figures (``figures``)

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


PLAN = """id: {id}
name: {name}
operator: Bench Mobile
province: national
monthly_fee: "{fee}"
one_off_fee: "10.00"
allowances: {{voice: "{voice} min", data: "{data} GB"}}
overage:
  voice: {{rate: "0.15"}}
  sms: {{rate: "0.10"}}
  data: {{rate: "5", per: GB, increment: GB}}
rounding: {{data: {rounding}, calls: {calls}}}
promotions: [{{from_month: 1, to_month: 3, fee: "19.00"}}]
confidence: example
sources: [{{url: "https://example.com/plan", retrieved: "2026-01-01"}}]
"""


def raw_plans(folder: Path) -> Path:
    """Two plans: one rounds each session and call (the default), one the month's totals."""
    folder.mkdir()
    (folder / "per-session.yaml").write_text(PLAN.format(id="per-session", name="Per session", fee="38.00",
                                                         voice=100, data=5, rounding="session", calls="call"))
    (folder / "per-month.yaml").write_text(PLAN.format(id="per-month", name="Per month", fee="30.00", voice=50,
                                                       data=3, rounding="month", calls="month"))
    return folder


def raw_extract(folder: Path, users: int, records: int, seed: int = 13) -> int:
    """calls.csv (user_id, call_date, duration_min), sms.csv (user_id, message_date), data.csv (user_id,
    session_date, mb_used): ``records`` records in all (45% calls, 20% SMS, 35% sessions) over 2025; a third
    of the users exist only part of the year. Returns the records written."""
    rng = np.random.default_rng(seed)
    first = np.zeros(users, np.int64)
    last = np.full(users, 11, np.int64)
    part = rng.random(users) < 0.33
    ends = np.sort(rng.integers(0, 12, (users, 2)), axis=1)
    first[part], last[part] = ends[part, 0], ends[part, 1]
    folder.mkdir()
    written = 0
    for name, share, header in (("calls", 0.45, "user_id,call_date,duration_min"),
                                ("sms", 0.20, "user_id,message_date"), ("data", 0.35, "user_id,session_date,mb_used")):
        n = int(records * share)
        who = rng.integers(0, users, n)
        month = first[who] + (rng.random(n) * (last[who] - first[who] + 1)).astype(np.int64)
        day = rng.integers(1, 29, n)
        ids = np.char.add("u", np.char.zfill(who.astype(str), 5))
        dates = np.char.add(np.char.add("2025-", np.char.zfill((month + 1).astype(str), 2)),
                            np.char.add("-", np.char.zfill(day.astype(str), 2)))
        cols = [ids, dates]
        if name == "calls":
            cols.append(np.char.mod("%.2f", rng.integers(1, 1500, n) / 100))
        elif name == "data":
            cols.append(np.char.mod("%.2f", rng.integers(1, 60_000, n) / 100))
        body = cols[0]
        for c in cols[1:]:
            body = np.char.add(np.char.add(body, ","), c)
        (folder / f"{name}.csv").write_text(header + "\n" + "\n".join(body.tolist()) + "\n", "utf-8")
        written += n
    return written


def parse_seconds(folder: Path) -> float:
    """Seconds to read and total the record files of ``folder`` in this process (best of 2)."""
    from tariffcli.batch.records_input import read_records

    files = sorted(folder.glob("*.csv"))
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        read_records(files)
        best = min(best, time.perf_counter() - t0)
    return best


def figures(quick: bool = False) -> list[str]:
    """Issue 13's figures: raw record files re-billed end to end, and records parsed."""
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        plans = raw_plans(d / "plans")
        n = raw_extract(d / "year", 500, 320_000)
        runs = [timed("batch", str(d / "year"), "--history", "--wide", "--plans", str(plans), "--out",
                      str(d / f"h{k}.parquet"), "-q") for k in range(1 if quick else 3)]
        lines.append(f"batch --history --wide, raw record files: 500 users, {n:,} records (3 files), 2 plans "
                     f"(per session, per month): {min(runs):.2f} s end to end (best of {len(runs)}; target < 3 s)")
        big = 300_000 if quick else 1_000_000
        m = raw_extract(d / "big", 2_000, big, seed=14)
        lines.append(f"records parsed and totalled (read_records): {m:,} records, 2,000 users: "
                     f"{parse_seconds(d / 'big'):.2f} s (best of 2; target < 2 s per 1,000,000)")
    return lines


def timed(*args: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tariffcli", *args], check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--subscribers", type=int, nargs="*", default=[500, 100_000])
    ap.add_argument("--raw", action="store_true", help="only the raw-record-file figures (issue 13)")
    args = ap.parse_args()
    if args.raw:
        print("\n".join(figures()))
        return
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
