"""``analyze --plan A --plan B``: each line priced under several plans; ``--current`` names your own plan."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import yaml
from conftest import BASE_PLAN
from typer.testing import CliRunner

from tariffcli.cli.analyze import plan_choice
from tariffcli.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "tariffcli" / "schemas" / "analysis.schema.json").read_text("utf-8"))

CHEAP = {"id": "cheap", "name": "Cheap", "monthly_fee": "8.00", "allowances": {"voice": "30 min"},
         "overage": {"voice": {"rate": "0.20"}, "sms": {"rate": "0.10"},
                     "data": {"rate": "1", "per": "MB", "increment": "MB"}}}
BIG = {"id": "big", "name": "Big", "monthly_fee": "58.00", "allowances": {"voice": "500 min", "data": "20 GB"},
       "overage": {"voice": {"rate": "0.15"}, "sms": {"rate": "0.10"},
                   "data": {"rate": "3", "per": "GB", "increment": "GB"}}}


def run(*args: str) -> object:
    env = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "LC_ALL": "", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def setup(tmp_path: Path) -> tuple[Path, Path]:
    plans = tmp_path / "plans"
    plans.mkdir()
    for spec in (CHEAP, BIG):
        data = copy.deepcopy(BASE_PLAN)
        data.update(copy.deepcopy(spec))
        (plans / f"{spec['id']}.yaml").write_text(yaml.safe_dump(data), "utf-8")
    usage = tmp_path / "usage.csv"
    usage.write_text("month,voice_min,sms,data_mb\n2026-01,40,0,100\n2026-02,600,3,22528\n", "utf-8")
    return plans, usage


def test_each_line_is_priced_under_every_plan_given(tmp_path):
    plans, usage = setup(tmp_path)
    r = run("analyze", str(usage), "--plan", "cheap", "--plan", "big", "--plans", str(plans), "-f", "json",
            "--today", "2026-03-01")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, SCHEMA)
    (line,) = doc["priced"]
    assert line["months"] == ["2026-01", "2026-02"]
    by_id = {p["id"]: [m["total"] for m in p["months"]] for p in line["plans"]}
    # cheap: 8.00 + 10 min x 0.20 + 100 MB x 1.00 = 110.00; 8.00 + 570 x 0.20 + 0.30 + 22528 MB x 1.00 = 22650.30
    # big: 58.00; 58.00 + 100 x 0.15 + 0.30 + 2 GB x 3.00 = 79.30
    assert by_id == {"cheap": ["110.00", "22650.30"], "big": ["58.00", "79.30"]}
    assert [p["id"] for p in line["plans"]] == ["big", "cheap"]  # cheapest first
    assert [p["total"] for p in line["plans"]] == ["137.30", "22760.30"]
    assert doc["lines"][0]["plan"] is None  # no plan of yours was given


def test_priced_plans_in_the_table_and_markdown(tmp_path):
    plans, usage = setup(tmp_path)
    for fmt in ("table", "markdown"):
        r = run("analyze", str(usage), "--plan", "cheap", "--plan", "big", "--plans", str(plans), "-f", fmt)
        assert r.exit_code == 0, r.stderr
        assert "137.30" in r.stdout and "22760.30" in r.stdout and "2 plans over 2026-01..2026-02" in r.stdout


def test_current_names_your_plan_and_plan_once_stays_its_alias(tmp_path):
    plans, usage = setup(tmp_path)
    a = run("analyze", str(usage), "--current", "big", "--current-since", "2026-01", "--plans", str(plans),
            "-f", "json", "--today", "2026-03-01")
    b = run("analyze", str(usage), "--plan", "big", "--plan-since", "2026-01", "--plans", str(plans), "-f", "json",
            "--today", "2026-03-01")
    assert a.exit_code == b.exit_code == 0
    assert json.loads(a.stdout) == json.loads(b.stdout)
    assert json.loads(a.stdout)["lines"][0]["plan"]["id"] == "big"
    assert "priced" not in json.loads(a.stdout)
    c = run("analyze", str(usage), "--current", "big", "--plan", "cheap", "--plans", str(plans), "-f", "json",
            "--today", "2026-03-01")
    doc = json.loads(c.stdout)
    assert doc["lines"][0]["plan"]["id"] == "big" and [p["id"] for p in doc["priced"][0]["plans"]] == ["cheap"]
    d = run("analyze", str(usage), "--current-since", "2026-01", "--plan-since", "2026-01", "--plan", "big",
            "--plans", str(plans))
    assert d.exit_code == 2


def test_plan_choice_rules():
    assert plan_choice(None, ["a"]) == (["a"], [])
    assert plan_choice(None, ["a", "b"]) == ([], ["a", "b"])
    assert plan_choice(None, ["138=a", "139=b"]) == (["138=a", "139=b"], [])
    assert plan_choice(None, ["138=x", "a", "b"]) == (["138=x"], ["a", "b"])
    assert plan_choice(["x"], ["a"]) == (["x"], ["a"])


def test_a_records_line_is_priced_from_its_first_to_its_last_month_with_records(tmp_path):
    plans, _ = setup(tmp_path)
    records = tmp_path / "records.csv"
    records.write_text("number,start,type,direction,duration,volume\n"
                       "1,2026-01-05 10:00:00,call,outgoing,120,\n"
                       "2,2026-02-03 10:00:00,data,,,1MB\n"
                       "1,2026-03-05 10:00:00,call,outgoing,60,\n"
                       "2,2026-03-09 10:00:00,data,,,2MB\n", "utf-8")
    r = run("analyze", str(records), "--plan", "cheap", "--plan", "big", "--plans", str(plans), "-f", "json")
    assert r.exit_code == 0, r.stderr
    months = {p["line"]: p["months"] for p in json.loads(r.stdout)["priced"]}
    assert months == {"1": ["2026-01", "2026-02", "2026-03"], "2": ["2026-02", "2026-03"]}
    line2 = next(p for p in json.loads(r.stdout)["priced"] if p["line"] == "2")
    cheap = next(p for p in line2["plans"] if p["id"] == "cheap")
    assert [Decimal(m["total"]) for m in cheap["months"]] == [Decimal("9.00"), Decimal("10.00")]


def test_priced_plans_as_csv_one_row_per_line_plan_and_month(tmp_path):
    """CSV holds one table: with plans to price, the priced table in long form (pandas pivots it); every plan's
    rows sum to its JSON total; the findings CSV stays what it was without priced plans."""
    import csv
    import io

    plans, usage = setup(tmp_path)
    args = ("analyze", str(usage), "--plan", "cheap", "--plan", "big", "--plans", str(plans), "--today", "2026-03-01")
    r = run(*args, "-f", "csv")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == ["line", "rank", "plan_id", "plan_name", "operator", "month", "cost", "currency"]
    assert [(x["rank"], x["plan_id"], x["month"], x["cost"]) for x in rows] == [
        ("1", "big", "2026-01", "58.00"), ("1", "big", "2026-02", "79.30"),
        ("2", "cheap", "2026-01", "110.00"), ("2", "cheap", "2026-02", "22650.30")]
    totals = {p["id"]: Decimal(p["total"]) for p in json.loads(run(*args, "-f", "json").stdout)["priced"][0]["plans"]}
    assert {pid: sum(Decimal(x["cost"]) for x in rows if x["plan_id"] == pid) for pid in totals} == totals
    plain = run("analyze", str(usage), "--plan", "cheap", "--plans", str(plans), "-f", "csv", "--today", "2026-03-01")
    assert plain.stdout.startswith("code,line,months,amount,")  # one plan: yours, the findings CSV


def test_findings_left_out_of_the_priced_csv_are_said_on_stderr():
    a = ROOT / "sample_bills" / "analyze"
    r = run("analyze", str(a / "household-records.csv"), "--bill", str(a / "household-bill.csv"), "--current",
            "13800000001=cmcc-5g-128", "--plan", "cmcc-8yuan-shenzhen-voice", "--today", "2026-05-10", "-f", "csv")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("line,rank,plan_id,")
    assert "-f csv writes the priced table" in r.stderr
