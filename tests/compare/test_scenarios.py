"""Usage scenarios, months over an allowance, the break-even usage, and eligibility filtering."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURE_CATALOGUE, GB, MB, make_history, make_plan
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tariffcli.compare.ranking import compare, condition_key, parse_eligible, unmet_conditions
from tariffcli.compare.scenarios import break_even, level_of, scenario_usage
from tariffcli.model.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "tariffcli" / "schemas" / "comparison.schema.json").read_text("utf-8"))
TWELVE = [5, 1, 9, 2, 8, 3, 7, 4, 6, 10, 12, 11]  # 1..12 in a shuffled order


def run(*args: str) -> object:
    env = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def flat(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- levels


def test_levels_by_nearest_rank() -> None:
    assert level_of(TWELVE, "mean") == 7  # 78 / 12 = 6.5, rounded up
    assert level_of(TWELVE, "p50") == 6  # the 6th smallest of 12
    assert level_of(TWELVE, "p90") == 11  # the ceil(10.8) = 11th smallest
    assert level_of(TWELVE, "max") == 12
    assert level_of([4], "p90") == 4
    assert level_of([], "max") == 0
    with pytest.raises(UsageError):
        level_of(TWELVE, "p75")


def test_scenario_usage_is_one_level_per_service() -> None:
    history = make_history(voice_min=TWELVE, sms=[0] * 11 + [30], data_kb=[m * 100 * MB for m in TWELVE],
                           data_days=[m + 10 for m in TWELVE])
    u = scenario_usage(history, ["2027-01", "2027-02", "2027-03"], "p90")
    assert u.voice_min.tolist() == [11, 11, 11]
    assert u.sms.tolist() == [0, 0, 0]  # the p90 of eleven zeros and one 30
    assert u.data_kb.tolist() == [1100 * MB] * 3
    assert u.data_days.tolist() == [21, 21, 21] and bool(u.data_days_known.all())
    u = scenario_usage(make_history(data_kb=MB), ["2027-02"], "max")
    assert u.data_days.tolist() == [28] and not bool(u.data_days_known.any())  # days unknown: every day


# ---------------------------------------------------------------- ranking on a scenario

SMALL = dict(id="small", monthly_fee="20", allowances={"data": "5 GB"},
             overage={"data": {"rate": "5", "per": "GB", "increment": "GB"}})
LARGE = dict(id="large", monthly_fee="50", allowances={"data": "30 GB"},
             overage={"data": {"rate": "5", "per": "GB", "increment": "GB"}})


def test_scenario_changes_the_ranking_and_counts_months_over() -> None:
    # 3 GB most months, 15 GB in two: on average the small plan wins, at p90 the large one does.
    data = [3 * GB] * 10 + [15 * GB] * 2
    history = make_history(data_kb=data)
    plans = [make_plan(**SMALL), make_plan(**LARGE)]
    mean = compare(plans, history, start="2027-01", scenario="mean")
    p90 = compare(plans, history, start="2027-01", scenario="p90")
    assert [r.plan.id for r in mean.rows] == ["small", "large"]
    assert [r.plan.id for r in p90.rows] == ["large", "small"]
    past = {r.plan.id: next(n.params for n in r.notes if n.code == "months_over_past") for r in p90.rows}
    assert past == {"large": {"months": 0, "of": 12}, "small": {"months": 2, "of": 12}}
    assert compare(plans, history, start="2027-01").scenario is None


def test_break_even_above_and_below() -> None:
    # small: 20 + 5 per started GB over 5 GB; large: 50 up to 30 GB. Tied from 10 to 11 GB.
    small, large = make_plan(**SMALL), make_plan(**LARGE)
    history = make_history(data_kb=3 * GB)
    cmp = compare([small, large], history, start="2027-01", scenario="p50")
    data = next(b for b in cmp.break_even if b.service == "data")
    assert (data.cheaper, data.rival, data.direction) == ("small", "large", "above")
    assert 11 * GB < data.level <= 11 * GB + MB
    assert data.at == 3 * GB

    heavy = compare([small, large], make_history(data_kb=20 * GB), start="2027-01", scenario="p50")
    data = next(b for b in heavy.break_even if b.service == "data")
    assert (data.cheaper, data.rival, data.direction) == ("large", "small", "below")
    assert 10 * GB - MB <= data.level <= 10 * GB  # the small plan is strictly cheaper up to 10 GB (tied to 11 GB)

    none = break_even(small, large, scenario_usage(history, ["2027-01"], "p50"), "voice")
    assert none.level is None and none.direction == "none"


def test_scenario_on_the_command_line(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    base = (FIXTURE_CATALOGUE / "cmcc" / "5g-128.yaml").read_text("utf-8")  # the frozen plan, rates edited below
    for spec in (SMALL, LARGE):
        text = base.replace("id: cmcc-5g-128", f"id: {spec['id']}").replace(
            "monthly_fee: 128.00", f"monthly_fee: {spec['monthly_fee']}.00").replace(
            "data: 30 GB", f"data: {spec['allowances']['data']}").replace(
            "rate: 0.29\n    per: MB\n    increment: KB", "rate: 5\n    per: GB\n    increment: GB")
        (plans / f"{spec['id']}.yaml").write_text(text, encoding="utf-8")
    usage = tmp_path / "u.csv"
    usage.write_text("month,voice_min,sms,data_gb\n" + "".join(f"2026-{m:02d},0,0,3\n" for m in range(1, 13)),
                     encoding="utf-8")
    r = run("compare", str(usage), "--plans", str(plans), "--start", "2027-01", "--scenario", "p90")
    assert r.exit_code == 0, r.stderr
    out = flat(r.stdout)
    assert "Ranked on your 90th-percentile (p90) month: 0 min, 0 SMS, 3 GB data a month" in out
    assert ("Break-even: 5G套餐 128元档 (large) wins above about 11.0 GB of data a month (you: 3.0 GB of data); "
            "below that, 5G套餐 128元档 (small).") in out
    assert "over an allowance in 0 of 12 months at your past usage" in out
    r = run("compare", str(usage), "--plans", str(plans), "--start", "2027-01", "--scenario", "max",
            "--format", "json")
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["scenario"]["level"] == "max"
    assert doc["scenario"]["usage"]["data_kb"] == 3 * GB
    assert {b["service"] for b in doc["scenario"]["break_even"]} == {"data", "voice", "sms"}
    r = run("compare", str(usage), "--plans", str(plans), "--scenario", "p75")
    assert r.exit_code == 2


# ---------------------------------------------------------------- eligibility


def test_condition_keys_and_matching() -> None:
    assert condition_key("not a premium number (靓号)") == "not-a-premium-number"
    assert condition_key("line suspended - no calls, SMS or data while suspended") == "line-suspended"
    assert parse_eligible(["student,elderly", " local "]) == ("student", "elderly", "local")
    plan = make_plan(eligibility=["aged 60+", "not a premium number (靓号)"])
    assert unmet_conditions(plan, ["elderly"]) == ("not a premium number (靓号)",)
    assert unmet_conditions(plan, ["老年人", "not-a-premium-number"]) == ()
    assert unmet_conditions(plan, ["not a premium number (靓号)", "senior"]) == ()
    assert unmet_conditions(make_plan(), []) == ()


def test_eligible_keeps_only_plans_whose_conditions_are_met() -> None:
    plans = [make_plan(id="for-students", eligibility=["student"]),
             make_plan(id="for-elderly", eligibility=["elderly"]),
             make_plan(id="for-everyone")]
    history = make_history()
    everyone = compare(plans, history, start="2027-01")
    assert {r.plan.id for r in everyone.rows} == {"for-students", "for-elderly", "for-everyone"}
    marks = {r.plan.id: [n.params["who"] for n in r.notes if n.code == "eligibility"] for r in everyone.rows}
    assert marks == {"for-students": ["student"], "for-elderly": ["elderly"], "for-everyone": []}
    students = compare(plans, history, start="2027-01", eligible=["student"])
    assert {r.plan.id for r in students.rows} == {"for-students", "for-everyone"}
    assert [(p.id, why) for p, why in students.excluded] == [("for-elderly", "not_eligible")]


def test_eligible_on_the_command_line() -> None:
    # the frozen test catalogue: every plan on sale, so only conditions and suspension leave plans out
    sample = (str(ROOT / "sample_bills" / "keep-number-abroad.csv"), "--plans", str(FIXTURE_CATALOGUE))
    r = run("compare", *sample, "--start", "2027-01", "--tag", "keep-number", "--format", "json")
    shown = {p["id"] for p in json.loads(r.stdout)["plans"]}
    assert "cmcc-8yuan-shenzhen-voice" in shown  # restricted, shown, marked
    assert "telecom-shanghai-tingji-baohao" not in shown  # a suspended line (停机保号) is never a plan to use
    r = run("compare", *sample, "--start", "2027-01", "--tag", "keep-number", "--format", "json", "--eligible", "student")
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert {p["id"] for p in doc["plans"]} == {"telecom-wuyouka-5", "unicom-liuliangwang-8-data",
                                               "unicom-liuliangwang-8-voice"}
    left = {e["id"]: e for e in doc["excluded"]}
    assert left["cmcc-8yuan-shenzhen-voice"]["reason"] == "not_eligible"
    assert left["cmcc-8yuan-shenzhen-voice"]["conditions"] == [
        "not-on-a-contract-plan", "not-in-a-broadband-bundle", "not-a-premium-number"]
    assert left["telecom-shanghai-tingji-baohao"]["reason"] == "suspended_line"
    assert "2 plan(s) left out, conditions not given with --eligible" in r.stderr
    r = run("compare", *sample, "--start", "2027-01", "--tag", "keep-number", "--format", "csv",
            "--eligible", "not-on-a-contract-plan,not-in-a-broadband-bundle", "--eligible", "not-a-premium-number")
    assert "cmcc-8yuan-shenzhen-voice" in r.stdout and "tingji" not in r.stdout


# ---------------------------------------------------------------- data stopped at a volume cap

CAPPED = dict(id="capped", monthly_fee="10", allowances={"data": "1 GB"},
              overage={"data": {"rate": "1", "per": "GB", "increment": "GB", "volume_cap": "5 GB"}})
"""1 GB, then 1.00 a GB; data stopped once 5 GB over the allowance (6 GB in all) is used."""
BIG = dict(id="big", monthly_fee="50", allowances={"data": "100 GB"},
           overage={"data": {"rate": "5", "per": "GB", "increment": "GB"}})


def test_a_plan_whose_data_is_stopped_does_not_cover_the_level() -> None:
    capped, big = make_plan(**CAPPED), make_plan(**BIG)
    u = scenario_usage(make_history(data_kb=2 * GB), ["2027-01"], "p50")
    data = break_even(capped, big, u, "data")
    # never cheaper, the big plan still wins from where the capped one stops carrying the data
    assert (data.direction, data.cheaper, data.rival) == ("above", "capped", "big")
    assert 6 * GB < data.stopped <= 6 * GB + MB
    assert data.level == data.stopped and data.searched_to == data.stopped
    # a rival that is stopped too never wins: the capped plan stays cheaper only as far as it carries the data
    small_cap = make_plan(**{**BIG, "id": "small-cap", "allowances": {"data": "3 GB"},
                             "overage": {"data": {"rate": "5", "per": "GB", "increment": "GB", "volume_cap": "1 GB"}}})
    none = break_even(capped, small_cap, u, "data")
    assert none.level is None and none.direction == "none" and none.searched_to == none.stopped
    # the scenario level itself stopped: the rival wins above the last level the plan carries
    over = break_even(capped, big, scenario_usage(make_history(data_kb=9 * GB), ["2027-01"], "p50"), "data")
    assert (over.direction, over.at) == ("above", 9 * GB) and abs(over.level - over.stopped) <= MB
    # voice and SMS break-evens are about prices: no stop level
    assert break_even(capped, big, u, "voice").stopped is None


def test_break_even_with_the_tencent_card_stopped_at_40_gb() -> None:
    """heavy-data.csv: 腾讯大王卡 is cut off at 40 GB; it was said to 'stay cheaper from 0 to 237.2 GB'."""
    from tariffcli.inputs.files import load_plans, read_usage

    plans = {p.id: p for p in load_plans([FIXTURE_CATALOGUE])}  # the frozen test catalogue
    history = read_usage(ROOT / "sample_bills" / "heavy-data.csv")
    tencent, other = plans["unicom-tencent-dawangka-19"], plans["telecom-5g-changxiang-199"]
    for level in ("p50", "p90"):
        u = scenario_usage(history, ["2027-01", "2027-02"], level)
        data = break_even(tencent, other, u, "data", history_max=max(history.data_kb))
        assert data.direction == "above" and data.level is not None, level
        app = int(u.app_data_kb[0])  # data figures are all data: general (capped at 40 GB) plus app-specific
        assert 40 * GB < data.stopped - app <= 40 * GB + MB and data.level <= data.stopped
        assert data.at == int(u.data_kb[0]) + app
    frozen = ("--plans", str(FIXTURE_CATALOGUE))
    r = run("compare", str(ROOT / "sample_bills" / "heavy-data.csv"), *frozen, "--start", "2027-01", "--scenario", "p50")
    assert r.exit_code == 0, r.stderr
    out = flat(r.stdout)
    assert "stays cheaper" not in out
    assert "wins above about 49.5 GB of data a month (you: 48.4 GB of data); below that, 腾讯大王卡" in out
    assert "48.4 GB data a month" in out  # one definition of data: the scenario line and the break-even agree
    r = run("compare", str(ROOT / "sample_bills" / "heavy-data.csv"), *frozen, "--start", "2027-01", "--scenario", "p90")
    assert r.exit_code == 0 and "腾讯大王卡 (unicom-tencent-dawangka-19) stays cheaper" not in flat(r.stdout)
