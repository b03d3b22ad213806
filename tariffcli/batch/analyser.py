"""Batch analysis: the usage of many subscribers -> the cheapest plans for each, as ``compare`` computes them.

The core of ``tariffcli batch``. It never opens a file (:mod:`tariffcli.batch.files`
reads and writes) and never imports typer or rich. Data flows like this:

1. The I/O layer reads the input in chunks, as Arrow tables whose columns carry
   the canonical names of :data:`FIELDS` (:func:`resolve_columns` maps the
   file's header onto them).
2. :meth:`Analyser.analyse` is the per-partition function, run as it is by the
   local engine (:func:`run_local`) and by Dask workers: it checks a table of
   whole subscribers, projects each subscriber's usage over the horizon with
   the rule of :func:`tariffcli.compare.ranking.project_usage` (vectorised here, and
   tested against it), bills every plan with :func:`tariffcli.engine.simulate_totals`
   (the kernel ``compare`` uses) and returns one row per subscriber.
3. :class:`Summary` adds the rows up as they come: how many subscribers would
   save, the median and total saving, by operator and by current plan.

Amounts in the output tables are integer fen (the I/O layer writes them as
decimals). Memory is bounded by the chunk size, not by the input size: a
chunk's working arrays are (plans x months x subscribers) blocks that fit the
CPU cache, and only 8 bytes per subscriber are kept across chunks (for the
median saving and the check that each subscriber's rows come together).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from tariffcli.engine import I64, CompiledPlans, UsageMatrix, compile_plans, simulate_totals
from tariffcli.inputs.usage import MAX_DATA_KB, MAX_PROBLEMS, MAX_SMS, MAX_VOICE_MIN
from tariffcli.model.errors import DataError, Problem, UsageError
from tariffcli.model.months import first_day, month_range, parse_month
from tariffcli.model.plan import Plan
from tariffcli.model.units import KB_PER

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

__all__ = [
    "FIELDS", "MONEY_COLUMNS", "Analyser", "Chunk", "InputColumns", "Summary", "SummaryReport", "SummaryRow",
    "output_columns", "project", "resolve_columns", "run_local",
]

FIELDS = ("subscriber", "month", "voice_min", "sms", "data", "app_data", "data_days", "current_plan", "current_since")
"""Canonical input columns; the first five are required."""
REQUIRED = FIELDS[:5]

_ALIASES: dict[str, tuple[str, ...]] = {
    "subscriber": ("subscriber", "subscriber_id", "subscriber id", "user_id", "customer_id", "msisdn", "id",
                   "用户", "用户id", "用户编号", "号码"),
    "month": ("month", "billing_month", "月份", "账期", "月"),
    "voice_min": ("voice_min", "voice", "minutes", "voice_minutes", "通话分钟", "通话时长"),
    "sms": ("sms", "短信", "短信条数"),
    "data_days": ("data_days", "days_with_data", "上网天数"),
    "current_plan": ("current_plan", "plan", "plan_id", "当前套餐"),
    "current_since": ("current_since", "plan_since", "套餐开始"),
}
_UNIT_COLUMN = re.compile(r"^(?P<base>data|app_data|流量|定向流量)\s*[_\s(\[]?\s*(?P<unit>kb|mb|gb)\s*[)\]]?$")
_UNIT_BASE = {"data": "data", "流量": "data", "app_data": "app_data", "定向流量": "app_data"}


def _norm(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().lower()


@dataclass(frozen=True)
class InputColumns:
    """Which column of the input holds each field, and the unit of the data columns."""

    names: dict[str, str]
    """Canonical field -> the column's name in the input."""
    data_unit: str
    """'KB', 'MB' or 'GB', from the header (data_mb ...)."""
    app_data_unit: str | None = None
    ignored: tuple[str, ...] = ()
    """Input columns that are not read."""

    def source(self) -> list[str]:
        """The input columns to read, in :data:`FIELDS` order."""
        return [self.names[f] for f in FIELDS if f in self.names]

    def renames(self) -> dict[str, str]:
        """Input name -> canonical name."""
        return {v: k for k, v in self.names.items()}


