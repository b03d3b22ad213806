"""A batch output that is a directory of Parquet part files, each written by the process that made its rows.

``batch --out DIR/`` (a path that is a directory or ends with ``/``) writes
``DIR/part-00000.parquet``, ``DIR/part-00001.parquet``, ... With ``--engine dask``
each worker writes its own partition's rows (:class:`PartWriter`, sent to the
workers), so no output row passes through the client; with the local engine each
chunk is one part. Every part is first written to a hidden temporary name in DIR
(``.part-<k>.<token>.tmp``, named by the client, so it knows every name a worker
may create); :meth:`OutputDir.commit` renames them, in partition order, to
``part-00000.parquet`` ... once every partition is done; :meth:`OutputDir.abort`
removes them (and DIR, when this run created it). DIR must be new or empty:
nothing already there is overwritten or mixed with the parts.
``pyarrow.parquet.read_table(DIR)`` reads the rows of the single-file output.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffcli.batch.files import for_files
from tariffcli.inputs.files import track_temp, untrack_temp
from tariffcli.model.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

__all__ = ["OutputDir", "PartWriter", "check_output_dir", "is_directory_output"]


def is_directory_output(raw: str) -> bool:
    """Whether ``--out`` names a directory: it ends with a path separator, or is an existing directory."""
    return raw.endswith(("/", os.sep)) or Path(raw).is_dir()


def check_output_dir(path: Path, inputs: list[Path]) -> None:
    """Refuse (exit 2) an output directory that is a file, not empty, holds or is an input, has no parent, or is
    named like a CSV or JSON lines file (``out.csv/``: the parts are Parquet)."""
    name = f"--out {path}/"
    if path.suffix.lower() in (".csv", ".txt", ".jsonl", ".ndjson", ".json"):  # meant a file of that format
        raise UsageError(f"--out {path}: is a directory; a directory gets Parquet parts, so give a directory "
                         f"name without {path.suffix}, or a file name", field="out")
    if path.exists() and not path.is_dir():
        raise UsageError(f"{name}: is not a directory", field="out")
    real = path.resolve()
    for f in inputs:
        r = f.resolve()
        if r == real or real in r.parents:
            raise UsageError(f"{name}: holds the input {f}; write the parts elsewhere", field="out")
    if path.is_dir():
        try:
            with os.scandir(path) as entries:
                taken = next(entries, None)
        except OSError as exc:
            raise UsageError(f"{name}: cannot read the directory ({exc.strerror or exc})", field="out") from None
        if taken is not None:
            raise UsageError(f"{name}: is not empty ({taken.name} is there); give a new or empty directory, "
                             "so the parts are never mixed with other files", field="out")
        if not os.access(path, os.W_OK | os.X_OK):
            raise UsageError(f"{name}: cannot write there (permission denied)", field="out")
    elif not path.parent.is_dir():
        raise UsageError(f"{name}: no such directory {path.parent}", field="out")


@dataclass(frozen=True)
class PartWriter:
    """What a worker needs to write one partition's rows as a temporary part file in the output directory."""

    directory: str
    token: str
    top: int
    extra_money: tuple[str, ...]
    schema: Any
    """The parts' Arrow schema (amounts as decimals), so every part reads back as one table."""

    def temp(self, index: int) -> str:
        """The temporary name of partition ``index``'s part."""
        return os.path.join(self.directory, f".part-{index:05d}.{self.token}.tmp")

    def write(self, table: pa.Table, index: int) -> str:
        """Write ``table`` (analyser output, amounts in fen) as partition ``index``'s temporary part; its name."""
        import pyarrow.parquet as pq

        out = for_files(table, self.top, self.extra_money)
        if out.schema != self.schema:
            out = out.cast(self.schema)  # e.g. a column that is all null in this partition
        tmp = self.temp(index)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as fh:
                pq.write_table(out, fh, compression="zstd")
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return tmp


class OutputDir:
    """A directory of part files, committed all at once (see the module's doc).

    :meth:`write` makes the next part in this process (the local engine);
    :attr:`writer` goes to the Dask workers, which report their parts with :meth:`add`.
    """

    def __init__(self, path: Path, top: int, extra_money: tuple[str, ...], empty: pa.Table) -> None:
        self.path = path
        self.created = not path.exists()
        try:
            path.mkdir(exist_ok=True)
        except OSError as exc:
            raise UsageError(f"--out {path}/: cannot create the directory ({exc.strerror or exc})",
                             field="out") from None
        self.writer = PartWriter(str(path.resolve()), secrets.token_hex(6), top, extra_money,
                                 for_files(empty, top, extra_money).schema)
        self.empty = empty
        self.parts: dict[int, str] = {}
        self.tried = 0
        """Partitions a temporary part may exist for (0 .. tried-1): :meth:`abort` removes them all."""
        self.done: list[str] = []
        self.rows = 0

    def reserve(self, partitions: int) -> None:
        """Partitions ``0 .. partitions-1`` may write temporary parts (on workers): removed on SIGINT/SIGTERM/SIGHUP."""
        for k in range(self.tried, partitions):
            track_temp(self.writer.temp(k))
        self.tried = max(self.tried, partitions)

    def add(self, index: int, tmp: str, rows: int) -> None:
        """A worker wrote partition ``index``'s part at ``tmp``."""
        self.parts[index] = tmp
        self.rows += rows

    def write(self, table: pa.Table) -> None:
        """The next partition's rows, written in this process."""
        index = len(self.parts)
        self.reserve(index + 1)
        try:
            self.add(index, self.writer.write(table, index), table.num_rows)
        except OSError as exc:
            raise self.cannot(exc) from None

    def cannot(self, exc: OSError) -> UsageError:
        why = os.strerror(exc.errno) if exc.errno else exc.strerror or str(exc)
        return UsageError(f"--out {self.path}/: cannot write ({why})", field="out")

    def commit(self) -> None:
        """Rename the parts, in partition order, to ``part-00000.parquet`` ...; one empty part when there are none."""
        if not self.parts:
            self.write(self.empty)
        try:
            for n, index in enumerate(sorted(self.parts)):
                final = os.path.join(self.writer.directory, f"part-{n:05d}.parquet")
                track_temp(final)  # until every part is in place
                os.replace(self.parts[index], final)
                self.done.append(final)
            fd = os.open(self.writer.directory, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            self.abort()
            raise self.cannot(exc) from None
        self._untrack()

    def _untrack(self) -> None:
        for name in [*self.done, *(self.writer.temp(k) for k in range(self.tried))]:
            untrack_temp(name)

    def discard(self) -> None:
        """Remove the temporary parts written so far; the partitions start again from 0."""
        for name in self.parts.values():
            with contextlib.suppress(OSError):
                os.unlink(name)
        self.parts.clear()
        self.rows = 0

    def abort(self) -> None:
        """Remove every part this run may have made (temporary or renamed), and DIR if this run created it."""
        for name in [*self.done, *(self.writer.temp(k) for k in range(self.tried)), *self.parts.values()]:
            with contextlib.suppress(OSError):
                os.unlink(name)
        self._untrack()
        if self.created:
            with contextlib.suppress(OSError):
                os.rmdir(self.path)
