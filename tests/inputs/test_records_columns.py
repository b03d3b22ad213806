"""Itemized records read column by column (large files) give exactly what the row-by-row reading gives.

Files are generated with every accepted way of writing each column (headers,
dates, durations, volumes, types, encodings, delimiters, quoting, blank rows);
the two readings are compared on the same text. No timing here: the benchmark
(benchmarks/bench_records.py) measures the speed.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import datetime, timedelta

from conftest import REPO, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tariffcli.inputs.records as records_module
from tariffcli.inputs.csvtext import decode
from tariffcli.inputs.records import parse_records_csv
from tariffcli.inputs.records.careful import parse_careful
from tariffcli.inputs.records.fast import parse_fast, parse_fast_utf8
from tariffcli.model.errors import DataError

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def test_importing_records_does_not_import_pyarrow_or_pandas() -> None:
    code = ("import sys, tariffcli.inputs.records\n"
            "print('HEAVY', sorted(m for m in ('pandas', 'pyarrow', 'numpy') if m in sys.modules))\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


# Every way a column is written that the reader accepts, for a record given as
# (line, moment, kind, direction, seconds, kb, roaming).
HEADERS = {
    "line": ["line", "number", "号码", "手机号码", "本机号码"],
    "date": ["date", "日期", "通话日期"],
    "start": ["start", "time", "起始时间", "开始时间", "通话起始时间", "时间", "通话时间", "上网时间"],
    "type": ["type", "类型", "业务类型", "通信类型", "记录类型"],
    "direction": ["direction", "呼叫类型", "主被叫", "收发类型"],
    "duration": ["duration", "时长", "通话时长", "时长(秒)", "duration_s"],
    "volume": ["volume", "流量", "上网流量", "数据流量", "总流量"],
    "roaming": ["roaming", "漫游", "漫游类型"],
}
VOLUME_UNITS = {None: "", "KB": "(KB)", "MB": "(MB)", "GB": "_gb"}
DATES = [
    lambda t: f"{t:%Y-%m-%d}", lambda t: f"{t.year}/{t.month}/{t.day}", lambda t: f"{t:%Y%m%d}",
    lambda t: f"{t.year}年{t.month}月{t.day}日", lambda t: f"{t:%Y.%m.%d}", lambda t: f" {t:%Y-%m-%d} ",
]
STARTS = [
    lambda t: f"{t:%Y-%m-%d %H:%M:%S}", lambda t: f"{t.year}/{t.month}/{t.day} {t.hour}:{t:%M:%S}",
    lambda t: f"{t:%Y-%m-%dT%H:%M:%S}", lambda t: f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}",
    lambda t: f"{t:%Y%m%d%H%M%S}", lambda t: f"{t:%Y-%m-%d %H:%M}", lambda t: f"{t:%Y-%m-%d  %H:%M:%S}.5",
    lambda t: f"{t:%Y/%m/%d %H:%M:%S}", lambda t: f"{t:%Y-%m-%d}", lambda t: f"{t:%Y%m%d} {t:%H%M%S}",
]
DURATIONS = [
    lambda s: str(s), lambda s: f"{s}秒", lambda s: f"{s // 60}分{s % 60}秒", lambda s: f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}",
    lambda s: f"{s // 60}:{s % 60:02d}" if s < 6000 else f"{s // 60}分{s % 60}秒", lambda s: f"{s // 60}m{s % 60}s",
    lambda s: f"{s}.4",
    lambda s: f"{s // 60}分钟{s % 60}秒", lambda s: f" {s} ",
]
KINDS = {
    "call": ["call", "通话", "语音", "语音通话", "Voice Call", "国内通话"],
    "sms": ["sms", "短信", "SMS", "点对点短信"],
    "data": ["data", "上网", "GPRS上网", "流量", "4G上网", "数据业务"],
    "other": ["彩信", "WLAN", "mms"],
}
DIRECTIONS = {"out": ["outgoing", "主叫", "呼出", "发送", "out", "MO"], "in": ["incoming", "被叫", "呼入", "接收", "in"]}
ROAMING = {False: ["", "否", "no", "国内", "本地", "国内漫游"], True: ["是", "国际漫游", "yes", "international"]}
NUMBERS = ["13800000001", "138 0000 0002", "138-0000-0003", "１３８００００００１"]  # the last is the first, full width


def volume_text(kb: int, unit: str | None, style: int) -> str:
    if style == 0 or (style == 3 and unit is None):
        return f"{kb}KB"
    if style == 1:
        return f"{kb / 1024:.1f}MB"  # rounded to a tenth of a MB: the reader rounds the KB up
    if style == 2:
        return f"{kb / 1024:.3f} mb"
    if style == 3:  # a bare number in the header's unit
        return {"KB": str(kb), "MB": f"{kb / 1024:.2f}", "GB": f"{kb / 1024 / 1024:.4f}"}[unit]
    if style == 4:
        return f"{kb}k"
    return f"{kb / 1024 / 1024:.5f}G"


@st.composite
def record_files(draw: st.DrawFn, regular: bool = True) -> tuple[bytes, str]:
    """An itemized-records CSV (bytes) with a random choice of columns, headers, formats and encoding.

    ``regular`` files have rows of one width and no line of spaces; others may not.
    """
    fields = ["date" if draw(st.booleans()) else "start"]
    typed = draw(st.integers(0, 4)) > 0
    for name in ("line", "direction", "roaming"):
        if draw(st.booleans()):
            fields.append(name)
    fields += ["type", "duration", "volume"] if typed else ["duration", "volume"]
    fields = draw(st.permutations(fields))
    volume_unit = draw(st.sampled_from(sorted(VOLUME_UNITS, key=str)))
    minutes_header = "duration" in fields and draw(st.integers(0, 5)) == 0
    header = []
    for name in fields:
        label = draw(st.sampled_from(HEADERS[name]))
        if name == "volume":
            label += VOLUME_UNITS[volume_unit]
        if name == "duration" and minutes_header:
            label = "时长(分钟)"
        header.append(label)
    note = draw(st.booleans())
    if note:
        header.insert(draw(st.integers(0, len(header))), "备注")
    date_style = draw(st.integers(0, len(DATES if "date" in fields else STARTS) - 1))
    duration_style = draw(st.integers(0, len(DURATIONS) - 1))
    if duration_style == 6:  # decimals under a duration header without a unit are refused: name the unit
        header = ["时长(秒)" if h in ("duration", "时长", "通话时长") else h for h in header]
    volume_style = draw(st.integers(0, 5))
    first_day = draw(st.datetimes(min_value=datetime(2009, 1, 1), max_value=datetime(2030, 12, 31)))
    rows = []
    for _ in range(draw(st.integers(1, 40))):
        moment = first_day + timedelta(seconds=draw(st.integers(0, 400 * 86400)))
        kinds = ["call", "sms", "data", "other"] if typed else ["call", "data"]
        kind = draw(st.sampled_from(kinds))
        out = draw(st.booleans())
        cells = {}
        for name in fields:
            if name in ("date", "start"):
                cells[name] = (DATES if name == "date" else STARTS)[date_style](moment)
            elif name == "line":
                cells[name] = draw(st.sampled_from(NUMBERS))
            elif name == "type":
                if kind == "call" and "direction" not in fields and draw(st.booleans()):
                    cells[name] = "主叫" if out else "被叫"
                else:
                    cells[name] = draw(st.sampled_from(KINDS[kind]))
            elif name == "direction":
                cells[name] = draw(st.sampled_from(DIRECTIONS["out" if out else "in"])) if kind in ("call", "sms") \
                    else draw(st.sampled_from(["", "主叫"]))
            elif name == "roaming":
                cells[name] = draw(st.sampled_from(ROAMING[draw(st.integers(0, 9)) == 0]))
            elif name == "duration":
                seconds = draw(st.integers(0, 4 * 3600))
                if kind != "call":
                    cells[name] = ""
                elif minutes_header and duration_style in (0, 6, 8):  # bare numbers are minutes
                    cells[name] = str(seconds // 60)
                else:
                    cells[name] = DURATIONS[duration_style](seconds)
            elif name == "volume":
                kb = draw(st.integers(0, 3 * 1024 * 1024))
                cells[name] = volume_text(kb, volume_unit, volume_style) if kind == "data" else ""
        row = [cells[name] for name in fields]
        if note:
            row.insert(header.index("备注"), draw(st.sampled_from(["", "夜间", "a, b", 'say "hi"', "x;y"])))
        rows.append(row)
    for _ in range(draw(st.integers(0, 2))):  # blank rows: empty lines and rows of empty cells
        rows.insert(draw(st.integers(0, len(rows))), draw(st.sampled_from([[], [""] * len(header), [" "] * len(header)])))
    delimiter = draw(st.sampled_from([",", "\t", ";"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    trailing = draw(st.booleans())  # Excel-style: every row one empty cell longer than the header
    if not regular:
        trailing = False
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    for row in rows:
        if not regular and row and draw(st.integers(0, 9)) == 0:
            row = row[:-1]  # a row one cell short: still read (the missing cell is empty)
        writer.writerow(row + [""] if trailing and row else row)
    text = buffer.getvalue()
    if not regular and draw(st.booleans()):
        text += "   \n"
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    if any(ch in text for ch in "１３８０"):  # full-width digits have no GBK form in some codecs: keep them UTF-8
        encoding = "utf-8"
    return text.encode(encoding), encoding


@settings(SETTINGS, max_examples=examples(300))
@given(record_files())
def test_column_by_column_reading_equals_the_row_by_row_reading(file: tuple[bytes, str]) -> None:
    data, encoding = file
    text = decode(data, "r.csv")
    careful = parse_careful(text, "r.csv", 60)
    fast = parse_fast(text, "r.csv", 60)
    assert fast is not None, "a well-formed file must be read column by column"
    assert fast == careful
    as_bytes = parse_fast_utf8(data, "r.csv", 60)  # UTF-8 read without decoding the whole file
    assert as_bytes is None or as_bytes == careful
    if encoding != "gb18030" and b'"' not in data:
        assert as_bytes is not None, "a UTF-8 file without quotes must be read from its bytes"
    if encoding == "gb18030":  # decoded by pyarrow as it reads
        as_gb = parse_fast_utf8(data, "r.csv", 60, encoding="gb18030")
        assert as_gb is None or as_gb == careful
        if b'"' not in data:
            assert as_gb is not None, "a GB18030 file without quotes must be read from its bytes"


@settings(SETTINGS, max_examples=examples(150))
@given(record_files(regular=False), st.sampled_from([1, 30, 60, 300]))
def test_irregular_files_give_the_same_result_either_way(file: tuple[bytes, str], increment: int) -> None:
    data, encoding = file
    text = decode(data, "r.csv")
    fast = parse_fast(text, "r.csv", increment)
    as_bytes = parse_fast_utf8(data, "r.csv", increment)
    as_gb = parse_fast_utf8(data, "r.csv", increment, encoding="gb18030") if encoding == "gb18030" else None
    try:
        careful = parse_careful(text, "r.csv", increment)
    except DataError:
        assert fast is None and as_bytes is None and as_gb is None
    else:
        assert fast is None or fast == careful
        assert as_bytes is None or as_bytes == careful
        assert as_gb is None or as_gb == careful


def outcome(data: bytes) -> object:
    try:
        return parse_records_csv(data, "r.csv")
    except DataError as exc:
        return [str(p) for p in exc.problems]


@settings(SETTINGS, max_examples=examples(150))
@given(record_files(), st.data())
def test_a_bad_cell_gives_the_same_messages_either_way(file: tuple[bytes, str], data: st.DataObject) -> None:
    raw, encoding = file
    lines = raw.decode(encoding).splitlines(keepends=True)
    bad = data.draw(st.sampled_from(["abc", "2026-02-30", "-5", "25:00", "1,5MB", "fax", "9999999999999", ""]))
    at = data.draw(st.integers(1, max(1, len(lines) - 1)))
    if at < len(lines):  # the bad value replaces the first cell that is not empty
        for sep in (",", "\t", ";"):
            cells = lines[at].split(sep)
            if len(cells) > 1:
                i = next((k for k, c in enumerate(cells) if c.strip().strip('"')), 0)
                cells[i] = bad
                lines[at] = sep.join(cells)
                break
    spoilt = "".join(lines).encode(encoding)
    saved = records_module.FAST_MIN_BYTES
    try:
        records_module.FAST_MIN_BYTES = 10**12
        row_by_row = outcome(spoilt)
        records_module.FAST_MIN_BYTES = 0
        columns_first = outcome(spoilt)
    finally:
        records_module.FAST_MIN_BYTES = saved
    assert columns_first == row_by_row


def test_a_larger_generated_file_reads_the_same_either_way() -> None:
    # the benchmark's generator at a test's size (the benchmark times 1,000,000 records)
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from bench_records import generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    for style, encoding in (("household", "gb18030"), ("seed002", "utf-8-sig")):
        data = generate(5_000, 3, style).encode(encoding)
        text = decode(data, "big.csv")
        fast = parse_fast(text, "big.csv", 60)
        assert fast is not None
        assert fast == parse_careful(text, "big.csv", 60)
        assert sum(sum(lr.records) for lr in fast.lines) == 5_000


HEAD = "号码,起始时间,类型,主被叫,时长,流量\n"
OK_ROW = "138 0000 0001,2026-01-05 08:00:00,通话,主叫,61,\n"


def both_ways(text: str, encoding: str = "utf-8") -> object:
    data = text.encode(encoding)
    saved = records_module.FAST_MIN_BYTES
    try:
        records_module.FAST_MIN_BYTES = 10**12
        row_by_row = outcome(data)
        records_module.FAST_MIN_BYTES = 0
        columns_first = outcome(data)
    finally:
        records_module.FAST_MIN_BYTES = saved
    assert columns_first == row_by_row
    return row_by_row


def test_quotes_commas_and_odd_rows_read_the_same_either_way() -> None:
    cases = [
        HEAD + OK_ROW + '"138 0000 0002","2026-01-06 09:00:00","上网","","","1.5MB"\n',  # quoted cells
        HEAD + OK_ROW + '138 0000 0002,2026-01-06 09:00:00,"通话",主叫,"00:01:01",\n',
        HEAD + OK_ROW + '"138 0000 0002"x,2026-01-06 09:00:00,通话,主叫,61,\n',  # text after a closing quote
        HEAD + OK_ROW + '"138 0000\n0002",2026-01-06 09:00:00,通话,主叫,61,\n',  # a line break in a cell
        HEAD + OK_ROW + '138 0000 0002,2026-01-06 09:00:00,通话,主叫,"61\n',  # a quote never closed
        HEAD + OK_ROW + '13"8,2026-01-06 09:00:00,通话,主叫,61,\n',  # a quote inside a cell
        HEAD + OK_ROW + "138 0000 0002,2026-01-06 09:00:00,通话,主叫\n",  # a row one cell short
        HEAD + OK_ROW + "138 0000 0002,2026-01-06 09:00:00,通话,主叫,61,,extra\n",  # a row with more cells
        HEAD + OK_ROW + ",,,,,\n \n\u3000,,,,,\n" + OK_ROW,  # blank rows, one of an ideographic space
        HEAD + OK_ROW.replace("\n", "\r") + OK_ROW,  # old Mac line ends
        HEAD + OK_ROW + "\u3000138 0000 0002 ,\u30002026-01-06 09:00:00 , 通话 ,主叫, 61 ,\n",
        HEAD + OK_ROW + "138 0000 0002,２０２６-01-06 09:00:00,通话,主叫,６１,\n",  # full-width digits
        HEAD + OK_ROW + "138 0000 0002,2026-01-06 24:00:00,通话,主叫,61,\n",  # no such hour
        HEAD + OK_ROW + "138 0000 0002,2026-02-29 08:00:00,通话,主叫,61,\n",  # no such day in 2026
        HEAD + OK_ROW + "138 0000 0002,2026-01-06 08:00:00,上网,,2000000000KB,\n".replace(",,2", ",,,2"),
        HEAD + OK_ROW + "138 0000 0002,2026-01-06 08:00:00,上网,,,900000 MB\n" * 2,  # too much in a month
        HEAD + OK_ROW + "138 0000 0002,2026-01-06 08:00:00,上网,,,1.5 TB\n",
        HEAD + OK_ROW + "138 0000 0002,2026-01-06 08:00:00,上网,,,0.0005MB\n",
        "\n,,,\n" + HEAD + OK_ROW,  # blank lines before the header
        HEAD,  # no records
        HEAD.replace("时长", "时长(小时)") + OK_ROW,  # a unit that does not fit
    ]
    for text in cases:
        both_ways(text)
        both_ways(text.replace(",", "\t"))
    assert both_ways(cases[8]) == both_ways(HEAD + OK_ROW + OK_ROW)  # the blank rows are skipped


def test_a_large_file_with_one_bad_cell_names_its_line_and_column() -> None:
    rows = [OK_ROW.replace("08:00:00", f"08:{i // 60 % 60:02d}:{i % 60:02d}") for i in range(30_000)]
    rows[20_000] = rows[20_000].replace(",61,", ",61秒钟钟,")
    data = (HEAD + "".join(rows)).encode("gb18030")
    assert len(data) >= records_module.FAST_MIN_BYTES
    problems = outcome(data)
    assert problems == ["r.csv:20002: 时长: cannot read '61秒钟钟' as a duration; write seconds (83), 1分23秒 or 00:01:23"]


def test_telling_records_from_a_summary_reads_only_the_header() -> None:
    text = HEAD + OK_ROW + '"138 0000 0002"x,2026-01-06 09:00:00,通话,主叫,61,\n'
    assert records_module.looks_like_records(text.encode(), "r.csv")
    assert outcome(text.encode()) == ["r.csv:3: cannot read the CSV here (',' expected after '\"'); "
                                      "check the quotes on this line"]


def test_dates_written_several_ways_in_one_file_read_the_same_either_way() -> None:
    """Each date format reads its own rows (and a date no pattern admits is read whole), not only a file in one
    format throughout."""
    rows = ["date,type,direction,duration"]
    written = ("2026-01-{d:02d} 08:12:33", "2026年1月{d}日 08:12", "202601{d:02d}", "2026/1/{d}", " 2026-01-{d:02d}")
    for i in range(60):
        rows.append(f"{written[i % len(written)].format(d=i % 28 + 1)},call,out,{i}")
    text = "\n".join(rows) + "\n"
    careful = parse_careful(text, "r.csv", 60)
    fast = parse_fast(text, "r.csv", 60)
    assert fast == careful
