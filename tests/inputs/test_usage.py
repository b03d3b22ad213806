"""Monthly usage CSV import: what is accepted, and what every mistake looks like."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffcli.inputs.usage import MAX_DATA_KB, MAX_PROBLEMS, MAX_SMS, MAX_VOICE_MIN, UsageHistory, parse_usage_csv
from tariffcli.model.errors import DataError

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_bills"
MB = 1024
GB = 1024 * 1024


def parse(text: str, encoding: str = "utf-8", source: str = "usage.csv") -> UsageHistory:
    return parse_usage_csv(text.encode(encoding), source)


def fail(data: str | bytes, source: str = "usage.csv") -> DataError:
    """Parse input that must be refused; return the error."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(DataError) as info:
        parse_usage_csv(raw, source)
    return info.value


def lines(err: DataError) -> list[str]:
    return str(err).splitlines()


def codes(err: DataError) -> list[str]:
    return [p.code for p in err.problems]


# ---------------------------------------------------------------- the basics


def test_a_simple_file():
    h = parse("month,voice_min,sms,data_mb\n2025-03,120,4,512\n2025-04,95.2,0,1024.5\n")
    assert h.source == "usage.csv"
    assert h.months == ("2025-03", "2025-04")
    assert h.voice_min == (120, 96)  # 95.2 minutes: every started minute counts
    assert h.sms == (4, 0)
    assert h.data_kb == (512 * MB, 1024 * MB + 512)
    assert h.app_data_kb == (0, 0)
    assert h.data_days == (None, None)
    assert h.warnings == ()
    assert h.lines == (2, 3)


def test_frame_has_period_index_and_integer_columns():
    h = parse("month,voice,sms,data_gb,data_days\n2025-01,10,1,1,3\n2025-02,0,0,0,\n")
    df = h.frame()
    assert str(df.index.dtype) == "period[M]"
    assert df.index.name == "month"
    assert [str(p) for p in df.index] == ["2025-01", "2025-02"]
    assert list(df.columns) == ["voice_min", "sms", "data_kb", "app_data_kb", "data_days"]
    assert {c: str(t) for c, t in df.dtypes.items()} == {
        "voice_min": "int64",
        "sms": "int64",
        "data_kb": "int64",
        "app_data_kb": "int64",
        "data_days": "Int64",
    }
    assert df.loc["2025-01", "data_kb"] == GB
    assert df["data_days"].isna().tolist() == [False, True]


def test_importing_usage_does_not_import_pandas():
    code = "import sys, tariffcli.inputs.usage; print('pandas' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "False"


def test_usage_history_is_immutable():
    h = parse("month,voice,sms,data_mb\n2025-03,1,1,1\n")
    with pytest.raises(AttributeError):
        h.sms = (2,)  # type: ignore[misc]


# ---------------------------------------------------------------- encodings

CHINESE = "月份,通话分钟,短信,流量(MB)\n2025年3月,612,5,0\n2025年4月,748,4,12.5\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_each_encoding_reads_the_same(encoding):
    h = parse(CHINESE, encoding)
    assert h.months == ("2025-03", "2025-04")
    assert h.voice_min == (612, 748)
    assert h.data_kb == (0, 12 * MB + 512)


def test_a_bom_does_not_spoil_the_first_header():
    h = parse("month,voice,sms,data_mb\n2025-03,1,1,1\n", "utf-8-sig")
    assert h.warnings == ()


def _mixed_encodings_line_by_line(data: bytes) -> tuple[int, int] | None:
    """The reference: each line decoded on its own (how usage._mixed_encodings was first written)."""
    utf8_line = other_line = None
    for number, raw in enumerate(data.split(b"\n"), 1):
        if raw.isascii():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            other_line = other_line or number
        else:
            if text.startswith("\ufeff") or sum(ord(c) > 0x7FF for c in text) >= 2:
                utf8_line = utf8_line or number
        if utf8_line and other_line:
            return utf8_line, other_line
    return None


_LINE_PIECES = st.lists(st.sampled_from(["a", ",", "1", " ", "\r", "通话", "短信", "é", "ß", "\ufeff", "😀"]), max_size=6).map("".join)


