"""``analyze`` reads ``-`` from standard input: records or usage (USAGE), the bill (``--bill -``), a plan file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tariffcli.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
A = ROOT / "sample_bills" / "analyze"
RECORDS, BILL, PLAN = A / "seed002-records.csv", A / "seed002-bill.csv", A / "seed002-plan.yaml"
BASE = {"NO_COLOR": "1", "COLUMNS": "80", "LANG": "C", "LC_ALL": "", "TERM": "dumb", "TARIFFCLI_CONFIG": os.devnull}


def run(*args: str, stdin: bytes | None = None) -> Any:
    return CliRunner().invoke(app, ["analyze", *args, "--plan-since", "2009-11", "-f", "json"], env=BASE,
                              input=stdin, catch_exceptions=False)


def named(doc: dict[str, Any], name: str, by: str) -> str:
    """The JSON with the name of the file read from stdin replaced by the file's name."""
    return json.dumps(doc, ensure_ascii=False).replace(by, name)


@pytest.fixture(scope="module")
def from_files() -> dict[str, Any]:
    r = run(str(RECORDS), "--bill", str(BILL), "--plan", str(PLAN))
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("which", ["records", "bill", "plan"])
def test_one_input_from_stdin_gives_the_same_report(from_files: dict[str, Any], which: str) -> None:
    args = {"records": str(RECORDS), "bill": str(BILL), "plan": str(PLAN)}
    path = {"records": RECORDS, "bill": BILL, "plan": PLAN}[which]
    args[which] = "-"
    r = run(args["records"], "--bill", args["bill"], "--plan", args["plan"], stdin=path.read_bytes())
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert "<stdin>" in json.dumps(doc, ensure_ascii=False)
    assert named(doc, str(path), "<stdin>") == json.dumps(from_files, ensure_ascii=False)


def test_monthly_usage_from_stdin() -> None:
    r = CliRunner().invoke(app, ["analyze", "-", "-f", "json"], env=BASE, catch_exceptions=False,
                           input=(ROOT / "sample_bills" / "heavy-data.csv").read_bytes())
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["inputs"]["usage"] == "<stdin>"


def test_two_inputs_from_stdin_are_a_usage_error_before_anything_is_read() -> None:
    r = run("-", "--bill", "-", stdin=BILL.read_bytes())
    assert r.exit_code == 2
    assert "only one input can be -" in r.stderr


def test_a_problem_in_stdin_names_it() -> None:
    r = run(str(RECORDS), "--bill", "-", "--plan", str(PLAN), stdin=b"month,item\n2010-01,x\n")
    assert r.exit_code == 1
    assert "<stdin>:1" in r.stderr and "Traceback" not in r.stderr


def test_an_xlsx_workbook_from_stdin_is_read_as_a_file_would_be(tmp_path: Path) -> None:
    import csv

    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    with open(ROOT / "sample_bills" / "heavy-data.csv", encoding="utf-8") as f:
        for row in csv.reader(f):
            wb.active.append(row)
    book = tmp_path / "u.xlsx"
    wb.save(book)
    r = CliRunner().invoke(app, ["analyze", "-", "-f", "json"], env=BASE, catch_exceptions=False,
                           input=book.read_bytes())
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["inputs"]["usage"].startswith("<stdin>[") and doc["inputs"]["usage_kind"] == "monthly"
