"""``compare --history`` on a terminal: plan ids whole at 60 and 80 columns, the month table's plans by rank,
what was paid averaged over the months the bill covers, and bill warnings in the user's language."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tests.cli.test_widths import check_lines
from tests.conftest import FIXTURE_CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
HEAVY = str(ROOT / "sample_bills" / "heavy-data.csv")


def run(*args: str, width: int = 80, lang: str = "en") -> Any:
    env = {"NO_COLOR": "1", "COLUMNS": str(width), "LANG": "C", "LC_ALL": "", "TERM": "dumb",
           "TARIFFCLI_CONFIG": os.devnull}
    r = CliRunner().invoke(app, ["compare", HEAVY, "--history", "--plans", str(FIXTURE_CATALOGUE), *args,
                                 "--lang", lang], env=env, catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    return r


@pytest.fixture
def bill(tmp_path: Path) -> Path:
    """Two months of the file's twelve paid, 59.00 each, and a month outside the file."""
    path = tmp_path / "bill.csv"
    path.write_text("month,item,amount\n2025-11,套餐费,59\n2025-12,套餐费,59\n2024-01,套餐费,1\n", "utf-8")
    return path


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [60, 80])
def test_plan_ids_stay_whole_and_months_show_plans_by_rank(bill: Path, width: int, lang: str) -> None:
    r = run("--bill", str(bill), "--top", "3", width=width, lang=lang)
    ids = {p["id"] for p in json.loads(run("--top", "3", "-f", "json").stdout)["plans"]}
    check_lines(r.stdout, width, ids)
    header = next(ln for ln in r.stdout.splitlines() if "#1" in ln)
    assert "#2" in header and "#3" in header and "#4" not in header


def test_paid_per_month_is_over_the_months_the_bill_covers(bill: Path) -> None:
    line = next(ln for ln in run("--bill", str(bill)).stdout.splitlines() if "You paid" in ln)
    assert line.split()[-2:] == ["118.00", "59.00"]  # not 118.00 / 12 = 9.83


def test_bill_warnings_follow_the_language(bill: Path) -> None:
    en, zh = run("--bill", str(bill)).stderr, run("--bill", str(bill), lang="zh").stderr
    assert "bill month(s) 2024-01 are not in the usage file" in en and "the bill has no charge for 2026-01" in en
    assert "账单月份 2024-01 不在用量文件中" in zh and "账单中没有 2026-01" in zh
    assert zh.startswith("警告：")
