"""Print the batch figures: kernel throughput, end-to-end batch runs, peak memory and start-up times.

    python benchmarks/bench_batch.py                    # everything (writes ~300 MB of inputs to a temp dir)
    python benchmarks/bench_batch.py --big-rows 0       # skip the 10-million-row run
    python benchmarks/bench_batch.py --dask             # also time --engine dask on a local cluster
    python benchmarks/bench_batch.py --figures [--quick] # only the issue-14 ratios (what run_all.py prints)
    python benchmarks/bench_batch.py --dask-rows 4000000 # only the dask figures, at that many rows

Figures only: no pass/fail. Run it on an idle machine and quote the machine.
The inputs come from benchmarks/make_synthetic.py and are not kept.

:func:`figures` gives the ratios that benchmarks/run_all.py prints, each measured
against its reference in the same run: the batch kernel against the plain fused
loop of benchmarks/fused_reference.py (the "limit") on 50 plans x 1M and 1000
plans x 120k subscriber-months, and ``--engine dask`` against the local engine.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: the kernels are numpy element-wise loops anyway
import numpy as np  # noqa: E402
import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tariffcli.engine import Usage, UsageMatrix, compile_plans, simulate, simulate_totals  # noqa: E402
from tariffcli.engine.kernels import simulate_totals_stopped  # noqa: E402
from tariffcli.model.months import days_in, month_range  # noqa: E402
from tariffcli.model.plan import Plan  # noqa: E402

SHAPES = {
    "rate": {"rate": "0.29", "per": "MB", "increment": "KB", "cap": "500.00", "volume_cap": "15 GB"},
    "ramp": {"ramp": {"rate": "0.03", "per": "MB", "block": "1 GB", "block_price": "3.00"}, "increment": "MB"},
    "tiers": {"tiers": [{"up_to": "3 GB", "rate": "5", "per": "GB"}, {"rate": "3", "per": "GB"}], "increment": "GB"},
    "daily": {"ramp": {"rate": "0.1", "per": "MB", "block": "800 MB", "block_price": "1.00"}, "increment": "MB",
              "period": "day"},
}
COMMON = ("rate", "ramp", "tiers")


def plan_dicts(n: int, shapes: tuple[str, ...] = COMMON, seed: int = 7) -> list[dict]:
    """``n`` plan files' contents, cycling through ``shapes``, with promotions and minimum spends."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        out.append({
            "id": f"bench-{i:03d}", "name": f"Bench {i}", "operator": ["Alpha", "Beta", "Gamma"][i % 3],
            "province": "national", "monthly_fee": f"{int(rng.integers(5, 300))}.00",
            "minimum_spend": f"{int(rng.integers(0, 100))}.00",
            "allowances": {"voice": f"{int(rng.integers(0, 1000))} min", "sms": int(rng.integers(0, 200)),
                           "data": f"{int(rng.integers(0, 40))} GB"},
            "overage": {"voice": {"rate": "0.19"}, "sms": {"rate": "0.10"}, "data": SHAPES[shapes[i % len(shapes)]]},
            "promotions": [{"from_month": 1, "to_month": int(rng.integers(1, 24)), "discount": "50%"}],
            "confidence": "example", "sources": [{"url": "https://example.invalid", "retrieved": "2026-11-21"}],
        })
    return out


def usage_matrix(H: int, N: int, seed: int = 11) -> UsageMatrix:
    rng = np.random.default_rng(seed)
    ms = month_range("2027-01", H)
    return UsageMatrix(ms, rng.integers(0, 1500, (H, N)), rng.integers(0, 300, (H, N)),
                       rng.integers(0, 30 * 1024 * 1024, (H, N)), np.zeros((H, N), np.int64),
                       np.tile(np.array([days_in(m) for m in ms], np.int64)[:, None], (1, N)))


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def kernels(repeat: int) -> None:
    H, N, P = 12, 20_000, 50
    u = usage_matrix(H, N)
    for label, shapes in (("common shapes (rate, tiers, ramp; monthly)", COMMON),
                          ("with daily-rate plans (1 in 4)", COMMON + ("daily",))):
        plans = [Plan.model_validate(d) for d in plan_dicts(P, shapes)]
        c = compile_plans(plans, [1] * P, H)
        t = best_of(lambda c=c: simulate_totals(c, u), repeat)
        print(f"  {label}: {P} plans x {H} months x {N:,} subscribers: "
              f"{P * H * N / t / 1e6:.1f} M plan-months/s")
    plans = [Plan.model_validate(d) for d in plan_dicts(P)]
    t = best_of(lambda: compile_plans(plans, [1] * P, H), repeat)
    print(f"  compiling {P} plans over {H} months (once per run, cached across chunks): {t * 1000:.1f} ms")
    one = Usage(u.months, u.voice_min[:, 0], u.sms[:, 0], u.data_kb[:, 0], u.app_data_kb[:, 0],
                u.data_days[:, 0], np.zeros(H, np.bool_))
    t = best_of(lambda: simulate(plans, one), repeat)
    print(f"  simulate() for one user (compare's path, compile included): {t * 1000:.1f} ms for {P} plans")


