"""Standard usage baskets: the cheapest plan per operator, checked against baskets worked by hand.

The plans here are inline test plans (written to tmp_path), not real tariffs, so
every expected price can be worked out on paper; the working is in the comments.
Golden files for the bundled catalogue are in tests/golden/baskets-*; regenerate
them with ``TARIFFCLI_UPDATE_GOLDEN=1 python -m pytest tests/test_baskets.py``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURE_CATALOGUE
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tariffcli.compare import baskets as bk
from tariffcli.inputs.files import load_plans
from tariffcli.model.errors import DataError

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE = os.environ.get("TARIFFCLI_UPDATE_GOLDEN") == "1"
DAY = date(2027, 1, 1)

SOURCE = """sources:
  - url: https://example.com/test-plan
    retrieved: 2026-11-21
    tag: C
"""


def plan(pid: str, operator: str, fee: str, allowances: str, overage: str, extra: str = "",
         name: str | None = None) -> str:
    """A test plan file: identity, fee, allowances, out-of-bundle rates (YAML flow mappings)."""
    return (
        f"id: {pid}\nname: {json.dumps(name or pid, ensure_ascii=False)}\noperator: {operator}\n"
        f"province: national\nmonthly_fee: {fee}\nallowances: {allowances}\n"
        f"overage:\n{overage}\n{extra}confidence: example\n{SOURCE}"
    )


CHEAP_RATES = """  voice: {rate: 0.15}
  sms: {rate: 0.10}
  data: {rate: 0.03, per: MB, increment: MB}"""
DEAR_RATES = """  voice: {rate: 0.25}
  sms: {rate: 0.10}
  data: {rate: 0.29, per: MB, increment: KB}"""

PLANS = {
    # Operator A: out-of-bundle use makes the small plan cheaper.
    # itu-2024-low = 70 min + 20 SMS + 500 MB.
    # a-small: 8.00 + (70-30) x 0.15 + 20 x 0.10 + (500-100) MB x 0.03 = 8.00 + 6.00 + 2.00 + 12.00 = 28.00
    "a-small": plan("a-small", "Op A", "8.00", "{voice: 30 min, sms: 0, data: 100 MB}", CHEAP_RATES),
    # a-medium covers the basket in its bundle: 29.00
    "a-medium": plan("a-medium", "Op A", "29.00", "{voice: 100 min, sms: 50, data: 1 GB}", CHEAP_RATES),
    "a-large": plan("a-large", "Op A", "59.00", "{voice: 300 min, sms: 100, data: 5 GB}", CHEAP_RATES),
    # a-promo costs 5.00 in a promotion but 40.00 on standard terms: ITU excludes promotions
    "a-promo": plan("a-promo", "Op A", "40.00", "{voice: 200 min, sms: 100, data: 2 GB}", CHEAP_RATES,
                    "promotions:\n  - {from_month: 1, to_month: 24, fee: 5.00}\n"),
    # a-stopped would cost 1.00 + 10.50 + 2.00 + 1.00 = 14.50, but its data stops after 100 MB:
    # it does not cover the basket
    "a-stopped": plan("a-stopped", "Op A", "1.00", "{}", """  voice: {rate: 0.15}
  sms: {rate: 0.10}
  data: {rate: 0.002, per: MB, increment: MB, volume_cap: 100 MB}"""),
    # a-old would be the cheapest at 0.50 + ..., but it was withdrawn before the day priced
    "a-old": plan("a-old", "Op A", "0.50", "{voice: 1000 min, sms: 1000, data: 10 GB}", CHEAP_RATES,
                  "valid_to: 2026-01-01\n"),
    # Operator B: the plan whose bundle covers the basket wins.
    # b-small: 10.00 + 70 x 0.25 + 20 x 0.10 + 500 MB x 0.29 = 10.00 + 17.50 + 2.00 + 145.00 = 174.50
    "b-small": plan("b-small", "Op B", "10.00", "{}", DEAR_RATES),
    "b-medium": plan("b-medium", "Op B", "30.00", "{voice: 100 min, sms: 100, data: 1 GB}", DEAR_RATES),
}


@pytest.fixture
def plan_dir(tmp_path: Path) -> Path:
    d = tmp_path / "plans"
    d.mkdir()
    for pid, text in PLANS.items():
        (d / f"{pid}.yaml").write_text(text, encoding="utf-8")
    return d


def price(plan_dir: Path, *baskets: bk.Basket, **kw) -> bk.BasketReport:
    return bk.price_baskets(load_plans([plan_dir]), baskets, day=DAY, **kw)


def fen(text: str) -> int:
    return int(Decimal(text) * 100)


def run(*args: str):
    env = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


# ---------------------------------------------------------------- hand-worked baskets


def test_out_of_bundle_use_makes_the_smaller_plan_cheaper(plan_dir: Path) -> None:
    report = price(plan_dir, bk.builtin("itu-2024-low"))
    row = next(r for r in report.rows if r.operator == "Op A")
    assert row.cheapest.plan.id == "a-small"
    assert row.cheapest.price == fen("28.00")
    assert row.cheapest.lines["voice"] == fen("6.00")
    assert row.cheapest.lines["sms"] == fen("2.00")
    assert row.cheapest.lines["data"] == fen("12.00")
    assert row.cheapest.out_of_bundle
    assert row.runner_up.plan.id == "a-medium" and row.runner_up.price == fen("29.00")
    assert row.in_bundle.plan.id == "a-medium"
    assert row.out_of_bundle_cheaper


def test_bundle_that_covers_the_basket_wins_when_overage_is_dear(plan_dir: Path) -> None:
    report = price(plan_dir, bk.builtin("itu-2024-low"))
    row = next(r for r in report.rows if r.operator == "Op B")
    assert (row.cheapest.plan.id, row.cheapest.price, row.cheapest.out_of_bundle) == ("b-medium", fen("30.00"), False)
    assert (row.runner_up.plan.id, row.runner_up.price) == ("b-small", fen("174.50"))
    assert not row.out_of_bundle_cheaper


def test_promotions_excluded_withdrawn_and_data_stopped_plans_do_not_win(plan_dir: Path) -> None:
    report = price(plan_dir, bk.builtin("itu-2024-low"))
    row = next(r for r in report.rows if r.operator == "Op A")
    # with its promotion a-promo (5.00) or a-stopped (14.50) would be cheaper than a-small (28.00)
    assert row.cheapest.plan.id == "a-small"
    assert row.considered == 5  # a-old is not on sale; the other five were priced
    assert [(p.id, why) for p, why in report.excluded] == [("a-old", "not_on_sale")]


def test_rows_are_one_per_basket_and_operator_in_order(plan_dir: Path) -> None:
    report = price(plan_dir, bk.builtin("itu-2025-high"), bk.builtin("itu-2024-voice"))
    assert [(r.basket.id, r.operator) for r in report.rows] == [
        ("itu-2025-high", "Op A"), ("itu-2025-high", "Op B"), ("itu-2024-voice", "Op A"), ("itu-2024-voice", "Op B"),
    ]
    # itu-2024-voice = 70 min + 20 SMS, no data: a-stopped's data cap does not matter here, and it wins with
    # 1.00 + 70 x 0.15 + 20 x 0.10 = 13.50, before a-small 8.00 + 6.00 + 2.00 = 16.00
    voice_a = report.rows[2]
    assert (voice_a.cheapest.plan.id, voice_a.cheapest.price) == ("a-stopped", fen("13.50"))
    assert (voice_a.runner_up.plan.id, voice_a.runner_up.price) == ("a-small", fen("16.00"))


def test_calls_with_an_average_length_bill_each_started_minute(tmp_path: Path) -> None:
    # ITU's legacy rule: 30 calls = 50.87 minutes, i.e. 1.6957 min a call, billed as 2 minutes each
    (tmp_path / "payg.yaml").write_text(plan("payg", "Op C", "0", "{}", """  voice: {rate: 0.10}
  sms: {rate: 0.10}
  data: {rate: 0.29, per: MB}"""), encoding="utf-8")
    basket = bk.parse_baskets("id: calls\nname: Calls\ncalls: 30\nvoice: 50.87 min\n", "calls.yaml")[0]
    assert basket.billed_minutes == 60
    per_call = bk.parse_baskets("id: calls2\nname: Calls\ncalls: 10\ncall_length: 2.5 min\n", "c.yaml")[0]
    assert per_call.billed_minutes == 30
    report = bk.price_baskets(load_plans([tmp_path / "payg.yaml"]), [basket], day=DAY)
    assert report.rows[0].cheapest.price == fen("6.00")  # 60 x 0.10


def test_daily_rate_card_spreads_the_basket_over_30_days(tmp_path: Path) -> None:
    # 0.1 CNY/MB until 1 CNY a day (which covers 800 MB). 90 MB over 30 days = 3 MB a day = 0.30 a day: 9.00.
    # 1 GB = 1024 MB over 30 days: about 34 MB a day, capped at 1.00 a day: 30.00.
    (tmp_path / "daily.yaml").write_text(plan("daily", "Op D", "0", "{}", """  voice: {rate: 0.10}
  sms: {rate: 0.10}
  data:
    ramp: {rate: 0.1, per: MB, block: 800 MB, block_price: 1.00}
    increment: MB
    period: day"""), encoding="utf-8")
    small = bk.parse_baskets("id: d90\nname: 90 MB\ndata: 90 MB\n", "d.yaml")[0]
    report = bk.price_baskets(load_plans([tmp_path]), [small, bk.builtin("itu-2025-data-1gb")], day=DAY)
    assert [r.cheapest.price for r in report.rows] == [fen("9.00"), fen("30.00")]


def test_affordability_is_price_over_monthly_gni(plan_dir: Path) -> None:
    # 28.00 / (12,000 / 12) = 2.80 %
    report = price(plan_dir, bk.builtin("itu-2024-low"), gni=Decimal("12000"))
    assert [r.affordability for r in report.rows] == [Decimal("2.80"), Decimal("3.00")]
    assert bk.affordability(fen("1.00"), Decimal("36500")) == Decimal("0.03")  # 1.00 / 3041.67 = 0.0329 %


def test_suspended_lines_are_left_out() -> None:
    # the frozen test catalogue, where the 停机保号 plan is on sale (so only its suspension can leave it out)
    report = bk.price_baskets(load_plans([FIXTURE_CATALOGUE]), [bk.builtin("itu-2024-voice")], day=DAY)
    assert ("telecom-shanghai-tingji-baohao", "suspended_line") in [(p.id, why) for p, why in report.excluded]
    assert all(r.cheapest is None or "suspension" not in r.cheapest.plan.tags for r in report.rows)


def test_builtin_baskets_match_the_itu_reference() -> None:
    volumes = {b.id: (b.billed_minutes, b.sms, b.data // 1024) for b in bk.BUILTIN}
    assert volumes == {
        "itu-2024-voice": (70, 20, 0), "itu-2024-data": (0, 0, 2048), "itu-2024-low": (70, 20, 500),
        "itu-2024-high": (140, 70, 2048), "itu-2025-data": (0, 0, 5120), "itu-2025-low": (70, 50, 1024),
        "itu-2025-high": (140, 20, 5120), "itu-2025-data-1gb": (0, 0, 1024), "itu-2025-data-2gb": (0, 0, 2048),
        "itu-2025-data-10gb": (0, 0, 10240),
    }
    assert all(b.source is not None and b.source.url for b in bk.BUILTIN)
    assert {b.id for b in bk.DEFAULT_BASKETS} == {b.id for b in bk.BUILTIN if not b.experimental}


# ---------------------------------------------------------------- basket files


def test_basket_file_list_form_and_citation() -> None:
    text = """baskets:
  - id: student
    name: Student basket
    name_zh: 学生篮子
    voice: 30 min
    sms: 10
    data: 8 GB
    app_data: 20 GB
    source:
      title: Our survey of 200 students
      url: https://example.com/survey
      retrieved: 2026-11-01
  - id: elderly
    name: Elderly basket
    voice: 200
