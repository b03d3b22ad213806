"""The cells of one column of a large records file read at once (pyarrow and numpy, passed in by the caller).

Dates, volumes and the distinct values of a column, for :mod:`.fast`: each cell is read either by a vectorised
check that admits only cells the row-by-row functions read the same way, or by those functions themselves once
per distinct value.
"""

from __future__ import annotations

import re
from typing import Any

from tariffcli.inputs.csvtext import CellError
from tariffcli.inputs.records.cells import MILLI_B_PER, MILLI_B_PER_KB, parse_day, parse_volume_exact, volume_unit
from tariffcli.model import units
from tariffcli.model.limits import MAX_DATA_KB

_CLOCK = r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"
DAY_FORMATS = (
    # (RE2 pattern of a whole cell, RE2 pattern of its date part): each pattern admits only cells that
    # parse_day reads with the same pattern, with an ASCII-only time it accepts; the date part is then read by
    # parse_day itself, once per distinct date. Anything else goes to parse_day whole, once per distinct cell.
    (r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]+" + _CLOCK + r")?$", r"^(?P<d>[^ T]*)"),
    (r"^\d{8}(?:(?:[01]\d|2[0-3])[0-5]\d[0-5]\d)?$", r"^(?P<d>\d{8})"),
    (r"^\d{4} *年 *\d{1,2} *月 *\d{1,2} *日(?: *" + _CLOCK + r")?$", r"^(?P<d>[^日]*日)"),
)
_DATE_PREFIX = {
    DAY_FORMATS[0][1]: (10, re.compile(r"[^ T]*")),  # YYYY-M-D: at most 10 characters, up to a space or T
    DAY_FORMATS[1][1]: (8, re.compile(r"\d{8}")),
}
"""Date-part patterns of :data:`DAY_FORMATS` whose match lies within the first N characters of a cell the
whole pattern admits: the cells are cut to N characters (cheaper than extracting) and the part read per distinct
prefix, with the same pattern."""
_VOLUME = r"^(?P<i>\d{1,9})(?:\.(?P<f>\d{1,3}))?(?P<u>[A-Za-z]{0,2})$"
"""Volumes read with integer arithmetic (exact: at most 10^12 thousandths times 1024^2); others by parse_volume."""
_ROW_BLOCK = 1 << 16
"""Rows worked on together by numpy where the work is long (arrays that stay in the processor's cache)."""


