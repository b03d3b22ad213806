"""Nothing injected: text from a file reaches no terminal, CSV or Markdown raw (issue 15, item 2).

A plan, a basket and a bill carry escape sequences (screen clear and cursor home,
an OSC window title, an OSC 52 clipboard write), a one-byte C1 CSI, bidi overrides,
rich markup and HTML (``<script>``, ``<img onerror>``, ``javascript:`` and ``data:``
source links). Every view is run through the real CLI: no control or bidi character
reaches stdout or stderr (JSON keeps the raw text, which must survive ``json.loads``),
Markdown carries no HTML and no link but http(s), and the text is still there, escaped.
The rule is in :mod:`tariffcli.model.sanitise`.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tariffcli.model.errors import Problem
from tariffcli.model.sanitise import escape_controls, is_web_url, md_link, md_text, one_line, text_block

ROOT = Path(__file__).resolve().parents[2]
ANALYZE = ROOT / "sample_bills" / "analyze"
ENV = {"NO_COLOR": "1", "COLUMNS": "80", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb",
       "TARIFFCLI_TODAY": "2026-12-01"}

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""What must never be printed: C0 but newline and tab, DEL, C1, separators, bidi embeddings, overrides, isolates."""

NAME = "x\x1b[2J\x1b[HBEST PLAN\u202e [bold red]red[/] <script>alert(1)</script>"

EVIL_PLAN = r'''id: evil
name: "x\e[2J\e[HBEST PLAN\u202e [bold red]red[/] <script>alert(1)</script>"
name_en: "gloss \e]0;pwned\a"
operator: "Op\e]52;c;ZXZpbA==\a \x9b31m [link](javascript:alert(1)) \u2067"
province: national
monthly_fee: 8.00
allowances: {voice: 100 min, data: 1 GB}
overage:
  voice: {rate: 0.25}
  sms: {rate: 0.10}
  data: {rate: 0.29, per: MB, increment: KB}
addons:
  - id: pack
    name: "pack\e]0;pwned\a <img src=x onerror=alert(1)>"
    fee: 5.00
    optional: true
    allowances: {data: 5 GB}
promotions:
  - from_month: 1
    to_month: 3
    fee: 4.00
    note: "promo \e[31m\u2066 ends"
eligibility: ["<img src=x onerror=alert(1)>\e[5m"]
tags: [keep-number]
apply: "dial \e]0;pwned\a <script>x</script>"
roaming:
  sms_received: 0
  calls: [{zone: "zone\e[1m <b>", rate: 1.99}]
  as_of: "2026"
  sources: [{url: "javascript:alert(1)", retrieved: 2026-01-01, note: "n\e[2J"}]
confidence: example
sources:
  - url: "javascript:alert(1)"
    retrieved: 2026-01-01
    note: "source note \e]52;c;ZXZpbA==\a"
  - url: "data:text/html,<script>alert(1)</script>"
    retrieved: 2026-01-01
  - url: "https://example.com/ok"
    retrieved: 2026-01-01
notes: "line one\nline two \e[2J\x9b\u202e"
'''

OK_PLAN = """id: ok-plan
name: OK plan
operator: Test Mobile
province: national
monthly_fee: 8.00
overage:
  voice: {rate: 0.25}
  sms: {rate: 0.10}
  data: {rate: 0.29, per: MB, increment: KB}
confidence: example
sources:
  - url: https://example.com/plan
    retrieved: 2026-01-01
"""

BASKET = r'''id: evil-basket
name: "basket\e]0;pwned\a <script>alert(1)</script>"
voice: 70 min
sms: 20
data: 500 MB
source: {title: "title\e[2J <img src=x onerror=alert(1)>", url: "javascript:alert(1)", note: "\x9b\u202e"}
'''


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env=ENV, catch_exceptions=False)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("hostile")
    for folder, evil in (("plans", EVIL_PLAN), ("plans2", EVIL_PLAN.replace("BEST PLAN", "WORST").replace(
            "fee: 4.00", "fee: 5.00"))):
        (d / folder).mkdir()
        (d / folder / "evil.yaml").write_text(evil, encoding="utf-8")
        (d / folder / "ok-plan.yaml").write_text(OK_PLAN, encoding="utf-8")
    (d / "usage.csv").write_text("month,voice_min,sms,data_mb\n2026-01,30,2,3000\n2026-02,30,2,3000\n"
                                 "2026-03,30,2,3000\n", encoding="utf-8")
    (d / "basket.yaml").write_text(BASKET, encoding="utf-8")
    # the bill analyzer: the seed 002 sample with a hostile plan and bill items
    shutil.copy(ANALYZE / "seed002-records.csv", d / "records.csv")
    plan = (ANALYZE / "seed002-plan.yaml").read_text("utf-8")
    plan = plan.replace("name: 全球通套餐（示意，2009年）", r'name: "全球通\e[2J\e[HBEST PLAN\u202e <script>x</script>"')
    plan = plan.replace("name: 5元GPRS套餐", r'name: "GPRS\e]0;pwned\a <img src=x onerror=alert(1)>"')
    plan = plan.replace("operator: China Mobile", r'operator: "China Mobile\e]52;c;ZXZpbA==\a"')
    (d / "plan.yaml").write_text(plan, encoding="utf-8")
    bill = (ANALYZE / "seed002-bill.csv").read_text("utf-8")
    bill = bill.replace("GPRS套餐费(5元)", "GPRS套餐费(5元)\x1b[2J\x9b") + '201001,"怪\x1b]0;pwned\x07<script>",1.00\n'
    (d / "bill.csv").write_text(bill, encoding="utf-8")
    return d