@settings(max_examples=examples(300))
@given(st.lists(st.one_of(
    st.tuples(_LINE_PIECES, st.sampled_from(["utf-8", "gb18030"])).map(lambda t: t[0].encode(t[1])),
    st.binary(max_size=4).filter(lambda b: b"\n" not in b),
), max_size=8))
def test_mixed_encodings_finds_the_first_line_of_each_kind(lines_of_bytes):
    from tariffcli.inputs.csvtext import mixed_encodings

    data = b"\n".join(lines_of_bytes)
    assert mixed_encodings(data) == _mixed_encodings_line_by_line(data)


def test_bytes_that_are_neither_utf8_nor_gb18030():
    err = fail(b"month,voice,sms,data_mb\n2025-03,1,1,1\n2025-04,\xff,1,1\n")
    assert codes(err) == ["encoding"]
    assert lines(err) == [
        "usage.csv:3: the file is neither UTF-8 nor GB18030/GBK: byte 0xff at offset 46 (line 3) "
        "is not valid UTF-8; save the file as CSV in UTF-8"
    ]


@pytest.mark.parametrize(
    ("data", "code", "says"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "not_csv", "this looks like an Excel file, not CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "not_csv", "this looks like an Excel file, not CSV"),
        (b"  \n<html><body>usage</body></html>", "not_csv", "web page (HTML)"),
        (b"<!DOCTYPE html>\n<html></html>", "not_csv", "web page (HTML)"),
        (b'<?xml version="1.0"?><Workbook/>', "not_csv", "XML spreadsheet"),
        (b"%PDF-1.7\n", "not_csv", "this is a PDF"),
        ("month,voice\n".encode("utf-16"), "encoding", "UTF-16"),
        (b"month,voice,sms,data_mb\n2025-03,1\x00,1,1\n", "not_csv", "NUL bytes (first at byte 33, line 2)"),
    ],
)
def test_files_that_are_not_csv(data, code, says):
    err = fail(data)
    assert codes(err) == [code]
    assert says in str(err)
    assert str(err).startswith("usage.csv: ")


# ---------------------------------------------------------------- headers


@pytest.mark.parametrize(
    "header",
    [
        "month,voice_min,sms,data_mb",
        "Month,Voice,SMS,Data (MB)",
        "  MONTH , Minutes , sms , DATA_MB ",
        "month,voice minutes,sms,data-mb",
        "月份,通话分钟,短信,流量(MB)",
        "月,通话时长,短信条数,流量/MB",
        "账期,语音分钟,短信,数据流量（MB）",
        "月份,通话时长(分钟),短信(条),流量MB",
    ],
)
def test_header_spellings(header):
    h = parse(f"{header}\n2025-03,30,2,100\n")
    assert (h.voice_min, h.sms, h.data_kb) == ((30,), (2,), (100 * MB,))
    assert h.warnings == ()


@pytest.mark.parametrize(
    ("header", "kb"),
    [
        ("data_kb", 3),
        ("data_mb", 3 * MB),
        ("data_gb", 3 * GB),
        ("流量(MB)", 3 * MB),
        ("流量(GB)", 3 * GB),
        ("流量/MB", 3 * MB),
        ("data [gb]", 3 * GB),
    ],
)
def test_data_unit_in_the_header(header, kb):
    assert parse(f"month,voice,sms,{header}\n2025-03,0,0,3\n").data_kb == (kb,)


