"""Fuzzing the readers: any input gives a clean DataError or a valid result, never another exception.

Four targets: the usage CSV reader on raw bytes and on CSV-like text in several
encodings, the YAML reader on arbitrary text, and the plan reader on mutations
of the real catalogue plans. Whatever a reader accepts is then simulated and
rendered, so an input that loads but breaks the engine (an allowance too large
for int64, say) is caught too.

In the suite each target runs ~300 examples with a fixed seed. For a long run::

    TARIFFCLI_FUZZ_EXAMPLES=200000 python -m pytest tests/test_fuzz.py -p no:cacheprovider \\
        --hypothesis-show-statistics -x

(see docs/hardening.md); the long run draws new random examples each time.
"""

from __future__ import annotations

import os
from pathlib import Path

from conftest import examples
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tariffcli.compare.ranking import compare
from tariffcli.inputs.catalogue import load_catalogue, parse_plan
from tariffcli.inputs.usage import MAX_DATA_KB, MAX_SMS, MAX_VOICE_MIN, UsageHistory, parse_usage_csv
from tariffcli.inputs.yaml_located import Located, load_yaml
from tariffcli.model.errors import DataError
from tariffcli.model.plan import Plan
from tariffcli.render import compare as render

ROOT = Path(__file__).resolve().parents[2]
PLAN_FILES = sorted(p for p in (ROOT / "plans").rglob("*.yaml") if "standard-rates" not in p.parts)
PLAN_TEXTS = [p.read_text("utf-8") for p in PLAN_FILES]
CATALOGUE = load_catalogue([(p.name, t) for p, t in zip(PLAN_FILES, PLAN_TEXTS, strict=True)])
SAMPLE_HISTORY = parse_usage_csv((ROOT / "sample_bills" / "heavy-data.csv").read_bytes(), "heavy-data.csv")

LONG = "TARIFFCLI_FUZZ_EXAMPLES" in os.environ
FUZZ = settings(
    max_examples=int(os.environ["TARIFFCLI_FUZZ_EXAMPLES"]) if LONG else examples(300),
    deadline=None,
    derandomize=not LONG,  # the suite sees the same examples every run; a long run explores
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def _use(plans: tuple[Plan, ...] | list[Plan], history: UsageHistory) -> None:
    """Simulate and render: what the CLI does with whatever the readers accept."""
    for start, horizon in (("2027-01", 6), ("2026-11", 25)):
        result = compare(plans, history, start=start, horizon=horizon)
        render.render_json(result, lang="en")
        render.render_csv(result, lang="zh")


# ---------------------------------------------------------------- usage CSV

HEADERS = [
    "month", "月份", "账期", "Month ", "ＭＯＮＴＨ", "voice_min", "voice", "通话分钟", "通话时长(分钟)", "mins",
    "voice_seconds", "sms", "短信", "短信条数", "data_mb", "data", "流量(MB)", "流量(GB)", "data_gb", "data (lbs)",
    "app_data", "定向流量", "app_data_kb", "days_with_data", "上网天数", "remark", "", "monthy", "smss",
]
VALID_HEADER = ["month", "voice_min", "sms", "data_mb"]
CELL_WORDS = [
    "0", "1", "30", "-5", "NaN", "inf", "-inf", "Infinity", "1e999999999", "1e-999999999", "1E+12", "1,5GB",
    "1,000", "1,000,000", "5 GiB", "30 mins", "1.5 GB", "512KB", "100", " 42 ", "—", "n/a", "", "无", "1e12",
    "0.0000000000001", "00012", "+7", "1.", ".5", "1.5.5", "30 秒", "10 分钟", "2 条", "3 天", "unlimited",
    "=1+1", '"quoted"', "1\n2", "\x00", "\ufeff1", "１２", "1_000",
]
MONTH_WORDS = [
    "2026-01", "2026/02", "202603", "2026年4月", "2026-05-01", "2026-13", "2026-00", "Jan 2026", "合计", "", "total",
    "1989-12", "2101-01", "2026-02-30", "2026.7", "2026-7-1 10:00", "2026 年 8 月", "２０２６－０９",
]
NUMBER = st.one_of(
    st.integers(0, 10**14).map(str),
    st.decimals(min_value=0, max_value=10**7, places=3).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
)
UNIT = st.sampled_from(["", " ", "MB", " GB", "KB", "TB", "k", "min", "分钟", "条", "天", "秒", "GiB", " mb "])
CELL = st.one_of(
    st.sampled_from(CELL_WORDS),
    st.builds(lambda n, u: n + u, NUMBER, UNIT),
    st.text(max_size=12),
)
MONTH = st.one_of(
    st.sampled_from(MONTH_WORDS),
    st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(1980, 2110), st.integers(0, 13)),
    st.text(max_size=10),
)
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"]


