"""Print every benchmark figure of issue 14, each against its reference in the same run, one line each.

    python benchmarks/run_all.py            # full sizes (several minutes)
    python benchmarks/run_all.py --quick    # smaller sizes, for a quick look
    python benchmarks/run_all.py --only batch,startup

Every ``benchmarks/bench_*.py`` that defines ``figures()`` (or ``figures(quick)``)
contributes its lines; each module runs in its own Python process, one after
the other, so one module's imports, caches and memory do not colour another's
figures, and one that fails is reported without stopping the rest. The
machine's load average (``os.getloadavg``) is printed at the start and the end:
the machine may be shared, which is why the figures are ratios to a reference
measured in the same run.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def modules() -> list[Path]:
    """The benchmark modules that define a top-level ``figures`` function (found without importing them)."""
    found = []
    for path in sorted(HERE.glob("bench_*.py")):
        try:
            tree = ast.parse(path.read_text("utf-8"), str(path))
        except SyntaxError:
            found.append(path)  # reported when it is run
            continue
        if any(isinstance(node, ast.FunctionDef) and node.name == "figures" for node in tree.body):
            found.append(path)
    return found


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} cpus)"


def child(path: Path, quick: bool) -> None:
    """Run one module's ``figures`` in this process and print its lines as JSON on stdout."""
    import importlib.util

    sys.path[:0] = [str(HERE), str(ROOT)]
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    fn = module.figures
    lines = fn(quick) if inspect.signature(fn).parameters else fn()
    print(json.dumps([str(x) for x in lines]))


def run(path: Path, quick: bool, timeout: float) -> list[str]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(path)] + (["--quick"] if quick else [])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return [f"{path.stem}: no figures: stopped after {timeout:.0f} s"]
    took = time.perf_counter() - t0
    last = proc.stdout.strip().splitlines()[-1:] if proc.stdout.strip() else []
    if proc.returncode or not last:
        why = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        return [f"{path.stem}: no figures: {why}"]
    try:
        lines = json.loads(last[0])
    except ValueError:
        return [f"{path.stem}: no figures: unreadable output {last[0][:80]!r}"]
    return [*lines, f"  ({path.stem}: {took:.0f} s)"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller sizes (the ratios are noisier)")
    ap.add_argument("--only", help="comma-separated module names without bench_ (e.g. batch,records)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per module at most")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.quick)
        return
    chosen = modules()
    if args.only:
        wanted = {f"bench_{name.strip()}" for name in args.only.split(",")}
        chosen = [p for p in chosen if p.stem in wanted]
    print(f"machine: {platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}"
          f"{' (--quick)' if args.quick else ''}")
    print(f"load at start: {_load()}", flush=True)
    for path in chosen:
        for line in run(path, args.quick, args.timeout):
            print(line, flush=True)
    print(f"load at end: {_load()}")


if __name__ == "__main__":
    main()
