"""Chinese that reads as Chinese: every command rendered with ``--lang zh`` carries no English word of its own.

What may stay in Latin letters is named here: plan data (names, ids, conditions, how-to-apply text,
pack names, sources: the operator's or the file's own words), URLs, units, codes and option names
(:data:`ALLOWED`). Anything else is a label that was not translated, and the test names it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tariffcli.inputs.files import load_plans
from tests.conftest import FIXTURE_CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_bills"
ANALYZE = SAMPLES / "analyze"

ALLOWED = {
    # units and currencies
    "GB", "MB", "KB", "CNY", "min", "SMS",
    # words Chinese text writes in Latin letters
    "App", "WAP", "VoLTE", "APP", "ITU", "IMS", "eSIM",
    # environment variables, commands and file formats a user types
    "TARIFFCLI_PROVINCE", "TARIFFCLI_TODAY", "tariffcli", "plans", "list", "all", "json", "csv", "yaml",
    "ics", "svg", "png", "apt", "get", "install", "fonts", "noto", "cjk", "Noto", "Sans", "CJK", "GPRS",
    "p",  # p50, p90: the percentile levels of --scenario
    "offer",  # the id of an offer made from flags
    "numba", "numpy",  # the batch kernel that ran (library names)
    # the reliability tags of sources (A, B, C with a sign) and plan-id like codes
    "A", "B", "C", "A-", "B-", "C-",
}
"""Latin-letter words a Chinese output may contain besides plan data, URLs and option names."""

CSV_CODES = frozenset({"true", "false", "national", "unspecified", "example", "verified", "reported", "official",
                       "copy"})
"""CSV cells that are codes a spreadsheet filters on (covers_usage, province, confidence)."""

WORD = re.compile(r"(?<![\w-])--?[a-z][\w-]*|https?://\S+|[A-Za-z][A-Za-z_]*")


def data_strings() -> list[str]:
    """The text of the plans and of the sample files, longest first: the operator's and the user's own words
    (plan names, ids, tags, conditions, how to apply, pack names, bill items, file paths)."""
    from tariffcli.inputs.files import parse_plan

    plans = [*load_plans(None), *load_plans([FIXTURE_CATALOGUE]),
             *(parse_plan(f.read_text("utf-8"), f.name) for f in sorted(ANALYZE.glob("*.yaml")))]
    found: set[str] = {str(ROOT), str(SAMPLES), "sample_bills/analyze", "sample_bills"}
    for p in plans:
        found.update([p.id, p.name, p.filing_number or "", p.apply or "", *p.eligibility, *p.tags, *(a.name for a in p.addons),
                      *(a.id for a in p.addons), str(p.origin)])
    for f in ANALYZE.glob("*.csv"):
        found.add(str(f))
        found.add(f.name)
        for line in f.read_bytes().decode("utf-8", "replace").splitlines()[1:]:
            found.update(c.strip() for c in line.split(","))
    return sorted((x for x in found if re.search("[A-Za-z]", x)), key=len, reverse=True)


DATA = data_strings()
DATA_RE = re.compile("|".join(rf"(?<![A-Za-z]){re.escape(d)}(?![A-Za-z])" for d in DATA))
"""Any of the data strings, as whole words (so a tag 'promotion' leaves the field 'promotions' alone)."""


def field_names() -> set[str]:
    """The plan file's field names (the catalogue diff names the fields that changed): a file format's codes."""
    from tariffcli.model.plan import plan_json_schema

    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(plan_json_schema())
    return names


FIELDS = field_names()


def run(*args: str, columns: int = 200) -> Any:
    env = {"NO_COLOR": "1", "COLUMNS": str(columns), "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}
    r = CliRunner().invoke(app, [*args, "--lang", "zh"], env=env, catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    return r


def english_words(text: str, extra: frozenset[str] = frozenset()) -> list[str]:
    """Latin words in ``text`` that are neither allowed, plan or file data, an option nor a URL."""
    text = re.sub(r"https?://\S+", " ", text)
    text = DATA_RE.sub(" ", text)
    text = re.sub(r"&\w+;", " ", text)  # Markdown's entities (&gt;)
    out = []
    for w in WORD.findall(text):
        if w.startswith(("-", "http")) or w in ALLOWED or w in extra:
            continue
        out.append(w)
    return out


def json_texts(node: Any, key: str = "") -> list[str]:
    """The sentences of a JSON document (values under 'text', 'title', 'disclaimer'...): its codes stay English."""
    if isinstance(node, dict):
        return [t for k, v in node.items() for t in json_texts(v, k)]
    if isinstance(node, list):
        return [t for v in node for t in json_texts(v, key)]
    if isinstance(node, str) and key in ("text", "title", "disclaimer", "message", "summary"):
        return [node]
    return []


HEAVY = str(SAMPLES / "heavy-data.csv")
ABROAD = str(SAMPLES / "keep-number-abroad.csv")
FROZEN = ("--plans", str(FIXTURE_CATALOGUE))

TEXT_COMMANDS = {
    "compare-table": ("compare", HEAVY, "--start", "2027-01", *FROZEN),
    "compare-bars": ("compare", HEAVY, "--start", "2027-01", "--bars", *FROZEN),
    "compare-markdown": ("compare", HEAVY, "--start", "2027-01", "-f", "markdown", "--cite", *FROZEN),
    "compare-csv": ("compare", HEAVY, "--start", "2027-01", "-f", "csv", *FROZEN),
    "compare-explain": ("compare", ABROAD, "--start", "2027-01", "--explain", "--tag", "keep-number", "--top", "5"),
    "compare-scenario": ("compare", HEAVY, "--start", "2027-01", "--scenario", "p90", "--top", "5", *FROZEN),
    "compare-current": ("compare", ABROAD, "--start", "2027-01", "--current", "cmcc-8yuan-shenzhen-voice",
                        "--top", "3", *FROZEN),
    "analyze-household": ("analyze", str(ANALYZE / "household-records.csv"), "--bill",
                          str(ANALYZE / "household-bill.csv"), "--plan", "13800000001=cmcc-5g-128", "--plan",
                          "13800000002=cmcc-8yuan-shenzhen-voice", "--plan-since", "13800000001=2025-06",
                          "--plan-since", "138 0000 0002=2023-03", "--today", "2026-05-10"),
    "analyze-elderly-md": ("analyze", str(ANALYZE / "elderly-datapack-records.csv"), "--bill",
                           str(ANALYZE / "elderly-datapack-bill.csv"), "--plan",
                           str(ANALYZE / "elderly-datapack-plan.yaml"), "--plan-since", "2025-09", "--today",
                           "2026-01-20", "-f", "markdown"),
    "compare-history": ("compare", HEAVY, "--history", "--current", "cmcc-8yuan-shenzhen-voice", "--top", "3",
                        *FROZEN),
    "compare-history-markdown": ("compare", HEAVY, "--history", "--top", "3", "-f", "markdown", *FROZEN),
    "analyze-priced": ("analyze", str(ANALYZE / "household-records.csv"), "--plan", "cmcc-5g-128", "--plan",
                       "cmcc-8yuan-shenzhen-voice", "--today", "2026-05-10"),
    "offer": ("offer", str(ANALYZE / "seed002-plan.yaml"), ABROAD, "--start", "2027-01"),
    "offer-by-flags": ("offer", HEAVY, "--fee", "128", "--discount", "50%", "--for", "12", "--data", "30 GB",
                       "--current", "cmcc-25jt215455", "--start", "2027-01"),
    "baskets": ("baskets",),
    "baskets-markdown": ("baskets", "-f", "markdown"),
    "plans-list": ("plans", "list"),
    "plans-list-markdown": ("plans", "list", "-f", "markdown"),
    "plans-show": ("plans", "show", "cmcc-25jt215455"),
    "plans-diff": ("plans", "diff", str(FIXTURE_CATALOGUE)),
    "plans-diff-markdown": ("plans", "diff", str(FIXTURE_CATALOGUE), "-f", "markdown"),
}


@pytest.mark.parametrize("name", sorted(TEXT_COMMANDS))
def test_chinese_output_has_no_english_label(name: str) -> None:
    r = run(*TEXT_COMMANDS[name])
    text = r.stdout
    if name.endswith("-csv"):  # the header row is column codes; the cells are data or sentences
        text = text.split("\n", 1)[1]
    if name.startswith("plans-diff"):  # the changed fields' old and new values are the plan files' own text
        text = "\n".join(line.split(":")[0] if line.startswith("    ") else line for line in text.splitlines()
                         if not line.startswith("| changed") and not line.startswith("| 变更"))
    if name == "plans-show":  # the plan file itself (YAML keys are the file format's) follows the header
        text = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    codes = CSV_CODES if name.endswith("-csv") else FIELDS if name.startswith("plans-diff") else frozenset()
    leftover = english_words(text + "\n" + r.stderr, frozenset(codes))
    assert not leftover, f"{name}: English left in --lang zh: {sorted(set(leftover))}"


@pytest.mark.parametrize("args", [
    ("compare", HEAVY, "--start", "2027-01", "-f", "json", "--scenario", "p90", *FROZEN),
    ("compare", ABROAD, "--start", "2027-01", "-f", "json", "--explain", "--tag", "keep-number", "--top", "3"),
    ("analyze", str(ANALYZE / "seed002-records.csv"), "--bill", str(ANALYZE / "seed002-bill.csv"), "--plan",
     str(ANALYZE / "seed002-plan.yaml"), "--plan-since", "2009-01", "--today", "2010-03-05", "-f", "json"),
], ids=["compare", "compare-explain", "analyze"])
def test_chinese_json_sentences_have_no_english_label(args: tuple[str, ...]) -> None:
    doc = json.loads(run(*args).stdout)
    leftover = [w for t in json_texts(doc) for w in english_words(t)]
    assert not leftover, f"English left in --lang zh JSON text: {sorted(set(leftover))}"


def test_batch_summary_in_chinese(tmp_path: Path) -> None:
    src = tmp_path / "subs.csv"
    src.write_text("subscriber,month,voice_min,sms,data_mb,current_plan,remark\n"
                   "a,2026-01,10,1,100,cmcc-8yuan-shenzhen-voice,x\n"
                   "b,2026-01,300,3,3000,,y\n", "utf-8")
    r = run("batch", str(src), "--start", "2027-01", "-q", *FROZEN)
    assert "用户数" in r.stdout and "全部" in r.stdout
    assert "remark" in r.stderr and "已分析 2 个用户" in r.stderr  # the unused column, the closing line
    leftover = english_words(r.stdout + "\n" + r.stderr.replace(str(src), " "), frozenset({"remark"}))
    assert not leftover, f"English left in the batch summary or its stderr: {sorted(set(leftover))}"


def test_compare_history_bill_warnings_in_chinese(tmp_path: Path) -> None:
    """A bill with a month outside the usage file and months it does not cover: both warnings in Chinese."""
    bill = tmp_path / "bill.csv"
    bill.write_text("month,item,amount\n2020-01,套餐费,10\n2025-11,套餐费,58\n", "utf-8")
    r = run("compare", HEAVY, "--history", "--bill", str(bill), "--top", "3", *FROZEN)
    assert "2020-01" in r.stderr and "2025-12" in r.stderr  # the month left out, a month not covered
    leftover = english_words(r.stdout + "\n" + r.stderr.replace(str(bill), " "))
    assert not leftover, f"English left in compare --history --lang zh: {sorted(set(leftover))}"


def test_the_checker_finds_an_english_label() -> None:
    """The test above can fail: an untranslated label is found, plan data and URLs are not."""
    assert english_words("可通过China Telecom的App办理") == ["China", "Telecom"]
    assert english_words("发现：cheaper_plan") == ["cheaper_plan"]
    assert english_words("来源 https://example.com/x --province 5 GB cmcc-25jt215455") == []


def test_analyze_warnings_in_chinese(tmp_path: Path) -> None:
    """The analyzer's own warnings (no --plan-since, a short history) follow --lang; the prefix too."""
    thin = tmp_path / "thin.csv"
    thin.write_text("month,voice_min,sms,data_mb\n2026-01,10,1,100\n2026-02,20,2,200\n", "utf-8")
    r = run("analyze", str(thin), "--plan", str(ANALYZE / "seed002-plan.yaml"), "--today", "2026-03-05")
    assert r.stderr.count("警告：") == 2 and "--plan-since" in r.stderr and "用量只有 2 个月" in r.stderr
    leftover = english_words(r.stderr.replace(str(thin), " "))
    assert not leftover, f"English left in analyze's warnings: {sorted(set(leftover))}"


def test_a_notice_is_its_english_text_and_says_itself_in_chinese() -> None:
    from tariffcli.texts import Notice, say

    n = Notice("an_no_since", plan="p", start="2026-01")
    assert n.startswith("no --plan-since") and isinstance(n, str)
    assert say(n, "zh").startswith("未给出 --plan-since") and say("plain text", "zh") == "plain text"