GOOD_EXTRAS = ["app_data_mb", "days_with_data", "remark", "定向流量(MB)", "上网天数"]


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    """A CSV-like file: mostly nearly right (known headers, consecutive months), sometimes far off."""
    near = draw(st.integers(0, 3)) > 0
    if near:
        header = VALID_HEADER + draw(st.lists(st.sampled_from(GOOD_EXTRAS), max_size=2, unique=True))
        header = draw(st.permutations(header))
    else:
        header = draw(st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=8)), max_size=7))
    n = draw(st.integers(0, 14))
    start_year, start_month = draw(st.integers(2019, 2030)), draw(st.integers(0, 11))
    consecutive = near or draw(st.booleans())
    odd_cell = st.integers(0, 30 if near else 2)  # 0: an odd cell instead of a plain number
    rows = []
    for i in range(n):
        cells = []
        for name in header:
            if name in ("month", "月份", "账期", "Month ", "ＭＯＮＴＨ") and consecutive and draw(odd_cell):
                k = start_year * 12 + start_month + i
                cells.append(f"{k // 12}-{k % 12 + 1:02d}")
            elif name in ("month", "月份", "账期"):
                cells.append(draw(MONTH))
            elif draw(odd_cell):
                cells.append(str(draw(st.integers(0, 28 if "days" in name or "天数" in name else 5000))))
            else:
                cells.append(draw(CELL))
        if not near:
            cells += draw(st.lists(CELL, max_size=1))  # sometimes a cell too many
        rows.append(cells)
    if draw(st.booleans()):
        rows = draw(st.permutations(rows))
    delimiter = draw(st.sampled_from([",", ",", "\t", ";"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    quote = draw(st.booleans())

    def line(cells: list[str]) -> str:
        if quote:
            cells = ['"' + c.replace('"', '""') + '"' for c in cells]
        return delimiter.join(cells)

    text = newline.join(line(r) for r in [header, *rows]) + draw(st.sampled_from(["", newline, newline * 3]))
    encoding = draw(st.sampled_from(ENCODINGS[:3] if near else ENCODINGS))
    data = text.encode(encoding, errors="replace")
    damage = st.integers(0, 20 if near else 4)
    if draw(damage) == 0:  # cut short, possibly mid-character
        data = data[: draw(st.integers(0, len(data)))]
    if draw(damage) == 0:  # a stray byte
        at = draw(st.integers(0, len(data)))
        data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at:]
    return data


def _check_usage(data: bytes) -> None:
    try:
        history = parse_usage_csv(data, "fuzz.csv")
    except DataError as exc:
        assert exc.problems and all(p.file == "fuzz.csv" and p.message for p in exc.problems)
        event(f"usage refused: {exc.problems[0].code}")
        return
    event("usage read")
    assert history.months
    assert all(0 <= v <= MAX_VOICE_MIN for v in history.voice_min)
    assert all(0 <= v <= MAX_SMS for v in history.sms)
    assert all(0 <= v <= MAX_DATA_KB for v in history.data_kb + history.app_data_kb)
    _use(CATALOGUE, history)


@FUZZ
@given(st.binary(max_size=3000))
def test_usage_reader_on_arbitrary_bytes(data: bytes) -> None:
    _check_usage(data)


@FUZZ
@given(csv_bytes())
def test_usage_reader_on_csv_like_files(data: bytes) -> None:
    _check_usage(data)


# ---------------------------------------------------------------- YAML and plans

YAML_WORDS = [
    "0", "-1", "8", "8.00", "8.005", "1e30", "1.0e+400", "1.0e-400", ".nan", ".inf", "-.inf", "010", "0x1F", "0b101",
    "1:30", "99999999999999999999999999999999", "1_000", "12345678901234567890.5", "1 GB", "5 GiB", "100 MB",
    "0.5 KB", "1,5GB", "unlimited", "不限量", "30 min", "30 mins", "3 TB", "1000000 TB", "1000000000000 MB",
    "~", "null", "true", "yes", "no", "[]", "{}", "[1, 2", "{a: 1}", "&a x", "*a", "*undefined", "&b [1, *b]",
    "!!python/object/apply:os.system ['true']", "!!binary aGk=", "!!set {a}", "!!bool maybe", "!!timestamp x",
    "!!int 0x10", "!!float abc", "!!str 8", "!!null", "!include x", "'quoted'", '"\\u0000"', '"\\x07"', "|\n  block",
    ">-\n  folded", "- item", "? complex", "<<: *a", "---", "...", "2026-01-01", "2026-02-30", "2026-01-01 10:00:00",
    "99999-01-01", "", " ", "x" * 300, "月", "\t", "601", "-5", "day", "month", "half", "standard", "full", "KB",
    "MB", "GB", "TB", "{rate: 0.1}", "{rate: 1e400}", "[{from_month: 1, to_month: 2}]",
    "[{from_month: 1, to_month: 600, fee: 0}]", "[{up_to: 1 GB, rate: 1}, {rate: 2}]",
    "{rate: 10000, per: KB, block: 1 KB, block_price: 1000000}", "{data: 1000 TB}", "{voice: 1000000}",
]
KEYS = sorted(
    {
        *Plan.model_fields, "monthy_fee", "rate", "per", "increment", "tiers", "ramp", "period", "cap", "volume_cap",
        "throttle_after", "voice", "sms", "data", "app_data", "from_month", "to_month", "fee", "discount", "credit",
        "extra", "block", "block_price", "up_to", "months", "exit_fee", "url", "retrieved", "tag", "note", "<<",
        "id ", "", "?",
    }
)
TOKEN = st.one_of(st.sampled_from(YAML_WORDS), st.text(max_size=8))


@st.composite
def mutated_plan(draw: st.DrawFn) -> str:
    """A real catalogue plan with a few random edits."""
    lines = draw(st.sampled_from(PLAN_TEXTS)).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 8))
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        if not lines:
            lines = [""]
        line = lines[i]
        if kind == 0 and ":" in line:  # replace a value
            key = line.split(":", 1)[0]
            lines[i] = f"{key}: {draw(TOKEN)}"
        elif kind == 1:  # delete a line
            del lines[i]
        elif kind == 2:  # duplicate a line (often a duplicate key)
            lines.insert(i, line)
        elif kind == 3:  # swap two lines
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == 4:  # insert a key, perhaps a near miss, perhaps indented
            indent = draw(st.sampled_from(["", "  ", "    ", "\t", " "]))
            lines.insert(i, f"{indent}{draw(st.sampled_from(KEYS))}: {draw(TOKEN)}")
        elif kind == 5:  # change the indentation
            lines[i] = draw(st.sampled_from(["", " ", "  ", "\t"])) + line.lstrip(" ")
        elif kind == 6:  # insert characters
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.one_of(st.text(max_size=4), st.sampled_from(list("[]{}:,&*!|>'\"#%@`-?")))) + line[at:]
        elif kind == 7:  # cut the file short
            lines = lines[:i] + ([line[: draw(st.integers(0, len(line)))]] if line else [])
        else:  # replace a whole line
            lines[i] = draw(TOKEN)
    return "\n".join(lines)


def _check_plan(text: str) -> None:
    try:
        plan = parse_plan(text, "fuzz.yaml")
    except DataError as exc:
        assert exc.problems and all(p.file == "fuzz.yaml" and p.message for p in exc.problems)
        event(f"plan refused: {exc.problems[0].code}")
        return
    event("plan read")
    assert plan.origin == "fuzz.yaml"
    _use([plan], SAMPLE_HISTORY)


@FUZZ
@given(mutated_plan())
def test_plan_reader_on_mutated_catalogue_plans(text: str) -> None:
    _check_plan(text)


@FUZZ
@given(st.one_of(st.text(max_size=500), st.lists(TOKEN, max_size=30).map(lambda t: "".join(t))))
def test_yaml_reader_on_arbitrary_text(text: str) -> None:
    try:
        located = load_yaml(text, "fuzz.yaml")
    except DataError as exc:
        assert exc.problems and all(p.file == "fuzz.yaml" and p.message for p in exc.problems)
        return
    assert isinstance(located, Located)
    _check_plan(text)
