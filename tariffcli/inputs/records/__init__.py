"""Itemized records (详单): CSV bytes -> per-line monthly and daily totals.

This package never opens a file and never reads the clock: callers pass the
bytes and a name for them (used in every message). It reads the file the way
:mod:`tariffcli.inputs.usage` reads a monthly summary, with the helpers of
:mod:`tariffcli.inputs.csvtext`: the
same encodings (UTF-8, UTF-8 with a BOM, GB18030/GBK), the same refusal of
Excel/PDF/UTF-16 files, the same CSV dialect sniffing, and every problem
collected and reported with its line and column (up to
:data:`tariffcli.inputs.csvtext.MAX_PROBLEMS`).

One row is one record: a call, an SMS or a data session. Columns (headers in
English or Chinese, case and full-width forms ignored):

=========  ====================================================================
date       date, 日期, 通话日期, 上网日期 (the day of the record)
start      start, time, 起始时间, 开始时间, 通话起始时间, 时间, 通话时间, 上网时间
           (a date and time; only the date is used). One of date/start is required.
type       type, 类型, 业务类型, 通信类型, 记录类型: call/通话/语音, sms/短信,
           data/上网/流量/GPRS; 主叫/被叫 also mean a call with that direction.
           MMS (彩信) and WLAN records are counted and left out, with a warning.
direction  direction, 呼叫类型, 主被叫, 收发类型: outgoing/主叫/呼出/发送,
           incoming/被叫/呼入/接收. Without the column every call and SMS is
           taken as outgoing (an upper bound), with a warning.
duration   duration, 时长, 通话时长 (calls): ``83``, ``83秒``, ``1分23秒``,
           ``00:01:23``, ``1:23``, ``1m23s``; a bare number is seconds unless the
           header says minutes (``时长(分钟)``).
volume     volume, 流量, 上网流量, 数据流量, 总流量 (data sessions): ``1.5MB``,
           ``512KB``, or a bare number with the unit in the header (``流量(KB)``).
roaming    roaming, 漫游, 漫游类型 (optional): yes/是/国际/international marks a
           record made abroad; no/否/国内/本地/empty is domestic (domestic
           roaming fees ended in 2017-2018). Roaming records are counted and left
           out of the domestic totals the plan is billed on.
line       line, number, 号码, 手机号码, 本机号码 (optional): several numbers
           in one file are totalled per line.
=========  ====================================================================

Without a type column the type is taken from the columns: a file with only a
duration column holds calls, one with only a volume column data sessions, one
with neither SMS; with both, a row with a duration is a call and a row with a
volume a data session. More headers are understood (``user_id``, ``call_date``,
``mb_used``, ``bytes``, a ``unit`` column...: :data:`.model.ALIASES` and
:data:`.model.UNIT_HEADERS`), and ``--columns NAME=COLUMN`` names any other
(:func:`.sources.parse_column_options`). A duration with decimals under a header
that gives no unit is refused, asking for the unit.

**Several files** (calls, SMS and data apart, CSV or .xlsx) are read with
:func:`read_record_files` and merged by line (:mod:`.sources`).

**Exact sums**: beside the rounded totals, each month keeps the exact call time
(ms) and data (thousandths of a byte), and the month's totals rounded once
(:attr:`LineRecords.voice_min_month`, :attr:`LineRecords.data_kb_month`) for
plans that round the month's total (``rounding`` in the plan format).

**Per-call rounding** happens here, before any monthly total: every outgoing
call is billed in started increments of :data:`CALL_INCREMENT_S` seconds
(不足1分钟按1分钟), so a 61-second call is 2 minutes. A call of 0 seconds
(not answered) is 0 minutes. Data is totalled per day (for daily-rate plans,
:attr:`LineRecords.daily_data_kb`) and per month; a session's part-KB is
rounded up to a whole KB.

The months of a file run from its first record's month to its last; a line
with no record in a month has zeros there, and every line covers the same months.
A first or last month that is partial (records start after its 1st or end
before its last day) is said in a warning.

**Large files** (:data:`FAST_MIN_BYTES` and up; a million records are about
50 MB) are first read column by column with pyarrow's CSV reader and numpy,
imported only then (:func:`.fast.parse_fast`). That reading accepts only what it reads
exactly as the row-by-row reading (:func:`.careful.parse_careful`) does, and gives up on
anything else, which the row-by-row reading then reports with its line and
column: the result, warnings and messages are the same either way.

The package: :mod:`.model` (the result, the header and word tables),
:mod:`.cells` (dates, durations, volumes), :mod:`.layout` (the header, and
the totals put together), :mod:`.careful` (row by row) and :mod:`.fast`
(column by column, with :mod:`.columns` reading one column's cells at once, and
:mod:`.encodings` checking a large file's encoding); :func:`parse_records_csv`
here chooses between row by row and column by column.
"""

from __future__ import annotations

from collections.abc import Sequence

