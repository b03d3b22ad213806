"""The bill analyzer: each finding on a sample that should and one that should not trigger it,
the seed 002 story end to end, reconciliation against the engine, reminders, and the command.

Golden files are tests/golden/analyze-*; regenerate them after an intended
change with ``TARIFFCLI_UPDATE_GOLDEN=1 python -m pytest tests/test_analyze.py``
and read the diff.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURE_CATALOGUE, examples, fen, make_plan
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tariffcli.analyze.reminders import reminder_dates, reminders_for, to_ical
from tariffcli.analyze.report import SPIKE_MIN_FEN, analyze
from tariffcli.cli.app import app
from tariffcli.engine import LINES
from tariffcli.inputs.bills import parse_bill_csv
from tariffcli.inputs.catalogue import parse_plan
from tariffcli.inputs.files import load_plans
from tariffcli.inputs.records import parse_records_csv
from tariffcli.inputs.usage import UsageHistory
from tariffcli.model.errors import DataError, UsageError
from tariffcli.model.money import format_fen

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_bills" / "analyze"
GOLDEN = Path(__file__).resolve().parents[1] / "golden"
SCHEMA = json.loads((ROOT / "tariffcli" / "schemas" / "analysis.schema.json").read_text("utf-8"))
UPDATE = os.environ.get("TARIFFCLI_UPDATE_GOLDEN") == "1"
CATALOGUE = load_plans()
FROZEN = load_plans([FIXTURE_CATALOGUE])
"""The frozen test catalogue: the household sample's bill was written from these plans' terms."""
FROZEN_BY_ID = {p.id: p for p in FROZEN}
BY_ID = {p.id: p for p in CATALOGUE}


def plan_file(name: str):
    return parse_plan((SAMPLES / name).read_text("utf-8"), name)


def records(name: str):
    return parse_records_csv((SAMPLES / name).read_bytes(), name)


def bill(name: str, extra: str = ""):
    return parse_bill_csv((SAMPLES / name).read_bytes() + extra.encode("utf-8"), name)


def seed002(**kw):
    args = dict(records=records("seed002-records.csv"), bill=bill("seed002-bill.csv"),
                plans={None: plan_file("seed002-plan.yaml")}, since={None: "2009-01"}, catalogue=CATALOGUE,
                today=date(2010, 3, 5))
    args.update(kw)
    return analyze(**args)


def household(**kw):
    args = dict(records=records("household-records.csv"), bill=bill("household-bill.csv"),
                plans={"13800000001": FROZEN_BY_ID["cmcc-5g-128"],
                       "13800000002": FROZEN_BY_ID["cmcc-8yuan-shenzhen-voice"]},
                since={"13800000001": "2025-06", "13800000002": "2023-03"}, catalogue=FROZEN,
                today=date(2026, 5, 10))
    args.update(kw)
    return analyze(**args)


def elderly(**kw):
    args = dict(records=records("elderly-datapack-records.csv"), bill=bill("elderly-datapack-bill.csv"),
                plans={None: plan_file("elderly-datapack-plan.yaml")}, since={None: "2025-09"}, catalogue=CATALOGUE,
                today=date(2026, 1, 20))
    args.update(kw)
    return analyze(**args)


def codes(report) -> set[str]:
    return {f.code for f in report.findings}


def only(report, code: str, line: str = ""):
    found = [f for f in report.findings if f.code == code and f.line == line]
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------- seed 002, end to end


def test_seed002_reports_the_lapse_the_spike_the_topups_and_a_cheaper_way() -> None:
    r = seed002()
    # the bill is the plan's terms exactly, so nothing is a mismatch
    assert "bill_mismatch" not in codes(r)
    lapse = only(r, "promotion_expired")
    assert lapse.params["what"] == "5元GPRS套餐" and lapse.params["pack"]
    assert lapse.params["last_month"] == "2009-12" and lapse.params["ends"] == "2010-01-01"
    # what the lapse cost in total: January's 13.28 of data only replaced part of the top-up (0.00 extra);
    # February: 286.02 billed instead of the 150.00 minimum with the pack
    assert lapse.months == ("2010-01", "2010-02")
    assert lapse.amount == fen("136.02")
    spike = only(r, "out_of_bundle_spike")
    assert spike.months == ("2010-02",)
    assert (spike.params["total"], spike.params["usual"]) == (fen("286.02"), fen("150.00"))
    assert spike.params["cause"] == "pack_ended" and spike.params["group"] == "data"
    assert spike.params["increase"] == fen("173.82")
    topup = only(r, "minimum_spend_topup")
    assert topup.months == ("2009-11", "2009-12", "2010-01")
    assert [m["amount"] for m in topup.params["per_month"]] == [fen("39.50"), fen("22.20"), fen("19.34")]
    # January's 13.28 of data (with 29.38 of calls and SMS) counted toward the minimum
    assert topup.params["absorbed"] >= fen("13.28")
    cheaper = [f for f in r.findings if f.code == "cheaper_plan"]
    assert {f.params["kind"] for f in cheaper} == {"catalogue", "addon"}
    addon = next(f for f in cheaper if f.params["kind"] == "addon")
    assert addon.params["addon"] == "5元GPRS套餐"
    assert addon.params["best"] == 12 * fen("150.00")  # the pack back: the minimum spend every month
    # most money first
    assert [abs(f.amount) for f in r.findings] == sorted((abs(f.amount) for f in r.findings), reverse=True)


def test_seed002_bill_reproduces_the_article_figures() -> None:
    b = bill("seed002-bill.csv")
    jan, feb = b.charges("")["2010-01"], b.charges("")["2010-02"]
    assert (jan["data"], jan["topup"], feb["data"]) == (fen("13.28"), fen("19.34"), fen("173.82"))
    months = {m.month: m for m in seed002().lines[0].months}
    assert all(m.charged == m.expected for m in months.values())


# ---------------------------------------------------------------- each finding: should and should not


def test_minimum_spend_topup_without_a_bill_comes_from_the_plan() -> None:
    r = seed002(bill=None)
    assert only(r, "minimum_spend_topup").amount == fen("81.04")
    assert {(s.check, s.reason) for s in r.skipped} == {("recurring_value_added", "no_bill"),
                                                          ("bill_mismatch", "no_bill")}
    assert "minimum_spend_topup" not in codes(household())


def test_spike_threshold() -> None:
    assert "out_of_bundle_spike" not in codes(household())
    plan = make_plan(monthly_fee="50")

    def report(last: str):
        text = "month,item,amount\n" + "".join(f"2026-0{m},Monthly fee,50.00\n" for m in (1, 2, 3))
        text += f"2026-04,Monthly fee,50.00\n2026-04,Data charges,{last}\n"
        return analyze(bill=parse_bill_csv(text.encode(), "b.csv"), plans={None: plan}, today=date(2026, 5, 1))

    assert "out_of_bundle_spike" not in codes(report("24.99"))  # 74.99 < 1.5 x 50.00
    spike = only(report("25.00"), "out_of_bundle_spike")  # 75.00 = 1.5 x 50.00, and 25.00 >= 20.00 above
    assert spike.amount == fen("25.00") and spike.params["cause"] == "charges_rose"
    # 1.5 times, but less than SPIKE_MIN_FEN above: small bills make no noise
    small = make_plan(monthly_fee="10")
    text = "month,item,amount\n" + "".join(f"2026-0{m},Monthly fee,10.00\n" for m in (1, 2, 3, 4))
    text += "2026-04,Data charges,19.99\n"
    quiet = analyze(bill=parse_bill_csv(text.encode(), "b.csv"), plans={None: small}, today=date(2026, 5, 1))
    assert "out_of_bundle_spike" not in codes(quiet) and fen("19.99") < SPIKE_MIN_FEN


def test_spike_from_a_new_pattern_of_use() -> None:
    plan = make_plan(monthly_fee="10", overage={"data": {"rate": "1", "per": "MB", "increment": "KB"}})
    usage = UsageHistory.from_rows(["2026-01", "2026-02", "2026-03"], [0, 0, 0], [0, 0, 0], ["1 MB", "1 MB", "40 MB"])
    spike = only(analyze(usage=usage, plans={None: plan}, today=date(2026, 4, 2)), "out_of_bundle_spike")
    assert spike.params["cause"] == "usage_rose" and spike.params["ratio"] == "40.0"


def test_promotion_expired_and_its_lookback() -> None:
    assert "promotion_expired" not in codes(elderly())
    # the pack's last month was 2009-12: still news in 2010-12 (12 months before), no longer in 2011-01
    assert "promotion_expired" in codes(seed002(today=date(2010, 12, 31)))
    assert "promotion_expired" not in codes(seed002(today=date(2011, 1, 1)))


def test_promotion_expiring_with_the_monthly_change_and_reminders() -> None:
    assert "promotion_expiring" not in codes(seed002())
    r = elderly()
    f = only(r, "promotion_expiring")
    assert f.params["last_month"] == "2026-02" and f.params["ends"] == "2026-03-01"
    assert f.params["monthly_change"] == fen("10.00")  # the pack goes from 10.00 to 20.00
    assert f.amount == 10 * fen("10.00")  # 2026-03..2026-12 within the 12 months from 2026-01
    assert [(x.day, x.kind) for x in r.reminders] == [(date(2026, 2, 1), "month_before"),
                                                       (date(2026, 2, 22), "week_before")]


def test_recurring_value_added() -> None:
    f = only(household(), "recurring_value_added", "13800000002")
    assert f.params["item"] == "彩铃功能费" and f.amount == 4 * fen("5.00")
    assert len(f.refs) == 4 and f.refs[0] == "household-bill.csv:6"
    assert "recurring_value_added" not in codes(seed002())
    once = bill("seed002-bill.csv", "201002,彩铃,5.00\n")  # one month only
    assert "recurring_value_added" not in codes(seed002(bill=once))


def test_unused_addon() -> None:
    f = only(elderly(), "unused_addon")
    assert f.params["service"] == "data" and f.amount == 4 * fen("10.00")
    assert "unused_addon" not in codes(seed002())  # the GPRS pack was used
    # without a bill, the pack comes from the plan's phase
    assert only(elderly(bill=None), "unused_addon").amount == 4 * fen("10.00")


def test_idle_line() -> None:
    r = household()
    f = only(r, "idle_line", "13800000002")
    assert f.params == {"n": 4, "no_records": True}
    assert f.amount == 4 * (fen("8.00") + fen("5.00"))
    assert not [x for x in r.findings if x.code == "idle_line" and x.line == "13800000001"]
    assert "idle_line" not in codes(seed002()) and "idle_line" not in codes(elderly())


def test_bill_mismatch_names_an_extra_charge() -> None:
    for report in (seed002(), household(), elderly()):
        assert "bill_mismatch" not in codes(report)
    extra = bill("seed002-bill.csv", "201002,套餐外语音通话费,5.00\n")
    f = only(seed002(bill=extra), "bill_mismatch")
    assert f.months == ("2010-02",) and f.amount == fen("5.00")
    assert f.params["group"] == "voice" and f.params["expected"] == fen("15.20")
    assert f.params["suspect"] == {"row": 21, "item": "套餐外语音通话费", "amount": fen("5.00")}
    assert "seed002-bill.csv:21" in f.refs
    assert [x.code for x in seed002(bill=extra).findings].count("bill_mismatch") == 1


def test_an_unmapped_item_is_reported_and_is_a_mismatch() -> None:
    r = seed002(bill=bill("seed002-bill.csv", "201002,神秘费用,3.00\n"))
    assert [b.item for b in r.unmapped] == ["神秘费用"]
    f = only(r, "bill_mismatch")
    assert f.params["group"] == "other" and f.amount == fen("3.00")
    assert r.lines[0].charged == fen("736.02") + fen("3.00")  # counted, never dropped


def test_a_bill_computed_by_the_engine_never_mismatches() -> None:
    from tariffcli.analyze.lines import engine_usage
    from tariffcli.engine import simulate
    from tariffcli.model.months import month_range

    plan = plan_file("seed002-plan.yaml")
    items = {"fee": "套餐月费", "addons": "GPRS套餐费", "voice": "语音通话费", "sms": "短信费", "data": "上网流量费",
             "topup": "不足最低消费补收"}

    @settings(max_examples=examples(25))
    @given(st.lists(st.tuples(st.integers(0, 900), st.integers(0, 300), st.integers(0, 60_000)),
                    min_size=1, max_size=5))
    def check(months: list[tuple[int, int, int]]) -> None:
        names = month_range("2009-10", len(months))
        usage = UsageHistory.from_rows(names, [v for v, _, _ in months], [s for _, s, _ in months],
                                       [d for _, _, d in months])
        lines = simulate([plan], engine_usage(usage, None, usage.months), [10]).lines[0]
        text = "month,item,amount\n" + "".join(
            f"{m},{item},{format_fen(int(lines[i, LINES.index(k)]))}\n"
            for i, m in enumerate(usage.months) for k, item in items.items())
        r = analyze(usage=usage, bill=parse_bill_csv(text.encode(), "b.csv"), plans={None: plan},
                    since={None: "2009-01"}, today=date(2010, 3, 5))
        assert "bill_mismatch" not in codes(r)
        # and one fen more on any line is still within the tolerance, two fen are not
        off = text.replace(f"{names[0]},短信费,{format_fen(int(lines[0, LINES.index('sms')]))}",
                           f"{names[0]},短信费,{format_fen(int(lines[0, LINES.index('sms')]) + 2)}")
        r = analyze(usage=usage, bill=parse_bill_csv(off.encode(), "b.csv"), plans={None: plan},
                    since={None: "2009-01"}, today=date(2010, 3, 5))
        assert [f.params["group"] for f in r.findings if f.code == "bill_mismatch"] == ["sms"]

    check()


def test_cheaper_plan_only_when_there_is_one() -> None:
    assert "cheaper_plan" in codes(seed002())
    # alone in the catalogue, the user's own plan (its pack still running) has nothing cheaper
    r = elderly(catalogue=[plan_file("elderly-datapack-plan.yaml")])
    assert "cheaper_plan" not in codes(r)
    f = only(household(), "cheaper_plan", "13800000002")
    assert f.params["current"] == 12 * fen("8.00")


def test_cheaper_plan_never_names_a_plan_not_on_sale() -> None:
    # the bundled catalogue holds withdrawn and historical plans; the household's own plans are two of them
    status = {p.id: p.status.value for p in CATALOGUE}
    assert status["cmcc-5g-128"] != "on-sale" and status["cmcc-8yuan-shenzhen-voice"] != "on-sale"
    bundled = {"13800000001": BY_ID["cmcc-5g-128"], "13800000002": BY_ID["cmcc-8yuan-shenzhen-voice"]}
    named = [f.params["plan_id"] for r in (seed002(), elderly(), household(plans=bundled, catalogue=CATALOGUE))
             for f in r.findings if f.code == "cheaper_plan" and f.params["kind"] == "catalogue"]
    assert named and all(status[i] == "on-sale" for i in named)
    # a withdrawn and a historical plan cheaper than the only plan on sale: the plan on sale is named
    big = {"voice": "5000 min", "sms": "1000", "data": "100 GB"}
    gone = make_plan(id="gone-cheap", monthly_fee="1", allowances=big, status="historical", last_seen="2009-01-01")
    stopped = make_plan(id="stopped-cheaper", monthly_fee="0.50", allowances=big, status="withdrawn")
    sold = make_plan(id="sold-dearer", monthly_fee="2", allowances=big)
    f = next(f for f in seed002(catalogue=[gone, stopped, sold]).findings
             if f.code == "cheaper_plan" and f.params["kind"] == "catalogue")
    assert f.params["plan_id"] == "sold-dearer"
    assert [f.params["kind"] for f in seed002(catalogue=[gone, stopped]).findings if f.code == "cheaper_plan"] == [
        "addon"]  # nothing on sale in the catalogue: only the plan's own pack is suggested


# ---------------------------------------------------------------- lines and inputs


def test_lines_without_a_column_are_matched_or_refused() -> None:
    hh = records("household-records.csv")
    one_line_bill = parse_bill_csv(b"month,item,amount\n2026-01,fee,8.00\n", "b.csv")
    r = analyze(records=hh, bill=one_line_bill, today=date(2026, 5, 1))
    assert [lr.line for lr in r.lines] == ["13800000001"]  # the records' only line
    with pytest.raises(DataError, match="has no line column"):
        analyze(records=records("seed002-records.csv"), bill=bill("household-bill.csv"), today=date(2026, 5, 1))


def test_plan_for_an_unknown_line_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no line 13900000000"):
        household(plans={"13900000000": FROZEN_BY_ID["cmcc-5g-128"]})


def test_a_bill_alone_still_finds_topups_and_services() -> None:
    r = analyze(bill=bill("household-bill.csv"), today=date(2026, 5, 10))
    assert codes(r) == {"recurring_value_added"}
    assert ("idle_line", "no_usage") in {(s.check, s.reason) for s in r.skipped}
    assert ("cheaper_plan", "no_plan") in {(s.check, s.reason) for s in r.skipped}


def test_plan_since_after_the_data_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"^--plan-since 2011-01 is after the last month analysed \(2010-02\)$"):
        seed002(bill=None, since={None: "2011-01"})
    assert seed002(bill=None, since={None: "2010-02"}).lines[0].months[-1].expected is not None  # the last month: fine
    # a household: the line whose own --plan-since is past its data is named
    with pytest.raises(UsageError, match=r"--plan-since 2027-01 is after the last month analysed for line "
                                         r"13800000002 \(2026-04\)"):
        household(since={"13800000001": "2025-06", "13800000002": "2027-01"})
    with pytest.raises(UsageError, match=r"^--plan-since 2027-01 is after the last month analysed \(2026-04\)$"):
        household(since={None: "2027-01"})
    # a bill alone: its last month
    with pytest.raises(UsageError, match=r"^--plan-since 2026-01 is after the last month analysed \(2025-12\)$"):
        analyze(bill=bill("elderly-datapack-bill.csv"), plans={None: plan_file("elderly-datapack-plan.yaml")},
                since={None: "2026-01"}, today=date(2026, 1, 20))


def test_promotions_without_plan_since_are_counted_from_the_first_month_with_a_warning() -> None:
    r = seed002(since={})
    assert r.lines[0].plan_since == "2009-11"
    assert any("--plan-since" in w for w in r.warnings)


# ---------------------------------------------------------------- reminders and iCalendar


def test_reminder_dates() -> None:
    ends = date(2026, 3, 1)
    assert reminder_dates(ends, date(2026, 1, 1)) == [("month_before", date(2026, 2, 1)),
                                                      ("week_before", date(2026, 2, 22))]
    assert reminder_dates(ends, date(2026, 2, 10)) == [("week_before", date(2026, 2, 22))]
    assert reminder_dates(ends, date(2026, 2, 25)) == [("now", date(2026, 2, 25))]
    assert reminder_dates(ends, date(2026, 3, 1)) == []


def test_reminders_only_within_the_horizon() -> None:
    plan = plan_file("seed002-plan.yaml")
    assert len(reminders_for(plan, "2009-01", today=date(2009, 10, 1), horizon=12)) == 2
    assert reminders_for(plan, "2009-01", today=date(2009, 10, 1), horizon=2) == ()  # ends 2010-01-01
    assert reminders_for(plan, "2009-01", today=date(2010, 1, 1), horizon=12) == ()  # already ended


def test_icalendar_output_parses_back() -> None:
    from icalendar import Calendar

    r = elderly()
    data = to_ical(r.reminders, today=r.today, lang="en")
    assert data == to_ical(r.reminders, today=r.today, lang="en")  # deterministic
    assert b"\r\n" in data
    cal = Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert [e.decoded("dtstart") for e in events] == [date(2026, 2, 1), date(2026, 2, 22)]
    assert all(str(e["summary"]) == "4G流量包 1GB（半价） ends on 2026-03-01" for e in events)
    assert len({str(e["uid"]) for e in events}) == 2
    assert all(list(e.walk("VALARM")) for e in events)
    assert "+10.00" in str(events[0]["description"])


# ---------------------------------------------------------------- the command


def run(*args: str, env: dict[str, str] | None = None):
    base = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env={**base, **(env or {})}, catch_exceptions=False)


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with TARIFFCLI_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


CASES = {
    "seed002": ["seed002-records.csv", "--bill", "seed002-bill.csv", "--plan", "seed002-plan.yaml",
                "--plan-since", "2009-01", "--today", "2010-03-05"],
    "household": ["household-records.csv", "--bill", "household-bill.csv", "--plan", "13800000001=cmcc-5g-128",
                  "--plan", "13800000002=cmcc-8yuan-shenzhen-voice", "--plan-since", "13800000001=2025-06",
                  "--plan-since", "138 0000 0002=2023-03", "--today", "2026-05-10"],
    "elderly-datapack": ["elderly-datapack-records.csv", "--bill", "elderly-datapack-bill.csv", "--plan",
                         "elderly-datapack-plan.yaml", "--plan-since", "2025-09", "--today", "2026-01-20"],
}


@pytest.fixture
def in_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLES)  # relative paths: the output names files as the user wrote them


@pytest.mark.parametrize("case", sorted(CASES))
def test_command_golden_outputs_and_schema(case: str, in_samples: None) -> None:
    r = run("analyze", *CASES[case], "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, SCHEMA)
    golden(f"analyze-{case}.json", r.stdout)
    r = run("analyze", *CASES[case])
    assert r.exit_code == 0, r.stderr
    golden(f"analyze-{case}.table.txt", r.stdout)
    r = run("analyze", *CASES[case], "--format", "markdown", "--lang", "zh")
    assert r.exit_code == 0, r.stderr
    golden(f"analyze-{case}.zh.md", r.stdout)


def test_json_amounts_are_decimal_strings_that_add_up(in_samples: None) -> None:
    doc = json.loads(run("analyze", *CASES["household"], "--format", "json").stdout)
    for line in doc["lines"]:
        assert Decimal(line["charged"]) == sum(Decimal(m["charged"]) for m in line["months"])
    assert Decimal(doc["household"]["charged"]) == sum(Decimal(lr["charged"]) for lr in doc["lines"])
    for f in doc["findings"]:
        assert isinstance(f["amount"], str) and Decimal(f["amount"]).as_tuple().exponent == -2


def test_ics_written_and_csv_format(tmp_path: Path, in_samples: None) -> None:
    out = tmp_path / "reminders.ics"
    r = run("analyze", *CASES["elderly-datapack"], "--ics", str(out), "--format", "csv")
    assert r.exit_code == 0, r.stderr
    assert "2 reminder(s) written" in r.stderr
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    lines = r.stdout.splitlines()
    assert lines[0] == "code,line,months,amount,currency,finding,advice,refs"
    assert [line.split(",")[0] for line in lines[1:]] == ["cheaper_plan", "promotion_expiring", "unused_addon"]


def test_output_is_deterministic_and_output_file_equals_stdout(tmp_path: Path, in_samples: None) -> None:
    out = tmp_path / "a.json"
    first = run("analyze", *CASES["seed002"], "--format", "json").stdout
    assert run("analyze", *CASES["seed002"], "--format", "json", "--output", str(out)).stdout == ""
    assert out.read_text("utf-8") == first == run("analyze", *CASES["seed002"], "--format", "json").stdout


def test_monthly_usage_file_is_accepted(tmp_path: Path) -> None:
    usage = ROOT / "sample_bills" / "lapsed-promotion.csv"
    r = run("analyze", str(usage), "--plan", "cmcc-8yuan-shenzhen-data", "--today", "2026-11-21", "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["inputs"]["usage_kind"] == "monthly"
    jsonschema.validate(doc, SCHEMA)


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--today", "2026-13-01", "seed002-records.csv"], 2, "--today"),
    ([], 2, "nothing to analyse"),
    (["seed002-records.csv", "--plan", "cmcc-nope"], 2, "no plan with id 'cmcc-nope'"),
    (["seed002-records.csv", "--plan-since", "2009-01"], 2, "--plan-since needs --plan"),
    (["seed002-records.csv", "--plan", "seed002-plan.yaml", "--plan-since", "2009-13"], 2, "--plan-since: '2009-13' has month 13"),
    (["seed002-records.csv", "--plan", "x=seed002-plan.yaml", "--plan", "seed002-plan.yaml"], 2, ""),
    (["seed002-records.csv", "--plan", "139=seed002-plan.yaml"], 2, "no line 139"),
    (["seed002-records.csv", "--plan", "seed002-plan.yaml", "--plan-since", "2011-01", "--today", "2010-03-05"], 2,
     "--plan-since 2011-01 is after the last month analysed (2010-02)"),
    (["missing.csv"], 2, ""),
    (["seed002-records.csv", "--bill", "household-bill.csv"], 1, "seed002-records.csv:1: the bill has several lines"),
])
def test_bad_usage_and_bad_data_exit_codes(args: list[str], code: int, message: str, in_samples: None) -> None:
    r = run("analyze", *args, "--format", "json")
    assert r.exit_code == code, r.stdout + r.stderr
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    assert message in r.stderr


def test_bad_records_name_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "r.csv"
    bad.write_text("起始时间,类型,主被叫,时长\n2026-01-05 08:00,通话,主叫,1分\n2026-01-06 08:00,通话,主叫,一分钟\n",
                   encoding="gb18030")
    r = run("analyze", str(bad), "--format", "json")
    assert r.exit_code == 1 and r.stdout == ""
    assert f"{bad}:3: 时长: cannot read '一分钟' as a duration" in r.stderr
    err = json.loads(r.stderr.strip().splitlines()[-1])
    assert err["error"]["problems"][0] == {"code": "bad_value", "message": err["error"]["problems"][0]["message"],
                                           "file": str(bad), "line": 3, "field": "时长"}


def test_failed_ics_write_is_a_usage_error(tmp_path: Path, in_samples: None) -> None:
    r = run("analyze", *CASES["elderly-datapack"], "--ics", str(tmp_path / "no" / "such" / "dir.ics"))
    assert r.exit_code == 2 and r.stdout == ""
    assert "cannot write" in r.stderr


def test_analyze_help_does_not_import_the_core() -> None:
    import subprocess
    import sys

    code = ("import sys\nfrom tariffcli.cli.app import main\nsys.argv = ['tariffcli', 'analyze', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', sorted(m for m in ('pandas', 'numpy', 'icalendar', 'tariffcli.engine') if m in sys.modules))\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(ROOT)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


def test_core_modules_do_not_import_terminal_libraries() -> None:
    import subprocess
    import sys

    code = ("import sys\nimport tariffcli.inputs.records, tariffcli.inputs.bills, tariffcli.analyze.report, tariffcli.analyze.reminders\n"
            "print('UI', sorted(m for m in ('typer', 'rich', 'click') if m in sys.modules))\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(ROOT)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert "UI []" in out.stdout, out.stdout + out.stderr


def test_docs_name_every_finding_code_and_threshold() -> None:
    import tariffcli.analyze.report as an

    doc = (ROOT / "docs" / "analyze.md").read_text("utf-8")
    for code in an.CHECKS:
        assert f"`{code}`" in doc
    for name in ("TOPUP_MIN_FEN", "SPIKE_RATIO", "SPIKE_MIN_FEN", "SPIKE_MIN_OTHER_MONTHS", "EXPIRED_LOOKBACK_MONTHS",
                 "VAS_MIN_MONTHS", "UNUSED_ADDON_MIN_MONTHS", "IDLE_MIN_MONTHS", "MISMATCH_TOLERANCE_FEN",
                 "CHEAPER_MIN_YEARLY_SAVING_FEN"):
        value = getattr(an, name)
        shown = format_fen(value) if name.endswith("_FEN") else str(value)
        assert f"`{name}` = {shown}" in doc or f"`{name}` = {value}" in doc, name


def test_sample_plans_say_they_are_illustrative() -> None:
    for name in ("seed002-plan.yaml", "elderly-datapack-plan.yaml"):
        p = plan_file(name)
        assert p.confidence.value == "example"
        assert p.notes is not None and "ILLUSTRATIVE" in p.notes and "ASSUMPTION" in p.notes


def test_report_objects_are_immutable() -> None:
    r = seed002()
    with pytest.raises(AttributeError):
        r.findings[0].amount = 0  # type: ignore[misc]
    assert replace(r, findings=()).findings == ()


def test_a_bill_and_a_plan_without_usage_count_only_fees() -> None:
    r = analyze(bill=bill("elderly-datapack-bill.csv"), plans={None: plan_file("elderly-datapack-plan.yaml")},
                since={None: "2025-09"}, today=date(2026, 1, 20))
    f = only(r, "promotion_expiring")
    assert f.params["at_usage"] is False and f.params["monthly_change"] == fen("10.00")
    from tariffcli.render.analyze import finding_texts

    assert "Without usage figures" in finding_texts(f, "en")[1]
    assert {s.check for s in r.skipped} >= {"unused_addon", "idle_line", "bill_mismatch", "cheaper_plan"}


def test_checks_not_run_name_their_lines() -> None:
    r = household(plans={"13800000001": FROZEN_BY_ID["cmcc-5g-128"]}, since={"13800000001": "2025-06"})
    skipped = {(s.check, s.reason): s.lines for s in r.skipped}
    assert skipped[("cheaper_plan", "no_plan")] == ("13800000002",)
    from tariffcli.render.analyze import render_text_footer

    assert "cheaper_plan (13800000002: your plan not given (--current))" in render_text_footer(r)
