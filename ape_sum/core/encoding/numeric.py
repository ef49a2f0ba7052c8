"""Lists of numbers typed by users or read from files: floats for dense encoders, int64s for
pass-through encoders, each refused with a one-line reason."""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping

import numpy as np

from ape_sum.core.encoding.errors import EncodingError, describe_value
from ape_sum.core.encoding.text import check_utf8
from ape_sum.core.fixedpoint import INT64_MAX, INT64_MIN

__all__ = ["float_vector", "int_vector", "parse_ints", "parse_numbers"]

_NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INT_RE = re.compile(r"[+-]?\d+")
_SPLIT_RE = re.compile(r"[\s,;]+")


def _parse_float(token: str, position: int) -> float:
    low = token.lower().lstrip("+-")
    if low in {"nan", "inf", "infinity"}:
        raise EncodingError(f"value {position} is not finite: {token!r}")
    if not _NUMBER_RE.fullmatch(token):
        raise EncodingError(f"value {position} is not a number: {token[:40]!r}")
    value = float(token)
    if not math.isfinite(value):
        raise EncodingError(f"value {position} is too large: {token[:40]!r}")
    return value


def parse_numbers(text: str) -> list[float]:
    """Parse comma/space/semicolon-separated numbers (optionally in `[...]`) into floats."""
    return [_parse_float(t, i + 1) for i, t in enumerate(_number_tokens(text))]


def _number_tokens(text: str) -> list[str]:
    """The non-empty tokens of a comma/space/semicolon-separated list, optionally in `[...]`."""
    if not isinstance(text, str):
        raise EncodingError(f"expected text, got {type(text).__name__}")
    check_utf8(text)
    body = text.strip()
    if body.startswith("[") and body.endswith("]"):
        body = body[1:-1]
    tokens = [t for t in _SPLIT_RE.split(body) if t]
    if not tokens:
        raise EncodingError("no numbers given")
    return tokens


def parse_ints(text: str) -> list[int]:
    tokens = _number_tokens(text)
    out = []
    for i, tok in enumerate(tokens):
        if not _INT_RE.fullmatch(tok):
            raise EncodingError(f"value {i + 1} is not an integer: {tok[:40]!r}")
        out.append(int(tok))
    return out


def float_vector(raw: object) -> np.ndarray:
    """A 1-d float array from a sequence of numbers or numeric strings (or a text of numbers)."""
    if isinstance(raw, str):
        return np.asarray(parse_numbers(raw), dtype=np.float64)
    if isinstance(raw, np.ndarray):
        if raw.ndim != 1:
            raise EncodingError(f"expected a 1-d vector, got an array of shape {raw.shape}")
        raw = raw.tolist()
    if not isinstance(raw, Iterable) or isinstance(raw, (bytes, bytearray, Mapping)):
        raise EncodingError(f"expected a sequence of numbers, got {type(raw).__name__}")
    values: list[float] = []
    for i, item in enumerate(raw):
        if isinstance(item, str):
            check_utf8(item)
            values.append(_parse_float(item.strip(), i + 1))
        elif isinstance(item, numbers.Real) and not isinstance(item, bool):
            value = float(item) if not isinstance(item, numbers.Integral) else _int_to_float(item)
            if math.isnan(value) or math.isinf(value):
                raise EncodingError(f"value {i + 1} is not finite: {value}")
            values.append(value)
        else:
            raise EncodingError(f"value {i + 1} is not a number: {describe_value(item)}")
    if not values:
        raise EncodingError("no numbers given")
    return np.asarray(values, dtype=np.float64)


def _int_to_float(item: numbers.Integral) -> float:
    try:
        return float(item)
    except OverflowError:
        return math.inf


def _is_integral(item: object) -> bool:
    if isinstance(item, bool):
        return False
    if isinstance(item, numbers.Integral):
        return True
    return isinstance(item, float) and item.is_integer()


def int_vector(raw: object) -> list[int]:
    if isinstance(raw, str):
        return parse_ints(raw)
    if isinstance(raw, np.ndarray):
        raw = raw.tolist()
    if not isinstance(raw, Iterable) or isinstance(raw, (bytes, bytearray, Mapping)):
        raise EncodingError(f"expected a sequence of integers, got {type(raw).__name__}")
    out: list[int] = []
    for i, item in enumerate(raw):
        if isinstance(item, str):
            check_utf8(item)
            tok = item.strip()
            if not _INT_RE.fullmatch(tok):
                raise EncodingError(f"value {i + 1} is not an integer: {tok[:40]!r}")
            out.append(int(tok))
        elif _is_integral(item):
            out.append(int(item))
        else:
            raise EncodingError(f"value {i + 1} is not an integer: {describe_value(item)}")
    if not out:
        raise EncodingError("no numbers given")
    for i, v in enumerate(out):
        if not INT64_MIN <= v <= INT64_MAX:
            raise EncodingError(f"value {i + 1} does not fit int64: {v}")
    return out
