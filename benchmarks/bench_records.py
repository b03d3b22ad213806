"""Print the itemized-records figures: 1,000,000 call/SMS/data records read and totalled per month and day.

    python benchmarks/bench_records.py                           # 1,000,000 records, three files
    python benchmarks/bench_records.py --rows 100000 --careful   # also time the row-by-row reading

Writes synthetic records (not committed; regenerated each run) to a temporary
directory, in the styles of the samples in ``sample_bills/analyze/``:

- ``household`` (GB18030, and the same in UTF-8):
  ``号码,通话起始时间,业务类型,呼叫类型,通话时长,上网流量(KB)``, numbers written
  ``138 0000 0001``, times ``2026/1/5 8:12:33``, durations ``8分18秒``, volumes a bare
  number of KB;
- ``seed002`` (UTF-8 with a BOM): ``号码,起始时间,通信类型,主被叫,通话时长,上网流量,漫游类型``,
  times ``2026-01-05 08:12:33``, durations ``00:01:23``, volumes ``948KB`` / ``1.5MB``,
  one record in 500 international roaming.

About 45% calls (four in five outgoing, one in twenty unanswered), 20% SMS,
34.5% data sessions and 0.5% MMS, over 12 months and ``--lines`` numbers.

Each reading runs in a child process: ``parse_records_csv`` on the file's bytes
(decoding, CSV reading, checking every cell, per-call rounding, monthly and
daily totals), best of ``--repeat`` (the first run, which imports numpy and
pyarrow, is shown too), the file read into memory first. Peak memory is the
child's resident peak after the first run (Python, numpy, pyarrow and the file's
bytes included), with the same before parsing for comparison. ``tariffcli
analyze FILE --format json`` is then timed end to end (process start, telling
records from a monthly summary, reading, analysing). Figures only: no
pass/fail. Run it on an idle machine and quote the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

HEADERS = {
    "household": "号码,通话起始时间,业务类型,呼叫类型,通话时长,上网流量(KB)",
    "seed002": "号码,起始时间,通信类型,主被叫,通话时长,上网流量,漫游类型",
}
TYPES = {  # call, sms, data, mms
    "household": ("通话", "短信", "上网", "彩信"),
    "seed002": ("语音通话", "短信", "GPRS上网", "彩信"),
}


def generate(rows: int, lines: int, style: str, seed: int = 5) -> str:
    """The CSV text of ``rows`` records in ``style``, sorted by line then time."""
    import numpy as np  # here, not at the top: the timed child processes import only what tariffcli imports
    import pyarrow as pa
    import pyarrow.compute as pc

    def _text(values: Any) -> Any:
        return pa.array(values).cast(pa.string())

    def _pad2(values: Any) -> Any:
        return pc.utf8_lpad(_text(values), 2, "0")

    def _join(*parts: Any) -> Any:
        return pc.binary_join_element_wise(*parts, "")

    rng = np.random.default_rng(seed)
    line = np.sort(rng.integers(0, lines, rows))
    # a year of records per line, in time order
    start = np.datetime64("2026-01-01T00:00:00")
    seconds = rng.integers(0, 365 * 86400, rows)
    seconds = seconds[np.lexsort((seconds, line))]
    stamp = start + seconds.astype("timedelta64[s]")
    days = stamp.astype("datetime64[D]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    sod = seconds % 86400
    hh, mm, ss = sod // 3600, sod // 60 % 60, sod % 60

    kind = rng.choice(4, rows, p=[0.45, 0.20, 0.345, 0.005])  # call, sms, data, mms
    outgoing = rng.random(rows) < 0.8
    roaming = rng.random(rows) < 0.002
    talk = np.minimum(rng.exponential(140, rows).astype(np.int64), 7200)
    talk[rng.random(rows) < 0.05] = 0  # not answered
    kb = np.minimum(rng.lognormal(6.5, 2.0, rows).astype(np.int64), 2_000_000)
    tenth_mb = np.round(kb / 102.4).astype(np.int64)

    number = _text(np.array([f"138 0000 {i + 1:04d}" if style == "household" else f"1390000{i + 1:04d}"
                             for i in range(lines)])).take(pa.array(line))
    call, sms, data, mms = TYPES[style]
    kind_text = pa.array([call, sms, data, mms]).take(pa.array(kind))
    direction = pa.array(["主叫", "被叫", "发送", "接收", ""]).take(
        pa.array(np.where(kind == 0, np.where(outgoing, 0, 1), np.where(kind == 1, np.where(outgoing, 2, 3), 4))))
    if style == "household":
        when = _join(_text(year), "/", _text(month), "/", _text(day), " ", _text(hh), ":", _pad2(mm), ":",
                     _pad2(ss))
        minutes, secs = talk // 60, talk % 60
        duration = pc.if_else(pa.array(minutes > 0), _join(_text(minutes), "分", _text(secs), "秒"),
                              _join(_text(secs), "秒"))
        volume = _text(kb)
    else:
        when = _join(_text(year), "-", _pad2(month), "-", _pad2(day), " ", _pad2(hh), ":", _pad2(mm), ":",
                     _pad2(ss))
        duration = _join(_pad2(talk // 3600), ":", _pad2(talk // 60 % 60), ":", _pad2(talk % 60))
        mb = _join(_text(tenth_mb // 10), ".", _text(tenth_mb % 10), "MB")
        volume = pc.if_else(pa.array(kb < 1024), _join(_text(kb), "KB"), mb)
    empty = pa.scalar("", pa.string())
    duration = pc.if_else(pa.array(kind == 0), duration, empty)
    volume = pc.if_else(pa.array(kind == 2), volume, empty)
    columns = [number, when, kind_text, direction, duration, volume]
    if style == "seed002":  # with a roaming column: one record in 500 made abroad
        columns.append(pa.array(["", "国际漫游"]).take(pa.array(roaming.astype(np.int8))))
    row = pc.binary_join_element_wise(*columns, ",")
    return HEADERS[style] + "\n" + "\n".join(row.to_pylist()) + "\n"


def child(path: Path, careful: bool, repeat: int) -> None:
    """In the child process: read the file ``repeat`` times and print the best time and what was read, as JSON."""
    sys.path.insert(0, str(ROOT))
    from tariffcli.inputs import records as rec
    from tariffcli.inputs.csvtext import decode
    from tariffcli.inputs.records.careful import parse_careful

    data = path.read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times, peak, result = [], 0, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        if careful:
            result = parse_careful(decode(data, path.name), path.name, rec.CALL_INCREMENT_S)
        else:
            result = rec.parse_records_csv(data, path.name)
        times.append(time.perf_counter() - t0)
        peak = peak or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert isinstance(result, rec.Records)
    print(json.dumps({
        "first": times[0], "seconds": min(times), "before_mb": before / 1024, "peak_mb": peak / 1024, "lines": len(result.lines), "months": len(result.months),
        "records": sum(sum(lr.records) for lr in result.lines), "calls": sum(sum(lr.calls) for lr in result.lines),
        "voice_min": sum(sum(lr.voice_min) for lr in result.lines),
        "data_gb": sum(sum(lr.data_kb) for lr in result.lines) / 2**20,
    }))


def run_measured(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak resident memory of the child (MB), its stdout."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read() if proc.stdout else b""
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err.decode()}")
    return wall, usage.ru_maxrss / 1024, out.decode()


def _best_pair(first: Any, second: Any, repeat: int) -> tuple[float, float]:
    """Best wall times of ``first`` and ``second``, run in turn ``repeat`` times (so both see the same load)."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, out in ((first, times[0]), (second, times[1])):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return min(times[0]), min(times[1])


