"""Re-billing history (``compare --history``, ``batch --history``): checked against a small reference bill.

The reference below is written independently of the engine: plain Decimal
arithmetic over two plans (a promotion fee, a one-off fee, a credit,
per-KB and per-started-GB data) and a few months of usage, with a month of
no use and, in batch, months where a line does not exist yet or any more.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import BASE_PLAN
from typer.testing import CliRunner

from tariffcli.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "tariffcli" / "schemas" / "history.schema.json").read_text("utf-8"))
GB_KB = 1024 * 1024

ALPHA = {  # 20.00 a month, 10.00 in months 1-3, a 10.00 one-off fee; 100 min, 1 GB; 0.20/min, 0.29/MB per KB
    "id": "alpha", "name": "Alpha", "monthly_fee": "20.00", "one_off_fee": "10.00",
    "allowances": {"voice": "100 min", "data": "1 GB"},
    "overage": {"voice": {"rate": "0.20"}, "sms": {"rate": "0.10"},
                "data": {"rate": "0.29", "per": "MB", "increment": "KB"}},
    "promotions": [{"from_month": 1, "to_month": 3, "fee": "10.00"}],
}
BETA = {  # 30.00 a month, 5.00 back in months 1-2; 300 min, 5 GB; 0.15/min, 5.00 per started GB
    "id": "beta", "name": "Beta", "monthly_fee": "30.00",
    "allowances": {"voice": "300 min", "data": "5 GB"},
    "overage": {"voice": {"rate": "0.15"}, "sms": {"rate": "0.10"},
                "data": {"rate": "5", "per": "GB", "increment": "GB"}},
    "promotions": [{"from_month": 1, "to_month": 2, "credit": "5.00"}],
}

# ---------------------------------------------------------------- the reference, by hand


def cents(x: Decimal) -> int:
    return int((x * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def reference_bill(plan: str, month_no: int, voice: int, sms: int, data_kb: int) -> int:
    """One month's bill in fen, written out per plan (month_no 1 = the plan's first month)."""
    if plan == "alpha":
        fee = Decimal("10.00") if month_no <= 3 else Decimal("20.00")
        one_off = Decimal("10.00") if month_no == 1 else Decimal(0)
        voice_fen = cents(max(voice - 100, 0) * Decimal("0.20"))
        data_fen = cents(Decimal(max(data_kb - GB_KB, 0)) * Decimal("0.29") / 1024)
        return cents(fee + one_off) + voice_fen + cents(sms * Decimal("0.10")) + data_fen
    fee = Decimal("30.00")
    credit = Decimal("-5.00") if month_no <= 2 else Decimal(0)
    voice_fen = cents(max(voice - 300, 0) * Decimal("0.15"))
    over = max(data_kb - 5 * GB_KB, 0)
    data_fen = cents(-(-over // GB_KB) * Decimal(5))
    return cents(fee) + voice_fen + cents(sms * Decimal("0.10")) + data_fen + cents(credit)


MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
USAGE = {  # month -> (voice min, sms, data MB); 2025-03 is a month of no use
    "2025-01": (150, 4, 1500),
    "2025-02": (320, 0, 6200),
    "2025-03": (0, 0, 0),
    "2025-04": (80, 12, 1024),
    "2025-05": (400, 1, 11000),
}


def write_plans(folder: Path) -> Path:
    folder.mkdir()
    for spec in (ALPHA, BETA):
        data = copy.deepcopy(BASE_PLAN)
        data.update(copy.deepcopy(spec))
        (folder / f"{spec['id']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return folder


def run(*args: str) -> object:
    env = {"NO_COLOR": "1", "COLUMNS": "120", "LANG": "C", "LC_ALL": "", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    usage = tmp_path / "usage.csv"
    usage.write_text("month,voice_min,sms,data_mb\n" + "".join(
        f"{m},{v},{s},{d}\n" for m, (v, s, d) in USAGE.items()), "utf-8")
    bill = tmp_path / "bill.csv"
    bill.write_text("month,item,amount\n" + "".join(f"{m},套餐月费,38.00\n" for m in MONTHS)
                    + "2025-02,套餐外流量费,12.34\n", "utf-8")
    return {"usage": usage, "bill": bill, "plans": write_plans(tmp_path / "plans")}


# ---------------------------------------------------------------- compare --history


def test_every_month_is_billed_as_the_reference_bills_it(files):
    r = run("compare", str(files["usage"]), "--history", "--plans", str(files["plans"]), "-f", "json",
            "--current", "alpha", "--current-since", "2024-11")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["months"] == MONTHS and doc["reference"] == "current"
    assert doc["catalogue_day"] == "2027-01-01"  # plans one could switch to, the month after TARIFFCLI_TODAY
    expected = {p: [reference_bill(p, i + 1, USAGE[m][0], USAGE[m][1], USAGE[m][2] * 1024)
                    for i, m in enumerate(MONTHS)] for p in ("alpha", "beta")}
    for entry in doc["plans"]:
        got = [cents(Decimal(m["total"])) for m in entry["months"]]
        assert got == expected[entry["id"]], entry["id"]
        assert cents(Decimal(entry["total"])) == sum(expected[entry["id"]])
    # the user's own alpha started in 2024-11: 2025-01 is its month 3 (promotion fee), no one-off fee
    mine = [reference_bill("alpha", i + 3, *USAGE[m][:2], USAGE[m][2] * 1024) for i, m in enumerate(MONTHS)]
    assert [cents(Decimal(m["total"])) for m in doc["current"]["months"]] == mine
    assert doc["current"]["first_month"] == 3
    ranked = sorted(("alpha", "beta"), key=lambda p: sum(expected[p]))
    assert [p["id"] for p in doc["plans"]] == ranked
    for entry in doc["plans"]:
        assert cents(Decimal(entry["saving"])) == sum(mine) - sum(expected[entry["id"]])


def test_what_was_paid_stands_beside_and_savings_are_measured_against_it(files):
    r = run("compare", str(files["usage"]), "--history", "--plans", str(files["plans"]), "-f", "csv",
            "--bill", str(files["bill"]))
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    paid = rows[0]
    assert paid["row"] == "paid" and paid["total"] == "202.34" and paid["2025-02"] == "50.34"
    for row in rows[1:]:
        monthly = [cents(Decimal(row[m])) for m in MONTHS]
        assert cents(Decimal(row["total"])) == sum(monthly)
        assert cents(Decimal(row["saving"])) == 20234 - sum(monthly)


def test_history_in_every_format_and_both_languages(files):
    for fmt in ("table", "markdown"):
        en = run("compare", str(files["usage"]), "--history", "--plans", str(files["plans"]), "-f", fmt,
                 "--bill", str(files["bill"]), "--lang", "en")
        zh = run("compare", str(files["usage"]), "--history", "--plans", str(files["plans"]), "-f", fmt,
                 "--bill", str(files["bill"]), "--lang", "zh")
        assert en.exit_code == zh.exit_code == 0
        assert "You paid" in en.stdout and "202.34" in en.stdout and "2025-05" in en.stdout
        assert "实际支付" in zh.stdout and "You paid" not in zh.stdout


def test_options_that_mean_a_projection_are_refused_with_history(files):
    for extra in (["--start", "2025-01"], ["--horizon", "6"], ["--scenario", "mean"], ["--bars"]):
        r = run("compare", str(files["usage"]), "--history", "--plans", str(files["plans"]), *extra)
        assert r.exit_code == 2 and "does not go with --history" in r.stderr
    r = run("compare", str(files["usage"]), "--bill", str(files["bill"]), "--plans", str(files["plans"]))
    assert r.exit_code == 2 and "--bill goes with --history" in r.stderr


def test_a_plan_that_starts_after_the_file_is_a_usage_error(files):
    r = run("compare", str(files["usage"]), "--history", "--plans", str(files["plans"]), "--current", "alpha",
            "--current-since", "2025-03")
    assert r.exit_code == 2 and "is after the usage file's first month" in r.stderr


# ---------------------------------------------------------------- batch --history


# u1 every month; u2 only 2025-02..2025-04 (joins late, leaves early); u3 2025-01, 2025-02 and 2025-05 (a gap)
BATCH = {
    "u1": MONTHS,
    "u2": ["2025-02", "2025-03", "2025-04"],
    "u3": ["2025-01", "2025-02", "2025-05"],
}


def batch_file(tmp_path: Path, people: dict[str, list[str]]) -> Path:
    path = tmp_path / "subs.csv"
    path.write_text("subscriber,month,voice_min,sms,data_mb\n" + "".join(
        f"{who},{m},{USAGE[m][0]},{USAGE[m][1]},{USAGE[m][2]}\n" for who, ms in people.items() for m in ms), "utf-8")
    return path


def reference_line(plan: str, months: list[str]) -> list[int]:
    """The line's bill for each month from its first to its last; a month without a row is a month of no use."""
    first, last = MONTHS.index(months[0]), MONTHS.index(months[-1])
    out = []
    for no, m in enumerate(MONTHS[first:last + 1], start=1):
        v, s, d = USAGE[m] if m in months else (0, 0, 0)
        out.append(reference_bill(plan, no, v, s, d * 1024))
    return out


