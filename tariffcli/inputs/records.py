"""Itemized records (详单): CSV bytes -> per-line monthly and daily totals.

This module never opens a file and never reads the clock: callers pass the
bytes and a name for them (used in every message). It reads the file the way
:mod:`tariffcli.inputs.usage` reads a monthly summary, and reuses its helpers: the
same encodings (UTF-8, UTF-8 with a BOM, GB18030/GBK), the same refusal of
Excel/PDF/UTF-16 files, the same CSV dialect sniffing, and every problem
collected and reported with its line and column (up to
:data:`tariffcli.inputs.usage.MAX_PROBLEMS`).

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
duration column holds calls, one with only a volume column data sessions; with
both, a row with a duration is a call and a row with a volume a data session.

**Per-call rounding** happens here, before any monthly total: every outgoing
call is billed in started increments of :data:`CALL_INCREMENT_S` seconds
(不足1分钟按1分钟), so a 61-second call is 2 minutes. A call of 0 seconds
(not answered) is 0 minutes. Data is totalled per day (for daily-rate plans,
:attr:`LineRecords.daily_data_kb`) and per month; a session's part-KB is
rounded up to a whole KB.

The months of a file run from its first record's month to its last; a line
with no record in a month has zeros there, and every line covers the same months.

**Large files** (:data:`FAST_MIN_BYTES` and up; a million records are about
50 MB) are first read column by column with pyarrow's CSV reader and numpy,
imported only then (:func:`_parse_fast`). That reading accepts only what it reads
exactly as the row-by-row reading (:func:`_parse_careful`) does, and gives up on
anything else, which the row-by-row reading then reports with its line and
column: the result, warnings and messages are the same either way.
"""

from __future__ import annotations

import calendar
import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

from tariffcli.inputs.usage import (
    _MAX_YEAR,
    _MIN_YEAR,
    _SECONDS,
    _VOICE_UNITS,
    MAX_DATA_KB,
    MAX_PROBLEMS,
    UsageHistory,
    _CellError,
    _decode,
    _key,
    _month_text,
    _msg,
    _norm,
    _number,
    _records,
    split_header,
)
from tariffcli.model import units
from tariffcli.model.errors import DataError, Problem

__all__ = [
    "CALL_INCREMENT_S",
    "LineRecords",
    "Records",
    "billed_minutes",
    "looks_like_records",
    "parse_duration",
    "parse_records_csv",
]

CALL_INCREMENT_S = 60
"""Calls are billed per started minute (不足1分钟按1分钟): the increment every plan in the model uses."""
MAX_CALL_S = 24 * 60 * 60
"""A single call longer than a day is a typo or a wrong unit."""
DAYS = 31
"""Length of each month's row in :attr:`LineRecords.daily_data_kb` (zeros past a month's end)."""
MAX_BYTES = 100_000_000
"""Largest records file read: years of itemized records for a household are a few megabytes; a million
records are 50 to 60 MB."""

_ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("date", "day", "日期", "通话日期", "上网日期", "发送日期", "起始日期", "记录日期"),
    "start": (
        "start", "start_time", "time", "datetime", "timestamp", "begin", "起始时间", "开始时间",
        "通话起始时间", "时间", "通话时间", "上网时间", "发送时间", "通信时间", "上网起始时间",
    ),
    "type": ("type", "kind", "record_type", "service", "类型", "业务类型", "通信类型", "记录类型", "业务名称"),
    "direction": ("direction", "call_type", "呼叫类型", "主被叫", "主叫被叫", "收发类型", "通话方式", "呼叫方式", "方向"),
    "duration": ("duration", "seconds", "时长", "通话时长", "通信时长", "通话时间长度"),
    "volume": ("volume", "data", "流量", "上网流量", "数据流量", "总流量", "使用流量", "通信流量"),
    "roaming": ("roaming", "漫游", "漫游类型", "漫游状态"),
    "line": ("line", "number", "phone", "msisdn", "号码", "手机号码", "本机号码", "用户号码", "手机号", "服务号码"),
}

_KINDS: dict[str, tuple[str, ...]] = {
    "call": ("call", "calls", "voice", "voice call", "通话", "语音", "电话", "语音通话", "国内通话", "本地通话", "长途通话"),
    "sms": ("sms", "text", "message", "短信", "短消息", "点对点短信", "国内短信"),
    "data": ("data", "gprs", "internet", "mobile data", "上网", "流量", "数据", "数据业务", "上网流量", "4g上网",
             "5g上网", "移动数据", "数据流量", "gprs上网", "gprs流量", "手机上网", "国内上网", "国内流量"),
    "other": ("mms", "彩信", "wlan", "其他", "other"),
}
_DIRECTIONS: dict[str, tuple[str, ...]] = {
    "out": ("out", "outgoing", "mo", "caller", "sent", "forwarded", "主叫", "呼出", "拨出", "发送", "发出", "呼转", "转接"),
    "in": ("in", "incoming", "mt", "callee", "received", "被叫", "呼入", "接听", "接收", "来电"),
}
_ROAMING: dict[bool, tuple[str, ...]] = {
    True: ("yes", "y", "true", "1", "是", "国际", "国际漫游", "境外", "international", "abroad", "roaming", "漫游"),
    False: ("no", "n", "false", "0", "否", "", "本地", "国内", "国内漫游", "省内", "省际", "省内漫游", "省际漫游",
            "local", "domestic", "非漫游", "无"),
}


