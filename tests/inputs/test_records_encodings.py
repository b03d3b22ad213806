"""The quick mixed-encodings check of large records files gives exactly what csvtext.mixed_encodings gives."""

from __future__ import annotations

from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffcli.inputs.csvtext import mixed_encodings
from tariffcli.inputs.records import encodings

_PIECES = st.lists(st.sampled_from(["a", ",", "1", " ", "\r", "通话", "短信", "秒", "湖", "é", "\ufeff", "😀"]),
                   max_size=6).map("".join)
_LINES = st.lists(st.one_of(
    st.tuples(_PIECES, st.sampled_from(["utf-8", "gb18030"])).map(lambda t: t[0].encode(t[1])),
    st.binary(max_size=4).filter(lambda b: b"\n" not in b),
), max_size=10)


@settings(max_examples=examples(300))
@given(_LINES, st.integers(0, 3))
def test_the_quick_check_is_exactly_mixed_encodings(lines_of_bytes, most):
    data = b"\n".join(lines_of_bytes)
    saved = encodings.MAX_SUSPECT_LINES
    encodings.MAX_SUSPECT_LINES = most  # also with few lines checked one by one before the full scan decides
    try:
        assert encodings.mixed_encodings_quick(data) == mixed_encodings(data)
    finally:
        encodings.MAX_SUSPECT_LINES = saved


def test_a_gb18030_file_with_one_utf8_line_is_found_mixed():
    data = ("号码,时间\n" * 3).encode("gb18030") + "湖南,长沙\n".encode() + "a,b\n".encode("gb18030")
    assert encodings.mixed_encodings_quick(data) == (4, 1)
    assert encodings.mixed_encodings_quick(("号码,时间\n" * 3).encode("gb18030")) is None


@settings(max_examples=examples(300))
@given(_LINES, st.integers(1, 12))
def test_the_quick_utf8_check_is_exactly_is_utf8(lines_of_bytes, prefix):
    from tariffcli.inputs.csvtext import is_utf8

    data = b"\n".join(lines_of_bytes)
    saved = encodings.UTF8_PREFIX
    encodings.UTF8_PREFIX = prefix  # a short prefix, so that characters are cut at its end
    try:
        assert encodings.is_utf8_quick(data) == is_utf8(data)
    finally:
        encodings.UTF8_PREFIX = saved


@settings(max_examples=examples(300))
@given(st.lists(st.sampled_from([0x0A, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xDF, 0xE0, 0xF4, 0xF5]), max_size=40).map(bytes),
       st.integers(1, 9))
def test_the_suspect_lead_bytes_are_found_across_blocks(data, block):
    import numpy as np

    raw = np.frombuffer(data, np.uint8)
    expected = [i for i in range(len(data) - 2)
                if 0xE0 <= data[i] <= 0xF4 and 0x80 <= data[i + 1] <= 0xBF and 0x80 <= data[i + 2] <= 0xBF]
    saved = encodings._BLOCK
    encodings._BLOCK = block  # blocks of a few bytes: every lead byte near a block's end
    try:
        assert encodings._suspects(raw, np).tolist() == expected
    finally:
        encodings._BLOCK = saved
    assert encodings._suspects(raw, np).tolist() == expected