def read_out(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["subscriber"]: r for r in csv.DictReader(fh)}


def test_batch_history_bills_each_line_only_while_it_exists(tmp_path):
    plans = write_plans(tmp_path / "plans")
    out = tmp_path / "wide.csv"
    r = run("batch", str(batch_file(tmp_path, BATCH)), "--history", "--wide", "--top", "2", "--out", str(out),
            "-q", "--plans", str(plans))
    assert r.exit_code == 0, r.stderr
    got = read_out(out)
    for who, months in BATCH.items():
        ref = {p: sum(reference_line(p, months)) for p in ("alpha", "beta")}
        assert {p: cents(Decimal(got[who][p])) for p in ref} == ref, who  # --wide: one column per plan
        best = min(ref, key=lambda p: (ref[p], p))
        assert got[who]["plan_1"] == best and cents(Decimal(got[who]["cost_1"])) == ref[best]


def test_per_user_month_each_line_alone_equals_the_reference(tmp_path):
    """Every user-month: each line's months (gaps as zero rows) through compare --history, against the reference;
    and batch --history of that one subscriber equals compare --history's totals."""
    plans = write_plans(tmp_path / "plans")
    for who, months in BATCH.items():
        span = MONTHS[MONTHS.index(months[0]):MONTHS.index(months[-1]) + 1]
        usage = tmp_path / f"{who}.csv"
        usage.write_text("month,voice_min,sms,data_mb\n" + "".join(
            f"{m},{USAGE[m][0]},{USAGE[m][1]},{USAGE[m][2]}\n" if m in months else f"{m},0,0,0\n" for m in span),
            "utf-8")
        r = run("compare", str(usage), "--history", "--plans", str(plans), "-f", "json")
        doc = json.loads(r.stdout)
        for entry in doc["plans"]:
            assert [cents(Decimal(m["total"])) for m in entry["months"]] == reference_line(entry["id"], months)
        one = tmp_path / f"{who}-batch"
        one.mkdir()
        out = one / "out.csv"
        run("batch", str(batch_file(one, {who: months})), "--history", "--wide", "--out", str(out), "-q",
            "--plans", str(plans))
        row = read_out(out)[who]
        assert {e["id"]: e["total"] for e in doc["plans"]} == {p: row[p] for p in ("alpha", "beta")}


