"""Monthly usage summaries: CSV bytes -> an immutable, checked :class:`UsageHistory`.

This module never opens a file: callers pass the bytes and a name for them
(the name is used in every message). Decoding, splitting into records and
the cell readers it shares with the other readers are in
:mod:`tariffcli.inputs.csvtext`. pandas is imported only inside
:meth:`UsageHistory.frame`, so importing this module stays cheap.

The CSV has one row per month and a header line. What it accepts:

* **Encodings:** UTF-8, UTF-8 with a BOM, GB18030 (which includes GBK and
  GB2312), tried in that order and strictly. Excel, HTML, XML, PDF and UTF-16
  files, and files with NUL bytes, are refused with a message saying what to do.
* **Headers** (case and surrounding spaces ignored, full-width characters read
  as their ASCII forms):

  ==========  =========================================================
  month       month, 月份, 月, 账期 (required)
  voice       voice_min, voice, minutes, 通话分钟, 通话时长, 语音分钟 (required)
  sms         sms, 短信, 短信条数 (required)
  data        data, 流量, 数据流量 (required), unit in the header
              (data_mb, 流量(MB), 流量/MB) or in every cell (1.5 GB, 300MB)
  app_data    app_data, 定向流量 (optional), unit as for data
  data_days   data_days, days_with_data, 上网天数 (optional)
  ==========  =========================================================

  Any other column is ignored with a warning (see :attr:`UsageHistory.warnings`).
* **Months:** 2025-03, 2025/03, 202503, 2025年3月, 2025-03-01 (a date: its month).
  Rows may come in any order; they are sorted. A month may appear once, and
  months may not be skipped (write a row of zeros for a month without usage).
* **Values:** voice minutes are non-negative numbers and a fractional minute is
  rounded UP to a whole minute (operators bill every started minute); SMS are
  whole numbers; data is rounded up to a whole KB (1 GB = 1024 MB = 1,048,576 KB).
  A bare data number needs a unit in the header; a bare ``0`` is accepted
  anywhere because it means the same in every unit. Empty cells are errors in
  the required columns; in the optional columns an empty cell means 0 app data
  or "days not given".
* **Bounds:** voice at most 44,640 minutes (31 days) a month, SMS at most
  100,000, data and app data at most 1,000,000 MB, data days at most the days
  in that month, and not 0 in a month with data use.

Every problem in the file is collected and reported in one :class:`DataError`
(``file:line: column: message``, the header being line 1), up to
:data:`MAX_PROBLEMS` of them.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, localcontext
from typing import TYPE_CHECKING

from tariffcli.inputs.csvtext import (
    MAX_PROBLEMS,
    MAX_WARNINGS,
    MINUTE_UNITS,
    SECOND_UNITS,
    CellError,
    Column,
    cap_warnings,
    cell_message,
    decode,
    month_text,
    norm,
    parse_month_cell,
    parse_number,
    raise_problems,
    split_header,
    split_records,
    word_key,
)
from tariffcli.model import units
from tariffcli.model.errors import DataError, Problem
from tariffcli.model.limits import MAX_DATA_KB, MAX_SMS, MAX_VOICE_MIN

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["MAX_PROBLEMS", "UsageHistory", "parse_usage_csv"]

MAX_BYTES = 2_000_000
"""A usage file larger than this is refused unread: a monthly summary is a few kilobytes."""
MAX_CELL = 100
"""A cell longer than this (in characters) is refused before it is read as a number or a month."""
FIELDS = ("month", "voice_min", "sms", "data_kb", "app_data_kb", "data_days")
REQUIRED = ("month", "voice_min", "sms", "data_kb")

_LABEL = {
    "month": "month",
    "voice_min": "voice minutes",
    "sms": "SMS",
    "data_kb": "data",
    "app_data_kb": "app data",
    "data_days": "days with data",
}
_EXAMPLE_HEADER = "month,voice_min,sms,data_mb"

_ALIASES: dict[str, tuple[str, ...]] = {
    "month": ("month", "月份", "月", "账期", "billing_month", "账单月份", "计费月份", "年月"),
    "voice_min": (
        "voice_min",
        "voice",
        "minutes",
        "voice_minutes",
        "call_minutes",
        "mins",
        "通话分钟",
        "通话时长",
        "语音分钟",
        "通话",
        "语音",
    ),
    "sms": ("sms", "短信", "短信条数", "sms_count", "messages", "texts", "短信数"),
    "data_kb": ("data", "流量", "数据流量", "mobile_data", "上网流量", "通用流量"),
    "app_data_kb": ("app_data", "定向流量", "app_specific_data", "app_data_used"),
    "data_days": ("data_days", "上网天数", "days_with_data", "data_use_days"),
}
_FIELD_OF = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}

_SMS_UNITS = {"sms", "条", "msg", "msgs", "messages", "count"}
_DAY_UNITS = {"天", "日", "day", "days", "d"}

# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class UsageHistory:
    """A line's usage, one entry per calendar month, months contiguous and ascending.

    All per-month tuples have the same length as :attr:`months`. Build one with
    :func:`parse_usage_csv` or :meth:`from_rows`; both check the values.
    """

    source: str
    """Where the usage came from (a file name, or ``<memory>``)."""
    months: tuple[str, ...]
    """Calendar months as ``YYYY-MM``, ascending, without gaps."""
    voice_min: tuple[int, ...]
    """Outgoing voice minutes billed in each month (whole minutes)."""
    sms: tuple[int, ...]
    """SMS sent in each month."""
    data_kb: tuple[int, ...]
    """General (通用) data used in each month, in KB."""
    app_data_kb: tuple[int, ...]
    """App-specific (定向) data in each month, in KB; 0 when the input does not separate it."""
    data_days: tuple[int | None, ...]
    """Days with data use in each month; None where not given."""
    warnings: tuple[str, ...] = ()
    """Things in the input that were ignored (e.g. unknown columns), as ``file:line: message``."""
    lines: tuple[int, ...] = ()
    """The line in :attr:`source` each month was read from; empty when built in memory."""

    def __post_init__(self) -> None:
        n = len(self.months)
        for name in ("voice_min", "sms", "data_kb", "app_data_kb", "data_days"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"UsageHistory.{name} has {len(getattr(self, name))} entries for {n} months")
        if self.lines and len(self.lines) != n:
            raise ValueError(f"UsageHistory.lines has {len(self.lines)} entries for {n} months")
        for a, b in zip(self.months, self.months[1:], strict=False):
            if _month_index(b) != _month_index(a) + 1:
                raise ValueError(f"UsageHistory.months must be contiguous and ascending: {a} is followed by {b}")

    @classmethod
    def from_rows(
        cls,
        months: Sequence[object],
        voice_min: Sequence[int],
        sms: Sequence[int],
        data_kb: Sequence[int | str],
        app_data_kb: Sequence[int | str] | None = None,
        data_days: Sequence[int | None] | None = None,
        source: str = "<memory>",
    ) -> UsageHistory:
        """Build a history from Python values, with the same checks as a CSV file.

        ``months`` are strings in any accepted month format (or dates); rows are
        sorted by month. Data is KB as an int, or a string with a unit ('1.5 GB').
        Raises :class:`DataError` naming the row (1-based) of each problem.
        """
        n = len(months)
        columns: dict[str, Sequence[object]] = {"voice_min": voice_min, "sms": sms, "data_kb": data_kb}
        if app_data_kb is not None:
            columns["app_data_kb"] = app_data_kb
        if data_days is not None:
            columns["data_days"] = data_days
        for name, values in columns.items():
            if len(values) != n:
                raise ValueError(f"{name} has {len(values)} values for {n} months")
        rows: list[_Row] = []
        problems: list[Problem] = []
        for i in range(n):
            row = _Row(line=None, where=f"row {i + 1}")
            cells: dict[str, object] = {"month": months[i], **{k: v[i] for k, v in columns.items()}}
            for name, value in cells.items():
                try:
                    setattr(row, name, _python_value(name, value))
                except CellError as exc:
                    problems.append(_problem(row, source, name, exc.message, exc.code))
            rows.append(row)
        return _build(rows, source, {name: name for name in FIELDS}, problems, warnings=[], lines=False)

    def frame(self) -> pd.DataFrame:
        """The usage as a DataFrame indexed by month (``period[M]``).

        Columns ``voice_min``, ``sms``, ``data_kb``, ``app_data_kb`` are int64;
        ``data_days`` is the nullable ``Int64``.
        """
        import pandas as pd

        index = pd.PeriodIndex(list(self.months), freq="M", name="month")
        return pd.DataFrame(
            {
                "voice_min": pd.Series(self.voice_min, index=index, dtype="int64"),
                "sms": pd.Series(self.sms, index=index, dtype="int64"),
                "data_kb": pd.Series(self.data_kb, index=index, dtype="int64"),
                "app_data_kb": pd.Series(self.app_data_kb, index=index, dtype="int64"),
                "data_days": pd.Series(pd.array(list(self.data_days), dtype="Int64"), index=index),
            },
            index=index,
        )


# ---------------------------------------------------------------- reading CSV


def parse_usage_csv(data: bytes, source: str) -> UsageHistory:
    """Read a monthly usage summary CSV (bytes) into a :class:`UsageHistory`.

    ``source`` names the input in messages (usually the file path).
    Raises :class:`DataError` listing every problem found.
    """
    if len(data) > MAX_BYTES:
        raise DataError(
            f"the file is larger than {MAX_BYTES:,} bytes; a monthly usage summary is a few kilobytes",
            file=source,
            code="too_large",
        )
    text = decode(data, source)
    records = split_records(text, source)
    if not records:
        raise DataError(
            f"the file is empty; expected a header line such as '{_EXAMPLE_HEADER}' and one row per month",
            file=source,
            code="empty",
        )
    header_line, header = records[0]
    columns, header_problems, warnings = _read_header(header, header_line, source)
    if header_problems:
        raise DataError(header_problems)
    if len(records) == 1:
        raise DataError(
            "the file has a header but no rows; add one row per month",
            file=source,
            line=header_line,
            code="empty",
        )
    width = len(header)
    problems: list[Problem] = []
    rows: list[_Row] = []
    for line, cells in records[1:]:
        row = _Row(line=line, where=f"line {line}")
        rows.append(row)
        extra = [c for c in cells[width:] if c.strip()]
        if extra:
            problems.append(
                Problem(
                    f"the row has {len(cells)} cells but the header has {width}; "
                    "a decimal comma (1,5) splits a cell: write 1.5, or quote the cell",
                    file=source,
                    line=line,
                    code="bad_value",
                )
            )
        for name, col in columns.items():
            if extra and name != "month":
                continue
            cell = cells[col.index] if col.index < len(cells) else ""
            try:
                setattr(row, name, _cell_value(name, cell, col.unit))
            except CellError as exc:
                problems.append(_problem(row, source, col.header, exc.message, exc.code))
    headers = {name: col.header for name, col in columns.items()}
    return _build(rows, source, headers, problems, warnings, lines=True)


def _check_header_unit(name: str, unit: str) -> str | None:
    """The unit to use for the column's cells; raise CellError if it does not fit."""
    if name == "month":
        return None
    if name in ("data_kb", "app_data_kb"):
        try:
            return units.data_unit(unit)
        except units.UnitError as exc:
            raise CellError(str(exc), "bad_unit") from None
    if name == "voice_min":
        if unit in SECOND_UNITS:
            raise CellError(
                "voice is given in seconds; give whole minutes per month (e.g. header voice_min)", "bad_unit"
            )
        allowed = MINUTE_UNITS
    elif name == "sms":
        allowed = _SMS_UNITS
    else:
        allowed = _DAY_UNITS
    if unit not in allowed:
        raise CellError(f"unit {unit!r} does not fit a column of {_LABEL[name]}", "bad_unit")
    return None


