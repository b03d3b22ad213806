"""Fuzzing the other readers (issue 15): records, bills, baskets, usage near-misses, cards (JSON and pasted text).

Whatever the input, a reader gives a result or a :class:`DataError`/:class:`UsageError` whose every
problem names the file (and, where it gives a line, one inside the file), never another exception,
and within :data:`TIME_BOUND` seconds. The usage reader on raw bytes and the plan reader are fuzzed in
``tests/cli/test_fuzz.py``; here the usage reader gets near-valid files (times in month cells, wide rows).

Example counts come from the Hypothesis profiles (:func:`conftest.examples`): the quick profile runs a fixed,
derandomized set in the suite; ``TARIFFCLI_HYPOTHESIS=long`` runs twenty times the weight with fresh examples.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import examples
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tariffcli.inputs.baskets import parse_baskets
from tariffcli.inputs.bills import parse_bill_csv
from tariffcli.inputs.cards import import_cards, parse_cards_json, parse_cards_text
from tariffcli.inputs.files import load_standard_rates
from tariffcli.inputs.records import parse_records_csv
from tariffcli.inputs.usage import parse_usage_csv
from tariffcli.model.errors import DataError, UsageError

FIXTURES = Path(__file__).parent / "fixtures" / "cards"
RATES = load_standard_rates()
TIME_BOUND = 5.0
"""Seconds one example may take (the largest inputs here are a few kilobytes: they take milliseconds)."""
SOURCE = "fuzz.in"


def lines_of(data: bytes | str) -> int:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return text.count("\n") + text.count("\r") + 1


def check(read: Callable[[], Any], data: bytes | str, what: str) -> Any:
    """Run ``read``: a result, or a located DataError/UsageError; never another exception, never slow."""
    started = time.perf_counter()
    try:
        result = read()
    except (DataError, UsageError) as exc:
        assert exc.problems, "an error without a problem"
        most = lines_of(data) + 1
        for p in exc.problems:
            if isinstance(exc, DataError):
                assert p.file in (SOURCE, "<stdin>") or (p.file or "").endswith(".yaml"), p
            assert p.line is None or 1 <= p.line <= most, p
            assert p.message and "Traceback" not in p.message
        event(f"{what} refused: {exc.problems[0].code}")
        result = None
    else:
        event(f"{what} read")
    assert time.perf_counter() - started < TIME_BOUND
    return result


# ---------------------------------------------------------------- CSV-like text


def csv_text(valid: list[list[str]], headers: list[str], cells: list[str], months: list[str],
             dated: set[str]) -> st.SearchStrategy[bytes]:
    """CSV-like bytes: mostly a ``valid`` header (shuffled, maybe with an odd column) over rows of ``cells``
    (``months`` in the ``dated`` columns); also odd separators, line endings, quotes, encodings, and files cut
    short, with stray bytes, or wider than their header."""

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        if draw(st.integers(0, 4)):
            header = list(draw(st.permutations(draw(st.sampled_from(valid)))))
            if draw(st.integers(0, 3)) == 0:
                header.insert(draw(st.integers(0, len(header))), draw(st.sampled_from(headers)))
        else:
            header = draw(st.lists(st.sampled_from(headers), min_size=1, max_size=7))
        width = len(header) + draw(st.sampled_from([0, 0, 0, 0, 0, 1, -1]))
        rows = []
        clean = draw(st.booleans())  # a file of good cells only (the first of each list), months in order
        for r in range(draw(st.integers(0, 8))):
            row = []
            for k in range(max(width, 0)):
                if k < len(header) and header[k] in dated:
                    row.append(f"2026-{r + 1:02d}-05 08:00:00" if clean else draw(st.sampled_from(months)))
                elif clean:
                    row.append(draw(st.sampled_from(GOOD_BY_HEADER.get(header[k] if k < len(header) else "",
                                                                        cells[:GOOD]))))
                else:
                    row.append(draw(st.sampled_from(cells)) if draw(st.integers(0, 9)) else draw(st.text(max_size=8)))
            rows.append(row)
        sep = draw(st.sampled_from([",", ",", ",", "\t", ";"]))
        end = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))

        def cell(c: str) -> str:
            return f'"{c}"' if draw(st.integers(0, 4)) == 0 and '"' not in c else c

        text = end.join(sep.join(cell(c) for c in row) for row in [header, *rows]) + draw(st.sampled_from([end, ""]))
        encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "gb18030", "utf-16"]))
        data = text.encode(encoding, "replace")
        if draw(st.integers(0, 5)) == 0:
            data = data[: draw(st.integers(0, len(data)))]
        if draw(st.integers(0, 9)) == 0:
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
        return data

    return build()


GOOD = 3
"""The first GOOD cells of each list are good in any column of their file (unless GOOD_BY_HEADER says)."""
GOOD_BY_HEADER = {
    "type": ["call", "sms", "data"], "类型": ["通话", "短信", "上网"], "主被叫": ["主叫", "被叫"],
    "流量(KB)": ["512", "0"], "流量": ["1.5MB", "20KB"], "volume": ["1.5MB", ""], "号码": ["13800000000", "13900000000"],
    "漫游": ["否", "国内", ""], "费用项目": ["套餐月费", "上网流量费"], "item": ["来电显示", "减免"],
    "duration": ["60", "83秒"], "时长": ["1分23秒", "00:01:23"],
}
DAYS = ["2026-01-05 08:12:33", "2026/1/5 8:12", "2026年1月5日", "20260105081233", "2026-01-05", "1月5日",
        "2026-02-30", "2026-01-15 99:99:99", "1989-12-31", "2101-01-01", "", "2026-01-05T08:00:00"]
RECORD_HEADERS = ["start", "date", "日期", "起始时间", "type", "类型", "direction", "主被叫", "duration", "时长",
                  "时长(分钟)", "volume", "流量", "流量(KB)", "roaming", "漫游", "number", "号码", "remark", "", "tyep"]
RECORD_CELLS = ["60", "83秒", "00:01:23", "通话", "sms", "短信", "data", "上网", "主叫", "被叫", "彩信", "WLAN", "outgoing", "呼入",
                "60", "1分23秒", "00:01:23", "83秒", "-5", "1.5MB", "512KB", "3 GiB", "1e999", "yes", "国际", "否",
                "13800000000", "138-0000-0000", "", "nan", "1,5"]


@settings(max_examples=examples(300))
@given(csv_text([["start", "type", "duration", "volume"], ["日期", "类型", "主被叫", "时长", "流量(KB)", "号码"],
                  ["date", "duration"], ["起始时间", "流量", "漫游"]], RECORD_HEADERS, RECORD_CELLS, DAYS,
                 {"start", "date", "日期", "起始时间"}))
def test_records_reader(data):
    check(lambda: parse_records_csv(data, SOURCE), data, "records")


@settings(max_examples=examples(100))
@given(st.binary(max_size=400))
def test_records_reader_on_bytes(data):
    check(lambda: parse_records_csv(data, SOURCE), data, "records bytes")


BILL_HEADERS = ["month", "月份", "账期", "item", "项目", "费用项目", "amount", "金额", "金额(元)", "金额(USD)", "line",
                "号码", "remark", "", "amout"]
BILL_CELLS = ["10.00", "5", "12元","套餐月费", "来电显示", "上网流量费", "减免", "合计", "total", "", "10.00", "-5", "¥12.5", "12元",
              "1.234", "1e9", "1,000.00", "abc", "13800000000", "不足最低消费补收", "=1+1"]
MONTHS = ["2026-01", "2026-01", "202602", "2026年3月", "2026-04-01", "2026-01-15 99:99:99", "2026-01-15 12:00",
          "1989-12", "2101-01", "2026-13", "", "合计", "0000-01", "9999-12"]


@settings(max_examples=examples(300))
@given(csv_text([["month", "item", "amount"], ["账期", "费用项目", "金额(元)", "号码"]], BILL_HEADERS, BILL_CELLS,
                 MONTHS, {"month", "月份", "账期"}))
def test_bill_reader(data):
    check(lambda: parse_bill_csv(data, SOURCE), data, "bill")


USAGE_HEADERS = ["month", "月份", "voice_min", "通话分钟", "sms", "短信", "data_mb", "流量(GB)", "app_data",
                 "data_days", "remark", "", "x"]
USAGE_CELLS = ["0", "30", "2", "30", "1.5 GB", "512KB", "-1", "1e13", "", "n/a", "30 秒", "1,5", "3"]


@settings(max_examples=examples(300))
@given(csv_text([["month", "voice_min", "sms", "data_mb"], ["月份", "通话分钟", "短信", "流量(GB)", "data_days"]],
                 USAGE_HEADERS, USAGE_CELLS, MONTHS, {"month", "月份"}))
def test_usage_reader_near_valid(data):
    check(lambda: parse_usage_csv(data, SOURCE), data, "usage")


# ---------------------------------------------------------------- basket files (YAML)

BASKET = """\
baskets:
  - id: my-basket
    name: My basket
    voice: 100
    calls: 30
    sms: 50
    data: 2 GB
  - {id: other, name: Other, voice: 10 min, data: 500 MB}
