"""A chunk of batch input and the reading of its cells: Arrow columns -> checked numpy arrays.

A :class:`Chunk` is a table of input rows in the canonical columns of
:data:`tariffcli.batch.columns.FIELDS` and where each row came from, so a
problem names its file and line. The readers below turn one column into numpy
(month indices, whole units) and report every bad cell through
:class:`ChunkProblems`, up to :data:`MAX_PROBLEMS`. Month text is read by the
usage reader's own rule, :func:`tariffcli.inputs.csvtext.parse_month_cell`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from tariffcli.engine import I64
from tariffcli.inputs.csvtext import MAX_PROBLEMS, MAX_YEAR, MIN_YEAR, CellError, parse_month_cell
from tariffcli.model.errors import DataError, Problem

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

__all__ = ["Chunk", "ChunkProblems", "ceil_units", "cell_text", "month_index_of", "plain_ids", "read_numbers",
           "whole_units"]


@dataclass(frozen=True)
class Chunk:
    """Rows of the input, in canonical columns, and where each came from (for messages)."""

    table: pa.Table
    sources: tuple[str, ...] = ()
    """Names of the input files."""
    text: tuple[bool, ...] = ()
    """Per source: a text file with a header line, so row r is line r + 1."""
    src: npt.NDArray[np.int32] | None = None
    """Per row: index into ``sources``."""
    row: I64 | None = None
    """Per row: 1-based data row within its source."""

    @property
    def rows(self) -> int:
        return int(self.table.num_rows)

    def slice(self, start: int, stop: int) -> Chunk:
        if self.src is None or self.row is None:
            return Chunk(self.table.slice(start, stop - start), self.sources, self.text)
        return Chunk(self.table.slice(start, stop - start), self.sources, self.text,
                     self.src[start:stop], self.row[start:stop])

    def then(self, other: Chunk) -> Chunk:
        """This chunk's rows followed by ``other``'s."""
        import pyarrow as pa

        if self.rows == 0:
            return other
        table = pa.concat_tables([self.table, other.table], promote_options="permissive")
        if self.src is None or other.src is None or self.row is None or other.row is None:
            return Chunk(table)
        sources = list(self.sources)
        text = list(self.text)
        remap = []
        for name, is_text in zip(other.sources, other.text, strict=True):
            if name not in sources:
                sources.append(name)
                text.append(is_text)
            remap.append(sources.index(name))
        src = np.concatenate([self.src, np.asarray(remap, np.int32)[other.src]]) if remap else self.src
        return Chunk(table, tuple(sources), tuple(text), src, np.concatenate([self.row, other.row]))

    def where(self, i: int) -> tuple[str | None, int | None, str]:
        """(file, line, prefix) for row ``i``: a line in a text file, else 'row N: ' in the message."""
        if self.src is None or self.row is None:
            return None, None, ""
        s, r = int(self.src[i]), int(self.row[i])
        if self.text[s]:
            return self.sources[s], r + 1, ""
        return self.sources[s], None, f"row {r}: "


class ChunkProblems:
    """Problems of a chunk, up to :data:`MAX_PROBLEMS`, each located."""

    def __init__(self, chunk: Chunk, ids: Callable[[int], str], labels: dict[str, str] | None = None) -> None:
        self.chunk = chunk
        self.ids = ids
        self.labels = labels or {}
        self.items: list[Problem] = []
        self.more = 0

    def rows(self, bad: npt.NDArray[np.bool_], column: str, message: Callable[[int], str], code: str = "bad_value") -> None:
        """One problem per row where ``bad`` is true (``message(i)`` says what is wrong with row i)."""
        idx = np.flatnonzero(bad)
        room = max(MAX_PROBLEMS - len(self.items), 0)
        for i in idx[:room]:
            self.add(int(i), column, message(int(i)), code)
        self.more += max(idx.size - room, 0)

    def add(self, i: int, column: str, message: str, code: str = "bad_value") -> None:
        file, line, prefix = self.chunk.where(i)
        if file is None:
            prefix = f"subscriber {self.ids(i)}: "
        column = self.labels.get(column, column)
        self.items.append(Problem(f"{prefix}{column}: {message}", file=file, line=line, field=column, code=code))

    def raise_any(self) -> None:
        if self.items:
            items = list(self.items)
            if self.more:
                items.append(Problem(f"... and {self.more} more problem(s) like these", code="more"))
            raise DataError(items)


# ---------------------------------------------------------------- reading the columns of a chunk


def cell_text(values: pa.Array | pa.ChunkedArray, i: int) -> object:
    """Row ``i``'s value for a message (its text where Python cannot hold it, e.g. a timestamp in year 30000)."""
    try:
        return values[i].as_py()
    except (ValueError, OverflowError):
        return str(values[i])


