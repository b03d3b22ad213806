"""Start-up of `tariffcli plans list`, `tariffcli --help` and `tariffcli compare`, as ratios to bare imports.

    python benchmarks/bench_startup.py [--quick] [--plans 500]

Each command runs as a fresh process, against a synthetic catalogue of ``--plans``
plans (copies of the bundled plans under new ids, in a temporary folder) with a
warm catalogue cache in a temporary cache folder, and is compared with the
import it cannot avoid, measured in the same run:

* `plans list` and `--help` against ``python -c "import typer, rich.console"`` (target <= 1.5);
* `compare` on a sample bill against ``python -c "import numpy, typer, rich.console"`` (target <= 1.1).

The figure is the median wall time of several runs over the median of the reference.
Figures only: no pass/fail.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_bills" / "keep-number-abroad.csv"
_ID = re.compile(r"^id:\s*(\S+)\s*$", re.MULTILINE)


def make_catalogue(folder: Path, n: int) -> Path:
    """A catalogue of about ``n`` plans in ``folder``: the bundled plans copied under new ids (``<id>-sK``)."""
    bundled = sorted(p for p in (ROOT / "plans").rglob("*.yaml") if "standard-rates" not in p.parts)
    folder.mkdir(parents=True, exist_ok=True)
    made = 0
    copy = 0
    while made < n:
        for path in bundled:
            if made >= n:
                break
            text = path.read_text(encoding="utf-8")
            if copy:
                text = _ID.sub(f"id: \\1-s{copy}", text, count=1)
            out = folder / f"s{copy}" / path.relative_to(ROOT / "plans")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
            made += 1
        copy += 1
    return folder


def _env(cache: Path) -> dict[str, str]:
    """The children's environment: this checkout first on the path, the cache in ``cache``, and byte code
    kept (in a folder beside the cache), as an installed package has it: with ``PYTHONDONTWRITEBYTECODE``
    every run would compile the project's modules again while the reference imports read theirs."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache.parent / "pycache")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["TARIFFCLI_CACHE_DIR"] = str(cache)
    env.pop("TARIFFCLI_NO_CACHE", None)
    env.setdefault("TARIFFCLI_TODAY", "2026-12-01")
    return env


def wall(args: list[str], env: dict[str, str], repeat: int) -> float:
    """Median wall time of ``args`` run ``repeat`` times (after one untimed warm-up run)."""
    return timed(args, env, repeat)[0]


def timed(args: list[str], env: dict[str, str], repeat: int) -> tuple[float, float]:
    """Median (wall, CPU) seconds of ``args`` run ``repeat`` times, after one untimed warm-up run. CPU time
    (user + system of the child) is what a busy shared machine disturbs least."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        resource = None  # type: ignore[assignment]
    walls, cpus = [], []
    for i in range(repeat + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN) if resource else None
        t0 = time.perf_counter()
        done = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        if done.returncode:  # a run that fails early would give a meaningless, flattering figure
            raise RuntimeError(f"{' '.join(args[1:])}: exit {done.returncode}: {done.stderr.decode(errors='replace')[-300:]}")
        if i:
            walls.append(time.perf_counter() - t0)
            if resource and before:
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus) if cpus else float("nan")


def _load() -> str:
    return f"load {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "load ?"


def figures(quick: bool = False, plans: int = 500) -> list[str]:
    """Printed lines: each command's wall time over its reference import's, measured in this run."""
    repeat = 3 if quick else 9
    py = sys.executable
    cli = [py, "-m", "tariffcli"]
    with tempfile.TemporaryDirectory() as tmp:
        catalogue = make_catalogue(Path(tmp) / "plans", plans)
        env = _env(Path(tmp) / "cache")
        ref_ui, ref_ui_cpu = timed([py, "-c", "import typer, rich.console"], env, repeat)
        ref_np, ref_np_cpu = timed([py, "-c", "import numpy, typer, rich.console"], env, repeat)
        runs = [
            ("plans list", [*cli, "plans", "list", "--plans", str(catalogue)], "ui", 1.5),
            ("--help", [*cli, "--help"], "ui", 1.5),
            ("compare", [*cli, "compare", str(SAMPLE), "--plans", str(catalogue)], "np", 1.1),
        ]
        refs = {"ui": (ref_ui, ref_ui_cpu, "import typer+rich"), "np": (ref_np, ref_np_cpu, "import numpy+typer+rich")}
        lines = [f"start-up, {plans} plans, warm cache ({_load()}): reference imports "
                 f"{ref_ui * 1000:.0f} ms (typer+rich), {ref_np * 1000:.0f} ms (numpy+typer+rich)"]
        for name, args, which, target in runs:
            t, cpu = timed(args, env, repeat)
            ref, ref_cpu, what = refs[which]
            lines.append(f"{name} / {what}: {t / ref:.2f} (target <= {target}; {t * 1000:.0f} ms; "
                         f"CPU time ratio {cpu / ref_cpu:.2f})")
        t = wall([*cli, "plans", "list"], env, repeat)
        lines.append(f"plans list, bundled catalogue / import typer+rich: {t / ref_ui:.2f} ({t * 1000:.0f} ms)")
        t = wall([*cli, "compare", str(SAMPLE)], env, repeat)
        lines.append(f"compare, bundled catalogue / import numpy+typer+rich: {t / ref_np:.2f} ({t * 1000:.0f} ms)")
        cold_env = dict(env, TARIFFCLI_NO_CACHE="1")
        t = wall(runs[0][1], cold_env, max(1, repeat // 3))
        lines.append(f"plans list without the cache / import typer+rich: {t / ref_ui:.2f} ({t * 1000:.0f} ms)")
        code = ("import sys, time; from pathlib import Path; from tariffcli.inputs.files import load_plans; "
                "import tariffcli.inputs.catalogue, tariffcli.inputs.catalogue_cache; "  # files.py imports them on first use
                "t = time.perf_counter(); load_plans([Path(sys.argv[1])]); print(time.perf_counter() - t)")
        warm, cold = ([float(subprocess.run([py, "-c", code, str(catalogue)], env=e, capture_output=True, text=True,
                                            check=True).stdout) for _ in range(max(1, repeat // 3))]
                      for e in (env, cold_env))
        w, c = statistics.median(warm), statistics.median(cold)
        lines.append(f"loading {plans} plans, warm cache / parsing them: {w / c:.3f} "
                     f"({w * 1000:.0f} ms / {c * 1000:.0f} ms; imports not counted)")
        shutil.rmtree(env["TARIFFCLI_CACHE_DIR"], ignore_errors=True)
    return lines


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs")
    ap.add_argument("--plans", type=int, default=500, help="plans in the synthetic catalogue")
    args = ap.parse_args()
    for line in figures(args.quick, args.plans):
        print(line)


if __name__ == "__main__":
    main()
