"""Reading itemized records row by row: every problem of every row is found and reported.

This is the reading that defines the result: :mod:`.fast` reads large files
column by column and must give exactly what :func:`parse_careful` gives, or give up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tariffcli.inputs.csvtext import CellError, cell_problem, month_text, norm, raise_problems, split_records, word_key
from tariffcli.inputs.records.cells import (
    MILLI_B_PER_KB,
    billed_minutes,
    normalise_line,
    parse_day,
    parse_duration_ms,
    parse_volume_exact,
    parse_word,
)
from tariffcli.inputs.records.layout import (
    TOTALS,
    ColumnMap,
    Layout,
    assemble,
    check_shape,
    left_out_warnings,
    read_layout,
    too_many_lines,
)
from tariffcli.inputs.records.model import (
    CALL_TYPE_OF,
    DAYS,
    DIRECTION_OF,
    DIRECTION_WORDS,
    ROAMING_OF,
    ROAMING_WORDS,
    TYPE_OF,
    TYPE_WORDS,
    Records,
)
from tariffcli.model import units
from tariffcli.model.errors import DataError, Problem
from tariffcli.model.limits import MAX_DATA_KB, MAX_RECORD_LINES


@dataclass
class _Acc:
    """Running totals of one line-month."""

    voice_min: int = 0
    sms: int = 0
    data_kb: int = 0
    records: int = 0
    calls: int = 0
    roaming: int = 0
    voice_ms: int = 0
    data_milli_b: int = 0

    def __post_init__(self) -> None:
        self.daily = [0] * DAYS


@dataclass(frozen=True)
class _Record:
    """One row read without a problem."""

    line_name: str
    day: date
    kind: object
    """``call``, ``sms``, ``data`` or ``other``."""
    direction: object
    """``out``, ``in``, or None (data sessions, MMS)."""
    roaming: bool
    ms: int
    """A call's duration, milliseconds."""
    exact: int
    """A data session's volume, thousandths of a byte."""


class _RowReader:
    """Reads one row after another; each problem goes to ``problems``, and a row with one gives no record."""

    def __init__(self, source: str, layout: Layout, width: int, problems: list[Problem]) -> None:
        self.source = source
        self.layout = layout
        self.columns = layout.columns
        self.width = width
        self.problems = problems
        self.assumed_out = 0
        """Calls and SMS taken as outgoing because the file has no direction column."""
        self._line = 0
        self._cells: list[str] = []
        self._ok = True

    def _cell(self, name: str) -> str:
        col = self.columns.get(name)
        return self._cells[col.index] if col is not None and col.index < len(self._cells) else ""

    def _bad(self, name: str, exc: CellError) -> None:
        self.problems.append(cell_problem(self.source, self._line, self.columns[name].header, exc))
        self._ok = False

    def _missing(self, message: str, name: str) -> None:
        self.problems.append(Problem(message, file=self.source, line=self._line, field=name, code="missing_column"))
        self._ok = False

    def read(self, line: int, cells: list[str]) -> _Record | None:
        """The record of a row, or None when the row has a problem (noted in ``problems``).

        The cells are read in a fixed order (day, type, line, roaming, direction,
        duration or volume) so that the problems of a row are listed the same way every time.
        """
        if any(c.strip() for c in cells[self.width:]):
            self.problems.append(Problem(f"the row has {len(cells)} cells but the header has {self.width}; quote "
                                         "cells that hold a comma", file=self.source, line=line, code="bad_value"))
            return None
        self._line, self._cells, self._ok = line, cells, True
        day = None
        try:
            day = parse_day(self._cell(self.layout.day_field))
        except CellError as exc:
            self._bad(self.layout.day_field, exc)
        kind, direction = self._kind()
        line_name = ""
        if "line" in self.columns:
            line_name = normalise_line(self._cell("line"))
            if not line_name:
                self._bad("line", CellError("the number is empty; give the line of every record", "bad_value"))
        roaming = False
        if "roaming" in self.columns:
            try:
                roaming = bool(parse_word(self._cell("roaming"), ROAMING_OF, "roaming flag", ROAMING_WORDS))
            except CellError as exc:
                self._bad("roaming", exc)
        if kind in ("call", "sms") and direction is None:
            direction = self._direction()
        ms, exact = self._amount(kind)
        if not self._ok or day is None:
            return None
        return _Record(line_name, day, kind, direction, roaming, ms, exact)

    def _kind(self) -> tuple[object, object]:
        """(kind, direction) of the row: from the type column, or from which of duration and volume it has."""
        kind: object = None
        direction: object = None
        if "type" in self.columns:
            try:
                kind = parse_word(self._cell("type"), TYPE_OF, "record type", TYPE_WORDS)
                direction = CALL_TYPE_OF.get(word_key(norm(self._cell("type"))))
            except CellError as exc:
                self._bad("type", exc)
            return kind, direction
        if "duration" not in self.columns and "volume" not in self.columns:
            return "sms", None
        has_d, has_v = bool(self._cell("duration").strip()), bool(self._cell("volume").strip())
        if has_d != has_v:
            return ("call" if has_d else "data"), None
        self._bad("duration" if "duration" in self.columns else "volume", CellError(
            "cannot tell whether this row is a call or a data session (it has "
            + ("both a duration and a volume" if has_d else "neither a duration nor a volume")
            + "); add a type column (call/通话, sms/短信, data/上网)", "bad_value"))
        return None, None

    def _direction(self) -> object:
        """The direction of a call or SMS whose type does not give it: outgoing when there is no direction column."""
        if "direction" not in self.columns:
            self.assumed_out += 1
            return "out"
        try:
            return parse_word(self._cell("direction"), DIRECTION_OF, "direction", DIRECTION_WORDS)
        except CellError as exc:
            self._bad("direction", exc)
            return None

    def _amount(self, kind: object) -> tuple[int, int]:
        """(milliseconds, thousandths of a byte) of the row: a call's duration, a data session's volume."""
        if kind == "call":
            if "duration" not in self.columns:
                self._missing("a call needs a duration column (时长, duration)", "duration")
                return 0, 0
            try:
                return parse_duration_ms(self._cell("duration"), self.layout.duration_unit), 0
            except CellError as exc:
                self._bad("duration", exc)
        elif kind == "data":
            if "volume" not in self.columns:
                self._missing("a data session needs a volume column (流量, volume)", "volume")
                return 0, 0
            try:
                unit = self._cell("unit").strip() or self.layout.volume_unit
                return 0, parse_volume_exact(self._cell("volume"), unit)
            except CellError as exc:
                self._bad("volume", exc)
        return 0, 0


