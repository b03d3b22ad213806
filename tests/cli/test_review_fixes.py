"""Defects found in review: each test failed before its fix."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from tariffcli.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
CALLS = "number,start,type,talk\n13800000001,2026-03-01 10:00:00,call,5\n13800000001,2026-03-02 10:00:00,call,10\n"


def run(*args: str, env: dict[str, str] | None = None) -> object:
    base = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env=base | (env or {}), catch_exceptions=False)


def _voice(result: object) -> int:
    doc = json.loads(result.stdout)  # type: ignore[attr-defined]
    return sum(m["voice_min"] for ln in doc["lines"] for m in ln["months"])


def test_columns_minutes_reads_minutes(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text(CALLS, "utf-8")
    result = run("analyze", str(tmp_path / "c.csv"), "--columns", "minutes=talk", "-f", "json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert _voice(result) == 15  # 5 + 10 minutes, not 15 seconds


def test_a_file_given_twice_or_through_its_folder_is_read_once(tmp_path: Path) -> None:
    folder = tmp_path / "rec"
    folder.mkdir()
    (folder / "c.csv").write_text(CALLS, "utf-8")
    for args in ((str(folder / "c.csv"), str(folder / "c.csv")), (str(folder), str(folder / "c.csv"))):
        result = run("analyze", *args, "--columns", "minutes=talk", "-f", "json")
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
        assert _voice(result) == 15


def test_the_config_file_is_never_an_output(tmp_path: Path) -> None:
    config = tmp_path / "cfg.toml"
    config.write_text('lang = "en"\n', "utf-8")
    result = run("compare", str(ROOT / "sample_bills/keep-number-abroad.csv"), "-o", str(config), "-f", "json",
                 env={"TARIFFCLI_CONFIG": str(config)})
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    assert config.read_text("utf-8") == 'lang = "en"\n'


def test_history_with_no_plan_left_is_an_error_not_an_empty_table(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(ROOT / "plans/unicom/26he300237.yaml", plans)  # withdrawn
    result = run("compare", str(ROOT / "sample_bills/keep-number-abroad.csv"), "--history", "--plans", str(plans))
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    assert "no plan left to rank" in result.stderr  # type: ignore[attr-defined]


def test_sheet_with_no_workbook_is_refused(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text(CALLS, "utf-8")
    result = run("analyze", str(tmp_path / "c.csv"), "--sheet", "2")
    assert result.exit_code == 2
    assert "--sheet" in result.stderr  # type: ignore[attr-defined]


def test_warnings_quoting_file_text_carry_no_terminal_controls(tmp_path: Path) -> None:
    import contextlib
    import io

    from tariffcli.cli.output import print_warnings

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        print_warnings(["line '\x1b]0;pwned\x07': no --plan-since"])
    assert "\x1b" not in err.getvalue() and "\x07" not in err.getvalue()
    assert "no --plan-since" in err.getvalue()


PROMO = """id: t-promo
name: Promo
operator: China Mobile
province: national
monthly_fee: 10.00
first_month: full
allowances: {voice: 100 min, sms: 0, data: 10 GB}
overage:
  voice: {rate: 0.10}
  sms: {rate: 0.10}
  data: {rate: 3.00, per: GB, increment: GB}
promotions:
  - {from_month: 1, to_month: 3, fee: 5.00}
confidence: example
status: on-sale
sources:
- {url: https://example.com/x, retrieved: 2026-09-09, tag: C}
"""
LATE_LINE = ("user_id,call_date,duration_sec\nu1,2025-01-03,60\nu1,2025-06-20,60\n"
             "u2,2025-05-02,60\nu2,2025-06-20,60\n")


def test_a_line_of_records_is_billed_from_its_first_record_under_one_plan_as_under_several(tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans/promo.yaml").write_text(PROMO, "utf-8")
    (tmp_path / "recs.csv").write_text(LATE_LINE, "utf-8")
    result = run("analyze", str(tmp_path / "recs.csv"), "--plans", str(tmp_path / "plans"), "--current", "t-promo",
                 "-f", "json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    lines = {ln["line"]: ln for ln in json.loads(result.stdout)["lines"]}  # type: ignore[attr-defined]
    # u1 from 2025-01: three promotion months at 5.00, then three at 10.00; u2 from 2025-05: two months at 5.00
    assert (lines["u1"]["plan_since"], lines["u1"]["expected"]) == ("2025-01", "45.00")
    assert (lines["u2"]["plan_since"], lines["u2"]["expected"]) == ("2025-05", "10.00")


def test_a_plan_file_name_that_is_not_utf8_lists_with_a_warm_cache(tmp_path: Path,
                                                                   monkeypatch: object) -> None:
    import os

    folder = tmp_path / "plans"
    folder.mkdir()
    name = os.fsdecode(b"a\xff.yaml")  # as unpacked from a GBK zip
    shutil.copy(ROOT / "plans/cmcc/24jt208005.yaml", folder / name)
    env = {"TARIFFCLI_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):  # cold, then warm
        result = run("plans", "list", "--plans", str(folder), "-f", "csv", env=env)
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
        assert "cmcc-24jt208005" in result.stdout  # type: ignore[attr-defined]


def test_load_plans_takes_one_path_as_one_path() -> None:
    import tariffcli

    assert len(tariffcli.load_plans(str(ROOT / "plans"))) == len(tariffcli.load_plans([ROOT / "plans"])) > 40


def test_help_to_a_full_device_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    if not os.path.exists("/dev/full"):
        return
    env = {**os.environ, "TARIFFCLI_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    for _ in range(2):  # the help cache cold, then warm
        with open("/dev/full", "w") as full:
            done = subprocess.run([sys.executable, "-m", "tariffcli", "--help"], stdout=full, stderr=subprocess.PIPE,
                                  text=True, env=env, check=False)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert "cannot write to standard output" in done.stderr
