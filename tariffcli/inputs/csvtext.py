"""Shared CSV text helpers of the input readers: bytes to text, text to records, cells to values.

The monthly-usage reader (:mod:`tariffcli.inputs.usage`), the itemized-records
reader (:mod:`tariffcli.inputs.records`), the bill reader
(:mod:`tariffcli.inputs.bills`) and the batch analyser all read CSV the same
way, with the helpers here:

* :func:`decode`: UTF-8, UTF-8 with a BOM, then GB18030 (GBK, GB2312), strictly;
  Excel, PDF, HTML/XML, UTF-16 and binary files are refused with what to do.
* :func:`split_records`: the delimiter sniffed from the first line (comma, tab or
  semicolon), non-blank records with the physical line each starts on.
* headers: :func:`norm`, :func:`word_key`, :func:`split_header` (a unit in the
  header), :func:`read_header`, :func:`missing_column`, :class:`Column`.
* cells: :class:`CellError`, :func:`parse_number`, :func:`parse_month_cell`,
  :func:`month_text`, and the unit word sets.
* problems: :func:`cell_message`, :func:`cell_problem`, :func:`raise_problems`
  (every problem at once, at most :data:`MAX_PROBLEMS`).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from tariffcli.model.errors import DataError, Problem
from tariffcli.model.limits import MAX_COLUMNS as MAX_COLUMNS
from tariffcli.model.limits import MAX_WARNINGS as MAX_WARNINGS
from tariffcli.model.limits import MAX_YEAR as MAX_YEAR
from tariffcli.model.limits import MIN_YEAR as MIN_YEAR

MAX_PROBLEMS = 20
"""At most this many problems are reported; the rest are counted."""
_MAX_MAGNITUDE = 12
"""Numbers of 10**13 and above, or below 10**-12 (other than 0), are refused before any arithmetic."""

MINUTE_UNITS = {"min", "mins", "minute", "minutes", "分钟", "分"}
"""Units (normalised) that mean minutes."""
SECOND_UNITS = {"s", "sec", "secs", "second", "seconds", "秒"}
"""Units (normalised) that mean seconds."""
TOTAL_WORDS = {"total", "sum", "合计", "总计", "小计", "汇总"}
"""Words (normalised) of a total row, which is refused rather than read as data."""


class _Lazy:
    """A regular expression compiled on first use: one that a common run never needs (a CJK header unit, months
    written another way, a file that is not UTF-8) costs nothing at import."""

    __slots__ = ("_pattern", "_compiled")

    def __init__(self, pattern: str) -> None:
        self._pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    def _get(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._pattern)
        return self._compiled

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self._get().fullmatch(text)

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self._get().search(text, pos)

    def findall(self, text: str) -> list[str]:
        return self._get().findall(text)


_HEADER_UNIT = re.compile(r"(?P<base>.+?)\s*[/_\-\s]\s*(?P<unit>kb|mb|gb|tb|min|mins|minutes|分钟|分|条|天|秒|seconds|second|secs|sec|s)")
_HEADER_PAREN = re.compile(r"(?P<base>.+?)\s*[(\[]\s*(?P<unit>[^()\[\]]*?)\s*[)\]]")
_HEADER_CJK_UNIT = _Lazy(r"(?P<base>.*[\u3400-\u9fff])(?P<unit>[a-z]+)")

_NUMBER = re.compile(r"(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(?P<unit>[^\d\s.,+-]\S*)?", re.IGNORECASE)
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*\S*")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+\s*\S*")
_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
_PLACEHOLDERS = {"-", "--", "—", "–", "n/a", "na", "null", "none", "无", "/"}

_MONTH_PATTERNS: tuple[re.Pattern[str] | _Lazy, ...] = (
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})"),
    _Lazy(r"(?P<y>\d{4})(?P<m>\d{2})"),
    _Lazy(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月份?"),
    _Lazy(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[ T](?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?)?"),
    _Lazy(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
)
_MONTH_FORMATS = "2025-03, 2025/03, 202503, 2025年3月 or 2025-03-01"


# ---------------------------------------------------------------- errors in cells


class CellError(Exception):
    """A cell that cannot be read: ``message`` says why (and what to write), ``code`` is the problem's code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def cell_message(message: str, header: str) -> str:
    """The message of a problem in a column, prefixed with the header when the header appears in it.

    :class:`Problem` prints ``field: message`` unless the field already appears in the
    message; this keeps that prefix even when a short header ('月') does.
    """
    return f"{header}: {message}" if header in message else message