def or_none(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except CellError:
        return None


def day_code(text: str) -> int:
    """Month index * 32 + day of a date cell; -1 when it is not a date."""
    day = or_none(parse_day, text)
    return -1 if day is None else (day.year * 12 + day.month - 1) * 32 + day.day


def unit_factor(written: str, header_unit: str | None) -> int:
    """Bytes per unit of a volume written with ``written`` ('' for none): -1 for no unit at all, 0 for 'ask
    parse_volume_exact'. A thousandth of the unit is then this many thousandths of a byte."""
    chosen = written or header_unit
    if chosen is None:
        return -1
    try:
        factor = MILLI_B_PER[volume_unit(chosen)] // 1000
    except units.UnitError:
        return 0
    return factor if factor <= MILLI_B_PER["GB"] // 1000 else 0


def _same(a: Any, b: Any) -> bool:
    """Whether two arrays are the same values: the same buffers (as pyarrow gives every chunk of a dictionary-encoded
    chunked array), else compared."""
    def where(x: Any) -> list[Any]:
        return [x.offset, len(x)] + [None if buf is None else (buf.address, buf.size) for buf in x.buffers()]

    return where(a) == where(b) or bool(a.equals(b))


def longest(column: Any) -> int:
    """Bytes of the longest cell of a chunked string column (from its offsets: no per-cell lengths built)."""
    import numpy as np

    longest = 0
    for chunk in column.chunks:
        if len(chunk):
            offsets = np.frombuffer(chunk.buffers()[1], np.int32, len(chunk) + 1, chunk.offset * 4)
            longest = max(longest, int(np.diff(offsets).max()))
    return longest


def distinct_values(values: Any, n: int, np: Any, pc: Any) -> tuple[Any, list[str]]:
    """(index of each row's value into the distinct values, the distinct values); ``None`` is a column of ''."""
    if values is None:
        return np.zeros(n, np.intp), [""]
    if len(values) == 0:
        return np.zeros(0, np.intp), []
    if hasattr(values, "chunks") and values.num_chunks > 1:
        found = _distinct_few(values, np, pc)
        if found is not None:
            return found
    encoded = pc.dictionary_encode(values)
    if not hasattr(encoded, "chunks"):
        return encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist()
    chunks = encoded.chunks
    dictionary = chunks[0].dictionary
    if any(not _same(c.dictionary, dictionary) for c in chunks[1:]):
        encoded = pc.dictionary_encode(values.combine_chunks())  # not one dictionary: encode again, whole
        return encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist()
    indices = [c.indices.to_numpy(zero_copy_only=False) for c in chunks]
    return (indices[0] if len(indices) == 1 else np.concatenate(indices)), dictionary.to_pylist()


_FEW = 64
"""Distinct values in a sample of a column up to which :func:`_distinct_few` looks the cells up among them."""
_SAMPLE = 4096
"""Cells of a column sampled by :func:`_distinct_few`."""


def _distinct_few(values: Any, np: Any, pc: Any) -> tuple[Any, list[str]] | None:
    """:func:`distinct_values` of a chunked column with few distinct values (a record type, a direction, a number):
    each cell looked up among the distinct values of :data:`_SAMPLE` cells spread over the column (cheaper than
    encoding every cell), the cells not found there encoded apart. None when the sample holds more than
    :data:`_FEW` distinct values, or when an eighth of the cells or more are not among them."""
    n = len(values)
    head = pc.unique(pc.take(values, np.linspace(0, n - 1, min(n, _SAMPLE)).astype(np.int64)))
    if len(head) > _FEW:
        return None
    at = pc.index_in(values, value_set=head)
    missing = at.null_count
    if missing * 8 >= len(values):
        return None
    idx = pc.fill_null(at, -1).to_numpy(zero_copy_only=False)
    distinct = head.to_pylist()
    if missing:
        idx = idx.copy()  # writable
        rest = np.flatnonzero(idx < 0)
        more, others = distinct_values(values.take(rest), 0, np, pc)
        idx[rest] = more + len(distinct)
        distinct += others
    return idx, distinct


def day_codes(values: Any, np: Any, pa: Any, pc: Any) -> Any:
    """Month index * 32 + day of every cell of a date column (-1: not a date)."""
    hit, read = plain_day_codes(values, np, pa, pc)
    if hit.all():
        return read
    rest = np.flatnonzero(~hit)
    read[rest] = _pattern_day_codes(values.take(pa.array(rest)), np, pa, pc)
    return read


def _b8(*places: int, value: int = 0xFF) -> int:
    """A 64-bit word with ``value`` in the given bytes (byte 0 the lowest)."""
    return sum(value << (8 * i) for i in places)


_ASCII_0 = _b8(*range(8), value=0x30)
_LOW7 = _b8(*range(8), value=0x7F)
_PLUS_118 = _b8(*range(8), value=0x76)
_CLOCK_DIGITS = _b8(1, 3, 4, 6, 7, value=0x80)
_COLONS = _b8(2, 5)
_COLONS_AT = _b8(2, 5, value=ord(":"))
_TENS = _b8(3, 6, value=0x7F)
_PLUS_122 = _b8(3, 6, value=0x7A)
_TENS_HIGH = _b8(3, 6, value=0x80)
_DATE_HEAD = re.compile(rb"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}")
_HEAD_BYTES = 11
"""Bytes of a cell looked at for its date part (the longest, YYYY-MM-DD, and the separator after it)."""


def _clock_ok(last8: Any, clock: Any, np: Any) -> Any:
    """Whether the last 8 bytes of each cell (a little-endian 64-bit word) end it with ``H:MM:SS`` (``clock`` 7)
    or ``HH:MM:SS`` (``clock`` 8) in ASCII digits, hours 0-23, minutes and seconds 0-59."""
    u = np.uint64
    digit = last8 ^ u(_ASCII_0)  # an ASCII digit's byte becomes 0..9
    ok = ((((digit & u(_LOW7)) + u(_PLUS_118)) | digit) & u(_CLOCK_DIGITS)) == 0  # each byte < 10 (no carries)
    ok &= (last8 & u(_COLONS)) == u(_COLONS_AT)
    ok &= (((digit & u(_TENS)) + u(_PLUS_122)) & u(_TENS_HIGH)) == 0  # tens of minutes and seconds < 6
    tens = digit & u(0xFF)
    hour = tens * u(10) + ((digit >> u(8)) & u(0xFF))
    ok &= (clock == 7) | ((clock == 8) & (tens < 10) & (hour < 24))
    return ok


def plain_day_codes(values: Any, np: Any, pa: Any, pc: Any) -> tuple[Any, Any]:
    """(whether each cell was read here, the day codes: month index * 32 + day, -1 where it is not a date).

    The cells read here are ``YYYY-M-D``, with ``-``, ``/`` or ``.`` (ASCII digits, the month and day of one or
    two), alone or followed by one space or ``T`` and ``H:MM:SS`` or ``HH:MM:SS`` (hours 0-23, minutes and
    seconds 0-59): cells the first pattern of :data:`DAY_FORMATS` admits whole, without its regular expression.
    Their date parts lie in the first :data:`_HEAD_BYTES` bytes, which are read once per distinct value (by
    ``parse_day``, as that pattern reads them); the time is checked with integer arithmetic on each cell's last
    8 bytes.
    """
    binary = values.cast(pa.binary())  # byte slices: cheaper than slicing characters, and lengths in bytes
    heads_at, distinct = distinct_values(pc.binary_slice(binary, 0, _HEAD_BYTES), 0, np, pc)
    heads: list[bytes] = distinct  # type: ignore[assignment]  # binary values
    info = np.full(len(heads), 15, np.int32)  # per head: (day code + 1) << 5 | separator after the date << 4 | its length
    days: dict[str, int] = {}
    for i, head in enumerate(heads):
        m = _DATE_HEAD.match(head)
        if m:
            part = m.group().decode("ascii")
            if part not in days:
                days[part] = day_code(part)
            info[i] = (days[part] + 1) << 5 | (head[m.end():m.end() + 1] in (b" ", b"T")) << 4 | m.end()
    size, ends = [], []
    for chunk in binary.chunks:
        offsets = np.frombuffer(chunk.buffers()[1], np.int32, len(chunk) + 1, chunk.offset * 4)
        size.append(np.diff(offsets))
    lengths = np.concatenate(size) if len(size) != 1 else size[0]
    for chunk in pc.binary_slice(binary, -8).chunks:
        offsets = np.frombuffer(chunk.buffers()[1], np.int32, len(chunk) + 1, chunk.offset * 4)
        if len(chunk) and int(offsets[-1] - offsets[0]) == 8 * len(chunk):  # every cell has 8 bytes or more
            ends.append(np.frombuffer(chunk.buffers()[2], np.uint64, len(chunk), int(offsets[0])))
        else:  # no time is read in this chunk (8 bytes "0" are not one): only dates alone
            ends.append(np.full(len(chunk), _ASCII_0, np.uint64))
    last8 = np.concatenate(ends) if len(ends) != 1 else ends[0]
    n = len(values)
    hit = np.empty(n, np.bool_)
    read = np.empty(n, np.int32)
    for start in range(0, n, _ROW_BLOCK):  # in blocks that stay in the processor's cache
        stop = min(start + _ROW_BLOCK, n)
        row_info, length = info.take(heads_at[start:stop]), lengths[start:stop]
        date_length = row_info & 15  # 15: no date part
        ok = _clock_ok(last8[start:stop], length - date_length - 1, np) & ((row_info & 16) > 0)
        ok |= length == date_length
        ok &= date_length != 15
        hit[start:stop] = ok
        np.subtract(row_info >> 5, 1, out=read[start:stop])
        read[start:stop][~ok] = -1
    return hit, read


def _pattern_day_codes(values: Any, np: Any, pa: Any, pc: Any) -> Any:
    """Month index * 32 + day of every cell of a date column (-1: not a date), by the patterns of
    :data:`DAY_FORMATS`."""
    n = len(values)
    code = np.full(n, -1, np.int32)
    todo = np.ones(n, np.bool_)
    for whole, part in DAY_FORMATS:
        if not todo.any():
            break
        hit = pc.match_substring_regex(values, whole).to_numpy(zero_copy_only=False) & todo
        if hit.any():
            every = bool(hit.all())  # the usual case: one format throughout, no filtering or masked writes
            chosen = values if every else values.filter(pa.array(hit))
            if part in _DATE_PREFIX:  # the date part lies in the cell's first characters: cut there, then read
                width, date_part = _DATE_PREFIX[part]
                idx, distinct = distinct_values(pc.utf8_slice_codeunits(chosen, 0, width), 0, np, pc)
                distinct = [date_part.match(v).group() for v in distinct]  # type: ignore[union-attr]
            else:
                idx, distinct = distinct_values(pc.struct_field(pc.extract_regex(chosen, part), [0]), 0, np, pc)
            read = np.array([day_code(v) for v in distinct], np.int32).take(idx)  # take: no cast of the int32 indices
            if every:
                return read
            code[hit] = read
            todo &= ~hit
    if todo.any():
        idx, distinct = distinct_values(values.filter(pa.array(todo)), 0, np, pc)
        code[todo] = np.array([day_code(v) for v in distinct], np.int32).take(idx)
    return code


def _scaled(scaled: Any, factor: Any, np: Any) -> tuple[Any, Any]:
    """(thousandths of a byte, whether read here) of volumes of ``scaled`` thousandths of a unit of ``factor``
    bytes (:func:`unit_factor`): those that fit the largest session, and 0 without a unit."""
    limit = MAX_DATA_KB * MILLI_B_PER_KB
    fits = (factor > 0) & (scaled <= limit // np.maximum(factor, 1))
    value = np.zeros(len(scaled), np.int64)
    np.multiply(scaled, factor, out=value, where=fits)
    return value, fits | ((factor == -1) & (scaled == 0))


def plain_volumes(values: Any, header_unit: str | None, np: Any, pa: Any, pc: Any) -> tuple[Any, Any] | None:
    """(each row's index into the values, thousandths of a byte of each: -1 for none) of a volume column whose
    cells are all whole numbers of up to 9 ASCII digits or empty (a bare number of the header's unit), without
    encoding every cell: each number is read as :func:`volume_codes` reads it (the same cast and arithmetic),
    and an empty cell as ``parse_volume_exact`` reads it. None for any other column, or one of those numbers
    not read exactly there."""
    if values is None:  # the file has no such column: no row has one
        return None
    lengths = [np.diff(np.frombuffer(c.buffers()[1], np.int32, len(c) + 1, c.offset * 4)) for c in values.chunks]
    size = np.concatenate(lengths) if len(lengths) != 1 else lengths[0]
    if not len(size) or int(size.max()) > 9:
        return None
    digits = pc.ascii_is_decimal(values).to_numpy(zero_copy_only=False)  # False for an empty cell
    if not (digits | (size == 0)).all():
        return None
    whole = pc.cast(values.filter(pa.array(digits)), pa.int64()).to_numpy(zero_copy_only=False)
    value, exact = _scaled(whole * 1000, np.int64(unit_factor("", header_unit)), np)
    if not exact.all():
        return None
    empty = or_none(parse_volume_exact, "", header_unit)
    idx = np.full(len(size), len(value), np.int32)  # the empty cells: after the numbers
    idx[digits] = np.arange(len(value), dtype=np.int32)
    return idx, np.append(value, -1 if empty is None else empty)


def volume_codes(distinct: list[str], header_unit: str | None, np: Any, pa: Any, pc: Any) -> Any:
    """Thousandths of a byte of each distinct volume cell (-1: parse_volume_exact refuses it)."""
    values = pa.array(distinct, pa.string())
    kb = np.full(len(distinct), -1, np.int64)
    parts = pc.extract_regex(values, _VOLUME)
    read = parts.is_valid().to_numpy(zero_copy_only=False)
    if read.any():
        got = parts.filter(pa.array(read))
        whole = pc.cast(pc.struct_field(got, [0]), pa.int64()).to_numpy(zero_copy_only=False)
        thousandths = pc.cast(pc.utf8_rpad(pc.struct_field(got, [1]), 3, "0"), pa.int64()).to_numpy(zero_copy_only=False)
        idx, written = distinct_values(pc.struct_field(got, [2]), 0, np, pc)
        factor = np.array([unit_factor(w, header_unit) for w in written], np.int64)[idx]
        value, exact = _scaled(whole * 1000 + thousandths, factor, np)
        where = np.flatnonzero(read)
        kb[where[exact]] = value[exact]
        read[where[~exact]] = False
    for i in np.flatnonzero(~read).tolist():
        kb[i] = -1 if (v := or_none(parse_volume_exact, distinct[i], header_unit)) is None else v
    return kb