def resolve_columns(header: Sequence[str], source: str) -> InputColumns:
    """Map an input's column names onto :data:`FIELDS`; every problem is reported at once.

    Data columns carry their unit in the name: ``data_mb``, ``data_gb``, ``app_data_kb``, ``流量(MB)``.
    """
    names: dict[str, str] = {}
    units: dict[str, str] = {}
    problems: list[Problem] = []
    ignored: list[str] = []
    unitless: set[str] = set()
    alias = {a: f for f, aliases in _ALIASES.items() for a in aliases}
    for col in header:
        key = _norm(col)
        m = _UNIT_COLUMN.match(key)
        if m:
            f, unit = _UNIT_BASE[m.group("base")], m.group("unit").upper()
        elif key in ("data", "流量", "app_data", "定向流量"):
            unitless.add(_UNIT_BASE[key])
            problems.append(Problem(f"column '{col}' has no unit; name it {key}_mb (or _kb, _gb)",
                                    file=source, line=1, field=col, code="bad_unit"))
            continue
        elif key in alias:
            f, unit = alias[key], ""
        else:
            ignored.append(col)
            continue
        if f in names:
            problems.append(Problem(f"columns '{names[f]}' and '{col}' both give {f}; keep one",
                                    file=source, line=1, field=col, code="duplicate_column"))
            continue
        names[f] = col
        if unit:
            units[f] = unit
    for f in REQUIRED:
        if f not in names and f not in unitless:
            hint = "data_mb (or data_kb, data_gb)" if f == "data" else f
            problems.append(Problem(f"missing column '{hint}'; batch input needs subscriber, month, voice_min, sms "
                                    "and data_mb (plus optional app_data_mb, data_days, current_plan, current_since)",
                                    file=source, line=1, field=f, code="missing_column"))
    if problems:
        raise DataError(problems)
    return InputColumns(names, units["data"], units.get("app_data"), tuple(ignored))


# ---------------------------------------------------------------- where rows came from


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


class _Problems:
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


