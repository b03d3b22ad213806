"""Daily-rate (日租) plans on record files: ``batch`` bills each real day, to the fen as ``analyze`` does."""

from __future__ import annotations

import copy
import csv
import json
import random
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
import yaml
from conftest import BASE_PLAN
from typer.testing import CliRunner

from tariffcli.batch import records_input
from tariffcli.batch.analyser import Analyser
from tariffcli.batch.daily import DAILY
from tariffcli.batch.files import ChunkReader, open_input
from tariffcli.batch.local import run_local
from tariffcli.cli.app import app
from tariffcli.inputs.files import load_plans

MONTHS = ("2025-01", "2025-02", "2025-03", "2025-04")
USERS = ("u1", "u2", "u3")
DAILY_DATA = {"ramp": {"rate": "0.1", "per": "MB", "block": "800 MB", "block_price": "1.00"}, "increment": "MB",
              "period": "day"}
PLANS: dict[str, dict[str, object]] = {
    # 19.00 a month, 1 GB a month used up in date order, then 0.1/MB up to 1.00 per 800 MB each day
    "daily-ramp": {"monthly_fee": "19", "allowances": {"data": "1 GB"}, "overage": {"data": DAILY_DATA}},
    # the same card, data and calls rounded on the month's total
    "daily-month": {"monthly_fee": "19", "allowances": {"data": "1 GB"}, "overage": {"data": DAILY_DATA},
                    "rounding": {"data": "month", "calls": "month"}},
    # a daily rate card without allowance, 0.5/MB up to 2.00 a day, data stopped past 20 GB a month
    "daily-capped": {"monthly_fee": "5", "overage": {"data": {
        "ramp": {"rate": "0.5", "per": "MB", "block": "1 GB", "block_price": "2.00"}, "increment": "KB",
        "period": "day", "volume_cap": "20 GB"}}},
    # a monthly plan: the batch kernel bills it alone
    "monthly": {"monthly_fee": "29", "allowances": {"data": "5 GB", "voice": "100 min"}},
}