@pytest.mark.parametrize(
    ("cell", "kb"),
    [("1.5 GB", 3 * GB // 2), ("512KB", 512), ("300MB", 300 * MB), ("0.5 mb", 512), ("0.0001 MB", 1), ("0", 0)],
)
def test_data_unit_in_each_cell(cell, kb):
    assert parse(f"month,voice,sms,data\n2025-03,0,0,{cell}\n").data_kb == (kb,)


def test_a_unit_in_the_cell_wins_over_the_header():
    assert parse("month,voice,sms,data_mb\n2025-03,0,0,2 GB\n").data_kb == (2 * GB,)


def test_a_bare_number_without_any_unit_is_refused():
    err = fail("month,voice,sms,流量\n2025-03,0,0,300\n")
    assert codes(err) == ["bad_unit"]
    assert lines(err) == [
        "usage.csv:2: 流量: '300' has no unit; write e.g. '300 MB' in the cell, "
        "or put the unit in the header (data_mb, 流量(MB))"
    ]


def test_unknown_units():
    err = fail("month,voice,sms,data\n2025-03,0,0,3 GiB\n2025-04,0,0,3 XB\n")
    assert codes(err) == ["bad_unit", "bad_unit"]
    assert lines(err)[0] == (
        "usage.csv:2: data: unknown data unit 'GiB' (binary units are written KB, MB, GB here; 1 GB = 1024 MB); "
        "use one of KB, MB, GB, TB"
    )
    assert lines(err)[1].startswith("usage.csv:3: data: unknown data unit 'XB'")


def test_a_header_unit_that_does_not_fit_the_column():
    err = fail("month,voice(秒),sms,data_mb\n2025-03,0,0,3\n")
    assert codes(err) == ["bad_unit"]
    assert lines(err) == [
        "usage.csv:1: voice(秒): voice is given in seconds; give whole minutes per month (e.g. header voice_min)"
    ]
    err = fail("month,voice,sms,data (lbs)\n2025-03,0,0,3\n")
    assert lines(err)[0].startswith("usage.csv:1: data (lbs): unknown data unit 'lbs'")


def test_a_missing_column_is_named_with_the_headers_found():
    err = fail("month,voice,data_mb\n2025-03,1,1\n")
    assert codes(err) == ["missing_column"]
    assert lines(err) == [
        "usage.csv:1: no SMS column: add one with a header such as sms, 短信, 短信条数, sms_count "
        "(headers found: 'month', 'voice', 'data_mb')"
    ]


def test_every_missing_column_is_reported_with_a_hint_for_near_misses():
    err = fail("mnth,voice,smss\n2025-03,1,1\n")
    assert codes(err) == ["missing_column", "missing_column", "missing_column"]
    assert [p.field for p in err.problems] == ["month", "sms", "data_kb"]
    assert "is 'mnth' meant to be it? rename it to 'month'" in lines(err)[0]
    assert "is 'smss' meant to be it? rename it to 'sms'" in lines(err)[1]
    assert "data_mb, data_gb, 流量(MB)" in lines(err)[2]


def test_unknown_columns_are_ignored_with_a_warning():
    h = parse("month,voice,sms,data_mb,roaming_min,Smss\n2025-03,1,1,1,5,2\n")
    assert h.sms == (1,)
    assert h.warnings == (
        "usage.csv:1: column 'roaming_min' is not a usage column and was ignored",
        "usage.csv:1: column 'Smss' is not a usage column and was ignored (did you mean 'sms'?)",
    )


def test_two_columns_for_the_same_thing():
    err = fail("month,voice,sms,data_mb,流量(GB)\n2025-03,1,1,1,1\n")
    assert codes(err) == ["duplicate_column"]
    assert lines(err) == ["usage.csv:1: columns 'data_mb' and '流量(GB)' both give data; keep one of them"]


def test_optional_columns():
    h = parse("month,voice,sms,data_gb,定向流量(GB),上网天数\n2025-03,1,1,2,0.5,12\n2025-04,1,1,0,,\n")
    assert h.app_data_kb == (GB // 2, 0)  # an empty app-data cell is no app data
    assert h.data_days == (12, None)  # an empty days cell is "not given"


def test_tab_and_semicolon_separated_files():
    assert parse("month\tvoice\tsms\tdata_mb\n2025-03\t1\t2\t3\n").data_kb == (3 * MB,)
    assert parse("month;voice;sms;data_mb\n2025-03;1;2;3\n").data_kb == (3 * MB,)


# ---------------------------------------------------------------- months


@pytest.mark.parametrize(
    "month",
    [
        "2025-03",
        "2025/03",
        "202503",
        "2025年3月",
        "2025年03月",
        "2025-3",
        "2025-03-01",
        "2025/3/15",
        " 2025-03 ",
        "2025-03-01 00:00:00",
        "２０２５年３月",
    ],
)
def test_month_formats(month):
    assert parse(f"month,voice,sms,data_mb\n{month},1,1,1\n").months == ("2025-03",)


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2025-13", "'2025-13' has month 13; months run from 1 to 12"),
        ("202500", "'202500' has month 0; months run from 1 to 12"),
        ("2025-02-30", "'2025-02-30' is not a valid date"),
        ("March 2025", "'March 2025' is not a month; write it as 2025-03, 2025/03, 202503, 2025年3月 or 2025-03-01"),
        ("1899-01", "'1899-01' has year 1899; expected a year between 1990 and 2100"),
        ("合计", "'合计' looks like a total row; delete it and keep one row per month"),
    ],
)
def test_bad_months_name_line_and_column(month, message):
    err = fail(f"month,voice,sms,data_mb\n2025-02,1,1,1\n{month},1,1,1\n")
    assert codes(err) == ["bad_month"]
    assert lines(err) == [f"usage.csv:3: month: {message}"]


def test_a_chinese_month_column_is_named_even_when_the_value_contains_its_name():
    err = fail("月,通话分钟,短信,流量(MB)\n2025年13月,1,1,1\n")
    assert lines(err) == ["usage.csv:2: 月: '2025年13月' has month 13; months run from 1 to 12"]
    assert err.problems[0].field == "月"


def test_rows_in_any_order_are_sorted():
    h = parse("month,voice,sms,data_mb\n2025-05,5,0,0\n2025-03,3,0,0\n2025-04,4,0,0\n")
    assert h.months == ("2025-03", "2025-04", "2025-05")
    assert h.voice_min == (3, 4, 5)
    assert h.lines == (3, 4, 2)


def test_a_month_twice_names_both_lines():
    err = fail("month,voice,sms,data_mb\n2025-03,1,1,1\n2025-04,1,1,1\n2025/03,2,2,2\n")
    assert codes(err) == ["duplicate_month"]
    assert lines(err) == ["usage.csv:4: month 2025-03 appears twice: line 2 and line 4; keep one row per month"]


def test_missing_months_are_named():
    err = fail("month,voice,sms,data_mb\n2025-02,1,1,1\n2025-03,1,1,1\n2025-06,1,1,1\n")
    assert codes(err) == ["month_gap"]
    assert lines(err) == [
        "usage.csv:4: months 2025-04, 2025-05 are missing between line 3 and line 4; "
        "add rows with zeros if there was no usage"
    ]


def test_gaps_are_checked_after_sorting():
    err = fail("month,voice,sms,data_mb\n2025-06,1,1,1\n2025-01,1,1,1\n2025-02,1,1,1\n2025-04,1,1,1\n")
    assert lines(err) == [
        "usage.csv:2: month 2025-05 is missing between line 5 and line 2; add rows with zeros if there was no usage",
        "usage.csv:5: month 2025-03 is missing between line 4 and line 5; add rows with zeros if there was no usage",
    ]


def test_a_long_gap_is_summarised():
    err = fail("month,voice,sms,data_mb\n2020-01,1,1,1\n2025-01,1,1,1\n")
    assert "months 2020-02 to 2024-12 (59 months) are missing between line 2 and line 3" in str(err)


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("column", "cell", "code", "message"),
    [
        ("voice", "-3", "bad_value", "'-3' is negative"),
        ("voice", "abc", "bad_value", "cannot read 'abc' as a number"),
        ("voice", "NaN", "bad_value", "'NaN' is not a finite number"),
        ("voice", "inf", "bad_value", "'inf' is not a finite number"),
        ("voice", "-", "bad_value", "'-' is not a number; write 0 if there was no usage"),
        ("voice", "", "bad_value", "the cell is empty; write 0 if there was no usage"),
        ("voice", "90 s", "bad_unit", "'90 s' is in seconds; give minutes"),
        ("sms", "2.5", "bad_value", "'2.5' is not a whole number of messages"),
        ("sms", "", "bad_value", "the cell is empty; write 0 if there was no usage"),
        (
            "data",
            '"1,5GB"',
            "bad_value",
            "'1,5GB' uses a decimal comma; write '1.5GB' (or, if the comma separates thousands, leave it out)",
        ),
        (
            "data",
            '"1,500 MB"',
            "bad_value",
            "'1,500 MB' has a comma: write '1500 MB' if it separates thousands, or '1.500 MB' if it is a decimal comma",
        ),
        ("data", '"1,048,576 KB"', "bad_value", "'1,048,576 KB' has thousands separators; write '1048576 KB'"),
        ("data", "-1 MB", "bad_value", "'-1 MB' is negative"),
        ("data", "", "bad_value", "the cell is empty; write 0 if there was no usage"),
        ("data_days", "2.5", "bad_value", "'2.5' is not a whole number of days"),
    ],
)
def test_bad_values_name_file_line_and_column(column, cell, code, message):
    cells = {"voice": "1", "sms": "1", "data": "1 MB", "data_days": "1"}
    cells[column] = cell
    text = "month,voice,sms,data,data_days\n2025-03,1,1,1 MB,1\n2025-04," + ",".join(cells.values()) + "\n"
    err = fail(text, source="bills/2025.csv")
    assert codes(err) == [code]
    assert lines(err) == [f"bills/2025.csv:3: {column}: {message}"]
    problem = err.problems[0]
    assert (problem.file, problem.line, problem.field) == ("bills/2025.csv", 3, column)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (f"{MAX_VOICE_MIN + 1},0,0", "voice", "44641 minutes is more than a month has (44640 in 31 days)"),
        (f"0,{MAX_SMS + 1},0", "sms", "100001 SMS is implausibly many for a month (at most 100,000)"),
        ("0,0,1000001", "data_mb", "976.56 GB is implausibly much for a month (at most 1,000,000 MB); check the unit"),
    ],
)
def test_values_beyond_sane_bounds(row, column, message):
    assert parse(f"month,voice,sms,data_mb\n2025-03,{MAX_VOICE_MIN},{MAX_SMS},1000000\n").data_kb == (MAX_DATA_KB,)
    err = fail(f"month,voice,sms,data_mb\n2025-03,{row}\n")
    assert codes(err) == ["out_of_range"]
    assert lines(err) == [f"usage.csv:2: {column}: {message}"]


