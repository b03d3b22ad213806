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
MIN_YEAR, MAX_YEAR = 1990, 2100
"""Every month and date read from an input (usage, records, bills, plans) lies in these years."""
INT64_SAFE = 2**62
"""Plans whose charges could pass this at :data:`MAX_DATA_KB` are refused."""

# ---------------------------------------------------------------- limits that bound work (issue 15)
# Each is checked before the work it bounds, and the error names it.

MAX_PHASES = 600
"""Most promotion phases in one plan: phases may not overlap and months run 1 to 600, so more must overlap."""
MAX_TIERS = 100
"""Most out-of-bundle data tiers in one plan (real plans have two or three)."""
MAX_ADDONS = 100
"""Most add-ons in one plan."""
MAX_PHASE_ADDONS = 100
"""Most add-on ids one promotion phase bundles."""
MAX_ELIGIBILITY = 50
"""Most eligibility entries in one plan."""
MAX_TAGS = 50
"""Most tags in one plan."""
MAX_SOURCES = 100
"""Most sources of one plan (the catalogue's best documented plan has ten)."""
MAX_ROAMING_CALLS = 200
"""Most roaming call zones of one plan."""
MAX_PROBLEMS_PER_FILE = 20
"""Most problems reported for one plan file; the rest are counted ("... and N more problems")."""
MAX_OVERLAPS_SHOWN = 5
"""Most overlapping promotion phases reported one by one; the rest are counted."""
MAX_IDS_SHOWN = 5
"""More plans left out than this are counted on stderr, not listed one by one (``plans list --all`` lists them)."""
MAX_PLAN_FILES = 5_000
"""Most plan files read in one run (the bundled catalogue has under a hundred; 5,000 small files take a few
seconds to check). Counted while the folders are listed, before any file is read."""
MAX_COLUMNS = 200
"""Most cells in one row of a CSV file (usage, records, bills): checked as the file is split into records,
before any header or cell is read."""
MAX_WARNINGS = 20
"""Most warnings one input file gives (e.g. ignored columns); the rest are counted."""
MAX_RECORD_LINES = 500
"""Most phone numbers (lines) in one itemized-records file: every line is analysed on its own, a few
milliseconds each; for more subscribers use ``tariffcli batch``."""
MAX_RECORD_MONTHS = 120
"""Longest span of one itemized-records file, from its first record's month to its last (ten years)."""
MAX_RECORD_LINE_MONTHS = 6_000
"""Most numbers x months in one itemized-records file (each is a month of daily totals to build and analyse)."""
MAX_PLAN_CHARS = 10_000_000
"""Most characters of plan files read in one run, in all (the bundled catalogue has under 200,000): checked as the
files are read, before any is parsed (parsing YAML takes about a second per megabyte)."""
