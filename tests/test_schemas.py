"""Every JSON output is validated against its JSON Schema in tariffcli/schemas/ (issue 12).

offer, baskets (and baskets --list is not JSON-schema'd: it is a list of baskets), plans list, plans show and
the batch summary; comparison and analysis have their own tests. Each schema is checked to be a valid
draft 2020-12 schema, to be documented in docs/json-output.md, and to reject a document with an amount
written as a number (amounts are decimal strings).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import FIXTURE_CATALOGUE
from typer.testing import CliRunner

from tariffcli.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "tariffcli" / "schemas"
USAGE = str(ROOT / "sample_bills" / "heavy-data.csv")
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}
CAT = ("--plans", str(FIXTURE_CATALOGUE))
BATCH = """subscriber,month,voice_min,sms,data_mb,current_plan
a,2026-01,10,1,100,cmcc-8yuan-shenzhen-voice
a,2026-02,20,2,200,cmcc-8yuan-shenzhen-voice
b,2026-01,300,3,3000,
b,2026-03,100,5,20000,telecom-5g-changxiang-129
"""


def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))


def output(*args: str) -> dict[str, Any]:
    r = CliRunner().invoke(app, list(args), env=ENV, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def batch_doc(tmp_path: Path) -> dict[str, Any]:
    src = tmp_path / "subs.csv"
    src.write_text(BATCH, "utf-8")
    return output("batch", str(src), "--start", "2026-04", "-q", "--format", "json", *CAT)


CASES: dict[str, Any] = {
    "offer": lambda _: output("offer", "cmcc-5g-128", USAGE, "--format", "json", "--current",
                              "telecom-5g-changxiang-129", "--start", "2027-01", *CAT),
    "offer-zh-by-flags": lambda _: output("offer", USAGE, "--fee", "59", "--discount", "50%", "--for", "6",
                                          "--data", "30 GB", "--current", "telecom-5g-changxiang-129",
                                          "--format", "json", "--lang", "zh", "--start", "2027-01", *CAT),
    "baskets": lambda _: output("baskets", "--format", "json", "--date", "2027-01-01", *CAT),
    "baskets-gni": lambda _: output("baskets", "--format", "json", "--date", "2027-01-01", "--gni", "12600", *CAT),
    "plans-list": lambda _: output("plans", "list", "--format", "json", "--all", *CAT),
    "plan-show": lambda _: output("plans", "show", "telecom-5g-changxiang-129", "--format", "json", *CAT),
    "batch-summary": batch_doc,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_output_matches_its_schema(case: str, tmp_path: Path) -> None:
    name = case.split("-zh")[0].removesuffix("-gni")
    doc = CASES[case](tmp_path)
    jsonschema.Draft202012Validator(schema(name)).validate(doc)


@pytest.mark.parametrize("name", ["offer", "baskets", "plans-list", "plan-show", "batch-summary"])
def test_schema_is_valid_and_documented(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema(name))
    doc = (ROOT / "docs" / "json-output.md").read_text("utf-8")
    assert f"{name}.schema.json" in doc


def _first_amount(node: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """The path of the first decimal-string amount in a document."""
    if isinstance(node, str) and node.replace("-", "", 1).replace(".", "", 1).isdigit() and "." in node:
        return path
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for k, v in items:
        found = _first_amount(v, (*path, k))
        if found is not None:
            return found
    return None


@pytest.mark.parametrize("case", ["offer", "baskets", "plans-list", "batch-summary"])
def test_an_amount_as_a_number_is_rejected(case: str, tmp_path: Path) -> None:
    doc = copy.deepcopy(CASES[case](tmp_path))
    path = _first_amount(doc)
    assert path is not None
    node = doc
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = float(node[path[-1]])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema(case)).validate(doc)