def test_days_with_data_must_fit_the_month_and_the_data():
    err = fail("month,voice,sms,data_mb,上网天数\n2025-02,0,0,5,29\n2025-03,0,0,5,0\n2025-04,0,0,0,0\n")
    assert codes(err) == ["out_of_range", "out_of_range"]
    assert lines(err) == [
        "usage.csv:2: 上网天数: 29 days with data, but 2025-02 has 28 days",
        "usage.csv:3: 上网天数: 0 days with data, but 5 MB of data was used",
    ]
    assert parse("month,voice,sms,data_mb,上网天数\n2024-02,0,0,5,29\n").data_days == (29,)


def test_voice_minutes_are_rounded_up_and_accept_a_unit():
    h = parse("month,voice,sms,data_mb\n2025-03,0.01,1 条,0\n2025-04,30 min,0,0\n2025-05,12分钟,0,0\n")
    assert h.voice_min == (1, 30, 12)
    assert h.sms == (1, 0, 0)


def test_full_width_digits_are_read():
    assert parse("月份,通话分钟,短信,流量(MB)\n2025年3月,１２,３,４\n").voice_min == (12,)


# ---------------------------------------------------------------- whole-file problems


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\xef\xbb\xbf", b",,,\n"])
def test_an_empty_file(data):
    err = fail(data)
    assert codes(err) == ["empty"]
    assert lines(err) == [
        "usage.csv: the file is empty; expected a header line such as 'month,voice_min,sms,data_mb' "
        "and one row per month"
    ]


