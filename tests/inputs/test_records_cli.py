"""analyze and batch read several record files, a folder of them, --columns and --sheet."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffcli.cli.app import app

CALLS = "user_id,call_date,duration_min\nu1,2025-01-01,8.52\nu1,2025-02-10,1.00\nu2,2025-02-03,0.50\n"
SMS = "user_id,message_date\nu1,2025-01-02\nu2,2025-02-28\n"
DATA = "user_id,session_date,mb_used\nu1,2025-01-31,15359.99\nu1,2025-02-01,0.01\n"


def run(*args: str) -> object:
    env = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name, text in (("calls.csv", CALLS), ("sms.csv", SMS), ("data.csv", DATA)):
        (tmp_path / name).write_text(text, "utf-8")
    return tmp_path


def _months(result: object) -> dict[tuple[str, str], dict[str, int]]:
    doc = json.loads(result.stdout)  # type: ignore[attr-defined]
    return {(ln["line"], m["month"]): {k: m[k] for k in ("voice_min", "sms", "data_kb")}
            for ln in doc["lines"] for m in ln["months"]}


def test_analyze_reads_a_folder_and_several_files_alike(folder: Path) -> None:
    by_folder = run("analyze", str(folder), "--format", "json")
    assert by_folder.exit_code == 0, by_folder.output  # type: ignore[attr-defined]
    files = run("analyze", *(str(folder / n) for n in ("calls.csv", "sms.csv", "data.csv")), "--format", "json")
    assert _months(by_folder) == _months(files)
    got = _months(by_folder)
    assert got[("u1", "2025-01")] == {"voice_min": 9, "sms": 1, "data_kb": 15728630}
    assert got[("u1", "2025-02")] == {"voice_min": 1, "sms": 0, "data_kb": 11}
    assert got[("u2", "2025-02")] == {"voice_min": 1, "sms": 1, "data_kb": 0}


def test_analyze_asks_for_the_unit_of_a_bare_duration_and_takes_columns(folder: Path) -> None:
    (folder / "calls.csv").write_text(CALLS.replace("duration_min", "duration"), "utf-8")
    bad = run("analyze", str(folder), "--format", "json")
    assert bad.exit_code == 1  # type: ignore[attr-defined]
    assert "minutes or seconds" in bad.output and "calls.csv:2" in bad.output  # type: ignore[attr-defined]
    good = run("analyze", str(folder), "--columns", "duration_min=duration", "--format", "json")
    assert good.exit_code == 0, good.output  # type: ignore[attr-defined]
    assert _months(good)[("u1", "2025-01")]["voice_min"] == 9


def test_analyze_reads_an_xlsx_usage_sheet(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    ws = book.create_sheet("用量")
    ws.append(["month", "voice_min", "sms", "data_mb"])
    ws.append(["2025-01", 100, 5, 1024])
    path = tmp_path / "usage.xlsx"
    book.save(path)
    ok = run("analyze", str(path), "--sheet", "用量", "--format", "json")
    assert ok.exit_code == 0, ok.output  # type: ignore[attr-defined]
    assert json.loads(ok.stdout)["lines"][0]["months"][0]["data_kb"] == 1024 * 1024  # type: ignore[attr-defined]
    wrong = run("analyze", str(path), "--sheet", "9", "--format", "json")
    assert wrong.exit_code == 2 and "no sheet '9'" in wrong.output  # type: ignore[attr-defined]


def test_batch_totals_record_files_per_subscriber_and_month(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "result.csv"
    out.parent.mkdir()
    result = run("batch", str(folder), "-q", "--out", str(out), "--format", "json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert json.loads(result.stdout)["subscribers"] == 2  # type: ignore[attr-defined]
    rows = {r["subscriber"]: r for r in csv.DictReader(io.StringIO(out.read_text("utf-8")))}
    assert rows["u1"]["months"] == "2"  # January and February
    assert rows["u2"]["months"] == "1"  # February only: a line exists only when it has records
    assert "no direction column" in result.stderr  # type: ignore[attr-defined]


def test_compare_reads_an_xlsx_usage_file(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["month", "voice_min", "sms", "data_mb"])
    for m in range(1, 4):
        ws.append([f"2025-{m:02d}", 100, 5, 1024])
    path = tmp_path / "usage.xlsx"
    book.save(path)
    as_xlsx = run("compare", str(path), "--format", "json", "--today", "2025-04-01")
    csv_path = tmp_path / "usage.csv"
    csv_path.write_text("month,voice_min,sms,data_mb\n" + "".join(f"2025-{m:02d},100,5,1024\n" for m in range(1, 4)))
    as_csv = run("compare", str(csv_path), "--format", "json", "--today", "2025-04-01")
    assert as_xlsx.exit_code == 0, as_xlsx.output  # type: ignore[attr-defined]
    xlsx_doc, csv_doc = json.loads(as_xlsx.stdout), json.loads(as_csv.stdout)  # type: ignore[attr-defined]
    assert xlsx_doc["plans"] == csv_doc["plans"] and xlsx_doc["usage"] == csv_doc["usage"]


def test_a_folder_leaves_out_lock_and_hidden_files_and_a_total_size_limit_holds(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tariffcli.inputs.records as records_module

    (folder / "~$calls.xlsx").write_bytes(b"not a workbook")
    (folder / ".hidden.csv").write_text("garbage", "utf-8")
    assert run("analyze", str(folder), "--format", "json").exit_code == 0  # type: ignore[attr-defined]
    monkeypatch.setattr(records_module, "MAX_TOTAL_BYTES", 100)
    too_big = run("analyze", str(folder), "--format", "json")
    assert too_big.exit_code == 1 and "at most 100 are read" in too_big.output  # type: ignore[attr-defined]