def _read_header(header: list[str], line: int, source: str) -> tuple[dict[str, Column], list[Problem], list[str]]:
    columns: dict[str, Column] = {}
    problems: list[Problem] = []
    warnings: list[str] = []
    unknown: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(header):
        label = raw.strip().lstrip("\ufeff").strip()
        if not label:
            continue
        name, unit = split_header(label, _ALIASES)
        if name is None:
            unknown.append(label)
            hint = _suggest(norm(label)) if len(warnings) < MAX_WARNINGS else ""  # only for the warnings shown
            warnings.append(f"{source}:{line}: column {label!r} is not a usage column and was ignored{hint}")
            continue
        seen.add(name)
        if name in columns:
            problems.append(
                Problem(
                    f"columns {columns[name].header!r} and {label!r} both give {_LABEL[name]}; keep one of them",
                    file=source,
                    line=line,
                    field=label,
                    code="duplicate_column",
                )
            )
            continue
        try:
            cell_unit = _check_header_unit(name, unit) if unit is not None else None
        except CellError as exc:
            problems.append(Problem(cell_message(exc.message, label), file=source, line=line, field=label, code=exc.code))
            continue
        columns[name] = Column(index, label, cell_unit)
    found = ", ".join(repr(h.strip()) for h in header if h.strip()) or "none"
    for name in REQUIRED:
        if name in seen:
            continue
        maybe = [u for u in unknown if _suggest(norm(u), only=name)]
        hint = f"; is {maybe[0]!r} meant to be it? rename it to '{_ALIASES[name][0]}'" if maybe else ""
        examples = (
            "data_mb, data_gb, 流量(MB), or data with a unit in every cell"
            if name == "data_kb"
            else ", ".join(_ALIASES[name][:4])
        )
        problems.append(
            Problem(
                f"no {_LABEL[name]} column: add one with a header such as {examples} (headers found: {found}){hint}",
                file=source,
                line=line,
                field=name,
                code="missing_column",
            )
        )
    return columns, problems, cap_warnings(warnings, source)