def test_a_header_without_rows():
    err = fail("month,voice,sms,data_mb\n\n")
    assert codes(err) == ["empty"]
    assert lines(err) == ["usage.csv:1: the file has a header but no rows; add one row per month"]


def test_blank_lines_are_skipped_but_counted():
    h = parse("\nmonth,voice,sms,data_mb\n\n2025-03,1,1,1\n,,,\n2025-04,1,1,1\n")
    assert h.lines == (4, 6)
    err = fail("\nmonth,voice,sms,data_mb\n\n2025-03,x,1,1\n")
    assert lines(err) == ["usage.csv:4: voice: cannot read 'x' as a number"]


def test_line_numbers_are_physical_lines_even_with_quoted_newlines():
    err = fail('month,voice,sms,data_mb,note\n2025-03,1,1,1,"two\nlines"\n2025-04,x,1,1,\n')
    assert lines(err) == ["usage.csv:4: voice: cannot read 'x' as a number"]


def test_an_unclosed_quote():
    err = fail('month,voice,sms,data_mb\n2025-03,1,1,1\n2025-04,"1,1,1\n')
    assert codes(err) == ["not_csv"]
    assert str(err).startswith("usage.csv:3: cannot read the CSV here")


def test_an_unquoted_decimal_comma_splits_the_row():
    err = fail("month,voice,sms,data_gb\n2025-03,1,1,1,5\n")
    assert codes(err) == ["bad_value"]
    assert lines(err) == [
        "usage.csv:2: the row has 5 cells but the header has 4; "
        "a decimal comma (1,5) splits a cell: write 1.5, or quote the cell"
    ]


