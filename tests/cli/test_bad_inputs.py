"""Every bad input gets one clear answer, and no input can do harm.

The corpus lives in tests/bad_inputs/: plan, usage, records and bill files, and cases.yaml
listing for each case the command, the exit code and the exact lines expected
on stderr. Each case is run through the real CLI, from that directory, so the
file names in the messages are the short relative ones.

The second half checks "no harm": only safe YAML loading, nothing from an input
used as a path or run as a command, atomic ``--output``, and CSV cells that a
spreadsheet could run as a formula neutralised.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tariffcli.model.errors import Problem

TESTS = Path(__file__).resolve().parents[1]
CORPUS = TESTS / "bad_inputs"
PACKAGE = TESTS.parent / "tariffcli"
CASES: list[dict[str, Any]] = yaml.safe_load((CORPUS / "cases.yaml").read_text("utf-8"))
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env=ENV, catch_exceptions=False)


@pytest.fixture
def in_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)


# ---------------------------------------------------------------- the corpus


def test_the_corpus_is_large_and_every_file_in_it_is_used() -> None:
    assert len(CASES) >= 40
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    used = {a for c in CASES for a in c["args"]}
    files = {p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("*/*") if p.name != "cases.yaml"}
    assert sorted(files - used) == []


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_input(case: dict[str, Any], in_corpus: None) -> None:
    r = run(*case["args"])
    assert (r.exit_code, r.stderr.splitlines()) == (case["exit"], case["stderr"]), case["what"]
    assert "Traceback" not in r.stdout + r.stderr
    if case["exit"]:
        assert r.stdout == ""
    elif case["args"][0] == "compare":
        assert r.stdout.strip()


def _json_args(args: list[str]) -> list[str] | None:
    """The same command asking for JSON output (so errors come as JSON too), or None."""
    if args[0] in ("compare", "analyze"):
        return [*args, "--format", "json"]
    if args[:2] == ["plans", "validate"]:
        paths = [a for p in args[2:] for a in ("--plans", p)]
        return ["plans", "list", *paths, "--format", "json"]
    return None


ERROR_CASES = [c for c in CASES if c["exit"] and _json_args(c["args"])]


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c["name"] for c in ERROR_CASES])
def test_an_error_is_also_json_on_stderr(case: dict[str, Any], in_corpus: None) -> None:
    args = _json_args(case["args"])
    assert args is not None
    r = run(*args)
    assert r.exit_code == case["exit"]
    assert r.stdout == ""
    *text, last = r.stderr.splitlines()
    assert text == case["stderr"]
    doc = json.loads(last)
    assert doc["version"] == "1"
    assert doc["error"]["exit_code"] == case["exit"]
    problems = doc["error"]["problems"]
    assert [set(p) for p in problems] == [{"code", "message", "file", "line", "field"}] * len(problems)
    # the JSON holds exactly what the text says: file, line, field, code and message
    assert [f"Error: {Problem(**p)}" for p in problems] == [t for t in text if not t.startswith("Warning: ")]
    for p in problems:
        assert p["code"] and p["message"]
        if case["exit"] == 1:
            assert p["file"], "a data error names its file"


def test_json_error_fields_for_a_near_miss_key(in_corpus: None) -> None:
    r = run("plans", "list", "--plans", "plans/near-miss.yaml", "--format", "json")
    doc = json.loads(r.stderr.splitlines()[-1])
    assert doc == {
        "version": "1",
        "error": {
            "exit_code": 1,
            "problems": [
                {
                    "code": "unknown_key",
                    "message": "unknown key 'monthy_fee' (did you mean 'monthly_fee'?)",
                    "file": "plans/near-miss.yaml",
                    "line": 5,
                    "field": "monthy_fee",
                }
            ],
        },
    }


# ---------------------------------------------------------------- no harm: YAML


def _calls(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "yaml":
            yield node.attr


def test_only_the_safe_yaml_loader_is_used() -> None:
    unsafe = {"load", "load_all", "full_load", "full_load_all", "unsafe_load", "unsafe_load_all",
              "Loader", "FullLoader", "UnsafeLoader", "CLoader", "CFullLoader", "CUnsafeLoader", "add_constructor"}
    found = {
        f"{path.name}: yaml.{name}"
        for path in sorted(PACKAGE.glob("*.py"))
        for name in _calls(ast.parse(path.read_text("utf-8")))
        if name in unsafe
    }
    assert found == set()


def test_a_python_tag_runs_nothing(tmp_path: Path) -> None:
    victim = tmp_path / "created-by-yaml"
    plan = (CORPUS / "plans" / "ok" / "ok-plan.yaml").read_text("utf-8")
    plan += f"notes: !!python/object/apply:pathlib.Path.touch [{str(victim)!r}]\n"
    (tmp_path / "evil.yaml").write_text(plan, encoding="utf-8")
    r = run("plans", "validate", str(tmp_path / "evil.yaml"))
    assert r.exit_code == 1
    assert "tag '!!python/object/apply:pathlib.Path.touch' is not allowed" in r.stderr
    assert not victim.exists()


# ---------------------------------------------------------------- no harm: paths and commands

_WATCH: list[tuple[str, tuple[Any, ...]]] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _WATCH is not None and event in ("open", "os.system", "subprocess.Popen", "os.exec", "os.posix_spawn",
                                         "os.spawn", "os.startfile", "shutil.copyfile", "os.remove", "os.rename"):
        _WATCH.append((event, args))


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one records only inside `watching`


class watching:
    """Record the files opened and the commands run inside the block."""

    def __enter__(self) -> list[tuple[str, tuple[Any, ...]]]:
        global _WATCH
        _WATCH = []
        return _WATCH

    def __exit__(self, *exc: object) -> None:
        global _WATCH
        _WATCH = None


MARKER = "hostile-marker"


def test_nothing_from_an_input_file_is_used_as_a_path_or_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plan and usage texts that look like paths and commands are only ever shown as text."""
    monkeypatch.chdir(tmp_path)
    plans = tmp_path / "plans"
    plans.mkdir()
    evil = f"../../{MARKER}/x.yaml"
    (plans / "p.yaml").write_text(
        f"""id: {MARKER}
name: "{evil}"
name_en: "$(touch {MARKER}-sh); `touch {MARKER}-bt`"
operator: "/etc/{MARKER}"
province: "~/{MARKER}"
monthly_fee: 8.00
overage:
  voice: {{rate: 0.25}}
  sms: {{rate: 0.10}}
  data: {{rate: 0.29, per: MB, increment: KB}}
addons:
  - {{id: {MARKER}, name: "{evil}", fee: 1.00}}
promotions:
  - {{from_month: 1, to_month: 2, addons: [{MARKER}], note: "{evil}"}}
eligibility: ["{evil}"]
tags: ["{evil}"]
confidence: example
sources:
  - {{url: "file:///etc/{MARKER}", retrieved: 2026-01-01, note: "{evil}"}}
apply: "{evil}"
notes: "{evil}"
""",
        encoding="utf-8",
    )
    (tmp_path / "usage.csv").write_text(
        f"month,voice_min,sms,data_mb,{evil}\n2026-01,30,2,100,/etc/{MARKER}\n", encoding="utf-8"
    )
    runs = [
        ["compare", "usage.csv", "--plans", "plans", "--start", "2027-01", "--format", fmt]
        for fmt in ("table", "json", "csv", "markdown")
    ] + [
        ["plans", "list", "--plans", "plans", "--format", "csv"],
        ["plans", "show", MARKER, "--plans", "plans"],
        ["plans", "validate", "plans"],
    ]
    for args in runs:
        with watching() as seen:
            r = run(*args)
        assert r.exit_code == 0, (args, r.stderr)
        cache = os.environ["TARIFFCLI_CACHE_DIR"]  # the catalogue cache is renamed into place there
        assert [e for e, a in seen if e != "open" and not (e == "os.rename" and str(a[1]).startswith(cache))] == [], args
        opened = [str(a[0]) for e, a in seen if e == "open"]
        assert any(p.endswith("p.yaml") for p in opened), "the audit hook sees the plan file opened"
        assert [p for p in opened if MARKER in p] == [], args
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plans", "usage.csv"]


