"""Shared helpers for the engine, property and plan-model tests.

Plans are built from Python values with :func:`make_plan` (a minimal valid
plan plus overrides, validated by the model and by the cross-field checks),
usage with :func:`make_usage` (one simulated month unless told otherwise) and
usage histories for :func:`tariffcli.compare.ranking.compare` with :func:`make_history`.
Amounts in assertions are integer fen; :func:`fen` turns '11.75' into 1175.

Hypothesis profiles (one place for every example count): each property test
states its weight with :func:`examples` (the count it gets in the ``full``
profile); the profile, chosen with the environment variable
``TARIFFCLI_HYPOTHESIS``, scales it:

* ``quick`` (the default): a quarter of the weight, at least 10 examples, so
  the whole suite runs in well under a minute on two cores;
* ``full``: the weight itself;
* ``long``: twenty times the weight, for a run of ten minutes or more before
  a release (``TARIFFCLI_HYPOTHESIS=long python -m pytest tests/engine tests/cli/test_fuzz.py``).
"""

from __future__ import annotations

import copy
import getpass
import os
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, settings

from tariffcli.engine import LINES, Result, Usage, simulate
from tariffcli.inputs.catalogue import check_plan
from tariffcli.inputs.yaml_located import Located
from tariffcli.model.months import days_in, month_range
from tariffcli.model.plan import Plan

os.environ.setdefault("TARIFFCLI_TODAY", "2026-12-01")
"""Every command in the tests runs on this day unless a test says otherwise (the catalogue's freshness
warning and "next month" defaults would otherwise change with the calendar)."""

os.environ["TARIFFCLI_CONFIG"] = os.devnull  # never the developer's config file (tariffcli/cli/config.py)
for _setting in ("TARIFFCLI_PLANS", "TARIFFCLI_LANG", "TARIFFCLI_CURRENT", "TARIFFCLI_PROVINCE"):
    os.environ.pop(_setting, None)
os.environ.setdefault("TARIFFCLI_CACHE_DIR", os.path.join(tempfile.gettempdir(), f"tariffcli-tests-{getpass.getuser()}"))
"""The catalogue cache of the tests: never the user's own (tests of the cache point it elsewhere themselves)."""

PROFILE = os.environ.get("TARIFFCLI_HYPOTHESIS", "quick")
_SCALE = {"quick": (1, 4), "full": (1, 1), "long": (20, 1)}
if PROFILE not in _SCALE:
    raise RuntimeError(f"TARIFFCLI_HYPOTHESIS={PROFILE!r}: use one of {', '.join(_SCALE)}")
for _name in _SCALE:
    settings.register_profile(
        _name, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        derandomize=_name == "quick",
    )
settings.load_profile(PROFILE)


