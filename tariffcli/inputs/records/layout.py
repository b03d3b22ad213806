"""What the header of an itemized-records file says, and how the readers' totals become :class:`Records`.

Both readers (row by row in :mod:`.careful`, column by column in :mod:`.fast`)
start from :func:`read_head` and :func:`read_layout` and end with
:func:`assemble`, so they agree on columns, units, warnings and the result's shape.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from tariffcli.inputs.csvtext import (
    CellError,
    Column,
    cell_problem,
    decode,
    missing_column,
    month_text,
    norm,
    numbered_rows,
    read_header,
    sniff_delimiter,
    split_header,
    word_key,
)
from tariffcli.inputs.records.cells import (
    AMBIGUOUS,
    MILLI_B_PER_KB,
    billed_minutes,
    check_duration_unit,
    check_volume_unit,
)
from tariffcli.inputs.records.model import ALIASES, DAYS, UNIT_HEADERS, LineRecords, Records
from tariffcli.model.errors import DataError, Problem
from tariffcli.model.limits import MAX_RECORD_LINE_MONTHS, MAX_RECORD_LINES, MAX_RECORD_MONTHS


@dataclass(frozen=True)
class Head:
    """The header record of a file, read the way :func:`~tariffcli.inputs.csvtext.split_records` reads it."""

    delimiter: str
    line: int
    cells: list[str]
    end: int
    """Where the text after the header record starts."""


_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
"""A line with its end, as ``io.StringIO(text, newline="")`` yields them (and the csv module reads them)."""


def physical_lines(text: str, start: int = 0) -> Iterator[str]:
    """The lines of ``text`` from ``start``, each with its end (see :data:`_PHYSICAL_LINE`)."""
    return (m.group() for m in _PHYSICAL_LINE.finditer(text, start))


def read_head(text: str, source: str) -> Head | None:
    """The first non-blank record (same delimiter, line number and errors as ``split_records``), reading no further.

    None when the text has no non-blank record.
    """
    delimiter = sniff_delimiter(physical_lines(text))
    consumed = 0

    def counted() -> Iterator[str]:
        nonlocal consumed
        for ln in physical_lines(text):
            consumed += len(ln)
            yield ln

    for start, cells in numbered_rows(counted(), delimiter, source):  # errors at their line, as split_records
        return Head(delimiter, start, cells, consumed)
    return None


def looks_like_records(data: bytes, source: str) -> bool:
    """Whether the file's header is that of itemized records (it has a date or start-time column).

    Only the header line is parsed, from the file's first 64 KiB (whole lines) when it is there: a problem
    further down is for the parser that reads the file.
    """
    cut = data.rfind(b"\n", 0, 1 << 16) + 1 if len(data) > 1 << 16 else 0
    head = read_head(decode(data[:cut], source), source) if cut else None
    if head is None:
        head = read_head(decode(data, source), source)
    if head is None:
        return False
    names = {split_header(cell, ALIASES)[0] for cell in head.cells}
    return bool(names & {"date", "start"})


@dataclass
class Layout:
    """What the header says: the columns, the warnings so far, and the units of durations and volumes."""

    columns: dict[str, Column]
    warnings: list[str]
    duration_unit: str | None
    volume_unit: str | None

    @property
    def day_field(self) -> str:
        """The column that gives each record's day: ``date`` when there is one, else ``start``."""
        return "date" if "date" in self.columns else "start"


ColumnMap = Mapping[str, tuple[str, str | None]]
"""A header (as :func:`~tariffcli.inputs.csvtext.norm` gives it) -> (field, unit or None): ``--columns`` mappings."""


def _relabel(header: Sequence[str], mapping: ColumnMap | None) -> list[str]:
    """The header with mapped and one-word-with-unit headers (``mb_used``) written as the reader's own names."""
    out = []
    for raw in header:
        key = norm(raw.strip().lstrip("\ufeff"))
        hit = (mapping or {}).get(key) or UNIT_HEADERS.get(word_key(key))
        if hit is None:
            out.append(raw)
        else:
            out.append(f"{hit[0]}({hit[1]})" if hit[1] else hit[0])
    return out


def read_layout(header: Sequence[str], header_line: int, source: str,
                mapping: ColumnMap | None = None) -> tuple[Layout, list[Problem]]:
    """The layout of a header line, and its problems (missing columns, units that do not fit).

    ``mapping`` (from ``--columns``) names the field of other headers. Without a type
    column, a file with a duration column holds calls, one with a volume column data
    sessions, one with neither SMS (said in a warning).
    """
    labels = _relabel(header, mapping)
    columns, problems, warnings = read_header(labels, header_line, source, ALIASES, "an itemized-records")
    columns = {name: Column(c.index, header[c.index].strip().lstrip("\ufeff").strip(), c.unit)
               for name, c in columns.items()}
    if "date" not in columns and "start" not in columns:
        problems.append(missing_column("start", ALIASES, header, header_line, source,
                                       "start, 起始时间, 通话时间, date or 日期"))
    elif not {"type", "duration", "volume"} & set(columns):
        warnings.append(f"{source}: no type, duration or volume column: every row is taken as an outgoing SMS")
    try:
        duration_unit = None
        if "duration" in columns:
            duration_unit = check_duration_unit(columns["duration"].unit or AMBIGUOUS)
    except CellError as exc:
        problems.append(cell_problem(source, header_line, columns["duration"].header, exc))
        duration_unit = None
    try:
        volume_unit = check_volume_unit(columns["volume"].unit) if "volume" in columns else None
    except CellError as exc:
        problems.append(cell_problem(source, header_line, columns["volume"].header, exc))
        volume_unit = None
    return Layout(columns, warnings, duration_unit, volume_unit), problems


