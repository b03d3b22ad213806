"""A quick :func:`~tariffcli.inputs.csvtext.mixed_encodings` for large files (numpy, imported only when used)."""

from __future__ import annotations

from tariffcli.inputs.csvtext import is_utf8, mixed_encodings

UTF8_PREFIX = 1 << 16
"""Bytes decoded first by :func:`is_utf8_quick`."""
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
    lead = np.flatnonzero(raw >= 0xE0)
    lead = lead[(raw[lead] <= 0xF4) & (lead + 2 < n)]  # E0..F4, with two bytes after it
    follow = ((raw[lead + 1] & 0xC0) == 0x80) & ((raw[lead + 2] & 0xC0) == 0x80)
    suspects = lead[follow]
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