def _lookup(table: Mapping[Any, tuple[str, ...]]) -> dict[str, Any]:
    return {_key(_norm(word)): name for name, words in table.items() for word in words}


_KIND_OF = _lookup(_KINDS)
_DIRECTION_OF = _lookup(_DIRECTIONS)
_ROAMING_OF = _lookup(_ROAMING)
_CALL_TYPE_OF = _lookup({"out": ("主叫", "呼出", "呼转"), "in": ("被叫", "呼入")})
"""Values of a type column that mean a call and give its direction."""


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class LineRecords:
    """One line's records, totalled per month (every tuple has one entry per month)."""

    line: str
    """The number as written in the file ('' when the file has no line column)."""
    months: tuple[str, ...]
    """Calendar months ``YYYY-MM``, contiguous and ascending (the file's whole span)."""
    voice_min: tuple[int, ...]
    """Outgoing domestic minutes, each call rounded up to started increments first."""
    sms: tuple[int, ...]
    """Outgoing domestic SMS."""
    data_kb: tuple[int, ...]
    """Domestic data, KB."""
    daily_data_kb: tuple[tuple[int, ...], ...]
    """Domestic data per day of each month, KB: :data:`DAYS` entries, zeros past the month's end."""
    records: tuple[int, ...]
    """Records of any kind (incoming, roaming and MMS included): 0 means the line did nothing."""
    calls: tuple[int, ...]
    """Outgoing domestic calls."""
    roaming: tuple[int, ...]
    """Roaming records, left out of the domestic totals."""

    @property
    def data_days(self) -> tuple[int, ...]:
        """Days with data use in each month."""
        return tuple(sum(1 for kb in days if kb) for days in self.daily_data_kb)

    def history(self, source: str) -> UsageHistory:
        """The monthly totals as a :class:`~tariffcli.inputs.usage.UsageHistory` (days with data known)."""
        return UsageHistory(
            source=source,
            months=self.months,
            voice_min=self.voice_min,
            sms=self.sms,
            data_kb=self.data_kb,
            app_data_kb=(0,) * len(self.months),
            data_days=self.data_days,
        )


@dataclass(frozen=True)
class Records:
    """An itemized-records file, totalled per line."""

    source: str
    months: tuple[str, ...]
    lines: tuple[LineRecords, ...]
    """One entry per number, sorted; a single ``''`` line when the file has no line column."""
    has_line_column: bool
    warnings: tuple[str, ...] = ()
    """Things left out or assumed (MMS, roaming, missing direction), as ``file: message``."""

    def line(self, name: str) -> LineRecords | None:
        for lr in self.lines:
            if lr.line == name:
                return lr
        return None


# ---------------------------------------------------------------- headers (shared with bills.py)


@dataclass(frozen=True)
class Column:
    """A recognised column: its position, the header as written, and a unit from the header."""

    index: int
    header: str
    unit: str | None


def read_header(
    header: Sequence[str], line: int, source: str, aliases: Mapping[str, tuple[str, ...]], what: str
) -> tuple[dict[str, Column], list[Problem], list[str]]:
    """Columns by field, problems (duplicates) and warnings (ignored columns) of a header line."""
    columns: dict[str, Column] = {}
    problems: list[Problem] = []
    warnings: list[str] = []
    every = [a for words in aliases.values() for a in words]
    for index, raw in enumerate(header):
        label = raw.strip().lstrip("\ufeff").strip()
        if not label:
            continue
        name, unit = split_header(label, aliases)
        if name is None:
            close = difflib.get_close_matches(_key(_norm(label)), every, n=1, cutoff=0.75)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            warnings.append(f"{source}:{line}: column {label!r} is not {what} column and was ignored{hint}")
            continue
        if name in columns:
            problems.append(Problem(
                f"columns {columns[name].header!r} and {label!r} both give the {name}; keep one of them",
                file=source, line=line, field=label, code="duplicate_column",
            ))
            continue
        columns[name] = Column(index, label, unit)
    return columns, problems, warnings


def missing_column(name: str, aliases: Mapping[str, tuple[str, ...]], header: Sequence[str], line: int,
                   source: str, examples: str | None = None) -> Problem:
    found = ", ".join(repr(h.strip().lstrip("\ufeff")) for h in header if h.strip()) or "none"
    shown = examples or ", ".join(aliases[name][:4])
    return Problem(f"no {name} column: add one with a header such as {shown} (headers found: {found})",
                   file=source, line=line, field=name, code="missing_column")


def cell_problem(source: str, line: int, header: str, exc: _CellError) -> Problem:
    """A problem in one cell: ``file:line: header: message``."""
    return Problem(_msg(exc.message, header), file=source, line=line, field=header, code=exc.code)


def finish(problems: list[Problem]) -> None:
    """Raise every problem at once (sorted by line, at most MAX_PROBLEMS of them), if any."""
    if not problems:
        return
    problems = sorted(problems, key=lambda p: p.line or 0)
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        source = problems[0].file
        problems = problems[:MAX_PROBLEMS] + [Problem(f"... and {more} more problems", file=source, code="truncated")]
    raise DataError(problems)


# ---------------------------------------------------------------- cells

