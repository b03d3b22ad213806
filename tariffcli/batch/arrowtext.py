"""Arrow without pandas: the guard that keeps pyarrow from importing pandas, and JSON lines from Arrow columns.

pyarrow imports pandas (about 0.3 s) as soon as it builds an array or a scalar
from Python or numpy values, only to recognise pandas objects; batch hands it
none, so the local engine runs inside :func:`without_pandas`.

:func:`json_lines` writes a table as JSON lines with Arrow compute (the text of
each row is built column by column), so the ``.jsonl`` output needs no pandas.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

__all__ = ["json_lines", "without_pandas"]


class _NoPandas(importlib.abc.MetaPathFinder):
    """Refuses ``import pandas`` (see :func:`without_pandas`)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not imported while batch runs the local engine", name=name)
        return None


@contextlib.contextmanager
def without_pandas() -> Iterator[None]:
    """While inside, pandas cannot be imported (unless it already was), so pyarrow's look-ups for pandas
    objects find none and cost nothing.

    pyarrow imports pandas (about 0.3 s) the first time it builds an array or a
    scalar from Python or numpy values (``pa.array``, ``pa.scalar``, a compute
    function given a plain number), and its C++ side tries again on each
    conversion of Python values until it succeeds, only to recognise pandas
    objects. Batch hands it none, so the local engine runs inside this block.
    Code that needs pandas there would fail with an ImportError naming this
    block (tests/batch/test_no_pandas.py runs every output format through it).
    """
    if "pandas" in sys.modules:
        yield
        return
    import pyarrow as pa

    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        pa.array(np.zeros(1, np.int64))  # pyarrow's own look for pandas, once: none (later ones ask again)
        yield
    finally:
        sys.meta_path.remove(finder)


_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"), ("\b", "\\b"), ("\f", "\\f"))
_OTHER_CONTROL = "[\x00-\x07\x0b\x0e-\x1f]"


def _json_strings(col: pa.Array) -> pa.Array:
    """A string column as JSON strings (quoted, escaped); nulls as ``null``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = col
    for raw, escaped in _ESCAPES:
        if pc.any(pc.match_substring(out, raw)).as_py():
            out = pc.replace_substring(out, raw, escaped)
    rare = pc.fill_null(pc.match_substring_regex(out, _OTHER_CONTROL), False)
    if pc.any(rare).as_py():  # other control characters: json.dumps, cell by cell (rare)
        idx = pc.indices_nonzero(rare)
        fixed = pa.array([json.dumps(v, ensure_ascii=False)[1:-1] for v in pc.take(col, idx).to_pylist()], pa.string())
        out = pc.replace_with_mask(out, rare, fixed)
    quote = pa.scalar('"', pa.string())
    out = pc.binary_join_element_wise(quote, out, quote, pa.scalar("", pa.string()))
    return pc.fill_null(out, pa.scalar("null", pa.string()))


def _json_values(col: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One column's JSON values as text: strings quoted, numbers as they are, nulls as ``null``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return _json_strings(arr.cast(pa.string()))
    if pa.types.is_integer(arr.type):
        return pc.fill_null(arr.cast(pa.string()), pa.scalar("null", pa.string()))
    if pa.types.is_floating(arr.type):
        finite = pc.fill_null(pc.is_finite(arr), False)
        text = pc.if_else(finite, arr.cast(pa.string()), pa.scalar(None, pa.string()))
        return pc.fill_null(text, pa.scalar("null", pa.string()))
    return _json_strings(arr.cast(pa.string()))  # decimals (amounts) and anything else: as strings


def json_lines(table: pa.Table) -> bytes:
    """``table`` as UTF-8 JSON lines, one object per row, keys in column order (no spaces, non-ASCII kept)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if table.num_rows == 0:
        return b""
    parts: list[pa.Array | pa.Scalar] = []
    for k, name in enumerate(table.column_names):
        key = ("{" if k == 0 else ",") + json.dumps(name, ensure_ascii=False) + ":"
        parts += [pa.scalar(key, pa.string()), _json_values(table.column(k))]
    parts.append(pa.scalar("}\n", pa.string()))
    lines = pc.binary_join_element_wise(*parts, pa.scalar("", pa.string())).cast(pa.large_string())
    offsets = np.frombuffer(lines.buffers()[1], np.int64, len(lines) + 1, lines.offset * 8)
    return lines.buffers()[2][int(offsets[0]): int(offsets[-1])].to_pybytes()
