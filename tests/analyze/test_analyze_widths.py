"""``analyze`` at 60, 80 and 120 columns in English and Chinese: golden files (tests/golden/widths/analyze-*,
regenerated with TARIFFCLI_UPDATE_GOLDEN=1), the line-breaking rules of the other tables, and a footer whose
notes wrap with hanging indents (a continuation line never starts at the left edge)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tests.cli.test_widths import check_lines

ROOT = Path(__file__).resolve().parents[2]
A = Path("sample_bills") / "analyze"  # relative to ROOT, the working directory of the runs
GOLDEN = ROOT / "tests" / "golden" / "widths"
UPDATE = os.environ.get("TARIFFCLI_UPDATE_GOLDEN") == "1"

CASES: dict[str, tuple[str, ...]] = {
    "analyze-household": (str(A / "household-records.csv"), "--bill", str(A / "household-bill.csv"), "--plan",
                          "13800000001=cmcc-5g-128", "--plan-since", "13800000001=2025-06", "--today", "2026-05-10"),
    "analyze-seed002": (str(A / "seed002-records.csv"), "--bill", str(A / "seed002-bill.csv"), "--plan",
                        str(A / "seed002-plan.yaml"), "--plan-since", "2009-11", "--today", "2010-03-05"),
    "analyze-usage-only": (str(Path("sample_bills") / "heavy-data.csv"),),
    "analyze-priced": (str(A / "household-records.csv"), "--plan", "cmcc-5g-128", "--plan",
                       "cmcc-8yuan-shenzhen-voice", "--plan", "telecom-wuyouka-5"),
}

HEADS = {"en": ("Reminders:", "Bill items not recognised", "Checks not run:"),
         "zh": ("提醒：", "未识别的账单项目", "未执行的检查：")}
"""How each note of the footer starts."""


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # file names in the output as a user types them, the same on every machine


def run(args: tuple[str, ...], width: int, lang: str) -> Any:
    env = {"NO_COLOR": "1", "COLUMNS": str(width), "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb",
           "TARIFFCLI_CONFIG": os.devnull}
    r = CliRunner().invoke(app, ["analyze", *args, "--lang", lang], env=env, catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    return r


def footer(text: str, lang: str) -> list[str]:
    """The lines from the footer's first note to the next blank line (the priced plans may follow)."""
    lines = text.splitlines()
    starts = [i for i, ln in enumerate(lines) if ln.startswith(HEADS[lang])]
    if not starts:
        return []
    rest = lines[starts[0]:]
    return rest[:rest.index("")] if "" in rest else rest


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_analyze_width_golden(case: str, lang: str, width: int) -> None:
    r = run(CASES[case], width, lang)
    path = GOLDEN / f"{case}.{lang}.w{width}.txt"
    if UPDATE:
        path.write_text(r.stdout, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with TARIFFCLI_UPDATE_GOLDEN=1"
    assert r.stdout == path.read_text(encoding="utf-8")
    whole = set(re.findall(r"[\w-]+\.csv:\d+", r.stdout.replace("\n", " ")))  # bill references stay whole
    whole |= {"cmcc-5g-128", "cmcc-8yuan-shenzhen-voice", "telecom-wuyouka-5"}  # and plan ids
    check_lines(r.stdout, width, whole)
    notes = footer(r.stdout, lang)
    assert notes, "the case has a footer"
    for line in notes:
        assert line.startswith(HEADS[lang]) or line.startswith("  ") or not line, f"no hanging indent: {line!r}"


def test_the_footer_is_separated_from_the_findings_by_a_blank_line() -> None:
    lines = run(CASES["analyze-seed002"], 80, "en").stdout.splitlines()
    at = lines.index("Reminders:")
    assert lines[at - 1] == ""
