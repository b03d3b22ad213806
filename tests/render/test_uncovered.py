"""Plans that do not cover the usage (data stopped at a volume cap) form their own section in every format.

The frozen test catalogue's 腾讯大王卡 stops data at 40 GB: on heavy-data.csv it has the cheapest total but
ranks after every plan that covers the usage (#13 at 1192.10 after #12 at 75295.97). Each format says why.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tests.conftest import FIXTURE_CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
HEAVY = str(ROOT / "sample_bills" / "heavy-data.csv")
SCHEMA = json.loads((ROOT / "tariffcli" / "schemas" / "comparison.schema.json").read_text("utf-8"))
UNCOVERED = ["unicom-tencent-dawangka-19", "cmcc-8yuan-shenzhen-voice", "cmcc-8yuan-shenzhen-data"]


def run(*args: str) -> Any:
    env = {"NO_COLOR": "1", "COLUMNS": "80", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}
    r = CliRunner().invoke(app, ["compare", HEAVY, "--start", "2027-01", "--plans", str(FIXTURE_CATALOGUE), *args],
                           env=env, catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    return r


def test_json_has_covers_usage_per_plan_and_the_uncovered_last() -> None:
    doc = json.loads(run("-f", "json").stdout)
    jsonschema.validate(doc, SCHEMA)
    covers = [p["covers_usage"] for p in doc["plans"]]
    assert covers == sorted(covers, reverse=True)  # every plan that covers the usage first
    assert [p["id"] for p in doc["plans"] if not p["covers_usage"]] == UNCOVERED
    for p in doc["plans"]:
        assert p["covers_usage"] == (not any(n["code"] == "data_stopped" for n in p["notes"]))


def test_csv_has_a_covers_usage_column() -> None:
    rows = list(csv.DictReader(io.StringIO(run("-f", "csv").stdout)))
    assert [r["id"] for r in rows if r["covers_usage"] == "false"] == UNCOVERED
    assert {r["covers_usage"] for r in rows} == {"true", "false"}


def test_markdown_puts_the_uncovered_plans_in_their_own_table() -> None:
    for lang, heading in (("en", "**Does not cover your usage"), ("zh", "**不能满足您的用量")):
        out = run("-f", "markdown", "--lang", lang).stdout
        before, after = out.split(heading)
        assert all(i not in before for i in ("腾讯大王卡",)) and "腾讯大王卡" in after
        assert sum(line.startswith("|---") for line in after.splitlines()) == 1  # its own table header


def test_chart_hatches_the_uncovered_bars() -> None:
    from tariffcli.compare.ranking import compare
    from tariffcli.inputs.files import load_plans, read_usage
    from tariffcli.render.charts import compare_bars

    cmp = compare(load_plans([FIXTURE_CATALOGUE]), read_usage(Path(HEAVY)), start="2027-01")
    bars = compare_bars(cmp)
    assert [b.hatched for b in bars] == [not r.covers_usage for r in cmp.rows]
    assert sum(b.hatched for b in bars) == 3