def compare(*extra: str) -> tuple[str, ...]:
    return ("compare", "usage.csv", "--plans", "plans", "--start", "2027-01", *extra)


ANALYZE_ARGS = ("analyze", "records.csv", "--bill", "bill.csv", "--plan", "plan.yaml", "--plan-since", "2009-01",
                "--today", "2009-10-05")

VIEWS: list[tuple[str, tuple[str, ...]]] = [
    ("table", compare()),
    ("table", compare("--with-addons", "--explain", "--tag", "keep-number")),
    ("table", compare("--bars")),
    ("markdown", compare("--format", "markdown", "--cite", "--with-addons")),
    ("markdown", compare("--format", "markdown", "--explain", "--tag", "keep-number", "--with-addons")),
    ("csv", compare("--format", "csv", "--cite")),
    ("json", compare("--format", "json", "--with-addons", "--explain", "--tag", "keep-number")),
    ("table", ("plans", "list", "--plans", "plans")),
    ("csv", ("plans", "list", "--plans", "plans", "--format", "csv")),
    ("markdown", ("plans", "list", "--plans", "plans", "--format", "markdown")),
    ("json", ("plans", "list", "--plans", "plans", "--format", "json")),
    ("table", ("plans", "show", "evil", "--plans", "plans")),
    ("table", ("plans", "diff", "plans", "plans2")),
    ("markdown", ("plans", "diff", "plans", "plans2", "--format", "markdown")),
    ("csv", ("plans", "diff", "plans", "plans2", "--format", "csv")),
    ("table", ("offer", "plans/evil.yaml", "usage.csv", "--start", "2027-01")),
    ("table", ("baskets", "--plans", "plans", "--basket", "basket.yaml", "--date", "2027-01-01")),
    ("markdown", ("baskets", "--plans", "plans", "--basket", "basket.yaml", "--date", "2027-01-01", "--format",
                  "markdown", "--cite")),
    ("csv", ("baskets", "--plans", "plans", "--basket", "basket.yaml", "--date", "2027-01-01", "--format", "csv",
             "--cite")),
    ("table", ANALYZE_ARGS),
    ("markdown", (*ANALYZE_ARGS, "--format", "markdown")),
    ("csv", (*ANALYZE_ARGS, "--format", "csv", "--lang", "zh")),
    ("json", (*ANALYZE_ARGS, "--format", "json")),
]