def _month_index_of(values: pa.Array | pa.ChunkedArray, column: str, problems: _Problems) -> tuple[I64, npt.NDArray[np.bool_]]:
    """Months as year * 12 + month - 1 (and which rows are null), from strings, YYYYMM numbers or dates."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from tariffcli.inputs.usage import _CellError, _parse_month

    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    null = np.asarray(arr.is_null().to_numpy(zero_copy_only=False), np.bool_)
    n = len(arr)
    out = np.zeros(n, np.int64)
    if pa.types.is_date(arr.type) or pa.types.is_timestamp(arr.type):
        y = pc.year(arr).to_numpy(zero_copy_only=False)
        m = pc.month(arr).to_numpy(zero_copy_only=False)
        ok = ~null
        out[ok] = y[ok].astype(np.int64) * 12 + m[ok].astype(np.int64) - 1
        return out, null
    if pa.types.is_integer(arr.type):
        v = pc.fill_null(arr, 0).to_numpy().astype(np.int64)
        y, m = v // 100, v % 100
        bad = ~null & ((m < 1) | (m > 12) | (y < 1990) | (y > 2100))
        problems.rows(bad, column, lambda i: f"{v[i]} is not a month; write YYYYMM or YYYY-MM", "bad_month")
        out[:] = y * 12 + m - 1
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
            lookup[k] = _parse_month(t)
        except _CellError as exc:
            errors[k] = exc.message
    codes = pc.fill_null(enc.indices, 0).to_numpy().astype(np.intp)
    if errors:
        bad_codes = np.zeros(len(texts), np.bool_)
        bad_codes[list(errors)] = True
        problems.rows(~null & bad_codes[codes], column, lambda i: errors[int(codes[i])], "bad_month")
    out[:] = lookup[codes] if len(texts) else 0
    return out, null


_NUMBER = r"^\s*\+?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$"


def _numbers(values: pa.Array | pa.ChunkedArray, column: str, problems: _Problems, *, optional: bool
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
            arr = pc.if_else(pc.equal(pc.utf8_trim_whitespace(arr), ""), pa.scalar(None, arr.type), arr)
            ok = pc.fill_null(pc.match_substring_regex(arr, _NUMBER), True).to_numpy(zero_copy_only=False)
            texts = arr
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


def _show(x: Any) -> str:
    """A value as the input wrote it: 3, not 3.0."""
    x = x.item() if hasattr(x, "item") else x
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def _whole(v: npt.NDArray[Any], column: str, what: str, problems: _Problems) -> I64:
    if v.dtype.kind == "f":
        problems.rows(v != np.floor(v), column, lambda i: f"{_show(v[i])} is not a whole number of {what}")
        v = np.floor(v)
    return v.astype(np.int64)


def _ceil(v: npt.NDArray[Any], factor: int, limit: int, column: str, what: str, problems: _Problems) -> I64:
    """Whole units, part units rounded up; values past ``limit`` (in units) are problems."""
    if v.dtype.kind == "f":
        big = v * factor > limit
        problems.rows(big, column, lambda i: f"{_show(v[i])} is {what}")
        out = np.ceil(np.where(big, 0, v) * factor)  # exact: factor is a power of two (or 1)
        return out.astype(np.int64)
    big = v > limit // factor
    problems.rows(big, column, lambda i: f"{_show(v[i])} is {what}")
    return np.where(big, 0, v).astype(np.int64) * factor


# ---------------------------------------------------------------- the projection rule, vectorised


def project(codes: I64, month: I64, values: dict[str, I64], data_days: I64, subscribers: int,
            months: Sequence[str]) -> tuple[UsageMatrix, npt.NDArray[np.bool_]]:
    """Usage of every subscriber over ``months``: :func:`tariffcli.compare.ranking.project_usage`, vectorised.

    Rows must be sorted by subscriber code (0 .. subscribers-1, each present) and
    month. ``values`` holds 'voice_min', 'sms', 'data_kb', 'app_data_kb' per row;
    ``data_days`` is -1 where not given. The rule, per subscriber and month: the
    usage of the same calendar month in the history (the most recent one), else
    the mean of all history months rounded up; days with data likewise, from the
    months that give them, capped at the days of the month; where unknown, every
    day of the month. Returns the usage and whether data days are known, (H, N).
    """
    n = codes.size
    N = subscribers
    key = codes * 12 + month % 12
    last = np.full(N * 12, -1, np.int64)
    np.maximum.at(last, key, np.arange(n, dtype=np.int64))  # rows are in month order: the latest wins
    cal = np.array([parse_month(m)[1] - 1 for m in months], np.intp)
    pick = last.reshape(N, 12)[:, cal].T  # (H, N): history row of the same calendar month, or -1
    found = pick >= 0
    row = np.where(found, pick, 0)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if n else np.zeros(0, np.intp)
    count = np.diff(np.r_[starts, n])
    out: dict[str, I64] = {}
    for name, col in values.items():
        mean_up = -(-np.add.reduceat(col, starts) // count) if n else np.zeros(0, np.int64)
        out[name] = np.where(found, col[row], mean_up[None, :]).astype(np.int64)
    month_days = np.array([_days_in(m) for m in months], np.int64)[:, None]
    given = data_days >= 0
    days = np.where(given, data_days, 0)
    n_given = np.add.reduceat(given.astype(np.int64), starts) if n else np.zeros(0, np.int64)
    sum_given = np.add.reduceat(days, starts) if n else np.zeros(0, np.int64)
    mean_days = np.where(n_given > 0, -(-sum_given // np.maximum(n_given, 1)), 0)
    known = np.where(found, given[row], (n_given == count)[None, :])
    d = np.where(found, days[row], mean_days[None, :])
    d = np.where(known, np.minimum(d, month_days), month_days)
    usage = UsageMatrix(tuple(months), out["voice_min"], out["sms"], out["data_kb"], out["app_data_kb"],
                        d.astype(np.int64))
    return usage, known


def _days_in(m: str) -> int:
    import calendar

    y, mo = parse_month(m)
    return calendar.monthrange(y, mo)[1]


# ---------------------------------------------------------------- the per-partition function


def output_columns(top: int) -> tuple[str, ...]:
    """Columns of the per-subscriber output, in order."""
    best = tuple(c for k in range(1, top + 1) for c in (f"plan_{k}", f"cost_{k}"))
    return ("subscriber", "months", "current_plan", "current_cost", *best, "saving")


def money_columns(top: int) -> tuple[str, ...]:
    """Output columns that hold amounts (fen in the core, decimals in files)."""
    return ("current_cost", *(f"cost_{k}" for k in range(1, top + 1)), "saving")


MONEY_COLUMNS = money_columns(1)


_NO_COLUMN = -2
"""``_Rows.plan`` when the input has no current_plan column."""


@dataclass(frozen=True)
class _Rows:
    """A chunk's rows, checked and in whole units (KB for data), sorted by subscriber and month."""

    ids: pa.Array
    """Subscriber ids in order of first appearance; ``codes`` index into them."""
    codes: I64
    month: I64
    """Year * 12 + month - 1."""
    voice: I64
    sms: I64
    data: I64
    app: I64
    days: I64
    """Days with data; -1 where not given."""
    plan: I64
    """Current plan per row: index into ``plan_names``, -1 none, ``_NO_COLUMN`` no column."""
    first: I64
    """The current plan's own month number at the first simulated month."""
    plan_names: list[str]


