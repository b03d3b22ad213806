"""Issue 13's "done means": three raw record files, as a public telecom dataset ships them, billed as they are.

The files: calls (``user_id, call_date, duration_min`` in decimal minutes), SMS
(``user_id, message_date``) and data sessions (``user_id, session_date,
mb_used``). Five users over 2025: one all year, one only April to September,
one with a month of no record at all inside its months (a gap: the fee is still
due), one with data only (boundary months), one with SMS at both ends only.
``batch --history --wide`` on the folder of the three files, and ``analyze
calls.csv sms.csv data.csv --plan A --plan B``, are checked user by user and
month by month against :func:`reference_month`, written below in plain integers
and Decimal without the engine:

* ``sess`` rounds each call up to a started minute and each session up to a KB
  (the default); 38.00 a month, 19.00 in its first 3 months, a 10.00 one-off fee
  in month 1; 100 min and 5 GB included; 0.15 a minute, 0.10 an SMS, 5.00 per
  started GB over.
* ``mon`` rounds the month's call time and the month's data once
  (``rounding: {data: month, calls: month}``); 30.00 a month; 50 min and 3 GB
  included; 0.20 a minute, 0.10 an SMS, 5.00 per started GB over.
"""

from __future__ import annotations

import copy
import csv
import json
import random
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

import pytest
import yaml
from conftest import BASE_PLAN
from typer.testing import CliRunner

from tariffcli.cli.app import app

GB_KB = 1024 * 1024
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]

SESS = {"id": "sess", "name": "Per session", "monthly_fee": "38.00", "one_off_fee": "10.00",
        "allowances": {"voice": "100 min", "data": "5 GB"},
        "overage": {"voice": {"rate": "0.15"}, "sms": {"rate": "0.10"},
                    "data": {"rate": "5", "per": "GB", "increment": "GB"}},
        "promotions": [{"from_month": 1, "to_month": 3, "fee": "19.00"}]}
MON = {"id": "mon", "name": "Per month", "monthly_fee": "30.00",
       "allowances": {"voice": "50 min", "data": "3 GB"},
       "overage": {"voice": {"rate": "0.20"}, "sms": {"rate": "0.10"},
                   "data": {"rate": "5", "per": "GB", "increment": "GB"}},
       "rounding": {"data": "month", "calls": "month"}}

Month = tuple[list[Decimal], int, list[Decimal]]
"""(call minutes, SMS sent, session MB) of one user-month."""


def ceil(x: Decimal) -> int:
    return int(x.to_integral_value(rounding=ROUND_CEILING))


