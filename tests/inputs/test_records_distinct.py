"""The distinct values of a column read column by column: every row points at its own value, each value once."""

from __future__ import annotations

from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffcli.inputs.records import columns


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.lists(st.sampled_from(["通话", "短信", "", "a", "A", "a ", "上网", "x" * 20]), max_size=12),
                min_size=1, max_size=5),
       st.integers(1, 8), st.integers(1, 6))
def test_distinct_values_of_chunked_columns(chunks, few, sample):
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    column = pa.chunked_array([pa.array(c, pa.string()) for c in chunks], pa.string())
    cells = [v for c in chunks for v in c]
    saved = columns._FEW, columns._SAMPLE
    columns._FEW, columns._SAMPLE = few, sample  # small samples: cells not among them, encoded apart
    try:
        for found in (columns.distinct_values(column, len(cells), np, pc), columns._distinct_few(column, np, pc)):
            if found is None:
                continue
            idx, distinct = found
            assert len(set(distinct)) == len(distinct)
            assert [distinct[i] for i in np.asarray(idx).tolist()] == cells
    finally:
        columns._FEW, columns._SAMPLE = saved
