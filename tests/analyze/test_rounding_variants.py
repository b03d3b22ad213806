"""Every path that bills itemized records bills each plan on the rounding it states.

Worked by hand: data sessions of 15,359.99 MB and 0.01 MB in one month. On the
month's total that is 15,360 MB, 15 GB exactly; rounded per session it is
15,728,630 KB + 11 KB = 15 GB + 1 KB. A plan with 15 GB included, 100.00 a
month and 3.00 per started GB over costs 100.00 when it rounds the month's total
and 103.00 when it rounds each session. Calls of 1.02 and 0.98 minutes: 3
minutes per call, 2 on the month's total; with 2 minutes included and 0.20 a
minute over, 0.20 more per call.
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import pyarrow as pa
import pytest
import yaml
from conftest import BASE_PLAN, make_plan
from typer.testing import CliRunner

from tariffcli.batch.analyser import Analyser
from tariffcli.cli.app import app

DATA = "user_id,session_date,mb_used\nu1,2025-01-01,15359.99\nu1,2025-01-31,0.01\n"
CALLS = "user_id,call_date,duration_min\nu1,2025-01-02,1.02\nu1,2025-01-03,0.98\n"


def spec(pid: str, data: str, calls: str) -> dict[str, object]:
    return {"id": pid, "name": pid, "monthly_fee": "100", "allowances": {"data": "15 GB", "voice": "2 min"},
            "overage": {**BASE_PLAN["overage"], "data": {"rate": "3", "per": "GB", "increment": "GB"},
                        "voice": {"rate": "0.20"}},
            "rounding": {"data": data, "calls": calls}}


PLANS = {"by-session": ("session", "call"), "by-month": ("month", "month")}
EXPECTED = {"by-session": "103.20", "by-month": "100.00"}


def run(*args: str) -> object:
    env = {"NO_COLOR": "1", "COLUMNS": "120", "LANG": "C", "LC_ALL": "", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path, Path]:
    plans = tmp_path / "plans"
    plans.mkdir()
    for pid, (data, calls) in PLANS.items():
        doc = copy.deepcopy(BASE_PLAN)
        doc.update(spec(pid, data, calls))
        (plans / f"{pid}.yaml").write_text(yaml.safe_dump(doc), "utf-8")
    records = tmp_path / "records"
    records.mkdir()
    (records / "data.csv").write_text(DATA, "utf-8")
    (records / "calls.csv").write_text(CALLS, "utf-8")
    return plans, records / "data.csv", records / "calls.csv"


@pytest.mark.parametrize("plan", sorted(PLANS))
def test_analyze_bills_the_line_on_its_plans_rounding(inputs, plan: str) -> None:
    plans, data, calls = inputs
    r = run("analyze", str(data), str(calls), "--plans", str(plans), "--current", plan, "--current-since",
            "2025-01", "-f", "json")
    assert r.exit_code == 0, r.output
    line = json.loads(r.stdout)["lines"][0]
    assert line["expected"] == EXPECTED[plan]
    assert [m["expected"] for m in line["months"]] == [EXPECTED[plan]]


def test_analyze_prices_each_plan_on_its_own_rounding(inputs) -> None:
    plans, data, calls = inputs
    r = run("analyze", str(data), str(calls), "--plans", str(plans), "--plan", "by-session", "--plan", "by-month",
            "-f", "json")
    assert r.exit_code == 0, r.output
    priced = json.loads(r.stdout)["priced"][0]
    assert {p["id"]: p["total"] for p in priced["plans"]} == EXPECTED


def test_batch_history_bills_each_plan_on_its_own_rounding(inputs, tmp_path: Path) -> None:
    plans, data, _calls = inputs
    out = tmp_path / "out.csv"
    r = run("batch", str(data.parent), "--history", "--wide", "--top", "2", "--out", str(out), "-q",
            "--plans", str(plans))
    assert r.exit_code == 0, r.output
    with out.open(encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert {p: row[p] for p in PLANS} == EXPECTED
    assert (row["plan_1"], row["cost_1"], row["plan_2"], row["cost_2"]) == ("by-month", "100.00", "by-session",
                                                                            "103.20")


def test_batch_projection_also_bills_each_plan_on_its_rounding(inputs, tmp_path: Path) -> None:
    """One month of history projected one month ahead: the same month again, each plan on its rounding."""
    plans, data, _calls = inputs
    out = tmp_path / "out.csv"
    r = run("batch", str(data.parent), "--start", "2025-02", "--horizon", "1", "--wide", "--out", str(out), "-q",
            "--plans", str(plans))
    assert r.exit_code == 0, r.output
    with out.open(encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert {p: row[p] for p in PLANS} == EXPECTED


@pytest.mark.parametrize("cells", [1_000_000, 1])
def test_the_current_plan_is_billed_on_its_rounding_too(cells: int) -> None:
    """A table with both variants (as record files give) and a current plan: the current cost is its variant's
    (also when each subscriber is billed in a block of its own, ``cells=1``)."""
    plans = [make_plan(**spec(pid, *r)) for pid, r in PLANS.items()]
    session_kb, month_kb = 15 * 1024 * 1024 + 1, 15 * 1024 * 1024
    table = pa.table({"subscriber": ["a", "b"], "month": ["2025-01", "2025-01"], "voice_min": [3, 3],
                      "sms": [0, 0], "data": [session_kb, session_kb], "voice_min_month": [2, 2],
                      "data_month": [month_kb, month_kb], "current_plan": ["by-month", "by-session"]})
    analyser = Analyser(plans, start="2025-01", data_unit="KB", history=True, wide=True, cells=cells)
    got = analyser.analyse(table).to_pydict()
    assert got["current_cost"] == [10000, 10320]
    assert got["by-month"] == [10000, 10000]
    assert got["by-session"] == [10320, 10320]
    assert got["saving"] == [0, 320]


@pytest.mark.parametrize(("rounding", "change"), [("session", "3.00"), ("month", "0.00")])
def test_an_expiring_promotion_is_costed_on_the_plans_rounding(tmp_path: Path, rounding: str, change: str) -> None:
    """1 GB extra for months 1-3: at 15 GB + 1 KB per session its end costs 3.00 a month; at 15 GB exactly, 0."""
    doc = copy.deepcopy(BASE_PLAN)
    doc.update(spec("promo", rounding, "call"))
    doc["promotions"] = [{"from_month": 1, "to_month": 3, "extra": {"data": "1 GB"}}]
    (tmp_path / "promo.yaml").write_text(yaml.safe_dump(doc), "utf-8")
    data = tmp_path / "data.csv"
    data.write_text(DATA.replace("2025-01-31", "2025-01-30").replace("2025-01", "2026-11"), "utf-8")
    r = run("analyze", str(data), "--plans", str(tmp_path / "promo.yaml"), "--current", "promo", "--current-since",
            "2026-11", "-f", "json")
    assert r.exit_code == 0, r.output
    (finding,) = [f for f in json.loads(r.stdout)["findings"] if f["code"] == "promotion_expiring"]
    assert finding["params"]["monthly_change"] == change


def test_rows_out_of_order_keep_their_variants() -> None:
    """Rows given last month first are sorted with their month-rounded figures: 16 GB in month 1 (1 GB extra
    then) is within the allowance, 1 KB in month 2 too; misaligned, month 2 would be 1 GB over."""
    doc = spec("m", "month", "month")
    doc["promotions"] = [{"from_month": 1, "to_month": 1, "extra": {"data": "1 GB"}}]
    plan = make_plan(**doc)
    gb = 1024 * 1024
    table = pa.table({"subscriber": ["a", "a"], "month": ["2025-02", "2025-01"], "voice_min": [0, 0], "sms": [0, 0],
                      "data": [2, 16 * gb + 1], "voice_min_month": [0, 0], "data_month": [1, 16 * gb]})
    got = Analyser([plan], start="2025-01", data_unit="KB", history=True, wide=True).analyse(table).to_pydict()
    assert got["m"] == [20000]
