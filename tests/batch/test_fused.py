"""The compiled batch kernel (numba) bills exactly as the numpy kernel, and the summary says which one ran."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pytest
from conftest import GB, examples, make_plan
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import DATA_KB, first_months, plan_dicts

from tariffcli.batch.analyser import Analyser
from tariffcli.batch.chunks import Chunk
from tariffcli.batch.fused import kernel_name, totals_stopped
from tariffcli.batch.local import run_local
from tariffcli.engine import UsageMatrix, compile_plans
from tariffcli.engine.kernels import simulate_totals_stopped
from tariffcli.inputs.files import load_plans
from tariffcli.model.errors import UsageError
from tariffcli.model.months import days_in, month_range

pytest.importorskip("numba")

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = load_plans()


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(plan_dicts(), min_size=1, max_size=6), st.integers(1, 4), st.integers(1, 40), st.data())
def test_the_compiled_loop_equals_the_numpy_kernel(dicts, H, N, data):
    ps = [make_plan(**{**d, "id": f"plan-{i}"}) for i, d in enumerate(dicts)]
    first = data.draw(st.lists(first_months, min_size=len(ps), max_size=len(ps)), label="first")
    months = month_range("2025-02", H)

    def matrix(values: st.SearchStrategy[int]) -> np.ndarray:
        return np.array(data.draw(st.lists(st.lists(values, min_size=N, max_size=N), min_size=H, max_size=H)), np.int64)

    apps = st.one_of(st.just(0), st.integers(0, 5 * GB))
    m = UsageMatrix(months, matrix(st.integers(0, 3_000)), matrix(st.integers(0, 500)), matrix(DATA_KB),
                    matrix(apps) if data.draw(st.booleans(), label="app data") else np.zeros((H, N), np.int64),
                    matrix(st.integers(0, 28)))  # 0 days: a daily plan bills the month as one day, as numpy does
    compiled = compile_plans(ps, first, H, promotions=data.draw(st.booleans(), label="promotions"))
    want, want_stopped = simulate_totals_stopped(compiled, m)
    got, got_stopped = totals_stopped(compiled, m, "numba")
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got_stopped, want_stopped)


def test_the_compiled_loop_equals_the_numpy_kernel_on_the_catalogue_across_blocks():
    rng = np.random.default_rng(3)
    H, N = 12, 1_500  # several blocks of the compiled loop
    months = month_range("2027-01", H)
    m = UsageMatrix(months, rng.integers(0, 2000, (H, N)), rng.integers(0, 300, (H, N)),
                    rng.integers(0, 80 * GB, (H, N)), rng.integers(0, 6 * GB, (H, N)) * (rng.random((H, N)) < 0.5),
                    rng.integers(0, 32, (H, N)).clip(0, np.array([days_in(x) for x in months])[:, None]))
    compiled = compile_plans(CATALOGUE, list(rng.integers(1, 30, len(CATALOGUE))), H)
    want, want_stopped = simulate_totals_stopped(compiled, m)
    got, got_stopped = totals_stopped(compiled, m)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got_stopped, want_stopped)
    assert want_stopped.any() and not want_stopped.all()  # the flags are exercised


SMALL = "subscriber,month,voice_min,sms,data_mb,current_plan\n" + "".join(
    f"s{k},2026-{mo:02d},{k * 37 % 900},{k % 50},{k * 811 % 20000},{CATALOGUE[k % len(CATALOGUE)].id}\n"
    for k in range(30) for mo in range(1, 7))


def _table() -> pa.Table:
    return pcsv.read_csv(pa.py_buffer(SMALL.encode())).rename_columns(
        ["subscriber", "month", "voice_min", "sms", "data", "current_plan"])


def test_both_kernels_give_the_same_rows_and_the_summary_names_the_one_that_ran():
    reports, outputs = {}, {}
    for kernel in ("numpy", "numba"):
        analyser = Analyser(CATALOGUE, start="2027-01", horizon=12, top=3, data_unit="MB", kernel=kernel, cells=60)
        tables: list[pa.Table] = []
        summary = run_local([Chunk(_table())], analyser, tables.append)
        outputs[kernel] = pa.concat_tables(tables)
        reports[kernel] = summary.report(analyser)
    assert outputs["numba"].equals(outputs["numpy"])
    assert reports["numpy"].kernel == "numpy"
    assert reports["numba"].kernel == "numba"
    assert kernel_name("auto") == "numba" and kernel_name("numpy") == "numpy"


def test_an_unknown_kernel_is_a_usage_error():
    with pytest.raises(UsageError, match="kernel"):
        Analyser(CATALOGUE, start="2027-01", kernel="fortran")


def _cli(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    src = tmp_path / "subs.csv"
    src.write_text(SMALL, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "tariffcli", "batch", str(src), "--start", "2027-01", "-q", *args],
                          capture_output=True, text=True, env=env, check=False, timeout=300, cwd=tmp_path)


def test_the_json_and_table_summaries_say_which_kernel_ran(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), TARIFFCLI_TODAY="2026-12-01", NO_COLOR="1", COLUMNS="200")
    r = _cli(tmp_path, env, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["kernel"] == "numba"
    r = _cli(tmp_path, env)
    assert r.returncode == 0, r.stderr
    assert "kernel: numba" in r.stdout


def test_a_read_only_package_and_no_cache_dir_still_run_the_compiled_loop(tmp_path):
    """numba caches beside the module when it can, else in NUMBA_CACHE_DIR or the user's cache dir; with none
    writable it compiles in memory. Here the package is read-only (a copy: the tests may run as root, who
    writes anywhere, so read-only is forced by making the cache dirs files)."""
    pkg = tmp_path / "site"
    shutil.copytree(ROOT / "tariffcli", pkg / "tariffcli", ignore=shutil.ignore_patterns("__pycache__", "*.nbi",
                                                                                         "*.nbc"))
    shutil.copytree(ROOT / "plans", pkg / "plans")  # the bundled catalogue, found beside the package
    for d in list((pkg / "tariffcli").rglob("*")) + [pkg / "tariffcli"]:
        if d.is_dir():
            (d / "__pycache__").write_text("not a directory")  # nothing can be cached beside the modules
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, so no cache directory can be made under it")
    env = dict(os.environ, PYTHONPATH=str(pkg), TARIFFCLI_TODAY="2026-12-01", HOME=str(blocked),
               XDG_CACHE_HOME=str(blocked / "cache"), PYTHONDONTWRITEBYTECODE="1")
    env.pop("NUMBA_CACHE_DIR", None)
    r = _cli(tmp_path, env, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["kernel"] == "numba"
    assert "cache" not in r.stderr  # no warning about the cache
    cache = tmp_path / "numba-cache"
    env["NUMBA_CACHE_DIR"] = str(cache)
    r = _cli(tmp_path, env, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["kernel"] == "numba"
    assert list(cache.rglob("*.nbi")), "NUMBA_CACHE_DIR is used when the package dir is not writable"


@settings(max_examples=examples(100), deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([None, "北京"]))
def test_the_first_place_without_a_sort_is_the_first_of_the_full_ranking(seed, province):
    one = Analyser(CATALOGUE, start="2027-01", top=1, province=province)
    many = Analyser(CATALOGUE, start="2027-01", top=3, province=province)
    if province is None:  # the catalogue has local plans: the nationwide-first rule applies
        assert not one.nationwide.all() and one.nationwide.any()
    rng = np.random.default_rng(seed)
    P, N = len(one.candidates), 50
    totals = rng.integers(0, 5, (P, N)).astype(np.int64)  # many ties
    stopped = rng.random((P, N)) < rng.choice([0.0, 0.5, 0.97, 1.0])
    np.testing.assert_array_equal(one.best(totals, stopped)[0], many.best(totals, stopped)[0])