# ---------------------------------------------------------------- no harm: --output


def _dir_listing(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


def test_a_failing_run_leaves_an_existing_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    out.write_text("precious\n", encoding="utf-8")
    r = run("compare", str(CORPUS / "usage" / "negative.csv"), "--plans", str(CORPUS / "plans" / "ok"),
            "--start", "2027-01", "--format", "json", "--output", str(out))
    assert r.exit_code == 1
    assert out.read_text("utf-8") == "precious\n"
    assert _dir_listing(tmp_path) == ["result.json"]


def test_a_failing_write_leaves_no_temp_file_and_the_old_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "result.json"
    out.write_text("precious\n", encoding="utf-8")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    r = run("compare", str(CORPUS / "usage" / "gbk-ok.csv"), "--plans", str(CORPUS / "plans" / "ok"),
            "--start", "2027-01", "--format", "csv", "--output", str(out))
    assert r.exit_code == 2
    assert r.stderr.splitlines()[-1].startswith("Error: ")  # after the warning about a two-month history
    assert r.stderr.endswith(f"cannot write {out}: No space left on device\n")
    assert r.stdout == ""
    assert out.read_text("utf-8") == "precious\n"
    assert _dir_listing(tmp_path) == ["result.json"]


def test_output_to_a_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "no-such-dir" / "result.json"
    r = run("compare", str(CORPUS / "usage" / "gbk-ok.csv"), "--plans", str(CORPUS / "plans" / "ok"),
            "--start", "2027-01", "--output", str(out))
    assert r.exit_code == 2
    assert r.stderr.splitlines()[-1].startswith("Error: ")  # after the warning about a two-month history
    assert r.stderr.endswith(f"cannot write {out}: No such file or directory\n")
    assert _dir_listing(tmp_path) == []


def test_output_replaces_the_file_whole_with_the_usual_permissions(tmp_path: Path) -> None:
    out = tmp_path / "result.csv"
    out.write_text("old content that is longer than nothing\n" * 100, encoding="utf-8")
    r = run("compare", str(CORPUS / "usage" / "gbk-ok.csv"), "--plans", str(CORPUS / "plans" / "ok"),
            "--start", "2027-01", "--format", "csv", "--output", str(out))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "" and [ln for ln in r.stderr.splitlines() if "months of usage" not in ln] == []
    assert out.read_text("utf-8").startswith("rank,id,")
    assert "old content" not in out.read_text("utf-8")
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
    assert _dir_listing(tmp_path) == ["result.csv"]


def test_an_oversized_input_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(b"month,voice_min,sms,data_mb\n" + b"2026-01,1,1,1\n" * 200_000)
    r = run("compare", str(big), "--plans", str(CORPUS / "plans" / "ok"), "--start", "2027-01")
    assert (r.exit_code, r.stderr) == (1, f"Error: {big}: file is larger than 2,000,000 bytes\n")


# ---------------------------------------------------------------- no harm: CSV formulas

FORMULA_PLAN = """id: formula
name: "=HYPERLINK(\\"http://evil.example\\",\\"click\\")"
operator: "+cmd|' /C calc'!A0"
province: "-2+3"
monthly_fee: 8.00
overage:
  voice: {rate: 0.25}
  sms: {rate: 0.10}
  data: {rate: 0.29, per: MB, increment: KB}
eligibility: ["@SUM(1+1)"]
confidence: example
sources:
  - {url: "=1+1", retrieved: 2026-01-01}
"""

TEXT_COLUMNS = ("id", "operator", "name", "province", "source", "notes")


def _cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_cells_that_could_start_a_formula_are_neutralised(tmp_path: Path) -> None:
    (tmp_path / "formula.yaml").write_text(FORMULA_PLAN, encoding="utf-8")
    r = run("compare", str(CORPUS / "usage" / "gbk-ok.csv"), "--plans", str(tmp_path), "--start", "2027-01",
            "--format", "csv")
    assert r.exit_code == 0, r.stderr
    (row,) = _cells(r.stdout)
    assert row["name"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert row["operator"] == "'+cmd|' /C calc'!A0"
    assert row["province"] == "'-2+3"
    assert row["source"] == "'=1+1"
    for column in TEXT_COLUMNS:
        assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r")), column


def test_plans_list_csv_is_neutralised_too(tmp_path: Path) -> None:
    (tmp_path / "formula.yaml").write_text(FORMULA_PLAN, encoding="utf-8")
    r = run("plans", "list", "--plans", str(tmp_path), "--format", "csv")
    assert r.exit_code == 0, r.stderr
    (row,) = _cells(r.stdout)
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
