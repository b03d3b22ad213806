"""Itemized records as a batch input: record files (calls, SMS, data apart, CSV or .xlsx) -> monthly rows.

Batch reads one row per subscriber and month. Given record files instead (told
by their header: a date or start-time column, no month column), they are read
with :func:`tariffcli.inputs.records.read_record_files`, in memory, and totalled
per subscriber and month into the columns batch already reads: each
subscriber's months run from its first month with records to its last (a month
inside with none is a month of zero use). Both roundings are carried: calls
rounded per call and data per session (the default of the plan format's
``rounding``) in the columns every input has, and the month's exact totals
rounded once in two more columns (:data:`VARIANTS`), which the analyser bills
plans that round per month on (:mod:`tariffcli.batch.rounding_groups`). Each
month's data per day is carried too (:data:`DAILY`, a list of :data:`DAYS`
KB), so daily-rate plans are billed day by day as ``analyze`` bills them
(:mod:`tariffcli.batch.daily`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tariffcli.batch.daily import DAILY
from tariffcli.inputs.files import read_table, table_files
from tariffcli.inputs.records import (
    DAYS,
    MAX_BYTES,
    MAX_TOTAL_BYTES,
    Records,
    looks_like_records,
    read_record_files,
)
from tariffcli.model.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

__all__ = ["COLUMNS", "MAX_SUBSCRIBERS", "VARIANTS", "are_records", "monthly_table", "read_records"]

MAX_SUBSCRIBERS = 10_000
"""Most subscribers read from record files in one batch run (records are read in memory, with daily totals);
for more, total them per month first."""
COLUMNS = {"subscriber": "subscriber", "month": "month", "voice_min": "voice_min", "sms": "sms", "data": "data_kb",
           "data_days": "data_days", "voice_min_month": "voice_min_month", "data_month": "data_kb_month",
           DAILY: "data_kb_daily"}
"""Canonical batch field -> column of the monthly table built from records."""
VARIANTS = ("voice_min_month", "data_month")
"""The canonical fields only record files give: the month's call time and data, each rounded up once."""


def are_records(head: bytes, name: str) -> bool:
    """Whether a file's first lines are the header of itemized records (not a monthly table)."""
    try:
        return looks_like_records(head, name)
    except DataError:
        return False


def read_records(files: Sequence[Path], columns: Sequence[str] | None = None, sheet: str | None = None) -> Records:
    """The record files read and merged (lines by subscriber)."""
    table_files(list(files), MAX_TOTAL_BYTES)  # the total size, before any file is read
    tables = [read_table(f, str(f), MAX_BYTES, sheet) for f in files]
    records = read_record_files([(name, data) for data, name in tables], columns=columns,
                                max_lines=MAX_SUBSCRIBERS)
    if not records.has_line_column:
        raise DataError("batch needs a subscriber column in the record files (user_id, msisdn, 号码)",
                        file=records.source, code="missing_column")
    return records


def monthly_table(records: Records) -> pa.Table:
    """One row per subscriber and month, from the subscriber's first month with records to its last."""
    import pyarrow as pa

    cols: dict[str, list[object]] = {c: [] for c in COLUMNS.values()}
    for lr in records.lines:
        active = [k for k, n in enumerate(lr.records) if n]
        if not active:
            continue
        span = range(active[0], active[-1] + 1)
        cols["subscriber"].extend([lr.line] * len(span))
        for column, values in (("month", lr.months), ("voice_min", lr.voice_min), ("sms", lr.sms),
                               ("data_kb", lr.data_kb), ("data_days", lr.data_days),
                               ("voice_min_month", lr.voice_min_month), ("data_kb_month", lr.data_kb_month)):
            cols[column].extend(values[k] for k in span)
        cols["data_kb_daily"].extend(lr.daily_data_kb[k] for k in span)
    types = {"subscriber": pa.string(), "month": pa.string(), "data_kb_daily": pa.list_(pa.int64(), DAYS)}
    return pa.table({c: pa.array(v, types.get(c, pa.int64())) for c, v in cols.items()})
