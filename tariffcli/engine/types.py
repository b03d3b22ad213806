"""The cost simulation, vectorised over plans x months (x subscribers).

Every amount is an integer number of fen. Out-of-bundle charges are computed
as an exact integer numerator over a fixed denominator and rounded half-up to
the fen once per bill line. Each month's total is the sum of its lines, by
construction.

The engine never opens a file and never reads the clock: plans, usage and the
plan-month offsets come in as arguments.

Bill lines, per plan and month (fen; credits and discounts are negative):

    fee       monthly fee (the promotion's fee where a phase sets one)
    discount  percentage discount on the fee
    addons    fees of bundled add-ons
    one_off   one-off fee in the plan's first month (e.g. a request fee)
    voice     out-of-bundle voice
    sms       out-of-bundle SMS
    data      out-of-bundle data (general data, plus app data past its own bucket)
    topup     minimum-spend top-up: max(0, minimum - counted spend)
    credit    monthly credit (e.g. a pre-deposit returned)
    total     the sum of the lines above

Counted spend (for the minimum) is fee + discount + addons + one_off + voice + sms + data;
the credit is applied after the top-up.

How it is laid out (one code path for one user and for millions):

* :func:`compile_plans` (:mod:`tariffcli.engine.compiler`) stacks each plan's
  integer terms (:mod:`tariffcli.model.terms`, worked out once per plan and kept
  in the catalogue cache) into arrays: per plan-month terms of
  shape (P, H) and per-plan rates of shape (P,). "No limit" (an unlimited
  allowance, no cap) is a sentinel larger than any usage, so the kernels never
  branch on it. Plans are stored grouped by the shape of their data charge
  (single rate, tiers, ramp; per month or per day), so each group runs only
  its own arithmetic instead of computing every shape and picking one.
* The kernel works on arrays of shape (plans, months, subscribers): the
  subscribers axis is innermost, so per-plan terms broadcast over long
  contiguous runs. :func:`simulate` is the one-subscriber case and returns
  every line; :func:`simulate_totals` returns only the totals over the
  horizon, for many subscribers, in cache-sized blocks.
* This module holds the data types and the plan checks and imports nothing
  heavy (``tariffcli plans list`` and ``--help`` never load numpy); the
  kernels live in :mod:`tariffcli.engine.kernels` and are loaded on first use of
  :func:`simulate`, :func:`simulate_totals` or :func:`compile_plans`.
* Every division is either by a constant (10,000 micro-units per fen) or by a
  power of two done as a shift (data denominators and billing increments are
  powers of 1024), except a ramp's block, which is any size.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt

    I64 = npt.NDArray[np.int64]
    B = npt.NDArray[np.bool_]

__all__ = ["LINES", "Result", "Usage", "UsageMatrix"]

LINES: tuple[str, ...] = ("fee", "discount", "addons", "one_off", "voice", "sms", "data", "topup", "credit", "total")
"""Bill line names, in the order they appear in results and outputs."""



@dataclass(frozen=True)
class Usage:
    """Usage for each simulated month (arrays of length H, whole units)."""

    months: tuple[str, ...]
    """The calendar months simulated, 'YYYY-MM'."""
    voice_min: I64
    sms: I64
    data_kb: I64
    """General data, KB."""
    app_data_kb: I64
    """App-specific data (定向流量), KB; counts as general data on plans without that bucket."""
    data_days: I64
    """Days with data use; daily-rate (日租) plans spread the month's data evenly over them."""
    data_days_known: B
    """Whether data_days came from the user's data (else it is the days in the month)."""
    daily_data_kb: I64 | None = None
    """Optional general data per day, shape (H, 31), from itemized records; zeros past a month's end.
    When given, daily-rate plans bill each real day (allowance used up in date order) instead of
    spreading the month evenly."""


@dataclass(frozen=True)
class UsageMatrix:
    """Usage of N subscribers over the same H months: every array has shape (H, N), whole units.

    The many-subscriber form of :class:`Usage` (one column per subscriber), for
    :func:`simulate_totals`.
    """

    months: tuple[str, ...]
    """The calendar months simulated, 'YYYY-MM'."""
    voice_min: I64
    sms: I64
    data_kb: I64
    """General data, KB."""
    app_data_kb: I64
    """App-specific data (定向流量), KB."""
    data_days: I64
    """Days with data use (the days in the month where not known)."""

    @property
    def subscribers(self) -> int:
        """N, the number of columns."""
        return int(self.voice_min.shape[1])

    def take(self, columns: npt.NDArray[np.intp] | slice) -> UsageMatrix:
        """The usage of some subscribers only (contiguous copies)."""
        import numpy as np

        return UsageMatrix(
            self.months,
            *(np.ascontiguousarray(a[:, columns]) for a in
              (self.voice_min, self.sms, self.data_kb, self.app_data_kb, self.data_days)),
        )


@dataclass(frozen=True)
class Result:
    """Bill lines and flags for plans x months."""

    plan_ids: tuple[str, ...]
    months: tuple[str, ...]
    lines: I64
    """Shape (plans, months, len(LINES)), fen."""
    voice_over: B
    sms_over: B
    data_over: B
    topup: B
    data_stopped: B
    """Out-of-bundle data reached the plan's volume cap (data stopped until next month)."""
    data_capped: B
    """Out-of-bundle data charge reached the plan's money cap."""
    throttled: B
    """Total data passed the plan's speed-limit threshold."""

    def line(self, name: str) -> I64:
        """One bill line, shape (plans, months)."""
        return self.lines[:, :, LINES.index(name)]

    @cached_property
    def totals(self) -> I64:
        """Total over the simulated months per plan, fen (summed once: callers read it plan by plan)."""
        return self.line("total").sum(axis=1)
