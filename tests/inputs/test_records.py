"""Itemized records (详单): per-call rounding, daily totals, encodings, several lines, every error located.

Records are written inline as CSV text; a problem must name the file, the line
and the column.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import MB, fen, make_plan
from hypothesis import given
from hypothesis import strategies as st

import tariffcli.inputs.records as records_module
from tariffcli.analyze.report import analyze
from tariffcli.inputs.csvtext import CellError
from tariffcli.inputs.records import (
    DAYS,
    billed_minutes,
    looks_like_records,
    parse_day,
    parse_duration,
    parse_records_csv,
)
from tariffcli.inputs.usage import UsageHistory
from tariffcli.model.errors import DataError


@pytest.fixture(autouse=True, params=["row by row", "columns first"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs twice: files read row by row only, and read column by column first (whatever their size).

    The column-by-column reading gives up on anything it cannot read exactly, so
    both runs must give the same totals, warnings and messages (tests/test_records_columns.py
    checks the two readings against each other on generated files).
    """
    monkeypatch.setattr(records_module, "FAST_MIN_BYTES", 10**12 if request.param == "row by row" else 0)
    return request.param


def read(text: str, encoding: str = "utf-8", source: str = "r.csv"):
    return parse_records_csv(text.encode(encoding), source)


def errors(text: str, encoding: str = "utf-8") -> list[str]:
    with pytest.raises(DataError) as exc:
        read(text, encoding)
    return [str(p) for p in exc.value.problems]


# ---------------------------------------------------------------- per-call rounding


@pytest.mark.parametrize(("seconds", "minutes"), [(0, 0), (1, 1), (59, 1), (60, 1), (61, 2), (119, 2), (120, 2),
                                                   (121, 3), (3600, 60), (3601, 61)])
def test_each_started_minute_of_a_call_is_billed(seconds: int, minutes: int) -> None:
    assert billed_minutes(seconds) == minutes


def test_a_61_second_call_is_two_minutes_in_the_monthly_total() -> None:
    r = read("start,type,direction,duration\n2026-01-05 08:00:00,call,outgoing,61\n")
    assert r.lines[0].voice_min == (2,)


def test_rounding_is_per_call_before_the_monthly_total() -> None:
    # two 30-second calls are two started minutes, not one minute of talk
    r = read("start,type,direction,duration\n"
             "2026-01-05 08:00:00,call,outgoing,30\n"
             "2026-01-06 08:00:00,call,outgoing,30\n")
    assert r.lines[0].voice_min == (2,)
    assert r.lines[0].calls == (2,)


def test_incoming_calls_and_sms_are_not_billed_but_are_activity() -> None:
    r = read("起始时间,类型,主被叫,时长\n"
             "2026-01-05 08:00:00,通话,被叫,600\n"
             "2026-01-05 09:00:00,短信,接收,\n"
             "2026-01-05 10:00:00,短信,发送,\n"
             "2026-01-05 11:00:00,主叫,,95\n")  # 主叫 in the type column: an outgoing call
    line = r.lines[0]
    assert (line.voice_min, line.sms, line.records) == ((2,), (1,), (4,))


