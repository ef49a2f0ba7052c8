"""The contracts' fixed-point numbers: the one home of the scale, the int64 bounds and the exact
integer arithmetic the mirrors share.

A real number `x` is `round(x * 1e9)` (half to even) stored as an `int64`. Dense model inputs are
L2-normalised: the contracts accept `|sum(x_i^2) - 1e18| < 1e11`. Input validation that turns user
values into fixed point (with `EncodingError`s) lives in `ape_sum.core.encoding`.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "INT64_MAX",
    "INT64_MIN",
    "NORM_TOLERANCE",
    "TO_FLOAT",
    "UNIT_NORM_SQ",
    "fits_int64",
    "from_fixed",
    "is_normalised",
    "trunc_div",
]

TO_FLOAT = 1_000_000_000
"""Scale of every real number on chain (`TO_FLOAT` in the contracts)."""
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
"""Also the largest magnitude of a packed int64 parameter (int64.min is never stored)."""
UNIT_NORM_SQ = TO_FLOAT * TO_FLOAT
"""`sum(x_i^2)` of an L2-normalised fixed-point vector (1e18)."""
NORM_TOLERANCE = 100_000_000_000
"""The contracts accept `|sum(x_i^2) - 1e18| < 1e11`."""


def fits_int64(value: int) -> bool:
    """Whether `value` is in the int64 range."""
    return INT64_MIN <= value <= INT64_MAX


def from_fixed(value: int) -> float:
    """The real number that fixed-point `value` stands for."""
    return int(value) / TO_FLOAT


def is_normalised(data: Sequence[int]) -> bool:
    """Whether fixed-point `data` passes the contracts' check `|sum(x_i^2) - 1e18| < 1e11`."""
    total = sum(int(v) * int(v) for v in data)
    return abs(total - UNIT_NORM_SQ) < NORM_TOLERANCE


def trunc_div(a: int, b: int) -> int:
    """Integer division truncating toward zero, like Solidity's `/` on signed integers."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q