def plain_ids(values: pa.Array | pa.ChunkedArray, column: str, problems: ChunkProblems, *, numbers: bool
              ) -> pa.Array:
    """An id column (subscriber, current_plan) as plain text or integers; anything else is a problem per row.

    Text may not hold a NUL byte (as in every other reader). Binary that is UTF-8 becomes text. With
    ``numbers`` (subscriber ids) integers and floats are kept as they are; without (plan ids) integers
    are read as text. A column of another type (a list, struct, map, date, boolean...) is reported on
    each row and read as empty text, so the checks after this one do not fail on it.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary.take(arr.indices) if pa.types.is_nested(arr.type.value_type) else arr.cast(
            arr.type.value_type)
    if pa.types.is_null(arr.type):
        return pa.nulls(len(arr), pa.string())
    if pa.types.is_binary(arr.type) or pa.types.is_large_binary(arr.type):
        try:
            arr = arr.cast(pa.string())
        except pa.ArrowInvalid:
            problems.rows(np.ones(len(arr), np.bool_), column, lambda i: "the ids are bytes, not UTF-8 text")
            return pa.array([""] * len(arr), pa.string())
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        nul = pc.fill_null(pc.match_substring(arr, "\x00"), False).to_numpy(zero_copy_only=False)
        problems.rows(nul, column, lambda i: f"{arr[i].as_py()!r} holds a NUL byte", "bad_value")
        return arr
    if pa.types.is_integer(arr.type) or (numbers and pa.types.is_floating(arr.type)):
        return arr if numbers else arr.cast(pa.string())
    kind = arr.type
    problems.rows(np.ones(len(arr), np.bool_), column,
                  lambda i: f"{kind} values are not ids; store the column as text", "bad_type")
    return pa.array([""] * len(arr), pa.string())


def month_index_of(values: pa.Array | pa.ChunkedArray, column: str, problems: ChunkProblems) -> tuple[I64, npt.NDArray[np.bool_]]:
    """Months as year * 12 + month - 1 (and which rows are null), from strings, YYYYMM numbers or dates."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    null = np.asarray(arr.is_null().to_numpy(zero_copy_only=False), np.bool_)
    n = len(arr)
    out = np.zeros(n, np.int64)
    if pa.types.is_date(arr.type) or pa.types.is_timestamp(arr.type):
        y = pc.fill_null(pc.year(arr), MIN_YEAR).to_numpy(zero_copy_only=False).astype(np.int64)
        m = pc.fill_null(pc.month(arr), 1).to_numpy(zero_copy_only=False).astype(np.int64)
        bad = ~null & ((y < MIN_YEAR) | (y > MAX_YEAR))
        problems.rows(bad, column, lambda i: f"{y[i]:04d}-{m[i]:02d} has year {y[i]}; expected a year between "
                                             f"{MIN_YEAR} and {MAX_YEAR}", "bad_month")
        out[:] = np.where(bad | null, 0, y * 12 + m - 1)
        return out, null
    if pa.types.is_integer(arr.type):
        wide = ~null & _above(arr, MAX_YEAR * 100 + 12)
        v = pc.fill_null(arr, 0).to_numpy().astype(np.int64)  # a uint64 past int64 wraps here: ``wide`` has it
        v[wide] = MAX_YEAR * 100 + 13
        y, m = v // 100, v % 100
        bad = ~null & ((m < 1) | (m > 12) | (y < MIN_YEAR) | (y > MAX_YEAR))
        problems.rows(bad, column, lambda i: f"{arr[i].as_py()} is not a month between {MIN_YEAR}-01 and {MAX_YEAR}-12; "
                                             "write YYYYMM or YYYY-MM", "bad_month")
        out[:] = np.where(bad, 0, y * 12 + m - 1)
        return out, null
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        problems.rows(~null, column, lambda i: f"{arr.type} values are not months; write YYYY-MM", "bad_month")
        return out, null
    enc = pc.dictionary_encode(arr)
    texts = enc.dictionary.to_pylist()
    lookup = np.zeros(len(texts), np.int64)
    errors: dict[int, str] = {}
    for k, t in enumerate(texts):
        try:
            lookup[k] = parse_month_cell(t)
        except CellError as exc:
            errors[k] = exc.message
    codes = pc.fill_null(enc.indices, 0).to_numpy().astype(np.intp)
    if errors:
        bad_codes = np.zeros(len(texts), np.bool_)
        bad_codes[list(errors)] = True
        problems.rows(~null & bad_codes[codes], column, lambda i: errors[int(codes[i])], "bad_month")
    out[:] = lookup[codes] if len(texts) else 0
    return out, null


TOO_LARGE = 10**13
"""Numbers above this are refused as far too large before they are cast to int64 (as the usage reader does)."""