def partial_month_warnings(source: str, first: date, last: date) -> list[str]:
    """Warnings when the records start after the first day of their first month or end before the last day of
    their last: that month's totals understate a full month."""
    warnings = []
    if first.day != 1:
        warnings.append(f"{source}: the records start on {first.isoformat()}, not on the 1st: {first:%Y-%m} is "
                        "partial and its totals understate a full month")
    if last.day != calendar.monthrange(last.year, last.month)[1]:
        warnings.append(f"{source}: the records end on {last.isoformat()}, before the month's last day: "
                        f"{last:%Y-%m} is partial and its totals understate a full month")
    return warnings


def left_out_warnings(source: str, assumed_out: int, other: int, roaming: int) -> list[str]:
    """Warnings about records taken as outgoing, and records left out of the totals (MMS/WLAN, roaming)."""
    warnings = []
    if assumed_out:
        warnings.append(f"{source}: no direction column: every call and SMS is taken as outgoing (an upper bound)")
    if other:
        warnings.append(f"{source}: {other} MMS/WLAN/other record(s) left out of the totals")
    if roaming:
        warnings.append(f"{source}: {roaming} roaming record(s) left out of the domestic totals")
    return warnings


def too_many_lines(source: str, line: int, header: str, max_lines: int = MAX_RECORD_LINES) -> DataError:
    """The error of a file with more than :data:`MAX_RECORD_LINES` numbers, at the row that brings one too many."""
    return DataError(
        f"more than {max_lines:,} different numbers in one records file (each is analysed on its own); "
        "split the file, or use 'tariffcli batch' for many subscribers",
        file=source, line=line, field=header, code="too_many_lines",
    )


def check_shape(source: str, lines: int, first: int, last: int, max_lines: int = MAX_RECORD_LINES) -> None:
    """Refuse totals too large to build: a span over :data:`MAX_RECORD_MONTHS` months, or numbers x months over
    :data:`MAX_RECORD_LINE_MONTHS` (checked before any per-day total is built)."""
    months = last - first + 1
    if months > MAX_RECORD_MONTHS:
        raise DataError(
            f"the records run from {month_text(first)} to {month_text(last)} ({months:,} months); "
            f"at most {MAX_RECORD_MONTHS} months are read from one file: split it by year",
            file=source, code="too_many_months",
        )
    most = MAX_RECORD_LINE_MONTHS * max(1, max_lines // MAX_RECORD_LINES)
    if lines * months > most:
        raise DataError(
            f"{lines:,} numbers over {months:,} months: at most {most:,} number-months are read "
            "from one file; split it by number or by year",
            file=source, code="too_many_lines",
        )


TOTALS = ("voice_min", "sms", "data_kb", "records", "calls", "roaming", "voice_ms", "data_milli_b")
"""The monthly totals of :class:`LineRecords`, in the order the readers count them."""


def assemble(source: str, layout: Layout, first: int, names: Sequence[str],
             totals: Mapping[str, Sequence[Sequence[int]]], daily: Sequence[Sequence[Sequence[int]]],
             call_increment_s: int, span: tuple[date, date]) -> Records:
    """The result: ``totals[field][i][k]`` and ``daily[i][k]`` (DAYS values) of line ``names[i]``, month first + k.

    ``span`` is the day of the first and of the last record.
    """
    month_ids = range(first, first + len(totals["records"][0]))
    months = tuple(month_text(m) for m in month_ids)
    lines = []
    for i, name in enumerate(names):
        days = []
        for k, m in enumerate(month_ids):
            n = calendar.monthrange(m // 12, m % 12 + 1)[1]
            days.append(tuple(daily[i][k][:n]) + (0,) * (DAYS - n))
        voice_month, data_month = month_rounded(totals["voice_ms"][i], totals["data_milli_b"][i], call_increment_s)
        lines.append(LineRecords(line=name, months=months, daily_data_kb=tuple(days), voice_min_month=voice_month,
                                 data_kb_month=data_month, **{field: tuple(totals[field][i]) for field in TOTALS}))
    return Records(source=source, months=months, lines=tuple(lines), has_line_column="line" in layout.columns,
                   warnings=tuple(layout.warnings), first_day=span[0], last_day=span[1],
                   columns=tuple(c.header for c in layout.columns.values()))


def month_rounded(voice_ms: Sequence[int], data_milli_b: Sequence[int],
                  call_increment_s: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(minutes, KB) of each month with the month's exact total rounded up once: call time to started
    increments (then minutes), data to a KB."""
    increment_ms = call_increment_s * 1000
    voice = tuple(billed_minutes(-(-ms // increment_ms) * call_increment_s, call_increment_s) for ms in voice_ms)
    return voice, tuple(-(-mb // MILLI_B_PER_KB) for mb in data_milli_b)
