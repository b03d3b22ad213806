"""What ``batch`` reads before the analysis: the input's first and last month (so lines are billed only while
they exist, :mod:`tariffcli.batch.history`)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.batch.files import InputSpec


def input_span(spec: InputSpec) -> tuple[int, int] | None:
    """The input's first and last month (year * 12 + month - 1), reading its month column only."""
    from tariffcli.batch.arrowtext import without_pandas
    from tariffcli.batch.columns import InputColumns
    from tariffcli.batch.files import ChunkReader
    from tariffcli.batch.history import input_span as span_of

    months_only = replace(spec, columns=InputColumns({"month": spec.columns.names["month"]}, spec.columns.data_unit))
    with without_pandas():  # pyarrow would import pandas (0.3 s) only to look for it
        return span_of(ChunkReader(months_only, 1_000_000))
