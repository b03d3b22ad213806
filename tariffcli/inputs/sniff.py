"""Telling a plan file from a usage CSV by their first bytes, for arguments given in the wrong place.

Pure functions over the head of a file (the CLI reads it): nothing here opens a file.
A plan file is YAML with ``key: value`` lines and a plan's keys; a usage file is a CSV
whose header names a month column.
"""

from __future__ import annotations

import re

HEAD_BYTES = 4096
"""How much of a file the sniffers look at."""

PLAN_KEYS = ("id", "monthly_fee", "operator", "overage", "allowances", "sources")
_YAML_KEY = re.compile(r"^([A-Za-z_][\w-]*):(\s|$)", re.M)
_MONTH_WORDS = ("month", "月", "账期", "period")


def _text(head: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError:
            continue
    return head.decode("utf-8", "replace")


def looks_like_plan(head: bytes, name: str = "") -> bool:
    """Whether a file (its first bytes, and its name) is a plan file: a ``.yaml``/``.yml`` name, or at least
    two of a plan's top-level keys (``id:``, ``monthly_fee:`` ...) at the start of lines."""
    if name.lower().endswith((".yaml", ".yml")):
        return True
    keys = set(_YAML_KEY.findall(_text(head)))
    return len({k for k, _ in keys} & set(PLAN_KEYS)) >= 2


def looks_like_usage(head: bytes, name: str = "") -> bool:
    """Whether a file is a usage table: a ``.csv``/``.tsv`` name, or a first line with separators that names a
    month column."""
    if name.lower().endswith((".csv", ".tsv")):
        return True
    first = _text(head).lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    return any(sep in first for sep in ",\t;") and any(w in first.casefold() for w in _MONTH_WORDS)


__all__ = ["HEAD_BYTES", "PLAN_KEYS", "looks_like_plan", "looks_like_usage"]
