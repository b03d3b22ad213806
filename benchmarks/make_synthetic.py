"""Write a synthetic batch input: one row per subscriber and month (not committed; regenerate it).

    python benchmarks/make_synthetic.py subscribers.parquet --rows 10000000
    python benchmarks/make_synthetic.py subscribers.csv --rows 100000 --months 12

Every subscriber has ``--months`` consecutive months (the last subscriber may
have fewer, so the row count is exact), sorted by subscriber then month, as an
operator's extract usually is. Usage is skewed like real usage (most lines use
little, a few a lot); about 70% of subscribers name a current plan. Written in
pieces of ``--group-rows`` rows, so memory stays small whatever ``--rows`` is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ROOT = Path(__file__).resolve().parent.parent


def catalogue_ids() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from tariffcli.inputs.files import load_plans

    return [p.id for p in load_plans()]


def piece(first_row: int, rows: int, months: int, start: str, plan_ids: list[str], rng: np.random.Generator) -> pa.Table:
    """Rows ``first_row`` .. ``first_row + rows - 1`` of the input."""
    r = np.arange(first_row, first_row + rows, dtype=np.int64)
    sub = r // months
    k = r % months
    y0, m0 = int(start[:4]), int(start[5:7]) - 1
    mi = y0 * 12 + m0 + k
    month_text = [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(y0 * 12 + m0, y0 * 12 + m0 + months)]
    month = pa.DictionaryArray.from_arrays(pa.array(k.astype(np.int32)), pa.array(month_text)).cast(pa.string())
    ids = pc.binary_join_element_wise("S", pc.utf8_lpad(pa.array(sub).cast(pa.string()), 9, "0"), "")
    # a subscriber's level (the same every month) times a month's noise
    sub_rng = (sub * 2654435761) % 2**32 / 2**32  # a stable 0..1 per subscriber
    voice_level = np.exp(3 + 1.5 * (sub_rng - 0.5) * 4)
    data_level = np.exp(6 + 2.0 * ((sub_rng * 7) % 1 - 0.5) * 4)
    noise = rng.lognormal(0, 0.4, (3, rows))
    voice = np.round(voice_level * noise[0], 1)
    sms = np.floor(rng.exponential(8, rows)).astype(np.int64)
    data_mb = np.round(np.minimum(data_level * noise[1], 200_000), 1)
    days_in = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[mi % 12]
    days = np.where(data_mb > 0, np.minimum(days_in, np.maximum(1, np.round(noise[2] * 18))), 0).astype(np.int64)
    has_current = ((sub * 40503) % 100) < 70
    current = np.where(has_current, (sub * 2246822519) % len(plan_ids), -1)
    plans = pa.array(plan_ids + [None], pa.string()).take(pa.array(np.where(current < 0, len(plan_ids), current)))
    return pa.table({
        "subscriber": ids, "month": month, "voice_min": voice, "sms": sms, "data_mb": data_mb,
        "data_days": days, "current_plan": plans,
    })


def write(path: Path, rows: int, months: int, start: str, plan_ids: list[str], group_rows: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    tmp = path.with_name(path.name + ".part")
    writer = None
    try:
        for first in range(0, rows, group_rows):
            t = piece(first, min(group_rows, rows - first), months, start, plan_ids, rng)
            if path.suffix == ".csv":
                import pyarrow.csv as pcsv

                if writer is None:
                    writer = pcsv.CSVWriter(str(tmp), t.schema)
                writer.write_table(t)
            else:
                import pyarrow.parquet as pq

                if writer is None:
                    writer = pq.ParquetWriter(tmp, t.schema, compression="zstd")
                writer.write_table(t, row_group_size=group_rows)
        if writer is not None:
            writer.close()
        tmp.replace(path)
    finally:
        if tmp.exists():
            tmp.unlink()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="output file: .parquet or .csv")
    ap.add_argument("--rows", type=int, default=1_000_000, help="subscriber-months to write")
    ap.add_argument("--months", type=int, default=12, help="months of history per subscriber")
    ap.add_argument("--start", default="2026-01", help="first month of the history (YYYY-MM)")
    ap.add_argument("--plan-id", action="append", help="current plan ids to draw from (default: the catalogue)")
    ap.add_argument("--group-rows", type=int, default=1_000_000, help="rows per Parquet row group / written piece")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.out.suffix not in (".parquet", ".csv"):
        ap.error("name the output .parquet or .csv")
    write(args.out, args.rows, args.months, args.start, args.plan_id or catalogue_ids(), args.group_rows, args.seed)
    print(f"wrote {args.rows:,} rows ({-(-args.rows // args.months):,} subscribers) to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
