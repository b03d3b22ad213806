"""Reading large itemized-records files column by column, with pyarrow and numpy (imported only here, when used).

:func:`parse_fast` gives the same :class:`~tariffcli.inputs.records.model.Records`
as :func:`~tariffcli.inputs.records.careful.parse_careful`, or None whenever
that is not certain. Every cell is either read by a vectorised pattern that
admits only cells the row-by-row functions read the same way, or by those
functions themselves once per distinct value.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tariffcli.inputs.csvtext import norm, word_key
from tariffcli.inputs.records.cells import (
    MILLI_B_PER_KB,
    normalise_line,
    parse_duration_ms,
    parse_word,
)
from tariffcli.inputs.records.columns import (
    day_codes,
    distinct_values,
    longest,
    or_none,
    plain_volumes,
    volume_codes,
)
from tariffcli.inputs.records.layout import (
    ColumnMap,
    Head,
    Layout,
    assemble,
    check_shape,
    left_out_warnings,
    physical_lines,
    read_head,
    read_layout,
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
from tariffcli.model.errors import DataError
from tariffcli.model.limits import MAX_COLUMNS, MAX_DATA_KB, MAX_RECORD_LINES

_BLANK = r"^[ \t]*$"
"""Cells taken as blank here (a subset of what str.strip() empties)."""
_KIND_CODE = {"call": 0, "sms": 1, "data": 2, "other": 3}
_DIRECTION_CODE = {None: 0, "out": 1, "in": 2}


def _type_codes(text: str) -> tuple[int, int]:
    kind = or_none(parse_word, text, TYPE_OF, "record type", TYPE_WORDS)
    if kind is None:
        return -1, 0
    return _KIND_CODE[kind], _DIRECTION_CODE[CALL_TYPE_OF.get(word_key(norm(text)))]


def _direction_code(text: str) -> int:
    direction = or_none(parse_word, text, DIRECTION_OF, "direction", DIRECTION_WORDS)
    return -1 if direction is None else _DIRECTION_CODE[direction]


def _roaming_code(text: str) -> int:
    roaming = or_none(parse_word, text, ROAMING_OF, "roaming flag", ROAMING_WORDS)
    return -1 if roaming is None else int(bool(roaming))


def _quotes_are_plain(body: str, delimiter: str, pa: Any, pc: Any) -> bool:
    """Whether every line's quotes are ones pyarrow and Python's csv module (strict) read alike.

    That is: a quoted cell is quoted whole and closed on its line; an unquoted cell does not start with a quote.
    """
    d = {"\t": r"\t"}.get(delimiter, delimiter)
    cell = rf'(?:"(?:[^"\r\n]|"")*"|(?:[^"{d}\r\n][^{d}\r\n]*)?)'
    lines = pc.split_pattern(pa.array([body]), "\n").flatten()
    return bool(pc.all(pc.match_substring_regex(lines, rf"^{cell}(?:{d}{cell})*\r?$")).as_py())


def _total(bins: Any, amounts: Any, length: int) -> Any:
    """Sum of ``amounts`` per bin, exact in int64."""
    import numpy as np

    if int(amounts.sum()) < 2**53:  # every partial sum is exact in float64
        return np.bincount(bins, weights=amounts, minlength=length).astype(np.int64)
    if len(amounts) < 2**26 and int(amounts.max()) < 2**52:  # high and low 26 bits: each sum exact in float64
        high = np.bincount(bins, weights=amounts >> 26, minlength=length).astype(np.int64)
        return (high << 26) + np.bincount(bins, weights=amounts & (2**26 - 1), minlength=length).astype(np.int64)
    out = np.zeros(length, np.int64)
    np.add.at(out, bins, amounts)
    return out


@dataclass(frozen=True)
class _Cells:
    """The string columns of a file's rows (blank rows left out), read through the header's layout."""

    table: Any
    """A pyarrow table of strings (chunked as read)."""
    ncols: int
    rows: int
    layout: Layout

    def column(self, name: str) -> Any:
        """The cells of field ``name`` (a chunked pyarrow array); None when the file has no such column."""
        col = self.layout.columns.get(name)
        return None if col is None or col.index >= self.ncols else self.table.column(col.index)

    def distinct(self, name: str) -> tuple[Any, list[str]]:
        """(index of each row's cell into the distinct cells, the distinct cells) of field ``name``."""
        import numpy as np
        import pyarrow.compute as pc

        return distinct_values(self.column(name), self.rows, np, pc)

    def codes(self, name: str, fn: Any, dtype: Any = None) -> Any:
        """fn of every row's cell, computed once per distinct value (int8 unless ``dtype`` says otherwise)."""
        import numpy as np

        idx, distinct = self.distinct(name)
        return np.array([fn(v) for v in distinct], np.int8 if dtype is None else dtype).take(idx)


@dataclass(frozen=True)
class _Rows:
    """What every row holds, as numpy arrays with one entry per row."""

    code: Any
    """Month index (year * 12 + month - 1) * 32 + day of the month."""
    kind: Any
    """:data:`_KIND_CODE` of the record type."""
    direction: Any
    """:data:`_DIRECTION_CODE` of the direction."""
    line: Any
    """Index into :attr:`line_names`."""
    line_names: list[str]
    roaming: Any
    ms: Any
    """(each row's index into the distinct duration cells, the milliseconds of each: -1 for none); None without
    the column. Read for calls only."""
    exact: Any
    """(each row's index into the distinct volume cells, the thousandths of a byte of each: -1 for none); None
    without the column. Read for data sessions only."""
    assumed_out: int
    """Calls and SMS taken as outgoing because the file has no direction column."""


def parse_fast(text: str, source: str, call_increment_s: int, mapping: ColumnMap | None = None,
               max_lines: int = MAX_RECORD_LINES) -> Records | None:
    """The same result as :func:`~tariffcli.inputs.records.careful.parse_careful`; None whenever that is not certain.

    A cell the row-by-row functions refuse, a row of another width, a quote that
    pyarrow and the csv module might read differently, a month with implausibly
    much data: the answer is None, and the row-by-row reading reports it.
    """
    if call_increment_s <= 0:
        return None
    try:
        head = read_head(text, source)
    except DataError:
        return None
    if head is None:
        return None
    if text.find('"', head.end) >= 0:
        import pyarrow as pa
        import pyarrow.compute as pc

        if not _quotes_are_plain(text[head.end:], head.delimiter, pa, pc):
            return None
    first = next((ln.rstrip("\r\n") for ln in physical_lines(text, head.end) if ln.rstrip("\r\n")), None)
    return _parse_body(text.encode("utf-8"), len(text[:head.end].encode("utf-8")), head, first, source,
                       call_increment_s, mapping, max_lines)


def parse_fast_utf8(data: bytes, source: str, call_increment_s: int, mapping: ColumnMap | None = None,
                    max_lines: int = MAX_RECORD_LINES, encoding: str = "utf-8") -> Records | None:
    """:func:`parse_fast` of ``data.decode("utf-8-sig")``, reading the bytes as they are (no decoding and
    re-encoding of the whole file); None as there, and also when the bytes are not all UTF-8 or hold a quote.

    The caller has refused what :func:`~tariffcli.inputs.csvtext.decode` refuses before decoding (Excel,
    PDF, UTF-16, NUL bytes): a file read here is one that ``decode`` reads as UTF-8. With ``encoding``
    ``gb18030`` the same for a file that ``decode`` reads as GB18030 (the caller has checked that it is not
    UTF-8 and does not mix the two): pyarrow decodes it as it reads (a newline, a carriage return or a quote
    byte is never part of a GB18030 character).
    """
    if call_increment_s <= 0:
        return None
    start = 3 if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf") else 0
    cut = data.find(b"\n", start, start + (1 << 16))
    try:
        prefix = data[start:cut + 1].decode(encoding) if cut >= 0 else ""
        head = read_head(prefix, source)
    except (UnicodeDecodeError, DataError):
        return None
    if head is None or head.end != len(prefix):  # the header is not the first line
        return None
    end = cut + 1
    if data.find(b'"', end) >= 0:  # quotes: the text path checks them
        return None
    nxt = end
    first = ""
    while nxt < len(data) and not first:
        stop = data.find(b"\n", nxt)
        stop = len(data) if stop < 0 else stop
        try:
            first = data[nxt:stop].decode(encoding).removesuffix("\r")
        except UnicodeDecodeError:
            return None
        if "\r" in first:  # a line ended by a lone CR: the text path splits it
            return None
        nxt = stop + 1
    return _parse_body(data, end, head, first or None, source, call_increment_s, mapping, max_lines, encoding)


def _parse_body(data: bytes, end: int, head: Head, first: str | None, source: str, call_increment_s: int,
                mapping: ColumnMap | None, max_lines: int, encoding: str = "utf-8") -> Records | None:
    """The records of the bytes ``data[end:]`` (UTF-8 or ``encoding``) after the header ``head``; ``first``:
    the first non-blank line after it (None when there is none)."""
    layout, problems = read_layout(head.cells, head.line, source, mapping)
    if problems or "unit" in layout.columns or first is None:  # a unit column: read row by row
        return None
    cells = _read_table(data, end, first, head, layout, encoding)
    if cells is None:
        return None
    rows = _read_rows(cells, max_lines)
    if rows is None:
        return None
    return _totals(rows, source, layout, call_increment_s, max_lines)


def _read_table(data: bytes, end: int, first: str, head: Head, layout: Layout,
                encoding: str = "utf-8") -> _Cells | None:
    """The rows of ``data[end:]`` (UTF-8, quotes checked) as string columns, rows of blank cells left out.

    None when pyarrow might read the rows otherwise than the csv module (ragged
    rows, huge cells, bytes that are not UTF-8), or when a row without a date is
    not blank throughout.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    delimiter = head.delimiter
    width, ncols = len(head.cells), len(next(csv.reader([first], delimiter=delimiter)))
    if ncols > MAX_COLUMNS:
        return None  # the row-by-row reading refuses it at its line
    names = [f"c{i}" for i in range(ncols)]
    body = pa.py_buffer(data).slice(end)
    try:
        table = pacsv.read_csv(
            pa.BufferReader(body),
            read_options=pacsv.ReadOptions(column_names=names,
                                           encoding="utf8" if encoding == "utf-8" else encoding),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):  # a row of another width, or bytes not in the encoding
        return None
    del body
    limit = csv.field_size_limit()
    for column in table.columns:
        if column.null_count or longest(column) >= limit:
            return None

    def all_blank(columns: Iterable[Any]) -> bool:
        return all(pc.all(pc.match_substring_regex(c, _BLANK)).as_py() is not False for c in columns)

    # rows of blank cells are skipped: a row whose date is blank must be blank throughout
    day_index = layout.columns[layout.day_field].index
    if day_index >= ncols:
        return None  # no row has a date
    day_cells = table.column(day_index)
    maybe = pc.or_(pc.equal(pc.binary_length(day_cells), 0), pc.ascii_is_space(day_cells))  # cheaper than _BLANK
    blank = pc.match_substring_regex(day_cells, _BLANK) if pc.any(maybe).as_py() else maybe
    if pc.any(blank).as_py():
        if not all_blank(table.filter(blank).columns):
            return None
        table = table.filter(pc.invert(blank))
    if table.num_rows == 0 or not all_blank(table.columns[width:]):
        return None
    return _Cells(table, ncols, table.num_rows, layout)


def _kinds(cells: _Cells) -> tuple[Any, Any] | None:
    """(kind, direction) codes of every row: from the type column, or from which of duration and volume a row has."""
    import numpy as np

    n, columns = cells.rows, cells.layout.columns
    if not {"type", "duration", "volume"} & set(columns):  # SMS
        return np.ones(n, np.int8), np.zeros(n, np.int8)
    if "type" in columns:
        idx, distinct = cells.distinct("type")
        both = np.array([_type_codes(v) for v in distinct], np.int8).reshape(-1, 2)
        kind, direction = both[:, 0].take(idx), both[:, 1].take(idx)
        if (kind < 0).any():
            return None
        return kind, direction
    has_d = cells.codes("duration", lambda v: bool(v.strip())) if "duration" in columns else np.zeros(n, int)
    has_v = cells.codes("volume", lambda v: bool(v.strip())) if "volume" in columns else np.zeros(n, int)
    if (has_d == has_v).any():
        return None
    return np.where(has_d > 0, 0, 2).astype(np.int8), np.zeros(n, np.int8)


def _lines(cells: _Cells, max_lines: int) -> tuple[list[str], Any] | None:
    """(the lines' names, sorted; each row's index into them); None when a row's number is empty."""
    import numpy as np

    if "line" not in cells.layout.columns:
        return [""], np.zeros(cells.rows, np.int32)
    idx, distinct = cells.distinct("line")
    normalised = [normalise_line(v) for v in distinct]
    if "" in normalised:
        return None
    line_names = sorted(set(normalised))
    if len(line_names) > max_lines:
        return None  # the row-by-row reading refuses it at the row that brings one number too many
    rank = {name: i for i, name in enumerate(line_names)}
    return line_names, np.array([rank[v] for v in normalised], np.int32).take(idx)


def _read_rows(cells: _Cells, max_lines: int) -> _Rows | None:
    """Every row's day, kind, direction, line, roaming flag, seconds and KB; None at the first cell not read exactly."""
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    with ThreadPoolExecutor(2) as pool:  # dates, amounts and the other columns at once: mostly outside the GIL
        days = pool.submit(day_codes, cells.column(cells.layout.day_field), np, pa, pc)
        amounts = pool.submit(_amounts, cells)
        others = _other_columns(cells, max_lines, amounts.result)
        day_code = days.result()
    if others is None or (day_code < 0).any():
        return None
    return _Rows(day_code, *others)


def _amounts(cells: _Cells) -> tuple[Any, Any]:
    """(each row's index into the distinct durations, milliseconds of each), (the same for volumes, thousandths
    of a byte of each): -1 where the cell is not one; None without the column."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    layout = cells.layout
    ms = exact = None
    if "duration" in layout.columns:
        unit = layout.duration_unit
        idx, distinct = cells.distinct("duration")
        ms = idx, np.array([-1 if (s := or_none(parse_duration_ms, v, unit)) is None else s for v in distinct],
                           np.int64)
    if "volume" in layout.columns:
        exact = plain_volumes(cells.column("volume"), layout.volume_unit, np, pa, pc)
        if exact is None:
            idx, distinct = cells.distinct("volume")
            exact = idx, volume_codes(distinct, layout.volume_unit, np, pa, pc)
    return ms, exact


def _other_columns(cells: _Cells, max_lines: int, amounts: Callable[[], tuple[Any, Any]]) -> tuple[Any, ...] | None:
    """(kind, direction, line, line names, roaming, ms, exact, assumed_out) of every row, as in :class:`_Rows`;
    None at the first cell not read exactly. ``amounts`` gives :func:`_amounts`."""
    import numpy as np

    layout, n = cells.layout, cells.rows
    kinds = _kinds(cells)
    if kinds is None:
        return None
    kind, direction = kinds
    call, sms, data = (kind == 0), (kind == 1), (kind == 2)
    lines = _lines(cells, max_lines)
    if lines is None:
        return None
    roaming = np.zeros(n, np.bool_)
    if "roaming" in layout.columns:
        flag = cells.codes("roaming", _roaming_code)
        if (flag < 0).any():
            return None
        roaming = flag > 0
    unknown = (call | sms) & (direction == 0)
    assumed_out = 0
    if "direction" in layout.columns:
        said = cells.codes("direction", _direction_code)
        if (unknown & (said < 0)).any():
            return None
        direction = np.where(unknown, said, direction)
    else:
        assumed_out = int(unknown.sum())
        direction = np.where(unknown, 1, direction)
    ms, exact = amounts()
    for rows, amount in ((call, ms), (data, exact)):
        if rows.any() and (amount is None or _refused(rows, *amount)):
            return None
    return kind, direction, lines[1], lines[0], roaming, ms, exact, assumed_out


def _refused(rows: Any, idx: Any, values: Any) -> bool:
    """Whether one of ``rows`` (a mask) holds a distinct value (``idx``) that is -1 in ``values``."""
    bad = values < 0
    return bool(bad.any() and (rows & bad.take(idx)).any())


def _totals(rows: _Rows, source: str, layout: Layout, call_increment_s: int, max_lines: int) -> Records | None:
    """The totals per line and month, and per day; None when a month has implausibly much data."""
    import numpy as np

    lo, hi = int(rows.code.min()), int(rows.code.max())
    first, last = lo >> 5, hi >> 5  # // 32 (the codes are not negative)
    months = last - first + 1
    cell = rows.line.astype(np.intp) * months  # intp: np.bincount casts other bins, slowly
    cell += (rows.code >> 5) - first
    size = len(rows.line_names) * months
    other = rows.kind == 3
    roaming = rows.roaming & ~other
    out_home = (rows.direction == 1) & ~roaming
    billed_call = (rows.kind == 0) & out_home
    billed_sms = (rows.kind == 1) & out_home
    billed_data = (rows.kind == 2) & ~roaming
    # each row's class: 0 a billed call, 1 a billed SMS, 2 roaming, 3 anything else (the four are exclusive)
    cls = 3 - 3 * billed_call.view(np.int8) - 2 * billed_sms.view(np.int8) - roaming.view(np.int8)
    counts = np.bincount(cell * 4 + cls, minlength=size * 4).reshape(size, 4)

    at_call, at_data = np.flatnonzero(billed_call), np.flatnonzero(billed_data)  # each mask's rows found once
    call_of, call_table = _per_row(rows.ms, at_call, np)
    data_of, data_table = _per_row(rows.exact, at_data, np)
    call_s = -(-call_table // 1000)  # per distinct duration: the billed minutes of a call
    minutes = -(-(-(-call_s // call_increment_s) * call_increment_s) // 60)
    kb_table = -(-data_table // MILLI_B_PER_KB)
    call_cell, data_cell = cell[at_call], cell[at_data]
    voice_min, voice_ms = _sums(call_cell, call_of, (minutes, call_table), size, np)
    data_kb_sum, data_milli_b = _sums(data_cell, data_of, (kb_table, data_table), size, np)
    sums = {
        "voice_min": voice_min,
        "sms": counts[:, 1].copy(),
        "data_kb": data_kb_sum,
        "records": counts.sum(axis=1),
        "calls": counts[:, 0].copy(),
        "roaming": counts[:, 2].copy(),
        "voice_ms": voice_ms,
        "data_milli_b": data_milli_b,
    }
    if (sums["data_kb"] > MAX_DATA_KB).any():
        return None
    check_shape(source, len(rows.line_names), first, last, max_lines)  # before the per-day totals are built
    daily = _total(data_cell * DAYS + (rows.code[at_data] & 31) - 1, kb_table.take(data_of), size * DAYS)  # & 31: % 32
    layout.warnings.extend(left_out_warnings(source, rows.assumed_out, int(other.sum()),
                                             int(sums["roaming"].sum())))
    shape = (len(rows.line_names), months)
    span = (date(lo // 32 // 12, lo // 32 % 12 + 1, lo % 32), date(hi // 32 // 12, hi // 32 % 12 + 1, hi % 32))
    return assemble(source, layout, first, rows.line_names,
                    {field: values.reshape(shape).tolist() for field, values in sums.items()},
                    daily.reshape(shape + (DAYS,)).tolist(), call_increment_s, span)


_MOST_BINS = 1 << 22
"""Most (line and month) x distinct value bins counted at once by :func:`_sums`."""


def _sums(bins: Any, of: Any, tables: tuple[Any, ...], length: int, np: Any) -> list[Any]:
    """For each table of values per distinct cell, the sum per bin of the rows' values (row i: bin ``bins[i]``,
    value ``table[of[i]]``), exact in int64.

    The rows are counted per bin and distinct cell, then each count multiplied by its value (one count for all
    the tables, no floating point), when the counts are few and no sum can pass 2**62; else :func:`_total`."""
    width = len(tables[0])
    most = max((int(np.abs(t).max()) for t in tables if len(t)), default=0)
    if length * width <= _MOST_BINS and most * len(of) < 2**62:
        counts = np.bincount(bins * width + of, minlength=length * width).reshape(length, width)
        return [counts @ t for t in tables]
    return [_total(bins, t.take(of), length) for t in tables]


def _per_row(amount: Any, at: Any, np: Any) -> tuple[Any, Any]:
    """(index into the distinct values of the rows ``at``, the values), from :attr:`_Rows.ms` or
    :attr:`_Rows.exact`; a column of zeros when there is no such column (then ``at`` is empty)."""
    if amount is None:
        return np.zeros(len(at), np.intp), np.zeros(1, np.int64)
    idx, values = amount
    return idx[at], values
