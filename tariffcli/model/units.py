"""Quantities with explicit units: data in KB, voice in minutes, SMS in messages.

1 GB = 1024 MB = 1,048,576 KB, as on Chinese bills. A quantity is written with
its unit (``1 GB``, ``100 MB``, ``30 min``) or as a bare number in a field whose
name carries the unit. Nothing here guesses: an unknown unit is an error that
says which units are allowed.
"""

from __future__ import annotations

import difflib
import re
from decimal import ROUND_CEILING, Decimal, InvalidOperation

KB_PER = {"KB": 1, "MB": 1024, "GB": 1024 * 1024, "TB": 1024 * 1024 * 1024}
"""Kilobytes per data unit."""

DATA_UNITS = {
    "kb": "KB", "k": "KB", "kib": None,
    "mb": "MB", "m": "MB", "mib": None,
    "gb": "GB", "g": "GB", "gib": None,
    "tb": "TB", "t": "TB", "tib": None,
}
VOICE_UNITS = {"min": "min", "分钟": "min", "分": "min"}
COUNT_UNITS = {"sms": "sms", "条": "sms", "msg": "sms"}

UNLIMITED_WORDS = {"unlimited", "不限量", "无限"}

_QTY = re.compile(r"^\s*([+-]?[0-9][0-9_]*(?:\.[0-9]+)?|[+-]?\.[0-9]+)\s*([^\s0-9.,+-][^\s]*)?\s*$")


class UnitError(ValueError):
    """A quantity that cannot be read; the message says what is allowed."""


def _split(text: str) -> tuple[Decimal, str | None]:
    s = text.strip()
    if re.match(r"^\s*[+-]?[0-9]+,[0-9]+\s*[A-Za-z]*\s*$", s):
        raise UnitError(f"{text!r} uses a decimal comma; write {s.replace(',', '.')!r}")
    m = _QTY.match(s)
    if not m:
        raise UnitError(f"cannot read {text!r} as a number with a unit (e.g. '1 GB', '30 min')")
    try:
        value = Decimal(m.group(1).replace("_", ""))
    except InvalidOperation:  # pragma: no cover - the regex only admits numbers
        raise UnitError(f"cannot read the number in {text!r}") from None
    return value, m.group(2)


def _unknown(unit: str, allowed: list[str], what: str) -> UnitError:
    close = difflib.get_close_matches(unit.lower(), [a.lower() for a in allowed], n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    if unit.lower().endswith("ib"):
        hint = " (binary units are written KB, MB, GB here; 1 GB = 1024 MB)"
    return UnitError(f"unknown {what} unit {unit!r}{hint}; use one of {', '.join(allowed)}")


def data_unit(unit: str) -> str:
    """Normalise a data unit name ('mb' -> 'MB'); raise UnitError if unknown."""
    norm = DATA_UNITS.get(unit.strip().lower())
    if norm is None:
        raise _unknown(unit.strip(), ["KB", "MB", "GB", "TB"], "data")
    return norm


def parse_data_kb(value: object, *, default_unit: str | None = None, exact: bool = True) -> int:
    """Read a data volume and return kilobytes.

    ``exact`` refuses volumes that are not a whole number of KB (plan figures);
    otherwise a part-KB is rounded up, as operators bill it (usage figures).
    """
    if isinstance(value, bool):
        raise UnitError(f"expected a data volume such as '1 GB', got {value!r}")
    if isinstance(value, (int, float, Decimal)):
        if default_unit is None:
            raise UnitError(f"{value!r} has no unit; write e.g. '{value} MB' or '{value} GB'")
        number, unit = Decimal(repr(value)) if isinstance(value, float) else Decimal(value), default_unit
    elif isinstance(value, str):
        number, unit_or_none = _split(value)
        if unit_or_none is None:
            if default_unit is None:
                raise UnitError(f"{value!r} has no unit; write e.g. '{value.strip()} MB'")
            unit_or_none = default_unit
        unit = unit_or_none
    else:
        raise UnitError(f"expected a data volume such as '1 GB', got {value!r}")
    if not number.is_finite():
        raise UnitError(f"{value!r} is not a finite number")
    if number < 0:
        raise UnitError(f"{value!r} is negative")
    kb = number * KB_PER[data_unit(unit)]
    if kb != kb.to_integral_value():
        if exact:
            raise UnitError(f"{value!r} is not a whole number of KB")
        kb = kb.to_integral_value(rounding=ROUND_CEILING)
    return int(kb)


def parse_minutes(value: object) -> int:
    """Read a voice allowance such as '30 min' (or a bare whole number of minutes)."""
    if isinstance(value, bool):
        raise UnitError(f"expected minutes such as '30 min', got {value!r}")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        number, unit = _split(value)
        if unit is not None and unit.lower() not in VOICE_UNITS:
            raise _unknown(unit, ["min"], "voice")
    else:
        raise UnitError(f"expected minutes such as '30 min', got {value!r}")
    if number < 0:
        raise UnitError(f"{value!r} is negative")
    if number != number.to_integral_value():
        raise UnitError(f"{value!r} is not a whole number of minutes")
    return int(number)


def parse_count(value: object) -> int:
    """Read an SMS count such as 100 or '100 sms'."""
    if isinstance(value, bool):
        raise UnitError(f"expected a number of messages, got {value!r}")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        number, unit = _split(value)
        if unit is not None and unit.lower() not in COUNT_UNITS:
            raise _unknown(unit, ["sms"], "SMS")
    else:
        raise UnitError(f"expected a number of messages, got {value!r}")
    if number < 0 or number != number.to_integral_value():
        raise UnitError(f"{value!r} is not a whole, non-negative number of messages")
    return int(number)


def is_unlimited(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower() in UNLIMITED_WORDS


def format_kb(kb: int) -> str:
    """Human form of a KB count: '1 GB', '100 MB', '1.5 GB', '512 KB', '0'."""
    if kb == 0:
        return "0"
    for unit in ("GB", "MB"):
        per = KB_PER[unit]
        if kb >= per:
            value = Decimal(kb) / per
            text = f"{value.quantize(Decimal('0.01')).normalize():f}"
            return f"{text} {unit}"
    return f"{kb} KB"