def test_a_projection_over_the_files_months_is_not_padded(tmp_path):
    """--start at the input's first month over its 5 months: each line is billed only while it exists (as
    --history bills it), not for the months before it joined or after it left."""
    plans = write_plans(tmp_path / "plans")
    src = batch_file(tmp_path, BATCH)
    out = tmp_path / "proj.csv"
    r = run("batch", str(src), "--start", "2025-01", "--horizon", "5", "--wide", "--out", str(out), "-q",
            "--plans", str(plans))
    assert r.exit_code == 0, r.stderr
    got = read_out(out)
    for who, months in BATCH.items():
        assert {p: cents(Decimal(got[who][p])) for p in ("alpha", "beta")} == {
            p: sum(reference_line(p, months)) for p in ("alpha", "beta")}, who


def test_batch_history_current_plan_and_its_start(tmp_path):
    plans = write_plans(tmp_path / "plans")
    src = tmp_path / "cur.csv"
    src.write_text("subscriber,month,voice_min,sms,data_mb,current_plan,current_since\n"
                   + "".join(f"u1,{m},{USAGE[m][0]},{USAGE[m][1]},{USAGE[m][2]},alpha,2024-11\n" for m in MONTHS),
                   "utf-8")
    out = tmp_path / "o.csv"
    r = run("batch", str(src), "--history", "--out", str(out), "-q", "--plans", str(plans))
    assert r.exit_code == 0, r.stderr
    mine = sum(reference_bill("alpha", i + 3, *USAGE[m][:2], USAGE[m][2] * 1024) for i, m in enumerate(MONTHS))
    row = read_out(out)["u1"]
    assert cents(Decimal(row["current_cost"])) == mine
    assert cents(Decimal(row["saving"])) == mine - cents(Decimal(row["cost_1"]))
    late = tmp_path / "late.csv"
    late.write_text(src.read_text("utf-8").replace("2024-11", "2025-03"), "utf-8")
    r = run("batch", str(late), "--history", "-q", "--plans", str(plans))
    assert r.exit_code == 1 and "is after the subscriber's first month 2025-01" in r.stderr


