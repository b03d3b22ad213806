"""The file side of batch analysis: CSV and Parquet in, Parquet, CSV or JSON lines out.

Thin on purpose: everything that decides a number is in :mod:`tariffcli.batch.analyser`.
Here paths become Arrow tables (in chunks, so memory stays bounded) and output
tables become files (written to a temporary file beside the target and renamed
at the end, so an interrupted run never leaves a partial output). pyarrow is
imported inside the functions. The Dask engine, which reads the input on its
workers, is :mod:`tariffcli.batch.dask_cluster`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tariffcli.batch import paths
from tariffcli.batch.arrowtext import json_lines
from tariffcli.batch.chunks import Chunk
from tariffcli.batch.columns import InputColumns, money_columns, output_columns, resolve_columns
from tariffcli.inputs.csvtext import decode
from tariffcli.inputs.files import check_sheet, commit_temp, discard_temp, new_temp
from tariffcli.model.cells import FORMULA_GUARD, FORMULA_START
from tariffcli.model.errors import DataError, Problem, UsageError

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

__all__ = ["ChunkReader", "InputSpec", "OutputFile", "csv_safe", "fen_to_decimal", "for_files", "input_files", "parquet_errors",
           "open_input", "output_format"]

PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv", ".txt")
HEAD_BYTES = 1 << 16
"""A CSV's encoding and separator are told from its first 64 KiB; its header line must fit in them."""
MAX_COLUMNS = 1_000
"""Columns in a batch input (CSV header or Parquet schema) at most."""
OUTPUT_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl",
                  ".json": "jsonl"}


# ---------------------------------------------------------------- input


@dataclass(frozen=True)
class InputSpec:
    """The files of one batch input and what their columns mean."""

    files: tuple[Path, ...]
    format: str
    """'parquet' or 'csv'."""
    columns: InputColumns
    rows: int | None
    """Total rows, when the format says (Parquet); else None."""
    size: int
    """Total bytes."""
    encoding: str = "utf8"
    """CSV only: 'utf8' (with or without BOM) or 'gb18030'."""
    delimiter: str = ","
    """CSV only: ',', a tab or ';' (sniffed from the header line)."""
    table: Any = None
    """'records' only: the monthly rows totalled from the record files (:mod:`tariffcli.batch.records_input`)."""
    warnings: tuple[str, ...] = ()
    """'records' only: what reading the record files assumed or left out."""


