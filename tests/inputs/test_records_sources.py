"""Records as people have them: calls, SMS and data in separate files, English/Chinese column names,
--columns mappings, spreadsheets, exact sums for month rounding, partial months.

The totals are checked against a small reference computed here from the rows
written, with Decimal arithmetic and no code of the reader.
"""

from __future__ import annotations

import io
import random
from collections import defaultdict
from decimal import ROUND_CEILING, Decimal

import pytest

import tariffcli.inputs.records as records_module
from tariffcli.inputs.records import parse_column_options, parse_records_csv, read_record_files
from tariffcli.model.errors import DataError, UsageError

USERS = {  # user -> (first month, last month) active, in 2025
    "u1": (1, 12),
    "u2": (3, 6),
    "u3": (10, 12),
}


@pytest.fixture(params=["row by row", "column by column"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(records_module, "FAST_MIN_BYTES", 10**12 if request.param == "row by row" else 0)
    return str(request.param)


def _ceil(x: Decimal) -> int:
    return int(x.to_integral_value(rounding=ROUND_CEILING))


def _dataset(seed: int = 3) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]], list[tuple[str, str, str]]]:
    """(calls: user, date, decimal minutes), (sms: user, date), (data: user, date, MB with 2 decimals)."""
    rng = random.Random(seed)
    calls, sms, data = [], [], []
    for user, (first, last) in USERS.items():
        for month in range(first, last + 1):
            for _ in range(rng.randint(0, 6)):
                day = f"2025-{month:02d}-{rng.randint(1, 28):02d}"
                calls.append((user, day, f"{rng.randint(0, 30)}.{rng.randint(0, 99):02d}"))
            for _ in range(rng.randint(0, 4)):
                sms.append((user, f"2025-{month:02d}-{rng.randint(1, 28):02d} 10:00:00"))
            for _ in range(rng.randint(1, 5)):
                day = f"2025-{month:02d}-{rng.randint(1, 28):02d}"
                data.append((user, day, f"{rng.randint(0, 900)}.{rng.randint(0, 99):02d}"))
    # the year's first and last days, so no month is partial
    data.append(("u1", "2025-01-01", "1.00"))
    data.append(("u1", "2025-12-31", "1.00"))
    return calls, sms, data


def _reference(calls: list[tuple[str, str, str]], sms: list[tuple[str, str]],
               data: list[tuple[str, str, str]]) -> dict[tuple[str, str], dict[str, int]]:
    """Per (user, YYYY-MM): minutes per call and per month, SMS, KB per session and per month."""
    ref: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    exact_min: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    exact_mb: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for user, day, minutes in calls:
        key = (user, day[:7])
        ref[key]["voice_min"] += _ceil(Decimal(minutes))  # each call: every started minute
        exact_min[key] += Decimal(minutes)
    for user, day in sms:
        ref[(user, day[:7])]["sms"] += 1
    for user, day, mb in data:
        key = (user, day[:7])
        ref[key]["data_kb"] += _ceil(Decimal(mb) * 1024)  # each session: every started KB
        exact_mb[key] += Decimal(mb)
    for key, m in exact_min.items():
        ref[key]["voice_min_month"] = _ceil(m)
    for key, mb in exact_mb.items():
        ref[key]["data_kb_month"] = _ceil(mb * 1024)
    return ref


def _files(encoding: str = "utf-8", chinese: bool = False) -> list[tuple[str, bytes]]:
    calls, sms, data = _dataset()
    if chinese:
        heads = ("号码,起始时间,通话时长(分钟)", "号码,起始时间", "号码,起始时间,流量(MB)")
    else:
        heads = ("user_id,call_date,duration_min", "user_id,message_date", "user_id,session_date,mb_used")
    texts = [
        heads[0] + "\n" + "".join(f"{u},{d},{m}\n" for u, d, m in calls),
        heads[1] + "\n" + "".join(f"{u},{d}\n" for u, d in sms),
        heads[2] + "\n" + "".join(f"{u},{d},{mb}\n" for u, d, mb in data),
    ]
    return [(name, text.encode(encoding)) for name, text in zip(("calls.csv", "sms.csv", "data.csv"), texts,
                                                                 strict=True)]