@pytest.mark.parametrize(("text", "seconds"), [
    ("83", 83), ("83秒", 83), ("1分23秒", 83), ("1分钟23秒", 83), ("00:01:23", 83), ("1:23", 83), ("1m23s", 83),
    ("1 min 23 s", 83), ("1小时2分", 3720), ("01:02:03", 3723), ("61.2", 62), ("2分", 120), ("0", 0),
])
def test_duration_formats(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


def test_a_bare_duration_is_minutes_when_the_header_says_so() -> None:
    r = read("date,type,direction,时长(分钟)\n2026-01-05,call,out,3\n")
    assert r.lines[0].voice_min == (3,)


@pytest.mark.parametrize("text", ["", "abc", "1:75", "25 hours", "00:61:00", "90000"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(CellError):
        parse_duration(text)


@pytest.mark.parametrize(("text", "day"), [
    ("2026-01-05", date(2026, 1, 5)), ("2026/1/5 08:12:33", date(2026, 1, 5)),
    ("2026-01-05T08:12:33", date(2026, 1, 5)), ("2026年1月5日 08:12", date(2026, 1, 5)),
    ("20260105081233", date(2026, 1, 5)), ("20260105", date(2026, 1, 5)),
])
def test_date_formats(text: str, day: date) -> None:
    assert parse_day(text) == day


@given(st.integers(min_value=0, max_value=86_400))
def test_billed_minutes_is_the_ceiling_of_the_call(seconds: int) -> None:
    minutes = billed_minutes(seconds)
    assert minutes * 60 >= seconds > (minutes - 1) * 60 or (seconds == 0 and minutes == 0)


# ---------------------------------------------------------------- data: volumes and daily totals


def test_volumes_and_daily_totals() -> None:
    r = read("date,type,volume\n"
             "2026-02-01,data,1.5MB\n"
             "2026-02-01,data,512KB\n"
             "2026-02-28,data,0.5 GB\n"
             "2026-02-03,data,100.2KB\n")  # a part-KB is rounded up
    line = r.lines[0]
    assert line.data_kb == (1536 + 512 + 512 * 1024 + 101,)
    days = line.daily_data_kb[0]
    assert len(days) == DAYS
    assert (days[0], days[2], days[27]) == (2048, 101, 512 * 1024)
    assert days[28:] == (0, 0, 0)  # February 2026 has 28 days
    assert line.data_days == (3,)


def test_the_type_comes_from_the_columns_when_there_is_no_type_column() -> None:
    r = read("日期,通话时长,上网流量(KB)\n2026-01-01,61,\n2026-01-02,,300\n")
    assert (r.lines[0].voice_min, r.lines[0].data_kb) == ((2,), (300,))
    assert any("outgoing" in w for w in r.warnings)  # no direction column: an upper bound, said once


def test_daily_rate_plan_is_billed_on_the_real_days_from_records() -> None:
    # 0.10 per MB until 1.00 a day (which covers 800 MB that day)
    plan = make_plan(monthly_fee="8", overage={"data": {"ramp": {"rate": "0.1", "per": "MB", "block": "800 MB",
                                                                 "block_price": "1.00"},
                                                        "increment": "KB", "period": "day"}})
    records = read("date,type,volume\n2026-01-01,data,1MB\n2026-01-02,data,19MB\n")
    by_records = analyze(records=records, plans={None: plan}, today=date(2026, 2, 1))
    # day 1: 1 MB = 0.10; day 2: 19 MB = 1.90, capped at 1.00 -> 1.10 of data
    assert by_records.lines[0].months[0].expected == fen("8.00") + fen("1.10")
    summary = UsageHistory.from_rows(["2026-01"], [0], [0], [20 * MB], data_days=[2])
    spread = analyze(usage=summary, plans={None: plan}, today=date(2026, 2, 1))
    # the same month spread evenly: 10 MB a day = 1.00 + 1.00
    assert spread.lines[0].months[0].expected == fen("8.00") + fen("2.00")


# ---------------------------------------------------------------- lines, roaming, left-out records


def test_several_lines_are_totalled_apart_over_the_same_months() -> None:
    r = read("号码,起始时间,类型,主被叫,时长\n"
             "138 0000 0001,2026-01-05 08:00,通话,主叫,61\n"
             "138-0000-0002,2026-03-05 08:00,通话,主叫,30\n")
    assert [lr.line for lr in r.lines] == ["13800000001", "13800000002"]
    assert r.months == ("2026-01", "2026-02", "2026-03")
    assert r.lines[0].voice_min == (2, 0, 0)
    assert r.lines[1].voice_min == (0, 0, 1)
    assert r.has_line_column


def test_roaming_and_mms_records_are_left_out_of_the_domestic_totals_and_said() -> None:
    r = read("start,type,direction,duration,roaming\n"
             "2026-01-05 08:00,call,out,600,国际漫游\n"
             "2026-01-05 09:00,call,out,60,否\n"
             "2026-01-05 10:00,彩信,out,,\n")
    line = r.lines[0]
    assert (line.voice_min, line.roaming, line.records) == ((1,), (1,), (3,))
    assert any("roaming" in w for w in r.warnings)
    assert any("MMS" in w for w in r.warnings)


# ---------------------------------------------------------------- encodings


HEADER = "起始时间,通信类型,主被叫,通话时长,上网流量\n"
ROWS = "2010-01-05 08:12:33,语音通话,主叫,00:01:01,\n2010-01-06 09:00:00,GPRS上网,,,1.5MB\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_encodings_of_operator_exports(encoding: str) -> None:
    r = read(HEADER + ROWS, encoding)
    assert (r.lines[0].voice_min, r.lines[0].data_kb) == ((2,), (1536,))


def test_utf16_and_excel_files_are_refused_with_advice() -> None:
    with pytest.raises(DataError, match="UTF-16"):
        read(HEADER + ROWS, "utf-16")
    with pytest.raises(DataError, match="Excel"):
        parse_records_csv(b"PK\x03\x04rest", "r.xlsx")


def test_records_are_told_apart_from_a_monthly_summary() -> None:
    assert looks_like_records((HEADER + ROWS).encode("gb18030"), "r.csv")
    assert not looks_like_records(b"month,voice_min,sms,data_mb\n2026-01,1,2,3\n", "u.csv")


# ---------------------------------------------------------------- errors: file, line and column


def test_every_bad_cell_is_reported_with_line_and_column() -> None:
    problems = errors("start,type,direction,duration,volume\n"
                      "2026-01-05 08:00,call,out,abc,\n"
                      "01-05 08:00,call,out,60,\n"
                      "2026-01-05 08:00,fax,out,60,\n"
                      "2026-01-05 08:00,data,,,300\n"
                      "2026-02-30 08:00,call,sideways,60,\n")
    assert problems[0].startswith("r.csv:2: duration: cannot read 'abc' as a duration")
    assert problems[1].startswith("r.csv:3: start: '01-05 08:00' has no year")
    assert problems[2].startswith("r.csv:4: type: 'fax' is not a record type")
    assert problems[3].startswith("r.csv:5: volume: '300' has no unit")
    assert any(p.startswith("r.csv:6: start: '2026-02-30 08:00' is not a valid date") for p in problems)
    assert any(p.startswith("r.csv:6: direction: 'sideways' is not a direction") for p in problems)


def test_missing_columns_are_named_with_examples() -> None:
    problems = errors("对方号码,费用\n13800000000,0.19\n")
    assert any("no start column" in p and "起始时间" in p for p in problems)
    assert not any("no type column" in p for p in problems)  # a file without type, duration or volume is SMS


def test_a_row_without_a_type_cannot_be_guessed() -> None:
    problems = errors("date,duration,volume\n2026-01-01,60,1MB\n")
    assert problems == ["r.csv:2: duration: cannot tell whether this row is a call or a data session (it has both "
                        "a duration and a volume); add a type column (call/通话, sms/短信, data/上网)"]


def test_empty_files_and_files_without_rows() -> None:
    with pytest.raises(DataError, match="empty"):
        read("")
    with pytest.raises(DataError, match="no records"):
        read("start,type,duration\n")


def test_an_empty_line_number_is_an_error() -> None:
    assert errors("line,date,type,duration\n,2026-01-01,call,60\n") == [
        "r.csv:2: line: the number is empty; give the line of every record"]
