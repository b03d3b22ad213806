"""The public Python API in ``tariffcli/__init__.py``: lazy, and no name shadowed by a subpackage."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_public_name_resolves_to_a_function_or_class_not_a_subpackage() -> None:
    import tariffcli.compare  # (a subpackage imported first must not shadow a public name)

    for name in tariffcli.__all__:
        assert not isinstance(getattr(tariffcli, name), types.ModuleType), name
    assert isinstance(tariffcli.compare, types.ModuleType)  # the subpackage keeps its name


def test_the_three_calls_price_a_sample_file() -> None:
    from tariffcli import compare_plans, format_fen, load_plans, read_usage
    from tariffcli.compare.ranking import compare

    plans = load_plans()
    usage = read_usage(str(ROOT / "sample_bills" / "heavy-data.csv"))  # a str path is accepted
    result = compare_plans(plans, usage, start="2027-01", horizon=3)
    assert format_fen(result.rows[0].total) == format_fen(compare(plans, usage, start="2027-01", horizon=3)
                                                          .rows[0].total)


def test_importing_the_package_imports_nothing_heavy() -> None:
    code = "import sys, tariffcli; print(sorted(m for m in ('numpy', 'pandas', 'pydantic', 'rich') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert r.stdout.strip() == "[]"
