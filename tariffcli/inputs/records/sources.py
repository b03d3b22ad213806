"""Records as people have them: several files at once (calls, SMS and data apart), ``--columns`` mappings.

:func:`read_record_sources` reads each (name, bytes) source with
:func:`~tariffcli.inputs.records.parse_records_csv` (a spreadsheet first becomes
CSV, :mod:`tariffcli.inputs.xlsx`) and puts the results together with
:func:`merge_records`: one :class:`~.model.Records` whose lines are every number
of any file, over the months from the first record of any file to the last.
Each file's kind comes from its columns (a duration: calls; a volume: data
sessions; neither: SMS; or a type column), so a calls file, an SMS file and a
data file give the same totals as one file holding all three.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import replace

from tariffcli.inputs.csvtext import norm, word_key
from tariffcli.inputs.records.layout import ColumnMap, check_shape, month_rounded, partial_month_warnings
from tariffcli.inputs.records.model import ALIASES, CALL_INCREMENT_S, FIELD_WORDS, UNIT_HEADERS, LineRecords, Records
from tariffcli.model.errors import DataError, UsageError
from tariffcli.model.limits import MAX_RECORD_LINES

__all__ = ["merge_records", "parse_column_options", "read_record_sources", "sources_name", "with_partial_warnings"]

_UNIT_SUFFIXES = {
    "min": "min", "mins": "min", "minutes": "min", "minute": "min", "分钟": "min",
    "s": "s", "sec": "s", "secs": "s", "seconds": "s", "second": "s", "秒": "s",
    "kb": "KB", "mb": "MB", "gb": "GB", "b": "B", "bytes": "B",
}
_FIELDS = tuple(ALIASES)


def parse_column_options(values: Sequence[str] | None) -> dict[str, tuple[str, str | None]]:
    """``--columns NAME=COLUMN`` values -> {column (normalised): (field, unit)}.

    NAME is a field (line/subscriber, date, start/time, type, direction, duration,
    volume, roaming, unit), optionally with a unit: ``duration_min``,
    ``duration_sec``, ``volume_mb``, ``volume_kb``, ``volume_gb``, ``volume_bytes``.
    """
    out: dict[str, tuple[str, str | None]] = {}
    for raw in values or ():
        name, eq, column = raw.partition("=")
        if not eq or not name.strip() or not column.strip():
            raise UsageError(f"--columns: {raw!r} is not NAME=COLUMN (e.g. duration_min=duration)", field="columns")
        key = word_key(norm(name))
        field, unit = UNIT_HEADERS.get(key) or (FIELD_WORDS.get(key, key), None)  # minutes=COL: in minutes
        if field not in _FIELDS:
            base, _, suffix = key.rpartition("_")
            field = FIELD_WORDS.get(base, base)
            unit = _UNIT_SUFFIXES.get(suffix)
        if field not in _FIELDS or (unit is not None and field not in ("duration", "volume")):
            raise UsageError(
                f"--columns: {name.strip()!r} is not a records field; use one of {', '.join(_FIELDS)}, or "
                "duration_min, duration_sec, volume_mb, volume_kb, volume_gb, volume_bytes", field="columns")
        if unit is not None and (unit in ("min", "s")) != (field == "duration"):
            raise UsageError(f"--columns: {name.strip()!r}: a {field} cannot be in {unit}", field="columns")
        col = norm(column)
        if col in out:
            raise UsageError(f"--columns: column {column.strip()!r} is mapped twice", field="columns")
        out[col] = (field, unit)
    return out


def sources_name(names: Sequence[str]) -> str:
    """How several sources are named in messages about all of them."""
    if len(names) <= 3:
        return ", ".join(names)
    return f"{names[0]} and {len(names) - 1} more files"


def read_record_sources(
    sources: Sequence[tuple[str, bytes]],
    parse: Callable[[bytes, str, ColumnMap | None, int], Records],
    *,
    columns: ColumnMap | None = None,
    max_lines: int = MAX_RECORD_LINES,
    call_increment_s: int = CALL_INCREMENT_S,
) -> Records:
    """Every source read with ``parse(data, name, columns, max_lines)`` and merged (:func:`merge_records`),
    with a warning when the first or last month is partial.

    A ``--columns`` mapping whose column is in none of the files is an error.
    """
    if not sources:
        raise UsageError("no records file given", field="usage")
    parts = [parse(data, name, columns, max_lines) for name, data in sources]
    seen = {norm(h) for r in parts for h in r.columns}
    for column, (field, _) in (columns or {}).items():
        if column not in seen:
            raise UsageError(f"--columns {field}={column}: no file has a column {column!r}", field="columns")
    return with_partial_warnings(merge_records(parts, max_lines=max_lines, call_increment_s=call_increment_s))


def merge_records(parts: Sequence[Records], *, max_lines: int = MAX_RECORD_LINES,
                  call_increment_s: int = CALL_INCREMENT_S) -> Records:
    """Several files' records as one: lines by number, months from the earliest record to the latest.

    Either every file has a number (subscriber) column or none has. The warnings
    are each file's, then one about a partial first or last month of the whole.
    """
    if len(parts) == 1:
        return parts[0]
    with_line = [r.source for r in parts if r.has_line_column]
    without = [r.source for r in parts if not r.has_line_column]
    if with_line and without:
        raise DataError(f"{with_line[0]} has a number (subscriber) column but {without[0]} has none; give every "
                        "file one (user_id, msisdn, 号码), or none", file=without[0], code="missing_column")
    source = sources_name([r.source for r in parts])
    first = min(_index(r.months[0]) for r in parts)
    last = max(_index(r.months[-1]) for r in parts)
    names = sorted({lr.line for r in parts for lr in r.lines})
    check_shape(source, len(names), first, last, max_lines)
    months = tuple(f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, last + 1))
    lines = [_merge_line(name, months, first, [(r, r.line(name)) for r in parts], call_increment_s) for name in names]
    days = [d for r in parts for d in (r.first_day, r.last_day) if d is not None]
    return Records(source=source, months=months, lines=tuple(lines), has_line_column=bool(with_line),
                   warnings=tuple(w for r in parts for w in r.warnings),
                   first_day=min(days), last_day=max(days),
                   columns=tuple(h for r in parts for h in r.columns))


def with_partial_warnings(records: Records) -> Records:
    """``records`` with a warning when its first or last month is partial (see
    :func:`.layout.partial_month_warnings`)."""
    if records.first_day is None or records.last_day is None:
        return records
    extra = partial_month_warnings(records.source, records.first_day, records.last_day)
    return replace(records, warnings=(*records.warnings, *extra)) if extra else records


def _index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


_SUMMED = ("voice_min", "sms", "data_kb", "records", "calls", "roaming", "voice_ms", "data_milli_b")


def _merge_line(name: str, months: tuple[str, ...], first: int,
                found: Sequence[tuple[Records, LineRecords | None]], call_increment_s: int) -> LineRecords:
    """One line's totals summed over the files that have it, placed on the merged months."""
    h = len(months)
    sums = {f: [0] * h for f in _SUMMED}
    daily = [[0] * 31 for _ in range(h)]
    for r, lr in found:
        if lr is None:
            continue
        offset = _index(r.months[0]) - first
        for f in _SUMMED:
            values = getattr(lr, f)
            row = sums[f]
            for k, v in enumerate(values):
                row[offset + k] += v
        for k, days in enumerate(lr.daily_data_kb):
            target = daily[offset + k]
            for d, v in enumerate(days):
                target[d] += v
    for k, m in enumerate(months):
        n = calendar.monthrange(int(m[:4]), int(m[5:7]))[1]
        daily[k][n:] = [0] * (31 - n)
    voice_month, data_month = month_rounded(sums["voice_ms"], sums["data_milli_b"], call_increment_s)
    return LineRecords(line=name, months=months, daily_data_kb=tuple(tuple(d) for d in daily),
                       voice_min_month=voice_month, data_kb_month=data_month,
                       **{f: tuple(v) for f, v in sums.items()})
