"""Cells of itemized records: dates, durations, volumes, words, and the billed minutes of a call.

Each reader raises :class:`~tariffcli.inputs.csvtext.CellError` with a message
that says what to write instead; the row-by-row reader reports it with its line
and column, the column-by-column reader gives up and leaves it to the former.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_CEILING, Decimal

from tariffcli.inputs.csvtext import (
    MAX_YEAR,
    MIN_YEAR,
    MINUTE_UNITS,
    SECOND_UNITS,
    CellError,
    norm,
    parse_number,
    word_key,
)
from tariffcli.inputs.records.model import CALL_INCREMENT_S, MAX_CALL_S
from tariffcli.model import units
from tariffcli.model.limits import MAX_DATA_KB

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
        raise CellError("the date is empty", "bad_date")
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(t)
        if not m:
            continue
        year, month, day = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CellError(f"{t!r} has year {year}; expected a year between {MIN_YEAR} and {MAX_YEAR}", "bad_date")
        try:
            result = date(year, month, day)
        except ValueError:
            raise CellError(f"{t!r} is not a valid date", "bad_date") from None
        clock = m.group("t")
        if clock:
            tm = _TIME.fullmatch(clock)
            h = int((tm.group("h") or tm.group("h2")) if tm else -1)
            mi = int((tm.group("mi") or tm.group("mi2")) if tm else -1)
            s = int((tm.group("s") or tm.group("s2") or 0) if tm else 0)
            if not tm or not (0 <= h <= 23 and 0 <= mi <= 59 and 0 <= s <= 59):
                raise CellError(f"{t!r} has an unreadable time {clock!r}; write e.g. 08:12:33", "bad_date")
        return result
    if _NO_YEAR.fullmatch(t):
        raise CellError(f"{t!r} has no year; write the full date, e.g. 2026-01-05", "bad_date")
    raise CellError(f"{t!r} is not a date; write it as {_DATE_FORMATS}", "bad_date")


_HMS = re.compile(r"(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:\.\d+)?)")
_PARTS = re.compile(
    r"(?:(?P<h>\d+)\s*(?:小时|时|h|hr|hrs|hour|hours))?\s*"
    r"(?:(?P<m>\d+)\s*(?:分钟|分|m|min|mins|minute|minutes)(?![a-z]))?\s*"
    r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:秒钟|秒|s|sec|secs|second|seconds))?",
    re.IGNORECASE,
)


AMBIGUOUS = "ambiguous"
"""The duration unit of a header that names none (``duration``, ``时长``): whole numbers are seconds, a number
with decimals is refused (8.52 is more likely minutes than seconds)."""


def parse_duration_ms(text: str, unit: str | None = None) -> int:
    """Milliseconds of a call, rounded up to a whole millisecond.

    Accepts ``83``, ``83秒``, ``1分23秒``, ``1小时2分``, ``00:01:23``, ``1:23`` and
    ``1m23s``. A bare number is seconds, or minutes when ``unit`` (from the
    header) says so; with ``unit`` :data:`AMBIGUOUS` a bare number with
    decimals is refused, asking for the unit.
    """
    t = unicodedata.normalize("NFKC", text).strip().lower()
    if not t:
        raise CellError("the duration is empty; write 0 for a call that was not answered", "bad_value")
    seconds: Decimal
    m = _HMS.fullmatch(t)
    if m:
        minutes, secs = int(m.group("m")), Decimal(m.group("s"))
        if secs >= 60 or (m.group("h") is not None and minutes >= 60):
            raise CellError(f"{text.strip()!r} is not a duration like 00:01:23", "bad_value")
        seconds = int(m.group("h") or 0) * 3600 + minutes * 60 + secs
    elif re.fullmatch(r"\d+(?:\.\d+)?", t):
        if unit == AMBIGUOUS and "." in t:
            raise CellError(
                f"{text.strip()!r} has decimals but the header gives no unit: minutes or seconds? Name the unit "
                "with --columns duration_min=COLUMN (or duration_sec=COLUMN), or in the header (duration_min, "
                "时长(分钟))", "ambiguous_unit")
        seconds = Decimal(t)
        if unit is not None and unit in MINUTE_UNITS:
            seconds *= 60
    else:
        m = _PARTS.fullmatch(t)
        if not m or not any(m.group(g) for g in ("h", "m", "s")):
            raise CellError(
                f"cannot read {text.strip()!r} as a duration; write seconds (83), 1分23秒 or 00:01:23", "bad_value"
            )
        seconds = int(m.group("h") or 0) * 3600 + int(m.group("m") or 0) * 60 + Decimal(m.group("s") or 0)
    if seconds > MAX_CALL_S:
        raise CellError(f"{text.strip()!r} is longer than a day; check the unit (seconds are expected)", "out_of_range")
    return int((seconds * 1000).to_integral_value(rounding=ROUND_CEILING))


def parse_duration(text: str, unit: str | None = None) -> int:
    """Seconds of a call, rounded up to a whole second (see :func:`parse_duration_ms`)."""
    return -(-parse_duration_ms(text, unit) // 1000)


def billed_minutes(seconds: int, increment_s: int = CALL_INCREMENT_S) -> int:
    """Minutes billed for one call: every started increment counts (61 s -> 2 min at 60 s)."""
    if increment_s <= 0:
        raise ValueError("the call increment must be a positive number of seconds")
    started = -(-seconds // increment_s)
    return -(-(started * increment_s) // 60)


MILLI_B_PER = {"B": 1000, "KB": 1000 * 1024, "MB": 1000 * 1024**2, "GB": 1000 * 1024**3, "TB": 1000 * 1024**4}
"""Thousandths of a byte per data unit: the exact unit of data totals (a volume written with up to three
decimals of a KB, MB or GB, or in whole bytes, is a whole number of them)."""
MILLI_B_PER_KB = MILLI_B_PER["KB"]
_BYTE_WORDS = {"b", "byte", "bytes", "字节"}


def volume_unit(unit: str) -> str:
    """A data unit name as :data:`MILLI_B_PER` spells it (``bytes`` -> ``B``, ``mb`` -> ``MB``)."""
    if unit.strip().lower() in _BYTE_WORDS:
        return "B"
    return units.data_unit(unit)


def parse_volume_exact(text: str, unit: str | None) -> int:
    """Thousandths of a byte of a data session (part rounded up); ``unit`` from the header when the cell has none."""
    value, written = parse_number(text)
    chosen = written or unit
    if chosen is None:
        if value == 0:
            return 0
        raise CellError(
            f"{text.strip()!r} has no unit; write e.g. '{text.strip()}KB' or put the unit in the header (流量(KB))",
            "bad_unit",
        )
    try:
        factor = MILLI_B_PER[volume_unit(chosen)]
    except units.UnitError as exc:
        raise CellError(str(exc), "bad_unit") from None
    exact = int((value * factor).to_integral_value(rounding=ROUND_CEILING))
    if exact > MAX_DATA_KB * MILLI_B_PER_KB:
        kb = -(-exact // MILLI_B_PER_KB)
        raise CellError(f"{units.format_kb(kb)} in one session is implausibly much; check the unit", "out_of_range")
    return exact


def parse_volume(text: str, unit: str | None) -> int:
    """KB of a data session, part-KB rounded up; ``unit`` from the header when the cell has none."""
    return -(-parse_volume_exact(text, unit) // MILLI_B_PER_KB)


def parse_word(text: str, table: Mapping[str, object], what: str, allowed: Iterable[str]) -> object:
    """The entry of ``table`` a word cell names (a record type, a direction...); ``allowed`` is shown otherwise."""
    key = word_key(norm(text))
    if key in table:
        return table[key]
    shown = ", ".join(allowed)
    raise CellError(f"{text.strip()!r} is not a {what}; use one of {shown}", "bad_value")


def check_duration_unit(unit: str | None) -> str | None:
    """The unit of a duration header (seconds or minutes; None: seconds), refused when it is neither."""
    if unit is None or unit == AMBIGUOUS or unit in SECOND_UNITS or unit in MINUTE_UNITS:
        return unit
    raise CellError(f"unit {unit!r} in the header does not fit a duration; use seconds (时长(秒))", "bad_unit")


def check_volume_unit(unit: str | None) -> str | None:
    """The data unit of a volume header (None: in every cell), refused when it is not one."""
    if unit is None:
        return None
    try:
        return volume_unit(unit)
    except units.UnitError as exc:
        raise CellError(str(exc), "bad_unit") from None


def normalise_line(text: str) -> str:
    """A phone number as lines are told apart: full-width digits as ASCII, spaces and hyphens left out."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text))