def _suggest(normal: str, only: str | None = None) -> str:
    """' (did you mean ...?)' for a header ``normal`` (normalised) close to an alias of ``only`` (or any field)."""
    aliases = [a for a, n in _FIELD_OF.items() if only in (None, n)]
    close = difflib.get_close_matches(word_key(normal), aliases, n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


# ---------------------------------------------------------------- cells


@dataclass
class _Row:
    line: int | None
    where: str
    month: int | None = None
    """Months since year 0 (year * 12 + month - 1), None when unreadable."""
    voice_min: int | None = None
    sms: int | None = None
    data_kb: int | None = None
    app_data_kb: int | None = 0
    data_days: int | None = None


def _problem(row: _Row, source: str, header: str, message: str, code: str) -> Problem:
    """A problem in one cell: ``file:line: header: message``, or ``file: row N: header: message`` in memory."""
    message = f"{row.where}: {header}: {message}" if row.line is None else cell_message(message, header)
    return Problem(message, file=source, line=row.line, field=header, code=code)


def _whole(value: Decimal, text: str, what: str) -> int:
    if value != value.to_integral_value():
        raise CellError(f"{text.strip()!r} is not a whole number of {what}", "bad_value")
    return int(value)


def _cell_value(name: str, text: str, unit: str | None) -> int | None:
    """Read one cell of column ``name``; ``unit`` is the unit from the header, if any."""
    if len(text) > MAX_CELL:
        raise CellError(f"the cell holds {len(text):,} characters: too long for a usage figure or a month", "bad_value")
    if name == "month":
        return parse_month_cell(text)
    if name == "app_data_kb" and not text.strip():
        return 0
    if name == "data_days" and not text.strip():
        return None
    value, written_unit = parse_number(text)
    cell_unit = written_unit.lower() if written_unit else None
    if name in ("data_kb", "app_data_kb"):
        unit = written_unit or unit
        if unit is None:
            if value == 0:
                return 0
            raise CellError(
                f"{text.strip()!r} has no unit; write e.g. '{text.strip()} MB' in the cell, "
                "or put the unit in the header (data_mb, 流量(MB))",
                "bad_unit",
            )
        try:
            unit = units.data_unit(unit)
        except units.UnitError as exc:
            raise CellError(str(exc), "bad_unit") from None
        try:
            with localcontext() as ctx:
                ctx.prec = 2 * MAX_CELL  # exact: at most MAX_CELL digits times KB per unit
                return units.parse_data_kb(value, default_unit=unit, exact=False)
        except units.UnitError as exc:  # pragma: no cover - checked above
            raise CellError(str(exc), "bad_value") from None
    if name == "voice_min":
        if cell_unit in SECOND_UNITS:
            raise CellError(f"{text.strip()!r} is in seconds; give minutes", "bad_unit")
        if cell_unit is not None and cell_unit not in MINUTE_UNITS:
            raise CellError(
                f"unknown voice unit {written_unit!r} in {text.strip()!r}; give minutes, e.g. '30' or '30 min'",
                "bad_unit",
            )
        return int(value.to_integral_value(rounding=ROUND_CEILING))
    if name == "sms":
        if cell_unit is not None and cell_unit not in _SMS_UNITS:
            raise CellError(
                f"unknown unit {written_unit!r} in {text.strip()!r}; give a number of messages", "bad_unit"
            )
        return _whole(value, text, "messages")
    # data_days
    if cell_unit is not None and cell_unit not in _DAY_UNITS:
        raise CellError(f"unknown unit {written_unit!r} in {text.strip()!r}; give a number of days", "bad_unit")
    return _whole(value, text, "days")


def _python_value(name: str, value: object) -> int | None:
    """A value given to :meth:`UsageHistory.from_rows`."""
    if name == "month":
        if isinstance(value, str):
            return parse_month_cell(value)
        year, month = getattr(value, "year", None), getattr(value, "month", None)
        if isinstance(year, int) and isinstance(month, int) and 1 <= month <= 12:
            return year * 12 + month - 1
        raise CellError(f"{value!r} is not a month; give 'YYYY-MM'", "bad_month")
    if value is None and name == "data_days":
        return None
    if isinstance(value, str):
        return _cell_value(name, value, None)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CellError(f"{value!r} is not a whole number", "bad_value")
    if value < 0:
        raise CellError(f"{value!r} is negative", "bad_value")
    return value


def _month_index(text: str) -> int:
    m = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"UsageHistory.months holds {text!r}; months are written YYYY-MM")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


