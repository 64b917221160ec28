"""Half-up rounding, as in the spreadsheets the seed reports were made with.

One rounder serves the capaian and every printed number, so a figure and its
printed form never disagree.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

# Float arithmetic leaves noise such as 10.624999999999998 for 255/24 minutes;
# clearing it at this many decimals first keeps the half-up rounding honest.
_NOISE_DECIMALS = 9


def round_half_up(x: float | int | Decimal, decimals: int = 2) -> Decimal:
    """x rounded half-up to `decimals` places, as a Decimal.

    Half-up means a half rounds away from zero, for negatives too (a spreadsheet's ROUND): -2.25 -> -2.3,
    the mirror image of 2.25 -> 2.3.

    >>> round_half_up(10.625), round_half_up(0.1 + 0.2, 1), round_half_up(2.5, 0)
    (Decimal('10.63'), Decimal('0.3'), Decimal('3'))
    >>> round_half_up(-2.25, 1), round_half_up(-2.5, 0)
    (Decimal('-2.3'), Decimal('-3'))
    >>> round_half_up(255 / 24)
    Decimal('10.63')
    """
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"round_half_up: cannot round {x!r}.")
    value = Decimal(repr(float(x))) if not isinstance(x, (int, Decimal)) else Decimal(x)
    if decimals < _NOISE_DECIMALS:
        value = value.quantize(Decimal(1).scaleb(-_NOISE_DECIMALS), rounding=ROUND_HALF_EVEN)
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