_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[ T]+(?P<t>\S+))?"),
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日(?:\s*(?P<t>\S+))?"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:[ T]?(?P<t>\d{6}|\d{1,2}:\d{2}(?::\d{2})?))?"),
)
_NO_YEAR = re.compile(r"\d{1,2}[-/月]\d{1,2}日?(?:\s+\S+)?")
_TIME = re.compile(r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?|(?P<h2>\d{2})(?P<mi2>\d{2})(?P<s2>\d{2})")
_DATE_FORMATS = "2026-01-05, 2026/1/5 08:12:33, 2026年1月5日 or 20260105081233"


def parse_day(text: str) -> date:
    """The date of a record from a date or date-time cell."""
    t = unicodedata.normalize("NFKC", text).strip()
    if not t:
        raise _CellError("the date is empty", "bad_date")
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(t)
        if not m:
            continue
        year, month, day = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            raise _CellError(f"{t!r} has year {year}; expected a year between {_MIN_YEAR} and {_MAX_YEAR}", "bad_date")
        try:
            result = date(year, month, day)
        except ValueError:
            raise _CellError(f"{t!r} is not a valid date", "bad_date") from None
        clock = m.group("t")
        if clock:
            tm = _TIME.fullmatch(clock)
            h = int((tm.group("h") or tm.group("h2")) if tm else -1)
            mi = int((tm.group("mi") or tm.group("mi2")) if tm else -1)
            s = int((tm.group("s") or tm.group("s2") or 0) if tm else 0)
            if not tm or not (0 <= h <= 23 and 0 <= mi <= 59 and 0 <= s <= 59):
                raise _CellError(f"{t!r} has an unreadable time {clock!r}; write e.g. 08:12:33", "bad_date")
        return result
    if _NO_YEAR.fullmatch(t):
        raise _CellError(f"{t!r} has no year; write the full date, e.g. 2026-01-05", "bad_date")
    raise _CellError(f"{t!r} is not a date; write it as {_DATE_FORMATS}", "bad_date")


_HMS = re.compile(r"(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:\.\d+)?)")
_PARTS = re.compile(
    r"(?:(?P<h>\d+)\s*(?:小时|时|h|hr|hrs|hour|hours))?\s*"
    r"(?:(?P<m>\d+)\s*(?:分钟|分|m|min|mins|minute|minutes)(?![a-z]))?\s*"
    r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:秒钟|秒|s|sec|secs|second|seconds))?",
    re.IGNORECASE,
)


def parse_duration(text: str, unit: str | None = None) -> int:
    """Seconds of a call, rounded up to a whole second.

    Accepts ``83``, ``83秒``, ``1分23秒``, ``1小时2分``, ``00:01:23``, ``1:23`` and
    ``1m23s``. A bare number is seconds, or minutes when ``unit`` (from the
    header) says so.
    """
    t = unicodedata.normalize("NFKC", text).strip().lower()
    if not t:
        raise _CellError("the duration is empty; write 0 for a call that was not answered", "bad_value")
    seconds: Decimal
    m = _HMS.fullmatch(t)
    if m:
        minutes, secs = int(m.group("m")), Decimal(m.group("s"))
        if secs >= 60 or (m.group("h") is not None and minutes >= 60):
            raise _CellError(f"{text.strip()!r} is not a duration like 00:01:23", "bad_value")
        seconds = int(m.group("h") or 0) * 3600 + minutes * 60 + secs
    elif re.fullmatch(r"\d+(?:\.\d+)?", t):
        seconds = Decimal(t)
        if unit is not None and unit in _VOICE_UNITS:
            seconds *= 60
    else:
        m = _PARTS.fullmatch(t)
        if not m or not any(m.group(g) for g in ("h", "m", "s")):
            raise _CellError(
                f"cannot read {text.strip()!r} as a duration; write seconds (83), 1分23秒 or 00:01:23", "bad_value"
            )
        seconds = int(m.group("h") or 0) * 3600 + int(m.group("m") or 0) * 60 + Decimal(m.group("s") or 0)
    whole = int(seconds.to_integral_value(rounding=ROUND_CEILING))
    if whole > MAX_CALL_S:
        raise _CellError(f"{text.strip()!r} is longer than a day; check the unit (seconds are expected)", "out_of_range")
    return whole


