"""Spreadsheets (.xlsx) as CSV: one sheet's cells written as UTF-8 CSV text, row N on line N.

Usage, records and bill files may be ``.xlsx`` as operators export them. The
readers of :mod:`tariffcli.inputs` read CSV; :func:`sheet_as_csv` turns one
sheet (the first, or the one ``sheet`` names or numbers) into CSV bytes that
they read unchanged, and a source name ``file.xlsx[Sheet]`` so that every
message names the file, the sheet, the row (the CSV line is the sheet's row)
and the column (its header). openpyxl is imported only here, in read-only mode.

Limits are checked before the work: the uncompressed size of the workbook's
parts (a zip bomb is refused before any XML is parsed) and the sheet's
declared dimensions.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from tariffcli.model.errors import DataError, UsageError
from tariffcli.model.limits import MAX_COLUMNS

__all__ = ["MAX_CELLS", "MAX_UNPACKED", "is_xlsx", "sheet_as_csv"]

MAX_UNPACKED = 400_000_000
"""Most bytes of a workbook's parts once unpacked (a 50 MB sheet of records unpacks to about 300 MB)."""
MAX_CELLS = 20_000_000
"""Most cells (rows x columns, as the sheet declares them) read from one sheet."""


def is_xlsx(data: bytes, name: str) -> bool:
    """Whether the bytes are an .xlsx workbook (a zip with a workbook part), told by name and contents."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    if name.lower().endswith((".xlsx", ".xlsm")):
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "xl/workbook.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def _text(value: object) -> str:
    """A cell's value as the CSV readers expect it written."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != time() else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        whole = int(value.total_seconds())
        return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return " ".join(str(value).splitlines())  # one line per row, so the line is the row


def _check_size(data: bytes, source: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        raise DataError("this .xlsx file is damaged (not a readable zip); open it in Excel and save it again",
                        file=source, code="bad_xlsx") from None
    if unpacked > MAX_UNPACKED:
        raise DataError(f"the workbook unpacks to {unpacked:,} bytes; at most {MAX_UNPACKED:,} are read: "
                        "save the sheet as CSV", file=source, code="too_large")


def sheet_as_csv(data: bytes, source: str, sheet: str | None = None) -> tuple[bytes, str]:
    """(UTF-8 CSV bytes of one sheet, its source name ``file[sheet]``).

    ``sheet`` is a sheet's name or its number (1 = the first); default the first sheet.
    """
    _check_size(data, source)
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DataError(f"cannot read this .xlsx workbook ({exc}); open it in Excel and save it again, or save it "
                        "as CSV (UTF-8)", file=source, code="bad_xlsx") from None
    try:
        names = book.sheetnames
        chosen = _choose(names, sheet, source)
        ws = book[chosen]
        label = f"{source}[{chosen}]"
        rows, cols = ws.max_row or 0, ws.max_column or 0
        if cols > MAX_COLUMNS:
            raise DataError(f"the sheet has {cols:,} columns; at most {MAX_COLUMNS:,} are read", file=label,
                            code="too_many_columns")
        if rows * cols > MAX_CELLS:
            raise DataError(f"the sheet has {rows:,} rows x {cols:,} columns; at most {MAX_CELLS:,} cells are read: "
                            "split it, or save it as CSV", file=label, code="too_large")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for row in ws.iter_rows(values_only=True):
            cells = [_text(v) for v in row]
            while cells and cells[-1] == "":
                cells.pop()
            if len(cells) > MAX_COLUMNS:
                raise DataError(f"a row has {len(cells):,} cells; at most {MAX_COLUMNS:,} are read", file=label,
                                code="too_many_columns")
            writer.writerow(cells)
    finally:
        book.close()
    return out.getvalue().encode("utf-8"), label


def _choose(names: list[str], sheet: str | None, source: str) -> str:
    """The sheet ``sheet`` names or numbers (1-based), or the first."""
    if not names:
        raise DataError("the workbook has no sheet", file=source, code="empty")
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    if sheet.strip().isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1]
    shown = ", ".join(repr(n) for n in names)
    raise UsageError(f"{source}: no sheet {sheet!r}; the sheets are {shown} (or give a number, 1 = the first)",
                     field="sheet")
