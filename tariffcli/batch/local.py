"""The local engine: an input's chunks analysed in order, in this process, each subscriber once.

A subscriber's rows may straddle two chunks (the trailing run of one chunk is
carried over to the next, at most :data:`MAX_ROWS_PER_SUBSCRIBER` rows) but
must come together; 64-bit hashes of the subscribers already written catch one
that comes back later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from tariffcli.batch.analyser import Analyser
from tariffcli.batch.arrowtext import without_pandas
from tariffcli.batch.chunks import Chunk
from tariffcli.batch.summary import Summary
from tariffcli.inputs.csvtext import MAX_PROBLEMS, MAX_YEAR, MIN_YEAR
from tariffcli.model.errors import DataError, Problem

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

__all__ = ["MAX_ROWS_PER_SUBSCRIBER", "run_local", "subscriber_keys"]

MAX_ROWS_PER_SUBSCRIBER = (MAX_YEAR - MIN_YEAR + 1) * 12
"""One row per month from 1990-01 to 2100-12: a run of one subscriber's rows longer than this has a
duplicate month, so the rows carried from chunk to chunk stay bounded (no input makes one subscriber's
rows pile up in memory)."""


class _Seen:
    """64-bit hashes of the subscribers already written, to catch one whose rows are not together.

    The keys are :func:`subscriber_keys`.
    """

    def __init__(self) -> None:
        self.hashes = np.zeros(0, np.uint64)

    def check(self, ids: pa.Array, chunk: Chunk, first_row_of: Callable[[int], int]) -> None:
        h = subscriber_keys(ids)
        if self.hashes.size:
            pos = np.searchsorted(self.hashes, h)
            hit = (pos < self.hashes.size) & (self.hashes[np.minimum(pos, self.hashes.size - 1)] == h)
            if hit.any():
                k = int(np.argmax(hit))
                file, line, prefix = chunk.where(first_row_of(k))
                raise DataError(Problem(
                    f"{prefix}subscriber {ids[k].as_py()!r} appears again after other subscribers' rows; "
                    "the local engine needs each subscriber's rows together: sort the input by subscriber, "
                    "or use --engine dask", file=file, line=line, field="subscriber", code="not_grouped"))
        self.hashes = np.sort(np.concatenate([self.hashes, h]))


def subscriber_keys(ids: pa.Array) -> npt.NDArray[np.uint64]:
    """A 64-bit key per subscriber id, the same in every process (ids are never null here: an empty id is
    refused before). Integer and float ids are their own 64 bits; text is hashed (FNV-1a over its bytes)."""
    import pyarrow as pa

    if pa.types.is_integer(ids.type):
        return np.asarray(ids.to_numpy(zero_copy_only=False)).astype(np.int64).view(np.uint64)
    if pa.types.is_floating(ids.type):
        return np.asarray(ids.to_numpy(zero_copy_only=False)).astype(np.float64).view(np.uint64)
    return _text_keys(ids.cast(pa.large_string()))


_FNV_OFFSET, _FNV_PRIME = np.uint64(0xCBF29CE484222325), np.uint64(0x100000001B3)


def _text_keys(text: pa.Array) -> npt.NDArray[np.uint64]:
    """FNV-1a of each string's UTF-8 bytes, then of its length; vectorised over the strings, a byte at a time."""
    n = len(text)
    offsets = np.frombuffer(text.buffers()[1], np.int64, n + 1, text.offset * 8)
    data = np.frombuffer(text.buffers()[2], np.uint8) if text.buffers()[2] is not None else np.zeros(1, np.uint8)
    lengths = np.diff(offsets)
    h = np.full(n, _FNV_OFFSET, np.uint64)
    if n and (lengths == lengths[0]).all():  # ids of one length (the usual): a (n, length) view of the bytes
        width = int(lengths[0])
        rows = data[int(offsets[0]): int(offsets[0]) + n * width].reshape(n, width)
        for j in range(width):
            h ^= rows[:, j]
            h *= _FNV_PRIME
        return (h ^ lengths.astype(np.uint64)) * _FNV_PRIME
    for j in range(int(lengths.max()) if n else 0):
        has = lengths > j
        byte = np.where(has, data[np.minimum(offsets[:-1] + j, max(data.size - 1, 0))], 0).astype(np.uint64)
        h = np.where(has, (h ^ byte) * _FNV_PRIME, h)
    return (h ^ lengths.astype(np.uint64)) * _FNV_PRIME