def billed_minutes(seconds: int, increment_s: int = CALL_INCREMENT_S) -> int:
    """Minutes billed for one call: every started increment counts (61 s -> 2 min at 60 s)."""
    if increment_s <= 0:
        raise ValueError("the call increment must be a positive number of seconds")
    started = -(-seconds // increment_s)
    return -(-(started * increment_s) // 60)


def parse_volume(text: str, unit: str | None) -> int:
    """KB of a data session, part-KB rounded up; ``unit`` from the header when the cell has none."""
    value, written = _number(text)
    chosen = written or unit
    if chosen is None:
        if value == 0:
            return 0
        raise _CellError(
            f"{text.strip()!r} has no unit; write e.g. '{text.strip()}KB' or put the unit in the header (流量(KB))",
            "bad_unit",
        )
    try:
        kb = units.parse_data_kb(f"{value:f} {units.data_unit(chosen)}", exact=False)
    except units.UnitError as exc:
        raise _CellError(str(exc), "bad_unit") from None
    if kb > MAX_DATA_KB:
        raise _CellError(f"{units.format_kb(kb)} in one session is implausibly much; check the unit", "out_of_range")
    return kb


def _word(text: str, table: Mapping[str, object], what: str, allowed: Iterable[str]) -> object:
    key = _key(_norm(text))
    if key in table:
        return table[key]
    shown = ", ".join(allowed)
    raise _CellError(f"{text.strip()!r} is not a {what}; use one of {shown}", "bad_value")


def _duration_unit(unit: str | None) -> str | None:
    if unit is None or unit in _SECONDS or unit in _VOICE_UNITS:
        return unit
    raise _CellError(f"unit {unit!r} in the header does not fit a duration; use seconds (时长(秒))", "bad_unit")


def _volume_unit(unit: str | None) -> str | None:
    if unit is None:
        return None
    try:
        return units.data_unit(unit)
    except units.UnitError as exc:
        raise _CellError(str(exc), "bad_unit") from None


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Head:
    """The header record of a file, read the way :func:`tariffcli.inputs.usage._records` reads it."""

    delimiter: str
    line: int
    cells: list[str]
    end: int
    """Where the text after the header record starts."""


_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
"""A line with its end, as ``io.StringIO(text, newline="")`` yields them (and the csv module reads them)."""


def _physical_lines(text: str, start: int = 0) -> Iterator[str]:
    return (m.group() for m in _PHYSICAL_LINE.finditer(text, start))


def _head(text: str, source: str) -> _Head | None:
    """The first non-blank record (same delimiter, line number and errors as ``_records``), reading no further.

    None when the text has no non-blank record.
    """
    first = next((ln for ln in _physical_lines(text) if ln.strip()), "")
    delimiter = ","
    if "," not in first:
        if "\t" in first:
            delimiter = "\t"
        elif ";" in first:
            delimiter = ";"
    consumed = 0

    def counted() -> Iterator[str]:
        nonlocal consumed
        for ln in _physical_lines(text):
            consumed += len(ln)
            yield ln

    reader = csv.reader(counted(), delimiter=delimiter, strict=True)
    previous = 0
    try:
        for cells in reader:
            start = previous + 1
            previous = reader.line_num
            if any(c.strip() for c in cells):
                return _Head(delimiter, start, cells, consumed)
    except csv.Error:
        _records(text, source)  # raises the error with its line, as when the whole file is read
        raise
    return None


def looks_like_records(data: bytes, source: str) -> bool:
    """Whether the file's header is that of itemized records (it has a date or start-time column).

    Only the header line is parsed: a problem further down is for the parser that reads the file.
    """
    head = _head(_decode(data, source), source)
    if head is None:
        return False
    names = {split_header(cell, _ALIASES)[0] for cell in head.cells}
    return bool(names & {"date", "start"})


@dataclass
class _Layout:
    """What the header says: the columns, the warnings so far, and the units of durations and volumes."""

    columns: dict[str, Column]
    warnings: list[str]
    duration_unit: str | None
    volume_unit: str | None

    @property
    def day_field(self) -> str:
        return "date" if "date" in self.columns else "start"


def _layout(header: Sequence[str], header_line: int, source: str) -> tuple[_Layout, list[Problem]]:
    columns, problems, warnings = read_header(header, header_line, source, _ALIASES, "an itemized-records")
    if "date" not in columns and "start" not in columns:
        problems.append(missing_column("start", _ALIASES, header, header_line, source,
                                       "start, 起始时间, 通话时间, date or 日期"))
    if not {"type", "duration", "volume"} & set(columns):
        problems.append(missing_column("type", _ALIASES, header, header_line, source,
                                       "type or 类型 (call/通话, sms/短信, data/上网), or a duration or volume column"))
    try:
        duration_unit = _duration_unit(columns["duration"].unit) if "duration" in columns else None
    except _CellError as exc:
        problems.append(cell_problem(source, header_line, columns["duration"].header, exc))
        duration_unit = None
    try:
        volume_unit = _volume_unit(columns["volume"].unit) if "volume" in columns else None
    except _CellError as exc:
        problems.append(cell_problem(source, header_line, columns["volume"].header, exc))
        volume_unit = None
    return _Layout(columns, warnings, duration_unit, volume_unit), problems


def _line_name(text: str) -> str:
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text))


def _left_out(source: str, assumed_out: int, other: int, roaming: int) -> list[str]:
    warnings = []
    if assumed_out:
        warnings.append(f"{source}: no direction column: every call and SMS is taken as outgoing (an upper bound)")
    if other:
        warnings.append(f"{source}: {other} MMS/WLAN/other record(s) left out of the totals")
    if roaming:
        warnings.append(f"{source}: {roaming} roaming record(s) left out of the domestic totals")
    return warnings


_TOTALS = ("voice_min", "sms", "data_kb", "records", "calls", "roaming")


