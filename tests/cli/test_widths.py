"""Output that fits the terminal: golden files at 60, 80 and 120 columns in English and Chinese.

Besides the goldens (tests/golden/widths/, regenerated with TARIFFCLI_UPDATE_GOLDEN=1), every output is held to
the line-breaking rules of :mod:`tariffcli.render.layout`: no line wider than the terminal unless it is one
unbreakable word, no line starting with closing punctuation or ending with opening punctuation, no list
number alone on a line, and every plan id and URL whole on one line.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tariffcli.render.layout import CLOSING, OPENING, wrap
from tests.conftest import FIXTURE_CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_bills"
GOLDEN = ROOT / "tests" / "golden" / "widths"
UPDATE = os.environ.get("TARIFFCLI_UPDATE_GOLDEN") == "1"
HEAVY = str(SAMPLES / "heavy-data.csv")
ABROAD = str(SAMPLES / "keep-number-abroad.csv")
FROZEN = ("--plans", str(FIXTURE_CATALOGUE))

CASES: dict[str, tuple[str, ...]] = {
    "compare-heavy": ("compare", HEAVY, "--start", "2027-01", "--top", "4"),
    "compare-heavy-uncovered": ("compare", HEAVY, "--start", "2027-01", *FROZEN),
    "bars-heavy-uncovered": ("compare", HEAVY, "--start", "2027-01", "--bars", *FROZEN),
    "compare-abroad": ("compare", ABROAD, "--start", "2027-01", "--tag", "keep-number", "--explain", "--top", "3"),
    "plans-list": ("plans", "list", "--all", *FROZEN),
}


def run(args: tuple[str, ...], width: int, lang: str) -> Any:
    env = {"NO_COLOR": "1", "COLUMNS": str(width), "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}
    r = CliRunner().invoke(app, [*args, "--lang", lang], env=env, catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    return r


def check_lines(text: str, width: int, whole: set[str]) -> None:
    """The line-breaking rules, on every line of ``text``."""
    for line in text.splitlines():
        body = line.strip()
        assert cell_len(line) <= width or " " not in body, f"wider than {width}: {line!r}"
        assert not body or body[0] not in CLOSING, f"starts with closing punctuation: {line!r}"
        assert not body or body[-1] not in OPENING, f"ends with opening punctuation: {line!r}"
        assert not re.fullmatch(r"\d+\.", body), f"a list number alone: {line!r}"
    flat = " ".join(text.split())
    for w in whole:
        assert w in text or w not in flat, f"{w} split across lines"


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_width_golden(case: str, lang: str, width: int) -> None:
    args = CASES[case]
    r = run(args, width, lang)
    path = GOLDEN / f"{case}.{lang}.w{width}.txt"
    if UPDATE:
        path.write_text(r.stdout, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with TARIFFCLI_UPDATE_GOLDEN=1"
    assert r.stdout == path.read_text(encoding="utf-8")
    whole: set[str] = set(re.findall(r"https?://[^\s，。；、（）]+", r.stdout))
    if args[0] == "compare":
        doc = json.loads(run(tuple(a for a in args if a != "--bars") + ("-f", "json"), width, lang).stdout)
        whole |= {p["id"] for p in doc["plans"]} if "--bars" not in args else set()
    if args[0] == "plans":
        whole |= {p["id"] for p in json.loads(run((*args, "-f", "json"), width, lang).stdout)["plans"]}
    check_lines(r.stdout, width, whole)


def test_uncovered_plans_have_their_own_section_in_every_view() -> None:
    for lang, heading in (("en", "Does not cover your usage"), ("zh", "不能满足您的用量")):
        for case in ("compare-heavy-uncovered", "bars-heavy-uncovered"):
            out = run(CASES[case], 80, lang).stdout
            assert out.count(heading) == 1
            before, after = out.split(heading)
            assert "腾讯大王卡" in after and "腾讯大王卡" not in before
            assert "5G套餐 128元档" in before


def test_bars_tell_plans_of_the_same_name_apart() -> None:
    for width in (60, 80, 120):
        out = run(CASES["bars-heavy-uncovered"], width, "en").stdout
        labels = [line.split("  ")[0] for line in out.splitlines() if re.match(r"(9|10|14|15) ", line.strip())]
        assert len(labels) == 4 and len(set(labels)) == 4, labels


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("第 1 名是全国可办理的最便宜套餐", 9, ["第 1 名是", "全国可办", "理的最便", "宜套餐"]),
    ("办理渠道：自办营业厅。", 12, ["办理渠道：自", "办营业厅。"]),
    ("over voice allowance in 12 of 12 months", 34, ["over voice allowance in 12 of", "12 months"]),
    ("5. 资费为运营商资费公示的副本", 13, ["5. 资费为运营", "   商资费公示", "   的副本"]),
    ("see cmcc-hebei-fangxinxiang-15 now", 28, ["see", "cmcc-hebei-fangxinxiang-15", "now"]),
    ("共 1192.10 元", 8, ["共", "1192.10", "元"]),
    ("来源 https://example.com/a/b，可信度 A", 25, ["来源", "https://example.com/a/b，", "可信度 A"]),
])
def test_wrap_rules(text: str, width: int, lines: list[str]) -> None:
    assert wrap(text, width) == lines