"""
    student, elderly = bk.parse_baskets(text, "mine.yaml")
    assert student.display_name("zh") == "学生篮子" and student.data == 8 * 1024 * 1024
    assert student.source.url == "https://example.com/survey" and student.origin == "mine.yaml"
    assert elderly.billed_minutes == 200 and elderly.source is None


def test_basket_file_errors_are_collected_with_lines() -> None:
    text = "baskets:\n  - id: one\n    name: One\n    dta: 1 GB\n  - id: two\n    name: Two\n    calls: 3\n  - id: three\n    name: Three\n    data: 5\n"
    with pytest.raises(DataError) as exc:
        bk.parse_baskets(text, "b.yaml")
    messages = [str(p) for p in exc.value.problems]
    assert any("b.yaml:4" in m and "unknown key 'dta' (did you mean 'data'?)" in m for m in messages)
    assert any("b.yaml:7" in m and "'calls' needs 'call_length'" in m for m in messages)
    assert any("b.yaml:10" in m and "has no unit" in m for m in messages)


def test_basket_file_cannot_reuse_a_builtin_id_or_be_empty() -> None:
    with pytest.raises(DataError, match="built-in basket"):
        bk.parse_baskets("id: itu-2025-high\nname: Mine\ndata: 1 GB\n", "b.yaml")
    with pytest.raises(DataError, match="needs some usage"):
        bk.parse_baskets("id: nothing\nname: Nothing\n", "b.yaml")


# ---------------------------------------------------------------- the command


def test_cli_markdown_cite_from_inline_plans(plan_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("id: mine\nname: My basket\nvoice: 70 min\nsms: 20\ndata: 500 MB\n"
                                        "source: {title: Hand-worked test basket}\n", encoding="utf-8")
    r = run("baskets", "--plans", str(plan_dir), "--basket", str(tmp_path / "mine.yaml"), "--date", "2027-01-01",
            "--format", "markdown", "--cite", "--gni", "12000", "--gni-source", "a test figure")
    assert r.exit_code == 0, r.stderr
    rows = [line for line in r.stdout.splitlines() if line.startswith("| My basket")]
    assert len(rows) == 2
    assert "| Op A | a-small[^2] | 28.00 | a-medium[^3] | 29.00 | yes: cheaper than a-medium (29.00), whose bundle covers it[^3] | 2.80% |" in rows[0]
    assert "| Op B | b-medium[^4] | 30.00 | b-small[^5] | 174.50 | no | 3.00% |" in rows[1]
    assert "[^1]: Hand-worked test basket" in r.stdout
    assert "[^2]: a-small (a-small; Op A, national; example figures): <https://example.com/test-plan> (retrieved 2026-11-21, tag C)" in r.stdout
    assert "GNI per capita: a test figure" in r.stdout
    assert "a-old (not on sale on 2027-01-01)" in r.stderr


def test_every_footnote_is_defined_and_used() -> None:
    # the frozen test catalogue: three operators, every plan on sale
    r = run("baskets", "--format", "markdown", "--cite", "--date", "2027-01-01", "--plans", str(FIXTURE_CATALOGUE))
    assert r.exit_code == 0, r.stderr
    body, _, notes = r.stdout.partition("**Sources**")
    used = set(re.findall(r"\[\^(\d+)\]", body))
    defined = set(re.findall(r"^\[\^(\d+)\]:", notes, re.M))
    assert used == defined and used
    table = [line for line in body.splitlines() if line.startswith("| ITU")]
    operators = {p.operator for p in load_plans([FIXTURE_CATALOGUE]) if "suspension" not in p.tags}
    assert len(operators) == 3
    assert len(table) == len(bk.DEFAULT_BASKETS) * len(operators)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("baskets-itu.cite.md", ["--format", "markdown", "--cite"]),
        ("baskets-itu.zh.md", ["--format", "markdown", "--lang", "zh"]),
        ("baskets-itu.json", ["--format", "json"]),
        ("baskets-itu.cite.csv", ["--format", "csv", "--cite"]),
    ],
)
def test_golden_bundled_catalogue(name: str, args: list[str]) -> None:
    r = run("baskets", "--date", "2027-01-01", *args)
    assert r.exit_code == 0, r.stderr
    path = GOLDEN / name
    if UPDATE:
        path.write_text(r.stdout, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with TARIFFCLI_UPDATE_GOLDEN=1"
    assert r.stdout == path.read_text(encoding="utf-8")


def test_json_amounts_are_strings_and_prices_sum_their_lines() -> None:
    doc = json.loads(run("baskets", "--date", "2027-01-01", "--format", "json").stdout)
    assert doc["version"] == "1" and doc["date"] == "2027-01-01"
    for row in doc["rows"]:
        c = row["cheapest"]
        assert isinstance(c["price"], str)
        parts = sum(Decimal(v) for k, v in c["lines"].items() if k != "total")
        assert parts == Decimal(c["lines"]["total"]) == Decimal(c["price"])
        assert c["sources"] and c["sources"][0]["url"].startswith("http")


def test_csv_excel_bom_and_formula_neutralised(tmp_path: Path) -> None:
    (tmp_path / "evil.yaml").write_text(
        plan("evil", "=cmd|' /C calc'!A0", "1.00", "{voice: 100 min, sms: 100, data: 1 GB}", CHEAP_RATES,
             name="@SUM(1+1)"), encoding="utf-8")
    out = tmp_path / "b.csv"
    r = run("baskets", "--plans", str(tmp_path / "evil.yaml"), "--basket", "itu-2024-voice", "--date", "2027-01-01",
            "--format", "csv", "--excel", "--cite", "--output", str(out))
    assert r.exit_code == 0, r.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["operator"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["plan_name"] == "'@SUM(1+1)"
    assert rows[0]["plan_sources"].startswith("https://example.com/test-plan")
    assert rows[0]["basket_source"].startswith("ITU ICT Price Baskets")
    r = run("baskets", "--plans", str(tmp_path / "evil.yaml"), "--basket", "itu-2024-voice", "--date", "2027-01-01",
            "--format", "csv", "--excel")
    assert r.stdout_bytes.startswith(b"\xef\xbb\xbf")


def test_cli_usage_errors() -> None:
    r = run("baskets", "--basket", "itu-2025-hihg")
    assert r.exit_code == 2 and "did you mean itu-2025-high" in r.stderr
    assert run("baskets", "--format", "markdown", "--excel").exit_code == 2
    assert run("baskets", "--date", "2027-13-01").exit_code == 2
    assert run("baskets", "--gni", "lots").exit_code == 2
    assert run("baskets", "--chart", "chart.gif").exit_code == 2


def test_bad_basket_file_is_a_data_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nname: Bad\nsmss: 3\n", encoding="utf-8")
    r = run("baskets", "--basket", str(bad), "--format", "json")
    assert r.exit_code == 1 and r.stdout == ""
    assert "bad.yaml:3: unknown key 'smss' (did you mean 'sms'?)" in r.stderr
    assert json.loads(r.stderr.strip().splitlines()[-1])["error"]["exit_code"] == 1


def test_list_and_table() -> None:
    r = run("baskets", "--list")
    assert r.exit_code == 0 and "itu-2025-high" in r.stdout and "experimental" in r.stdout
    r = run("baskets", "--basket", "itu-2025-low", "--date", "2027-01-01", "--lang", "zh")
    assert r.exit_code == 0 and "最便宜套餐" in r.stdout and "中国联通" in r.stdout
