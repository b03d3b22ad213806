"""Batch billing of plans that round usage differently: each plan on the monthly usage its ``rounding`` asks for.

Record files give each subscriber-month's usage in two roundings
(:mod:`tariffcli.batch.records_input`): data per session and calls per call (the
columns every input has), and the month's exact totals rounded once (the
``variants``: ``voice_min_month``, ``data_kb_month``). The candidates are grouped
by their rounding (:func:`tariffcli.engine.rounding.rounding_of`); each group is
billed by :func:`tariffcli.batch.history.bill_windows` on its variant, and the
totals are put back in the candidates' order. The kernel is unchanged: a
variant is only other usage. A monthly input (no variants) has one figure per
month, and every plan is billed on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tariffcli.batch.history import Billed, DenseRows, bill_windows, densify, line_windows, window_usage
from tariffcli.engine import I64, CompiledPlans, UsageMatrix
from tariffcli.engine.rounding import RoundingKey, rounding_of
from tariffcli.model.plan import Plan

__all__ = ["DEFAULT", "RoundedBills", "bill_rounded", "groups_of", "key_of"]

DEFAULT: RoundingKey = ("session", "call")
"""The rounding of the columns every input has."""


def key_of(plan: Plan, variants: dict[str, I64]) -> RoundingKey:
    """The rounding ``plan`` is billed on: its own when the input carries that variant, else the default."""
    data, calls = rounding_of(plan)
    return (data if "data_kb_month" in variants else "session", calls if "voice_min_month" in variants else "call")


def groups_of(plans: Sequence[Plan], variants: dict[str, I64]) -> dict[RoundingKey, npt.NDArray[np.intp]]:
    """Rounding -> the indices of the plans billed on it (in order; the default first when used)."""
    groups: dict[RoundingKey, list[int]] = {}
    for i, plan in enumerate(plans):
        groups.setdefault(key_of(plan, variants), []).append(i)
    return {k: np.asarray(v, np.intp) for k, v in sorted(groups.items(), key=lambda kv: kv[0] != DEFAULT)}


def _values(values: dict[str, I64], variants: dict[str, I64], key: RoundingKey) -> dict[str, I64]:
    """The monthly usage columns rounded as ``key`` says."""
    out = dict(values)
    if key[0] == "month":
        out["data_kb"] = variants["data_kb_month"]
    if key[1] == "month":
        out["voice_min"] = variants["voice_min_month"]
    return out


@dataclass(frozen=True)
class RoundedBills:
    """Every candidate's bill (as :class:`~tariffcli.batch.history.Billed`), and the usage in each rounding."""

    billed: Billed
    """Totals and stops of all candidates, in their order; its ``usage`` is the default rounding's."""
    usage: Callable[[RoundingKey], Callable[[npt.NDArray[np.intp], int], UsageMatrix]]
    """Rounding -> a function (subscribers, months) -> their usage over their windows in that rounding."""


def bill_rounded(codes: I64, month: I64, values: dict[str, I64], variants: dict[str, I64], days: I64,
                 subscribers: int, plans: Sequence[Plan], *, history: bool, start: int, horizon: int,
                 span: tuple[int, int] | None, compiled: Callable[[RoundingKey, npt.NDArray[np.intp], int],
                                                                  CompiledPlans],
                 kernel: str = "auto") -> RoundedBills:
    """Bill every plan on its rounding's usage; ``compiled(key, plan indices, L)`` compiles a group over L months."""
    dense: dict[RoundingKey, DenseRows] = {}

    def dense_of(key: RoundingKey) -> DenseRows:
        if key not in dense:
            dense[key] = densify(codes, month, _values(values, variants, key), days, subscribers)
        return dense[key]

    groups = groups_of(plans, variants)
    P = len(plans)
    totals = np.zeros((P, subscribers), np.int64)
    stopped = np.zeros((P, subscribers), np.bool_)
    parts: dict[RoundingKey, Billed] = {}
    for key, idx in groups.items():
        def group(L: int, key: RoundingKey = key, idx: npt.NDArray[np.intp] = idx) -> CompiledPlans:
            return compiled(key, idx, L)

        part = bill_windows(dense_of(key), history=history, start=start, horizon=horizon, span=span,
                            plans=idx.size, compiled=group, kernel=kernel)
        totals[idx] = part.totals
        stopped[idx] = part.stopped
        parts[key] = part
    base = dense_of(DEFAULT)
    windows = line_windows(base, history=history, start=start, horizon=horizon, span=span)
    usages: dict[RoundingKey, Callable[[npt.NDArray[np.intp], int], UsageMatrix]] = {
        k: b.usage for k, b in parts.items()}

    def usage(key: RoundingKey) -> Callable[[npt.NDArray[np.intp], int], UsageMatrix]:
        if key not in usages:
            usages[key] = window_usage(dense_of(key), windows, history=history, start=start, horizon=horizon)
        return usages[key]

    return RoundedBills(Billed(totals, stopped, windows, usage(DEFAULT)), usage)