from tariffcli.inputs.csvtext import decode, refuse_binary
from tariffcli.inputs.records.careful import parse_careful
from tariffcli.inputs.records.cells import billed_minutes, parse_day, parse_duration, parse_volume
from tariffcli.inputs.records.encodings import is_utf8_quick, mixed_encodings_quick
from tariffcli.inputs.records.fast import parse_fast, parse_fast_utf8
from tariffcli.inputs.records.layout import ColumnMap, looks_like_records
from tariffcli.inputs.records.model import ALIASES, CALL_INCREMENT_S, DAYS, MAX_CALL_S, LineRecords, Records
from tariffcli.inputs.records.sources import parse_column_options, read_record_sources, with_partial_warnings
from tariffcli.inputs.xlsx import is_xlsx, sheet_as_csv
from tariffcli.model.errors import DataError
from tariffcli.model.limits import MAX_RECORD_LINES

__all__ = [
    "ALIASES",
    "CALL_INCREMENT_S",
    "DAYS",
    "FAST_MIN_BYTES",
    "MAX_BYTES",
    "MAX_TOTAL_BYTES",
    "MAX_CALL_S",
    "LineRecords",
    "Records",
    "billed_minutes",
    "looks_like_records",
    "parse_day",
    "parse_duration",
    "parse_column_options",
    "parse_records_csv",
    "parse_volume",
    "read_record_files",
]

MAX_BYTES = 100_000_000
"""Largest records file read: years of itemized records for a household are a few megabytes; a million
records are 50 to 60 MB."""
MAX_TOTAL_BYTES = 3 * MAX_BYTES
"""Most bytes of several record files read together (a year of records for a few hundred lines)."""
FAST_MIN_BYTES = 500_000
"""Files at least this large are read column by column first (below it, importing pyarrow costs more than it saves)."""


def parse_records_csv(data: bytes, source: str, *, call_increment_s: int = CALL_INCREMENT_S,
                      mapping: ColumnMap | None = None, max_lines: int = MAX_RECORD_LINES) -> Records:
    """Read an itemized-records CSV (bytes) into per-line totals.

    ``source`` names the input in messages. Raises :class:`DataError` listing
    every problem found (``file:line: column: message``). ``mapping`` names the
    field of other headers (``--columns``, :func:`.sources.parse_column_options`).
    A first or last month that is partial (the records start after its 1st, or
    end before its last day) is said in a warning.

    A file of :data:`FAST_MIN_BYTES` or more is first read column by column
    (pyarrow and numpy, imported only then); that reading gives up, without a
    word, on anything it does not read exactly as the row-by-row reading
    would (a bad cell, an unusual format, ragged rows), and the file is then read
    row by row, which finds and reports every problem. Both give the same result.
    """
    return with_partial_warnings(_parse(data, source, mapping, max_lines, call_increment_s))


def _parse(data: bytes, source: str, mapping: ColumnMap | None, max_lines: int,
           call_increment_s: int = CALL_INCREMENT_S) -> Records:
    if len(data) > MAX_BYTES:
        raise DataError(f"the file is larger than {MAX_BYTES:,} bytes; split it by month", file=source,
                        code="too_large")
    if len(data) >= FAST_MIN_BYTES:
        refuse_binary(data, source)
        fast = parse_fast_utf8(data, source, call_increment_s, mapping, max_lines)  # UTF-8 read as it is
        if fast is None and not is_utf8_quick(data) and mixed_encodings_quick(data) is None:  # what decode() reads as GB18030
            fast = parse_fast_utf8(data, source, call_increment_s, mapping, max_lines, encoding="gb18030")
        if fast is not None:
            return fast
    text = decode(data, source)
    if len(data) >= FAST_MIN_BYTES:
        fast = parse_fast(text, source, call_increment_s, mapping, max_lines)
        if fast is not None:
            return fast
    return parse_careful(text, source, call_increment_s, mapping, max_lines)


def read_record_files(sources: Sequence[tuple[str, bytes]], *, columns: Sequence[str] | None = None,
                      sheet: str | None = None, max_lines: int = MAX_RECORD_LINES,
                      call_increment_s: int = CALL_INCREMENT_S) -> Records:
    """Several records files (``(name, bytes)``: calls, SMS and data apart, CSV or .xlsx) as one :class:`Records`.

    ``columns`` are ``--columns NAME=COLUMN`` values; ``sheet`` picks the sheet of a
    spreadsheet (:func:`tariffcli.inputs.xlsx.sheet_as_csv`). Each file's kind comes
    from its columns; lines are matched by number across files.
    """
    mapping = parse_column_options(columns) or None
    total = sum(len(data) for _, data in sources)
    if total > MAX_TOTAL_BYTES:
        raise DataError(f"the record files hold {total:,} bytes; at most {MAX_TOTAL_BYTES:,} are read in one run",
                        file=sources[0][0], code="too_large")
    read = []
    for name, data in sources:
        if is_xlsx(data, name):
            data, name = sheet_as_csv(data, name, sheet)
        read.append((name, data))

    def parse(data: bytes, name: str, cols: ColumnMap | None, most: int) -> Records:
        return _parse(data, name, cols, most, call_increment_s)

    return read_record_sources(read, parse, columns=mapping, max_lines=max_lines, call_increment_s=call_increment_s)
