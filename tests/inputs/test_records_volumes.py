"""Volume columns of bare numbers, read without encoding every cell, give what the per-value reading gives."""

from __future__ import annotations

from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffcli.inputs.records import columns

_CELLS = st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=10),
                   st.sampled_from(["999999999", "0", "000000000", "1000000000", "1.5", "12KB", " 1", "١"]))


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.lists(_CELLS, max_size=8), min_size=1, max_size=4),
       st.sampled_from([None, "KB", "MB", "GB", "B", "TB"]))
def test_bare_numbers_read_as_the_distinct_values_are(chunks, unit):
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    column = pa.chunked_array([pa.array(c, pa.string()) for c in chunks], pa.string())
    cells = [v for c in chunks for v in c]
    idx, distinct = columns.distinct_values(column, len(cells), np, pc)
    expected = columns.volume_codes(distinct, unit, np, pa, pc).take(idx).tolist() if cells else []
    found = columns.plain_volumes(column, unit, np, pa, pc)
    if found is not None:
        assert np.asarray(found[1]).take(found[0]).tolist() == expected
    elif cells and all(c == "" or (c.isascii() and c.isdigit() and len(c) <= 9) for c in cells) and unit:
        assert any(int(c) * {"KB": 1024, "MB": 1024**2, "GB": 1024**3, "B": 1, "TB": 1024**4}[unit] * 1000
                   > columns.MAX_DATA_KB * columns.MILLI_B_PER_KB for c in cells if c) or unit == "TB"


def test_a_column_of_bare_numbers_is_read_without_encoding():
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    column = pa.chunked_array([pa.array(["12", "", "007"]), pa.array(["", "999999999"])], pa.string())
    found = columns.plain_volumes(column, "KB", np, pa, pc)
    assert found is not None
    idx, values = found
    assert values.take(idx).tolist() == [12 * 1024000, -1, 7 * 1024000, -1, 999999999 * 1024000]
