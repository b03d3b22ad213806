"""Limits the whole program agrees on: one definition each.

Usage readers refuse more than these per month; the engine is built to bill
exactly up to them (see :func:`tariffcli.model.plan.plan_limits_problem`).
"""

from __future__ import annotations

from tariffcli.model.units import KB_PER

MAX_DATA_KB = 1_000_000 * KB_PER["MB"]
"""Most data in one month of usage (about 1 TB): usage readers refuse more, the engine bills up to it exactly."""
MAX_VOICE_MIN = 31 * 24 * 60
"""Most voice minutes in one month of usage (every minute of a 31-day month)."""
MAX_SMS = 100_000
"""Most SMS in one month of usage."""
MAX_PLAN_DATA_KB = 1000 * KB_PER["TB"]
"""Largest data quantity a plan file may state (an allowance, a cap, a block)."""
INT64_SAFE = 2**62
"""Plans whose charges could pass this at :data:`MAX_DATA_KB` are refused."""