def _last_run_start(ids: pa.ChunkedArray | pa.Array) -> int:
    """Index where the trailing run of equal subscriber ids starts (looking back only as far as needed)."""
    import pyarrow.compute as pc

    n = len(ids)
    last = ids[n - 1]
    if not last.is_valid:
        return n - 1
    span = 1024
    while True:
        lo = max(n - span, 0)
        same = pc.fill_null(pc.equal(ids.slice(lo), last), False).to_numpy(zero_copy_only=False)
        differ = np.flatnonzero(~same)
        if differ.size:
            return lo + int(differ[-1]) + 1
        if lo == 0:
            return 0
        span *= 8


def run_local(chunks: Iterable[Chunk], analyser: Analyser, write: Callable[[pa.Table], None],
              progress: Callable[[int], None] | None = None) -> Summary:
    """Analyse ``chunks`` in order, each subscriber once, and hand each output table to ``write``.

    A subscriber's rows may straddle two chunks (they are carried over) but must
    come together: a subscriber seen again after others is a :class:`DataError`
    (nothing is written past it; the I/O layer then drops the partial output).
    ``progress`` is told how many input rows each step consumed.
    """
    with without_pandas():  # nothing here needs pandas, and pyarrow would import it (0.3 s) to look for it
        return _run(chunks, analyser, write, progress)


def _run(chunks: Iterable[Chunk], analyser: Analyser, write: Callable[[pa.Table], None],
         progress: Callable[[int], None] | None) -> Summary:
    """:func:`run_local`'s body."""
    summary = Summary()
    seen = _Seen()
    carry: Chunk | None = None
    problems: list[Problem] = []

    def emit(part: Chunk) -> None:
        if problems:  # after a bad chunk, only look for more problems to report them all at once
            try:
                analyser.analyse(part, check_only=True)
            except DataError as exc:
                problems.extend(exc.problems)
            return
        try:
            out = analyser.analyse(part)
            ids = out.column("subscriber").combine_chunks()
            seen.check(ids, part, lambda k: _first_rows(part)[k])
        except DataError as exc:
            problems.extend(exc.problems)
            return
        summary.add(out)
        write(out)
        if progress is not None:
            progress(part.rows)

    for chunk in chunks:
        if chunk.rows == 0:
            continue
        whole = carry.then(chunk) if carry is not None else chunk
        cut = _last_run_start(whole.table.column("subscriber"))
        if cut > 0:
            emit(whole.slice(0, cut))
        carry = whole.slice(cut, whole.rows)
        if carry.rows > MAX_ROWS_PER_SUBSCRIBER:  # duplicate months for sure: reported now, not carried on
            emit(carry)
            carry = None
        if len(problems) >= MAX_PROBLEMS:
            break
    else:
        if carry is not None and carry.rows:
            emit(carry)
    if problems:
        shown = [p for p in problems if p.code != "more"][:MAX_PROBLEMS]
        if len(shown) < len(problems):
            shown.append(Problem("... and more problems like these", code="more"))
        raise DataError(shown)
    return summary


def _first_rows(part: Chunk) -> npt.NDArray[np.intp]:
    """Row of each subscriber's first appearance in ``part``, in output order."""
    import pyarrow.compute as pc

    col = part.table.column("subscriber").combine_chunks()
    codes = pc.dictionary_encode(col).indices.to_numpy(zero_copy_only=False)
    return np.unique(codes, return_index=True)[1]
