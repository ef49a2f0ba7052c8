"""Real numbers to the contracts' fixed point (`core.fixedpoint`), checked, and L2 normalisation
that always passes the contracts' norm check."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from ape_sum.core.encoding.errors import EncodingError, describe_value
from ape_sum.core.fixedpoint import (
    INT64_MAX,
    INT64_MIN,
    NORM_TOLERANCE,
    TO_FLOAT,
    UNIT_NORM_SQ,
    from_fixed,
    is_normalised,
)

__all__ = [
    "check_normalised",
    "from_fixed",
    "from_fixed_array",
    "is_normalised",
    "normalise_fixed",
    "to_fixed",
    "to_fixed_array",
]


def to_fixed(x: float) -> int:
    """`round(x * 1e9)` as a Python int in the int64 range, or `EncodingError`.

    Ints are scaled exactly; floats are rounded half to even (like `numpy.rint`).
    """
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise EncodingError(f"not a number: {describe_value(x)}")
    if isinstance(x, numbers.Integral):
        value = int(x) * TO_FLOAT
    else:
        xf = float(x)
        if math.isnan(xf):
            raise EncodingError("not a number: NaN")
        if math.isinf(xf):
            raise EncodingError(f"not finite: {xf}")
        scaled = xf * TO_FLOAT
        if not math.isfinite(scaled):
            raise EncodingError(f"value {xf!r} is too large: x1e9 does not fit int64")
        value = round(scaled)
    if not INT64_MIN <= value <= INT64_MAX:
        raise EncodingError(f"value {x!r} is too large: x1e9 does not fit int64")
    return value


def to_fixed_array(values: Any) -> np.ndarray:
    """Vectorised `to_fixed`: an `int64` array of the same shape, or `EncodingError`."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise EncodingError(f"not an array of numbers: {exc}") from None
    if not np.all(np.isfinite(arr)):
        raise EncodingError("not finite: the array contains NaN or infinity")
    with np.errstate(over="ignore"):
        scaled = np.rint(arr * TO_FLOAT)
    # 2**63 is exact in float64; every float below it converts to a valid int64.
    if np.any(scaled >= 2.0**63) or np.any(scaled < -(2.0**63)):
        raise EncodingError("value too large: x1e9 does not fit int64")
    return scaled.astype(np.int64)


def from_fixed_array(values: Any) -> np.ndarray:
    """Vectorised `from_fixed`."""
    return np.asarray(values, dtype=np.float64) / TO_FLOAT


def check_normalised(data: Sequence[int]) -> None:
    """Raise `EncodingError` unless `data` passes the on-chain L2-norm check."""
    total = sum(int(v) * int(v) for v in data)
    if abs(total - UNIT_NORM_SQ) >= NORM_TOLERANCE:
        raise EncodingError(
            f"vector is not L2-normalised: sum(x_i^2) = {total}, expected 1e18 +/- 1e11"
        )


def normalise_fixed(x: np.ndarray) -> list[int]:
    """L2-normalise finite floats `x`, scale by 1e9 and round so the on-chain check passes."""
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    if peak == 0.0:
        raise EncodingError("all-zero vector: it cannot be L2-normalised")
    y = x / peak  # avoids overflow/underflow in the norm
    # fsum is correctly rounded (unlike a BLAS dot product, whose summation order varies), so
    # every machine produces the same integers for the same input.
    y = y / math.sqrt(math.fsum((y * y).tolist()))
    out = [int(v) for v in np.rint(y * TO_FLOAT).astype(np.int64)]
    total = sum(v * v for v in out)
    delta = total - UNIT_NORM_SQ
    if abs(delta) < NORM_TOLERANCE:
        return out
    # Rounding errors add up (about 1e9 * sqrt(n) at worst): absorb them in the largest entry,
    # whose new magnitude is the integer square root that brings the sum closest to 1e18.
    j = max(range(len(out)), key=lambda i: abs(out[i]))
    target = out[j] * out[j] - delta
    if target >= 0:
        root = math.isqrt(target)
        if (root + 1) ** 2 - target < target - root * root:
            root += 1
        out[j] = root if out[j] >= 0 else -root
    if not is_normalised(out):
        raise EncodingError(f"cannot normalise a {len(out)}-dimensional vector within 1e11")
    return out