class Analyser:
    """Bill every subscriber of a table on every plan; the one function both engines run per partition.

    ``plans`` are the candidates (those on sale on the first day of ``start``
    are ranked, in id order, exactly as :func:`tariffcli.compare.ranking.compare`
    does); ``known`` are the plans a ``current_plan`` column may name (default:
    ``plans``). Compiled plans are cached for the life of the object, so a run
    compiles each plan once, whatever the number of chunks. The object pickles
    without its caches (for Dask workers).
    """

    def __init__(self, plans: Sequence[Plan], *, start: str, horizon: int = 12, top: int = 1,
                 data_unit: str = "MB", app_data_unit: str | None = None, known: Sequence[Plan] | None = None,
                 labels: dict[str, str] | None = None) -> None:
        if horizon < 1 or horizon > 600:
            raise UsageError("--horizon must be between 1 and 600 months", field="horizon")
        if top < 1:
            raise UsageError("--top must be at least 1", field="top")
        try:
            parse_month(start)
        except ValueError as exc:
            raise UsageError(str(exc), field="start") from None
        day: date = first_day(start)
        ordered = sorted(plans, key=lambda p: p.id)
        self.candidates: tuple[Plan, ...] = tuple(p for p in ordered if p.on_sale(day))
        self.excluded: tuple[Plan, ...] = tuple(p for p in ordered if not p.on_sale(day))
        if not self.candidates:
            raise UsageError(f"no plan is on sale in {start}; nothing to compare", field="plans")
        currencies = sorted({p.currency for p in self.candidates})
        if len(currencies) > 1:
            raise DataError(Problem(f"plans in one comparison must share a currency; found {', '.join(currencies)}",
                                    file=self.candidates[0].origin, code="currency_mismatch"))
        self.currency = currencies[0]
        self.known = {p.id: p for p in (known if known is not None else plans)}
        self.start, self.horizon, self.top = start, horizon, min(top, len(self.candidates))
        self.data_unit, self.app_data_unit = data_unit, app_data_unit
        self.labels = dict(labels or {})
        self.months = month_range(start, horizon)
        self.start_index = parse_month(start)[0] * 12 + parse_month(start)[1] - 1
        self._compiled: dict[tuple[str, int], CompiledPlans] = {}

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_compiled"] = {}
        return state

    @property
    def columns(self) -> tuple[str, ...]:
        return output_columns(self.top)

    def compiled_candidates(self) -> CompiledPlans:
        """The candidates compiled over the horizon (once)."""
        key = ("", 1)
        if key not in self._compiled:
            self._compiled[key] = compile_plans(self.candidates, [1] * len(self.candidates), self.horizon)
        return self._compiled[key]

    def _current(self, plan_id: str, first: int) -> CompiledPlans:
        key = (plan_id, first)
        if key not in self._compiled:
            self._compiled[key] = compile_plans([self.known[plan_id]], [first], self.horizon)
        return self._compiled[key]

    def analyse(self, chunk: Chunk | pa.Table, *, check_only: bool = False) -> pa.Table:
        """One output row per subscriber of ``chunk`` (which holds every row of each of its subscribers).

        Raises :class:`DataError` with every problem found in the chunk (up to
        :data:`MAX_PROBLEMS`). ``check_only`` stops after the checks (and returns
        an empty table).
        """
        import pyarrow as pa

        rows = self._read(chunk if isinstance(chunk, Chunk) else Chunk(chunk))
        if rows is None or check_only:
            return self._empty()
        N = len(rows.ids)
        usage, _known = project(rows.codes, rows.month, {"voice_min": rows.voice, "sms": rows.sms,
                                                         "data_kb": rows.data, "app_data_kb": rows.app},
                                rows.days, N, self.months)
        totals = simulate_totals(self.compiled_candidates(), usage)  # (P, N)
        starts = np.flatnonzero(np.r_[True, rows.codes[1:] != rows.codes[:-1]])
        count = np.diff(np.r_[starts, rows.codes.size])

        cols: dict[str, Any] = {"subscriber": rows.ids, "months": pa.array(count.astype(np.int32))}
        if self.top == 1:
            best = np.argmin(totals, axis=0)[None, :]  # ties: the first, i.e. the lowest id (as compare)
        else:
            best = np.argsort(np.ascontiguousarray(totals.T), axis=1, kind="stable")[:, : self.top].T
        every = np.arange(N)
        cand_ids = pa.array([p.id for p in self.candidates], pa.string())
        for k in range(self.top):
            cols[f"plan_{k + 1}"] = cand_ids.take(pa.array(best[k]))
            cols[f"cost_{k + 1}"] = pa.array(totals[best[k], every], pa.int64())
        current = self._current_costs(rows, usage)
        if current is None:
            cols["current_plan"] = pa.nulls(N, pa.string())
            cols["current_cost"] = pa.nulls(N, pa.int64())
            cols["saving"] = pa.nulls(N, pa.int64())
        else:
            plan_ids, cost, known = current
            cols["current_plan"] = plan_ids
            cols["current_cost"] = pa.array(cost, pa.int64(), mask=~known)
            cols["saving"] = pa.array(cost - totals[best[0], every], pa.int64(), mask=~known)
        return pa.table([cols[c] for c in self.columns], names=list(self.columns))

    def _read(self, chunk: Chunk) -> _Rows | None:
        """The chunk's rows checked, in whole units, sorted by subscriber and month (None: no rows)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        t = chunk.table
        n = t.num_rows
        if n == 0:
            return None
        ids_col = t.column("subscriber").combine_chunks()
        if pa.types.is_dictionary(ids_col.type):
            ids_col = ids_col.cast(ids_col.type.value_type)
        months_col = t.column("month")
        problems = _Problems(chunk, lambda i: f"{ids_col[i].as_py()!r}, month {months_col[i].as_py()}", self.labels)
        problems.rows(ids_col.is_null().to_numpy(zero_copy_only=False), "subscriber",
                      lambda i: "the subscriber id is empty", "missing_value")
        enc = pc.dictionary_encode(ids_col)  # codes in order of first appearance
        codes = pc.fill_null(enc.indices, 0).to_numpy().astype(np.int64)

        month, month_null = _month_index_of(months_col, "month", problems)
        problems.rows(month_null, "month", lambda i: "the month is empty", "bad_month")
        voice_v, _ = _numbers(t.column("voice_min"), "voice_min", problems, optional=False)
        sms_v, _ = _numbers(t.column("sms"), "sms", problems, optional=False)
        data_v, _ = _numbers(t.column("data"), "data", problems, optional=False)
        voice = _ceil(voice_v, 1, MAX_VOICE_MIN, "voice_min", f"more minutes than a month has ({MAX_VOICE_MIN})", problems)
        sms = _whole(sms_v, "sms", "messages", problems)
        problems.rows(sms > MAX_SMS, "sms", lambda i: f"{sms[i]} SMS is implausibly many for a month (at most {MAX_SMS:,})")
        too_much = "implausibly much data for a month (at most 1,000,000 MB); check the unit"
        data = _ceil(data_v, KB_PER[self.data_unit], MAX_DATA_KB, "data", too_much, problems)
        app = np.zeros(n, np.int64)
        if "app_data" in t.column_names:
            app_v, app_null = _numbers(t.column("app_data"), "app_data", problems, optional=True)
            app = _ceil(np.where(app_null, 0, app_v), KB_PER[self.app_data_unit or "MB"], MAX_DATA_KB, "app_data",
                        too_much, problems)
        days = np.full(n, -1, np.int64)
        if "data_days" in t.column_names:
            days_v, days_null = _numbers(t.column("data_days"), "data_days", problems, optional=True)
            days = np.where(days_null, -1, _whole(np.where(days_null, 0, days_v), "data_days", "days", problems))
            dim = _days_of_months(month // 12, month % 12 + 1)
            problems.rows((days > dim) & ~month_null, "data_days",
                          lambda i: f"{days[i]} days with data, but the month has {dim[i]} days", "out_of_range")
            problems.rows((days == 0) & (data + app > 0), "data_days",
                          lambda i: "0 days with data, but data was used", "out_of_range")
        cur_idx, cur_names, first = self._current_columns(t, problems)
        problems.raise_any()

        # subscriber, month order (an input sorted so is left as it is)
        order = None
        if n > 1 and not bool(np.all((codes[1:] > codes[:-1]) | ((codes[1:] == codes[:-1]) & (month[1:] > month[:-1])))):
            order = np.lexsort((month, codes))
            codes, month, voice, sms, data, app, days, cur_idx, first = (
                a[order] for a in (codes, month, voice, sms, data, app, days, cur_idx, first))
        for k in np.flatnonzero((codes[1:] == codes[:-1]) & (month[1:] == month[:-1]))[:MAX_PROBLEMS]:
            m = int(month[k + 1])
            problems.add(int(k + 1) if order is None else int(order[k + 1]), "month",
                         f"subscriber {enc.dictionary[int(codes[k + 1])].as_py()!r} has two rows for "
                         f"{m // 12:04d}-{m % 12 + 1:02d}", "duplicate_month")
        problems.raise_any()
        return _Rows(enc.dictionary, codes, month, voice, sms, data, app, days, cur_idx, first, cur_names)

    def _current_costs(self, rows: _Rows, usage: UsageMatrix) -> tuple[pa.Array, I64, npt.NDArray[np.bool_]] | None:
        """Per subscriber: the current plan id, its cost over the horizon and whether there is one (None: no column).

        The current plan is the one given on the subscriber's latest row that gives one.
        Subscribers on the same plan since the same month are billed together.
        """
        import pyarrow as pa

        if rows.plan.size and rows.plan[0] == _NO_COLUMN:
            return None
        N = len(rows.ids)
        latest = np.full(N, -1, np.int64)
        given = np.flatnonzero(rows.plan >= 0)
        np.maximum.at(latest, rows.codes[given], given)  # rows are in month order: the latest wins
        known = latest >= 0
        at = np.maximum(latest, 0)
        plan = np.where(known, rows.plan[at], -1)
        first = rows.first[at]
        cost = np.zeros(N, np.int64)
        sel = np.flatnonzero(known)
        if sel.size:
            pair = plan[sel] * 100_000 + first[sel]  # a plan's month number stays far below 100,000
            by = np.argsort(pair, kind="stable")
            sel, pair = sel[by], pair[by]
            bounds = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1], True])
            for a, b in zip(bounds[:-1], bounds[1:], strict=True):
                group = sel[a:b]
                compiled = self._current(rows.plan_names[int(plan[group[0]])], int(first[group[0]]))
                cost[group] = simulate_totals(compiled, usage.take(group))[0]
        names = pa.array(rows.plan_names + [None], pa.string())
        return names.take(pa.array(np.where(known, plan, len(rows.plan_names)))), cost, known

    def _current_columns(self, t: pa.Table, problems: _Problems) -> tuple[I64, list[str], I64]:
        """Per row: index into the returned plan ids (-1: none; ``_NO_COLUMN``: no such column), and the
        current plan's own month number at ``start``."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if "current_plan" not in t.column_names:
            return np.full(t.num_rows, _NO_COLUMN, np.int64), [], np.ones(t.num_rows, np.int64)
        arr = t.column("current_plan").combine_chunks()
        if pa.types.is_dictionary(arr.type):
            arr = arr.cast(arr.type.value_type)
        arr = pc.utf8_trim_whitespace(arr.cast(pa.string()))
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
        enc = pc.dictionary_encode(arr)
        names = enc.dictionary.to_pylist()
        codes = pc.fill_null(enc.indices, -1).to_numpy().astype(np.int64)
        for k, name in enumerate(names):
            if name not in self.known:
                rows = codes == k
                first_row = int(np.argmax(rows))
                import difflib

                close = difflib.get_close_matches(name, list(self.known), n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else "; see 'tariffcli plans list', or add it with --plans"
                problems.add(first_row, "current_plan",
                             f"no plan with id '{name}' ({int(rows.sum())} row(s)){hint}", "unknown_plan")
            elif self.known[name].currency != self.currency:
                problems.add(int(np.argmax(codes == k)), "current_plan",
                             f"plan '{name}' is in {self.known[name].currency}, the candidates in {self.currency}",
                             "currency_mismatch")
        first = np.ones(len(codes), np.int64)
        if "current_since" in t.column_names:
            since, since_null = _month_index_of(t.column("current_since"), "current_since", problems)
            offset = self.start_index - since
            problems.rows(~since_null & (offset < 0), "current_since",
                          lambda i: f"the current plan starts after --start {self.start}", "bad_month")
            first = np.where(since_null, 1, offset + 1)
        return codes, names, first

    def _empty(self) -> pa.Table:
        import pyarrow as pa

        types = {"subscriber": pa.string(), "months": pa.int32()}
        fields = [pa.field(c, types.get(c, pa.int64() if c in money_columns(self.top) else pa.string()))
                  for c in self.columns]
        return pa.schema(fields).empty_table()


def _days_of_months(year: I64, month: I64) -> I64:
    """Days in each month (Gregorian)."""
    base = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], np.int64)[np.clip(month - 1, 0, 11)]
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return base + ((month == 2) & leap)


