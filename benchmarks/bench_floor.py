"""What `tariffcli compare` cannot start faster than: the imports it needs, measured beside the reference.

    python benchmarks/bench_floor.py [--quick]

Issue 14 asks for `compare` within 1.1x of ``python -c "import numpy, typer, rich.console"``.
This module prints the floor set by the imports compare needs before it has done any work of
its own, each as a ratio to that reference measured in the same run:

* the plan model (:mod:`tariffcli.model.plan`), which imports pydantic: a plan read from the
  catalogue cache is a pydantic object, so unpickling one needs the model;
* the same plus the modules of a plain `compare` run (the CLI, the engine, the renderers),
  found by running compare once with ``-X importtime``.

The gap between the last figure and `compare` itself (bench_startup) is the work compare does;
the gap between the first and 1.0 cannot be closed without plain plan objects on the warm path.
Figures only: no pass/fail.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_startup import SAMPLE, _env, _load, make_catalogue, timed  # noqa: E402

REFERENCE = "import numpy, typer, rich.console"


def compare_modules(env: dict[str, str], catalogue: Path) -> list[str]:
    """The modules a warm `compare` run imports, in import order (from ``-X importtime``)."""
    args = [sys.executable, "-X", "importtime", "-m", "tariffcli", "compare", str(SAMPLE), "--plans", str(catalogue)]
    for _ in range(2):  # the first run fills the cache
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    names = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name and name != "package":
                names.append(name)
    return names


def _importing(names: list[str]) -> str:
    return ("import importlib\n"
            f"for name in {names!r}:\n"
            "    try:\n"
            "        importlib.import_module(name)\n"
            "    except Exception:\n"
            "        pass\n")


def figures(quick: bool = False, plans: int = 500) -> list[str]:
    """Printed lines: each import set's wall time over the reference's, measured in this run."""
    repeat = 3 if quick else 9
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        catalogue = make_catalogue(Path(tmp) / "plans", plans)
        env = _env(Path(tmp) / "cache")
        names = compare_modules(env, catalogue)
        ref, _ = timed([py, "-c", REFERENCE], env, repeat)
        rows = [
            ("import numpy+typer+rich + the plan model (pydantic)", f"{REFERENCE}; import tariffcli.model.plan"),
            ("every module a plain compare imports", _importing(names)),
        ]
        lines = [f"compare's floor, {plans} plans ({_load()}): reference {REFERENCE!r} {ref * 1000:.0f} ms"]
        for what, code in rows:
            t, _ = timed([py, "-c", code], env, repeat)
            lines.append(f"  {what} / reference: {t / ref:.2f} ({t * 1000:.0f} ms)")
        t, _ = timed([py, "-m", "tariffcli", "compare", str(SAMPLE), "--plans", str(catalogue)], env, repeat)
        lines.append(f"  compare itself / reference: {t / ref:.2f} ({t * 1000:.0f} ms)")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="3 runs each instead of 9")
    ap.add_argument("--plans", type=int, default=500)
    args = ap.parse_args()
    os.environ.setdefault("TARIFFCLI_TODAY", "2026-12-01")
    print("\n".join(figures(args.quick, args.plans)))


if __name__ == "__main__":
    main()
