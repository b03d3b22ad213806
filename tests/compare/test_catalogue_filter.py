"""Catalogue tools: filters, validity windows, `plans diff`, and the citable outputs of `compare`."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from conftest import FIXTURE_CATALOGUE
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tariffcli.compare.catalogue_filter import diff_catalogues, filter_plans, province_matches
from tariffcli.inputs.catalogue import parse_plan
from tariffcli.inputs.files import load_plans

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_bills"


def run(*args: str):
    env = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def plan_text(pid: str, *, fee: str = "8.00", province: str = "national", operator: str = "Op A",
              extra: str = "", data: str = "100 MB", retrieved: str = "2026-11-21") -> str:
    return f"""id: {pid}
name: 测试套餐 {pid}
operator: {operator}
province: {province}
monthly_fee: {fee}
allowances: {{voice: 30 min, data: {data}}}
overage:
  voice: {{rate: 0.15}}
  sms: {{rate: 0.10}}
  data: {{rate: 0.29, per: MB}}
tags: [keep-number]
confidence: example
sources:
  - url: https://example.com/{pid}
    retrieved: {retrieved}
{extra}"""


def p(pid: str, **kw: str):
    return parse_plan(plan_text(pid, **kw), f"{pid}.yaml")


# ---------------------------------------------------------------- filters


def test_province_matches_prefix_and_national() -> None:
    sz = p("sz", province="Guangdong (Shenzhen)")
    assert province_matches(sz, "guangdong") and province_matches(sz, "Guangdong (Shenzhen)")
    assert not province_matches(sz, "Guang") and not province_matches(sz, "Shanghai")
    assert province_matches(sz, "广东") and province_matches(sz, "广东省") and province_matches(sz, "GUANGDONG")
    assert province_matches(p("nat"), "Shanghai")
    sh = p("sh", province="上海")
    assert province_matches(sh, "shanghai") and province_matches(sh, "上海市") and not province_matches(sh, "河北")
    # 'unspecified': the sources do not limit where the plan is sold, so it is offered everywhere like a national one
    assert province_matches(p("un", province="unspecified"), "Shanghai")


def test_filters_and_validity_window() -> None:
    plans = [
        p("cheap", fee="8"), p("dear", fee="39.00"), p("sh", province="Shanghai"),
        p("old", extra="valid_to: 2026-01-01\n"), p("later", extra="valid_from: 2027-06-01\n"),
        p("other", operator="Op B"),
    ]
    sel = filter_plans(plans, max_fee=Decimal("10"), provinces=["Guangdong"], operators=["op a"], on=date(2027, 1, 1))
    assert [x.id for x in sel.plans] == ["cheap"]
    assert [x.id for x in sel.not_on_sale] == ["later", "old"]
    assert [x.id for x in filter_plans(plans, tags=["keep-number"]).plans] == sorted(x.id for x in plans)
    assert filter_plans(plans, tags=["5g"]).plans == ()


def test_plans_list_filters_and_reports_plans_not_on_sale() -> None:
    r = run("plans", "list", "--format", "json", "--province", "Guangdong", "--max-fee", "40", "--date", "2027-01-01")
    assert r.exit_code == 0, r.stderr
    ids = [x["id"] for x in json.loads(r.stdout)["plans"]]
    assert ids and all(i.startswith("cmcc-") for i in ids)  # only China Mobile has Guangdong or cheap national plans
    for plan in load_plans():
        if plan.id in ids:
            assert plan.monthly_fee <= 40 and plan.province.startswith(("Guangdong", "national"))
    # the validity window, on the frozen test catalogue (every plan on sale): cmcc-5g-128 went on sale on 2019-11-01
    frozen = ("--plans", str(FIXTURE_CATALOGUE), "--operator", "China Mobile", "--format", "csv")
    r = run("plans", "list", *frozen, "--date", "2019-01-01")
    assert r.stderr.startswith("1 plan(s) left out: cmcc-5g-128 (not on sale on 2019-01-01)")
    assert "cmcc-5g-128" not in r.stdout and "cmcc-quanqiutong-288" in r.stdout
    r = run("plans", "list", *frozen, "--date", "2019-11-01")
    assert "cmcc-5g-128" in r.stdout and r.stderr == ""
    # the bundled catalogue: the plan is historical now, listed only with --all
    r = run("plans", "list", "--format", "csv", "--operator", "China Mobile", "--date", "2027-01-01")
    assert "cmcc-5g-128" not in r.stdout  # with more than five left out, their count and how to list them
    assert r.stderr.startswith("7 plans not on sale on 2027-01-01 (withdrawn, historical or not yet sold) left out")
    r = run("plans", "list", "--format", "csv", "--all", "--operator", "China Mobile")
    assert "cmcc-5g-128" in r.stdout and r.stderr == ""


def test_plans_list_excel_bom_and_bad_max_fee() -> None:
    r = run("plans", "list", "--format", "csv", "--excel")
    assert r.stdout_bytes.startswith(b"\xef\xbb\xbf")
    assert run("plans", "list", "--max-fee", "cheap").exit_code == 2
    assert run("plans", "list", "--excel").exit_code == 2


# ---------------------------------------------------------------- diff


def _catalogue(root: Path, files: dict[str, str]) -> Path:
    root.mkdir()
    for name, text in files.items():
        (root / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root


def test_diff_catalogues_fields() -> None:
    old = [p("kept"), p("same"), p("gone")]
    new = [p("kept", fee="10.00", data="1 GB", retrieved="2027-01-05"), p("same", fee="8"), p("fresh")]
    d = diff_catalogues(old, new)
    assert [x.id for x in d.added] == ["fresh"] and [x.id for x in d.removed] == ["gone"]
    assert d.unchanged == 1  # 8 and 8.00 are the same fee
    (change,) = d.changed
    assert [(f.field, f.old, f.new) for f in change.fields] == [
        ("monthly_fee", "8.00", "10.00"),
        ("allowances.data", "100 MB", "1 GB"),
        ("sources.0.retrieved", "2026-11-21", "2027-01-05"),
    ]


def test_plans_diff_command(tmp_path: Path) -> None:
    a = _catalogue(tmp_path / "old", {"kept": plan_text("kept"), "gone": plan_text("gone")})
    b = _catalogue(tmp_path / "new", {"kept": plan_text("kept", extra="notes: price rise\n", fee="9.00"),
                                      "fresh": plan_text("fresh")})
    r = run("plans", "diff", str(a), str(b))
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines() == [
        "1 added, 1 removed, 1 changed, 0 unchanged",
        "+ fresh: 测试套餐 fresh (Op A, 8.00)",
        "- gone: 测试套餐 gone (Op A, 8.00)",
        "~ kept: 测试套餐 kept",
        "    monthly_fee: 8.00 -> 9.00",
        "    notes: (none) -> price rise",
    ]
    doc = json.loads(run("plans", "diff", str(a), str(b), "--format", "json").stdout)
    assert doc["changed"][0]["fields"][0] == {"field": "monthly_fee", "old": "8.00", "new": "9.00"}
    rows = list(csv.reader(io.StringIO(run("plans", "diff", str(a), str(b), "--format", "csv").stdout)))
    assert rows[0] == ["change", "id", "field", "old", "new"] and len(rows) == 5
    assert "| changed | kept | monthly_fee | 8.00 | 9.00 |" in run("plans", "diff", str(a), str(b), "-f", "markdown").stdout


def test_plans_diff_of_the_same_catalogue_is_empty() -> None:
    r = run("plans", "diff", str(ROOT / "plans"), str(ROOT / "plans"), "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["added"] == doc["removed"] == doc["changed"] == [] and doc["unchanged"] == len(load_plans())


def test_plans_diff_bad_plan_is_data_error(tmp_path: Path) -> None:
    a = _catalogue(tmp_path / "old", {"x": plan_text("x")})
    b = _catalogue(tmp_path / "new", {"x": plan_text("x").replace("monthly_fee", "monthy_fee")})
    r = run("plans", "diff", str(a), str(b))
    assert r.exit_code == 1 and "did you mean 'monthly_fee'" in r.stderr


# ---------------------------------------------------------------- compare: --cite, --excel, --bars


COMPARE = ["compare", str(SAMPLES / "keep-number-abroad.csv"), "--start", "2027-01"]


def test_compare_markdown_cite_footnotes() -> None:
    r = run(*COMPARE, "--format", "markdown", "--cite", "--top", "3")
    assert r.exit_code == 0, r.stderr
    body, _, notes = r.stdout.partition("**Sources**")
    rows = [line for line in body.splitlines() if re.match(r"\| \d ", line)]
    assert len(rows) == 3 and all(re.search(r"\[\^\d+\] \|", row) for row in rows)
    defined = re.findall(r"^\[\^(\d+)\]: .*\(retrieved \d{4}-\d{2}-\d{2}", notes, re.M)
    assert defined == ["1", "2", "3"]
    plain = run(*COMPARE, "--format", "markdown", "--top", "3").stdout
    assert "[^" not in plain and "Sources" not in plain


def test_compare_csv_cite_and_excel(tmp_path: Path) -> None:
    out = tmp_path / "c.csv"
    r = run(*COMPARE, "--format", "csv", "--cite", "--excel", "--output", str(out))
    assert r.exit_code == 0, r.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert all(row["sources"].startswith("http") and "retrieved" in row["sources"] for row in rows)
    assert "sources" not in run(*COMPARE, "--format", "csv").stdout.splitlines()[0]
    assert run(*COMPARE, "--format", "json", "--excel").exit_code == 2


def test_compare_bars() -> None:
    # the frozen test catalogue, where the cheapest plan is nationwide, so rank order is cost order
    r = run(*COMPARE, "--plans", str(FIXTURE_CATALOGUE), "--bars", "--top", "4", "--lang", "zh")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "自 2027-01 起 12 个月合计（CNY）"
    bars = [line for line in lines[2:] if line.strip()]
    assert len(bars) == 4 and bars[0].lstrip().startswith("1 ")
    widths = [line.count("█") for line in bars]
    assert widths == sorted(widths) and widths[-1] >= 20  # cheapest first, the dearest gets the longest bar
    assert all(len(line) <= 100 for line in lines)
    assert run(*COMPARE, "--bars", "--format", "json").exit_code == 2
