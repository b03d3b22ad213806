"""A quick :func:`~tariffcli.inputs.csvtext.mixed_encodings` for large files (numpy, imported only when used)."""

from __future__ import annotations

from typing import Any

from tariffcli.inputs.csvtext import is_utf8, mixed_encodings

UTF8_PREFIX = 1 << 16
"""Bytes decoded first by :func:`is_utf8_quick`."""
_BLOCK = 1 << 16
"""Bytes looked at together by :func:`_suspects`."""
MAX_SUSPECT_LINES = 256
"""Lines that may be UTF-8 with wide characters checked one by one here; past that, the full scan decides."""


def mixed_encodings_quick(data: bytes) -> tuple[int, int] | None:
    """Exactly :func:`~tariffcli.inputs.csvtext.mixed_encodings` of ``data``, usually without decoding it all.

    A line it counts as UTF-8 starts with the BOM or holds two characters beyond U+07FF, each written in
    UTF-8 as a lead byte E0-F4 followed by continuation bytes (80-BF). numpy finds the places where such a
    lead byte is followed by two continuation bytes (all of them, and more); only the lines holding one are
    decoded. When none of them is UTF-8 of that kind the answer is None; otherwise (or with more than
    :data:`MAX_SUSPECT_LINES` such lines) ``mixed_encodings`` itself gives the answer.
    """
    import numpy as np

    raw = np.frombuffer(data, np.uint8)
    n = len(raw)
    suspects = _suspects(raw, np)
    i, checked = 0, 0
    while i < len(suspects):
        at = int(suspects[i])
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        end = n if end < 0 else end
        checked += 1
        if checked > MAX_SUSPECT_LINES:
            return mixed_encodings(data)
        try:
            line = data[start:end].decode("utf-8")
        except UnicodeDecodeError:
            line = None
        if line is not None and (line.startswith("\ufeff") or sum(ord(ch) > 0x7FF for ch in line) >= 2):
            return mixed_encodings(data)
        i = int(np.searchsorted(suspects, end))
    return None


def _suspects(raw: Any, np: Any) -> Any:
    """Ascending positions of the bytes E0-F4 of ``raw`` followed by two continuation bytes (80-BF).

    Read in blocks that stay in the processor's cache (a GB18030 file holds a million such lead bytes or
    more: one pass over each block, no index of them all)."""
    n = len(raw)
    found = []
    buf = np.empty(_BLOCK + 2, np.uint8)
    cont = np.empty(_BLOCK + 2, np.bool_)
    lead = np.empty(_BLOCK, np.bool_)
    for start in range(0, n - 2, _BLOCK):
        m = min(_BLOCK, n - 2 - start)  # lead bytes at start .. start + m - 1, each with two bytes after it
        part = raw[start:start + m + 2]
        np.bitwise_and(part, 0xC0, out=buf[:m + 2])
        np.equal(buf[:m + 2], 0x80, out=cont[:m + 2])
        np.subtract(part[:m], np.uint8(0xE0), out=buf[:m])  # wraps below E0: E0..F4 are 0..0x14
        np.less_equal(buf[:m], 0x14, out=lead[:m])
        lead[:m] &= cont[1:m + 1]
        lead[:m] &= cont[2:m + 2]
        if lead[:m].any():
            found.append(np.flatnonzero(lead[:m]) + start)
    return np.concatenate(found) if found else np.zeros(0, np.intp)


def is_utf8_quick(data: bytes) -> bool:
    """Exactly :func:`~tariffcli.inputs.csvtext.is_utf8` of ``data``, deciding on the first
    :data:`UTF8_PREFIX` bytes when they already hold a byte that is not UTF-8 (as a GB18030 file does)."""
    head = data[:UTF8_PREFIX]
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if err.end + 4 <= len(head):  # the bytes that decided it lie well inside the prefix
            return False
    return is_utf8(data)