def figures(quick: bool = False) -> list[str]:
    """One line per figure: records parsing against ``pyarrow.csv.read_csv`` on the same bytes, measured now.

    ``parse_records_csv`` (decoding, checking every cell, per-call rounding, exact monthly and daily totals)
    and ``pyarrow.csv.read_csv`` (reading the same file into typed columns, GB18030 transcoded by pyarrow)
    run in this process, in turn, best of five runs each (imports done first), so both see the machine's load
    alike. ``quick``: 100,000 records, best of three.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    sys.path.insert(0, str(ROOT))
    from tariffcli.inputs.records import parse_records_csv

    rows = 100_000 if quick else 1_000_000
    repeat = 3 if quick else 5
    size = f"{rows // 1000}k" if rows < 1_000_000 else f"{rows // 1_000_000}M"
    text = generate(rows, 3, "household")
    lines = []
    for label, encoding in (("UTF-8", "utf-8"), ("GB18030", "gb18030")):
        data = text.encode(encoding)
        options = pacsv.ReadOptions(encoding="utf8" if encoding == "utf-8" else encoding)
        parse, reference = _best_pair(lambda data=data: parse_records_csv(data, "bench.csv"),
                                      lambda data=data, options=options: pacsv.read_csv(pa.BufferReader(data),
                                                                                        read_options=options),
                                      repeat)
        lines.append(f"records parse / pyarrow read_csv: {parse / reference:.2f} ({label}, {size}; "
                     f"{parse:.2f} s vs {reference:.2f} s; target <= 2)")
        if label == "UTF-8":
            lines.append(f"records parse, {size} records: {parse:.2f} s (target < 2 s for 1M)")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--lines", type=int, default=3, help="numbers in the file")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--careful", action="store_true", help="also time the row-by-row reading (about 16 s a million)")
    ap.add_argument("--workdir", type=Path, help="write the files here (default: a temporary directory)")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--make", nargs=2, metavar=("STYLE", "ENCODING"), help=argparse.SUPPRESS)
    ap.add_argument("--figures", action="store_true", help="print only the figures of figures() (ratio lines)")
    ap.add_argument("--quick", action="store_true", help="with --figures: 100,000 records")
    args = ap.parse_args()
    if args.figures:
        print("\n".join(figures(args.quick)))
        return
    if args.child and args.make:
        args.child.write_bytes(generate(args.rows, args.lines, args.make[0]).encode(args.make[1]))
        return
    if args.child:
        child(args.child, args.careful, args.repeat)
        return
    # This process stays small (files are written and read by child processes): on Linux a child's peak
    # memory starts from its parent's.
    print(f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} cpus, "
          f"Python {platform.python_version()}, numpy {version('numpy')}, pyarrow {version('pyarrow')}")
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        for style, encoding in (("household", "gb18030"), ("household", "utf-8"), ("seed002", "utf-8-sig")):
            t0 = time.perf_counter()
            path = Path(tmp) / f"{style}-{encoding}.csv"
            run_measured([sys.executable, __file__, "--child", str(path), "--make", style, encoding,
                          "--rows", str(args.rows), "--lines", str(args.lines)])
            print(f"{style} style, {encoding}: {args.rows:,} records, {path.stat().st_size / 1e6:.1f} MB "
                  f"(generated in {time.perf_counter() - t0:.1f} s)")
            for label, careful in [("parse_records_csv", False)] + ([("row by row", True)] if args.careful else []):
                cmd = [sys.executable, __file__, "--child", str(path), "--repeat", str(args.repeat)]
                _, _, out = run_measured(cmd + (["--careful"] if careful else []))
                r = json.loads(out)
                print(f"  {label}: {r['seconds']:.2f} s ({args.rows / r['seconds'] / 1e6:.2f} M records/s; "
                      f"first run {r['first']:.2f} s, imports included), peak memory {r['peak_mb']:.0f} MB "
                      f"({r['before_mb']:.0f} MB with the file read, before parsing): "
                      f"{r['lines']} lines x {r['months']} months, {r['records']:,} records, "
                      f"{r['calls']:,} outgoing calls, {r['voice_min']:,} min, {r['data_gb']:.0f} GB")
            wall, peak, _ = run_measured([sys.executable, "-m", "tariffcli", "analyze", str(path), "--format", "json",
                                          "--today", "2027-01-15"])
            print(f"  tariffcli analyze FILE --format json, end to end: {wall:.2f} s, peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
