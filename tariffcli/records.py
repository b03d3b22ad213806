"""Itemized records (详单): CSV bytes -> per-line monthly and daily totals.

This module never opens a file and never reads the clock: callers pass the
bytes and a name for them (used in every message). It reads the file the way
:mod:`tariffcli.usage` reads a monthly summary, and reuses its helpers: the
same encodings (UTF-8, UTF-8 with a BOM, GB18030/GBK), the same refusal of
Excel/PDF/UTF-16 files, the same CSV dialect sniffing, and every problem
collected and reported with its line and column (up to
:data:`tariffcli.usage.MAX_PROBLEMS`).

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
"""

from __future__ import annotations

import calendar
import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

from . import units
from .errors import DataError, Problem
from .usage import (
    _HEADER_CJK_UNIT,
    _HEADER_PAREN,
    _HEADER_UNIT,
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
)

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
MAX_BYTES = 50_000_000
"""Largest records file read: years of itemized records for a household are a few megabytes."""

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
        """The monthly totals as a :class:`~tariffcli.usage.UsageHistory` (days with data known)."""
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


def split_header(label: str, aliases: Mapping[str, tuple[str, ...]]) -> tuple[str | None, str | None]:
    """(field, unit) of a header such as ``流量(KB)`` or ``duration_s``; field None when unknown."""
    field_of = {_key(_norm(a)): name for name, words in aliases.items() for a in words}
    norm = _norm(label)
    whole = field_of.get(_key(norm))
    if whole:
        return whole, None
    for pattern in (_HEADER_PAREN, _HEADER_UNIT, _HEADER_CJK_UNIT):
        m = pattern.fullmatch(norm)
        if m:
            name = field_of.get(_key(m.group("base")))
            if name:
                return name, m.group("unit").strip()
    return None, None


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


def _header_fields(data: bytes, source: str) -> tuple[str, list[tuple[int, list[str]]]]:
    text = _decode(data, source)
    return text, _records(text, source)


def looks_like_records(data: bytes, source: str) -> bool:
    """Whether the file's header is that of itemized records (it has a date or start-time column)."""
    _, records = _header_fields(data, source)
    if not records:
        return False
    names = {split_header(cell, _ALIASES)[0] for cell in records[0][1]}
    return bool(names & {"date", "start"})


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


def parse_records_csv(data: bytes, source: str, *, call_increment_s: int = CALL_INCREMENT_S) -> Records:
    """Read an itemized-records CSV (bytes) into per-line totals.

    ``source`` names the input in messages. Raises :class:`DataError` listing
    every problem found (``file:line: column: message``).
    """
    if len(data) > MAX_BYTES:
        raise DataError(f"the file is larger than {MAX_BYTES:,} bytes; split it by month", file=source,
                        code="too_large")
    _, rows = _header_fields(data, source)
    if not rows:
        raise DataError("the file is empty; expected a header line such as 'start,type,duration,volume'",
                        file=source, code="empty")
    header_line, header = rows[0]
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
    finish(problems)
    if len(rows) == 1:
        raise DataError("the file has a header but no records; add one row per call, SMS or data session",
                        file=source, line=header_line, code="empty")

    day_field = "date" if "date" in columns else "start"
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
                kind = _word(cell("type"), {**_KIND_OF, **{k: "call" for k in _CALL_TYPE_OF}}, "record type",
                             ("call/通话", "sms/短信", "data/上网", "主叫/被叫"))
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
            line_name = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", cell("line")))
            if not line_name:
                bad("line", _CellError("the number is empty; give the line of every record", "bad_value"))
                ok = False
        roaming = False
        if "roaming" in columns:
            try:
                roaming = bool(_word(cell("roaming"), _ROAMING_OF, "roaming flag", ("yes/是/国际", "no/否/国内")))
            except _CellError as exc:
                bad("roaming", exc)
                ok = False
        seconds = kb = 0
        if kind in ("call", "sms") and direction is None:
            if "direction" in columns:
                try:
                    direction = _word(cell("direction"), _DIRECTION_OF, "direction",
                                      ("outgoing/主叫/发送", "incoming/被叫/接收"))
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
            problems.append(Problem(
                f"{line_name + ': ' if line_name else ''}{_month_text(month)}: {units.format_kb(a.data_kb)} of data "
                "is implausibly much for a month; check the unit",
                file=source, line=None, field=columns["volume"].header if "volume" in columns else "volume",
                code="out_of_range",
            ))
    finish(problems)

    if left_out["assumed_out"]:
        warnings.append(f"{source}: no direction column: every call and SMS is taken as outgoing (an upper bound)")
    if left_out["other"]:
        warnings.append(f"{source}: {left_out['other']} MMS/WLAN/other record(s) left out of the totals")
    if left_out["roaming"]:
        warnings.append(f"{source}: {left_out['roaming']} roaming record(s) left out of the domestic totals")

    first = min(m for _, m in acc)
    last = max(m for _, m in acc)
    month_ids = list(range(first, last + 1))
    months = tuple(_month_text(m) for m in month_ids)
    names = sorted({name for name, _ in acc})
    lines = []
    for name in names:
        per = [acc.get((name, m)) or _Acc() for m in month_ids]
        daily = []
        for m, a in zip(month_ids, per, strict=True):
            n = calendar.monthrange(m // 12, m % 12 + 1)[1]
            daily.append(tuple(a.daily[:n]) + (0,) * (DAYS - n))
        lines.append(LineRecords(
            line=name, months=months,
            voice_min=tuple(a.voice_min for a in per), sms=tuple(a.sms for a in per),
            data_kb=tuple(a.data_kb for a in per), daily_data_kb=tuple(daily),
            records=tuple(a.records for a in per), calls=tuple(a.calls for a in per),
            roaming=tuple(a.roaming for a in per),
        ))
    return Records(source=source, months=months, lines=tuple(lines), has_line_column="line" in columns,
                   warnings=tuple(warnings))
