"""The same input gives the same bytes: across runs, across processes, across plan file orders.

A comparison quoted in an article must be reproducible by anyone with the same
files. Three things could make it wobble and are pinned here: hash
randomisation between processes (set and dict order), the order and names of
the plan files on disk, and writing to a file instead of stdout.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffcli.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "plans"
SAMPLES = ROOT / "sample_bills"
SAMPLE = SAMPLES / "lapsed-promotion.csv"
FORMATS = ("table", "json", "csv", "markdown")
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}
COMPARE = ("--start", "2027-01", "--current", "cmcc-8yuan-shenzhen-voice", "--current-since", "2026-03")


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, list(args), env=ENV, catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def outputs(*extra: str, usage: Path = SAMPLE) -> dict[str, tuple[int, str, str]]:
    """Every output format of one comparison."""
    return {fmt: run("compare", str(usage), *COMPARE, "--format", fmt, *extra) for fmt in FORMATS}


def catalogue_files() -> list[Path]:
    return sorted(p for p in CATALOGUE.rglob("*.yaml") if "standard-rates" not in p.parts)


# ---------------------------------------------------------------- across runs and processes

_SCRIPT = """
import json, sys
from typer.testing import CliRunner
from tariffcli.cli.app import app
env = json.loads(sys.argv[1])
out = {}
for usage in sys.argv[3:]:
    for fmt in ("table", "json", "csv", "markdown"):
        args = ["compare", usage, *json.loads(sys.argv[2]), "--format", fmt]
        r = CliRunner().invoke(app, args, env=env, catch_exceptions=False)
        out[usage + " " + fmt] = [r.exit_code, r.stdout, r.stderr]
print(json.dumps(out))
"""


def test_output_is_byte_identical_across_processes_with_different_hash_seeds(tmp_path: Path) -> None:
    samples = [str(p) for p in sorted(SAMPLES.glob("*.csv"))]
    results = []
    for seed in ("0", "4242"):
        env = {**os.environ, **ENV, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT, json.dumps(ENV), json.dumps(COMPARE), *samples],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=True,
        )
        results.append(json.loads(done.stdout))
    assert len(results[0]) == 4 * len(samples)
    assert all(code == 0 for code, _, _ in results[0].values())
    assert results[0] == results[1]


def test_output_is_byte_identical_across_runs_in_one_process() -> None:
    assert outputs() == outputs()


# ---------------------------------------------------------------- across plan file orders and names


def _layout(root: Path, files: list[Path], name_of: dict[Path, str]) -> Path:
    root.mkdir()
    for f in files:  # created in this order, so directory order differs between layouts
        target = root / name_of[f]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)
    return root


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    files = catalogue_files()
    base = tmp_path_factory.mktemp("layouts")
    same = {f: f.relative_to(CATALOGUE).as_posix() for f in files}
    reversed_flat = {f: f"{len(files) - i:03d}-plan.yaml" for i, f in enumerate(files)}
    shuffled = list(files)
    random.Random(20261121).shuffle(shuffled)
    deep = {f: f"z/{i % 3}/{'a' * (i + 1)}.yml" for i, f in enumerate(shuffled)}
    return [
        _layout(base / "same", files, same),
        _layout(base / "reversed", list(reversed(files)), reversed_flat),
        _layout(base / "shuffled", shuffled, deep),
    ]


def test_comparison_does_not_depend_on_plan_file_order_or_names(layouts: list[Path]) -> None:
    reference = outputs("--plans", str(CATALOGUE))
    assert all(code == 0 for code, _, _ in reference.values())
    for layout in layouts:
        assert outputs("--plans", str(layout)) == reference, layout.name


def test_comparison_does_not_depend_on_the_order_of_plan_options() -> None:
    files = catalogue_files()
    forward = [a for f in files for a in ("--plans", str(f))]
    backward = [a for f in reversed(files) for a in ("--plans", str(f))]
    assert outputs(*forward) == outputs(*backward) == outputs("--plans", str(CATALOGUE))


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown"])
def test_plans_list_does_not_depend_on_plan_file_order(layouts: list[Path], fmt: str) -> None:
    reference = run("plans", "list", "--plans", str(CATALOGUE), "--format", fmt)
    assert reference[0] == 0
    for layout in layouts:
        assert run("plans", "list", "--plans", str(layout), "--format", fmt) == reference, layout.name


def test_the_same_problems_are_reported_whatever_the_file_order(tmp_path: Path) -> None:
    bad = ROOT / "tests" / "bad_inputs" / "plans"
    names = ["negative-fee.yaml", "near-miss.yaml", "overlapping-phases.yaml"]
    forward = [a for n in names for a in ("--plans", str(bad / n))]
    backward = [a for n in reversed(names) for a in ("--plans", str(bad / n))]
    code_f, out_f, err_f = run("plans", "list", *forward)
    code_b, out_b, err_b = run("plans", "list", *backward)
    assert (code_f, code_b, out_f, out_b) == (1, 1, "", "")
    assert sorted(err_f.splitlines()) == sorted(err_b.splitlines())
    assert len(err_f.splitlines()) == 3


# ---------------------------------------------------------------- --output


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown"])
def test_output_file_holds_exactly_what_stdout_would(tmp_path: Path, fmt: str) -> None:
    code, stdout, stderr = run("compare", str(SAMPLE), *COMPARE, "--format", fmt)
    assert code == 0
    out = tmp_path / f"result.{fmt}"
    code, file_stdout, file_stderr = run("compare", str(SAMPLE), *COMPARE, "--format", fmt, "--output", str(out))
    assert (code, file_stdout, file_stderr) == (0, "", stderr)
    assert out.read_bytes() == stdout.encode("utf-8")
    if fmt == "json":
        assert json.loads(out.read_text("utf-8")) == json.loads(stdout)
