"""The date cells of large records files, read column by column, give exactly what parse_day gives cell by cell.

The column reader checks the usual cells (``2026/1/5 8:12:33``, ``2026-01-05T08:12:33``, dates alone) with
integer arithmetic on their bytes and the others with regular expressions; either way each cell's day code
must be the one of :func:`~tariffcli.inputs.records.cells.parse_day` (-1 where it refuses the cell).
"""

from __future__ import annotations

from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffcli.inputs.records import columns

# pieces near the edges of what the byte checks admit: digits (ASCII and full-width), every separator, times
# out of range, one digit too many or too few, spaces, a T, non-ASCII bytes, a NUL
_PIECES = st.sampled_from([
    "2026", "1990", "2100", "1989", "0000", "9999", "202", "20261", "-", "/", ".", "1", "01", "12", "13", "0",
    "00", "2", "29", "30", "31", "32", "9", "19", "23", "24", "25", "59", "60", "09", "5", " ", "  ", "T", ":",
    "年", "月", "日", "２", "٣", "\x00", "Z", ".5", "a",
])
_CELLS = st.one_of(
    st.lists(_PIECES, min_size=1, max_size=12).map("".join),
    st.builds(lambda y, s1, m, s2, d, sep, h, mi, sec, cut: (
        f"{y}{s1}{m}{s2}{d}{sep}{h}:{mi}:{sec}"[:cut] if cut else f"{y}{s1}{m}{s2}{d}{sep}{h}:{mi}:{sec}"),
        st.sampled_from(["2026", "2024", "1990", "2101", "0202"]), st.sampled_from("-/."),
        st.sampled_from(["1", "2", "02", "12", "13", "0", "002"]), st.sampled_from("-/.:"),
        st.sampled_from(["1", "29", "30", "31", "09", "9", "32"]), st.sampled_from([" ", "T", "", "  ", "\t", "TT"]),
        st.sampled_from(["0", "9", "09", "19", "20", "23", "24", "29", "30", "99", "123", "٣"]),
        st.sampled_from(["00", "05", "59", "60", "5", "99"]), st.sampled_from(["00", "59", "60", "7", "5.5", "99"]),
        st.integers(0, 20)),
)


def _reference(cell: str) -> int:
    return columns.day_code(cell)


def _column(cells: list[str], cuts: list[int]):
    import pyarrow as pa

    bounds = sorted({0, len(cells), *(c % (len(cells) + 1) for c in cuts)})
    return pa.chunked_array([pa.array(cells[a:b], pa.string()) for a, b in zip(bounds, bounds[1:], strict=False)], pa.string())


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(_CELLS, min_size=1, max_size=30), st.lists(st.integers(0, 40), max_size=4))
def test_day_codes_are_parse_day_cell_by_cell(cells, cuts):
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    column = _column(cells, cuts)
    expected = [_reference(c) for c in cells]
    assert columns.day_codes(column, np, pa, pc).tolist() == expected
    hit, read = columns.plain_day_codes(column, np, pa, pc)
    for cell, was_read, code, want in zip(cells, hit.tolist(), read.tolist(), expected, strict=True):
        if was_read:  # a cell read by its bytes: one the first pattern admits whole, read as parse_day reads it
            assert pc.match_substring_regex(pa.array([cell]), columns.DAY_FORMATS[0][0])[0].as_py(), cell
            assert code == want, cell


def test_the_usual_cells_are_read_by_their_bytes():
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = ["2026/1/5 8:12:33", "2026-01-05 08:12:33", "2026.12.31T23:59:59", "2026/1/31", "2024-02-29",
             "2026/10/1 0:00:00"]
    hit, read = columns.plain_day_codes(_column(cells, [2]), np, pa, pc)
    assert hit.all()
    assert read.tolist() == [_reference(c) for c in cells]
    refused = ["2026/1/5 24:00:00", "2026/1/5 8:60:00", "2026/1/5 8:00:60", "2026/1/5  8:00:00", "2026/1/5 8:00",
               "2026/1/5 08:00:00.5", "2026/1/5 ٣:00:00", "2026/1/5x8:00:00", "2026/1/5 08:00:0"]
    hit, read = columns.plain_day_codes(_column(refused, []), np, pa, pc)
    assert not hit.any()
