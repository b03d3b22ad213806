"""The projection rule of ``compare``, vectorised over the subscribers of a chunk.

:func:`project` is :func:`tariffcli.compare.ranking.project_usage` for many
subscribers at once (and tested against it): each simulated month takes the
usage of the same calendar month in the history, else the history's mean.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from tariffcli.engine import I64, UsageMatrix
from tariffcli.model.months import parse_month

__all__ = ["project"]


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
