"""What a batch run found: savings added up over the output tables, overall, by operator and by current plan.

:class:`Summary` takes the per-subscriber output tables as they come (from
either engine, in any order) and keeps only counters and the positive savings
(for the median); :meth:`Summary.report` turns them into a :class:`SummaryReport`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from tariffcli.batch.columns import KERNEL_KEY

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

    from tariffcli.batch.analyser import Analyser
    from tariffcli.engine import I64

__all__ = ["Summary", "SummaryReport", "SummaryRow"]


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
    kernel: str = "none"
    """The batch kernel that billed the subscribers: 'numba', 'numpy', both joined by '+' (Dask workers that
    differ), or 'none' (nobody billed)."""


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
    _kernels: set[str] = field(default_factory=set)
    """Kernels named by the output tables' metadata (:data:`tariffcli.batch.columns.KERNEL_KEY`)."""

    def add(self, out: pa.Table) -> None:
        """Count one output table."""
        import pyarrow.compute as pc

        n = out.num_rows
        kernel = (out.schema.metadata or {}).get(KERNEL_KEY)
        if kernel is not None and n:
            self._kernels.add(kernel.decode())
        self.rows += int(pc.sum(out.column("months")).as_py() or 0)
        self.subscribers += n
        if n == 0:
            return
        best = pc.value_counts(out.column("plan_1")).to_pylist()
        for item in best:
            if item["values"] is None:  # a subscriber with no month billed
                continue
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

    def merge(self, other: Summary) -> None:
        """Count another summary's tables too (a Dask worker's, say)."""
        self.rows += other.rows
        self.subscribers += other.subscribers
        for name, acc in other._current.items():
            mine = self._current.setdefault(name, [0, 0, 0])
            for i in range(3):
                mine[i] += acc[i]
        for name, parts in other._savings.items():
            self._savings.setdefault(name, []).extend(parts)
        for name, n in other._best.items():
            self._best[name] = self._best.get(name, 0) + n
        self._kernels |= other._kernels

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
            kernel="+".join(sorted(self._kernels)) or "none",
        )