KERNEL_SHAPES = ((50, 1_000_000, "1M"), (1000, 120_000, "120k"))
"""(plans, subscriber-months, label) of the kernel figures; 12 months each."""


def kernel_figures(quick: bool = False, repeat: int = 3) -> list[str]:
    """``batch kernel / fused loop`` (and numpy / fused loop) on each shape: speed relative to the plain loop."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from fused_reference import reference_totals

    from tariffcli.batch.fused import kernel_name, totals_stopped

    lines = []
    H = 12
    for P, cells, label in KERNEL_SHAPES:
        scale = 5 if quick else 1
        N = cells // H // scale
        if quick:
            label = f"{label}/{scale}"
        plans = [Plan.model_validate(d) for d in plan_dicts(P)]
        c = compile_plans(plans, [1] * P, H)
        u = usage_matrix(H, N)
        got, got_stopped = totals_stopped(c, u)  # compiles (or loads numba's cache) before the clock starts
        ref, ref_stopped = reference_totals(c, u)
        if not (np.array_equal(got, ref[c.inverse]) and np.array_equal(got_stopped, ref_stopped[c.inverse])):
            lines.append(f"batch kernel / fused loop: results differ ({P} plans x {label}) -- a bug")
            continue
        t_ref = best_of(lambda c=c, u=u: reference_totals(c, u), repeat)
        t_kernel = best_of(lambda c=c, u=u: totals_stopped(c, u), repeat)
        lines.append(f"batch kernel / fused loop: {t_ref / t_kernel:.2f} ({P} plans x {label})")
        t_numpy = best_of(lambda c=c, u=u: simulate_totals_stopped(c, u), 1 if P > 100 else repeat)
        lines.append(f"  numpy kernel (the fallback without numba) / fused loop: {t_ref / t_numpy:.2f} ({P} plans x "
                     f"{label}) [batch kernel ({kernel_name()}) {t_kernel * 1000:.0f} ms, fused loop "
                     f"{t_ref * 1000:.0f} ms, numpy {t_numpy * 1000:.0f} ms]")
    return lines


def dask_figures(quick: bool = False, workdir: Path | None = None, rows: int | None = None) -> list[str]:
    """``--engine dask`` (2 local workers) against the local engine, end to end, Parquet in and out: into one
    file (the rows come back to the client, which writes them), and into a directory (``--out DIR/``: each
    worker writes its own parts)."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return ["batch --engine dask / local: not measured (dask.distributed is not installed)"]
    rows = rows or (2_000_000 if quick else 10_000_000)
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    lines = []
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        src = Path(tmp) / "subs.parquet"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_synthetic.py"), str(src), "--rows", str(rows)],
                       check=True, capture_output=True, env=env)
        made = time.perf_counter() - t0
        base = [sys.executable, "-m", "tariffcli", "batch", str(src), "--start", "2027-01", "-q"]
        best: dict[str, tuple[float, float]] = {}
        variants = [("local", ()), ("dask", ("--engine", "dask", "--workers", "2")),
                    ("dask-dir", ("--engine", "dask", "--workers", "2"))]
        for r in range(1 if quick else 2):  # alternated, best of each, the order reversed: the machine may be shared
            for name, extra in (variants if r % 2 == 0 else variants[::-1]):
                out = f"{Path(tmp) / name}/" if name == "dask-dir" else str(Path(tmp) / f"out-{name}.parquet")
                if name == "dask-dir" and Path(out).exists():  # the last round's parts: --out DIR/ wants it empty
                    shutil.rmtree(out)
                wall, _, rc, cpu = run_timed([*base, "--out", out, *extra], env)
                if rc:
                    return [f"batch --engine dask / local: not measured ({name} failed, exit {rc})"]
                if name not in best or wall < best[name][0]:
                    best[name] = (wall, cpu)
        (dask_wall, dask_cpu), (local_wall, local_cpu), (dir_wall, _) = best["dask"], best["local"], best["dask-dir"]
        label = f"{rows / 1e6:g}M rows"
        lines.append(f"batch --engine dask / local: {local_wall / dask_wall:.2f}x the local engine's speed "
                     f"({label}, 2 local workers, cluster start included)")
        lines.append(f"  [wall: dask {dask_wall:.1f} s, local {local_wall:.1f} s; CPU of the local engine "
                     f"{local_cpu:.1f} s (of the dask client alone {dask_cpu:.1f} s: the workers are not its children); "
                     f"input made in {made:.0f} s; best of {1 if quick else 2}, alternated, order reversed]")
        lines.append(f"batch --engine dask --out DIR/ / local: {local_wall / dir_wall:.2f}x the local engine's speed "
                     f"({label}, 2 local workers, each writing its own Parquet parts; wall {dir_wall:.1f} s)")
        lines.append(f"  [load average before: {load}]")
    return lines