def cell_problem(source: str, line: int, header: str, exc: CellError) -> Problem:
    """A problem in one cell: ``file:line: header: message``."""
    return Problem(cell_message(exc.message, header), file=source, line=line, field=header, code=exc.code)


def raise_problems(problems: list[Problem]) -> None:
    """Raise every problem at once (sorted by line, at most :data:`MAX_PROBLEMS` of them), if any."""
    if not problems:
        return
    problems = sorted(problems, key=lambda p: p.line or 0)
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        source = problems[0].file
        problems = problems[:MAX_PROBLEMS] + [Problem(f"... and {more} more problems", file=source, code="truncated")]
    raise DataError(problems)


# ---------------------------------------------------------------- bytes to records


def decode(data: bytes, source: str) -> str:
    """The text of a CSV file's bytes (UTF-8, UTF-8 with a BOM or GB18030), or a :class:`DataError` saying what to do."""
    refuse_binary(data, source)
    return _decode_text(data, source)


def refuse_binary(data: bytes, source: str) -> None:
    """The refusals of :func:`decode` that need no decoding: Excel, PDF, UTF-16, HTML/XML, NUL bytes."""

    def refuse(message: str, code: str = "not_csv") -> DataError:
        return DataError(message, file=source, code=code)

    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise refuse("this looks like an Excel file, not CSV; open it in Excel and save it as CSV (UTF-8)")
    if data.startswith(b"%PDF"):
        raise refuse("this is a PDF, not CSV; export the usage from your operator's app or website as CSV")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refuse("this file is UTF-16; save it as CSV in UTF-8", code="encoding")
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:16].lower()
    if head.startswith((b"<html", b"<!doctype", b"<?xml", b"<table")):
        raise refuse(
            "this looks like a web page (HTML) or an XML spreadsheet, not CSV; "
            "open it in a spreadsheet program and save it as CSV"
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        nul_line = data.count(b"\n", 0, nul) + 1
        raise refuse(
            f"the file contains NUL bytes (first at byte {nul}, line {nul_line}); "
            "it is binary or UTF-16, not a CSV text file: save it as CSV (UTF-8)",
        )


def is_utf8(data: bytes) -> bool:
    """Whether :func:`decode` reads the bytes as UTF-8 (with or without a BOM)."""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def _decode_text(data: bytes, source: str) -> str:
    """UTF-8 (BOM or not), else GB18030, else an error naming the first byte that is neither."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        if utf8_error.reason == "unexpected end of data" and utf8_error.end == len(data):
            raise _truncated(data, utf8_error.start, source) from None
        mixed = mixed_encodings(data)
        if mixed is not None:
            utf8_line, other_line = mixed
            raise DataError(
                f"the file mixes encodings: line {utf8_line} is UTF-8 but line {other_line} is not "
                "(GBK?); save the whole file as CSV in UTF-8",
                file=source,
                line=other_line,
                code="encoding",
            ) from None
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as gb_error:
            if gb_error.end == len(data) and 0x81 <= data[gb_error.start] <= 0xFE:
                raise _truncated(data, gb_error.start, source) from None
            at = utf8_error.start
            line = data.count(b"\n", 0, at) + 1
            raise DataError(
                f"the file is neither UTF-8 nor GB18030/GBK: byte 0x{data[at]:02x} at offset {at} "
                f"(line {line}) is not valid UTF-8; save the file as CSV in UTF-8",
                file=source,
                line=line,
                code="encoding",
            ) from None


def _truncated(data: bytes, at: int, source: str) -> DataError:
    """The error for a file cut short in the middle of a character at byte ``at``."""
    line = data.count(b"\n", 0, at) + 1
    return DataError(
        f"the file ends in the middle of a character (byte {at}): it looks cut short; "
        "export or copy it again",
        file=source,
        line=line,
        code="encoding",
    )


_ESCAPED = _Lazy("[\udc80-\udcff]")
"""What ``surrogateescape`` makes of a byte that is not UTF-8."""
_WIDE = _Lazy("[^\x00-\u07ff\ud800-\udfff]")
"""A character beyond U+07FF (Chinese, the BOM), not a surrogate."""


def mixed_encodings(data: bytes) -> tuple[int, int] | None:
    """(a UTF-8 line, a line that is not UTF-8) when the file plainly mixes the two, else None.

    A line counts as UTF-8 when it starts with the UTF-8 BOM or holds at least two
    characters beyond U+07FF (e.g. Chinese): GBK text is valid UTF-8 only by rare chance.
    The lines given are the first of each kind. (The file is decoded once with
    ``surrogateescape``: a line is UTF-8 when its part of the text has no escaped byte,
    and only lines with a character beyond U+07FF are looked at, so a large GBK file
    costs one regular-expression scan instead of a Python loop over its lines.)
    """
    text = data.decode("utf-8", "surrogateescape")
    bad = _ESCAPED.search(text)
    if bad is None:
        return None
    other_line = text.count("\n", 0, bad.start()) + 1
    pos = 0
    while (wide := _WIDE.search(text, pos)) is not None:
        start = text.rfind("\n", 0, wide.start()) + 1
        end = text.find("\n", wide.start())
        end = len(text) if end < 0 else end
        line = text[start:end]
        if _ESCAPED.search(line) is None and (line.startswith("\ufeff") or len(_WIDE.findall(line)) >= 2):
            return text.count("\n", 0, start) + 1, other_line
        pos = end + 1
    return None


def sniff_delimiter(lines: Iterable[str]) -> str:
    """The delimiter of a CSV text from its first non-blank line: a comma, else a tab, else a semicolon."""
    first = next((ln for ln in lines if ln.strip()), "")
    if "," not in first:
        if "\t" in first:
            return "\t"
        if ";" in first:
            return ";"
    return ","


def numbered_rows(lines: Iterable[str], delimiter: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank CSV record of ``lines`` with the physical line it starts on.

    A record of more than :data:`MAX_COLUMNS` cells, or one the csv module cannot read, is a
    :class:`DataError` at its line.
    """
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    previous = 0
    try:
        for cells in reader:
            start = previous + 1
            previous = reader.line_num
            if len(cells) > MAX_COLUMNS:
                raise too_many_columns(len(cells), source, start)
            if any(c.strip() for c in cells):
                yield start, cells
    except csv.Error as exc:
        raise DataError(
            f"cannot read the CSV here ({exc}); check the quotes on this line",
            file=source,
            line=previous + 1,
            code="not_csv",
        ) from None


def split_records(text: str, source: str) -> list[tuple[int, list[str]]]:
    """Non-blank CSV records with the physical line each starts on (delimiter sniffed from the first line)."""
    delimiter = sniff_delimiter(re.split(r"\r\n|\r|\n", text))
    return list(numbered_rows(io.StringIO(text, newline=""), delimiter, source))


def too_many_columns(count: int, source: str, line: int) -> DataError:
    """The error of a row of ``count`` cells, more than :data:`MAX_COLUMNS` (raised before any cell is read)."""
    return DataError(
        f"the row has {count:,} cells; at most {MAX_COLUMNS} columns are read: "
        "is this the right file, or is the separator wrong?",
        file=source, line=line, code="too_many_columns",
    )


def cap_warnings(warnings: list[str], source: str) -> list[str]:
    """The first :data:`MAX_WARNINGS` warnings, then one line counting the rest."""
    if len(warnings) <= MAX_WARNINGS:
        return warnings
    more = len(warnings) - MAX_WARNINGS
    return warnings[:MAX_WARNINGS] + [f"{source}: ... and {more:,} more warnings"]


# ---------------------------------------------------------------- headers


def norm(text: str) -> str:
    """``text`` as headers and words are compared: NFKC (full-width as ASCII), spaces collapsed, lower case."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


def word_key(text: str) -> str:
    """The lookup key of a normalised word: runs of spaces and hyphens as one underscore."""
    return re.sub(r"[\s\-]+", "_", text)


def split_header(label: str, aliases: Mapping[str, tuple[str, ...]]) -> tuple[str | None, str | None]:
    """(field, unit) of a header such as ``流量(KB)`` or ``duration_s``; field None when unknown."""
    field_of = _field_index(aliases)
    normal = norm(label)
    whole = field_of.get(word_key(normal))
    if whole:
        return whole, None
    for pattern in (_HEADER_PAREN, _HEADER_UNIT, _HEADER_CJK_UNIT):
        m = pattern.fullmatch(normal)
        if m:
            name = field_of.get(word_key(m.group("base")))
            if name:
                return name, m.group("unit").strip()
    return None, None


_INDEXES: dict[int, tuple[Mapping[str, tuple[str, ...]], dict[str, str]]] = {}
"""Lookup tables of alias tables, by ``id`` (alias tables are module constants: built once, not once per header)."""


def _field_index(aliases: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """``word_key(norm(alias)) -> field`` for an alias table."""
    hit = _INDEXES.get(id(aliases))
    if hit is not None and hit[0] is aliases:
        return hit[1]
    index = {word_key(norm(a)): name for name, words in aliases.items() for a in words}
    if len(_INDEXES) < 64:
        _INDEXES[id(aliases)] = (aliases, index)
    return index


@dataclass(frozen=True)
class Column:
    """A recognised column: its position, the header as written, and a unit from the header."""

    index: int
    header: str
    unit: str | None


def read_header(
    header: Sequence[str], line: int, source: str, aliases: Mapping[str, tuple[str, ...]], what: str
) -> tuple[dict[str, Column], list[Problem], list[str]]:
    """Columns by field, problems (duplicates) and warnings (ignored columns) of a header line."""
    columns: dict[str, Column] = {}
    problems: list[Problem] = []
    warnings: list[str] = []
    every = [a for words in aliases.values() for a in words]
    for index, raw in enumerate(header):
        label = raw.strip().lstrip("\ufeff").strip()
        if not label:
            continue
        name, unit = split_header(label, aliases)
        if name is None:
            hint = ""
            if len(warnings) < MAX_WARNINGS:  # a suggestion costs time: only for the warnings shown
                close = difflib.get_close_matches(word_key(norm(label)), every, n=1, cutoff=0.75)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
            warnings.append(f"{source}:{line}: column {label!r} is not {what} column and was ignored{hint}")
            continue
        if name in columns:
            problems.append(Problem(
                f"columns {columns[name].header!r} and {label!r} both give the {name}; keep one of them",
                file=source, line=line, field=label, code="duplicate_column",
            ))
            continue
        columns[name] = Column(index, label, unit)
    return columns, problems, cap_warnings(warnings, source)


def missing_column(name: str, aliases: Mapping[str, tuple[str, ...]], header: Sequence[str], line: int,
                   source: str, examples: str | None = None) -> Problem:
    """The problem of a required column that is missing, listing the headers found."""
    found = ", ".join(repr(h.strip().lstrip("\ufeff")) for h in header if h.strip()) or "none"
    shown = examples or ", ".join(aliases[name][:4])
    return Problem(f"no {name} column: add one with a header such as {shown} (headers found: {found})",
                   file=source, line=line, field=name, code="missing_column")


# ---------------------------------------------------------------- cells


def parse_number(text: str) -> tuple[Decimal, str | None]:
    """A non-negative finite number and its unit (as written) from a cell."""
    t = unicodedata.normalize("NFKC", text).strip()
    low = t.lower()
    if not t:
        raise CellError("the cell is empty; write 0 if there was no usage", "bad_value")
    if low in _PLACEHOLDERS:
        raise CellError(f"{text.strip()!r} is not a number; write 0 if there was no usage", "bad_value")
    if low.replace(" ", "") in _NOT_FINITE:
        raise CellError(f"{text.strip()!r} is not a finite number", "bad_value")
    if _THOUSANDS.fullmatch(t):
        if t.count(",") > 1:
            raise CellError(f"{t!r} has thousands separators; write {t.replace(',', '')!r}", "bad_value")
        raise CellError(
            f"{t!r} has a comma: write {t.replace(',', '')!r} if it separates thousands, "
            f"or {t.replace(',', '.')!r} if it is a decimal comma",
            "bad_value",
        )
    if _DECIMAL_COMMA.fullmatch(t):
        raise CellError(
            f"{t!r} uses a decimal comma; write {t.replace(',', '.')!r} "
            "(or, if the comma separates thousands, leave it out)",
            "bad_value",
        )
    m = _NUMBER.fullmatch(t)
    if not m:
        raise CellError(f"cannot read {t!r} as a number", "bad_value")
    try:
        value = Decimal(m.group("num"))
    except InvalidOperation:  # pragma: no cover - the regex only admits numbers
        raise CellError(f"cannot read {t!r} as a number", "bad_value") from None
    if value < 0:
        raise CellError(f"{t!r} is negative", "bad_value")
    if value.adjusted() > _MAX_MAGNITUDE:  # before int(): a million-digit number takes seconds to convert
        raise CellError(f"{t!r} is far too large for a month's usage", "out_of_range")
    if value and value.adjusted() < -_MAX_MAGNITUDE:
        raise CellError(f"{t!r} is too small to be a usage figure; write 0 if there was no usage", "bad_value")
    return value, m.group("unit")


def parse_month_cell(text: str) -> int:
    """The month of a cell (2025-03, 202503, 2025年3月, 2025-03-01...) as year * 12 + month - 1."""
    t = unicodedata.normalize("NFKC", text).strip()
    if not t:
        raise CellError("the month is empty", "bad_month")
    for pattern in _MONTH_PATTERNS:
        m = pattern.fullmatch(t)
        if not m:
            continue
        year, month = int(m.group("y")), int(m.group("m"))
        if not 1 <= month <= 12:
            raise CellError(f"{t!r} has month {month}; months run from 1 to 12", "bad_month")
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CellError(f"{t!r} has year {year}; expected a year between {MIN_YEAR} and {MAX_YEAR}", "bad_month")
        if "d" in m.groupdict():
            try:
                date(year, month, int(m.group("d")))
            except ValueError:
                raise CellError(f"{t!r} is not a valid date", "bad_month") from None
        if m.groupdict().get("h") is not None and not (
            int(m.group("h")) <= 23 and int(m.group("mi")) <= 59 and int(m.group("s") or 0) <= 59
        ):
            raise CellError(f"{t!r} has a time that does not exist; write e.g. 2025-03-01 or 2025-03", "bad_month")
        return year * 12 + month - 1
    if norm(t) in TOTAL_WORDS:
        raise CellError(f"{t!r} looks like a total row; delete it and keep one row per month", "bad_month")
    raise CellError(f"{t!r} is not a month; write it as {_MONTH_FORMATS}", "bad_month")


def month_text(index: int) -> str:
    """``YYYY-MM`` of a month index (year * 12 + month - 1)."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