def test_all_problems_are_reported_at_once():
    err = fail("month,voice,sms,data\n2025-03,-1,1,1 MB\n2025-04,1,x,1 MB\n2025-13,1,1,7\n2025-06,1,1,1 MB\n")
    assert lines(err) == [
        "usage.csv:2: voice: '-1' is negative",
        "usage.csv:3: sms: cannot read 'x' as a number",
        "usage.csv:4: month: '2025-13' has month 13; months run from 1 to 12",
        "usage.csv:4: data: '7' has no unit; write e.g. '7 MB' in the cell, or put the unit in the header (data_mb, 流量(MB))",
    ]


def test_problems_are_capped():
    rows = "".join(f"2020-{m:02d},x,1,1\n" for m in range(1, 13)) + "".join(
        f"2021-{m:02d},x,y,1\n" for m in range(1, 13)
    )
    err = fail("month,voice,sms,data_mb\n" + rows)
    assert len(err.problems) == MAX_PROBLEMS + 1
    assert err.problems[-1].code == "truncated"
    assert lines(err)[-1] == "usage.csv: ... and 16 more problems"
    assert lines(err)[0] == "usage.csv:2: voice: cannot read 'x' as a number"


def test_problems_serialise_for_json():
    err = fail("month,voice,sms,data_mb\n2025-03,1,1,-1\n")
    assert err.problems[0].to_dict() == {
        "code": "bad_value",
        "message": "'-1' is negative",
        "file": "usage.csv",
        "line": 2,
        "field": "data_mb",
    }


# ---------------------------------------------------------------- from_rows


def test_from_rows():
    h = UsageHistory.from_rows(
        ["2025-04", "2025-03"], voice_min=[10, 20], sms=[1, 2], data_kb=[5, "1 MB"], data_days=[1, None]
    )
    assert h.source == "<memory>"
    assert h.months == ("2025-03", "2025-04")
    assert h.voice_min == (20, 10)
    assert h.data_kb == (MB, 5)
    assert h.app_data_kb == (0, 0)
    assert h.data_days == (None, 1)
    assert h.lines == ()
    assert h.frame()["data_kb"].tolist() == [MB, 5]


def test_from_rows_checks_like_a_file():
    with pytest.raises(DataError) as info:
        UsageHistory.from_rows(["2025-03", "2025-05", "2025-05"], [1, -1, 2], [1, 1, MAX_SMS + 1], [0, 0, 0])
    assert lines(info.value) == [
        "<memory>: row 2: voice_min: -1 is negative",
        "<memory>: row 3: sms: 100001 SMS is implausibly many for a month (at most 100,000)",
        "<memory>: month 2025-05 appears twice: row 2 and row 3; keep one row per month",
        "<memory>: month 2025-04 is missing between row 1 and row 2; add rows with zeros if there was no usage",
    ]


def test_from_rows_needs_equal_lengths_and_a_month():
    with pytest.raises(ValueError, match="sms has 1 values for 2 months"):
        UsageHistory.from_rows(["2025-03", "2025-04"], [1, 1], [1], [1, 1])
    with pytest.raises(DataError, match="no months given"):
        UsageHistory.from_rows([], [], [], [])


def test_the_constructor_keeps_its_invariants():
    with pytest.raises(ValueError, match="contiguous"):
        UsageHistory("x", ("2025-03", "2025-05"), (0, 0), (0, 0), (0, 0), (0, 0), (None, None))
    with pytest.raises(ValueError, match="data_kb has 1 entries for 2 months"):
        UsageHistory("x", ("2025-03", "2025-04"), (0, 0), (0, 0), (0,), (0, 0), (None, None))


# ---------------------------------------------------------------- the samples


SAMPLE_FILES = sorted(SAMPLES.glob("*.csv"))