def _assemble(source: str, layout: _Layout, first: int, names: Sequence[str],
              totals: Mapping[str, Sequence[Sequence[int]]], daily: Sequence[Sequence[Sequence[int]]]) -> Records:
    """The result: ``totals[field][i][k]`` and ``daily[i][k]`` (DAYS values) of line ``names[i]``, month first + k."""
    month_ids = range(first, first + len(totals["records"][0]))
    months = tuple(_month_text(m) for m in month_ids)
    lines = []
    for i, name in enumerate(names):
        days = []
        for k, m in enumerate(month_ids):
            n = calendar.monthrange(m // 12, m % 12 + 1)[1]
            days.append(tuple(daily[i][k][:n]) + (0,) * (DAYS - n))
        lines.append(LineRecords(line=name, months=months, daily_data_kb=tuple(days),
                                 **{field: tuple(totals[field][i]) for field in _TOTALS}))
    return Records(source=source, months=months, lines=tuple(lines), has_line_column="line" in layout.columns,
                   warnings=tuple(layout.warnings))


def parse_records_csv(data: bytes, source: str, *, call_increment_s: int = CALL_INCREMENT_S) -> Records:
    """Read an itemized-records CSV (bytes) into per-line totals.

    ``source`` names the input in messages. Raises :class:`DataError` listing
    every problem found (``file:line: column: message``).

    A file of :data:`FAST_MIN_BYTES` or more is first read column by column
    (pyarrow and numpy, imported only then); that reading gives up, without a
    word, on anything it does not read exactly as the row-by-row reading below
    would (a bad cell, an unusual format, ragged rows), and the file is then read
    row by row, which finds and reports every problem. Both give the same result.
    """
    if len(data) > MAX_BYTES:
        raise DataError(f"the file is larger than {MAX_BYTES:,} bytes; split it by month", file=source,
                        code="too_large")
    text = _decode(data, source)
    if len(data) >= FAST_MIN_BYTES:
        fast = _parse_fast(text, source, call_increment_s)
        if fast is not None:
            return fast
    return _parse_careful(text, source, call_increment_s)


@dataclass
class _Acc:
    """Running totals of one line-month."""

    voice_min: int = 0
    sms: int = 0
    data_kb: int = 0
    records: int = 0
    calls: int = 0
    roaming: int = 0

    def __post_init__(self) -> None:
        self.daily = [0] * DAYS


_TYPE_OF = {**_KIND_OF, **{k: "call" for k in _CALL_TYPE_OF}}
_TYPE_WORDS = ("call/通话", "sms/短信", "data/上网", "主叫/被叫")
_ROAMING_WORDS = ("yes/是/国际", "no/否/国内")
_DIRECTION_WORDS = ("outgoing/主叫/发送", "incoming/被叫/接收")


def _parse_careful(text: str, source: str, call_increment_s: int) -> Records:
    """Row by row: every problem of every row is found and reported."""
    rows = _records(text, source)
    if not rows:
        raise DataError("the file is empty; expected a header line such as 'start,type,duration,volume'",
                        file=source, code="empty")
    header_line, header = rows[0]
    layout, problems = _layout(header, header_line, source)
    finish(problems)
    if len(rows) == 1:
        raise DataError("the file has a header but no records; add one row per call, SMS or data session",
                        file=source, line=header_line, code="empty")
    columns, duration_unit, volume_unit = layout.columns, layout.duration_unit, layout.volume_unit
    day_field = layout.day_field
    acc: dict[tuple[str, int], _Acc] = {}
    left_out = {"other": 0, "roaming": 0, "assumed_out": 0}
    width = len(header)
    for line, cells in rows[1:]:
        def cell(name: str, cells: list[str] = cells) -> str:
            col = columns.get(name)
            return cells[col.index] if col is not None and col.index < len(cells) else ""

        def bad(name: str, exc: _CellError, line: int = line) -> None:
            problems.append(cell_problem(source, line, columns[name].header, exc))

        if any(c.strip() for c in cells[width:]):
            problems.append(Problem(f"the row has {len(cells)} cells but the header has {width}; quote cells that "
                                    "hold a comma", file=source, line=line, code="bad_value"))
            continue
        ok = True
        try:
            day = parse_day(cell(day_field))
        except _CellError as exc:
            bad(day_field, exc)
            ok = False
        kind: object = None
        direction: object = None
        if "type" in columns:
            try:
                kind = _word(cell("type"), _TYPE_OF, "record type", _TYPE_WORDS)
                direction = _CALL_TYPE_OF.get(_key(_norm(cell("type"))))
            except _CellError as exc:
                bad("type", exc)
                ok = False
        else:
            has_d, has_v = bool(cell("duration").strip()), bool(cell("volume").strip())
            if has_d != has_v:
                kind = "call" if has_d else "data"
            else:
                bad("duration" if "duration" in columns else "volume", _CellError(
                    "cannot tell whether this row is a call or a data session (it has "
                    + ("both a duration and a volume" if has_d else "neither a duration nor a volume")
                    + "); add a type column (call/通话, sms/短信, data/上网)", "bad_value"))
                ok = False
        line_name = ""
        if "line" in columns:
            line_name = _line_name(cell("line"))
            if not line_name:
                bad("line", _CellError("the number is empty; give the line of every record", "bad_value"))
                ok = False
        roaming = False
        if "roaming" in columns:
            try:
                roaming = bool(_word(cell("roaming"), _ROAMING_OF, "roaming flag", _ROAMING_WORDS))
            except _CellError as exc:
                bad("roaming", exc)
                ok = False
        seconds = kb = 0
        if kind in ("call", "sms") and direction is None:
            if "direction" in columns:
                try:
                    direction = _word(cell("direction"), _DIRECTION_OF, "direction", _DIRECTION_WORDS)
                except _CellError as exc:
                    bad("direction", exc)
                    ok = False
            else:
                direction = "out"
                left_out["assumed_out"] += 1
        if kind == "call":
            if "duration" not in columns:
                problems.append(Problem("a call needs a duration column (时长, duration)", file=source, line=line,
                                        field="duration", code="missing_column"))
                ok = False
            else:
                try:
                    seconds = parse_duration(cell("duration"), duration_unit)
                except _CellError as exc:
                    bad("duration", exc)
                    ok = False
        elif kind == "data":
            if "volume" not in columns:
                problems.append(Problem("a data session needs a volume column (流量, volume)", file=source, line=line,
                                        field="volume", code="missing_column"))
                ok = False
            else:
                try:
                    kb = parse_volume(cell("volume"), volume_unit)
                except _CellError as exc:
                    bad("volume", exc)
                    ok = False
        if not ok:
            continue
        a = acc.setdefault((line_name, day.year * 12 + day.month - 1), _Acc())
        a.records += 1
        if kind == "other":
            left_out["other"] += 1
        elif roaming:
            a.roaming += 1
            left_out["roaming"] += 1
        elif kind == "call" and direction == "out":
            a.voice_min += billed_minutes(seconds, call_increment_s)
            a.calls += 1
        elif kind == "sms" and direction == "out":
            a.sms += 1
        elif kind == "data":
            a.data_kb += kb
            a.daily[day.day - 1] += kb
    for (line_name, month), a in sorted(acc.items()):
        if a.data_kb > MAX_DATA_KB:
            problems.append(_month_data_problem(source, layout, line_name, month, a.data_kb))
    finish(problems)

    layout.warnings.extend(_left_out(source, left_out["assumed_out"], left_out["other"], left_out["roaming"]))
    first = min(m for _, m in acc)
    last = max(m for _, m in acc)
    names = sorted({name for name, _ in acc})
    per = [[acc.get((name, m)) or _Acc() for m in range(first, last + 1)] for name in names]
    totals = {field: [[getattr(a, field) for a in row] for row in per] for field in _TOTALS}
    return _assemble(source, layout, first, names, totals, [[a.daily for a in row] for row in per])


def _month_data_problem(source: str, layout: _Layout, line_name: str, month: int, kb: int) -> Problem:
    return Problem(
        f"{line_name + ': ' if line_name else ''}{_month_text(month)}: {units.format_kb(kb)} of data "
        "is implausibly much for a month; check the unit",
        file=source, line=None, field=layout.columns["volume"].header if "volume" in layout.columns else "volume",
        code="out_of_range",
    )


# ---------------------------------------------------------------- reading large files column by column

FAST_MIN_BYTES = 500_000
"""Files at least this large are read column by column first (below it, importing pyarrow costs more than it saves)."""

_CLOCK = r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"
_DAY_FORMATS = (
    # (RE2 pattern of a whole cell, RE2 pattern of its date part): each pattern admits only cells that
    # parse_day reads with the same pattern, with an ASCII-only time it accepts; the date part is then read by
    # parse_day itself, once per distinct date. Anything else goes to parse_day whole, once per distinct cell.
    (r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]+" + _CLOCK + r")?$", r"^(?P<d>[^ T]*)"),
    (r"^\d{8}(?:(?:[01]\d|2[0-3])[0-5]\d[0-5]\d)?$", r"^(?P<d>\d{8})"),
    (r"^\d{4} *年 *\d{1,2} *月 *\d{1,2} *日(?: *" + _CLOCK + r")?$", r"^(?P<d>[^日]*日)"),
)
_VOLUME = r"^(?P<i>\d{1,9})(?:\.(?P<f>\d{1,3}))?(?P<u>[A-Za-z]{0,2})$"
"""Volumes read with integer arithmetic (exact: at most 10^12 thousandths times 1024^2); others by parse_volume."""
_BLANK = r"^[ \t]*$"
"""Cells taken as blank here (a subset of what str.strip() empties)."""
_KIND_CODE = {"call": 0, "sms": 1, "data": 2, "other": 3}
_DIRECTION_CODE = {None: 0, "out": 1, "in": 2}


