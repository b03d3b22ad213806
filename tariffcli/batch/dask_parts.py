"""Partitions of a Parquet input read by the Dask workers themselves, with no shuffle, when rows come grouped.

An operator's extract is usually sorted (or at least grouped) by subscriber, as
the local engine needs. Then each partition is a run of consecutive row groups
(:func:`plan_parts`, from the files' footers only), and a worker reads its own
row groups straight from the files (:func:`analyse_part`): it leaves out the
rows at its start that continue the previous partition's last subscriber and
reads on, past its end, the rest of its own last subscriber's rows, so every
subscriber is billed once, by one worker, with no data moved between workers.
The client gets back each partition's summary and 64-bit subscriber keys
(8 bytes per subscriber) first; a key in two partitions means the input is not
grouped, and the caller shuffles instead (:mod:`tariffcli.batch.dask_cluster`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from tariffcli.batch.analyser import Analyser
from tariffcli.batch.chunks import Chunk
from tariffcli.batch.files import InputSpec, parquet_errors
from tariffcli.batch.local import subscriber_keys
from tariffcli.batch.summary import Summary
from tariffcli.model.errors import DataError, Problem

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

__all__ = ["Part", "PartResult", "analyse_part", "plan_parts", "repeated_keys"]


@dataclass(frozen=True)
class Part:
    """Row groups ``start:stop`` of the input's row groups in input order (all files), and how to read them."""

    files: tuple[str, ...]
    groups: tuple[tuple[int, int, int], ...]
    """Every row group of the input: (file index, row group, first row of the group in its file)."""
    start: int
    stop: int
    source: tuple[str, ...]
    """Input columns to read."""
    renames: tuple[tuple[str, str], ...]
    """Input name -> canonical name."""


@dataclass(frozen=True)
class PartResult:
    """What a worker sends back first: the counts, and each subscriber's 64-bit key (to check grouping)."""

    summary: Summary
    keys: npt.NDArray[np.uint64]