def examples(weight: int) -> int:
    """The example count for a property test of ``weight`` under the active profile (see the module docstring)."""
    mul, div = _SCALE[PROFILE]
    return max(10, weight * mul // div)


REPO = Path(__file__).resolve().parent.parent
PLANS_DIR = REPO / "plans"
PLAN_FILES = sorted(p for p in PLANS_DIR.rglob("*.yaml") if "standard-rates" not in p.parts)
"""Every bundled plan file (the standard-rates files beside them are not plans)."""

FIXTURE_CATALOGUE = REPO / "tests" / "fixtures" / "catalogue"
"""A frozen test catalogue: the 16 plan files of the bundled catalogue as they were before issue 11
(commit 1665298), each marked ``status: on-sale``. Tests of a mechanism (ranking order, suspended lines,
footnotes, add-on search, break-even, batch against compare, offers) run on it, so their expected
figures do not move when the bundled catalogue is updated. Not current tariffs: never advice."""

KB = 1
MB = 1024
GB = 1024 * 1024

START = "2025-01"

BASE_PLAN: dict[str, Any] = {
    "id": "test-plan",
    "name": "Test plan",
    "operator": "Test Mobile",
    "province": "national",
    "monthly_fee": "0",
    "allowances": {},
    "overage": {
        "voice": {"rate": "0.25"},
        "sms": {"rate": "0.10"},
        "data": {"rate": "0.29", "per": "MB", "increment": "KB"},
    },
    "confidence": "example",
    "sources": [{"url": "https://example.com/plan", "retrieved": "2026-01-01"}],
}
"""A minimal valid plan: no fee, nothing included, 0.25/min, 0.10/SMS, 0.29/MB billed per KB."""


class PlanRuleError(ValueError):
    """A plan built in a test breaks a cross-field rule of :func:`check_plan`."""


def make_plan(**overrides: Any) -> Plan:
    """A :class:`Plan` from :data:`BASE_PLAN` with top-level keys replaced.

    ``overage`` is merged per service, so ``overage={"data": {...}}`` keeps the
    base voice and SMS rates. The cross-field rules of :func:`check_plan` are
    applied too, so a helper-built plan is one the loader would accept.
    """
    data = copy.deepcopy(BASE_PLAN)
    overage = overrides.pop("overage", None)
    if overage is not None:
        data["overage"] = {**data["overage"], **overage}
    data.update(overrides)
    plan = Plan.model_validate(data)
    problems = check_plan(plan, Located(data), "<test>")
    if problems:
        raise PlanRuleError("; ".join(str(p) for p in problems))
    return plan


def _column(value: int | Sequence[int] | None, n: int, default: int = 0) -> list[int]:
    if value is None:
        return [default] * n
    if isinstance(value, (int, np.integer)):
        return [int(value)] * n
    return [int(v) for v in value]


def make_usage(
    voice_min: int | Sequence[int] = 0,
    sms: int | Sequence[int] = 0,
    data_kb: int | Sequence[int] = 0,
    app_data_kb: int | Sequence[int] = 0,
    data_days: int | Sequence[int] | None = None,
    *,
    months: Sequence[str] | None = None,
    n: int | None = None,
    start: str = START,
) -> Usage:
    """Usage for ``n`` consecutive months from ``start`` (a scalar is repeated each month).

    The number of months is ``n``, else the length of ``months`` or of any
    sequence given, else 1. Without ``data_days`` every day of the month counts
    as a day with data use (and ``data_days_known`` is False).
    """
    if n is None:
        if months is not None:
            n = len(months)
        else:
            lengths = [len(v) for v in (voice_min, sms, data_kb, app_data_kb, data_days) if isinstance(v, Sequence)]
            n = max(lengths, default=1)
    if months is None:
        months = month_range(start, n)
    months = tuple(months)
    known = data_days is not None
    days = _column(data_days, n) if known else [days_in(m) for m in months]
    cols = [_column(v, n) for v in (voice_min, sms, data_kb, app_data_kb)]
    for name, col in zip(("voice_min", "sms", "data_kb", "app_data_kb", "data_days"), [*cols, days], strict=True):
        if len(col) != n:
            raise ValueError(f"{name} has {len(col)} values for {n} months")
    arr = [np.array(c, np.int64) for c in cols]
    return Usage(months, *arr, np.array(days, np.int64), np.full(n, known, np.bool_))


class _HistoryStandIn:
    """Used only if tariffcli.inputs.usage.UsageHistory.from_rows is not available."""

    def __init__(self, months, voice_min, sms, data_kb, app_data_kb, data_days, source):
        self.source = source
        self.months = tuple(months)
        self.voice_min = tuple(voice_min)
        self.sms = tuple(sms)
        self.data_kb = tuple(data_kb)
        self.app_data_kb = tuple(app_data_kb)
        self.data_days = tuple(data_days)


def make_history(
    voice_min: int | Sequence[int] = 0,
    sms: int | Sequence[int] = 0,
    data_kb: int | Sequence[int] = 0,
    app_data_kb: int | Sequence[int] | None = None,
    data_days: Sequence[int | None] | None = None,
    *,
    n: int = 12,
    start: str = "2024-01",
):  # UsageHistory (or a stand-in)
    """A usage history of ``n`` months from ``start`` (scalars repeated every month)."""
    months = month_range(start, n)
    voice, sms_, data = _column(voice_min, n), _column(sms, n), _column(data_kb, n)
    app = None if app_data_kb is None else _column(app_data_kb, n)
    try:
        from tariffcli.inputs.usage import UsageHistory
    except ImportError:  # pragma: no cover - only while usage.py is being written
        UsageHistory = None
    if UsageHistory is not None and hasattr(UsageHistory, "from_rows"):
        return UsageHistory.from_rows(months, voice, sms_, data, app_data_kb=app, data_days=data_days, source="<test>")
    return _HistoryStandIn(  # pragma: no cover
        months, voice, sms_, data, app or [0] * n, list(data_days) if data_days is not None else [None] * n, "<test>"
    )


def bill(plans: Plan | Sequence[Plan], usage: Usage, first_month: Sequence[int] | None = None, **kw: Any) -> Result:
    """Simulate one plan or several."""
    if isinstance(plans, Plan):
        plans = [plans]
    return simulate(list(plans), usage, first_month, **kw)


def month_lines(result: Result, plan: int = 0, month: int = 0) -> dict[str, int]:
    """One plan-month's bill lines as {line name: fen}."""
    return {name: int(result.lines[plan, month, i]) for i, name in enumerate(LINES)}


def fen(amount: str | int | Decimal) -> int:
    """'11.75' -> 1175 (exact; refuses fractions of a fen)."""
    d = Decimal(str(amount)) * 100
    if d != d.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of fen")
    return int(d)


def money(value: int) -> str:
    """Integer fen -> the Decimal string used in plans: 1175 -> '11.75'."""
    return str(Decimal(value).scaleb(-2))


def rate(micro: int) -> str:
    """Integer micro-units -> a rate string with up to six decimals: 290000 -> '0.290000'."""
    return str(Decimal(micro).scaleb(-6))


def assert_totals_are_sums(result: Result) -> None:
    """Every plan-month's total is the sum of its other lines."""
    total = LINES.index("total")
    others = [i for i in range(len(LINES)) if i != total]
    np.testing.assert_array_equal(result.lines[:, :, others].sum(axis=-1), result.lines[:, :, total])