def _format_of(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    return None


def input_files(pattern: str) -> tuple[Path, ...]:
    """A file, every CSV/Parquet file in a directory, or the files a glob pattern matches: sorted, each real
    file once, symlink loops followed once (:func:`tariffcli.batch.paths.input_files`)."""
    return paths.input_files(pattern, PARQUET_SUFFIXES + CSV_SUFFIXES + (".xlsx",))


def _sample(path: Path) -> bytes:
    """The first whole lines of a CSV file, at most :data:`HEAD_BYTES` (the whole file when it is smaller)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES + 1)
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror}", file=str(path), code="io") from None
    if len(head) <= HEAD_BYTES:
        return head
    end = head.rfind(b"\n", 0, HEAD_BYTES)
    if end < 0:
        raise DataError(f"the first line is longer than {HEAD_BYTES:,} bytes; is this a CSV file?",
                        file=str(path), line=1, code="not_csv")
    return head[: end + 1]


def _csv_header(path: Path) -> tuple[list[str], str, str]:
    """(header cells, encoding, delimiter) of a CSV file, by the usage reader's rules.

    The encoding is UTF-8 (with or without BOM) or GB18030/GBK, told from the
    first :data:`HEAD_BYTES`; UTF-16, Excel, PDF, HTML, Parquet and binary files
    are refused naming what they are (:func:`tariffcli.inputs.csvtext.decode`).
    A NUL byte after the header line is left to the row checks, which name its
    line. The delimiter is sniffed from the header line: a comma, else a tab,
    else a semicolon.
    """
    head = _sample(path)
    if head.startswith(b"PAR1"):
        raise DataError("this is a Parquet file; name it .parquet", file=str(path), code="not_csv")
    first_end = head.find(b"\n")
    nul = head.find(b"\x00")
    if nul >= 0 and 0 <= first_end < nul and head.count(b"\x00") * 16 < len(head):
        head = head.replace(b"\x00", b" ")  # a NUL in a row (not UTF-16): reported with its line later
    text = decode(head, str(path))  # every refusal names the encoding or the kind of file
    try:
        head.decode("utf-8-sig")
        encoding = "utf8"
    except UnicodeDecodeError:
        encoding = "gb18030"
    first = next((ln for ln in re.split(r"\r\n|\r|\n", text) if ln.strip()), "")
    if not first.strip():
        raise DataError("the file is empty; expected a header line such as "
                        "'subscriber,month,voice_min,sms,data_mb'", file=str(path), code="empty")
    delimiter = ","
    if "," not in first:
        delimiter = "\t" if "\t" in first else ";" if ";" in first else ","
    header = next(csv.reader([first.lstrip("\ufeff")], delimiter=delimiter))
    if len(header) > MAX_COLUMNS:
        raise DataError(f"{len(header):,} columns; a batch input has at most {MAX_COLUMNS:,}",
                        file=str(path), line=1, code="too_many_columns")
    return header, encoding, delimiter


def _check_schema(schema: pa.Schema, names: list[str], source: str) -> None:
    """Refuse a Parquet column that batch reads (``names``) whose type is nested: a list, struct, map or union."""
    import pyarrow as pa

    problems = []
    for name in names:
        t = schema.field(name).type
        value = t.value_type if pa.types.is_dictionary(t) else t
        if pa.types.is_nested(value):
            problems.append(Problem(f"column '{name}' holds {value} values (a nested type); batch reads plain "
                                    "values: text, numbers or dates", file=source, field=name, code="nested_type"))
    if problems:
        raise DataError(problems)


def parquet_errors() -> tuple[type[Exception], ...]:
    """What pyarrow raises for a damaged or unreadable Parquet file.

    ArrowInvalid: not Parquet at all, empty or truncated (no magic bytes, a footer
    longer than the file); OSError (``pa.ArrowIOError`` is OSError): metadata or
    page headers that do not deserialize, pages that do not decompress, a file
    that cannot be opened; ArrowNotImplementedError: a type or encoding pyarrow
    cannot read; UnicodeDecodeError: column names in damaged metadata that are not
    UTF-8. Anything else is a bug and keeps its traceback.
    """
    import pyarrow as pa

    return (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError, UnicodeDecodeError)


def open_input(pattern: str, files: tuple[Path, ...] | None = None, record_columns: list[str] | None = None,
               sheet: str | None = None) -> InputSpec:
    """Find the input files (unless given) and read their header or schema; every file must have the same columns.

    Itemized-records files (a date or start-time column; or ``record_columns``, ``--columns`` mappings) are
    read whole and totalled per subscriber and month (:mod:`tariffcli.batch.records_input`).
    """
    import pyarrow.parquet as pq

    from tariffcli.batch import records_input

    files = input_files(pattern) if files is None else files
    check_sheet(files, sheet)
    if record_columns or any(f.suffix.lower() == ".xlsx" or (_format_of(f) == "csv" and records_input.are_records(
            _sample(f), str(f))) for f in files):
        records = records_input.read_records(files, record_columns, sheet)
        table = records_input.monthly_table(records)
        return InputSpec(files, "records", InputColumns(records_input.COLUMNS, "KB"), table.num_rows,
                         sum(f.stat().st_size for f in files), table=table, warnings=records.warnings)
    formats: set[str] = set()
    for f in files:
        kind = _format_of(f)
        if kind is None:
            raise UsageError(f"{f}: give a .csv or .parquet file", field="input")
        formats.add(kind)
    if len(formats) > 1:
        raise UsageError("the input mixes CSV and Parquet files; give one kind", field="input")
    fmt = formats.pop()
    rows: int | None = 0
    encoding, delimiter = "utf8", ","
    columns: InputColumns | None = None
    for f in files:
        if fmt == "parquet":
            try:
                meta = pq.ParquetFile(f)
                header = meta.schema_arrow.names
            except parquet_errors() as exc:
                raise DataError(f"cannot read as Parquet: {exc}", file=str(f), code="not_parquet") from None
            if len(header) > MAX_COLUMNS:
                raise DataError(f"{len(header):,} columns; a batch input has at most {MAX_COLUMNS:,}",
                                file=str(f), code="too_many_columns")
            rows = (rows or 0) + meta.metadata.num_rows
        else:
            header, file_encoding, file_delimiter = _csv_header(f)
            if f != files[0] and (file_encoding, file_delimiter) != (encoding, delimiter):
                raise DataError(f"the encoding or separator differs from that of {files[0]}; save every file "
                                "alike", file=str(f), code="columns_differ")
            encoding, delimiter, rows = file_encoding, file_delimiter, None
        these = resolve_columns(header, str(f))
        if fmt == "parquet":
            _check_schema(meta.schema_arrow, these.source(), str(f))
        if columns is None:
            columns = these
        elif these.names != columns.names or these.data_unit != columns.data_unit:
            raise DataError(f"the columns differ from those of {files[0]}", file=str(f), code="columns_differ")
    if columns is None:  # pragma: no cover - input_files never returns no file
        raise UsageError("no input", field="input")
    return InputSpec(files, fmt, columns, rows, sum(f.stat().st_size for f in files), encoding, delimiter)


class _Counting(io.RawIOBase):
    """A binary file that counts the bytes read from it (for the progress bar)."""

    def __init__(self, raw: io.BufferedReader, counter: list[int]) -> None:
        self.raw, self.counter = raw, counter

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)
        self.counter[0] += n or 0
        return n or 0

    def close(self) -> None:
        self.raw.close()
        super().close()


class ChunkReader:
    """Reads an input in chunks of about ``chunk_rows`` rows, as :class:`tariffcli.batch.chunks.Chunk` s.

    ``position`` and ``total`` measure progress: rows for Parquet, bytes for CSV.
    """

    def __init__(self, spec: InputSpec, chunk_rows: int = 500_000) -> None:
        self.spec = spec
        self.chunk_rows = chunk_rows
        self._bytes = [0]
        self._rows = 0
        self.unit = "bytes" if spec.format == "csv" else "rows"
        self.total = spec.size if spec.format == "csv" else spec.rows

    @property
    def position(self) -> int:
        return self._bytes[0] if self.spec.format == "csv" else self._rows

    def __iter__(self) -> Iterator[Chunk]:
        renames = self.spec.columns.renames()
        if self.spec.table is not None:  # monthly rows totalled from record files
            table = self.spec.table.select([c for c in self.spec.table.column_names if c in renames])
            table = table.rename_columns([renames[c] for c in table.column_names])
            for start in range(0, table.num_rows, self.chunk_rows):
                part = table.slice(start, self.chunk_rows)
                self._rows += part.num_rows
                yield Chunk(part, (str(self.spec.files[0]),), (False,), np.zeros(part.num_rows, np.int32),
                            np.arange(start + 1, start + part.num_rows + 1, dtype=np.int64))
            return
        for f in self.spec.files:
            row = 1
            for batch in self._batches(f):
                import pyarrow as pa

                table = pa.Table.from_batches([batch]).rename_columns([renames[c] for c in batch.schema.names])
                for i, fld in enumerate(table.schema):
                    if pa.types.is_dictionary(fld.type):  # a categorical column: plain values
                        table = table.set_column(i, fld.name, table.column(i).cast(fld.type.value_type))
                n = table.num_rows
                self._rows += n
                yield Chunk(table, (str(f),), (self.spec.format == "csv",), np.zeros(n, np.int32),
                            np.arange(row, row + n, dtype=np.int64))
                row += n

    def _batches(self, f: Path) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        wanted = self.spec.columns.source()
        if self.spec.format == "parquet":
            import pyarrow.parquet as pq

            batches = pq.ParquetFile(f).iter_batches(batch_size=self.chunk_rows, columns=wanted)
            while True:  # the footer was read by open_input; a damaged page shows only here
                try:
                    batch = next(batches)
                    batch.validate(full=True)  # damaged pages can hold text that is not UTF-8 (no checksum)
                except StopIteration:
                    return
                except parquet_errors() as exc:
                    raise DataError(Problem(f"cannot read the Parquet file: {exc}", file=str(f),
                                            code="bad_parquet")) from None
                yield batch
        import pyarrow.csv as pcsv

        # every column as text: the core reads numbers itself, so a bad cell is reported with its line
        convert = pcsv.ConvertOptions(include_columns=wanted, strings_can_be_null=True,
                                      column_types=dict.fromkeys(wanted, pa.string()))
        read = pcsv.ReadOptions(block_size=max(1 << 20, min(self.chunk_rows * 48, 1 << 26)), encoding=self.spec.encoding)
        parse = pcsv.ParseOptions(delimiter=self.spec.delimiter)
        raw = _Counting(f.open("rb"), self._bytes)
        try:
            reader = pcsv.open_csv(raw, read_options=read, parse_options=parse, convert_options=convert)
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                yield batch
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise _csv_error(exc, f, self.spec.encoding) from None
        finally:
            raw.close()


def _csv_error(exc: Exception, f: Path, encoding: str) -> DataError:
    """The error for a CSV that Arrow cannot read past its first 64 KiB (bad bytes, a broken row)."""
    if isinstance(exc, UnicodeDecodeError) or "invalid UTF8" in str(exc):
        name = "GB18030/GBK" if encoding == "gb18030" else "UTF-8"
        return DataError(Problem(f"the file starts as {name} text but is not {name} throughout; save the whole "
                                 "file as CSV in UTF-8", file=str(f), code="encoding"))
    return DataError(Problem(f"cannot read the CSV: {exc}", file=str(f), code="bad_csv"))


# ---------------------------------------------------------------- output


def fen_to_decimal(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """int64 fen (nullable) -> decimal128(18, 2), exactly (the fen become the decimal's unscaled value)."""
    import pyarrow as pa

    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    fen = np.asarray(arr.fill_null(0).to_numpy(zero_copy_only=False), np.int64)
    data = np.stack([fen, fen >> 63], axis=1)  # 128-bit little-endian two's complement
    valid = None if arr.null_count == 0 else pa.array(arr.is_valid().to_numpy(zero_copy_only=False)).buffers()[1]
    return pa.Array.from_buffers(pa.decimal128(18, 2), len(fen), [valid, pa.py_buffer(data.tobytes())])


def for_files(table: pa.Table, top: int, extra_money: tuple[str, ...] = ()) -> pa.Table:
    """An output table with its amounts as decimals (``extra_money``: more amount columns, e.g. ``--wide``'s)."""
    money = set(money_columns(top)) | set(extra_money)
    cols = [fen_to_decimal(table.column(c)) if c in money else table.column(c) for c in table.column_names]
    return type(table).from_arrays(cols, names=table.column_names)


def output_format(path: Path) -> str:
    fmt = OUTPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(f"--out {path}: name the file .parquet, .csv or .jsonl", field="out")
    return fmt


class OutputFile:
    """One output file, written to a temporary file beside it and renamed by :meth:`commit`.

    Until then the target is untouched: an error or an interrupt leaves
    whatever was there before (nothing, or the last complete run's output).
    """

    def __init__(self, path: Path, top: int, extra_money: tuple[str, ...] = (), empty: pa.Table | None = None) -> None:
        self.path = path
        self.extra_money = extra_money
        self.empty = empty
        """What an output without rows holds (default: the columns for ``top``)."""
        self.format = output_format(path)
        self.top = top
        directory = path.parent if str(path.parent) else Path(".")
        if not directory.is_dir():
            raise UsageError(f"--out {path}: no such directory {directory}", field="out")
        try:
            fd, self.tmp = new_temp(path)  # removed on SIGINT, SIGTERM and SIGHUP
        except OSError as exc:
            raise UsageError(f"--out {path}: cannot write there ({exc.strerror or exc})", field="out") from None
        os.close(fd)
        self._writer: Any = None
        self._schema: pa.Schema | None = None
        self._fh: Any = None
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        """Append ``table``'s rows; a write error (a full disk, ``ulimit -f``) is a :class:`UsageError`."""
        try:
            self._write(table)
        except OSError as exc:
            raise self._cannot(exc) from None

    def _cannot(self, exc: OSError) -> UsageError:
        why = os.strerror(exc.errno) if exc.errno else exc.strerror or str(exc)  # Arrow's own text is long
        return UsageError(f"--out {self.path}: cannot write ({why})", field="out")

    def _write(self, table: pa.Table) -> None:
        import pyarrow as pa

        out = for_files(table, self.top, self.extra_money)
        if self._schema is None:
            self._schema = out.schema
        elif out.schema != self._schema:
            out = out.cast(self._schema)  # e.g. a column that was all null in the first chunk
        if self.format == "parquet":
            import pyarrow.parquet as pq

            if self._writer is None:
                self._writer = pq.ParquetWriter(self.tmp, out.schema, compression="zstd")
            self._writer.write_table(out)
        elif self.format == "csv":
            import pyarrow.csv as pcsv

            if self._writer is None:
                self._writer = pcsv.CSVWriter(str(self.tmp), out.schema,
                                              write_options=pcsv.WriteOptions(quoting_style="needed"))
            self._writer.write_table(csv_safe(out))
        else:
            if self._fh is None:
                self._fh = self.tmp.open("wb")
            money = set(money_columns(self.top)) | set(self.extra_money)
            cols = [out.column(c).cast(pa.string()) if c in money else out.column(c) for c in out.column_names]
            self._fh.write(json_lines(pa.table(cols, names=out.column_names)))
        self.rows += table.num_rows

    def _close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None

    def commit(self) -> None:
        """Finish the file and put it in place (its mode: the existing target's, else 0666 less the umask)."""
        if self._writer is None and self._fh is None:
            self.write(_empty_output(self.top) if self.empty is None else self.empty)
        try:
            self._close()
            commit_temp(self.tmp, self.path)
        except OSError as exc:
            raise self._cannot(exc) from None

    def abort(self) -> None:
        """Drop the partial output; called only while another error is on its way out (``cli_batch``)."""
        # Broad on purpose: that other error is the one to report (a full disk, bad input, Ctrl-C). Whatever
        # closing a file that is about to be deleted raises (OSError, an Arrow error from the writer's
        # last flush, ...) would replace it, so it is dropped.
        with contextlib.suppress(Exception):
            self._close()
        discard_temp(self.tmp)


def csv_safe(table: pa.Table) -> pa.Table:
    """``table`` with each text cell that a spreadsheet would run as a formula neutralised, for CSV output.

    The rule is :func:`tariffcli.model.cells.neutralise_formula`'s, which compare,
    plans list and baskets use for their CSV: a cell starting with ``= + - @``, a
    tab or a carriage return gets a leading apostrophe. Here it is applied to
    whole Arrow columns (an extract of phone numbers may start every cell with
    ``+``). Other columns, and tables with nothing to change, are returned as
    they are.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = list(table.columns)
    changed = False
    for k, col in enumerate(table.columns):
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            continue
        for start in FORMULA_START:
            hit = pc.fill_null(pc.starts_with(col, start), False)
            if not pc.any(hit).as_py():
                continue
            prefix = pa.scalar(FORMULA_GUARD, col.type)
            cols[k] = pc.if_else(hit, pc.binary_join_element_wise(prefix, col, pa.scalar("", col.type)), cols[k])
            changed = True
    return pa.Table.from_arrays(cols, schema=table.schema) if changed else table


def _empty_output(top: int) -> pa.Table:
    import pyarrow as pa

    money = set(money_columns(top))
    types = {"months": pa.int32()}
    return pa.schema([pa.field(c, pa.int64() if c in money else types.get(c, pa.string()))
                      for c in output_columns(top)]).empty_table()