def figures(quick: bool = False) -> list[str]:
    """The issue-14 batch figures, one line each (for benchmarks/run_all.py)."""
    lines = kernel_figures(quick)
    lines += dask_figures(quick)
    return lines


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, peak resident memory (MB) of the child, exit code."""
    wall, peak, rc, _ = run_timed(cmd, env)
    return wall, peak, rc


def run_timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int, float]:
    """Wall seconds, peak resident memory (MB), exit code, and CPU seconds of the child and the descendants it
    waited for (a local Dask cluster's workers included)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode:
        print(err, file=sys.stderr)
    return wall, usage.ru_maxrss / 1024, proc.returncode, usage.ru_utime + usage.ru_stime


def make_input(path: Path, rows: int, plan_ids: list[str]) -> None:
    cmd = [sys.executable, str(ROOT / "benchmarks" / "make_synthetic.py"), str(path), "--rows", str(rows)]
    for pid in plan_ids:
        cmd += ["--plan-id", pid]
    subprocess.run(cmd, check=True, capture_output=True)


def end_to_end(work: Path, rows: int, plans_dir: Path, plan_ids: list[str], env: dict[str, str], repeat: int,
               extra: tuple[str, ...] = (), label: str = "") -> None:
    src = work / f"subs-{rows}.parquet"
    if not src.exists():
        make_input(src, rows, plan_ids)
    out = work / "best.parquet"
    cmd = [sys.executable, "-m", "tariffcli", "batch", str(src), "--plans", str(plans_dir), "--start", "2027-01",
           "--out", str(out), "-q", *extra]
    best = None
    for _ in range(repeat):
        wall, peak, rc = run_measured(cmd, env)
        if rc:
            print(f"  batch failed (exit {rc})")
            return
        best = (wall, peak) if best is None or wall < best[0] else best
    assert best is not None
    wall, peak = best
    print(f"  {rows:,} subscriber-months x {len(plan_ids)} plans, Parquet in and out{label}: {wall:.2f} s end to end "
          f"({rows / wall / 1e6:.2f} M rows/s, {rows * len(plan_ids) / wall / 1e6:.0f} M plan-months/s), "
          f"peak memory {peak:.0f} MB")


def startup(env: dict[str, str], repeat: int) -> None:
    for argv in (["--help"], ["plans", "list"]):
        t = best_of(lambda argv=argv: subprocess.run([sys.executable, "-m", "tariffcli", *argv], check=True,
                                                     capture_output=True, env=env), repeat)
        print(f"  tariffcli {' '.join(argv)}: best {t * 1000:.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows of the end-to-end run")
    ap.add_argument("--plans", type=int, default=50, help="plans of the end-to-end runs")
    ap.add_argument("--big-rows", type=int, default=10_000_000, help="rows of the memory run (0: skip)")
    ap.add_argument("--dask", action="store_true", help="also time --engine dask (a local cluster, 2 workers)")
    ap.add_argument("--dask-rows", type=int, help="only the dask figures (one file, DIR/, local), at this many rows")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workdir", type=Path, help="keep inputs here (default: a temporary directory)")
    args = ap.parse_args()
    if args.dask_rows:
        print("\n".join(dask_figures(workdir=args.workdir, rows=args.dask_rows)))
        return
    print(f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} cpus, "
          f"Python {platform.python_version()}, numpy {np.__version__}")
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    print("kernels (one core):")
    kernels(args.repeat)
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        work = Path(tmp)
        plans_dir = work / "plans"
        plans_dir.mkdir()
        dicts = plan_dicts(args.plans)
        for d in dicts:
            (plans_dir / f"{d['id']}.yaml").write_text(yaml.safe_dump(d, allow_unicode=True), "utf-8")
        ids = [d["id"] for d in dicts]
        print("batch, end to end (tariffcli batch, local engine):")
        end_to_end(work, args.rows, plans_dir, ids, env, args.repeat)
        if args.big_rows:
            end_to_end(work, args.big_rows, plans_dir, ids, env, 1)
        if args.dask:
            end_to_end(work, args.rows, plans_dir, ids, env, 1, ("--engine", "dask", "--workers", "2"),
                       " (--engine dask, 2 local workers; memory of the client process only)")
    print("start-up:")
    startup(env, max(args.repeat, 5))


if __name__ == "__main__":
    main()