# ---------------------------------------------------------------- the summary


@dataclass(frozen=True)
class SummaryRow:
    """Savings of one group of subscribers (fen)."""

    key: str
    """'all', an operator, or a current plan id."""
    subscribers: int
    with_current: int
    """Subscribers whose current plan is known."""
    would_save: int
    """Of those, how many have a cheaper plan."""
    median_saving: int | None
    """Median saving of those who would save (half-up to the fen); None when nobody would."""
    total_saving: int
    """Sum of the savings of those who would save."""
    operator: str | None = None


@dataclass(frozen=True)
class SummaryReport:
    """What a batch run found."""

    start: str
    horizon: int
    currency: str
    plans: int
    """Candidate plans ranked."""
    rows: int
    """Input rows (subscriber-months) read."""
    overall: SummaryRow
    by_operator: tuple[SummaryRow, ...]
    by_current_plan: tuple[SummaryRow, ...]
    best_plans: tuple[tuple[str, int], ...]
    """Plans that are cheapest for someone, and for how many subscribers, most first."""


def _median(values: I64) -> int:
    k = values.size
    part = np.partition(values, [(k - 1) // 2, k // 2])
    a, b = int(part[(k - 1) // 2]), int(part[k // 2])
    return (a + b + 1) // 2 if (a + b) >= 0 else -((-(a + b) + 1) // 2)


@dataclass
class Summary:
    """Adds up output tables (from any engine, in any order) into a :class:`SummaryReport`."""

    rows: int = 0
    subscribers: int = 0
    _current: dict[str, list[int]] = field(default_factory=dict)
    """current plan -> [subscribers, would_save, total_saving]."""
    _savings: dict[str, list[I64]] = field(default_factory=dict)
    _best: dict[str, int] = field(default_factory=dict)

    def add(self, out: pa.Table) -> None:
        """Count one output table."""
        import pyarrow.compute as pc

        n = out.num_rows
        self.rows += int(pc.sum(out.column("months")).as_py() or 0)
        self.subscribers += n
        if n == 0:
            return
        best = pc.value_counts(out.column("plan_1")).to_pylist()
        for item in best:
            self._best[item["values"]] = self._best.get(item["values"], 0) + int(item["counts"])
        cur = out.column("current_plan").combine_chunks()
        if cur.null_count == n:  # nobody's current plan is known
            return
        enc = pc.dictionary_encode(cur)
        codes = pc.fill_null(enc.indices, -1).to_numpy()
        saving = pc.fill_null(out.column("saving").combine_chunks(), 0).to_numpy()
        for k, name in enumerate(enc.dictionary.to_pylist()):
            mine = codes == k
            s = saving[mine]
            pos = s[s > 0]
            acc = self._current.setdefault(name, [0, 0, 0])
            acc[0] += int(mine.sum())
            acc[1] += int(pos.size)
            acc[2] += int(pos.sum())
            if pos.size:
                self._savings.setdefault(name, []).append(pos.astype(np.int64))

    def report(self, analyser: Analyser) -> SummaryReport:
        """The summary, naming operators from the plans ``analyser`` knows."""
        def row(key: str, names: Sequence[str], operator: str | None = None, subscribers: int | None = None) -> SummaryRow:
            acc = [sum(self._current[nm][i] for nm in names) for i in range(3)]
            parts = [a for nm in names for a in self._savings.get(nm, [])]
            values = np.concatenate(parts) if parts else np.zeros(0, np.int64)
            return SummaryRow(key, acc[0] if subscribers is None else subscribers, acc[0], acc[1],
                              _median(values) if values.size else None, acc[2], operator)

        plans = sorted(self._current)
        operator_of = {nm: analyser.known[nm].operator if nm in analyser.known else "?" for nm in plans}
        operators = sorted(set(operator_of.values()))
        return SummaryReport(
            start=analyser.start, horizon=analyser.horizon, currency=analyser.currency,
            plans=len(analyser.candidates), rows=self.rows,
            overall=row("all", plans, subscribers=self.subscribers),
            by_operator=tuple(row(op, [nm for nm in plans if operator_of[nm] == op], op) for op in operators),
            by_current_plan=tuple(row(nm, [nm], operator_of[nm]) for nm in plans),
            best_plans=tuple(sorted(self._best.items(), key=lambda kv: (-kv[1], kv[0]))),
        )


# ---------------------------------------------------------------- the local engine


class _Seen:
    """64-bit hashes of the subscribers already written, to catch one whose rows are not together."""

    def __init__(self) -> None:
        self.hashes = np.zeros(0, np.uint64)

    def check(self, ids: pa.Array, chunk: Chunk, first_row_of: Callable[[int], int]) -> None:
        import pandas as pd

        h = pd.util.hash_array(np.asarray(ids.to_numpy(zero_copy_only=False)))
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
