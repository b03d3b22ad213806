"""Batch analysis: the usage of many subscribers -> the cheapest plans for each, as ``compare`` computes them.

The core of ``tariffcli batch``. Nothing in it opens a file
(:mod:`tariffcli.batch.files` reads and writes) or imports typer or rich. Data
flows like this:

1. The I/O layer reads the input in chunks (:class:`tariffcli.batch.chunks.Chunk`),
   as Arrow tables whose columns carry the canonical names of
   :data:`tariffcli.batch.columns.FIELDS` (:func:`tariffcli.batch.columns.resolve_columns`
   maps the file's header onto them).
2. :meth:`Analyser.analyse` is the per-partition function, run as it is by the
   local engine (:func:`tariffcli.batch.local.run_local`) and by Dask workers
   (:func:`tariffcli.batch.dask_cluster.run_dask`): it checks a table of whole
   subscribers (:mod:`tariffcli.batch.chunks`), projects each subscriber's usage
   over the horizon with the rule of :func:`tariffcli.compare.ranking.project_usage`
   (vectorised in :func:`tariffcli.batch.projection.project`, and tested against
   it), bills every plan with :func:`tariffcli.batch.fused.totals_stopped` (the
   bill of ``compare``'s kernel, :func:`tariffcli.engine.kernels.simulate_totals_stopped`,
   as one compiled loop when numba is installed; it also tells whether a plan's
   data would be stopped at a volume cap), ranks the plans by ``compare``'s rules and returns
   one row per subscriber.
3. :class:`tariffcli.batch.summary.Summary` adds the rows up as they come: how
   many subscribers would save, the median and total saving, by operator and
   by current plan.

Amounts in the output tables are integer fen (the I/O layer writes them as
decimals). Memory is bounded by the chunk size, not by the input size: a
chunk's working arrays are (plans x months x subscribers) blocks that fit the
CPU cache, and only 8 bytes per subscriber are kept across chunks (for the
median saving and the check that each subscriber's rows come together).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from tariffcli.batch.chunks import (
    Chunk,
    ChunkProblems,
    ceil_units,
    cell_text,
    month_index_of,
    plain_ids,
    read_numbers,
    whole_units,
)
from tariffcli.batch.columns import KERNEL_KEY, money_columns, output_columns
from tariffcli.batch.daily import DAILY, DayData, day_data, is_daily, rebill_candidates, rebill_current
from tariffcli.batch.fused import KERNELS, kernel_name
from tariffcli.batch.history import Billed, bill_current, block_bounds, month_name
from tariffcli.batch.rounding_groups import DEFAULT, RoundedBills, bill_rounded, key_of
from tariffcli.compare.ranking import usable_plans
from tariffcli.engine import I64, CompiledPlans, compile_plans
from tariffcli.inputs.csvtext import MAX_PROBLEMS
from tariffcli.model.errors import DataError, Problem, UsageError
from tariffcli.model.limits import MAX_DATA_KB, MAX_SMS, MAX_VOICE_MIN
from tariffcli.model.months import first_day, month_range, parse_month
from tariffcli.model.plan import Plan
from tariffcli.model.provinces import applies_in, is_nationwide
from tariffcli.model.units import KB_PER

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

__all__ = ["Analyser"]


KERNEL_CELLS = 1_000_000
"""Subscriber-months billed at once (see :attr:`Analyser.block_subscribers`): about 100 MB of working arrays."""

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
    since: I64
    """The month the current plan started (year * 12 + month - 1); -1 where not given."""
    plan_names: list[str]
    variants: dict[str, I64] = field(default_factory=dict)
    """From record files: 'voice_min_month' and 'data_kb_month', the month's totals rounded once
    (:mod:`tariffcli.batch.rounding_groups`); empty for a monthly input."""
    daily: I64 | None = None
    """From record files: (rows, days) data per day, KB (:mod:`tariffcli.batch.daily`); None for a monthly input."""

    def block(self, a: int, b: int) -> _Rows:
        """The rows of subscribers ``a`` to ``b - 1`` (rows are sorted by subscriber: one slice)."""
        lo, hi = (int(x) for x in np.searchsorted(self.codes, [a, b]))
        cut = slice(lo, hi)
        return _Rows(self.ids.slice(a, b - a), self.codes[cut] - a, self.month[cut], self.voice[cut], self.sms[cut],
                     self.data[cut], self.app[cut], self.days[cut], self.plan[cut], self.since[cut], self.plan_names,
                     {k: v[cut] for k, v in self.variants.items()}, None if self.daily is None else self.daily[cut])


class Analyser:
    """Bill every subscriber of a table on every plan; the one function both engines run per partition.

    ``plans`` are the candidates (those :func:`tariffcli.compare.ranking.usable_plans`
    keeps on the first day of ``start`` -- on sale, not a suspended line -- and, with
    ``province``, sold there, are ranked exactly as :func:`tariffcli.compare.ranking.compare`
    ranks them); ``known`` are the plans a ``current_plan`` column may name (default:
    ``plans``). Compiled plans are cached for the life of the object, so a run
    compiles each plan once, whatever the number of chunks. The object pickles
    without its caches (for Dask workers).
    """

    def __init__(self, plans: Sequence[Plan], *, start: str, horizon: int = 12, top: int = 1,
                 data_unit: str = "MB", app_data_unit: str | None = None, known: Sequence[Plan] | None = None,
                 labels: dict[str, str] | None = None, province: str | None = None,
                 cells: int = KERNEL_CELLS, history: bool = False, span: tuple[int, int] | None = None,
                 wide: bool = False, kernel: str = "auto") -> None:
        if horizon < 1 or horizon > 600:
            raise UsageError("--horizon must be between 1 and 600 months", field="horizon")
        if top < 1:
            raise UsageError("--top must be at least 1", field="top")
        if kernel not in KERNELS:
            raise UsageError(f"kernel {kernel!r}: expected one of {', '.join(KERNELS)}", field="kernel")
        self.kernel = kernel
        """'auto' (the compiled loop when numba is installed), 'numba' or 'numpy': see :mod:`tariffcli.batch.fused`."""
        try:
            parse_month(start)
        except ValueError as exc:
            raise UsageError(str(exc), field="start") from None
        day: date = first_day(start)
        usable, left_out = usable_plans(plans, day)  # compare's rule: on sale, and not a suspended line
        if province is not None:
            left_out += [(p, "other_province") for p in usable if not applies_in(p.province, province)]
            usable = [p for p in usable if applies_in(p.province, province)]
        def tie_order(p: Plan) -> tuple[bool, str]:
            return bool(p.eligibility), p.id  # ties: no conditions, then id

        self.candidates: tuple[Plan, ...] = tuple(sorted(usable, key=tie_order))
        self.left_out: tuple[tuple[Plan, str], ...] = tuple(sorted(left_out, key=lambda x: tie_order(x[0])))
        """The plans not ranked, with the reason: 'not_on_sale', 'suspended_line' or 'other_province'."""
        self.excluded: tuple[Plan, ...] = tuple(p for p, _ in self.left_out)
        self.province = province
        self.nationwide = np.array([is_nationwide(p.province) for p in self.candidates], np.bool_)
        """Which candidates are sold nationwide: without ``province`` only they may be ranked first."""
        if not self.candidates:
            raise UsageError(f"no plan is on sale in {start}; nothing to compare", field="plans")
        currencies = sorted({p.currency for p in self.candidates})
        if len(currencies) > 1:
            raise DataError(Problem(f"plans in one comparison must share a currency; found {', '.join(currencies)}",
                                    file=self.candidates[0].origin, code="currency_mismatch"))
        self.currency = currencies[0]
        self.known = {p.id: p for p in (known if known is not None else plans)}
        self.start, self.horizon, self.top = start, horizon, min(top, len(self.candidates))
        self.cells = max(1, cells)
        self.data_unit, self.app_data_unit = data_unit, app_data_unit
        self.labels = dict(labels or {})
        self.months = month_range(start, horizon)
        self.start_index = parse_month(start)[0] * 12 + parse_month(start)[1] - 1
        self._compiled: dict[tuple[str, int, int], CompiledPlans] = {}
        self.history = history
        """Bill each subscriber's own months, first to last (``--history``), instead of projecting the horizon."""
        self.span = span
        self.wide = wide
        """Add one cost column per candidate, named by its plan id (``--wide``)."""
        clash = sorted({p.id for p in self.candidates} & set(output_columns(self.top))) if wide else []
        if clash:
            raise UsageError(f"--wide: plan id {clash[0]!r} is also the name of an output column", field="wide")
        """The input's first and last month (year * 12 + month - 1), when known: lines that start later or end
        earlier are billed only while they exist (:mod:`tariffcli.batch.history`)."""

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_compiled"] = {}
        return state

    @property
    def columns(self) -> tuple[str, ...]:
        return output_columns(self.top) + self.wide_columns

    @property
    def wide_columns(self) -> tuple[str, ...]:
        """With ``wide``: one cost column per candidate (its plan id), in plan-id order; else none."""
        return tuple(sorted(p.id for p in self.candidates)) if self.wide else ()

    def compiled_candidates(self, months: int | None = None) -> CompiledPlans:
        """The candidates compiled over ``months`` (default: the horizon), each starting in month 1 (once)."""
        key = ("", 1, self.horizon if months is None else months)
        if key not in self._compiled:
            self._compiled[key] = compile_plans(self.candidates, [1] * len(self.candidates), key[2])
        return self._compiled[key]

    def compiled_group(self, key: tuple[str, str], idx: npt.NDArray[np.intp], months: int) -> CompiledPlans:
        """The candidates ``idx`` (those billed on rounding ``key``) compiled over ``months`` (once)."""
        if idx.size == len(self.candidates):
            return self.compiled_candidates(months)
        cache = ("\0" + "/".join(key), 1, months)
        if cache not in self._compiled:
            self._compiled[cache] = compile_plans([self.candidates[i] for i in idx], [1] * idx.size, months)
        return self._compiled[cache]

    def _current(self, plan_id: str, first: int, months: int) -> CompiledPlans:
        key = (plan_id, first, months)
        if key not in self._compiled:
            self._compiled[key] = compile_plans([self.known[plan_id]], [first], months)
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
        cuts = block_bounds(rows.codes, rows.month, len(rows.ids), self.cells, None if self.history else self.horizon)
        if len(cuts) == 1:
            return self._analyse_block(rows)
        return pa.concat_tables([self._analyse_block(rows.block(a, b)) for a, b in cuts])

    @property
    def block_subscribers(self) -> int:
        """Subscribers billed at once when each spans at most the horizon: the projected usage of a block has at
        most ``cells`` subscriber-months (:func:`tariffcli.batch.history.block_bounds` also counts the months
        from each subscriber's first to its last row, which a block holds too).

        The kernel's working set grows with subscribers x horizon (the projection's
        arrays are (horizon, subscribers)), so a long ``--horizon`` bills fewer
        subscribers at once and memory stays bounded whatever the chunk size.
        """
        return max(1, self.cells // self.horizon)

    def _analyse_block(self, rows: _Rows) -> pa.Table:
        """The output rows of a block of whole subscribers (see :attr:`block_subscribers`).

        Each subscriber is billed over the months its line exists (:mod:`tariffcli.batch.history`); one with no
        month to bill gets empty plan and cost cells.
        """
        import pyarrow as pa

        N = len(rows.ids)
        rounded = bill_rounded(rows.codes, rows.month, {"voice_min": rows.voice, "sms": rows.sms,
                                                        "data_kb": rows.data, "app_data_kb": rows.app},
                               rows.variants, rows.days, N, self.candidates, history=self.history,
                               start=self.start_index, horizon=self.horizon, span=self.span,
                               compiled=self.compiled_group, kernel=self.kernel)
        day = self._day_data(rows, rounded)
        if day is not None:
            rebill_candidates(rounded, self.candidates, rows.variants, day)
        billed = rounded.billed
        totals, stopped = billed.totals, billed.stopped  # (P, N) each
        starts = np.flatnonzero(np.r_[True, rows.codes[1:] != rows.codes[:-1]])
        count = np.diff(np.r_[starts, rows.codes.size])
        none = billed.windows.length == 0

        cols: dict[str, Any] = {"subscriber": rows.ids, "months": pa.array(count.astype(np.int32))}
        best = self.best(totals, stopped)
        every = np.arange(N)
        cand_ids = pa.array([p.id for p in self.candidates], pa.string())
        for k in range(self.top):
            cols[f"plan_{k + 1}"] = cand_ids.take(pa.array(best[k], mask=none))  # nothing billed: empty
            cols[f"cost_{k + 1}"] = pa.array(totals[best[k], every], pa.int64(), mask=none)
        current = self._current_costs(rows, rounded, day)
        if current is None:
            cols["current_plan"] = pa.nulls(N, pa.string())
            cols["current_cost"] = pa.nulls(N, pa.int64())
            cols["saving"] = pa.nulls(N, pa.int64())
        else:
            plan_ids, cost, known = current
            cols["current_plan"] = plan_ids
            cols["current_cost"] = pa.array(cost, pa.int64(), mask=~known | none)
            cols["saving"] = pa.array(cost - totals[best[0], every], pa.int64(), mask=~known | none)
        for i, p in enumerate(self.candidates):
            if self.wide:
                cols[p.id] = pa.array(totals[i], pa.int64(), mask=none)
        table = pa.table([cols[c] for c in self.columns], names=list(self.columns))
        return table.replace_schema_metadata({KERNEL_KEY: kernel_name(self.kernel).encode()})

    def best(self, totals: I64, stopped: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.intp]:
        """Shape (top, N): the candidates ranked first to ``top``-th per subscriber, as compare ranks them.

        Plans whose data would be stopped at a volume cap (``stopped``, (P, N)) after every plan that covers the
        usage; then cheapest first, ties to plans without conditions, then the lowest id (the candidates are in
        that order). When the user's province is not known, the first place goes to the cheapest plan sold
        nationwide that is not stopped.
        """
        if stopped is None:
            stopped = np.zeros(totals.shape, np.bool_)
        nationwide_first = self.province is None and not self.nationwide.all() and self.nationwide.any()
        if self.top == 1:  # the first place only: minima, no sort (argmin takes the first of equals: tie order)
            never = np.iinfo(np.int64).max
            covered = np.where(stopped, never, totals)
            best = np.where(stopped.all(axis=0), np.argmin(totals, axis=0), np.argmin(covered, axis=0))
            if nationwide_first:  # the cheapest covering nationwide plan, where there is one
                national = ~stopped & self.nationwide[:, None]
                best = np.where(national.any(axis=0), np.argmin(np.where(national, totals, never), axis=0), best)
            return best[None, :].astype(np.intp)
        order = np.argsort(np.ascontiguousarray(totals.T), axis=1, kind="stable")  # (N, P)
        stopped_t = np.ascontiguousarray(stopped.T)
        if stopped.any():  # stable: stopped plans go last, each part still cheapest first
            order = np.take_along_axis(order, np.argsort(np.take_along_axis(stopped_t, order, axis=1), axis=1,
                                                         kind="stable"), axis=1)
        if nationwide_first:
            national = self.nationwide[order] & ~np.take_along_axis(stopped_t, order, axis=1)
            first_national = np.argmax(national, axis=1)  # position of the cheapest covering national plan (or 0)
            position = np.broadcast_to(np.arange(order.shape[1]), order.shape)
            moved = np.where(position == first_national[:, None], -1, position)
            order = np.take_along_axis(order, np.argsort(moved, axis=1, kind="stable"), axis=1)
        return np.ascontiguousarray(order[:, : self.top].T)

    def _read(self, chunk: Chunk) -> _Rows | None:
        """The chunk's rows checked, in whole units, sorted by subscriber and month (None: no rows)."""
        import pyarrow.compute as pc

        t = chunk.table
        n = t.num_rows
        if n == 0:
            return None
        months_col = t.column("month")
        shown = [t.column("subscriber")]
        problems = ChunkProblems(chunk, lambda i: f"{cell_text(shown[0], i)!r}, month {cell_text(months_col, i)}",
                                 self.labels)
        ids_col = shown[0] = plain_ids(t.column("subscriber"), "subscriber", problems, numbers=True)
        problems.rows(ids_col.is_null().to_numpy(zero_copy_only=False), "subscriber",
                      lambda i: "the subscriber id is empty", "missing_value")
        enc = pc.dictionary_encode(ids_col)  # codes in order of first appearance
        codes = pc.fill_null(enc.indices, 0).to_numpy().astype(np.int64)

        month, month_null = month_index_of(months_col, "month", problems)
        problems.rows(month_null, "month", lambda i: "the month is empty", "bad_month")
        voice_v, _ = read_numbers(t.column("voice_min"), "voice_min", problems, optional=False)
        sms_v, _ = read_numbers(t.column("sms"), "sms", problems, optional=False)
        data_v, _ = read_numbers(t.column("data"), "data", problems, optional=False)
        voice = ceil_units(voice_v, 1, MAX_VOICE_MIN, "voice_min", f"more minutes than a month has ({MAX_VOICE_MIN})", problems)
        sms = whole_units(sms_v, "sms", "messages", problems)
        problems.rows(sms > MAX_SMS, "sms", lambda i: f"{sms[i]} SMS is implausibly many for a month (at most {MAX_SMS:,})")
        too_much = "implausibly much data for a month (at most 1,000,000 MB); check the unit"
        data = ceil_units(data_v, KB_PER[self.data_unit], MAX_DATA_KB, "data", too_much, problems)
        app = np.zeros(n, np.int64)
        if "app_data" in t.column_names:
            app_v, app_null = read_numbers(t.column("app_data"), "app_data", problems, optional=True)
            app = ceil_units(np.where(app_null, 0, app_v), KB_PER[self.app_data_unit or "MB"], MAX_DATA_KB, "app_data",
                        too_much, problems)
        days = np.full(n, -1, np.int64)
        if "data_days" in t.column_names:
            days_v, days_null = read_numbers(t.column("data_days"), "data_days", problems, optional=True)
            days = np.where(days_null, -1, whole_units(np.where(days_null, 0, days_v), "data_days", "days", problems))
            dim = _days_of_months(month // 12, month % 12 + 1)
            problems.rows((days > dim) & ~month_null, "data_days",
                          lambda i: f"{days[i]} days with data, but the month has {dim[i]} days", "out_of_range")
            problems.rows((days == 0) & (data + app > 0), "data_days",
                          lambda i: "0 days with data, but data was used", "out_of_range")
        variants: dict[str, I64] = {}
        for column, name, limit in (("voice_min_month", "voice_min_month", MAX_VOICE_MIN),
                                    ("data_month", "data_kb_month", MAX_DATA_KB)):
            if column in t.column_names:  # record files only: the month's total rounded once
                v, _ = read_numbers(t.column(column), column, problems, optional=False)
                variants[name] = ceil_units(v, 1 if column == "voice_min_month" else KB_PER[self.data_unit], limit,
                                            column, "implausibly much for a month", problems)
        daily = _per_day(t)
        cur_idx, cur_names, first = self._current_columns(t, problems)
        problems.raise_any()

        # subscriber, month order (an input sorted so is left as it is)
        order = None
        if n > 1 and not bool(np.all((codes[1:] > codes[:-1]) | ((codes[1:] == codes[:-1]) & (month[1:] > month[:-1])))):
            order = np.lexsort((month, codes))
            codes, month, voice, sms, data, app, days, cur_idx, first = (
                a[order] for a in (codes, month, voice, sms, data, app, days, cur_idx, first))
            variants = {k: v[order] for k, v in variants.items()}
            daily = None if daily is None else daily[order]
        for k in np.flatnonzero((codes[1:] == codes[:-1]) & (month[1:] == month[:-1]))[:MAX_PROBLEMS]:
            m = int(month[k + 1])
            problems.add(int(k + 1) if order is None else int(order[k + 1]), "month",
                         f"subscriber {enc.dictionary[int(codes[k + 1])].as_py()!r} has two rows for "
                         f"{m // 12:04d}-{m % 12 + 1:02d}", "duplicate_month")
        problems.raise_any()
        return _Rows(enc.dictionary, codes, month, voice, sms, data, app, days, cur_idx, first, cur_names, variants,
                     daily)

    def _day_data(self, rows: _Rows, rounded: RoundedBills) -> DayData | None:
        """The days of each billed month (record files only), when a daily-rate plan may need them."""
        if rows.daily is None or not any(is_daily(p) for p in (*self.candidates,
                                                               *(self.known[n] for n in rows.plan_names))):
            return None
        return day_data(rows.codes, rows.month, rows.daily, len(rows.ids), rounded.billed.windows,
                        history=self.history, start=self.start_index, horizon=self.horizon)

    def _current_costs(self, rows: _Rows, rounded: RoundedBills, day: DayData | None = None
                       ) -> tuple[pa.Array, I64, npt.NDArray[np.bool_]] | None:
        """Per subscriber: the current plan id, its cost over the billed months and whether there is one (None: no
        column). The current plan is the one given on the subscriber's latest row that gives one; it starts in
        ``current_since`` (default: the first month billed); it is billed on the usage rounded as it rounds it."""
        import pyarrow as pa

        billed = rounded.billed
        if rows.plan.size and rows.plan[0] == _NO_COLUMN:
            return None
        N = len(rows.ids)
        latest = np.full(N, -1, np.int64)
        given = np.flatnonzero(rows.plan >= 0)
        np.maximum.at(latest, rows.codes[given], given)  # rows are in month order: the latest wins
        known = latest >= 0
        at = np.maximum(latest, 0)
        plan = np.where(known, rows.plan[at], -1)
        since = np.where(known & (rows.since[at] >= 0), rows.since[at], billed.windows.start)
        keys = [key_of(self.known[name], rows.variants) for name in rows.plan_names]
        cost = np.zeros(N, np.int64)
        late = np.zeros(N, np.bool_)
        for key in sorted(set(keys)) or [DEFAULT]:
            mine = np.array([k == key for k in keys] + [False], np.bool_)[plan]  # plan -1: the last entry
            part = Billed(billed.totals, billed.stopped, billed.windows, rounded.usage(key))
            c, lt = bill_current(part, np.where(mine, plan, -1), since,
                                 lambda p, first, months: self._current(rows.plan_names[p], first, months),
                                 kernel=self.kernel)
            cost += c
            late |= lt
        if day is not None:
            current = [self.known[rows.plan_names[p]] if p >= 0 else None for p in plan.tolist()]
            rebill_current(cost, rounded, [None if lt else c for c, lt in zip(current, late.tolist(), strict=True)],
                           billed.windows.start - since + 1, day, rows.variants)
        if late.any():
            k = int(np.argmax(late))
            raise DataError(Problem(
                f"subscriber {rows.ids[k].as_py()!r}: current_since {month_name(int(since[k]))} is after the "
                f"subscriber's first month {month_name(int(billed.windows.start[k]))}; --history bills every month "
                "of the line under its current plan", field=self.labels.get("current_since", "current_since"),
                code="bad_month"))
        names = pa.array(rows.plan_names + [None], pa.string())
        return names.take(pa.array(np.where(known, plan, len(rows.plan_names)))), cost, known

    def _current_columns(self, t: pa.Table, problems: ChunkProblems) -> tuple[I64, list[str], I64]:
        """Per row: index into the returned plan ids (-1: none; ``_NO_COLUMN``: no such column), and the
        month the current plan started (year * 12 + month - 1; -1 where not given)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if "current_plan" not in t.column_names:
            return np.full(t.num_rows, _NO_COLUMN, np.int64), [], np.full(t.num_rows, -1, np.int64)
        arr = plain_ids(t.column("current_plan"), "current_plan", problems, numbers=False)
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
                             f"no plan with id {name!r} ({int(rows.sum())} row(s)){hint}", "unknown_plan")
            elif self.known[name].currency != self.currency:
                problems.add(int(np.argmax(codes == k)), "current_plan",
                             f"plan '{name}' is in {self.known[name].currency}, the candidates in {self.currency}",
                             "currency_mismatch")
        first = np.full(len(codes), -1, np.int64)
        if "current_since" in t.column_names:
            since, since_null = month_index_of(t.column("current_since"), "current_since", problems)
            if not self.history:
                problems.rows(~since_null & (since > self.start_index), "current_since",
                              lambda i: f"the current plan starts after --start {self.start}", "bad_month")
            first = np.where(since_null, -1, since)
        return codes, names, first

    def empty_table(self) -> pa.Table:
        """An output table without rows, with this analyser's columns."""
        return self._empty()

    def _empty(self) -> pa.Table:
        import pyarrow as pa

        types = {"subscriber": pa.string(), "months": pa.int32()}
        money = set(money_columns(self.top)) | set(self.wide_columns)
        fields = [pa.field(c, types.get(c, pa.int64() if c in money else pa.string())) for c in self.columns]
        return pa.schema(fields).empty_table()


def _per_day(t: pa.Table) -> I64 | None:
    """Record files' data per day of each row's month, (rows, days) KB; None for a monthly input (no such column).

    The column is built by :func:`tariffcli.batch.records_input.monthly_table` (whole KB, never empty)."""
    if DAILY not in t.column_names:
        return None
    col = t.column(DAILY).combine_chunks()
    return np.asarray(col.flatten().to_numpy(), np.int64).reshape(len(col), col.type.list_size)


def _days_of_months(year: I64, month: I64) -> I64:
    """Days in each month (Gregorian)."""
    base = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], np.int64)[np.clip(month - 1, 0, 11)]
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return base + ((month == 2) & leap)