_NUMBER = r"^\+?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
"""A plain number (after trimming spaces), as Arrow's cast to float64 reads it."""


def read_numbers(values: pa.Array | pa.ChunkedArray, column: str, problems: ChunkProblems, *, optional: bool
             ) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]:
    """A numeric column as numpy (int64 or float64) and its null mask; text and negative values are problems."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        try:
            arr = pc.cast(arr, pa.float64())
        except pa.ArrowInvalid:  # find the cells that are not plain numbers
            texts = arr
            arr = pc.utf8_trim_whitespace(arr)  # Arrow's cast takes no spaces around a number
            arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
            ok = pc.fill_null(pc.match_substring_regex(arr, _NUMBER), True).to_numpy(zero_copy_only=False)
            problems.rows(~ok, column, lambda i: f"{texts[i].as_py()!r} is not a plain number "
                                                 "(give the unit in the header, e.g. data_mb, not in the cell)")
            arr = pc.if_else(pa.array(ok), arr, pa.scalar("0", arr.type)).cast(pa.float64())  # reported above
    elif pa.types.is_boolean(arr.type) or not (pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type)
                                               or pa.types.is_decimal(arr.type)):
        problems.rows(np.ones(len(arr), np.bool_), column, lambda i: f"{arr.type} values are not numbers")
        return np.zeros(len(arr), np.int64), np.zeros(len(arr), np.bool_)
    elif pa.types.is_decimal(arr.type):
        arr = arr.cast(pa.float64())
    null = np.asarray(arr.is_null().to_numpy(zero_copy_only=False), np.bool_)
    if pa.types.is_integer(arr.type):  # before numpy's int64: a uint64 past 2**63 - 1 would wrap to negative
        big = _above(arr, TOO_LARGE)
        if big.any():
            problems.rows(big, column, lambda i: f"{arr[i].as_py()} is far too large for a month's usage", "out_of_range")
            arr = pc.if_else(pa.array(big), pa.scalar(0, arr.type), arr)
    if pa.types.is_floating(arr.type):
        v = pc.fill_null(arr, 0.0).to_numpy().astype(np.float64)
        nan = ~np.isfinite(v)
        problems.rows(nan & ~null, column, lambda i: f"{v[i]} is not a finite number")
        v[nan] = 0.0
        null |= nan if optional else np.zeros_like(nan)
    else:
        v = pc.fill_null(arr, 0).to_numpy().astype(np.int64)
    if not optional:
        problems.rows(null, column, lambda i: "the cell is empty; write 0 if there was no usage")
    problems.rows(v < 0, column, lambda i: f"{_show(v[i])} is negative")
    return v, null


def _above(arr: pa.Array, limit: int) -> npt.NDArray[np.bool_]:
    """Which values of an integer array exceed ``limit``, compared in the array's own type (no wrap)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if limit >= np.iinfo(arr.type.to_pandas_dtype()).max:
        return np.zeros(len(arr), np.bool_)
    return np.asarray(pc.fill_null(pc.greater(arr, pa.scalar(limit, arr.type)), False)
                      .to_numpy(zero_copy_only=False), np.bool_)


def _show(x: Any) -> str:
    """A value as the input wrote it: 3, not 3.0."""
    x = x.item() if hasattr(x, "item") else x
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def whole_units(v: npt.NDArray[Any], column: str, what: str, problems: ChunkProblems) -> I64:
    """Whole units; a fraction is a problem, and so is a value past :data:`TOO_LARGE` (before the cast wraps)."""
    if v.dtype.kind == "f":
        big = v > TOO_LARGE
        problems.rows(big, column, lambda i: f"{_show(v[i])} is far too large for a month's usage", "out_of_range")
        problems.rows(~big & (v != np.floor(v)), column, lambda i: f"{_show(v[i])} is not a whole number of {what}")
        v = np.floor(np.where(big | (v < 0), 0, v))  # negatives were reported by read_numbers
    return v.astype(np.int64)


def ceil_units(v: npt.NDArray[Any], factor: int, limit: int, column: str, what: str, problems: ChunkProblems) -> I64:
    """Whole units, part units rounded up; values past ``limit`` (in units) are problems."""
    if v.dtype.kind == "f":
        big = v > limit / factor  # not v * factor: 1e308 * 1024 overflows
        problems.rows(big, column, lambda i: f"{_show(v[i])} is {what}")
        out = np.ceil(np.where(big | (v < 0), 0, v) * factor)  # exact: factor is a power of two (or 1)
        return out.astype(np.int64)
    big = v > limit // factor
    problems.rows(big, column, lambda i: f"{_show(v[i])} is {what}")
    return np.where(big, 0, v).astype(np.int64) * factor
