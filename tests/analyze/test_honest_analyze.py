"""``analyze`` says what it could not check, and never suggests re-adding a free promotional pack (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from tariffcli.cli.app import app

ENV = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb",
       "TARIFFCLI_TODAY": "2026-08-15"}
USAGE = "month,voice_min,sms,data_mb\n" + "".join(f"2026-{m:02d},10,0,{500 if m <= 3 else 900}\n" for m in range(1, 8))


def plan_text(pack_fee: str) -> str:
    return f"""id: promo-plan
name: Promo plan
operator: Test Mobile
province: national
monthly_fee: 8.00
allowances: {{data: 100 MB}}
overage:
  voice: {{rate: 0.25}}
  sms: {{rate: 0.10}}
  data: {{rate: 0.29, per: MB, increment: KB}}
addons:
  - id: gift-1gb
    name: Gift pack 1GB
    fee: {pack_fee}
    allowances: {{data: 1 GB}}
promotions:
  - from_month: 1
    to_month: 3
    addons: [gift-1gb]
confidence: example
sources:
  - url: https://example.com/plan
    retrieved: 2026-01-01
"""


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env=ENV, catch_exceptions=False)


def test_nothing_to_check_is_not_no_findings(tmp_path: Path) -> None:
    (tmp_path / "u.csv").write_text(USAGE, "utf-8")
    r = run("analyze", str(tmp_path / "u.csv"))
    assert r.exit_code == 0
    assert "No findings" not in r.stdout and "nothing to act on" not in r.stdout
    assert "Nothing could be checked" in r.stdout and "--bill" in r.stdout
    zh = run("analyze", str(tmp_path / "u.csv"), "--lang", "zh")
    assert "无法检查" in zh.stdout


def test_some_checks_not_run_are_counted(tmp_path: Path) -> None:
    (tmp_path / "u.csv").write_text(USAGE, "utf-8")
    (tmp_path / "p.yaml").write_text(plan_text("5.00").replace("to_month: 3", "to_month: 600"), "utf-8")
    r = run("analyze", str(tmp_path / "u.csv"), "--plan", str(tmp_path / "p.yaml"), "--plan-since", "2026-01",
            "--plans", str(tmp_path / "p.yaml"))
    assert r.exit_code == 0, r.output
    assert "nothing to act on" not in r.stdout
    assert "checks could not run" in r.stdout


def advice(tmp_path: Path, fee: str) -> str:
    (tmp_path / "u.csv").write_text(USAGE, "utf-8")
    (tmp_path / "p.yaml").write_text(plan_text(fee), "utf-8")
    r = run("analyze", str(tmp_path / "u.csv"), "--plan", str(tmp_path / "p.yaml"), "--plan-since", "2026-01",
            "--plans", str(tmp_path / "p.yaml"), "--format", "json")
    assert r.exit_code == 0, r.output
    found = [f for f in json.loads(r.stdout)["findings"] if f["code"] in ("promotion_expired", "out_of_bundle_spike")]
    assert found
    return " ".join(f["advice"] for f in found)


def test_a_free_promotional_pack_is_never_re_added(tmp_path: Path) -> None:
    said = advice(tmp_path, "0.00")
    assert "Re-add" not in said and "re-add" not in said
    assert "cannot be ordered again" in said


def test_a_paid_pack_may_be_re_added(tmp_path: Path) -> None:
    assert "Re-add the pack" in advice(tmp_path, "5.00")


def test_the_cheaper_plan_is_never_the_plan_plus_a_free_promotional_pack(tmp_path: Path) -> None:
    (tmp_path / "u.csv").write_text(USAGE, "utf-8")
    for fee, offered in (("0.00", False), ("5.00", True)):
        (tmp_path / "p.yaml").write_text(plan_text(fee), "utf-8")
        r = run("analyze", str(tmp_path / "u.csv"), "--plan", str(tmp_path / "p.yaml"), "--plan-since", "2026-01",
                "--plans", str(tmp_path / "p.yaml"), "--format", "json")
        assert r.exit_code == 0, r.output
        kinds = [f["params"]["kind"] for f in json.loads(r.stdout)["findings"] if f["code"] == "cheaper_plan"]
        assert ("addon" in kinds) is offered, (fee, kinds)