def reference_month(plan: str, month_no: int, month: Month) -> int:
    """One month's bill in fen (month_no 1: the user's first month, when both plans start)."""
    calls, sms, sessions = month
    if plan == "sess":
        minutes = sum(ceil(c) for c in calls)
        kb = sum(ceil(mb * 1024) for mb in sessions)
        fee = 1900 if month_no <= 3 else 3800
        one_off = 1000 if month_no == 1 else 0
        voice = max(minutes - 100, 0) * 15
        over_gb = -(-max(kb - 5 * GB_KB, 0) // GB_KB)
        return fee + one_off + voice + sms * 10 + over_gb * 500
    minutes = ceil(sum(calls, Decimal(0)))
    kb = ceil(sum(sessions, Decimal(0)) * 1024)
    over_gb = -(-max(kb - 3 * GB_KB, 0) // GB_KB)
    return 3000 + max(minutes - 50, 0) * 20 + sms * 10 + over_gb * 500


def _people() -> dict[str, dict[str, Month]]:
    """user -> month -> usage, for the months the user's line exists (gap months: nothing)."""
    rnd = random.Random(13)

    def month() -> Month:
        calls = [Decimal(rnd.randint(1, 1500)) / 100 for _ in range(rnd.randint(0, 9))]
        sessions = [Decimal(rnd.randint(1, 150_000)) / 100 for _ in range(rnd.randint(0, 6))]
        return calls, rnd.randint(0, 5), sessions

    people: dict[str, dict[str, Month]] = {
        "u1": {m: month() for m in MONTHS},
        "u2": {m: month() for m in MONTHS[3:9]},
        "u3": {m: month() for m in MONTHS[:6]},
        "u4": {m: ([], 0, [Decimal(1000)]) for m in MONTHS[6:]},
        "u5": {m: ([], 0, []) for m in MONTHS[1:5]},
    }
    people["u3"]["2025-03"] = ([], 0, [])  # a gap: no record of any kind
    # boundaries: exactly 3 GB / 5 GB on the month's total, one KB over when each session is rounded
    people["u4"]["2025-08"] = ([], 0, [Decimal("3071.99"), Decimal("0.01")])
    people["u4"]["2025-09"] = ([], 0, [Decimal("5119.99"), Decimal("0.01")])
    people["u4"]["2025-10"] = ([Decimal("25.5"), Decimal("24.5")], 0, [Decimal(1)])  # 50 min a month, 51 per call
    for who in people:  # every line has a record in its first and last month
        first, last = min(people[who]), max(people[who])
        for m in (first, last):
            calls, sms, sessions = people[who][m]
            people[who][m] = (calls, max(sms, 1), sessions)
    return people


PEOPLE = _people()


def write_files(folder: Path) -> dict[str, Path]:
    """The three CSV files in the public dataset's shape (records shuffled within each file)."""
    rnd = random.Random(7)
    calls, sms, data = [], [], []
    for who, months in PEOPLE.items():
        for m, (minutes, texts, sessions) in months.items():
            def day(m: str = m) -> str:
                return f"{m}-{rnd.randint(1, 28):02d}"

            calls += [[who, day(), str(c)] for c in minutes]
            sms += [[who, day()] for _ in range(texts)]
            data += [[who, day(), str(mb)] for mb in sessions]
    folder.mkdir()
    out = {}
    for name, header, rows in (("calls", ["user_id", "call_date", "duration_min"], calls),
                               ("sms", ["user_id", "message_date"], sms),
                               ("data", ["user_id", "session_date", "mb_used"], data)):
        rnd.shuffle(rows)
        path = folder / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([header, *rows])
        out[name] = path
    return out


def write_plans(folder: Path) -> Path:
    folder.mkdir()
    for spec in (SESS, MON):
        data = copy.deepcopy(BASE_PLAN)
        data.update(copy.deepcopy(spec))
        (folder / f"{spec['id']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return folder


def expected() -> dict[str, dict[str, list[int]]]:
    """user -> plan -> each month's bill, fen, from the user's first month to its last."""
    out: dict[str, dict[str, list[int]]] = {}
    for who, months in PEOPLE.items():
        span = MONTHS[MONTHS.index(min(months)):MONTHS.index(max(months)) + 1]
        out[who] = {plan: [reference_month(plan, k + 1, months.get(m, ([], 0, []))) for k, m in enumerate(span)]
                    for plan in ("sess", "mon")}
    return out


def run(*args: str) -> object:
    env = {"NO_COLOR": "1", "COLUMNS": "120", "LANG": "C", "LC_ALL": "", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def dataset(tmp_path: Path) -> tuple[dict[str, Path], Path]:
    return write_files(tmp_path / "extract"), write_plans(tmp_path / "plans")


def fen(text: str) -> int:
    return int(Decimal(text) * 100)


def test_the_reference_sees_the_boundaries() -> None:
    """The data set holds months where the two roundings part (else the checks below could not tell them apart)."""
    u4 = PEOPLE["u4"]
    assert reference_month("mon", 2, u4["2025-08"]) == 3000  # 3 GB exactly on the month's total
    assert reference_month("sess", 3, u4["2025-09"]) == 1900 + 500  # 5 GB + 1 KB per session
    assert reference_month("mon", 4, u4["2025-10"]) == 3000  # 50 min on the month's 50.0
    assert reference_month("sess", 4, u4["2025-10"]) == 3800  # 51 min per call, 100 included


def test_batch_history_wide_on_the_raw_files_equals_the_reference(dataset, tmp_path: Path) -> None:
    files, plans = dataset
    out = tmp_path / "bills.csv"
    r = run("batch", str(files["calls"].parent), "--history", "--wide", "--out", str(out), "-q",
            "--plans", str(plans))
    assert r.exit_code == 0, r.output
    with out.open(encoding="utf-8") as f:
        rows = {row["subscriber"]: row for row in csv.DictReader(f)}
    ref = expected()
    assert set(rows) == set(ref)
    for who, plans_ref in ref.items():
        assert int(rows[who]["months"]) == len(plans_ref["sess"]), who
        for plan, monthly in plans_ref.items():
            assert fen(rows[who][plan]) == sum(monthly), (who, plan)


def test_analyze_with_two_plans_gives_every_user_month_of_the_reference(dataset) -> None:
    files, plans = dataset
    r = run("analyze", str(files["calls"]), str(files["sms"]), str(files["data"]), "--plans", str(plans),
            "--plan", "sess", "--plan", "mon", "-f", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    ref = expected()
    got = {line["line"]: {p["id"]: p for p in line["plans"]} for line in doc["priced"]}
    assert set(got) == set(ref)
    for who, plans_ref in ref.items():
        for plan, monthly in plans_ref.items():
            priced = got[who][plan]
            assert [fen(m["total"]) for m in priced["months"]] == monthly, (who, plan)
            assert fen(priced["total"]) == sum(monthly), (who, plan)
