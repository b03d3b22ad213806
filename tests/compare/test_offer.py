"""Judging an offer over its full term, and the switching guide (compare --explain) with its rules."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURE_CATALOGUE, GB, fen, make_history, make_plan
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tariffcli.cli.offer import wrap_line
from tariffcli.compare.offer import default_term, judge_offer, offer_from_terms
from tariffcli.compare.ranking import compare
from tariffcli.compare.switching import RULES, switching_guide
from tariffcli.inputs.files import load_plans
from tariffcli.model.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]
FACTS_URLS = {  # the "Rules" section of the project's tariff facts
    "www.gov.cn/zwgk/2006-10/17/content_415448.htm",
    "commsupdate.com/articles/2018/08/29/miit-introduces-customer-friendly-tariff-rules",
    "news.fjsen.com/2019-11/11/content_30051976.htm",
    "slrbs.com/news/guonei/2025-05-01/1664424.html",
    "m.frey365.com/c/2018-07-12/2110224.shtml",
}


def run(*args: str) -> object:
    env = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def flat(text: str) -> str:
    return " ".join(text.split())


FITS_58 = dict(id="my-58", name="58元套餐", monthly_fee="58", allowances={"voice": "300 min", "sms": 100, "data": "5 GB"},
               overage={"voice": {"rate": "0.19"}, "data": {"rate": "0.29", "per": "MB", "increment": "KB"}})
HALF_PRICE = dict(id="pitch", name="5G 128 half price", monthly_fee="128",
                  allowances={"voice": "500 min", "sms": 100, "data": "30 GB"},
                  overage={"voice": {"rate": "0.19"}, "data": {"rate": "0.29", "per": "MB", "increment": "KB"}},
                  promotions=[{"from_month": 1, "to_month": 12, "discount": "50%", "note": "half price for 12 months"}])
USER = dict(voice_min=200, sms=20, data_kb=3 * GB)  # fits the 58 plan every month


def test_half_price_offer_costs_more_over_24_months_and_turns_in_month_13() -> None:
    """Done: half price for 12 months, then 128.00, to a user whose usage fits a 58.00 plan."""
    offer, mine = make_plan(**HALF_PRICE), make_plan(**FITS_58)
    assert default_term(offer) == 24
    v = judge_offer(offer, make_history(**USER), [mine], start="2027-01", current=mine)
    assert v.term == 24
    assert v.offer.total == 12 * fen("64") + 12 * fen("128")  # 2304.00
    assert v.against_current.row.total == 24 * fen("58")  # 1392.00
    assert v.against_current.extra == fen("912.00") > 0
    assert v.against_current.turns == 1  # 64.00 > 58.00: dearer from the first month
    assert [(c.month, c.calendar, c.before, c.after) for c in v.price_changes] == [(13, "2028-01", 6400, 12800)]
    assert v.verdict == "decline"
    assert v.mismatches == ()


def test_offer_cheaper_at_first_turns_when_its_running_total_passes() -> None:
    offer = make_plan(**HALF_PRICE)
    ninety = make_plan(**{**FITS_58, "id": "my-90", "monthly_fee": "90"})
    v = judge_offer(offer, make_history(**USER), [], start="2027-01", current=ninety)
    # -26.00 a month for 12 months (-312.00), then +38.00 a month: above from month 21 (+30.00)
    assert v.against_current.turns == 21
    assert v.against_current.extra == fen("144.00")  # 2304.00 against 24 x 90.00
    assert v.against_current.cheaper_months == 12
    assert v.against_best is None and v.verdict == "decline"


def test_mismatches_with_the_usage() -> None:
    data_plan = make_plan(id="data-plan", monthly_fee="39", allowances={"voice": "50 min", "data": "20 GB",
                                                                       "app_data": "unlimited"},
                          overage={"voice": {"rate": "0.19"}})
    elderly = make_history(voice_min=600, sms=0, data_kb=0)  # seed 004: a voice-heavy user whose phone never goes online
    v = judge_offer(data_plan, elderly, [], start="2027-01")
    codes = {m.code: m.params for m in v.mismatches}
    assert codes["voice_short"] == {"allowance": 50, "usage": 600, "months": 12, "of": 12, "amount": fen("104.50")}
    assert codes["data_unused"] == {"allowance": 20 * GB, "most": 0}
    assert codes["app_data_unseen"] == {"allowance": "unlimited"}
    big_voice = make_plan(id="v", monthly_fee="99", allowances={"voice": "1000 min"})
    light = make_history(voice_min=[10, 30, 20] * 4)
    assert [m.code for m in judge_offer(big_voice, light, [], start="2027-01").mismatches] == ["voice_unused"]


def test_offer_from_flags_and_its_errors() -> None:
    base = make_plan(**FITS_58)
    plan = offer_from_terms(fee="128", discount="50%", months=12, data="30 GB", voice="500 min",
                            rates_from=base, told_on=date(2026, 11, 21))
    assert plan.monthly_fee == 128 and plan.promotions[0].discount == 50
    assert plan.overage == base.overage and plan.operator == base.operator
    assert plan.name == "128/month, 50% off in months 1-12"
    with pytest.raises(UsageError):
        offer_from_terms(fee="128", discount="50%", rates_from=base, told_on=date(2026, 11, 21))
    with pytest.raises(UsageError):
        offer_from_terms(fee="128", discount="50%", promo_fee="64", months=3, rates_from=base,
                         told_on=date(2026, 11, 21))
    with pytest.raises(UsageError):
        offer_from_terms(fee="12.345", rates_from=base, told_on=date(2026, 11, 21))


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    usage = tmp_path / "usage.csv"
    usage.write_text("month,voice_min,sms,data_mb\n" + "".join(f"2026-{m:02d},200,20,3072\n" for m in range(1, 13)),
                     encoding="utf-8")
    mine = tmp_path / "my-58.yaml"
    mine.write_text(
        "id: my-58\nname: 58元套餐\noperator: China Mobile\nprovince: national\nmonthly_fee: 58.00\n"
        "allowances: {voice: 300 min, sms: 100, data: 5 GB}\n"
        "overage:\n  voice: {rate: 0.19}\n  sms: {rate: 0.10}\n  data: {rate: 0.29, per: MB, increment: KB}\n"
        "confidence: example\nsources: [{url: 'https://example.com/58', retrieved: 2026-11-21}]\n",
        encoding="utf-8")
    pitch = tmp_path / "pitch.yaml"
    pitch.write_text(
        mine.read_text("utf-8").replace("id: my-58", "id: pitch").replace("name: 58元套餐", "name: 5G套餐半价")
        .replace("monthly_fee: 58.00", "monthly_fee: 128.00\npromotions:\n  - {from_month: 1, to_month: 12, discount: 50%}")
        .replace("data: 5 GB", "data: 30 GB"),
        encoding="utf-8")
    return usage, mine, pitch


def test_offer_command_reads_like_a_verdict(tmp_path: Path) -> None:
    usage, mine, pitch = _files(tmp_path)
    r = run("offer", str(pitch), str(usage), "--current", str(mine), "--start", "2027-01")
    assert r.exit_code == 0, r.stderr
    out = flat(r.stdout)
    assert "Over 24 months it costs 2304.00 (96.00 a month on average)." in out
    assert "From month 13 (2028-01) the price goes from 64.00 to 128.00 (+64.00 a month)." in out
    assert "Against your current plan, 58元套餐 (my-58): 1392.00 over the same months; the offer costs 912.00 more." in out
    assert "It costs more from the first month." in out
    assert "Verdict: say no. Over 24 months it costs 912.00 more than 58元套餐." in out
    assert "Against the cheapest catalogue plan" in out

    by_flags = run("offer", str(usage), "--fee", "128", "--discount", "50%", "--for", "12", "--data", "30 GB",
                   "--voice", "300 min", "--sms", "100", "--current", str(mine), "--start", "2027-01",
                   "--format", "json")
    assert by_flags.exit_code == 0, by_flags.stderr
    doc = json.loads(by_flags.stdout)
    assert doc["kind"] == "offer" and doc["term"] == 24 and doc["verdict"] == "decline"
    assert doc["offer"]["total"] == "2304.00" and doc["offer"]["rates_from"] == "my-58"
    assert doc["price_changes"] == [{"month": 13, "calendar": "2028-01", "before": "64.00", "after": "128.00",
                                     "delta": "64.00"}]
    assert doc["against_current"]["extra"] == "912.00" and doc["against_current"]["turns"] == 1
    assert len(doc["offer"]["months"]) == 24

    zh = run("offer", str(pitch), str(usage), "--current", str(mine), "--start", "2027-01", "--lang", "zh")
    assert "从第 13 个月（2028-01）起，月费由 64.00 变为 128.00" in zh.stdout


def test_offer_command_usage_errors(tmp_path: Path) -> None:
    usage, mine, pitch = _files(tmp_path)
    assert run("offer", str(usage)).exit_code == 2  # no offer at all
    assert run("offer", str(usage), "--fee", "128").exit_code == 2  # no rates to borrow
    assert run("offer", str(pitch), str(usage), "--fee", "128").exit_code == 2  # file and flags
    assert run("offer", str(pitch), str(tmp_path / "missing.csv")).exit_code == 2
    r = run("offer", str(usage), "--fee", "128", "--for", "12", "--current", str(mine), "--format", "json")
    assert r.exit_code == 2 and json.loads(r.stderr.strip().splitlines()[-1])["error"]["exit_code"] == 2


# ---------------------------------------------------------------- the switching guide


def test_rules_come_from_the_facts_with_sources() -> None:
    assert {r.url.removeprefix("https://") for r in RULES} == FACTS_URLS
    for r in RULES:
        assert r.tag in {"A", "A-", "B", "B-", "C"} and r.title["en"] and r.text["zh"]


def test_guide_steps_and_rules_depend_on_the_operators() -> None:
    cheap = make_plan(id="cheap", operator="China Telecom", monthly_fee="5", eligibility=["student"])
    same = make_plan(id="same-op", operator="China Mobile", monthly_fee="50",
                     commitment={"months": 24, "exit_fee": "100"})
    history = make_history()
    other = compare([cheap], history, start="2027-01", current=same, explain=True).guide
    codes = [s.code for s in other.steps]
    assert codes[:2] == ["conditions", "check_figures"]
    assert {"order", "next_month", "commitment", "port", "refused", "confirm"} <= set(codes)
    assert {r.id for r in other.rules} == {"miit-tariff-marketing-2018", "number-portability-2019",
                                          "mingbai-fangxin-2025", "bill-sms-2018"}
    mobile = make_plan(id="cheap-cm", operator="China Mobile", monthly_fee="5")
    same_op = switching_guide(compare([mobile], history, start="2027-01", current=same))
    assert "port" not in [s.code for s in same_op.steps]
    assert "plan-choice-2006" in {r.id for r in same_op.rules}
    assert "number-portability-2019" not in {r.id for r in same_op.rules}
    stay = switching_guide(compare([mobile], history, start="2027-01", current=mobile))
    assert stay.steps[0].code == "stay"
    unknown = switching_guide(compare([mobile], history, start="2027-01"))
    assert {r.id for r in unknown.rules} == {r.id for r in RULES}


def test_explain_on_the_command_line() -> None:
    # the frozen test catalogue, whose cheapest plan for this user is 无忧卡 5元
    sample = (str(ROOT / "sample_bills" / "keep-number-abroad.csv"), "--plans", str(FIXTURE_CATALOGUE))
    r = run("compare", *sample, "--start", "2027-01", "--explain", "--current", "cmcc-5g-128", "--top", "3")
    assert r.exit_code == 0, r.stderr
    out = flat(r.stdout)
    assert "How to switch to 无忧卡（201905）5元" in out
    assert "keep your number by number portability (携号转网)" in out
    assert "Rules you may cite" in out
    assert "news.fjsen.com/2019-11/11/content_30051976.htm (B, in force 2019-12-01)" in out
    r = run("compare", *sample, "--start", "2027-01", "--explain", "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["explain"]["plan"] == doc["plans"][0]["id"]
    assert all(rule["url"].startswith("https://") for rule in doc["explain"]["rules"])
    r = run("compare", *sample, "--start", "2027-01", "--explain", "--format", "markdown", "--lang", "zh")
    assert "**如何改用 无忧卡（201905）5元**" in r.stdout and "可引用的规定" in r.stdout


def test_new_core_modules_import_no_terminal_libraries(tmp_path: Path) -> None:
    code = ("import sys\nimport tariffcli.compare.offer, tariffcli.compare.addons, tariffcli.compare.scenarios, tariffcli.compare.switching\n"
            "print('UI', sorted(m for m in ('typer', 'rich', 'click') if m in sys.modules))\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False,
                       env={"PYTHONPATH": str(ROOT)})
    assert "UI []" in r.stdout, r.stdout + r.stderr


# ---------------------------------------------------------------- regressions (review of the offer command)


def test_rates_can_be_borrowed_from_every_catalogue_plan() -> None:
    """Borrowed rates were dumped as bare KB numbers and read back: "volume_cap: 15728640 has no unit"."""
    catalogue = load_plans()
    history = make_history(**USER)
    for base in catalogue:
        plan = offer_from_terms(fee="20", data="1 GB", rates_from=base, told_on=date(2026, 11, 21))
        assert plan.overage == base.overage, base.id
        assert (plan.operator, plan.province, plan.currency) == (base.operator, base.province, base.currency)
        v = judge_offer(plan, history, catalogue, start="2027-01")
        assert v.offer.plan.id == "offer" and v.term == 12, base.id


def test_rates_borrowed_from_a_capped_plan_on_the_command_line(tmp_path: Path) -> None:
    usage, _, _ = _files(tmp_path)
    for how in (("--rates-from", "cmcc-8yuan-shenzhen-voice"), ("--current", "cmcc-8yuan-shenzhen-voice"),
                ("--current", "unicom-tencent-dawangka-19"), ("--rates-from", "telecom-5g-changxiang-129")):
        r = run("offer", str(usage), "--fee", "20", "--data", "1 GB", *how, "--start", "2027-01")
        assert r.exit_code == 0, r.stderr
        assert f"Out-of-bundle rates are those of {how[1]}" in flat(r.stdout)


FLAG_ONLY = [("--fee", "128"), ("--discount", "50%"), ("--promo-fee", "64"), ("--for", "12"), ("--from-month", "5"),
             ("--voice", "500 min"), ("--sms", "100"), ("--data", "30 GB"), ("--app-data", "unlimited"),
             ("--commitment", "24"), ("--rates-from", "cmcc-5g-128")]


@pytest.mark.parametrize(("flag", "value"), FLAG_ONLY)
def test_options_for_an_offer_by_flags_are_refused_with_an_offer_file(tmp_path: Path, flag: str, value: str) -> None:
    usage, mine, pitch = _files(tmp_path)
    r = run("offer", str(pitch), str(usage), flag, value, "--current", str(mine), "--start", "2027-01")
    assert r.exit_code == 2, r.stdout
    assert f"{flag}: only for an offer given by flags" in r.stderr


def test_from_month_moves_the_promotion_of_an_offer_by_flags(tmp_path: Path) -> None:
    usage, mine, _ = _files(tmp_path)
    r = run("offer", str(usage), "--fee", "128", "--discount", "50%", "--for", "3", "--from-month", "5",
            "--current", str(mine), "--start", "2027-01", "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [(c["month"], c["before"], c["after"]) for c in doc["price_changes"]] == [(5, "128.00", "64.00"),
                                                                                    (8, "64.00", "128.00")]
    assert doc["offer"]["name"] == "128/month, 50% off in months 5-7"
    r = run("offer", str(usage), "--fee", "128", "--from-month", "5", "--current", str(mine))
    assert r.exit_code == 2 and "--from-month needs --for" in r.stderr
    with pytest.raises(UsageError):
        offer_from_terms(fee="128", from_month=5, rates_from=make_plan(**FITS_58), told_on=date(2026, 11, 21))


def test_bad_terms_are_named_by_their_flags_all_at_once(tmp_path: Path) -> None:
    usage, mine, _ = _files(tmp_path)
    r = run("offer", str(usage), "--fee", "abc", "--data", "30 GiB", "--voice", "lots", "--discount", "120%",
            "--for", "12", "--current", str(mine))
    assert r.exit_code == 2
    errors = [line for line in r.stderr.splitlines() if line.startswith("Error: ")]
    assert [e.split(":")[1].strip() for e in errors] == ["--fee", "--discount", "--voice", "--data"]
    assert "Error: --data: unknown data unit 'GiB'" in r.stderr
    for leak in ("allowances", "function-before", "Value error", "monthly_fee", "promotions"):
        assert leak not in r.stderr, leak
    r = run("offer", str(usage), "--fee", "128", "--sms", "many", "--app-data", "-1 GB", "--current", str(mine),
            "--format", "json")
    doc = json.loads(r.stderr.strip().splitlines()[-1])
    assert [(p["field"], p["code"]) for p in doc["error"]["problems"]] == [("sms", "usage"), ("app-data", "usage")]
    assert doc["error"]["problems"][1]["message"] == "--app-data: '-1 GB' is negative"


def test_a_missing_offer_is_named_as_the_offer_argument(tmp_path: Path) -> None:
    usage, _, _ = _files(tmp_path)
    r = run("offer", str(tmp_path / "pitch-missing.yaml"), str(usage))
    assert r.exit_code == 2
    assert "OFFER: no such plan file" in r.stderr and "--offer" not in r.stderr
    r = run("offer", "cmcc-5g-12", str(usage))
    assert r.exit_code == 2
    assert "OFFER: no plan with id 'cmcc-5g-12'" in r.stderr and "did you mean cmcc-5g-128" in r.stderr
    assert "--offer" not in r.stderr


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_offer_text_is_wrapped_to_the_console_width(tmp_path: Path) -> None:
    usage, mine, pitch = _files(tmp_path)
    args = ("offer", str(pitch), str(usage), "--current", str(mine), "--start", "2027-01")
    wide = run(*args)
    env = {"NO_COLOR": "1", "COLUMNS": "80", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}
    for lang, width in (("en", 80), ("zh", 80), ("en", 40), ("zh", 36)):
        r = CliRunner().invoke(app, [*args, "--lang", lang], env={**env, "COLUMNS": str(width)},
                               catch_exceptions=False)
        assert r.exit_code == 0, r.stderr
        assert max(_cells(line) for line in r.stdout.splitlines()) <= width, (lang, width)
        if lang == "en":  # only line breaks were added: no word or number is split (a Chinese name may break
            # between two characters, as in compare's footer)
            assert "".join(r.stdout.split()) == "".join(wide.stdout.split())
            assert {w for w in wide.stdout.split() if w.isascii()} <= set(r.stdout.split())
        else:
            assert "".join(r.stdout.split()) == "".join(run(*args, "--lang", "zh").stdout.split())
    for number in ("2304.00", "1392.00", "912.00", "（2028-01）"):
        assert number in r.stdout  # the last run: Chinese at 36 columns
    out = tmp_path / "verdict.txt"
    r = CliRunner().invoke(app, [*args, "--output", str(out)], env=env, catch_exceptions=False)
    assert r.exit_code == 0
    assert any(_cells(line) > 80 for line in out.read_text("utf-8").splitlines())  # a file keeps one sentence a line


def test_wrapping_never_splits_a_word_and_keeps_the_indent() -> None:
    line = "  It costs 1234567.89 more than 5G畅享 全国版 129元 (telecom-5g-changxiang-129) over the term."
    lines = wrap_line(line, 30)
    assert all(_cells(x) <= 30 for x in lines) and all(x.startswith("  ") for x in lines)
    assert " ".join(lines).split() == line.split()  # breaks only where there were spaces
    assert wrap_line("  a-very-long-identifier-wider-than-the-line x", 10) == ["  a-very-long-identifier-wider-than-the-line",
                                                                              "  x"]
    item = wrap_line("- It includes 0 min of calls; you call about 192 min a month: over it in 18 of 18 months.", 40)
    assert item[0].startswith("- ") and all(x.startswith("  ") for x in item[1:])
    assert wrap_line("Against 腾讯大王卡 (unicom-tencent-dawangka-19): 1785.50.", 30)[0] == "Against 腾讯大王卡"
    zh = wrap_line("从第 13 个月（2028-01）起，月费由 64.00 变为 128.00（每月 +64.00）。", 20, cjk=True)
    assert all(_cells(x) <= 20 for x in zh)
    assert not any(x.startswith(("，", "）", "。")) or x.endswith("（") for x in zh)
    assert any("（2028-01）" in x for x in zh) and any("128.00" in x for x in zh)
