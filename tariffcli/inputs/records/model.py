"""The result of reading itemized records, and the word tables the readers use.

:class:`Records` holds an itemized-records file totalled per line; each
:class:`LineRecords` holds one line's monthly totals and daily data. The tables
say which headers (:data:`ALIASES`) and which cell words (record types,
directions, roaming flags) are understood, in English and Chinese.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tariffcli.inputs.csvtext import norm, word_key
from tariffcli.inputs.usage import UsageHistory

CALL_INCREMENT_S = 60
"""Calls are billed per started minute (不足1分钟按1分钟): the increment every plan in the model uses."""
MAX_CALL_S = 24 * 60 * 60
"""A single call longer than a day is a typo or a wrong unit."""
DAYS = 31
"""Length of each month's row in :attr:`LineRecords.daily_data_kb` (zeros past a month's end)."""

ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("date", "day", "日期", "通话日期", "上网日期", "发送日期", "起始日期", "记录日期", "call_date",
             "session_date", "message_date", "sms_date", "data_date", "record_date", "usage_date"),
    "start": (
        "start", "start_time", "time", "datetime", "timestamp", "begin", "起始时间", "开始时间",
        "通话起始时间", "时间", "通话时间", "上网时间", "发送时间", "通信时间", "上网起始时间", "call_start",
        "session_start", "message_time", "sent_at", "started_at",
    ),
    "type": ("type", "kind", "record_type", "service", "类型", "业务类型", "通信类型", "记录类型", "业务名称"),
    "direction": ("direction", "call_type", "呼叫类型", "主被叫", "主叫被叫", "收发类型", "通话方式", "呼叫方式", "方向"),
    "duration": ("duration", "时长", "通话时长", "通信时长", "通话时间长度", "call_duration", "talk_time"),
    "volume": ("volume", "data", "流量", "上网流量", "数据流量", "总流量", "使用流量", "通信流量", "data_used",
               "usage"),
    "roaming": ("roaming", "漫游", "漫游类型", "漫游状态"),
    "line": ("line", "number", "phone", "msisdn", "号码", "手机号码", "本机号码", "用户号码", "手机号", "服务号码",
             "user_id", "user", "subscriber", "subscriber_id", "customer_id", "用户", "用户id", "用户编号"),
    "unit": ("unit", "units", "data_unit", "volume_unit", "单位", "流量单位"),
}
"""Headers understood, by field (the bill reader shares the ``line`` entry)."""

UNIT_HEADERS: dict[str, tuple[str, str]] = {
    "mb_used": ("volume", "MB"), "kb_used": ("volume", "KB"), "gb_used": ("volume", "GB"),
    "bytes": ("volume", "B"), "bytes_used": ("volume", "B"), "total_bytes": ("volume", "B"),
    "data_bytes": ("volume", "B"), "字节": ("volume", "B"),
    "seconds": ("duration", "s"), "minutes": ("duration", "min"), "duration_minutes": ("duration", "min"),
    "duration_seconds": ("duration", "s"),
}
"""Headers (normalised) that name a field and its unit in one word: ``mb_used`` is a volume in MB."""
FIELD_WORDS: dict[str, str] = {
    "subscriber": "line", "msisdn": "line", "user": "line", "time": "start", "start_time": "start",
    "datetime": "start", "kind": "type", "record_type": "type", "minutes": "duration", "seconds": "duration",
    "data": "volume", "bytes": "volume",
}
"""Other names of the fields accepted on the left of ``--columns NAME=COLUMN``."""

KINDS: dict[str, tuple[str, ...]] = {
    "call": ("call", "calls", "voice", "voice call", "通话", "语音", "电话", "语音通话", "国内通话", "本地通话", "长途通话"),
    "sms": ("sms", "text", "message", "短信", "短消息", "点对点短信", "国内短信"),
    "data": ("data", "gprs", "internet", "mobile data", "上网", "流量", "数据", "数据业务", "上网流量", "4g上网",
             "5g上网", "移动数据", "数据流量", "gprs上网", "gprs流量", "手机上网", "国内上网", "国内流量"),
    "other": ("mms", "彩信", "wlan", "其他", "other"),
}
DIRECTIONS: dict[str, tuple[str, ...]] = {
    "out": ("out", "outgoing", "mo", "caller", "sent", "forwarded", "主叫", "呼出", "拨出", "发送", "发出", "呼转", "转接"),
    "in": ("in", "incoming", "mt", "callee", "received", "被叫", "呼入", "接听", "接收", "来电"),
}
ROAMING: dict[bool, tuple[str, ...]] = {
    True: ("yes", "y", "true", "1", "是", "国际", "国际漫游", "境外", "international", "abroad", "roaming", "漫游"),
    False: ("no", "n", "false", "0", "否", "", "本地", "国内", "国内漫游", "省内", "省际", "省内漫游", "省际漫游",
            "local", "domestic", "非漫游", "无"),
}



def _lookup(table: Mapping[Any, tuple[str, ...]]) -> dict[str, Any]:
    """Each word of ``table`` (by its lookup key) -> the entry it belongs to."""
    return {word_key(norm(word)): name for name, words in table.items() for word in words}


KIND_OF = _lookup(KINDS)
DIRECTION_OF = _lookup(DIRECTIONS)
ROAMING_OF = _lookup(ROAMING)
CALL_TYPE_OF = _lookup({"out": ("主叫", "呼出", "呼转"), "in": ("被叫", "呼入")})
"""Values of a type column that mean a call and give its direction."""
TYPE_OF = {**KIND_OF, **{k: "call" for k in CALL_TYPE_OF}}
TYPE_WORDS = ("call/通话", "sms/短信", "data/上网", "主叫/被叫")
ROAMING_WORDS = ("yes/是/国际", "no/否/国内")
DIRECTION_WORDS = ("outgoing/主叫/发送", "incoming/被叫/接收")
"""What a cell of each kind may hold, for messages."""


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
    voice_ms: tuple[int, ...] = ()
    """Outgoing domestic call time, exact: milliseconds, no rounding (each call's part-millisecond rounded up)."""
    data_milli_b: tuple[int, ...] = ()
    """Domestic data, exact: thousandths of a byte, no rounding (see :data:`.cells.MILLI_B_PER`)."""
    voice_min_month: tuple[int, ...] = ()
    """Outgoing domestic minutes with the month's total call time rounded up once (plans that round per month)."""
    data_kb_month: tuple[int, ...] = ()
    """Domestic data, KB, the month's exact total rounded up once (plans that round the month's total)."""

    @property
    def data_days(self) -> tuple[int, ...]:
        """Days with data use in each month."""
        return tuple(sum(1 for kb in days if kb) for days in self.daily_data_kb)

    def history(self, source: str, *, data: str = "session", calls: str = "call") -> UsageHistory:
        """The monthly totals as a :class:`~tariffcli.inputs.usage.UsageHistory` (days with data known).

        ``data`` is where data is rounded up to a KB: ``session`` (each session, :attr:`data_kb`) or ``month``
        (the month's total, :attr:`data_kb_month`); ``calls`` where call time is rounded up to the billing
        increment: ``call`` (each call, :attr:`voice_min`) or ``month`` (:attr:`voice_min_month`).
        """
        return UsageHistory(
            source=source,
            months=self.months,
            voice_min=self.voice_min_month if calls == "month" else self.voice_min,
            sms=self.sms,
            data_kb=self.data_kb_month if data == "month" else self.data_kb,
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
    first_day: date | None = None
    """The day of the first record (any kind)."""
    last_day: date | None = None
    """The day of the last record (any kind)."""
    columns: tuple[str, ...] = ()
    """The headers of the columns read, as written."""

    def line(self, name: str) -> LineRecords | None:
        """The records of line ``name``, or None when the file has none."""
        for lr in self.lines:
            if lr.line == name:
                return lr
        return None