def _check_against_reference(records: records_module.Records) -> None:
    ref = _reference(*_dataset())
    assert records.months == tuple(f"2025-{m:02d}" for m in range(1, 13))
    assert [lr.line for lr in records.lines] == ["u1", "u2", "u3"]
    checked = 0
    for lr in records.lines:
        for k, month in enumerate(lr.months):
            want = ref.get((lr.line, month), {})
            got = {"voice_min": lr.voice_min[k], "sms": lr.sms[k], "data_kb": lr.data_kb[k],
                   "voice_min_month": lr.voice_min_month[k], "data_kb_month": lr.data_kb_month[k]}
            assert got == {f: want.get(f, 0) for f in got}, (lr.line, month)
            checked += 1
    assert checked == 36


def test_three_files_give_every_user_month_of_the_reference(reading: str) -> None:
    records = read_record_files(_files())
    _check_against_reference(records)
    u2 = records.line("u2")
    assert u2 is not None and u2.records[0] == 0 and u2.records[2] > 0  # active from March only


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_chinese_headers_in_gbk_and_gb18030(reading: str, encoding: str) -> None:
    _check_against_reference(read_record_files(_files(encoding, chinese=True)))


def test_one_file_with_a_type_column_still_works(reading: str) -> None:
    text = ("号码,起始时间,类型,通话时长,流量\n"
            "1,2025-01-01 08:00,通话,61,\n"
            "1,2025-01-02 08:00,短信,,\n"
            "1,2025-01-31 08:00,上网,,1.5MB\n")
    r = read_record_files([("one.csv", text.encode())])
    lr = r.lines[0]
    assert (lr.voice_min, lr.sms, lr.data_kb) == ((2,), (1,), (1536,))


def test_decimals_under_a_bare_duration_header_ask_for_the_unit(reading: str) -> None:
    text = "user_id,call_date,duration\nu1,2025-01-01,8.52\nu1,2025-01-02,3\n"
    with pytest.raises(DataError) as err:
        read_record_files([("calls.csv", text.encode())])
    message = str(err.value)
    assert "calls.csv:2" in message and "duration" in message
    assert "minutes or seconds" in message and "--columns duration_min=" in message


def test_whole_numbers_under_a_bare_duration_header_are_seconds(reading: str) -> None:
    text = "user_id,call_date,duration\nu1,2025-01-01,124\n"
    r = read_record_files([("calls.csv", text.encode())])
    assert r.lines[0].voice_min == (3,)


def test_columns_option_names_the_unit_and_other_columns(reading: str) -> None:
    calls = "who,when,duration\nu1,2025-01-01,8.52\nu1,2025-01-31,0.10\n"
    data = "who,when,used\nu1,2025-01-05,2\n"
    r = read_record_files([("calls.csv", calls.encode()), ("data.csv", data.encode())],
                          columns=["duration_min=duration", "subscriber=who", "date=when", "volume_gb=used"])
    lr = r.lines[0]
    assert lr.line == "u1"
    assert lr.voice_min == (9 + 1,)
    assert lr.voice_min_month == (9,)  # 8.62 minutes in the month
    assert lr.data_kb == (2 * 1024 * 1024,)


def test_columns_option_errors() -> None:
    with pytest.raises(UsageError, match="not NAME=COLUMN"):
        parse_column_options(["duration"])
    with pytest.raises(UsageError, match="not a records field"):
        parse_column_options(["colour=x"])
    with pytest.raises(UsageError, match="cannot be in"):
        parse_column_options(["duration_mb=x"])
    with pytest.raises(UsageError, match="no file has a column 'nope'"):
        read_record_files([("a.csv", b"user_id,call_date,duration_sec\nu1,2025-01-01,5\n")],
                          columns=["volume_mb=nope"])


def test_every_file_has_a_subscriber_column_or_none() -> None:
    with pytest.raises(DataError, match="has a number .subscriber. column but b.csv has none"):
        read_record_files([("a.csv", b"user_id,call_date,duration_sec\nu1,2025-01-01,5\n"),
                           ("b.csv", b"message_date\n2025-01-01\n")])