"""
YAML_BITS = ["", "x", "-1", "1e999", "0x10", "010", "1:30", "unlimited", "~", "[]", "{}", "!!python/object:x {}",
             "&a [*a]", "'2 GB'", "2 GiB", "- ", ": ", "\t", "<<: {}", "!!binary AA==", "30.5", "true", "\x1b[2J",
             "9" * 40]


@st.composite
def mutated_baskets(draw: st.DrawFn) -> str:
    lines = BASKET.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["value", "delete", "duplicate", "indent", "key", "cut"]))
        line = lines[i]
        if how == "value" and ":" in line:
            lines[i] = line.split(":", 1)[0] + ": " + draw(st.sampled_from(YAML_BITS))
        elif how == "delete":
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, line)
        elif how == "indent":
            lines[i] = " " * draw(st.integers(0, 6)) + line.lstrip()
        elif how == "key":
            lines.insert(i, "    " + draw(st.sampled_from(["voic", "period", "note", "calls", "call_length"])) + ": 1")
        elif how == "cut":
            lines[i] = line[: draw(st.integers(0, len(line)))]
        if not lines:
            break
    return "\n".join(lines) + "\n"


@settings(max_examples=examples(300))
@given(st.one_of(mutated_baskets(), st.text(max_size=200)))
def test_basket_reader(text):
    check(lambda: parse_baskets(text, SOURCE), text, "baskets")


# ---------------------------------------------------------------- cards: JSON and pasted text

CARD_SAMPLE: list[dict[str, Any]] = json.loads((FIXTURES / "cards_sample.json").read_text("utf-8"))
CARD_VALUES = st.one_of(
    st.none(), st.text(max_size=20), st.integers(-10**20, 10**20), st.floats(), st.booleans(),
    st.sampled_from(["月费 59 元", "59元/月", "10元/年", "流量 30GB · 通话 400 分", "20260722", "2029-13-45",
                     "00000000", "99991231", "25JT100001", "套餐", "加装包", "北京", "", "1e999元/月"]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@st.composite
def card_json(draw: st.DrawFn) -> bytes:
    cards = []
    for _ in range(draw(st.integers(0, 3))):
        card = dict(draw(st.sampled_from(CARD_SAMPLE)))
        for _ in range(draw(st.integers(0, 4))):
            key = draw(st.sampled_from([*card, "name", "price", "code", "onDate", "x"]))
            if draw(st.integers(0, 4)) == 0:
                card.pop(key, None)
            else:
                card[key] = draw(CARD_VALUES)
        cards.append(card)
    shape = draw(st.sampled_from(["list", "list", "object", "scalar"]))
    doc: Any = cards if shape == "list" else ({"data": cards} if shape == "object" else draw(CARD_VALUES))
    data = json.dumps(doc, ensure_ascii=draw(st.booleans())).encode()
    if draw(st.integers(0, 5)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


def _use_cards(cards: Any) -> Any:
    report = import_cards(cards, RATES, include=("add-on",))
    return report.summary() if hasattr(report, "summary") else report


@settings(max_examples=examples(200))
@given(st.one_of(card_json(), st.binary(max_size=200).map(lambda b: b"[" + b)))
def test_cards_json(data):
    check(lambda: _use_cards(parse_cards_json(data, SOURCE)), data, "cards json")


APP_TEXT = (FIXTURES / "app_text.txt").read_text("utf-8")


@st.composite
def card_text(draw: st.DrawFn) -> str:
    lines = APP_TEXT.splitlines()
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["replace", "delete", "duplicate", "cut", "colon"]))
        if how == "replace":
            lines[i] = draw(st.one_of(st.text(max_size=15), CARD_VALUES.map(str)))
        elif how == "delete":
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, lines[i])
        elif how == "cut":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        else:
            lines[i] = lines[i].replace(":", "：")
        if not lines:
            break
    return "\n".join(lines)


@settings(max_examples=examples(200))
@given(st.one_of(card_text(), st.text(max_size=200)))
def test_cards_pasted_text(text):
    check(lambda: _use_cards(parse_cards_text(text, SOURCE)), text, "cards text")