def parse_careful(text: str, source: str, call_increment_s: int, mapping: ColumnMap | None = None,
                  max_lines: int = MAX_RECORD_LINES) -> Records:
    """Row by row: every problem of every row is found and reported (``mapping``: see :func:`.layout.read_layout`)."""
    rows = split_records(text, source)
    if not rows:
        raise DataError("the file is empty; expected a header line such as 'start,type,duration,volume'",
                        file=source, code="empty")
    header_line, header = rows[0]
    layout, problems = read_layout(header, header_line, source, mapping)
    raise_problems(problems)
    if len(rows) == 1:
        raise DataError("the file has a header but no records; add one row per call, SMS or data session",
                        file=source, line=header_line, code="empty")
    reader = _RowReader(source, layout, len(header), problems)
    acc: dict[tuple[str, int], _Acc] = {}
    numbers: set[str] = set()
    other = roaming = 0
    first_day = last_day = None
    for line, cells in rows[1:]:
        record = reader.read(line, cells)
        if record is None:
            continue
        if record.line_name not in numbers:
            numbers.add(record.line_name)
            if len(numbers) > max_lines:
                raise too_many_lines(source, line, layout.columns["line"].header, max_lines)
        day = record.day
        first_day = day if first_day is None or day < first_day else first_day
        last_day = day if last_day is None or day > last_day else last_day
        a = acc.setdefault((record.line_name, day.year * 12 + day.month - 1), _Acc())
        a.records += 1
        if record.kind == "other":
            other += 1
        elif record.roaming:
            a.roaming += 1
            roaming += 1
        elif record.kind == "call" and record.direction == "out":
            a.voice_min += billed_minutes(-(-record.ms // 1000), call_increment_s)
            a.voice_ms += record.ms
            a.calls += 1
        elif record.kind == "sms" and record.direction == "out":
            a.sms += 1
        elif record.kind == "data":
            kb = -(-record.exact // MILLI_B_PER_KB)
            a.data_kb += kb
            a.data_milli_b += record.exact
            a.daily[day.day - 1] += kb
    for (line_name, month), a in sorted(acc.items()):
        if a.data_kb > MAX_DATA_KB:
            problems.append(_month_data_problem(source, layout, line_name, month, a.data_kb))
    raise_problems(problems)

    layout.warnings.extend(left_out_warnings(source, reader.assumed_out, other, roaming))
    first = min(m for _, m in acc)
    last = max(m for _, m in acc)
    names = sorted({name for name, _ in acc})
    check_shape(source, len(names), first, last, max_lines)
    per = [[acc.get((name, m)) or _Acc() for m in range(first, last + 1)] for name in names]
    totals = {field: [[getattr(a, field) for a in row] for row in per] for field in TOTALS}
    assert first_day is not None and last_day is not None  # acc is not empty
    return assemble(source, layout, first, names, totals, [[a.daily for a in row] for row in per], call_increment_s,
                    (first_day, last_day))


def _month_data_problem(source: str, layout: Layout, line_name: str, month: int, kb: int) -> Problem:
    """The problem of a line-month whose data total is implausibly large (each session was plausible)."""
    return Problem(
        f"{line_name + ': ' if line_name else ''}{month_text(month)}: {units.format_kb(kb)} of data "
        "is implausibly much for a month; check the unit",
        file=source, line=None, field=layout.columns["volume"].header if "volume" in layout.columns else "volume",
        code="out_of_range",
    )