def test_bytes_and_a_unit_column(reading: str) -> None:
    text = ("msisdn,start_time,volume,unit\n"
            "1,2025-01-01 00:00:00,1024,KB\n"
            "1,2025-01-01 00:00:00,1,MB\n"
            "1,2025-01-31 00:00:00,1,bytes\n")
    lr = read_record_files([("d.csv", text.encode())]).lines[0]
    assert lr.data_kb == (1024 + 1024 + 1,)
    assert lr.data_kb_month == (2049,)
    only_bytes = "msisdn,start_time,bytes\n1,2025-01-01 00:00:00,1\n1,2025-01-31 00:00:00,1023\n"
    lr = read_record_files([("d.csv", only_bytes.encode())]).lines[0]
    assert (lr.data_kb, lr.data_kb_month, lr.data_milli_b) == ((2,), (1,), (1024 * 1000,))


def test_month_rounding_at_the_15_gb_boundary(reading: str) -> None:
    """15,359.99 MB + 0.01 MB: per session 15 GB + 1 KB; the month's exact total is exactly 15 GB."""
    text = "user_id,session_date,mb_used\nu1,2025-01-01,15359.99\nu1,2025-01-31,0.01\n"
    lr = read_record_files([("data.csv", text.encode())]).lines[0]
    assert lr.data_kb == (15 * 1024 * 1024 + 1,)  # 15,728,629.76 -> 630 KB and 10.24 -> 11 KB
    assert lr.data_kb_month == (15 * 1024 * 1024,)
    assert lr.history("x", data="month").data_kb == (15 * 1024 * 1024,)
    assert lr.history("x").data_kb == (15 * 1024 * 1024 + 1,)


def test_calls_rounded_per_call_or_per_month(reading: str) -> None:
    text = "user_id,call_date,duration_sec\nu1,2025-01-01,61\nu1,2025-01-31,59\n"
    lr = read_record_files([("c.csv", text.encode())]).lines[0]
    assert lr.voice_min == (2 + 1,)  # each call: 61 s -> 2, 59 s -> 1
    assert lr.voice_min_month == (2,)  # 120 s in the month
    assert lr.history("x", calls="month").voice_min == (2,)


def test_partial_first_and_last_months_are_said_with_their_dates(reading: str) -> None:
    text = "user_id,call_date,duration_sec\nu1,2025-01-05,61\nu1,2025-03-20,59\n"
    r = parse_records_csv(text.encode(), "c.csv")
    assert any("start on 2025-01-05" in w and "2025-01 is partial" in w for w in r.warnings)
    assert any("end on 2025-03-20" in w and "2025-03 is partial" in w for w in r.warnings)
    full = "user_id,call_date,duration_sec\nu1,2025-01-01,61\nu1,2025-02-28,59\n"
    assert not any("partial" in w for w in parse_records_csv(full.encode(), "c.csv").warnings)
    # over several files, the span of them all counts
    merged = read_record_files([("a.csv", b"user_id,call_date,duration_sec\nu1,2025-01-03,1\n"),
                                ("b.csv", b"user_id,message_date\nu1,2025-01-01\nu1,2025-01-31\n")])
    assert not any("partial" in w for w in merged.warnings)


def test_xlsx_round_trip(reading: str) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from datetime import datetime

    calls, sms, data = _dataset()
    sources = []
    for name, head, rows in (("calls.xlsx", ["user_id", "call_date", "duration_min"], calls),
                             ("sms.xlsx", ["user_id", "message_date"], sms),
                             ("data.xlsx", ["user_id", "session_date", "mb_used"], data)):
        book = openpyxl.Workbook()
        ws = book.active
        ws.title = "详单"
        ws.append(head)
        for row in rows:
            cells: list[object] = [row[0], datetime.fromisoformat(row[1])]
            cells += [float(v) for v in row[2:]]
            ws.append(cells)
        buf = io.BytesIO()
        book.save(buf)
        sources.append((name, buf.getvalue()))
    _check_against_reference(read_record_files(sources))
    _check_against_reference(read_record_files(sources, sheet="1"))
    with pytest.raises(UsageError, match="no sheet 'other'"):
        read_record_files(sources, sheet="other")


def test_xlsx_errors_name_file_sheet_row_and_column() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Calls"
    ws.append(["user_id", "call_date", "duration_sec"])
    ws.append(["u1", "2025-01-01", 5])
    ws.append(["u1", "not a date", 5])
    buf = io.BytesIO()
    book.save(buf)
    with pytest.raises(DataError) as err:
        read_record_files([("c.xlsx", buf.getvalue())])
    assert "c.xlsx[Calls]:3: call_date: 'not a date' is not a date" in str(err.value)