def test_a_bill_that_misses_a_month_is_shown_but_not_the_reference(files, tmp_path):
    partial = tmp_path / "partial.csv"
    partial.write_text("month,item,amount\n2025-01,套餐月费,38.00\n2025-02,套餐月费,38.00\n", "utf-8")
    r = run("compare", str(files["usage"]), "--history", "--plans", str(files["plans"]), "-f", "json",
            "--bill", str(partial))
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["reference"] is None and doc["paid"]["complete"] is False and doc["paid"]["total"] == "76.00"
    assert [m["amount"] for m in doc["paid"]["months"]] == ["38.00", "38.00", None, None, None]
    assert all(p["saving"] is None for p in doc["plans"])
    assert "the bill has no charge for 2025-03, 2025-04, 2025-05" in r.stderr


def test_a_bill_of_several_lines_is_refused(files, tmp_path):
    two = tmp_path / "two.csv"
    two.write_text("month,item,amount,line\n2025-01,套餐月费,38.00,138\n2025-01,套餐月费,8.00,139\n", "utf-8")
    r = run("compare", str(files["usage"]), "--history", "--plans", str(files["plans"]), "--bill", str(two))
    assert r.exit_code == 1 and "the bill holds 2 lines" in r.stderr


def test_a_line_over_a_century_is_billed_in_bounded_blocks(tmp_path):
    """Two rows 111 years apart are 1,332 months of a line: billed (every month's fee), in blocks that hold
    at most ``cells`` months plus one subscriber's."""
    import numpy as np
    import pyarrow as pa

    from tariffcli.batch.analyser import Analyser
    from tariffcli.batch.history import block_bounds
    from tariffcli.inputs.files import load_plans

    plans = load_plans([write_plans(tmp_path / "plans")])
    n = 6
    table = pa.table({"subscriber": [f"s{k}" for k in range(n) for _ in range(2)],
                      "month": ["1990-01", "2100-12"] * n, "voice_min": [0] * 2 * n, "sms": [0] * 2 * n,
                      "data": [0] * 2 * n})
    out = Analyser(plans, start="2027-01", history=True, cells=2_000, data_unit="MB", top=2).analyse(table)
    beta = next(r for r in out.to_pylist() if r["plan_1"] == "beta" or r["plan_2"] == "beta")
    cost = beta["cost_1"] if beta["plan_1"] == "beta" else beta["cost_2"]
    assert cost == 1332 * 3000 - 2 * 500  # 30.00 a month for 1,332 months, 5.00 back in months 1 and 2
    codes = np.repeat(np.arange(n), 2)
    month = np.tile([1990 * 12, 2100 * 12 + 11], n)
    cuts = block_bounds(codes, month, n, 2_000, None)
    assert cuts[0][0] == 0 and cuts[-1][1] == n and all(b == c for (_, b), (c, _) in zip(cuts, cuts[1:], strict=False))
    assert all((b - a) * 1332 <= 2_000 + 1332 for a, b in cuts) and len(cuts) > 1


def test_batch_options_that_do_not_fit(tmp_path):
    plans = write_plans(tmp_path / "plans")
    src = batch_file(tmp_path, BATCH)
    for extra in (["--history", "--start", "2025-01"], ["--history", "--horizon", "6"], ["--wide"]):
        r = run("batch", str(src), "-q", "--plans", str(plans), *extra)
        assert r.exit_code == 2, extra
