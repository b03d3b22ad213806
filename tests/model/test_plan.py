"""Plan files: what parses, and what every mistake looks like (file:line: message)."""

from __future__ import annotations

import random
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import GB, MB, PLAN_FILES, PLANS_DIR
from jsonschema import Draft202012Validator

from tariffcli.inputs.catalogue import load_catalogue, parse_plan
from tariffcli.inputs.yaml_located import load_yaml
from tariffcli.model.errors import DataError
from tariffcli.model.plan import FirstMonth, Plan, plan_json_schema

VALID = """\
id: test-plan
name: 测试套餐
operator: China Mobile
province: national
monthly_fee: 8.00
allowances:
  voice: 30 min
  data: 100 MB
overage:
  voice: {rate: 0.25}
  sms: {rate: 0.10}
  data:
    rate: 0.29
    per: MB
    increment: KB
confidence: example
sources:
  - url: https://example.com/plan
    retrieved: 2026-01-01
"""
"""A valid plan; line numbers below refer to it (monthly_fee is on line 5)."""


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path) -> Plan:
    return parse_plan(path.read_text(encoding="utf-8"), str(path))


def fail(tmp_path: Path, text: str, name: str = "plan.yaml") -> tuple[DataError, Path]:
    path = write(tmp_path, text, name)
    with pytest.raises(DataError) as info:
        load(path)
    return info.value, path


def messages(err: DataError) -> list[str]:
    return str(err).splitlines()


def swap(old: str, new: str, text: str = VALID) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# ---------------------------------------------------------------- valid plans


def test_a_valid_plan_parses(tmp_path):
    path = write(tmp_path, VALID)
    plan = load(path)
    assert plan.id == "test-plan"
    assert plan.name == "测试套餐"
    assert plan.monthly_fee == Decimal("8.00")
    assert plan.currency == "CNY"
    assert plan.first_month is FirstMonth.FULL
    assert plan.allowances.voice == 30
    assert plan.allowances.data == 100 * MB
    assert plan.allowances.app_data is None
    assert plan.overage.data.rate == Decimal("0.29")
    assert plan.overage.data.per == "MB"
    assert plan.sources[0].retrieved == date(2026, 1, 1)
    assert plan.origin == str(path)


def test_a_plan_is_immutable(tmp_path):
    plan = load(write(tmp_path, VALID))
    with pytest.raises(ValueError, match="frozen"):
        plan.monthly_fee = Decimal("1")  # type: ignore[misc]


def test_amounts_are_exact_decimals_not_floats():
    plan = parse_plan(swap("monthly_fee: 8.00", "monthly_fee: 9.99"), "p.yaml")
    assert plan.monthly_fee == Decimal("9.99")
    assert isinstance(plan.monthly_fee, Decimal)


def test_the_plan_format_guides_full_example():
    text = """\
id: telecom-5g-changxiang-129
name: 5G畅享 全国版 129元
operator: China Telecom
province: national
monthly_fee: 129.00
first_month: full
allowances: {voice: 500 min, sms: 0, data: 30 GB}
overage:
  voice: {rate: 0.15}
  sms: {rate: 0.10}
  data:
    ramp: {rate: 0.03, per: MB, block: 1 GB, block_price: 3.00}
    increment: MB
    cap: 600.00
tags: [5g, mainstream]
confidence: example
sources:
  - {url: https://jz08.com/article/24810.html, retrieved: 2026-11-21, tag: C}
"""
    plan = parse_plan(text, "129.yaml")
    ramp = plan.overage.data.ramp
    assert ramp is not None
    assert (ramp.rate, ramp.per, ramp.block, ramp.block_price) == (Decimal("0.03"), "MB", GB, Decimal("3.00"))
    assert plan.overage.data.cap == Decimal("600.00")
    assert plan.allowances.data == 30 * GB


@pytest.mark.parametrize("word", ["unlimited", "不限量", "无限"])
def test_unlimited_words(word):
    plan = parse_plan(swap("voice: 30 min", f"voice: {word}"), "p.yaml")
    assert plan.allowances.voice == "unlimited"


def test_promotions_and_addons_parse():
    text = (
        VALID
        + """\
addons:
  - {id: data-5, name: 5元流量包, fee: 5.00, allowances: {data: 1 GB}}
promotions:
  - {from_month: 1, to_month: 6, discount: "50%"}
  - {from_month: 7, to_month: 12, fee: 6.00, credit: 1.00, addons: [data-5]}
"""
    )
    plan = parse_plan(text, "p.yaml")
    assert plan.promotions[0].discount == Decimal("50")
    assert plan.promotions[1].addons == ("data-5",)
    assert plan.addon("data-5").allowances.data == GB


# ---------------------------------------------------------------- mistakes, each with its line


def test_unknown_key_with_a_suggestion(tmp_path):
    err, path = fail(tmp_path, swap("monthly_fee:", "monthy_fee:"))
    assert f"{path}:5: unknown key 'monthy_fee' (did you mean 'monthly_fee'?)" in messages(err)
    (problem,) = [p for p in err.problems if p.code == "unknown_key"]
    assert problem.line == 5
    assert problem.file == str(path)


