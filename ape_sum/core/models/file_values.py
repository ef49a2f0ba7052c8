"""The values of model files: exact decimals to fixed point and back, checked integers, lists,
objects, sparse maps, and the feature selection a file may carry (`featureIndices`, compaction).

The mirror classes read and write their own fields with these (`Classifier.from_file` /
`to_file`); `ape_sum.core.models.files` holds the envelope (JSON, `type`, `encoder`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import TYPE_CHECKING, Any

from ape_sum.core.fixedpoint import INT64_MAX, INT64_MIN, TO_FLOAT
from ape_sum.core.models.base import Classifier, ModelInputError
from ape_sum.exceptions import SumError

if TYPE_CHECKING:
    from ape_sum.core.encoding import Encoder

DEFAULT_LEARNING_RATE = Decimal("0.5")
"""The original deployer's default learning rate for perceptrons."""
DEFAULT_SMOOTHING_FACTOR = Decimal(1)
"""Laplace smoothing, the original deployer's default."""
MAX_SPARSE_FEATURES = 1 << 16
"""Sparse models whose index space is larger than this (e.g. the original's unbucketed
`MurmurHash3`, 2^32 indices) are compacted to the features that have parameters (see docs)."""


class ModelFileError(SumError, ValueError):
    """A model file that cannot be loaded or saved; the message says why in one line."""


# --------------------------------------------------------------------------- value helpers


def fixed(value: object, where: str) -> int:
    """A real number from the file (int or exact Decimal) as fixed point, int64-checked."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)):
        raise ModelFileError(f"{where}: expected a number, got {show(value)}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ModelFileError(f"{where}: not finite: {value}")
        value = Decimal(repr(value))
    if isinstance(value, Decimal) and not value.is_finite():
        raise ModelFileError(f"{where}: not finite: {value}")
    scaled = Decimal(value) * TO_FLOAT
    result = int(scaled.to_integral_value(rounding=ROUND_HALF_EVEN))
    if not INT64_MIN < result <= INT64_MAX:
        raise ModelFileError(f"{where}: {value} is too large (x1e9 must fit int64)")
    return result


def integer(value: object, where: str, low: int = 0, high: int = INT64_MAX) -> int:
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ModelFileError(f"{where}: expected an integer, got {show(value)}")
    if not low <= value <= high:
        raise ModelFileError(f"{where}: {value} is out of range [{low}, {high}]")
    return value


def show(value: object) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, Decimal) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def required(obj: Mapping[str, Any], key: str, kind: str) -> Any:
    if key not in obj or obj[key] is None:
        raise ModelFileError(f"{kind} model: missing field '{key}'")
    return obj[key]


def optional(obj: Mapping[str, Any], key: str, default: Any) -> Any:
    value = obj.get(key)
    return default if value is None else value


def as_list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ModelFileError(f"{where}: expected a list, got {show(value)}")
    return value


def as_dict(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ModelFileError(f"{where}: expected an object, got {show(value)}")
    return value


def class_names(obj: Mapping[str, Any], kind: str) -> list[str]:
    names = as_list(required(obj, "classifications", kind), f"{kind} model: 'classifications'")
    if not names:
        raise ModelFileError(f"{kind} model: 'classifications' is empty")
    for n in names:
        if not isinstance(n, str) or not n:
            raise ModelFileError(f"{kind} model: class names must be non-empty strings")
    if len(set(names)) != len(names):
        raise ModelFileError(f"{kind} model: duplicate class names")
    return list(names)


def sparse_map(value: object, where: str) -> dict[int, int]:
    """`{index: real}` (JSON keys are strings) as `{int index: fixed point}`."""
    out: dict[int, int] = {}
    for key, v in as_dict(value, where).items():
        index = integer(key, f"{where}: feature index {key!r}")
        out[index] = fixed(v, f"{where}[{key}]")
    return out


def sparse_sums(value: object, count: int, where: str) -> dict[int, int]:
    """A sparse centroid `{index: mean}` as the contract's fixed-point sums `mean * n * 1e9`."""
    out: dict[int, int] = {}
    for key, v in as_dict(value, where).items():
        index = integer(key, f"{where}: feature index {key!r}")
        mean = fixed(v, f"{where}[{key}]")  # range and type check
        with localcontext() as ctx:
            ctx.prec = 60
            exact = Decimal(v) if not isinstance(v, float) else Decimal(repr(v))
            total = int((exact * count * TO_FLOAT).to_integral_value(rounding=ROUND_HALF_EVEN))
        if mean < 0:
            raise ModelFileError(f"{where}[{key}]: a sparse centroid value cannot be negative")
        if total > INT64_MAX:
            raise ModelFileError(f"{where}[{key}]: {v} x dataCount {count} is too large")
        out[index] = total
    return out


def mean_exact(total: int, count: int) -> Decimal:
    """`total / (count * 1e9)` with enough digits that `round(mean * count * 1e9) == total`."""
    with localcontext() as ctx:
        ctx.prec = 40
        return (Decimal(total) / (Decimal(count) * TO_FLOAT)).normalize()


def fixed_exact(value: int) -> Decimal:
    """The exact decimal that fixed-point `value` stands for."""
    return (Decimal(int(value)) / TO_FLOAT).normalize() if value else Decimal(0)


def select(indices: list[int], inner: Encoder | None, sparse: bool) -> Encoder:
    from ape_sum.core.encoding import DenseL2Encoder, EncodingError, IndicesEncoder, SelectEncoder

    if inner is None:
        inner = IndicesEncoder() if sparse else DenseL2Encoder(len(indices))
    try:
        return SelectEncoder(indices, inner)
    except EncodingError as exc:
        raise ModelFileError(f"'featureIndices': {exc}") from None


def feature_indices(obj: Mapping[str, Any], kind: str) -> list[int] | None:
    raw = obj.get("featureIndices")
    if raw is None:
        return None
    where = f"{kind} model: 'featureIndices'"
    indices = [integer(i, where) for i in as_list(raw, where)]
    if not indices:
        raise ModelFileError(f"{where} is empty")
    if len(set(indices)) != len(indices):
        raise ModelFileError(f"{where} has duplicates")
    return indices


def sparse_bound(obj: Mapping[str, Any], kind: str, encoder: Encoder | None, used: int) -> int:
    """Number of features of a sparse model: `numFeatures`, else the encoder's, else `used`."""
    if obj.get("numFeatures") is not None:
        n = integer(obj["numFeatures"], f"{kind} model: 'numFeatures'", 1)
        if n < used:
            raise ModelFileError(
                f"{kind} model: a feature index is {used - 1} but 'numFeatures' is {n}"
            )
        return n
    if encoder is not None and encoder.num_features is not None:
        return max(encoder.num_features, used)
    return max(used, 1)


def compaction(used: Sequence[int], encoder: Encoder | None) -> tuple[list[int], Encoder]:
    indices = sorted(set(used))
    if not indices:
        raise ModelFileError("sparse model has no parameters to compact (and 2^32 features)")
    return indices, select(indices, encoder, sparse=True)


def sparse_out(values: Mapping[int, int]) -> dict[str, Decimal]:
    return {str(i): fixed_exact(v) for i, v in sorted(values.items()) if v}


def build(cls: type[Classifier], *args: Any, **kwargs: Any) -> Classifier:
    """`cls(*args, **kwargs)`, its refusal reported as a `ModelFileError` naming the model."""
    try:
        return cls(*args, **kwargs)
    except ModelInputError as exc:
        raise ModelFileError(f"{cls.kind} model: {exc}") from None
