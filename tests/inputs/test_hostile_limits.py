"""Limits that bound work (issue 15): each is checked before the work it bounds, with an error naming it.

Every input is generated here, the smallest one that shows the bound: one item over the limit, and where it
matters, items that would each be a problem of their own, so that a single error proves the count was
checked first. See /work/staging/hardening-limits.md (docs/hardening.md) for the table of limits.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from conftest import BASE_PLAN, examples
from hypothesis import given, settings
from hypothesis import strategies as st

import tariffcli.inputs.files as files
import tariffcli.inputs.records as records
from tariffcli.inputs.baskets import parse_baskets
from tariffcli.inputs.bills import parse_bill_csv
from tariffcli.inputs.catalogue import overlapping_phases, parse_plan
from tariffcli.inputs.csvtext import parse_month_cell
from tariffcli.inputs.records import parse_records_csv
from tariffcli.inputs.records.careful import parse_careful
from tariffcli.inputs.usage import parse_usage_csv
from tariffcli.model import limits
from tariffcli.model.errors import DataError
from tariffcli.model.plan import Phase, Plan

PLAN_HEAD = """\
id: limits-plan
name: Limits
operator: Test Mobile
province: national
monthly_fee: 10
overage:
  voice: {rate: 0.25}
  sms: {rate: 0.10}
  data: {rate: 0.29, per: MB}
confidence: example
sources:
  - {url: "https://example.com/plan", retrieved: 2026-01-01}
