"""Options that never silently do nothing, and errors in the user's own words (issue 12).

Each test here failed before: an unknown ``--operator``, ``--tag`` or ``--eligible`` gave an empty or
shrunken table with exit 0; ``--cite`` did nothing to a table; ``plans show -f csv`` printed YAML;
errors named options the user never typed; pydantic's own wording reached the user.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURE_CATALOGUE
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tariffcli.inputs.catalogue import parse_plan
from tariffcli.inputs.validation import plain_message
from tariffcli.model.errors import DataError

ROOT = Path(__file__).resolve().parents[2]
USAGE = str(ROOT / "sample_bills" / "keep-number-abroad.csv")
CORPUS = ROOT / "tests" / "bad_inputs"
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}
FIXED = ("--plans", str(FIXTURE_CATALOGUE), "--start", "2027-01")

LIBRARY_WORDS = ("Input should", "String should", "Tuple should", "List should", "Value error", "Field required",
                 "Assertion failed", "validation error", "pydantic", "after validation", "unable to parse",
                 "Datetimes provided")
"""pydantic's phrases: none may reach a user."""


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env=ENV, catch_exceptions=False)


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize("alias", ["China Unicom", "Unicom", "unicom", "联通", "中国联通", "cucc", "CUCC"])
def test_operator_aliases_in_both_languages(alias: str) -> None:
    r = run("compare", USAGE, *FIXED, "--operator", alias, "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows and {row["operator"] for row in rows} == {"China Unicom"}


def test_plans_list_takes_operator_aliases() -> None:
    r = run("plans", "list", "--plans", str(FIXTURE_CATALOGUE), "--operator", "移动", "--all", "--format", "csv")
    assert r.exit_code == 0
    assert {row["operator"] for row in csv.DictReader(io.StringIO(r.stdout))} == {"China Mobile"}


def test_unknown_operator_is_a_usage_error_with_a_suggestion() -> None:
    r = run("compare", USAGE, *FIXED, "--operator", "China Unicon")
    assert r.exit_code == 2 and r.stdout == ""
    assert "--operator" in r.stderr and "did you mean 'China Unicom'?" in r.stderr


def test_operator_with_no_plan_in_the_catalogue_says_so() -> None:
    r = run("compare", USAGE, *FIXED, "--operator", "广电")
    assert r.exit_code == 2
    assert "no plan of China Broadnet in the catalogue" in r.stderr


def test_tag_typo_gets_did_you_mean_and_exit_2() -> None:
    r = run("compare", USAGE, *FIXED, "--tag", "keepnumber")
    assert r.exit_code == 2 and r.stdout == ""
    assert "--tag" in r.stderr and "did you mean 'keep-number'?" in r.stderr


def test_filters_that_leave_no_plan_are_an_error_naming_them() -> None:
    r = run("compare", USAGE, *FIXED, "--operator", "China Telecom", "--tag", "pre-deposit")
    assert r.exit_code == 2 and r.stdout == ""
    assert "no plan matches --operator China Telecom --tag pre-deposit" in r.stderr
    r = run("plans", "list", "--plans", str(FIXTURE_CATALOGUE), "--max-fee", "0.01")
    assert r.exit_code == 2 and "no plan matches --max-fee 0.01" in r.stderr


def test_eligible_typo_gets_did_you_mean_and_the_keys() -> None:
    r = run("compare", USAGE, *FIXED, "--eligible", "stduent")
    assert r.exit_code == 2 and r.stdout == ""
    assert "did you mean 'student'?" in r.stderr
    assert "not-a-premium-number" in r.stderr  # the keys the catalogue has are listed
    assert run("compare", USAGE, *FIXED, "--eligible", "student,学生", "--format", "csv").exit_code == 0


# ---------------------------------------------------------------- options that did nothing


def test_cite_adds_a_sources_footer_to_the_table() -> None:
    plain = run("compare", USAGE, *FIXED, "--top", "2")
    cited = run("compare", USAGE, *FIXED, "--top", "2", "--cite")
    assert "Sources:" not in plain.stdout
    assert "Sources:" in cited.stdout and "retrieved 20" in cited.stdout
    bars = run("compare", USAGE, *FIXED, "--top", "2", "--cite", "--bars")
    assert "Sources:" in bars.stdout


def test_with_addons_without_optional_packs_says_it_has_no_effect() -> None:
    r = run("compare", USAGE, *FIXED, "--operator", "China Telecom", "--with-addons")
    assert r.exit_code == 0
    assert "--with-addons has no effect" in r.stderr


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_plans_show_csv_and_markdown(fmt: str) -> None:
    pid = "unicom-liuliangwang-8-data"
    r = run("plans", "show", pid, "--plans", str(FIXTURE_CATALOGUE), "-f", fmt)
    assert r.exit_code == 0
    assert "id:" not in r.stdout.splitlines()[0]  # not the YAML view
    if fmt == "csv":
        rows = dict(csv.reader(io.StringIO(r.stdout)))
        assert rows["id"] == pid and rows["operator"] == "China Unicom"
    else:
        assert f"| id | {pid} |" in r.stdout.replace("\\-", "-")


# ---------------------------------------------------------------- errors in the user's words


def test_plans_show_names_the_positional_not_plan() -> None:
    r = run("plans", "show", "x")
    assert r.exit_code == 2
    assert "--plan" not in r.stderr and "ID: no plan with id 'x'" in r.stderr


def test_month_options_name_themselves_and_read_like_usage_files() -> None:
    r = run("compare", USAGE, *FIXED, "--current", "telecom-wuyouka-5", "--current-since", "03-2025")
    assert r.exit_code == 2 and "Error: --current-since: '03-2025'" in r.stderr and "start" not in r.stderr
    ok = [run("compare", USAGE, "--plans", str(FIXTURE_CATALOGUE), "--start", s, "--format", "csv").stdout
          for s in ("2027-01", "2027/01", "202701", "2027年1月")]
    assert ok[0] and all(o == ok[0] for o in ok)
    assert "--start: '2027-13' has month 13" in run("compare", USAGE, "--start", "2027-13").stderr


# ---------------------------------------------------------------- no validation-library wording



MUTATIONS: list[tuple[str, Any]] = [
    ("id", "Bad_ID"), ("id", 5), ("name", ["a"]), ("confidence", "sure"), ("status", "gone"), ("first_month", 3),
    ("sources", []), ("sources", [{"url": "https://a", "retrieved": "x"}]), ("tags", [1]),
    ("promotions", [{"from_month": 0, "to_month": 3, "fee": 5}]),
    ("promotions", [{"from_month": "a", "to_month": 2, "fee": 1}]),
    ("promotions", [{"from_month": 1, "to_month": 700, "fee": 1}]),
    ("addons", [{"id": "a", "name": "a", "fee": 1, "optional": "perhaps"}]),
    ("valid_from", "yesterday"), ("valid_from", 5), ("filing_number", "??"), ("notes", ["x"]),
]


def ok_plan() -> dict[str, Any]:
    files = sorted((CORPUS / "plans" / "ok").glob("*.yaml"))
    return dict(yaml.safe_load(files[0].read_text("utf-8")))


@pytest.mark.parametrize(("key", "value"), MUTATIONS, ids=[f"{k}-{i}" for i, (k, _) in enumerate(MUTATIONS)])
def test_bad_plan_files_get_plain_words(key: str, value: Any) -> None:
    doc = ok_plan() | {key: value}
    with pytest.raises(DataError) as caught:
        parse_plan(yaml.safe_dump(doc, allow_unicode=True), "p.yaml")
    text = str(caught.value)
    assert not [w for w in LIBRARY_WORDS if w.casefold() in text.casefold()], text


def test_the_bad_input_corpus_has_no_library_wording() -> None:
    for path in sorted((CORPUS / "plans").glob("*.yaml")):
        r = run("plans", "validate", str(path))
        assert not [w for w in LIBRARY_WORDS if w in r.stderr], r.stderr


@pytest.mark.parametrize("args", [
    ("--term", "0"), ("--for", "0"), ("--fee", "-1"), ("--discount", "x"), ("--data", "lots"), ("--commitment", "-3"),
])
def test_offer_options_get_plain_words(args: tuple[str, ...]) -> None:
    plan = sorted((CORPUS / "plans" / "ok").glob("*.yaml"))[0]
    r = run("offer", str(plan), USAGE, *args)
    assert r.exit_code in (1, 2)
    assert not [w for w in LIBRARY_WORDS if w in r.stderr], r.stderr


def test_plain_words_in_chinese() -> None:
    err = {"type": "greater_than_equal", "ctx": {"ge": 1}, "msg": "Input should be greater than or equal to 1"}
    assert plain_message(err) == "should be at least 1"
    assert plain_message(err, lang="zh") == "应不小于 1"
    odd = {"type": "some_future_type", "msg": "Input should be whatever"}
    assert "Input should" not in plain_message(odd) and "Input should" not in plain_message(odd, lang="zh")


# ---------------------------------------------------------------- arguments in the wrong place


def test_swapped_offer_arguments_say_which_goes_first() -> None:
    plan = str(CORPUS / "plans" / "ok" / "ok-plan.yaml")
    r = run("offer", USAGE, plan)
    assert r.exit_code == 2 and r.stdout == ""
    assert "the first argument should be a plan file" in r.stderr
    assert f"did you mean: tariffcli offer {plan} {USAGE}" in r.stderr
    assert "UTF-8" not in r.stderr and "mapping" not in r.stderr


def test_a_plan_file_given_as_usage_says_so(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"  # no telling suffix: the content is sniffed
    plan.write_text((CORPUS / "plans" / "ok" / "ok-plan.yaml").read_text("utf-8"), "utf-8")
    r = run("compare", str(plan))
    assert r.exit_code == 2
    assert "looks like a plan file, not a usage CSV" in r.stderr and "no month column" not in r.stderr
    r = run("analyze", str(plan))
    assert r.exit_code == 2 and "looks like a plan file" in r.stderr and "--plan" in r.stderr
    r = run("analyze", USAGE, "--bill", str(plan))
    assert r.exit_code == 2 and "--bill" in r.stderr and "not a bill CSV" in r.stderr


# ---------------------------------------------------------------- thin history


def test_a_thin_history_is_warned_about(tmp_path: Path) -> None:
    two = tmp_path / "two.csv"
    two.write_text("\n".join(Path(USAGE).read_text("utf-8").splitlines()[:3]) + "\n", "utf-8")
    r = run("compare", str(two), *FIXED, "--format", "json")
    assert r.exit_code == 0
    assert "only 2 months of usage" in r.stderr and "only 2 months" not in r.stdout
    assert "months of usage" not in run("compare", USAGE, *FIXED, "--format", "json").stderr
    a = run("analyze", str(two))
    assert "only 2 months of usage" in a.stderr


def test_cite_adds_a_sources_footer_to_the_baskets_table() -> None:
    args = ("baskets", "--plans", str(FIXTURE_CATALOGUE), "--date", "2027-01-01", "--basket", "itu-2024-voice")
    plain, cited = run(*args), run(*args, "--cite")
    assert plain.exit_code == cited.exit_code == 0
    assert "Sources:" not in plain.stdout and "Sources:" in cited.stdout


def test_a_ranking_with_no_plan_left_is_an_error_naming_why(tmp_path: Path) -> None:
    text = (CORPUS / "plans" / "ok" / "ok-plan.yaml").read_text("utf-8")
    (tmp_path / "old.yaml").write_text(text + "valid_to: 2026-06-01\n", "utf-8")
    r = run("compare", USAGE, "--plans", str(tmp_path), "--start", "2027-01", "--operator", "Test Mobile")
    assert r.exit_code == 2 and r.stdout == ""
    assert "no plan left to rank" in r.stderr and "--operator Test Mobile" in r.stderr and "--start" in r.stderr


def test_notices_speak_the_users_language(tmp_path: Path) -> None:
    two = tmp_path / "two.csv"
    two.write_text("\n".join(Path(USAGE).read_text("utf-8").splitlines()[:3]) + "\n", "utf-8")
    r = run("compare", str(two), *FIXED, "--operator", "China Telecom", "--with-addons", "--lang", "zh")
    assert r.exit_code == 0
    assert "用量只有 2 个月" in r.stderr and "--with-addons 不起作用" in r.stderr
    assert "only 2 months" not in r.stderr and "has no effect" not in r.stderr


@pytest.mark.parametrize("args", [
    ["compare", USAGE, "--lang", "fr"], ["compare", USAGE, "--scenario", "p99"], ["compare", USAGE, "--format", "xml"],
    ["compare", USAGE, "--horizon", "0"], ["offer", USAGE, "--commitment", "0"], ["batch", "x.csv", "--top", "99"],
    ["compare", USAGE, "--lang", "fr", "--format", "json"],
])
def test_option_errors_of_the_parser_have_no_library_wording(args: list[str], capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from tariffcli.cli.app import main

    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "Invalid value" in err or "should be" in err
    assert not [w for w in LIBRARY_WORDS if w in err], err


def test_options_the_format_ignores_say_so() -> None:
    r = run("compare", USAGE, *FIXED, "--format", "csv", "--explain")
    assert r.exit_code == 0 and "--explain has no effect with --format csv" in r.stderr
    r = run("compare", USAGE, *FIXED, "--format", "json", "--cite")
    assert r.exit_code == 0 and "--cite changes nothing in JSON" in r.stderr
    assert "--cite" not in run("compare", USAGE, *FIXED, "--format", "markdown", "--cite").stderr
    r = run("baskets", "--plans", str(FIXTURE_CATALOGUE), "--date", "2027-01-01", "--format", "json", "--cite")
    assert r.exit_code == 0 and "--cite changes nothing in JSON" in r.stderr
