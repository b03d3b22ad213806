"""The command line as a user meets it: exact output, exit codes, files written.

Golden files live in tests/golden/; regenerate them after an intended change with
``TARIFFCLI_UPDATE_GOLDEN=1 python -m pytest tests/test_cli.py`` and read the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURE_CATALOGUE
from typer.testing import CliRunner

from tariffcli.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_bills"
GOLDEN = Path(__file__).resolve().parents[1] / "golden"
SCHEMA = json.loads((ROOT / "tariffcli" / "schemas" / "comparison.schema.json").read_text("utf-8"))
UPDATE = os.environ.get("TARIFFCLI_UPDATE_GOLDEN") == "1"


def run(*args: str, env: dict[str, str] | None = None) -> object:
    runner = CliRunner()
    base = {"NO_COLOR": "1", "COLUMNS": "80", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}
    return runner.invoke(app, list(args), env={**base, **(env or {})}, catch_exceptions=False)


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with TARIFFCLI_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


SAMPLE_FILES = sorted(p.name for p in SAMPLES.glob("*.csv"))


@pytest.mark.parametrize("sample", SAMPLE_FILES)
def test_compare_json_golden_and_schema(sample: str) -> None:
    r = run("compare", str(SAMPLES / sample), "--start", "2027-01", "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, SCHEMA)
    golden(sample.replace(".csv", ".json"), r.stdout)


@pytest.mark.parametrize("sample", SAMPLE_FILES)
def test_compare_table_and_markdown_golden(sample: str) -> None:
    stem = sample.replace(".csv", "")
    r = run("compare", str(SAMPLES / sample), "--start", "2027-01", "--top", "5")
    assert r.exit_code == 0, r.stderr
    golden(f"{stem}.table.txt", r.stdout)
    assert all(len(line) <= 80 and line == line.rstrip() for line in r.stdout.splitlines())
    r = run("compare", str(SAMPLES / sample), "--start", "2027-01", "--top", "3", "--lang", "zh")
    assert r.exit_code == 0, r.stderr
    golden(f"{stem}.zh.table.txt", r.stdout)
    r = run("compare", str(SAMPLES / sample), "--start", "2027-01", "--format", "markdown", "--lang", "zh")
    assert r.exit_code == 0, r.stderr
    golden(f"{stem}.zh.md", r.stdout)


def test_json_totals_are_sums_of_lines() -> None:
    from decimal import Decimal

    r = run("compare", str(SAMPLES / "lapsed-promotion.csv"), "--start", "2027-01", "--format", "json",
            "--current", "cmcc-8yuan-shenzhen-voice")
    doc = json.loads(r.stdout)
    for entry in doc["plans"] + [doc["current"]]:
        month_totals = []
        for m in entry["months"]:
            parts = sum(Decimal(m[k]) for k in doc["lines"] if k not in ("total",))
            assert parts == Decimal(m["total"])
            month_totals.append(Decimal(m["total"]))
        assert sum(month_totals) == Decimal(entry["total"])
        if entry["saving"] is not None:
            assert Decimal(entry["saving"]) == Decimal(doc["current"]["total"]) - Decimal(entry["total"])


def test_ranking_is_by_total_then_id_and_uncovered_usage_last() -> None:
    from decimal import Decimal

    # the mechanism, on the frozen test catalogue (its 腾讯大王卡 stops data at 40 GB)
    r = run("compare", str(SAMPLES / "heavy-data.csv"), "--start", "2027-01", "--format", "json",
            "--plans", str(FIXTURE_CATALOGUE))
    plans = json.loads(r.stdout)["plans"]
    stopped = [any(n["code"] == "data_stopped" for n in p["notes"]) for p in plans]
    keys = [(s, Decimal(p["total"]), p["id"]) for s, p in zip(stopped, plans, strict=True)]
    assert keys == sorted(keys)
    # 腾讯大王卡 is the cheapest total, but its data stops at 40 GB: it ranks after every plan that covers the usage
    wang = next(i for i, p in enumerate(plans) if p["id"] == "unicom-tencent-dawangka-19")
    assert stopped[wang] and not stopped[0]
    assert Decimal(plans[wang]["total"]) < Decimal(plans[0]["total"])
    assert [p["rank"] for p in plans] == list(range(1, len(plans) + 1))


def test_csv_output_and_filters() -> None:
    r = run("compare", str(SAMPLES / "keep-number-abroad.csv"), "--start", "2027-01", "--format", "csv",
            "--tag", "keep-number", "--operator", "China Mobile")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0].startswith("rank,id,operator,name")
    assert len(lines) == 3  # the two China Mobile keep-number options
    assert all(",China Mobile," in line for line in lines[1:])


def test_top_limits_rows_but_keeps_ranks() -> None:
    r = run("compare", str(SAMPLES / "heavy-data.csv"), "--start", "2027-01", "--format", "json", "--top", "2")
    assert [p["rank"] for p in json.loads(r.stdout)["plans"]] == [1, 2]


def test_no_matching_plans_is_a_usage_error_not_an_empty_table() -> None:
    r = run("compare", str(SAMPLES / "heavy-data.csv"), "--start", "2027-01", "--format", "json", "--tag", "nope")
    assert r.exit_code == 2 and r.stdout == ""
    assert "--tag: no plan in the catalogue has tag 'nope'" in r.stderr


def test_output_file_equals_stdout(tmp_path: Path) -> None:
    args = ["compare", str(SAMPLES / "elderly-voice.csv"), "--start", "2027-01", "--format", "json"]
    out = tmp_path / "result.json"
    r1 = run(*args)
    r2 = run(*args, "--output", str(out))
    assert r2.exit_code == 0 and r2.stdout == ""
    assert out.read_text("utf-8") == r1.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]  # no temporary file left behind


def test_failed_run_keeps_existing_output(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    out.write_text("precious", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("month,voice_min,sms,data_mb\n2026-01,-5,0,0\n", encoding="utf-8")
    r = run("compare", str(bad), "--format", "json", "--output", str(out))
    assert r.exit_code == 1
    assert out.read_text("utf-8") == "precious"


def test_bad_usage_file_exit_1_with_line_and_json_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("month,voice_min,sms,data_mb\n2026-01,10,0,0\n2026-02,abc,0,0\n", encoding="utf-8")
    r = run("compare", str(bad), "--format", "json")
    assert r.exit_code == 1
    assert r.stdout == ""
    assert f"{bad}:3" in r.stderr and "voice_min" in r.stderr
    err = json.loads(r.stderr.strip().splitlines()[-1])
    assert err["error"]["exit_code"] == 1
    assert err["error"]["problems"][0]["line"] == 3
    assert "Traceback" not in r.stderr


def test_bad_plan_file_exit_1_with_suggestion(tmp_path: Path) -> None:
    plan = (ROOT / "plans" / "cmcc" / "8yuan-shenzhen-voice.yaml").read_text("utf-8")
    d = tmp_path / "plans"
    d.mkdir()
    (d / "p.yaml").write_text(plan.replace("monthly_fee:", "monthy_fee:"), encoding="utf-8")
    r = run("plans", "validate", str(d))
    assert r.exit_code == 1
    line = next(i for i, text in enumerate(plan.splitlines(), 1) if text.startswith("monthly_fee:"))
    assert f"p.yaml:{line}: unknown key 'monthy_fee' (did you mean 'monthly_fee'?)" in r.stderr


def test_unknown_current_plan_is_usage_error() -> None:
    r = run("compare", str(SAMPLES / "heavy-data.csv"), "--current", "cmcc-8yuan-shenzen-voice")
    assert r.exit_code == 2
    assert "did you mean cmcc-8yuan-shenzhen-voice" in r.stderr


def test_bad_option_values_are_usage_errors(tmp_path: Path) -> None:
    assert run("compare", str(SAMPLES / "heavy-data.csv"), "--start", "2027-13").exit_code == 2
    assert run("compare", str(SAMPLES / "heavy-data.csv"), "--horizon", "0").exit_code == 2
    assert run("compare", str(tmp_path / "missing.csv")).exit_code == 2
    assert run("compare", str(SAMPLES / "heavy-data.csv"), "--format", "xml").exit_code == 2


def test_current_plan_from_file_and_since(tmp_path: Path) -> None:
    promo = tmp_path / "promo.yaml"
    base = (ROOT / "plans" / "cmcc" / "8yuan-shenzhen-voice.yaml").read_text("utf-8")
    text = base.replace("id: cmcc-8yuan-shenzhen-voice", "id: my-promo").replace(
        "monthly_fee: 8.00", "monthly_fee: 48.00\npromotions:\n  - {from_month: 1, to_month: 12, fee: 8.00}"
    )
    promo.write_text(text, encoding="utf-8")
    r = run("compare", str(SAMPLES / "keep-number-abroad.csv"), "--start", "2027-01", "--format", "json",
            "--current", str(promo), "--current-since", "2026-06")
    doc = json.loads(r.stdout)
    fees = [m["fee"] for m in doc["current"]["months"]]
    # started 2026-06: months 1-12 are 2026-06..2027-05, so the promotion fee ends after 2027-05
    assert fees[:5] == ["8.00"] * 5 and fees[5:] == ["48.00"] * 7
    codes = [n["code"] for n in doc["current"]["notes"]]
    assert "promotion_ends" in codes


def test_plans_list_formats() -> None:
    # --all: every plan, on sale or not; each operator has a keep-number option (some no longer sold)
    r = run("plans", "list", "--all", "--format", "json")
    everything = json.loads(r.stdout)["plans"]
    assert len(everything) >= 40
    ops = {p["operator"] for p in everything}
    assert ops == {"China Mobile", "China Unicom", "China Telecom"}
    for op in ops:
        assert any("keep-number" in p["tags"] for p in everything if p["operator"] == op)
    # without --all: only the plans on sale, a part of the above
    r = run("plans", "list", "--format", "json")
    on_sale = json.loads(r.stdout)["plans"]
    assert len(on_sale) >= 30
    assert {p["status"] for p in on_sale} == {"on-sale"}
    assert {p["id"] for p in on_sale} < {p["id"] for p in everything}
    r = run("plans", "list", "--format", "csv", "--operator", "China Unicom")
    assert all(line.split(",")[1] == "China Unicom" for line in r.stdout.splitlines()[1:])


def test_plans_show_and_schema() -> None:
    r = run("plans", "show", "cmcc-8yuan-shenzhen-voice")
    assert r.exit_code == 0 and "voice: 30 min" in r.stdout and "yunzhuji.net" in r.stdout
    r = run("plans", "show", "cmcc-8yuan-shenzhen-voice", "--format", "json")
    assert json.loads(r.stdout)["plan"]["id"] == "cmcc-8yuan-shenzhen-voice"
    schema = json.loads(run("plans", "schema").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "monthly_fee" in schema["properties"]


def test_bundled_catalogue_is_valid_and_sourced() -> None:
    r = run("plans", "validate")
    assert r.exit_code == 0, r.stderr
    from tariffcli.inputs.files import load_plans

    for p in load_plans():
        assert p.sources and all(s.url.startswith("http") for s in p.sources)
        assert p.province and p.confidence


def test_lang_follows_locale() -> None:
    args = ["compare", str(SAMPLES / "heavy-data.csv"), "--start", "2027-01", "--top", "1"]
    assert "合计" in run(*args, env={"LANG": "zh_CN.UTF-8"}).stdout
    assert "Total" in run(*args, env={"LANG": "en_US.UTF-8"}).stdout


def test_output_is_deterministic() -> None:
    args = ["compare", str(SAMPLES / "lapsed-promotion.csv"), "--start", "2027-01", "--format", "json"]
    assert run(*args).stdout == run(*args).stdout


def test_every_command_has_help_and_is_in_readme() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    import typer.main

    group = typer.main.get_command(app)
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None)
        for sub_name, sub in (subs or {name: cmd}).items():
            full = f"{name} {sub_name}" if subs else name
            assert sub.help, f"'{full}' has no help text"
            assert f"tariffcli {full}" in readme, f"'tariffcli {full}' is not in the README"


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_help_does_not_import_pandas(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from tariffcli.cli.app import main\n"
        "sys.argv = ['tariffcli', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('pandas', 'numpy', 'pydantic', 'yaml') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    r = _python(code, tmp_path)
    assert "HEAVY []" in r.stdout, r.stdout + r.stderr


def test_core_does_not_import_terminal_libraries(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "import tariffcli.model.plan, tariffcli.inputs.usage, tariffcli.engine.types, tariffcli.compare.ranking, tariffcli.inputs.files\n"
        "print('UI', sorted(m for m in ('typer', 'rich', 'click') if m in sys.modules))\n"
    )
    r = _python(code, tmp_path)
    assert "UI []" in r.stdout, r.stdout + r.stderr


def test_module_entry_point_from_another_directory(tmp_path: Path) -> None:
    """`python -m tariffcli` works from any directory and finds the catalogue."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(ROOT), NO_COLOR="1")
    r = subprocess.run(
        [sys.executable, "-m", "tariffcli", "compare", str(SAMPLES / "keep-number-abroad.csv"), "--format", "csv",
         "--top", "1"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("rank,id")


def test_installed_console_script(tmp_path: Path) -> None:
    """The `tariffcli` command installed beside this Python runs from any directory."""
    exe = Path(sys.executable).parent / "tariffcli"
    assert exe.exists(), "install the package first: pip install '.[test]'"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["NO_COLOR"] = "1"
    r = subprocess.run([str(exe), "plans", "list", "--format", "json"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["plans"]) >= 15


def test_parser_errors_are_json_too_with_format_json(tmp_path: Path) -> None:
    """A missing file or an out-of-range option, caught by the parser, still gives exit 2 and a JSON error line."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(ROOT), NO_COLOR="1")
    for args in (["compare", "missing.csv", "--format", "json"],
                 ["compare", str(SAMPLES / "heavy-data.csv"), "--horizon", "0", "--format", "json"]):
        r = subprocess.run([sys.executable, "-m", "tariffcli", *args], cwd=tmp_path, env=env,
                           capture_output=True, text=True, check=False)
        assert r.returncode == 2
        assert r.stdout == ""
        err = json.loads(r.stderr.strip().splitlines()[-1])
        assert err["version"] == "1" and err["error"]["exit_code"] == 2
        assert "Traceback" not in r.stderr


def test_plans_validate_reports_every_bad_file(tmp_path: Path) -> None:
    good = (ROOT / "plans" / "cmcc" / "8yuan-shenzhen-voice.yaml").read_text("utf-8")
    (tmp_path / "a.yaml").write_bytes(good.replace("8元", "八元").encode("gb18030"))  # not UTF-8
    (tmp_path / "b.yaml").write_text(good.replace("monthly_fee:", "monthy_fee:"), encoding="utf-8")
    (tmp_path / "c.yaml").write_text("", encoding="utf-8")
    r = run("plans", "validate", str(tmp_path))
    assert r.exit_code == 1
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        assert name in r.stderr


def test_same_plan_file_given_twice_is_read_once(tmp_path: Path) -> None:
    d = tmp_path / "mine"
    d.mkdir()
    (d / "p.yaml").write_text((FIXTURE_CATALOGUE / "cmcc" / "8yuan-shenzhen-voice.yaml").read_text("utf-8"), "utf-8")
    r = run("plans", "list", "--plans", str(d), "--plans", str(d / "p.yaml"), "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert len(json.loads(r.stdout)["plans"]) == 1


def test_suspended_line_plans_are_left_out_and_said() -> None:
    r = run("compare", str(SAMPLES / "keep-number-abroad.csv"), "--start", "2027-01", "--format", "json",
            "--plans", str(FIXTURE_CATALOGUE))
    doc = json.loads(r.stdout)
    assert "telecom-shanghai-tingji-baohao" not in [p["id"] for p in doc["plans"]]
    assert {"id": "telecom-shanghai-tingji-baohao", "reason": "suspended_line"}.items() <= next(
        e for e in doc["excluded"] if e["id"] == "telecom-shanghai-tingji-baohao").items()
    assert "停机保号" in r.stderr