def run(*args: str) -> object:
    env = {"NO_COLOR": "1", "COLUMNS": "120", "LANG": "C", "LC_ALL": "", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def _records(folder: Path, seed: int = 7) -> None:
    """Four months of calls, SMS and data sessions for three users of different habits (some heavy days)."""
    rnd = random.Random(seed)
    calls, sms, data = ["user_id,call_date,duration_min"], ["user_id,message_date"], ["user_id,session_date,mb_used"]
    heavy = {"u1": 0.15, "u2": 0.0, "u3": 0.05}
    active = {"u1": 0.9, "u2": 0.3, "u3": 0.6}
    for user in USERS:
        for month in MONTHS:
            for day in range(1, 29):
                when = f"{month}-{day:02d}"
                if rnd.random() < active[user]:
                    for _ in range(rnd.randint(1, 4)):
                        mb = rnd.uniform(900, 2500) if rnd.random() < heavy[user] else rnd.uniform(0.01, 120)
                        data.append(f"{user},{when},{mb:.2f}")
                if rnd.random() < 0.4:
                    calls.append(f"{user},{when},{rnd.uniform(0.1, 12):.2f}")
                if rnd.random() < 0.1:
                    sms.append(f"{user},{when}")
        # every user has records in the first and the last month (analyze bills the file's months)
        data.append(f"{user},{MONTHS[0]}-01,0.50")
        data.append(f"{user},{MONTHS[-1]}-28,0.50")
    for name, lines in (("calls.csv", calls), ("sms.csv", sms), ("data.csv", data)):
        (folder / name).write_text("\n".join(lines) + "\n", "utf-8")


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    plans = tmp_path / "plans"
    plans.mkdir()
    for pid, spec in PLANS.items():
        doc = copy.deepcopy(BASE_PLAN)
        overage = spec.get("overage", {})
        doc.update({k: v for k, v in spec.items() if k != "overage"}, id=pid, name=pid)
        doc["overage"] = {**doc["overage"], **overage}  # type: ignore[dict-item]
        (plans / f"{pid}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    records = tmp_path / "records"
    records.mkdir()
    _records(records)
    return plans, records


def _analyze_totals(plans: Path, records: Path) -> dict[str, dict[str, str]]:
    args = [a for pid in PLANS for a in ("--plan", pid)]
    r = run("analyze", str(records), *args, "--plans", str(plans), "-f", "json")
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    doc = json.loads(r.stdout)  # type: ignore[attr-defined]
    out = {}
    for line in doc["priced"]:
        assert tuple(line["months"]) == MONTHS
        out[line["line"]] = {p["id"]: p["total"] for p in line["plans"]}
    return out


def _batch_totals(plans: Path, records: Path, out: Path, *more: str) -> dict[str, dict[str, str]]:
    r = run("batch", str(records), *more, "--wide", "--out", str(out), "-q", "--plans", str(plans))
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    with out.open(encoding="utf-8") as f:
        return {row["subscriber"]: {pid: row[pid] for pid in PLANS} for row in csv.DictReader(f)}


def test_batch_history_bills_daily_rate_plans_as_analyze_does(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    plans, records = inputs
    expected = _analyze_totals(plans, records)
    assert sorted(expected) == list(USERS)
    got = _batch_totals(plans, records, tmp_path / "history.csv", "--history")
    assert got == expected
    # the days matter here: spreading each month over its days with data gives other totals
    table = records_input.monthly_table(records_input.read_records(sorted(records.iterdir())))
    monthly = table.drop_columns(["data_kb_daily"])
    analyser = Analyser(load_plans(sorted(plans.iterdir())), start="2025-01", data_unit="KB", history=True,
                        wide=True)
    spread = analyser.analyse(_canonical(monthly)).to_pydict()
    assert any(Decimal(got[u]["daily-ramp"]) != Decimal(spread["daily-ramp"][i]) / 100 for i, u in
               enumerate(spread["subscriber"]))
    assert [Decimal(got[u]["monthly"]) for u in spread["subscriber"]] == [
        Decimal(v) / 100 for v in spread["monthly"]]


def test_the_projection_over_the_records_months_is_the_history(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    """--start at the first month and --horizon the number of months bills each recorded month with its days."""
    plans, records = inputs
    history = _batch_totals(plans, records, tmp_path / "history.csv", "--history")
    projected = _batch_totals(plans, records, tmp_path / "projected.csv", "--start", MONTHS[0],
                              "--horizon", str(len(MONTHS)))
    assert projected == history


def _canonical(table: pa.Table) -> pa.Table:
    """A records table with batch's canonical column names."""
    renames = {v: k for k, v in records_input.COLUMNS.items()}
    return table.rename_columns([renames.get(c, c) for c in table.column_names])


@pytest.mark.parametrize("cells", [1_000_000, 1])
def test_a_daily_rate_current_plan_is_billed_day_by_day(inputs: tuple[Path, Path], cells: int) -> None:
    """The current plan's cost equals its candidate column (both day by day), also one subscriber per block."""
    plans, records = inputs
    table = _canonical(records_input.monthly_table(records_input.read_records(sorted(records.iterdir()))))
    current = ["daily-ramp", "daily-month", "daily-capped"]
    subs = table.column("subscriber").to_pylist()
    table = table.append_column("current_plan", pa.array([current[USERS.index(s)] for s in subs]))
    assert DAILY in table.column_names
    analyser = Analyser(load_plans(sorted(plans.iterdir())), start="2025-01", data_unit="KB", history=True,
                        wide=True, cells=cells)
    got = analyser.analyse(table).to_pydict()
    for i, user in enumerate(got["subscriber"]):
        assert got["current_cost"][i] == got[current[USERS.index(user)]][i]


def test_a_projection_spreads_only_the_months_it_has_no_days_for(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    """March to June from January-April records: March and April copy recorded months (their days), May and June
    take the history's mean (no days: spread). The plans have no promotions, so a month's bill does not depend on
    the plan's month number, and the four months cost the two recorded ones plus the two projected ones."""
    plans, records = inputs
    whole = _batch_totals(plans, records, tmp_path / "whole.csv", "--start", "2025-03", "--horizon", "4")
    recorded = _batch_totals(plans, records, tmp_path / "recorded.csv", "--start", "2025-03", "--horizon", "2")
    mean = _batch_totals(plans, records, tmp_path / "mean.csv", "--start", "2025-05", "--horizon", "2")
    for user in USERS:
        for pid in PLANS:
            assert Decimal(whole[user][pid]) == Decimal(recorded[user][pid]) + Decimal(mean[user][pid])


def test_chunks_of_a_few_rows_give_the_same_day_by_day_bills(inputs: tuple[Path, Path]) -> None:
    """Subscribers straddling chunks (carried over with their per-day data) are billed as in one chunk."""
    plans, records = inputs
    spec = open_input(str(records))
    outputs: dict[int, list[pa.Table]] = {}
    for rows in (3, 1_000):
        analyser = Analyser(load_plans(sorted(plans.iterdir())), start="2025-01", data_unit="KB", history=True,
                            wide=True)
        outputs[rows] = []
        run_local(ChunkReader(spec, rows), analyser, outputs[rows].append)
    small, whole = (pa.concat_tables(outputs[r]).to_pydict() for r in (3, 1_000))
    assert small == whole and len(whole["subscriber"]) == len(USERS)