def test_there_are_samples_and_each_is_in_the_readme():
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    assert len(SAMPLE_FILES) >= 4
    for path in SAMPLE_FILES:
        assert f"`{path.name}`" in readme


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_samples_load(path):
    h = parse_usage_csv(path.read_bytes(), str(path))
    assert h.months == tuple(f"2025-{m}" for m in ("11", "12")) + tuple(f"2026-{m:02d}" for m in range(1, 11))
    assert h.warnings == ()


def test_samples_show_what_they_claim():
    def load(name: str) -> UsageHistory:
        return parse_usage_csv((SAMPLES / name).read_bytes(), name)

    abroad = load("keep-number-abroad.csv")
    assert all(n <= 3 for n in abroad.sms) and max(abroad.voice_min) <= 3  # SMS sent; codes received are free
    assert max(abroad.data_kb) <= 10 * MB
    heavy = load("heavy-data.csv")
    assert all(25 * GB <= kb <= 60 * GB for kb in heavy.data_kb)
    assert all(100 <= m <= 300 for m in heavy.voice_min)
    raw = (SAMPLES / "elderly-voice.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really GB18030
    elderly = load("elderly-voice.csv")
    assert all(400 <= m <= 900 for m in elderly.voice_min) and set(elderly.data_kb) == {0}
    assert (SAMPLES / "lapsed-promotion.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    lapsed = load("lapsed-promotion.csv")
    assert all(40 * MB <= kb <= 80 * MB for kb in lapsed.data_kb)


# ---------------------------------------------------------------- round trip

HEADER_STYLES = {
    "english": ("month,voice_min,sms,data_kb,app_data_kb,data_days", lambda kb: str(kb)),
    "chinese-cells": ("月份,通话分钟,短信,流量,定向流量,上网天数", lambda kb: f"{kb} KB"),
    "mb": ("Month,Voice,SMS,Data (MB),App data (MB),days_with_data", lambda kb: f"{Decimal(kb) / 1024:f}"),
}
MONTH_STYLES = [
    lambda y, m: f"{y}-{m:02d}",
    lambda y, m: f"{y}/{m:02d}",
    lambda y, m: f"{y}{m:02d}",
    lambda y, m: f"{y}年{m}月",
    lambda y, m: f"{y}-{m:02d}-01",
]


@st.composite
def usage_rows(draw):
    start = draw(st.integers(2000 * 12, 2090 * 12))
    n = draw(st.integers(1, 24))
    rows = []
    for index in range(start, start + n):
        year, month = divmod(index, 12)
        month += 1
        kb = draw(st.integers(0, MAX_DATA_KB))
        app = draw(st.integers(0, MAX_DATA_KB))
        days_in_month = 31 if month in (1, 3, 5, 7, 8, 10, 12) else 30 if month != 2 else 28
        low = 1 if kb + app else 0
        days = draw(st.none() | st.integers(low, days_in_month))
        rows.append(((year, month), draw(st.integers(0, MAX_VOICE_MIN)), draw(st.integers(0, MAX_SMS)), kb, app, days))
    return rows


@settings(max_examples=examples(150))
@given(
    rows=usage_rows(),
    header_style=st.sampled_from(sorted(HEADER_STYLES)),
    month_style=st.sampled_from(range(len(MONTH_STYLES))),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    order=st.randoms(use_true_random=False),
)
def test_rows_written_as_csv_read_back_the_same(rows, header_style, month_style, encoding, order):
    expected = UsageHistory.from_rows(
        months=[f"{y}-{m:02d}" for (y, m), *_ in rows],
        voice_min=[r[1] for r in rows],
        sms=[r[2] for r in rows],
        data_kb=[r[3] for r in rows],
        app_data_kb=[r[4] for r in rows],
        data_days=[r[5] for r in rows],
    )
    header, volume = HEADER_STYLES[header_style]
    write_month = MONTH_STYLES[month_style]
    body = [
        f"{write_month(*ym)},{voice},{sms},{volume(kb)},{volume(app)},{'' if days is None else days}"
        for ym, voice, sms, kb, app, days in rows
    ]
    order.shuffle(body)
    parsed = parse("\r\n".join([header, *body]) + "\r\n", encoding)
    for name in ("months", "voice_min", "sms", "data_kb", "app_data_kb", "data_days"):
        assert getattr(parsed, name) == getattr(expected, name), name