# ---------------------------------------------------------------- checks


def _range_problems(row: _Row, source: str, headers: dict[str, str]) -> Iterable[Problem]:
    def out(name: str, message: str) -> Problem:
        return _problem(row, source, headers.get(name, name), message, "out_of_range")

    if row.voice_min is not None and row.voice_min > MAX_VOICE_MIN:
        yield out("voice_min", f"{row.voice_min} minutes is more than a month has ({MAX_VOICE_MIN} in 31 days)")
    if row.sms is not None and row.sms > MAX_SMS:
        yield out("sms", f"{row.sms} SMS is implausibly many for a month (at most {MAX_SMS:,})")
    for name in ("data_kb", "app_data_kb"):
        kb = getattr(row, name)
        if kb is not None and kb > MAX_DATA_KB:
            yield out(
                name, f"{units.format_kb(kb)} is implausibly much for a month (at most 1,000,000 MB); check the unit"
            )
    if row.data_days is not None:
        if row.month is not None:
            days = calendar.monthrange(row.month // 12, row.month % 12 + 1)[1]
            if row.data_days > days:
                yield out("data_days", f"{row.data_days} days with data, but {month_text(row.month)} has {days} days")
        used = (row.data_kb or 0) + (row.app_data_kb or 0)
        if row.data_days == 0 and used > 0:
            yield out("data_days", f"0 days with data, but {units.format_kb(used)} of data was used")


def _build(
    rows: list[_Row],
    source: str,
    headers: dict[str, str],
    problems: list[Problem],
    warnings: list[str],
    *,
    lines: bool,
) -> UsageHistory:
    if not rows and not problems:
        raise DataError("no months given; give at least one month of usage", file=source, code="empty")
    for row in rows:
        problems.extend(_range_problems(row, source, headers))
    month_header = headers["month"]
    dated = sorted((r for r in rows if r.month is not None), key=lambda r: (r.month, r.line or 0))
    all_dated = len(dated) == len(rows)

    def at(row: _Row) -> str:
        return row.where

    i = 0
    while i < len(dated):
        j = i
        while j + 1 < len(dated) and dated[j + 1].month == dated[i].month:
            j += 1
        if j > i:
            same = dated[i : j + 1]
            places = ", ".join(at(r) for r in same[:-1]) + " and " + at(same[-1])
            count = "twice" if len(same) == 2 else f"{len(same)} times"
            problems.append(
                Problem(
                    f"month {month_text(same[0].month or 0)} appears {count}: {places}; keep one row per month",
                    file=source,
                    line=same[1].line,
                    field=month_header,
                    code="duplicate_month",
                )
            )
        i = j + 1
    if all_dated:
        firsts = [r for k, r in enumerate(dated) if k == 0 or dated[k - 1].month != r.month]
        for a, b in zip(firsts, firsts[1:], strict=False):
            if a.month is None or b.month is None:  # pragma: no cover - filtered above
                continue
            missing = list(range(a.month + 1, b.month))
            if not missing:
                continue
            if len(missing) <= 6:
                names = ", ".join(month_text(m) for m in missing)
            else:
                names = f"{month_text(missing[0])} to {month_text(missing[-1])} ({len(missing)} months)"
            what = f"month {names} is" if len(missing) == 1 else f"months {names} are"
            problems.append(
                Problem(
                    f"{what} missing between {at(a)} and {at(b)}; add rows with zeros if there was no usage",
                    file=source,
                    line=b.line,
                    field=month_header,
                    code="month_gap",
                )
            )
    raise_problems(problems)
    return UsageHistory(
        source=source,
        months=tuple(month_text(r.month or 0) for r in dated),
        voice_min=tuple(r.voice_min or 0 for r in dated),
        sms=tuple(r.sms or 0 for r in dated),
        data_kb=tuple(r.data_kb or 0 for r in dated),
        app_data_kb=tuple(r.app_data_kb or 0 for r in dated),
        data_days=tuple(r.data_days for r in dated),
        warnings=tuple(warnings),
        lines=tuple(r.line for r in dated if r.line is not None) if lines else (),
    )