def test_unknown_nested_key_with_a_suggestion(tmp_path):
    err, path = fail(tmp_path, swap("    per: MB", "    pre: MB"))
    assert messages(err) == [f"{path}:14: overage.data.pre: unknown key 'pre' (did you mean 'per'?)"]


def test_every_error_in_a_file_is_reported_at_once(tmp_path):
    text = VALID
    text = swap("monthly_fee: 8.00", "monthly_fee: -8.00", text)  # line 5
    text = swap("data: 100 MB", "data: 100 MiB", text)  # line 8
    text = swap("sms: {rate: 0.10}", "sms: {rate: 0.1234567}", text)  # line 11
    text = swap("confidence: example", "confidense: example", text)  # line 16
    err, path = fail(tmp_path, text)
    lines = sorted({p.line for p in err.problems})
    assert {5, 8, 11, 16} <= set(lines)
    shown = "\n".join(messages(err))
    assert f"{path}:5: monthly_fee: must not be negative" in shown
    assert f"{path}:8: allowances.data: unknown data unit 'MiB'" in shown
    assert f"{path}:11: overage.sms.rate: 0.1234567 has more than six decimal places" in shown
    assert f"{path}:16: unknown key 'confidense' (did you mean 'confidence'?)" in shown


def test_binary_data_unit_is_refused(tmp_path):
    err, path = fail(tmp_path, swap("data: 100 MB", "data: 5 GiB"))
    (problem,) = err.problems
    assert problem.line == 8
    assert problem.field == "allowances.data"
    assert "unknown data unit 'GiB'" in problem.message
    assert "1 GB = 1024 MB" in problem.message


def test_data_without_a_unit_is_refused(tmp_path):
    err, _ = fail(tmp_path, swap("data: 100 MB", "data: 200"))
    (problem,) = err.problems
    assert problem.line == 8
    assert "has no unit" in problem.message


def test_negative_fee(tmp_path):
    err, path = fail(tmp_path, swap("monthly_fee: 8.00", "monthly_fee: -8.00"))
    (problem,) = err.problems
    assert (problem.line, problem.field) == (5, "monthly_fee")
    assert "must not be negative" in problem.message


def test_more_than_two_decimals(tmp_path):
    err, path = fail(tmp_path, swap("monthly_fee: 8.00", "monthly_fee: 8.001"))
    assert messages(err) == [f"{path}:5: monthly_fee: 8.001 has more than two decimal places (got '8.001')"]


def test_missing_required_key(tmp_path):
    err, path = fail(tmp_path, swap("operator: China Mobile\n", ""))
    assert any(p.code == "missing_key" and "operator" in p.message for p in err.problems)


def test_overlapping_promotion_phases(tmp_path):
    text = (
        VALID
        + """\
promotions:
  - {from_month: 1, to_month: 6, fee: 4.00}
  - {from_month: 6, to_month: 12, fee: 6.00}
"""
    )
    err, path = fail(tmp_path, text)
    (problem,) = err.problems
    assert problem.code == "overlap"
    assert problem.line == 22
    assert "overlaps phase 1 (months 1-6)" in problem.message


def test_phase_with_both_fee_and_discount(tmp_path):
    err, _ = fail(tmp_path, VALID + "promotions:\n  - {from_month: 1, to_month: 6, fee: 4.00, discount: 10}\n")
    assert any("not both" in p.message for p in err.problems)


def test_data_with_both_rate_and_ramp(tmp_path):
    text = swap("    increment: KB", "    increment: MB\n    ramp: {rate: 0.03, block: 1 GB, block_price: 3.00}")
    err, path = fail(tmp_path, text)
    assert messages(err) == [
        f"{path}:12: overage.data: give exactly one of 'rate', 'tiers' or 'ramp' for out-of-bundle data"
    ]


def test_data_with_no_shape_at_all(tmp_path):
    text = swap("    rate: 0.29\n", "")
    err, _ = fail(tmp_path, text)
    assert any("exactly one of 'rate', 'tiers' or 'ramp'" in p.message for p in err.problems)


def test_tiers_must_rise(tmp_path):
    text = swap(
        "    rate: 0.29\n    per: MB\n",
        "    tiers:\n      - {up_to: 3 GB, rate: 5, per: GB}\n      - {up_to: 2 GB, rate: 4, per: GB}\n      - {rate: 3, per: GB}\n",
    )
    err, _ = fail(tmp_path, text)
    assert [p.message for p in err.problems] == ["tiers must rise"]
    assert err.problems[0].line == 15


def test_phase_referencing_an_unknown_addon(tmp_path):
    text = VALID + "promotions:\n  - {from_month: 1, to_month: 6, addons: [data-5]}\n"
    err, path = fail(tmp_path, text)
    assert messages(err) == [f"{path}:21: promotions.0.addons.0: no add-on 'data-5' in this plan's 'addons'"]


def test_data_rate_too_large_to_bill_exactly(tmp_path):
    err, _ = fail(tmp_path, swap("    rate: 0.29\n    per: MB", "    rate: 9999\n    per: KB"))
    assert [p.code for p in err.problems] == ["out_of_range"]


