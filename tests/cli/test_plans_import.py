"""`plans import`, `plans diff` by filing number and the catalogue's freshness warning, through the real CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tariffcli.inputs.catalogue import parse_plan

ROOT = Path(__file__).resolve().parents[2]
CARDS = ROOT / "tests" / "inputs" / "fixtures" / "cards"
SAMPLE = ROOT / "sample_bills" / "keep-number-abroad.csv"

PITCHED = """资费名称：动感地带·大萌卡
资费标准：19元/月
方案编号：25JT206517
资费类型：套餐
适用范围：全网用户
服务内容：国内通话 100分钟 国内通用流量 1GB
"""


def invoke(*args: str, env: dict[str, str] | None = None):  # noqa: ANN201 - click's Result
    return CliRunner().invoke(app, list(args), env=env)


def test_a_captured_listing_becomes_validated_plan_files_with_a_report(tmp_path: Path) -> None:
    out = tmp_path / "plans"
    res = invoke("plans", "import", str(CARDS / "cards_sample.json"), "--to", str(out), "-f", "json")
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["written"] is True and report["plans"]
    assert sum(report["kinds"].values()) == len(report["plans"]) + len(report["skipped"])
    assert all(s["reason"] for s in report["skipped"])
    for entry in report["plans"]:
        path = Path(entry["path"])
        text = path.read_text(encoding="utf-8")
        plan = parse_plan(text, str(path))
        assert plan.id == entry["id"] and plan.status.value in {"on-sale", "withdrawn"}
        assert plan.sources[0].url.startswith("https://")
    # the files validate as a catalogue
    assert invoke("plans", "validate", str(out)).exit_code == 0


def test_a_pasted_card_needs_its_operator_and_then_feeds_offer(tmp_path: Path) -> None:
    card = tmp_path / "pitched.txt"
    card.write_text(PITCHED, encoding="utf-8")
    res = invoke("plans", "import", str(card), "--to", str(tmp_path / "mine"))
    assert res.exit_code == 0 and "does not say which operator" in res.stdout
    assert "could not be turned into plans" in res.stderr
    assert not (tmp_path / "mine").exists()

    res = invoke("plans", "import", str(card), "--to", str(tmp_path / "mine"), "--operator", "移动",
                 "--retrieved", "2026-11-30")
    assert res.exit_code == 0, res.output
    written = tmp_path / "mine" / "cmcc" / "cmcc-25jt206517.yaml"
    doc = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert (doc["monthly_fee"], doc["allowances"]["voice"], doc["allowances"]["data"]) == (19, "100 min", "1 GB")
    assert "standard-rates" in doc["notes"]  # the filled-in rates are said
    offer = invoke("offer", str(written), str(SAMPLE))
    assert offer.exit_code == 0, offer.output
    assert "Verdict" in offer.stdout


def test_import_never_overwrites_without_force_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    card = tmp_path / "pitched.txt"
    card.write_text(PITCHED, encoding="utf-8")
    args = ("plans", "import", str(card), "--to", str(tmp_path / "mine"), "--operator", "China Mobile")
    assert invoke(*args, "--dry-run").exit_code == 0
    assert not (tmp_path / "mine").exists()
    assert invoke(*args).exit_code == 0
    target = tmp_path / "mine" / "cmcc" / "cmcc-25jt206517.yaml"
    target.write_text("# mine\n" + target.read_text(encoding="utf-8"), encoding="utf-8")
    again = invoke(*args)
    assert again.exit_code == 2 and "--force" in again.stderr
    assert target.read_text(encoding="utf-8").startswith("# mine")
    assert invoke(*args, "--force").exit_code == 0
    assert not target.read_text(encoding="utf-8").startswith("# mine")


def test_unknown_operator_is_a_usage_error(tmp_path: Path) -> None:
    card = tmp_path / "pitched.txt"
    card.write_text(PITCHED, encoding="utf-8")
    res = invoke("plans", "import", str(card), "--to", str(tmp_path / "x"), "--operator", "Vodafone")
    assert res.exit_code == 2 and "unknown operator" in res.stderr


def test_diff_matches_plans_by_filing_number_and_defaults_to_the_bundled_catalogue(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    shutil.copytree(ROOT / "plans" / "cmcc", mine, ignore=shutil.ignore_patterns("[!2]*"))  # filed plans only
    renamed = mine / "25jt206517.yaml"
    renamed.write_text(renamed.read_text(encoding="utf-8").replace("id: cmcc-25jt206517", "id: my-own-name")
                       .replace("monthly_fee: 19.00", "monthly_fee: 18.00"), encoding="utf-8")
    res = invoke("plans", "diff", str(mine), "-f", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    changed = {c["id"]: {f["field"]: (f["old"], f["new"]) for f in c["fields"]} for c in doc["changed"]}
    # the same filing number: one tariff whose id and fee changed, not one removed and one added
    assert changed["my-own-name"]["id"] == ("cmcc-25jt206517", "my-own-name")
    assert changed["my-own-name"]["monthly_fee"] == ("19.00", "18.00")
    assert "my-own-name" not in {p["id"] for p in doc["added"]}
    removed = {p["id"] for p in doc["removed"]}
    assert "cmcc-25jt206517" not in removed and "cmcc-5g-128" in removed


def test_compare_warns_once_when_the_bundled_figures_are_old() -> None:
    fresh = invoke("compare", str(SAMPLE), "--top", "1", env={"TARIFFCLI_TODAY": "2026-12-01"})
    assert fresh.exit_code == 0 and "more than 6 months ago" not in fresh.stderr
    stale = invoke("compare", str(SAMPLE), "--top", "1", env={"TARIFFCLI_TODAY": "2027-09-01"})
    assert stale.exit_code == 0
    assert stale.stderr.count("more than 6 months ago") == 1
    assert stale.stdout.startswith(fresh.stdout.splitlines()[0].split(" from ")[0])  # the data still comes first


def test_a_bad_pretend_date_is_a_usage_error() -> None:
    res = invoke("compare", str(SAMPLE), env={"TARIFFCLI_TODAY": "2027-13-01"})
    assert res.exit_code == 2 and "TARIFFCLI_TODAY" in res.stderr