"""


def plan_text(extra: str = "", *, head: str = PLAN_HEAD) -> str:
    return head + extra


def refused(text: str, source: str = "plan.yaml") -> DataError:
    with pytest.raises(DataError) as info:
        parse_plan(text, source)
    return info.value


def messages(err: DataError) -> list[str]:
    return [str(p) for p in err.problems]


# ---------------------------------------------------------------- plans: items per list


def _items(key: str, n: int, item: str) -> str:
    return f"{key}:\n" + "".join(f"  - {item}\n" for _ in range(n))


@pytest.mark.parametrize(("key", "limit", "item", "what"), [
    # each item is wrong on its own (a phase with both fee and discount, a tier without a rate...): one error
    # about the count and none about the items shows the count is checked before they are validated
    ("promotions", limits.MAX_PHASES, "{from_month: 0, to_month: 0, fee: x}", "promotion phases"),
    ("addons", limits.MAX_ADDONS, "{id: BAD, fee: -1}", "add-ons"),
    ("eligibility", limits.MAX_ELIGIBILITY, "[nested]", "eligibility entries"),
    ("tags", limits.MAX_TAGS, "{not: text}", "tags"),
])
def test_too_many_items_in_a_plan_list_is_one_error_before_validation(key, limit, item, what):
    err = refused(plan_text(_items(key, limit + 1, item)))
    (problem,) = err.problems
    assert problem.code == "too_many"
    assert problem.field == key
    assert problem.line == 13
    assert problem.message == f"{limit + 1:,} items: a plan may have at most {limit:,} {what}"


def test_too_many_sources_and_tiers():
    head = PLAN_HEAD.replace("  data: {rate: 0.29, per: MB}\n", "  data:\n" + "".join(
        "    " + ln for ln in _items("tiers", limits.MAX_TIERS + 1, "{rate: x}").splitlines(True)))
    err = refused(head + "".join(
        "  - {url: u, retrieved: 0001-01-01}\n" for _ in range(limits.MAX_SOURCES)))
    assert [(p.field, p.code) for p in err.problems] == [("overage.data.tiers", "too_many"), ("sources", "too_many")]
    assert "at most 100 data tiers" in err.problems[0].message
    assert "at most 100 sources" in err.problems[1].message


def test_a_phase_bundling_too_many_addons():
    phase = "{from_month: 1, to_month: 2, addons: [" + ", ".join(["x"] * (limits.MAX_PHASE_ADDONS + 1)) + "]}"
    err = refused(plan_text(_items("promotions", 1, phase)))
    assert [(p.field, p.code) for p in err.problems] == [("promotions.0.addons", "too_many")]


def test_the_model_itself_holds_the_limits():
    """Plans built in Python (not from a file) are held to the same counts by pydantic."""
    data = {**BASE_PLAN, "promotions": [{"from_month": 1, "to_month": 1}] * (limits.MAX_PHASES + 1)}
    with pytest.raises(ValueError, match="at most 600"):
        Plan.model_validate(data)


def test_a_yaml_list_longer_than_max_items_stops_composing():
    from tariffcli.inputs.yaml_located import MAX_ITEMS

    text = plan_text("promotions: [" + "1, " * MAX_ITEMS + "1]\n")
    err = refused(text)
    (problem,) = err.problems
    assert problem.code == "yaml_too_large"
    assert f"more than {MAX_ITEMS:,} items" in problem.message


# ---------------------------------------------------------------- plans: overlapping phases


def test_overlaps_are_found_in_n_log_n_and_reported_capped():
    n = limits.MAX_PHASES
    text = plan_text(_items("promotions", n, "{from_month: 1, to_month: 600, fee: 1}"))
    started = time.perf_counter()
    err = refused(text)
    assert time.perf_counter() - started < 2  # 179,700 pairs before; a sweep over 600 phases now
    shown = limits.MAX_OVERLAPS_SHOWN
    assert [p.code for p in err.problems] == ["overlap"] * (shown + 1)
    assert messages(err)[:2] == [
        "plan.yaml:15: promotions.1: phase overlaps phase 1 (months 1-600)",
        "plan.yaml:16: promotions.2: phase overlaps phase 1 (months 1-600)",
    ]
    assert messages(err)[-1] == f"plan.yaml:13: promotions: ... and {n - 1 - shown} more phases overlap another one"


def test_two_overlapping_phases_still_name_the_earlier_one():
    err = refused(plan_text("promotions:\n  - {from_month: 6, to_month: 12}\n  - {from_month: 1, to_month: 6}\n"))
    assert messages(err) == ["plan.yaml:15: promotions.1: phase overlaps phase 1 (months 6-12)"]


SPANS = st.lists(st.tuples(st.integers(1, 30), st.integers(0, 8)), max_size=12)


@settings(max_examples=examples(200))
@given(SPANS)
def test_the_sweep_finds_an_overlap_exactly_when_a_pair_overlaps(spans):
    phases = tuple(Phase(from_month=a, to_month=a + d) for a, d in spans)
    brute = {(j, i) for j in range(len(phases)) for i in range(j)
             if phases[j].from_month <= phases[i].to_month and phases[i].from_month <= phases[j].to_month}
    pairs = overlapping_phases(phases)
    assert bool(pairs) == bool(brute)
    assert set(pairs) <= brute
    assert len({later for later, _ in pairs} | {earlier for _, earlier in pairs}) >= len(pairs)


def test_problems_per_plan_file_are_capped():
    phases = "".join(f"  - {{from_month: {m}, to_month: {m}, fee: 1, discount: 5}}\n" for m in range(1, 31))
    err = refused(plan_text("promotions:\n" + phases))
    cap = limits.MAX_PROBLEMS_PER_FILE
    assert len(err.problems) == cap + 1
    assert messages(err)[-1] == f"plan.yaml: ... and {30 - cap} more problems in this file"


def test_validation_problems_per_plan_file_are_capped():
    err = refused(plan_text(_items("promotions", 40, "{from_month: x, to_month: y}")))
    assert len(err.problems) == limits.MAX_PROBLEMS_PER_FILE + 1
    assert err.problems[-1].code == "truncated"


def test_basket_file_problems_are_capped():
    text = "baskets:\n" + "".join(f"  - {{id: b{i}, voice: x}}\n" for i in range(30))
    with pytest.raises(DataError) as info:
        parse_baskets(text, "b.yaml")
    assert len(info.value.problems) == limits.MAX_PROBLEMS_PER_FILE + 1
    assert info.value.problems[-1].code == "truncated"


# ---------------------------------------------------------------- plans: values


@pytest.mark.parametrize("written", ["-0.00", "'-0.00'", "-0", "-0.0"])
def test_a_negative_zero_fee_is_zero(written):
    plan = parse_plan(plan_text().replace("monthly_fee: 10", f"monthly_fee: {written}"), "neg-zero.yaml")
    assert not plan.monthly_fee.is_signed()
    assert str(plan.monthly_fee).lstrip("0.") == "" and not str(plan.monthly_fee).startswith("-")


@pytest.mark.parametrize(("key", "value"), [
    ("valid_to", "9999-12-31"), ("valid_from", "0001-01-01"), ("last_seen", "1989-12-31"),
])
def test_plan_dates_are_held_to_1990_2100(key, value):
    err = refused(plan_text(f"{key}: {value}\n"))
    assert [p.field for p in err.problems] == [key]
    assert "is not between 1990 and 2100" in err.problems[0].message


def test_a_source_date_outside_1990_2100_is_refused():
    err = refused(plan_text().replace("2026-01-01", "0001-01-01"))
    assert any(p.field == "sources.0.retrieved" and "1990 and 2100" in p.message for p in err.problems)


# ---------------------------------------------------------------- plan files per run


def _plan_file(folder: Path, n: int) -> Path:
    path = folder / f"p{n}.yaml"
    path.write_text(plan_text().replace("id: limits-plan", f"id: p{n}"), "utf-8")
    return path


def test_too_many_plan_files_is_refused_while_listing(tmp_path, monkeypatch):
    for n in range(4):
        _plan_file(tmp_path, n)
    monkeypatch.setattr(limits, "MAX_PLAN_FILES", 3)

    def no_read(*args, **kw):
        raise AssertionError("a file was read before the count was checked")

    monkeypatch.setattr(files, "read_text", no_read)
    with pytest.raises(DataError) as info:
        files.plan_files([tmp_path])
    (problem,) = info.value.problems
    assert problem.code == "too_many_files"
    assert problem.message.startswith("more than 3 plan files: at most 3 are read in one run")


def test_files_given_one_by_one_count_too(tmp_path, monkeypatch):
    paths = [_plan_file(tmp_path, n) for n in range(3)]
    monkeypatch.setattr(limits, "MAX_PLAN_FILES", 2)
    with pytest.raises(DataError, match="more than 2 plan files"):
        files.plan_files(paths)


def test_plan_characters_per_run_are_bounded_before_any_parsing(tmp_path, monkeypatch):
    for n in range(3):
        _plan_file(tmp_path, n)
    size = len(plan_text())
    monkeypatch.setattr(limits, "MAX_PLAN_CHARS", 2 * size + 10)

    def no_parse(*args, **kw):
        raise AssertionError("a plan was parsed before the size was checked")

    monkeypatch.setattr(files, "load_catalogue", no_parse)
    with pytest.raises(DataError) as info:
        files.load_plans([tmp_path])
    (problem,) = info.value.problems
    assert problem.code == "too_large" and f"more than {2 * size + 10:,} characters" in problem.message


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_linked_folder_is_followed_and_a_loop_ends(tmp_path):
    top, other = tmp_path / "plans", tmp_path / "elsewhere"
    (top / "sub").mkdir(parents=True)
    other.mkdir()
    _plan_file(top, 1)
    _plan_file(other, 2)
    (top / "linked").symlink_to(other, target_is_directory=True)
    (top / "sub" / "loop").symlink_to(top, target_is_directory=True)  # a link back up
    (top / "again.yaml").symlink_to(top / "p1.yaml")  # the same file under two names
    found, problems = files.plan_files([top, other])
    assert problems == []
    names = [Path(name).name for name, _ in found]
    assert len(names) == 2 and "p2.yaml" in names  # each real file once: p1.yaml or its alias again.yaml
    assert len(files.load_plans([top])) == 2


# ---------------------------------------------------------------- CSV: columns, warnings, months


WIDE = limits.MAX_COLUMNS + 1


def _wide_header(base: str) -> str:
    return base + "," + ",".join(f"x{i}" for i in range(WIDE - base.count(",") - 1))


def test_a_usage_header_of_too_many_columns_is_refused_before_it_is_read():
    data = (_wide_header("month,voice_min,sms,data_mb") + "\n2026-01,1,1,1\n").encode()
    with pytest.raises(DataError) as info:
        parse_usage_csv(data, "u.csv")
    (problem,) = info.value.problems  # not one warning per ignored column
    assert str(problem) == (f"u.csv:1: the row has {WIDE} cells; at most {limits.MAX_COLUMNS} columns are read: "
                            "is this the right file, or is the separator wrong?")
    assert problem.code == "too_many_columns"


def test_a_wide_row_below_the_header_is_refused_at_its_line():
    data = ("month,voice_min,sms,data_mb\n2026-01,1,1,1\n2026-02" + ",1" * (WIDE - 1) + "\n").encode()
    with pytest.raises(DataError) as info:
        parse_usage_csv(data, "u.csv")
    assert [(p.line, p.code) for p in info.value.problems] == [(3, "too_many_columns")]


def test_records_and_bills_are_held_to_the_column_limit(monkeypatch):
    header = _wide_header("start,type,duration,volume")
    data = (header + "\n2026-01-05 08:00:00,call,60,\n").encode()
    for fast in (False, True):
        monkeypatch.setattr(records, "FAST_MIN_BYTES", 0 if fast else 10**9)
        with pytest.raises(DataError) as info:
            parse_records_csv(data, "r.csv")
        assert [(p.line, p.code) for p in info.value.problems] == [(1, "too_many_columns")]
    with pytest.raises(DataError) as info:
        parse_bill_csv((_wide_header("month,item,amount") + "\n2026-01,fee,1\n").encode(), "b.csv")
    assert [(p.line, p.code) for p in info.value.problems] == [(1, "too_many_columns")]


def test_warnings_are_capped_at_the_source():
    unknown = 30
    data = ("month,voice_min,sms,data_mb," + ",".join(f"extra{i}" for i in range(unknown)) + "\n2026-01,1,1,1"
            + "," * unknown + "\n").encode()
    history = parse_usage_csv(data, "u.csv")
    cap = limits.MAX_WARNINGS
    assert len(history.warnings) == cap + 1
    assert history.warnings[-1] == f"u.csv: ... and {unknown - cap} more warnings"
    bill = parse_bill_csv(("month,item,amount," + ",".join(f"e{i}" for i in range(unknown)) + "\n2026-01,fee,1\n")
                          .encode(), "b.csv")
    assert len(bill.warnings) == cap + 1


@pytest.mark.parametrize("cell", ["2026-01-15 99:99:99", "2026-01-15 24:00", "2026-01-15 12:60:00", "2026-01-15 1:00:60"])
def test_a_month_with_a_time_that_does_not_exist_is_refused(cell):
    data = f"month,voice_min,sms,data_mb\n{cell},1,1,1\n".encode()
    with pytest.raises(DataError, match="has a time that does not exist"):
        parse_usage_csv(data, "u.csv")


def test_a_month_with_a_real_time_is_read():
    assert parse_month_cell("2026-01-15 23:59:59") == parse_month_cell("2026-01") == 2026 * 12


@pytest.mark.parametrize("month", ["1989-12", "2101-01", "0001-01", "9999-12"])
def test_months_are_held_to_1990_2100_in_every_csv_reader(month):
    with pytest.raises(DataError, match="between 1990 and 2100"):
        parse_usage_csv(f"month,voice_min,sms,data_mb\n{month},1,1,1\n".encode(), "u.csv")
    with pytest.raises(DataError, match="between 1990 and 2100"):
        parse_bill_csv(f"month,item,amount\n{month},fee,1\n".encode(), "b.csv")
    with pytest.raises(DataError, match="between 1990 and 2100"):
        parse_records_csv(f"start,type,duration\n{month}-05 08:00:00,call,60\n".encode(), "r.csv")


# ---------------------------------------------------------------- records: numbers and months per file


def _records(numbers: int, months: int = 1, first_year: int = 2026) -> bytes:
    rows = ["number,start,type,duration"]
    for n in range(numbers):
        for k in range(months):
            m = (first_year * 12 + k) if n == 0 or k in (0, months - 1) else first_year * 12
            rows.append(f"1380000{n:04d},{m // 12}-{m % 12 + 1:02d}-05 08:00:00,call,60")
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("fast", [False, True])
def test_too_many_numbers_in_a_records_file_stops_the_reading(monkeypatch, fast):
    monkeypatch.setattr(records, "FAST_MIN_BYTES", 0 if fast else 10**9)
    n = limits.MAX_RECORD_LINES
    with pytest.raises(DataError) as info:
        parse_records_csv(_records(n + 1), "r.csv")
    (problem,) = info.value.problems
    assert (problem.line, problem.field, problem.code) == (n + 2, "number", "too_many_lines")
    assert f"more than {n:,} different numbers in one records file" in problem.message


def test_the_limit_is_checked_before_the_rest_of_the_file_is_read():
    n = limits.MAX_RECORD_LINES
    text = _records(n + 1).decode() + "not,a,record,at all\n" * 50
    with pytest.raises(DataError) as info:
        parse_careful(text, "r.csv", 60)
    assert [p.code for p in info.value.problems] == ["too_many_lines"]


@pytest.mark.parametrize("fast", [False, True])
def test_records_spanning_too_many_months_are_refused(monkeypatch, fast):
    monkeypatch.setattr(records, "FAST_MIN_BYTES", 0 if fast else 10**9)
    data = b"start,type,duration\n1990-01-05 08:00,call,60\n2000-02-05 08:00,call,60\n"
    with pytest.raises(DataError) as info:
        parse_records_csv(data, "r.csv")
    (problem,) = info.value.problems
    assert problem.code == "too_many_months"
    assert f"at most {limits.MAX_RECORD_MONTHS} months" in problem.message
    assert "1990-01 to 2000-02 (122 months)" in problem.message


@pytest.mark.parametrize("fast", [False, True])
def test_numbers_times_months_are_bounded(monkeypatch, fast):
    monkeypatch.setattr(records, "FAST_MIN_BYTES", 0 if fast else 10**9)
    months = 13
    numbers = limits.MAX_RECORD_LINE_MONTHS // months + 1
    assert numbers <= limits.MAX_RECORD_LINES
    with pytest.raises(DataError) as info:
        parse_records_csv(_records(numbers, months), "r.csv")
    (problem,) = info.value.problems
    assert problem.code == "too_many_lines"
    assert f"{numbers} numbers over {months} months" in problem.message


def test_a_records_file_at_the_limits_is_read():
    got = parse_records_csv(_records(3, 2), "r.csv")
    assert len(got.lines) == 3 and got.months == ("2026-01", "2026-02")


# ---------------------------------------------------------------- cards (found by the long fuzz)


def test_a_card_offline_in_year_9999_is_skipped_not_a_crash():
    """``offline_date: 99991231`` made the day after it (valid_to) overflow: OverflowError escaped."""
    from tariffcli.inputs.cards import import_cards, parse_cards_json
    from tariffcli.inputs.files import load_standard_rates

    card = {"operator": "China Unicom", "name": "x59", "fee": "月费 59 元", "type": "套餐", "province": "河北",
            "resources": "流量 30GB · 通话 400 分", "online_date": "20260722", "offline_date": "99991231",
            "retrieved": "2026-09-24", "filing_number": "26HE300310"}
    cards = parse_cards_json(json.dumps([card]).encode(), "cards.json")
    report = import_cards(cards, load_standard_rates())
    assert report.plans == ()
    (skipped,) = report.skipped
    assert "not between 1990 and 2100" in str(skipped.reason)
