"""Exact money: integer fen (minor units) inside, Decimal at the edges.

There is one rounding rule, half-up to the fen (``ROUND_HALF_UP``), applied
once per bill line. Exact intermediate amounts are kept as an integer
numerator over a known denominator, so nothing is lost before that rounding.
Floats are never money.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt

FEN = Decimal("0.01")
MICRO = Decimal("0.000001")
MICRO_PER_FEN = 10_000
"""Rates are held in micro-units (1e-6 of a currency unit): 10,000 per fen."""


def to_decimal(value: object) -> Decimal:
    """Turn a YAML/CSV value into a Decimal without passing through float."""
    if isinstance(value, Decimal):
        return _no_negative_zero(value)
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # YAML gave us a float: its repr is the shortest string that round-trips,
        # which is what the author wrote (9.99 -> '9.99').
        return _no_negative_zero(Decimal(repr(value)))
    if isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
        return _no_negative_zero(d)
    raise ValueError(f"expected a number, got {value!r}")


def _no_negative_zero(d: Decimal) -> Decimal:
    """``-0.00`` as ``0.00``: a zero keeps its places but never its sign (it would be printed)."""
    return d.copy_abs() if d.is_zero() else d


def quantize(amount: Decimal) -> Decimal:
    """Round a Decimal amount to the fen, half-up (the one rounding rule)."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def to_fen(amount: Decimal) -> int:
    """Exact Decimal amount -> integer fen; refuses amounts finer than a fen."""
    q = amount * 100
    if q != q.to_integral_value():
        raise ValueError(f"{amount} has more than two decimal places")
    return int(q)


def to_micro(rate: Decimal) -> int:
    """Exact Decimal rate -> integer micro-units; refuses finer rates."""
    q = rate * 1_000_000
    if q != q.to_integral_value():
        raise ValueError(f"{rate} has more than six decimal places")
    return int(q)


def fen_to_decimal(fen: int) -> Decimal:
    """Integer fen -> Decimal with exactly two places."""
    return (Decimal(int(fen)) / 100).quantize(FEN)


def format_fen(fen: int) -> str:
    """Integer fen -> '1234.50' (the JSON/CSV string form)."""
    return str(fen_to_decimal(fen))


def round_div_half_up(num: int, den: int) -> int:
    """Round num/den half-up to an integer (num >= 0 or < 0, den > 0)."""
    q, r = divmod(num, den)
    return q + (1 if 2 * r >= den else 0)


def round_div_half_up_array(
    num: npt.NDArray[np.int64], den: npt.NDArray[np.int64] | int
) -> npt.NDArray[np.int64]:
    """Vectorised :func:`round_div_half_up` on int64 arrays, safe from overflow.

    ``divmod`` keeps the remainder below ``den``, so ``2 * r`` never overflows
    for the denominators we use (< 2**40).
    """
    import numpy as np

    q, r = np.divmod(num, den)
    return q + (2 * r >= den).astype(np.int64)
