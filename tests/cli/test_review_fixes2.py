"""Defects found in a second review and a new-user walkthrough: each test failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tests.cli.test_review_fixes import LATE_LINE, PROMO

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict[str, str] | None = None) -> object:
    base = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env=base | (env or {}), catch_exceptions=False)


def _two_plans(tmp_path: Path) -> Path:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "promo.yaml").write_text(PROMO, "utf-8")
    (plans / "other.yaml").write_text(PROMO.replace("t-promo", "t-other").replace("monthly_fee: 10.00",
                                                                                  "monthly_fee: 20.00"), "utf-8")
    (tmp_path / "recs.csv").write_text(LATE_LINE, "utf-8")
    return plans


def _analysed(result: object) -> tuple[set[str], list[list[str]]]:
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    doc = json.loads(result.stdout)  # type: ignore[attr-defined]
    return ({ln["plan"]["id"] for ln in doc["lines"]},
            [[p["id"] for p in x["plans"]] for x in doc.get("priced", [])])


@pytest.mark.parametrize("where", ["env", "config"])
def test_a_typed_plan_beats_the_current_plan_of_the_settings(tmp_path: Path, where: str) -> None:
    plans = _two_plans(tmp_path)
    config = tmp_path / "cfg.toml"
    config.write_text('current = "t-promo"\n', "utf-8")
    env = {"TARIFFCLI_CURRENT": "t-promo"} if where == "env" else {"TARIFFCLI_CONFIG": str(config)}
    args = ("analyze", str(tmp_path / "recs.csv"), "--plans", str(plans), "-f", "json")
    assert _analysed(run(*args, "--plan", "t-other", env=env)) == ({"t-other"}, [])
    # --current typed, or --plan A --plan B (plans to price): the setting still names your plan
    assert _analysed(run(*args, env=env)) == ({"t-promo"}, [])
    assert _analysed(run(*args, "--plan", "t-other", "--plan", "t-promo", env=env))[0] == {"t-promo"}
    assert _analysed(run(*args, "--current", "t-other", env=env)) == ({"t-other"}, [])


def test_history_ranks_and_says_it_as_compare_does_without_a_province() -> None:
    usage = str(ROOT / "sample_bills/keep-number-abroad.csv")
    env = {"TARIFFCLI_CONFIG": "/dev/null"}
    ranked = json.loads(run("compare", usage, "-f", "json", env=env).stdout)  # type: ignore[attr-defined]
    history = json.loads(run("compare", usage, "--history", "-f", "json", env=env).stdout)  # type: ignore[attr-defined]
    assert ranked["nationwide_first"] and history["nationwide_first"]
    assert history["plans"][0]["id"] == ranked["plans"][0]["id"]
    text = run("compare", usage, "--history", env=env).stdout  # type: ignore[attr-defined]
    assert "Cheapest sold nationwide:" in text and "#1 is the cheapest plan sold nationwide" in " ".join(text.split())
    # with --province, the cheapest plan of that province comes first, as in compare
    ranked = json.loads(run("compare", usage, "-f", "json", "--province", "Hebei", env=env).stdout)  # type: ignore[attr-defined]
    history = json.loads(run("compare", usage, "--history", "-f", "json", "--province", "Hebei",
                             env=env).stdout)  # type: ignore[attr-defined]
    assert not history["nationwide_first"]
    assert history["plans"][0]["id"] == ranked["plans"][0]["id"]


@pytest.mark.parametrize(("lang", "said"), [("en", "so it would have cost {} more."), ("zh", "会多花 {}。")])
def test_a_negative_saving_is_said_as_a_cost(tmp_path: Path, lang: str, said: str) -> None:
    usage = ROOT / "sample_bills/heavy-data.csv"
    months = [ln.split(",")[0] for ln in usage.read_text("utf-8").splitlines()[1:] if ln.strip()]
    bill = tmp_path / "bill.csv"
    bill.write_text("month,item,amount\n" + "".join(f"{m},fee,1\n" for m in months), "utf-8")
    args = ("compare", str(usage), "--history", "--bill", str(bill), "--lang", lang)
    doc = json.loads(run(*args, "-f", "json").stdout)  # type: ignore[attr-defined]
    saving = doc["plans"][0]["saving"]
    assert saving.startswith("-")
    for fmt in ("table", "markdown"):
        text = " ".join(run(*args, "-f", fmt).stdout.split())  # type: ignore[attr-defined]
        assert said.format(saving[1:]) in text.replace("\\", "")
        assert "saved -" not in text and "节省 -" not in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_thin_history_warning_says_projected_only_where_months_are_projected(tmp_path: Path, lang: str) -> None:
    two = tmp_path / "two.csv"
    lines = (ROOT / "sample_bills/heavy-data.csv").read_text("utf-8").splitlines()
    two.write_text("\n".join(lines[:3]) + "\n", "utf-8")
    env = {"TARIFFCLI_CONFIG": "/dev/null"}
    projected = "projected" if lang == "en" else "推算"
    for args in (("compare", str(two), "--history"), ("analyze", str(two))):
        err = run(*args, "--lang", lang, "-f", "json", env=env).stderr  # type: ignore[attr-defined]
        assert ("only 2 months of usage" if lang == "en" else "用量只有 2 个月") in err
        assert projected not in err, args
    err = run("compare", str(two), "--lang", lang, "-f", "json", env=env).stderr  # type: ignore[attr-defined]
    assert projected in err


def test_baskets_counts_the_plans_left_out_on_stderr_as_compare_does() -> None:
    r = run("baskets", "--basket", "itu-2024-voice", env={"TARIFFCLI_CONFIG": "/dev/null"})
    assert r.exit_code == 0  # type: ignore[attr-defined]
    err = r.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(err) == 1 and "plans list --all" in err[0] and "cmcc-5g-128" not in err[0]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_cheaper_runner_up_says_it_is_sold_in_one_province(lang: str) -> None:
    r = run("baskets", "--basket", "itu-2024-voice", "--lang", lang, env={"TARIFFCLI_CONFIG": "/dev/null"})
    doc = json.loads(run("baskets", "--basket", "itu-2024-voice", "-f", "json",
                         env={"TARIFFCLI_CONFIG": "/dev/null"}).stdout)  # type: ignore[attr-defined]
    cheaper = [row["runner_up"]["id"] for row in doc["rows"]
               if row["runner_up"] and float(row["runner_up"]["price"]) < float(row["cheapest"]["price"])]
    assert cheaper  # the catalogue has such a plan: the test shows how it reads
    text = r.stdout  # type: ignore[attr-defined]
    line = next(ln for ln in text.splitlines() if cheaper[0] in ln)
    assert ("Cheaper, sold in Hebei only:" if lang == "en" else "更便宜但仅限河北办理：") in line
    if lang == "zh":
        assert f"（{cheaper[0]}）" in line and "(" not in line


def test_baskets_in_chinese_uses_full_width_brackets() -> None:
    md = run("baskets", "--basket", "itu-2024-voice", "--lang", "zh", "-f", "markdown",
             env={"TARIFFCLI_CONFIG": "/dev/null"}).stdout  # type: ignore[attr-defined]
    left_out = next(ln for ln in md.splitlines() if ln.startswith("已排除"))
    assert "（" in left_out and " (" not in left_out


def test_the_batch_progress_bar_follows_lang(tmp_path: Path) -> None:
    from tests.batch.test_batch import FROZEN, SMALL, START

    src = tmp_path / "subs.csv"
    src.write_text(SMALL, "utf-8")
    err = run("batch", str(src), "--start", START, "-f", "json", "--lang", "zh", *FROZEN).stderr  # type: ignore[attr-defined]
    bar = [ln for ln in err.splitlines() if "%" in ln]
    assert bar and all("rows" not in ln and "batch" not in ln for ln in bar), err
    assert any("行" in ln and "批量分析" in ln for ln in bar)
    en = run("batch", str(src), "--start", START, "-f", "json", *FROZEN).stderr  # type: ignore[attr-defined]
    assert any("rows" in ln for ln in en.splitlines() if "%" in ln)


def test_progress_rows_text_in_both_languages() -> None:
    from tariffcli.cli.batch import progress_rows

    assert progress_rows(12_000, 4.0) == "12,000 rows  3,000 rows/s"
    assert progress_rows(12_000, 4.0, "zh") == "12,000 行  每秒 3,000 行"


def test_config_show_takes_lang(tmp_path: Path) -> None:
    config = tmp_path / "cfg.toml"
    config.write_text('province = "河北"\n', "utf-8")
    env = {"TARIFFCLI_CONFIG": str(config), "TARIFFCLI_LANG": "en"}
    zh = run("config", "show", "--lang", "zh", env=env)
    assert zh.exit_code == 0, zh.output  # type: ignore[attr-defined]
    assert "环境变量（$TARIFFCLI_LANG）" in zh.stdout and "配置文件（" in zh.stdout  # type: ignore[attr-defined]
    assert "第 1 行" in zh.stdout and "内置默认值" in zh.stdout and "built-in" not in zh.stdout  # type: ignore[attr-defined]
    en = run("config", "show", env=env).stdout  # type: ignore[attr-defined]
    assert "environment ($TARIFFCLI_LANG)" in en and "line 1" in en and "built-in default" in en
    assert run("config", "show", "--lang", "fr", env=env).exit_code == 2  # type: ignore[attr-defined]


def test_config_show_speaks_the_lang_setting_unless_told(tmp_path: Path) -> None:
    config = tmp_path / "cfg.toml"
    config.write_text('lang = "zh"\n', "utf-8")
    env = {"TARIFFCLI_CONFIG": str(config)}
    assert "配置文件：" in run("config", "show", env=env).stdout  # type: ignore[attr-defined]
    assert "config file: " in run("config", "show", "--lang", "en", env=env).stdout  # type: ignore[attr-defined]


def test_offer_text_hangs_its_continuation_lines() -> None:
    args = ("offer", str(ROOT / "plans/cmcc/24jt208005.yaml"), str(ROOT / "sample_bills/heavy-data.csv"),
            "--current", "cmcc-8yuan-shenzhen-voice")
    for lang in ("en", "zh"):
        out = run(*args, "--lang", lang, env={"COLUMNS": "60", "TARIFFCLI_CONFIG": "/dev/null"}).stdout  # type: ignore[attr-defined]
        flat = run(*args, "--lang", lang, "-o", "-", env={"COLUMNS": "400", "TARIFFCLI_CONFIG": "/dev/null"}).stdout  # type: ignore[attr-defined]
        starts = {ln[:4] for ln in flat.splitlines() if ln.strip() and not ln.startswith(" ")}
        lines = out.splitlines()
        assert len(lines) > len(flat.splitlines())  # it did wrap
        for ln in lines:  # a line at column 0 starts one of the sentences; the rest hang under them
            assert ln.startswith(" ") or ln[:4] in starts, ln


def test_cited_urls_stay_whole_on_an_indented_line_when_they_fit() -> None:
    usage = str(ROOT / "sample_bills/heavy-data.csv")
    env = {"TARIFFCLI_CONFIG": "/dev/null"}
    doc = json.loads(run("compare", usage, "--top", "3", "-f", "json", env=env).stdout)  # type: ignore[attr-defined]
    urls = {s["url"] for p in doc["plans"] for s in p["sources"]}
    for width in (60, 80):
        out = run("compare", usage, "--top", "3", "--cite", env=env | {"COLUMNS": str(width)}).stdout  # type: ignore[attr-defined]
        footer = out[out.index("Sources:"):].splitlines()
        assert all(len(ln) <= width for ln in footer)
        assert all(ln.startswith(" ") for ln in footer[1:] if ln), "\n".join(footer)  # nothing at column 0
        for url in urls:
            if len(url) + 4 <= width:
                assert any(ln.strip().split(" ")[0] == url and ln.startswith("    ") for ln in footer), url


def test_baskets_sources_and_list_in_chinese_use_full_width_brackets() -> None:
    env = {"TARIFFCLI_CONFIG": "/dev/null", "COLUMNS": "200"}
    cited = run("baskets", "--basket", "itu-2024-voice", "--lang", "zh", "--cite", env=env).stdout  # type: ignore[attr-defined]
    sources = [ln for ln in cited.splitlines() if "检索于" in ln]
    assert sources and all("（检索于" in ln and "(" not in ln for ln in sources)
    listed = run("baskets", "--list", "--lang", "zh", env=env).stdout  # type: ignore[attr-defined]
    assert "（2018-2024）" in listed and "(" not in listed
