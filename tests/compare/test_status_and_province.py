"""What the bundled catalogue advises: only plans on sale, and a nationwide plan first unless the province is known.

Every sample in sample_bills/ is compared on the bundled catalogue (issue 11): a plan
that is withdrawn or historical is never ranked (it stays usable as ``--current``);
without ``--province`` (or ``TARIFFCLI_PROVINCE``) the first plan is one sold
nationwide and the rest follow in cost order; with a province, that province's
plans compete with the national ones and other provinces' plans are left out.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tariffcli.inputs.files import load_plans
from tariffcli.model.provinces import canonical_province, is_nationwide

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_bills").glob("*.csv"))
SCHEMA = json.loads((ROOT / "tariffcli" / "schemas" / "comparison.schema.json").read_text("utf-8"))
STATUS = {p.id: p.status.value for p in load_plans()}
PROVINCE = {p.id: p.province for p in load_plans()}


def run(*args: str, env: dict[str, str] | None = None):
    base = {"NO_COLOR": "1", "COLUMNS": "80", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb",
            "TARIFFCLI_PROVINCE": ""}
    return CliRunner().invoke(app, list(args), env={**base, **(env or {})}, catch_exceptions=False)


def compare_json(sample: Path, *extra: str, env: dict[str, str] | None = None) -> dict:
    r = run("compare", str(sample), "--start", "2027-01", "--format", "json", *extra, env=env)
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, SCHEMA)
    return doc


def order_key(row: dict) -> tuple[bool, Decimal, bool, str]:
    """The ranking order among plans of equal standing: data not stopped first, then total, then plans
    without eligibility conditions, then id."""
    stopped = any(n["code"] == "data_stopped" for n in row["notes"])
    return stopped, Decimal(row["total"]), bool(row["eligibility"]), row["id"]


def test_the_bundled_catalogue_has_plans_not_on_sale_and_province_only_plans() -> None:
    # otherwise the tests below could not fail
    assert {"withdrawn", "historical"} & set(STATUS.values())
    assert {"Hebei", "Shanghai"} <= {canonical_province(p) for p in PROVINCE.values()}


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_only_plans_on_sale_are_ranked_and_a_nationwide_plan_comes_first(sample: Path) -> None:
    doc = compare_json(sample)
    plans = doc["plans"]
    assert plans and doc["province"] is None
    # every ranked row is on sale, in the JSON and in the plan file
    assert {p["status"] for p in plans} == {"on-sale"}
    assert all(STATUS[p["id"]] == "on-sale" for p in plans)
    not_on_sale = {i for i, s in STATUS.items() if s != "on-sale"}
    assert not_on_sale <= {e["id"] for e in doc["excluded"] if e["reason"] == "not_on_sale"}
    # the first plan is sold nationwide; the others follow in ranking order
    assert is_nationwide(plans[0]["province"])
    rest = [order_key(p) for p in plans[1:]]
    assert rest == sorted(rest)
    cheapest = min(plans, key=order_key)
    assert doc["nationwide_first"] == (cheapest["id"] != plans[0]["id"])
    if doc["nationwide_first"]:
        # the plan put first is the cheapest of the nationwide ones
        assert plans[0] == min((p for p in plans if is_nationwide(p["province"])), key=order_key)
    assert [p["rank"] for p in plans] == list(range(1, len(plans) + 1))


def test_the_table_says_when_a_nationwide_plan_was_put_first() -> None:
    # keep-number-abroad.csv: the cheapest plan (a Shanghai one) is not nationwide
    sample = ROOT / "sample_bills" / "keep-number-abroad.csv"
    assert compare_json(sample)["nationwide_first"]
    r = run("compare", str(sample), "--start", "2027-01")
    assert r.exit_code == 0, r.stderr
    text = " ".join(r.stdout.split())
    assert "#1 is the cheapest plan sold nationwide" in text and "--province" in text
    assert "sold in Shanghai only" in text
    r = run("compare", str(sample), "--start", "2027-01", "--province", "Shanghai")
    assert "#1 is the cheapest plan sold nationwide" not in " ".join(r.stdout.split())


def test_a_province_in_chinese_pinyin_or_the_environment_is_the_same() -> None:
    sample = ROOT / "sample_bills" / "elderly-voice.csv"
    doc = compare_json(sample, "--province", "河北")
    assert doc == compare_json(sample, "--province", "hebei")
    assert doc == compare_json(sample, env={"TARIFFCLI_PROVINCE": "HEBEI"})
    assert doc != compare_json(sample)


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_with_hebei_its_plans_compete_and_shanghai_plans_are_left_out(sample: Path) -> None:
    doc = compare_json(sample, "--province", "hebei")
    assert doc["province"] == "Hebei" and not doc["nationwide_first"]
    plans = doc["plans"]
    assert {p["status"] for p in plans} == {"on-sale"}
    assert all(is_nationwide(p["province"]) or canonical_province(p["province"]) == "Hebei" for p in plans)
    keys = [order_key(p) for p in plans]
    assert keys == sorted(keys)  # plain cost order: the province is known
    excluded = {e["id"]: e["reason"] for e in doc["excluded"]}
    shanghai = [i for i, prov in PROVINCE.items() if canonical_province(prov) == "Shanghai" and STATUS[i] == "on-sale"]
    assert shanghai and all(excluded[i] == "other_province" for i in shanghai)


def test_a_hebei_plan_can_come_first_when_the_user_lives_there() -> None:
    # keep-number-abroad.csv projected on 2027-01..12 (same calendar months of 2025-11..2026-10): at most 3 min
    # and 5 MB a month, 7 SMS in the year (Feb 2, Mar 1, Jun 1, Sep 2, Dec 1).
    # cmcc-hebei-fangxinxiang-10 (Hebei): 10.00 a month, 30 min and 500 MB included, SMS 0 included at 0.10:
    #   12 x 10.00 + 7 x 0.10 = 120.70
    # cmcc-huanxiaoka-2024-19 (national, no conditions) ties with cmcc-25jt206517 (national, a channel condition)
    # as the cheapest nationwide plan; the tie goes to the plan without conditions.
    # Each: 19.00 a month, 100 min and 1-2 GB included,
    #   SMS 0 included at 0.10:  12 x 19.00 + 7 x 0.10 = 228.70
    sample = ROOT / "sample_bills" / "keep-number-abroad.csv"
    nowhere = compare_json(sample)["plans"]
    hebei = compare_json(sample, "--province", "河北")["plans"]
    assert (nowhere[0]["id"], nowhere[0]["total"]) == ("cmcc-huanxiaoka-2024-19", "228.70")
    assert ("cmcc-25jt206517", "228.70") in [(p["id"], p["total"]) for p in nowhere]
    assert (hebei[0]["id"], hebei[0]["total"]) == ("cmcc-hebei-fangxinxiang-10", "120.70")
    assert hebei[0]["id"] in [p["id"] for p in nowhere]  # shown without a province too, just not first


@pytest.mark.parametrize("value", ["Atlantis", "广", "guang dong province of"])
def test_a_province_that_is_not_one_is_a_usage_error(value: str) -> None:
    sample = str(ROOT / "sample_bills" / "elderly-voice.csv")
    r = run("compare", sample, "--province", value)
    assert r.exit_code == 2 and r.stdout == ""
    assert f"'{value}' is not a province of China" in r.stderr and "Guangdong" in r.stderr
    r = run("compare", sample, env={"TARIFFCLI_PROVINCE": value})
    assert r.exit_code == 2 and "is not a province of China" in r.stderr


def test_a_plan_not_on_sale_is_still_a_current_plan() -> None:
    # people are still on the old 8 CNY package: it is their plan, never a recommendation
    sample = ROOT / "sample_bills" / "keep-number-abroad.csv"
    old = "cmcc-8yuan-shenzhen-voice"
    assert STATUS[old] != "on-sale"
    doc = compare_json(sample, "--current", old)
    assert doc["current"]["id"] == old and doc["current"]["status"] == STATUS[old]
    assert old not in [p["id"] for p in doc["plans"]]
    assert all(p["saving"] is not None for p in doc["plans"])


def test_explain_names_a_plan_on_sale() -> None:
    doc = compare_json(ROOT / "sample_bills" / "keep-number-abroad.csv", "--explain")
    assert doc["explain"]["plan"] == doc["plans"][0]["id"]
    assert STATUS[doc["explain"]["plan"]] == "on-sale"