def test_valid_to_before_valid_from(tmp_path):
    err, _ = fail(tmp_path, VALID + "valid_from: 2025-01-01\nvalid_to: 2024-01-01\n")
    assert [p.line for p in err.problems] == [21]


# ---------------------------------------------------------------- unsafe or broken YAML


def test_duplicate_yaml_key(tmp_path):
    err, path = fail(tmp_path, VALID + "monthly_fee: 9.00\n")
    assert messages(err) == [f"{path}:20: duplicate key 'monthly_fee' (first on line 5)"]
    assert err.problems[0].code == "yaml_duplicate_key"


def test_python_object_tag_is_refused(tmp_path):
    err, path = fail(tmp_path, VALID + "notes: !!python/object/apply:os.system [echo hacked]\n")
    (problem,) = err.problems
    assert problem.code == "yaml_tag"
    assert problem.line == 20
    assert "python/object" in problem.message


def test_billion_laughs_is_refused_quickly(tmp_path):
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    started = time.perf_counter()
    err, _ = fail(tmp_path, "\n".join(levels) + "\n")
    assert err.problems[0].code == "yaml_too_large"
    assert time.perf_counter() - started < 10  # 9**9 values if expanded: it must stop long before


def test_yaml_syntax_error_has_a_line(tmp_path):
    err, path = fail(tmp_path, swap("  voice: {rate: 0.25}", "  voice: {rate: 0.25"))
    (problem,) = err.problems
    assert problem.code == "yaml_syntax"
    assert problem.line is not None and 10 <= problem.line <= 11
    assert str(problem).startswith(f"{path}:{problem.line}: YAML syntax error")


@pytest.mark.parametrize(("text", "code"), [("", "empty"), ("   \n", "empty"), ("- a\n- b\n", "invalid")])
def test_empty_or_non_mapping_file(tmp_path, text, code):
    err, _ = fail(tmp_path, text)
    assert err.problems[0].code == code


# ---------------------------------------------------------------- the catalogue


def plan_text(plan_id: str, fee: str = "8.00") -> str:
    return swap("monthly_fee: 8.00", f"monthly_fee: {fee}", swap("id: test-plan", f"id: {plan_id}"))


def test_duplicate_id_across_files(tmp_path):
    a = write(tmp_path, plan_text("same-id"), "a.yaml")
    b = write(tmp_path, plan_text("same-id", "9.00"), "b.yaml")
    files = [(str(p), p.read_text(encoding="utf-8")) for p in (a, b)]
    with pytest.raises(DataError) as forward:
        load_catalogue(files)
    with pytest.raises(DataError) as backward:
        load_catalogue(list(reversed(files)))
    (problem,) = forward.value.problems
    assert problem.code == "duplicate_id"
    assert str(a) in problem.message or str(b) in problem.message
    assert {problem.file, *[s for s in (str(a), str(b)) if s in problem.message]} == {str(a), str(b)}
    assert str(forward.value) == str(backward.value)


def test_catalogue_collects_problems_from_every_file(tmp_path):
    files = [
        ("good.yaml", plan_text("good")),
        ("bad-fee.yaml", plan_text("bad-fee", "-1")),
        ("bad-key.yaml", swap("name:", "nmae:", plan_text("bad-key"))),
    ]
    with pytest.raises(DataError) as info:
        load_catalogue(files)
    assert {p.file for p in info.value.problems} == {"bad-fee.yaml", "bad-key.yaml"}


def bundled_files() -> list[tuple[str, str]]:
    return [(str(p), p.read_text(encoding="utf-8")) for p in PLAN_FILES]


def test_bundled_catalogue_loads_whatever_the_file_order():
    files = bundled_files()
    assert files, f"no plan files under {PLANS_DIR}"
    expected = load_catalogue(files)
    assert [p.id for p in expected] == sorted(p.id for p in expected)
    for seed in range(5):
        shuffled = files[:]
        random.Random(seed).shuffle(shuffled)
        got = load_catalogue(shuffled)
        assert got == expected
        assert [p.origin for p in got] == [p.origin for p in expected]


# ---------------------------------------------------------------- the JSON Schema


def to_json(value: Any) -> Any:
    """YAML values as JSON would hold them: Decimals as numbers, dates as ISO strings."""
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = plan_json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_plan_schema_is_a_valid_json_schema():
    schema = plan_json_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_hand_written_plan_validates_against_the_schema(validator):
    doc = to_json(load_yaml(VALID, "p.yaml").data)
    assert list(validator.iter_errors(doc)) == []


def test_schema_refuses_an_unknown_key(validator):
    doc = to_json(load_yaml(swap("monthly_fee:", "monthy_fee:"), "p.yaml").data)
    assert not validator.is_valid(doc)


@pytest.mark.parametrize("path", PLAN_FILES, ids=lambda p: p.relative_to(PLANS_DIR).as_posix())
def test_every_bundled_plan_validates_against_the_schema(validator, path):
    doc = to_json(load_yaml(path.read_text(encoding="utf-8"), str(path)).data)
    errors = [f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []
