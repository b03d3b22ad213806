"""Defects found in a second review and a new-user walkthrough: each test failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tests.cli.test_review_fixes import LATE_LINE, PROMO

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict[str, str] | None = None) -> object:
    base = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env=base | (env or {}), catch_exceptions=False)


def _two_plans(tmp_path: Path) -> Path:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "promo.yaml").write_text(PROMO, "utf-8")
    (plans / "other.yaml").write_text(PROMO.replace("t-promo", "t-other").replace("monthly_fee: 10.00",
                                                                                  "monthly_fee: 20.00"), "utf-8")
    (tmp_path / "recs.csv").write_text(LATE_LINE, "utf-8")
    return plans


def _analysed(result: object) -> tuple[set[str], list[list[str]]]:
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    doc = json.loads(result.stdout)  # type: ignore[attr-defined]
    return ({ln["plan"]["id"] for ln in doc["lines"]},
            [[p["id"] for p in x["plans"]] for x in doc.get("priced", [])])


@pytest.mark.parametrize("where", ["env", "config"])
def test_a_typed_plan_beats_the_current_plan_of_the_settings(tmp_path: Path, where: str) -> None:
    plans = _two_plans(tmp_path)
    config = tmp_path / "cfg.toml"
    config.write_text('current = "t-promo"\n', "utf-8")
    env = {"TARIFFCLI_CURRENT": "t-promo"} if where == "env" else {"TARIFFCLI_CONFIG": str(config)}
    args = ("analyze", str(tmp_path / "recs.csv"), "--plans", str(plans), "-f", "json")
    assert _analysed(run(*args, "--plan", "t-other", env=env)) == ({"t-other"}, [])
    # --current typed, or --plan A --plan B (plans to price): the setting still names your plan
    assert _analysed(run(*args, env=env)) == ({"t-promo"}, [])
    assert _analysed(run(*args, "--plan", "t-other", "--plan", "t-promo", env=env))[0] == {"t-promo"}
    assert _analysed(run(*args, "--current", "t-other", env=env)) == ({"t-other"}, [])