def _or_none(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except _CellError:
        return None


def _day_code(text: str) -> int:
    """Month index * 32 + day of a date cell; -1 when it is not a date."""
    day = _or_none(parse_day, text)
    return -1 if day is None else (day.year * 12 + day.month - 1) * 32 + day.day


def _type_codes(text: str) -> tuple[int, int]:
    kind = _or_none(_word, text, _TYPE_OF, "record type", _TYPE_WORDS)
    if kind is None:
        return -1, 0
    return _KIND_CODE[kind], _DIRECTION_CODE[_CALL_TYPE_OF.get(_key(_norm(text)))]


def _direction_code(text: str) -> int:
    direction = _or_none(_word, text, _DIRECTION_OF, "direction", _DIRECTION_WORDS)
    return -1 if direction is None else _DIRECTION_CODE[direction]


def _roaming_code(text: str) -> int:
    roaming = _or_none(_word, text, _ROAMING_OF, "roaming flag", _ROAMING_WORDS)
    return -1 if roaming is None else int(bool(roaming))


def _unit_factor(written: str, header_unit: str | None) -> int:
    """KB per unit of a volume written with ``written`` ('' for none): -1 for no unit at all, 0 for 'ask parse_volume'."""
    chosen = written or header_unit
    if chosen is None:
        return -1
    try:
        factor = units.KB_PER[units.data_unit(chosen)]
    except units.UnitError:
        return 0
    return factor if factor <= units.KB_PER["GB"] else 0


def _quotes_are_plain(body: str, delimiter: str, pa: Any, pc: Any) -> bool:
    """Whether every line's quotes are ones pyarrow and Python's csv module (strict) read alike.

    That is: a quoted cell is quoted whole and closed on its line; an unquoted cell does not start with a quote.
    """
    d = {"\t": r"\t"}.get(delimiter, delimiter)
    cell = rf'(?:"(?:[^"\r\n]|"")*"|(?:[^"{d}\r\n][^{d}\r\n]*)?)'
    lines = pc.split_pattern(pa.array([body]), "\n").flatten()
    return bool(pc.all(pc.match_substring_regex(lines, rf"^{cell}(?:{d}{cell})*\r?$")).as_py())


def _distinct(values: Any, n: int, np: Any, pc: Any) -> tuple[Any, list[str]]:
    """(index of each row's value into the distinct values, the distinct values); ``None`` is a column of ''."""
    if values is None:
        return np.zeros(n, np.intp), [""]
    encoded = pc.dictionary_encode(values)
    return encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist()


def _day_codes(values: Any, np: Any, pa: Any, pc: Any) -> Any:
    """Month index * 32 + day of every cell of a date column (-1: not a date)."""
    n = len(values)
    code = np.full(n, -1, np.int32)
    todo = np.ones(n, np.bool_)
    for whole, part in _DAY_FORMATS:
        if not todo.any():
            break
        hit = pc.match_substring_regex(values, whole).to_numpy(zero_copy_only=False) & todo
        if hit.any():
            dates = pc.struct_field(pc.extract_regex(values.filter(pa.array(hit)), part), [0])
            idx, distinct = _distinct(dates, 0, np, pc)
            code[hit] = np.array([_day_code(v) for v in distinct], np.int32)[idx]
            todo &= ~hit
    if todo.any():
        idx, distinct = _distinct(values.filter(pa.array(todo)), 0, np, pc)
        code[todo] = np.array([_day_code(v) for v in distinct], np.int32)[idx]
    return code


def _volume_codes(distinct: list[str], header_unit: str | None, np: Any, pa: Any, pc: Any) -> Any:
    """KB of each distinct volume cell (-1: parse_volume refuses it)."""
    values = pa.array(distinct, pa.string())
    kb = np.full(len(distinct), -1, np.int64)
    parts = pc.extract_regex(values, _VOLUME)
    read = parts.is_valid().to_numpy(zero_copy_only=False)
    if read.any():
        got = parts.filter(pa.array(read))
        whole = pc.cast(pc.struct_field(got, [0]), pa.int64()).to_numpy(zero_copy_only=False)
        thousandths = pc.cast(pc.utf8_rpad(pc.struct_field(got, [1]), 3, "0"), pa.int64()).to_numpy(zero_copy_only=False)
        idx, written = _distinct(pc.struct_field(got, [2]), 0, np, pc)
        factor = np.array([_unit_factor(w, header_unit) for w in written], np.int64)[idx]
        scaled = whole * 1000 + thousandths
        value = np.where(factor > 0, -(-(scaled * np.maximum(factor, 0)) // 1000), 0)
        exact = ((factor > 0) | ((factor == -1) & (scaled == 0))) & (value <= MAX_DATA_KB)
        where = np.flatnonzero(read)
        kb[where[exact]] = value[exact]
        read[where[~exact]] = False
    for i in np.flatnonzero(~read).tolist():
        kb[i] = -1 if (v := _or_none(parse_volume, distinct[i], header_unit)) is None else v
    return kb


def _parse_fast(text: str, source: str, call_increment_s: int) -> Records | None:
    """The same result as :func:`_parse_careful`, column by column; None whenever that is not certain.

    Every cell is either read by a vectorised pattern that admits only cells the
    row-by-row functions read the same way, or by those functions themselves once
    per distinct value. A cell they refuse, a row of another width, a quote that
    pyarrow and the csv module might read differently, a month with implausibly
    much data: the answer is None, and the row-by-row reading reports it.
    """
    if call_increment_s <= 0:
        return None
    try:
        head = _head(text, source)
    except DataError:
        return None
    if head is None:
        return None
    layout, problems = _layout(head.cells, head.line, source)
    if problems:
        return None

    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    delimiter = head.delimiter
    if text.find('"', head.end) >= 0 and not _quotes_are_plain(text[head.end:], delimiter, pa, pc):
        return None
    first = next((ln.rstrip("\r\n") for ln in _physical_lines(text, head.end) if ln.rstrip("\r\n")), None)
    if first is None:
        return None
    width, ncols = len(head.cells), len(next(csv.reader([first], delimiter=delimiter)))
    names = [f"c{i}" for i in range(ncols)]
    body = pa.py_buffer(text.encode("utf-8")).slice(len(text[:head.end].encode("utf-8")))
    try:
        table = pacsv.read_csv(
            pa.BufferReader(body),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid:  # a row of another width, mostly
        return None
    del body
    limit = csv.field_size_limit()
    for column in table.columns:
        if column.null_count or (pc.max(pc.binary_length(column)).as_py() or 0) >= limit:
            return None

    def all_blank(columns: Iterable[Any]) -> bool:
        return all(pc.all(pc.match_substring_regex(c, _BLANK)).as_py() is not False for c in columns)

    # rows of blank cells are skipped: a row whose date is blank must be blank throughout
    day_index = layout.columns[layout.day_field].index
    if day_index >= ncols:
        return None  # no row has a date
    blank = pc.match_substring_regex(table.column(day_index), _BLANK)
    if pc.any(blank).as_py():
        if not all_blank(table.filter(blank).columns):
            return None
        table = table.filter(pc.invert(blank))
    n = table.num_rows
    if n == 0 or not all_blank(table.columns[width:]):
        return None
    table = table.combine_chunks()

    def cells(name: str) -> Any:
        col = layout.columns.get(name)
        return None if col is None or col.index >= ncols else table.column(col.index).combine_chunks()

    def codes(name: str, fn: Any, dtype: Any = np.int8) -> Any:
        """fn of every row's cell, computed once per distinct value."""
        idx, distinct = _distinct(cells(name), n, np, pc)
        return np.array([fn(v) for v in distinct], dtype)[idx]

    day_code = _day_codes(cells(layout.day_field), np, pa, pc)
    if (day_code < 0).any():
        return None
    month, day = day_code // 32, day_code % 32

    if "type" in layout.columns:
        idx, distinct = _distinct(cells("type"), n, np, pc)
        both = np.array([_type_codes(v) for v in distinct], np.int8).reshape(-1, 2)
        kind, direction = both[idx, 0], both[idx, 1]
        if (kind < 0).any():
            return None
    else:
        has_d = codes("duration", lambda v: bool(v.strip())) if "duration" in layout.columns else np.zeros(n, int)
        has_v = codes("volume", lambda v: bool(v.strip())) if "volume" in layout.columns else np.zeros(n, int)
        if (has_d == has_v).any():
            return None
        kind, direction = np.where(has_d > 0, 0, 2).astype(np.int8), np.zeros(n, np.int8)
    call, sms, data, other = (kind == 0), (kind == 1), (kind == 2), (kind == 3)

    line_names = [""]
    line = np.zeros(n, np.int32)
    if "line" in layout.columns:
        idx, distinct = _distinct(cells("line"), n, np, pc)
        normalised = [_line_name(v) for v in distinct]
        if "" in normalised:
            return None
        line_names = sorted(set(normalised))
        rank = {name: i for i, name in enumerate(line_names)}
        line = np.array([rank[v] for v in normalised], np.int32)[idx]
    roaming = np.zeros(n, np.bool_)
    if "roaming" in layout.columns:
        flag = codes("roaming", _roaming_code)
        if (flag < 0).any():
            return None
        roaming = flag > 0
    unknown = (call | sms) & (direction == 0)
    assumed_out = 0
    if "direction" in layout.columns:
        said = codes("direction", _direction_code)
        if (unknown & (said < 0)).any():
            return None
        direction = np.where(unknown, said, direction)
    else:
        assumed_out = int(unknown.sum())
        direction = np.where(unknown, 1, direction)
    seconds = np.zeros(n, np.int32)
    if call.any():
        if "duration" not in layout.columns:
            return None
        unit = layout.duration_unit
        seconds = codes("duration", lambda v: -1 if (s := _or_none(parse_duration, v, unit)) is None else s, np.int32)
        if (call & (seconds < 0)).any():
            return None
    kb = np.zeros(n, np.int64)
    if data.any():
        if "volume" not in layout.columns:
            return None
        idx, distinct = _distinct(cells("volume"), n, np, pc)
        kb = _volume_codes(distinct, layout.volume_unit, np, pa, pc)[idx]
        if (data & (kb < 0)).any():
            return None

    # totals per line and month, and per day
    first, last = int(month.min()), int(month.max())
    months = last - first + 1
    cell = line * months + (month - first)
    size = len(line_names) * months
    roaming &= ~other
    billed_call = call & (direction == 1) & ~roaming
    billed_sms = sms & (direction == 1) & ~roaming
    billed_data = data & ~roaming

    def total(bins: Any, amounts: Any, length: int) -> Any:
        if int(amounts.sum()) < 2**53:  # every partial sum is exact in float64
            return np.bincount(bins, weights=amounts, minlength=length).astype(np.int64)
        out = np.zeros(length, np.int64)
        np.add.at(out, bins, amounts)
        return out

    started = -(-seconds[billed_call].astype(np.int64) // call_increment_s)
    data_kb = kb[billed_data]
    sums = {
        "voice_min": total(cell[billed_call], -(-(started * call_increment_s) // 60), size),
        "sms": np.bincount(cell[billed_sms], minlength=size),
        "data_kb": total(cell[billed_data], data_kb, size),
        "records": np.bincount(cell, minlength=size),
        "calls": np.bincount(cell[billed_call], minlength=size),
        "roaming": np.bincount(cell[roaming], minlength=size),
    }
    if (sums["data_kb"] > MAX_DATA_KB).any():
        return None
    daily = total(cell[billed_data].astype(np.int64) * DAYS + day[billed_data] - 1, data_kb, size * DAYS)
    layout.warnings.extend(_left_out(source, assumed_out, int(other.sum()), int(roaming.sum())))
    shape = (len(line_names), months)
    return _assemble(source, layout, first, line_names,
                     {field: values.reshape(shape).tolist() for field, values in sums.items()},
                     daily.reshape(shape + (DAYS,)).tolist())