def plan_parts(spec: InputSpec, wanted: int) -> list[Part]:
    """About ``wanted`` partitions of whole row groups with about the same number of rows (footers only)."""
    import pyarrow.parquet as pq

    groups: list[tuple[int, int, int]] = []
    sizes: list[int] = []
    for f, path in enumerate(spec.files):
        try:
            meta = pq.ParquetFile(path).metadata
        except parquet_errors() as exc:
            raise DataError(f"cannot read as Parquet: {exc}", file=str(path), code="not_parquet") from None
        first = 0
        for g in range(meta.num_row_groups):
            n = meta.row_group(g).num_rows
            groups.append((f, g, first))
            sizes.append(n)
            first += n
    total = sum(sizes)
    files = tuple(str(p.resolve()) for p in spec.files)
    source = tuple(spec.columns.source())
    renames = tuple(spec.columns.renames().items())
    if not groups:
        return []
    target = max(1, -(-total // max(wanted, 1)))
    parts, start, rows = [], 0, 0
    for k, n in enumerate(sizes):
        rows += n
        if rows >= target or k == len(sizes) - 1:
            parts.append(Part(files, tuple(groups), start, k + 1, source, renames))
            start, rows = k + 1, 0
    return parts


class _Reader:
    """Row groups of a :class:`Part`'s input, each file opened once."""

    def __init__(self, part: Part) -> None:
        self.part = part
        self.handles: dict[int, Any] = {}

    def read(self, k: int, columns: list[str], head: int | None = None) -> pa.Table:
        """Row group ``k``'s ``columns`` (only about its first ``head`` rows decoded, when given)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        f, g, _ = self.part.groups[k]
        name = self.part.files[f]
        try:
            if f not in self.handles:
                self.handles[f] = pq.ParquetFile(name)
            if head is None:
                table = self.handles[f].read_row_group(g, columns=columns)
            else:  # a few rows that finish the previous part's subscriber: not the whole row group
                batches = self.handles[f].iter_batches(batch_size=max(head, 1), row_groups=[g], columns=columns)
                first = next(batches, None)
                table = (pa.Table.from_batches([first]) if first is not None
                         else self.handles[f].read_row_group(g, columns=columns)).slice(0, head)
            table.validate(full=True)  # damaged pages can hold text that is not UTF-8 (no checksum)
        except parquet_errors() as exc:
            raise DataError(Problem(f"cannot read the Parquet file: {exc}", file=name, code="bad_parquet")) from None
        return table

    def ids(self, k: int) -> pa.ChunkedArray:
        subscriber = dict((v, k) for k, v in self.part.renames)["subscriber"]
        return self.read(k, [subscriber]).column(0)

    def chunk(self, k: int, stop: int | None = None) -> Chunk:
        """Row group ``k`` (its first ``stop`` rows) as a chunk in the canonical columns, rows located."""
        import pyarrow as pa

        table = self.read(k, list(self.part.source), stop)
        renames = dict(self.part.renames)
        table = table.rename_columns([renames[c] for c in table.column_names])
        for i, fld in enumerate(table.schema):
            if pa.types.is_dictionary(fld.type):  # a categorical column: plain values
                table = table.set_column(i, fld.name, table.column(i).cast(fld.type.value_type))
        f, _, first = self.part.groups[k]
        n = table.num_rows
        return Chunk(table, self.part.files, (False,) * len(self.part.files), np.full(n, f, np.int32),
                     np.arange(first + 1, first + n + 1, dtype=np.int64))


def _leading_run(ids: pa.ChunkedArray | pa.Array, value: pa.Scalar) -> int:
    """How many of the first ids equal ``value`` (a null id equals nothing).

    Looks at a window that doubles while every id in it matches: a subscriber has a few rows, so
    this reads a few thousand ids, not the whole row group.
    """
    import pyarrow.compute as pc

    if not value.is_valid:
        return 0
    n, window = len(ids), 2048
    while True:
        head = ids.slice(0, min(window, n))
        same = np.asarray(pc.equal(head, value).to_numpy(zero_copy_only=False)) == True  # noqa: E712 - nulls: no
        if not same.all():
            return int(np.argmin(same))
        if len(head) == n:
            return n
        window *= 4


def _rows(part: Part, reader: _Reader) -> Chunk | None:
    """The part's rows: its row groups, less the previous part's last subscriber, plus the rest of its own."""
    whole: Chunk | None = None
    for k in range(part.start, part.stop):
        c = reader.chunk(k)
        whole = c if whole is None else whole.then(c)
    if whole is None or whole.rows == 0:
        return None
    if part.start > 0:
        prev = reader.ids(part.start - 1)
        if len(prev):
            skip = _leading_run(whole.table.column("subscriber"), prev[len(prev) - 1])
            whole = whole.slice(skip, whole.rows)
    if whole.rows == 0:
        return None
    ids = whole.table.column("subscriber")
    last = ids[len(ids) - 1]
    k = part.stop
    while k < len(part.groups):  # the last subscriber's rows that the next row groups start with
        next_ids = reader.ids(k)
        run = _leading_run(next_ids, last)
        if run == 0:
            break
        whole = whole.then(reader.chunk(k, run))
        if run < len(next_ids):
            break
        k += 1
    return whole


def analyse_part(part: Part, analyser: Analyser) -> tuple[PartResult, pa.Table]:
    """What a worker runs: read the part's rows, bill them, and return the counts and keys, and the output rows."""
    reader = _Reader(part)
    chunk = _rows(part, reader)
    summary = Summary()
    if chunk is None:  # every row continues the previous part's last subscriber
        empty = analyser.analyse(reader.chunk(part.start, 0))
        return PartResult(summary, np.zeros(0, np.uint64)), empty
    out = analyser.analyse(chunk)
    summary.add(out)
    return PartResult(summary, subscriber_keys(out.column("subscriber").combine_chunks())), out


def repeated_keys(keys: list[npt.NDArray[np.uint64]]) -> bool:
    """Whether some key is in two of the lists (each list's keys are distinct: one output row per subscriber)."""
    every = np.concatenate(keys) if keys else np.zeros(0, np.uint64)
    every.sort()
    return bool(every.size > 1 and (every[1:] == every[:-1]).any())