def strings(node: Any) -> list[str]:
    """Every string in a JSON document."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return []


def assert_clean(text: str, what: str) -> None:
    bad = UNSAFE.findall(text)
    assert not bad, f"{what}: {[hex(ord(c)) for c in bad[:5]]} printed raw"


def assert_safe_markdown(text: str) -> None:
    lowered = text.lower()
    for tag in ("<script", "<img", "<b>", "<javascript:", "<data:"):
        assert tag not in lowered, tag
    # a link is [text](target) with an unescaped ']' or an autolink <target>: only http(s) targets
    assert not re.search(r"(?<!\\)\]\((?!https?://)", text), "a link that is not http(s)"
    assert all(is_web_url(u) for u in re.findall(r"<([^<>\s]+)>", text))


@pytest.mark.parametrize(("kind", "args"), VIEWS, ids=[f"{' '.join(a[:2])}-{k}-{i}" for i, (k, a) in enumerate(VIEWS)])
def test_no_control_character_or_markup_from_a_file_reaches_the_output(
        files: Path, kind: str, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(files)
    r = run(*args)
    assert r.exit_code == 0, r.stderr
    assert_clean(r.stderr, "stderr")
    if kind == "json":
        assert any("\x1b" in t for t in strings(json.loads(r.stdout)))  # JSON keeps the raw text: it is data
        return
    assert_clean(r.stdout, "stdout")
    assert "\\x1b" in r.stdout or "\\\\x1b" in r.stdout  # still readable: shown escaped
    if kind == "markdown":
        assert_safe_markdown(r.stdout)


def test_json_keeps_the_raw_text(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(files)
    doc = json.loads(run(*compare("--format", "json", "--with-addons")).stdout)
    evil = next(p for p in doc["plans"] if p["id"] == "evil")
    assert evil["name"] == NAME
    assert evil["operator"].startswith("Op\x1b]52;c;ZXZpbA==\x07 \x9b31m")
    assert [s["url"] for s in evil["sources"]][:2] == ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>"]
    assert evil["eligibility"] == ["<img src=x onerror=alert(1)>\x1b[5m"]
    doc = json.loads(run("plans", "show", "evil", "--plans", "plans", "--format", "json").stdout)
    assert doc["plan"]["notes"] == "line one\nline two \x1b[2J\x9b\u202e"


def test_the_table_shows_the_name_escaped_and_markup_as_text(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(files)
    out = run(*compare()).stdout
    assert "x\\x1b[2J\\x1b[HBEST PLAN\\u202e [bold" in out  # rich markup in a name is text, not style
    assert "red]red[/]" in out
    assert "Op\\x1b]52;c;ZXZpbA==\\x07 \\x9b31m" in out


def test_plans_show_is_yaml_that_reads_back_as_the_same_text(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    monkeypatch.chdir(files)
    out = run("plans", "show", "evil", "--plans", "plans").stdout
    doc = yaml.safe_load(out)
    assert doc["name"] == NAME
    assert doc["notes"] == "line one\nline two \x1b[2J\x9b\u202e"
    assert out.startswith("# x\\x1b[2J\\x1b[HBEST PLAN\\u202e")


def test_markdown_links_only_http(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(files)
    out = run(*compare("--format", "markdown", "--cite")).stdout
    assert "<https://example.com/ok>" in out
    assert "javascript:alert(1) (retrieved 2026-01-01)" in out  # shown, as text
    assert "data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_ics_reminders_carry_no_control_character(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(files)
    r = run(*ANALYZE_ARGS, "--format", "json", "--ics", "r.ics")
    assert r.exit_code == 0, r.stderr
    text = (files / "r.ics").read_bytes().decode("utf-8").replace("\r\n", "\n")
    assert "SUMMARY:" in text and "pwned" in text
    assert_clean(text, "ics")


def test_error_messages_escape_what_they_quote(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(OK_PLAN + '"monthy\\e]0;pwned\\a_fee\\u202e": 1\n', encoding="utf-8")
    r = run("plans", "validate", str(bad))
    assert r.exit_code == 1
    assert_clean(r.stderr, "stderr")
    assert "monthy\\x1b]0;pwned\\x07_fee\\u202e" in r.stderr
    (tmp_path / "u.csv").write_text("month,voice_min,sms,data_mb\n2026-01,30,2,3000\n", encoding="utf-8")
    r = run("compare", str(tmp_path / "u.csv"), "--plans", str(bad), "--format", "json")
    assert r.exit_code == 1 and r.stdout == ""
    assert_clean("\n".join(line for line in r.stderr.splitlines() if not line.startswith("{")), "stderr")
    errors = [json.loads(line) for line in r.stderr.splitlines() if line.startswith("{")]
    assert errors and "\x1b" in errors[0]["error"]["problems"][0]["message"]  # the JSON error keeps the raw text
    p = Problem("bad \x1b[2J\u202e value", file="f\x07.yaml", line=3, field="k\x9b")
    assert str(p) == "f\\x07.yaml:3: k\\x9b: bad \\x1b[2J\\u202e value"
    assert p.to_dict()["message"] == "bad \x1b[2J\u202e value"


# ---------------------------------------------------------------- the rule itself


def test_the_escapes() -> None:
    assert one_line("a\x1b[2Jb\x07\x00\x7f\x9b\u202e\u2066\u2028\n\t\r") == (
        "a\\x1b[2Jb\\x07\\x00\\x7f\\x9b\\u202e\\u2066\\u2028\\n\\t\\r")
    assert text_block("a\nb\tc\x1b") == "a\nb\tc\\x1b"
    assert escape_controls("a\nb", keep="\n") == "a\nb"
    assert md_text("<img src=x onerror=alert(1)> & [a](javascript:x) | \\ \x1b\nz") == (
        "&lt;img src=x onerror=alert(1)&gt; &amp; \\[a\\](javascript:x) \\| \\\\ \\x1b z")
    assert md_link("https://example.com/a?b=1") == "<https://example.com/a?b=1>"
    assert md_link("HTTP://EXAMPLE.COM") == "<HTTP://EXAMPLE.COM>"
    for url in ("javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "https://a.b/<x>", "https://a b",
                "https://a.b/\x1b", "vbscript:x", " https://a.b"):
        assert not md_link(url).startswith("<"), url


def test_ordinary_text_is_unchanged() -> None:
    from tariffcli.inputs.files import load_plans

    for text in ("联通智家5G云智套餐59套内5G主卡（河北）", "移动花卡-宝藏版（2025版）39元档", "Op A, 😀 é ß", "a\u200db"):
        assert one_line(text) == text and text_block(text) == text and md_text(text) == text
    for plan in load_plans(None):
        for text in (plan.name, plan.operator, plan.province, *plan.eligibility, *(s.url for s in plan.sources)):
            assert one_line(text) == text, plan.id
        assert all(md_link(s.url) == f"<{s.url}>" for s in plan.sources), plan.id
