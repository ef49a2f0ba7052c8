"""Turn raw inputs (text, feature vectors) into the `int64[]` vectors that the contracts take.

One module serves the contracts, the off-chain mirrors and the simulation, so all three agree
exactly. See `docs/ENCODING.md` for the rules and the encoder spec format stored on chain.

* Fixed point: a real number `x` is `round(x * 1e9)` (half to even) as an `int64`.
* Dense encoders produce fixed-point feature vectors; `dense-l2` L2-normalises them so that the
  on-chain check `|sum(x_i^2) - 1e18| < 1e11` always passes.
* Sparse encoders produce the sorted, de-duplicated indices of the features present.
* Every encoder describes itself with `spec()`; `parse_encoder_spec(spec)` rebuilds it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import numbers
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

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
    "INT64_MAX",
    "INT64_MIN",
    "LEGACY_FIXED",
    "LEGACY_MURMURHASH3",
    "LEGACY_NONE",
    "NORM_TOLERANCE",
    "SPEC_VERSION",
    "SPLIT_MODES",
    "TO_FLOAT",
    "BinsEncoder",
    "DenseL2Encoder",
    "Encoder",
    "EncodingError",
    "FixedPointEncoder",
    "HashedDenseEncoder",
    "IndicesEncoder",
    "MurmurHash3Encoder",
    "RawInt64Encoder",
    "SelectEncoder",
    "VocabularyEncoder",
    "check_compatible",
    "check_normalised",
    "from_fixed",
    "from_fixed_array",
    "hash_token",
    "is_normalised",
    "load_vocabulary",
    "parse_encoder_spec",
    "parse_numbers",
    "to_fixed",
    "to_fixed_array",
    "tokenize",
]

HASH_SPACE = 2**32
"""MurmurHash3 32-bit values are in `[0, 2^32)`."""
MAX_DIM = 1_000_000
"""Largest dense dimension accepted in a spec (a sanity bound, far above what fits on chain)."""
SPEC_VERSION = 1
SPEC_DIGITS = 4
"""Significant digits kept for standardisation statistics in a spec (it is stored on chain)."""

LEGACY_NONE = "none"
LEGACY_FIXED = "Multiply by 1E9, then round"
LEGACY_MURMURHASH3 = "MurmurHash3"
_LEGACY_UNSUPPORTED = {
    "imdb vocab": "it needs the Keras IMDB word index, which is not available offline",
    "universal sentence encoder": "it needs a neural network (TensorFlow.js), not available here",
    "mobilenetv2": "it needs a neural network (TensorFlow.js), not available here",
}

_NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INT_RE = re.compile(r"[+-]?\d+")
_SPLIT_RE = re.compile(r"[\s,;]+")
_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
SPLIT_MODES = ("whitespace", "words")
"""`whitespace`: the original system's tokens; `words`: runs of letters/digits (apostrophes
inside a word kept), which drops punctuation and helps accuracy."""


_TOKEN_WORD = {"whitespace": "non-space characters", "words": "letters or digits"}


class EncodingError(ValueError):
    """An input or a spec that cannot be encoded; the message is one line and says why."""


# --------------------------------------------------------------------------- fixed point


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def to_fixed(x: float) -> int:
    """`round(x * 1e9)` as a Python int in the int64 range, or `EncodingError`.

    Ints are scaled exactly; floats are rounded half to even (like `numpy.rint`).
    """
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise EncodingError(f"not a number: {_describe(x)}")
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


def _normalise_fixed(x: np.ndarray) -> list[int]:
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


# --------------------------------------------------------------------------- parsing helpers


def _check_utf8(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise EncodingError("input is not valid UTF-8 text") from None


def _as_text(raw: object) -> str:
    if isinstance(raw, (bytes, bytearray, memoryview)):
        try:
            raw = bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            raise EncodingError("input is not valid UTF-8 text") from None
    if not isinstance(raw, str):
        raise EncodingError(f"expected text, got {type(raw).__name__}")
    _check_utf8(raw)
    if raw == "":
        raise EncodingError("empty text")
    return raw


def tokenize(text: str, split: str = "whitespace") -> list[str]:
    """Lowercase, then split on whitespace (the original system's tokenisation) or, with
    `split="words"`, take the runs of letters and digits."""
    low = text.lower()
    if split == "words":
        return _WORD_RE.findall(low)
    return low.split()


def _check_split(split: object) -> str:
    if split not in SPLIT_MODES:
        raise EncodingError(f"encoder spec: 'split' must be one of {', '.join(SPLIT_MODES)}")
    return str(split)


def hash_token(token: str) -> int:
    """MurmurHash3 x86 32-bit, seed 0, unsigned, of the token's UTF-8 bytes."""
    import mmh3

    # Hash bytes, not str: mmh3 5.3.1 crashes the interpreter on a str with lone surrogates.
    return int(mmh3.hash(token.encode("utf-8"), 0, signed=False))


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
    _check_utf8(text)
    body = text.strip()
    if body.startswith("[") and body.endswith("]"):
        body = body[1:-1]
    tokens = [t for t in _SPLIT_RE.split(body) if t]
    if not tokens:
        raise EncodingError("no numbers given")
    return tokens


def _parse_ints(text: str) -> list[int]:
    tokens = _number_tokens(text)
    out = []
    for i, tok in enumerate(tokens):
        if not _INT_RE.fullmatch(tok):
            raise EncodingError(f"value {i + 1} is not an integer: {tok[:40]!r}")
        out.append(int(tok))
    return out


def _float_vector(raw: object) -> np.ndarray:
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
            _check_utf8(item)
            values.append(_parse_float(item.strip(), i + 1))
        elif isinstance(item, numbers.Real) and not isinstance(item, bool):
            value = float(item) if not isinstance(item, numbers.Integral) else _int_to_float(item)
            if math.isnan(value) or math.isinf(value):
                raise EncodingError(f"value {i + 1} is not finite: {value}")
            values.append(value)
        else:
            raise EncodingError(f"value {i + 1} is not a number: {_describe(item)}")
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


def _int_vector(raw: object) -> list[int]:
    if isinstance(raw, str):
        return _parse_ints(raw)
    if isinstance(raw, np.ndarray):
        raw = raw.tolist()
    if not isinstance(raw, Iterable) or isinstance(raw, (bytes, bytearray, Mapping)):
        raise EncodingError(f"expected a sequence of integers, got {type(raw).__name__}")
    out: list[int] = []
    for i, item in enumerate(raw):
        if isinstance(item, str):
            _check_utf8(item)
            tok = item.strip()
            if not _INT_RE.fullmatch(tok):
                raise EncodingError(f"value {i + 1} is not an integer: {tok[:40]!r}")
            out.append(int(tok))
        elif _is_integral(item):
            out.append(int(item))
        else:
            raise EncodingError(f"value {i + 1} is not an integer: {_describe(item)}")
    if not out:
        raise EncodingError("no numbers given")
    for i, v in enumerate(out):
        if not INT64_MIN <= v <= INT64_MAX:
            raise EncodingError(f"value {i + 1} does not fit int64: {v}")
    return out


def _short_float(x: float) -> float | int:
    """`x` rounded to `SPEC_DIGITS` significant digits (an int when integral: shorter JSON)."""
    value = float(f"{float(x):.{SPEC_DIGITS}g}")
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


# --------------------------------------------------------------------------- encoders


class Encoder(ABC):
    """Turns one raw input into the `int64[]` a model takes.

    Attributes:
        sparse: True for index lists (sparse models), False for fixed-point vectors (dense
            models), None when the encoder passes integers through unchanged.
        num_features: dense dimension, or the exclusive upper bound of sparse indices (None
            when unknown).
        text_input: whether `raw` is a text (else a sequence of numbers).
    """

    sparse: bool | None = None
    num_features: int | None = None
    text_input: bool = False

    @abstractmethod
    def encode(self, raw: Any) -> list[int]:
        """The model input for `raw`, or `EncodingError`."""

    @abstractmethod
    def spec(self) -> str:
        """The compact self-describing spec stored on chain (`parse_encoder_spec` inverts it)."""

    def parse_input(self, text: str) -> Any:
        """Turn a CLI argument into the raw input `encode` takes."""
        if self.text_input:
            return _as_text(text)
        return parse_numbers(text)

    def encode_text(self, text: str) -> list[int]:
        """`encode(parse_input(text))`."""
        return self.encode(self.parse_input(text))

    def encode_many(self, raws: Iterable[Any]) -> list[list[int]]:
        """`encode` applied to each input."""
        return [self.encode(raw) for raw in raws]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec()})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Encoder)
            and type(other) is type(self)
            and (other.spec() == self.spec())
        )

    def __hash__(self) -> int:
        return hash(self.spec())


def _json_spec(obj: dict[str, Any]) -> str:
    return json.dumps({"v": SPEC_VERSION, **obj}, separators=(",", ":"), ensure_ascii=False)


class RawInt64Encoder(Encoder):
    """`none`: the input already is the int64 vector (checked for range only)."""

    def encode(self, raw: Any) -> list[int]:
        return _int_vector(raw)

    def parse_input(self, text: str) -> Any:
        return _parse_ints(text)

    def spec(self) -> str:
        return LEGACY_NONE


class IndicesEncoder(Encoder):
    """Sparse pass-through: the input is feature indices; output sorted, unique, in range."""

    sparse = True

    def __init__(self, num_features: int | None = None) -> None:
        if num_features is not None:
            _check_int("n", num_features, 1, 2**63)
        self.num_features = num_features

    def encode(self, raw: Any) -> list[int]:
        return _check_indices(_int_vector(raw), self.num_features)

    def parse_input(self, text: str) -> Any:
        return _parse_ints(text)

    def spec(self) -> str:
        obj: dict[str, Any] = {"type": "indices"}
        if self.num_features is not None:
            obj["n"] = self.num_features
        return _json_spec(obj)


def _check_indices(indices: Iterable[int], bound: int | None) -> list[int]:
    out = sorted(set(indices))
    if not out:
        raise EncodingError("no features: the input has no indices")
    if out[0] < 0:
        raise EncodingError(f"feature index {out[0]} is negative")
    if bound is not None and out[-1] >= bound:
        raise EncodingError(f"feature index {out[-1]} is out of range (must be < {bound})")
    return out


class FixedPointEncoder(Encoder):
    """`Multiply by 1E9, then round`: dense floats to fixed point, no normalisation."""

    sparse = False

    def __init__(self, dim: int | None = None) -> None:
        if dim is not None:
            _check_int("dim", dim, 1, MAX_DIM)
        self.num_features = dim

    def encode(self, raw: Any) -> list[int]:
        x = _float_vector(raw)
        _check_dim(x, self.num_features)
        return [to_fixed(float(v)) for v in x]

    def spec(self) -> str:
        if self.num_features is None:
            return LEGACY_FIXED
        return _json_spec({"type": "fixed", "dim": self.num_features})


def _check_dim(x: np.ndarray, dim: int | None) -> None:
    if dim is not None and x.shape[0] != dim:
        raise EncodingError(f"wrong dimension: got {x.shape[0]} values, expected {dim}")


class DenseL2Encoder(Encoder):
    """Dense floats, optionally standardised (`(x - mean) / std`), L2-normalised, x1e9, rounded.

    The output always passes the contracts' norm check (or `EncodingError` is raised).
    `mean`/`std` are kept to `SPEC_DIGITS` significant digits so the spec round-trips exactly.
    """

    sparse = False

    def __init__(
        self,
        dim: int | None = None,
        mean: Sequence[float] | None = None,
        std: Sequence[float] | None = None,
    ) -> None:
        if dim is not None:
            _check_int("dim", dim, 1, MAX_DIM)
        if (mean is None) != (std is None):
            raise EncodingError("dense-l2 spec: give both 'mean' and 'std', or neither")
        self.mean: list[float | int] | None = None
        self.std: list[float | int] | None = None
        if mean is not None and std is not None:
            mean_l = [_short_float(v) for v in _finite_list("mean", mean)]
            std_l = [_short_float(v) for v in _finite_list("std", std)]
            if dim is None:
                dim = len(mean_l)
            if len(mean_l) != dim or len(std_l) != dim:
                raise EncodingError(
                    f"dense-l2 spec: 'mean' and 'std' need {dim} values, "
                    f"got {len(mean_l)} and {len(std_l)}"
                )
            if any(s <= 0 for s in std_l):
                raise EncodingError("dense-l2 spec: every 'std' value must be > 0")
            self.mean, self.std = mean_l, std_l
            self._mean = np.asarray(mean_l, dtype=np.float64)
            self._std = np.asarray(std_l, dtype=np.float64)
        self.num_features = dim

    @classmethod
    def fit(cls, features: Any, *, standardise: bool = True) -> DenseL2Encoder:
        """An encoder for training matrix `features` (rows are samples)."""
        x = np.asarray(features, dtype=np.float64)
        if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
            raise EncodingError(f"expected a non-empty 2-d feature matrix, got shape {x.shape}")
        if not np.all(np.isfinite(x)):
            raise EncodingError("the training features contain NaN or infinity")
        if not standardise:
            return cls(dim=x.shape[1])
        std = x.std(axis=0)
        std = np.where(std > 0, std, 1.0)
        return cls(dim=x.shape[1], mean=x.mean(axis=0).tolist(), std=std.tolist())

    def encode(self, raw: Any) -> list[int]:
        x = _float_vector(raw)
        _check_dim(x, self.num_features)
        if self.mean is not None:
            with np.errstate(over="ignore", invalid="ignore"):
                x = (x - self._mean) / self._std
            if not np.all(np.isfinite(x)):
                raise EncodingError("value too large: standardising it overflows")
        if not np.any(x):
            what = "after standardisation" if self.mean is not None else "given"
            raise EncodingError(f"all-zero vector {what}: it cannot be L2-normalised")
        return _normalise_fixed(x)

    def spec(self) -> str:
        obj: dict[str, Any] = {"type": "dense-l2"}
        if self.num_features is not None:
            obj["dim"] = self.num_features
        if self.mean is not None:
            obj["mean"] = self.mean
            obj["std"] = self.std
        return _json_spec(obj)


def _finite_list(name: str, values: Sequence[float]) -> list[float]:
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise EncodingError(f"encoder spec: '{name}' must hold finite numbers, got {v!r}")
        out.append(float(v))
    return out


class MurmurHash3Encoder(Encoder):
    """Text to hashed token indices: MurmurHash3 (32-bit, seed 0) of each lowercase whitespace
    token, optionally `% buckets`; sorted and de-duplicated. Without buckets this is the
    original system's `MurmurHash3` encoder (indices in `[0, 2^32)`)."""

    sparse = True
    text_input = True

    def __init__(self, buckets: int | None = None, split: str = "whitespace") -> None:
        if buckets is not None:
            _check_int("buckets", buckets, 1, HASH_SPACE)
        self.buckets = buckets
        self.split = _check_split(split)
        self.num_features = buckets if buckets is not None else HASH_SPACE

    def encode(self, raw: Any) -> list[int]:
        tokens = tokenize(_as_text(raw), self.split)
        if not tokens:
            raise EncodingError(f"no tokens: the text has no {_TOKEN_WORD[self.split]}")
        hashes = (hash_token(t) for t in tokens)
        if self.buckets is not None:
            hashes = (h % self.buckets for h in hashes)
        return sorted(set(hashes))

    def spec(self) -> str:
        if self.buckets is None and self.split == "whitespace":
            return LEGACY_MURMURHASH3
        obj: dict[str, Any] = {"type": "murmurhash3"}
        if self.buckets is not None:
            obj["buckets"] = self.buckets
        if self.split != "whitespace":
            obj["split"] = self.split
        return _json_spec(obj)


class HashedDenseEncoder(Encoder):
    """Text to a dense vector: token presence hashed (MurmurHash3 % dim) into `dim` values,
    then L2-normalised like `dense-l2`; for dense models on text."""

    sparse = False
    text_input = True

    def __init__(self, dim: int, split: str = "whitespace") -> None:
        self.num_features = _check_int("dim", dim, 1, MAX_DIM)
        self._sparse = MurmurHash3Encoder(dim, split)

    def encode(self, raw: Any) -> list[int]:
        x = np.zeros(self.num_features or 0)
        x[self._sparse.encode(raw)] = 1.0
        return _normalise_fixed(x)

    def spec(self) -> str:
        obj: dict[str, Any] = {"type": "text-l2", "dim": self.num_features}
        if self._sparse.split != "whitespace":
            obj["split"] = self._sparse.split
        return _json_spec(obj)


class BinsEncoder(Encoder):
    """Dense floats to sparse indices: standardise each feature, then feature `i` in bin `b`
    (`b` = how many `edges` are <= the value) is index `i * (len(edges) + 1) + b`; for sparse
    models on numeric data."""

    sparse = True

    def __init__(self, mean: Sequence[float], std: Sequence[float], edges: Sequence[float]) -> None:
        self._dense = DenseL2Encoder(len(mean), mean, std)
        edge_list = [_short_float(v) for v in _finite_list("edges", edges)]
        if not edge_list or any(b <= a for a, b in itertools.pairwise(edge_list)):
            raise EncodingError("bins spec: 'edges' must be a non-empty increasing list")
        self.edges = edge_list
        self.dim = len(mean)
        self.num_features = self.dim * (len(edge_list) + 1)

    @classmethod
    def fit(
        cls, features: Any, edges: Sequence[float] = (-1.0, -0.5, 0.0, 0.5, 1.0)
    ) -> BinsEncoder:
        """Bins on the standardised scale of training matrix `features`."""
        dense = DenseL2Encoder.fit(features)
        return cls(dense.mean or [], dense.std or [], edges)

    def encode(self, raw: Any) -> list[int]:
        x = _float_vector(raw)
        _check_dim(x, self.dim)
        with np.errstate(over="ignore", invalid="ignore"):
            z = (x - self._dense._mean) / self._dense._std
        if not np.all(np.isfinite(z)):
            raise EncodingError("value too large: standardising it overflows")
        bins = np.searchsorted(np.asarray(self.edges, dtype=np.float64), z, side="right")
        width = len(self.edges) + 1
        return [i * width + int(b) for i, b in enumerate(bins)]

    def spec(self) -> str:
        return _json_spec(
            {
                "type": "bins",
                "mean": self._dense.mean,
                "std": self._dense.std,
                "edges": self.edges,
            }
        )


def load_vocabulary(path: str | Path) -> dict[str, int]:
    """A vocabulary file: JSON `{token: index}` or `[token, ...]`, or text with one token a line
    (index = line number). Tokens are lowercased; the first occurrence wins."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise EncodingError(f"cannot read vocabulary file {str(p)!r}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise EncodingError(f"vocabulary file {str(p)!r} is not UTF-8") from None
    if p.suffix.lower() == ".json":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise EncodingError(f"vocabulary file {str(p)!r} is not valid JSON: {exc}") from None
        return _vocab_from_obj(obj, f"vocabulary file {str(p)!r}")
    tokens = [line.strip() for line in text.splitlines()]
    return _vocab_from_obj(tokens, f"vocabulary file {str(p)!r}")


def _vocab_from_obj(obj: object, where: str) -> dict[str, int]:
    vocab: dict[str, int] = {}
    if isinstance(obj, list):
        items: Iterable[tuple[object, object]] = ((t, i) for i, t in enumerate(obj))
    elif isinstance(obj, dict):
        items = obj.items()
    else:
        raise EncodingError(f"{where}: expected a token list or a token -> index object")
    for token, index in items:
        if not isinstance(token, str):
            raise EncodingError(f"{where}: token {token!r} is not a string")
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise EncodingError(f"{where}: index of {token!r} must be a non-negative integer")
        if index > INT64_MAX:
            raise EncodingError(f"{where}: index of {token!r} does not fit int64")
        key = token.lower()
        if key and not key.isspace():
            vocab.setdefault(key, index)
    if not vocab:
        raise EncodingError(f"{where}: the vocabulary is empty")
    return vocab


class VocabularyEncoder(Encoder):
    """Text to the indices of known tokens (lowercase whitespace tokens; unknown ones dropped).

    The vocabulary is either inline (`tokens`, index = position; only for small ones) or a file
    named in the spec with the first 16 hex digits of its SHA-256, checked on load.
    """

    sparse = True
    text_input = True

    def __init__(
        self,
        vocabulary: Mapping[str, int] | Sequence[str],
        *,
        file: str | None = None,
        sha256: str | None = None,
        split: str = "whitespace",
    ) -> None:
        self.split = _check_split(split)
        if isinstance(vocabulary, Mapping):
            self.vocab = _vocab_from_obj(dict(vocabulary), "vocabulary")
            self._inline: list[str] | None = None
        else:
            self.vocab = _vocab_from_obj(list(vocabulary), "vocabulary")
            self._inline = [str(t) for t in vocabulary]
        self.file = file
        self.sha256 = sha256
        self.num_features = max(self.vocab.values()) + 1

    @classmethod
    def from_file(
        cls, path: str | Path, *, name: str | None = None, split: str = "whitespace"
    ) -> VocabularyEncoder:
        """An encoder for vocabulary file `path`; the spec names it `name` (default: `path`)."""
        vocab = load_vocabulary(path)
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
        return cls(vocab, file=name or str(path), sha256=digest, split=split)

    def encode(self, raw: Any) -> list[int]:
        tokens = tokenize(_as_text(raw), self.split)
        if not tokens:
            raise EncodingError(f"no tokens: the text has no {_TOKEN_WORD[self.split]}")
        indices = {self.vocab[t] for t in tokens if t in self.vocab}
        if not indices:
            raise EncodingError("no known tokens: none of the words is in the vocabulary")
        return sorted(indices)

    def spec(self) -> str:
        if self.file is not None:
            obj: dict[str, Any] = {"type": "vocab", "file": self.file}
            if self.sha256:
                obj["sha256"] = self.sha256
            return _json_spec(self._with_split(obj))
        tokens = self._inline
        if tokens is None:
            by_index: dict[int, str] = {}
            for token, index in self.vocab.items():
                by_index.setdefault(index, token)
            if sorted(by_index) != list(range(len(by_index))):
                raise EncodingError("an inline vocabulary must have indices 0..n-1; use a file")
            tokens = [by_index[i] for i in range(len(by_index))]
        return _json_spec(self._with_split({"type": "vocab", "tokens": tokens}))

    def _with_split(self, obj: dict[str, Any]) -> dict[str, Any]:
        if self.split != "whitespace":
            obj["split"] = self.split
        return obj


class SelectEncoder(Encoder):
    """The original system's `featureIndices`: use only some features of a shared encoder.

    Dense: the raw vector is reduced to `raw[indices]` before the inner encoder (so that its
    L2 normalisation holds). Sparse: inner index `indices[j]` becomes `j`; others are dropped.
    """

    def __init__(self, indices: Sequence[int], inner: Encoder) -> None:
        if not indices:
            raise EncodingError("select spec: 'indices' is empty")
        for i in indices:
            if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i <= INT64_MAX:
                raise EncodingError(f"select spec: index {i!r} is not a non-negative integer")
        if inner.sparse is None:
            raise EncodingError("select spec: the inner encoder must be dense or sparse")
        self.indices = [int(i) for i in indices]
        self.inner = inner
        self.sparse = inner.sparse
        self.text_input = inner.text_input
        self.num_features = len(self.indices)
        if inner.sparse:
            self._position: dict[int, int] = {}
            for j, i in enumerate(self.indices):
                self._position.setdefault(i, j)
        elif inner.num_features is not None and inner.num_features != len(self.indices):
            raise EncodingError(
                f"select spec: {len(self.indices)} indices but the inner encoder takes "
                f"{inner.num_features} values"
            )

    def parse_input(self, text: str) -> Any:
        return self.inner.parse_input(text)

    def encode(self, raw: Any) -> list[int]:
        if self.inner.sparse:
            present = self.inner.encode(raw)
            out = sorted({self._position[i] for i in present if i in self._position})
            if not out:
                raise EncodingError("no features: none of the input's features is selected")
            return out
        x = _float_vector(raw)
        needed = max(self.indices) + 1
        if x.shape[0] < needed:
            raise EncodingError(f"wrong dimension: got {x.shape[0]} values, need {needed}")
        return self.inner.encode(x[self.indices])

    def spec(self) -> str:
        inner = self.inner.spec()
        inner_obj: Any = json.loads(inner) if inner.startswith("{") else inner
        return _json_spec({"type": "select", "indices": self.indices, "then": inner_obj})


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise EncodingError(f"encoder spec: '{name}' must be an integer in [{low}, {high}]")
    return value


# --------------------------------------------------------------------------- specs

_SPEC_KEYS: dict[str, tuple[set[str], set[str]]] = {
    # type: (required keys, optional keys), besides "v" and "type"
    "none": (set(), set()),
    "indices": (set(), {"n"}),
    "fixed": (set(), {"dim"}),
    "dense-l2": (set(), {"dim", "mean", "std"}),
    "murmurhash3": (set(), {"buckets", "split"}),
    "vocab": (set(), {"tokens", "file", "sha256", "split"}),
    "text-l2": ({"dim"}, {"split"}),
    "bins": ({"mean", "std", "edges"}, set()),
    "select": ({"indices", "then"}, set()),
}


def parse_encoder_spec(text: str, *, base_dir: str | Path | None = None) -> Encoder:
    """Rebuild an encoder from its spec: a JSON object (see `docs/ENCODING.md`) or one of the
    original system's names `none`, `Multiply by 1E9, then round`, `MurmurHash3`.

    `base_dir` resolves relative vocabulary file names.
    """
    if not isinstance(text, str):
        raise EncodingError(f"encoder spec must be text, got {type(text).__name__}")
    body = text.strip()
    if not body:
        raise EncodingError("empty encoder spec")
    if body.startswith("{"):
        try:
            obj = json.loads(body)
        except json.JSONDecodeError as exc:
            raise EncodingError(f"encoder spec is not valid JSON: {exc}") from None
        return _encoder_from_obj(obj, base_dir)
    return _legacy_encoder(body)


def _legacy_encoder(name: str) -> Encoder:
    low = name.lower()
    if low == LEGACY_NONE:
        return RawInt64Encoder()
    if low == LEGACY_FIXED.lower():
        return FixedPointEncoder()
    if low == LEGACY_MURMURHASH3.lower():
        return MurmurHash3Encoder()
    if low in _LEGACY_UNSUPPORTED:
        raise EncodingError(f"encoder {name!r} is not supported: {_LEGACY_UNSUPPORTED[low]}")
    raise EncodingError(
        f"unknown encoder spec {name[:40]!r}: expected JSON or one of "
        f"{LEGACY_NONE!r}, {LEGACY_FIXED!r}, {LEGACY_MURMURHASH3!r}"
    )


def _encoder_from_obj(obj: object, base_dir: str | Path | None) -> Encoder:
    if isinstance(obj, str):
        return _legacy_encoder(obj)
    if not isinstance(obj, dict):
        raise EncodingError("encoder spec must be a JSON object")
    version = obj.get("v")
    if version != SPEC_VERSION:
        raise EncodingError(f"encoder spec version {version!r} is not supported (expected 1)")
    kind = obj.get("type")
    if not isinstance(kind, str) or kind not in _SPEC_KEYS:
        raise EncodingError(
            f"unknown encoder type {kind!r}: expected one of {', '.join(sorted(_SPEC_KEYS))}"
        )
    required, optional = _SPEC_KEYS[kind]
    keys = set(obj) - {"v", "type"}
    missing = required - keys
    if missing:
        raise EncodingError(f"{kind} encoder spec: missing {', '.join(sorted(missing))}")
    unknown = keys - required - optional
    if unknown:
        raise EncodingError(f"{kind} encoder spec: unknown key(s) {', '.join(sorted(unknown))}")
    if kind == "none":
        return RawInt64Encoder()
    if kind == "indices":
        return IndicesEncoder(obj.get("n"))
    if kind == "fixed":
        return FixedPointEncoder(obj.get("dim"))
    if kind == "dense-l2":
        mean, std = obj.get("mean"), obj.get("std")
        for name, value in (("mean", mean), ("std", std)):
            if value is not None and not isinstance(value, list):
                raise EncodingError(f"dense-l2 encoder spec: '{name}' must be a list")
        return DenseL2Encoder(obj.get("dim"), mean, std)
    if kind == "murmurhash3":
        return MurmurHash3Encoder(obj.get("buckets"), obj.get("split", "whitespace"))
    if kind == "text-l2":
        return HashedDenseEncoder(obj["dim"], obj.get("split", "whitespace"))
    if kind == "bins":
        for name in ("mean", "std", "edges"):
            if not isinstance(obj[name], list):
                raise EncodingError(f"bins encoder spec: '{name}' must be a list")
        return BinsEncoder(obj["mean"], obj["std"], obj["edges"])
    if kind == "vocab":
        return _vocab_encoder(obj, base_dir)
    indices = obj["indices"]
    if not isinstance(indices, list):
        raise EncodingError("select encoder spec: 'indices' must be a list")
    return SelectEncoder(indices, _encoder_from_obj(obj["then"], base_dir))


def _vocab_encoder(obj: dict[str, Any], base_dir: str | Path | None) -> Encoder:
    tokens, file = obj.get("tokens"), obj.get("file")
    if (tokens is None) == (file is None):
        raise EncodingError("vocab encoder spec: give exactly one of 'tokens' and 'file'")
    if tokens is not None:
        if not isinstance(tokens, list):
            raise EncodingError("vocab encoder spec: 'tokens' must be a list of strings")
        return VocabularyEncoder(tokens, split=obj.get("split", "whitespace"))
    if not isinstance(file, str) or not file:
        raise EncodingError("vocab encoder spec: 'file' must be a file name")
    path = Path(file)
    if base_dir is not None and not path.is_absolute():
        path = Path(base_dir) / path
    expected = obj.get("sha256")
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise EncodingError(f"cannot read vocabulary file {str(path)!r}: {exc.strerror}") from None
    if expected is not None:
        if not isinstance(expected, str) or not expected:
            raise EncodingError("vocab encoder spec: 'sha256' must be a hex string")
        if not digest.startswith(expected.lower()):
            raise EncodingError(
                f"vocabulary file {str(path)!r} does not match the spec's sha256 {expected}"
            )
    split = obj.get("split", "whitespace")
    return VocabularyEncoder(load_vocabulary(path), file=file, sha256=expected, split=split)


# --------------------------------------------------------------------------- compatibility


def check_compatible(encoder: Encoder, model: Any) -> None:
    """Raise `EncodingError` unless `encoder`'s output fits `model` (a classifier mirror with
    `sparse` and `num_features`)."""
    model_sparse = bool(getattr(model, "sparse", False))
    if encoder.sparse is not None and encoder.sparse != model_sparse:
        enc_kind = "sparse indices" if encoder.sparse else "dense vectors"
        model_kind = "sparse" if model_sparse else "dense"
        raise EncodingError(f"encoder produces {enc_kind} but the model is {model_kind}")
    n_model = getattr(model, "num_features", None)
    n_enc = encoder.num_features
    if n_model is None or n_enc is None:
        return
    if model_sparse and n_enc > n_model:
        raise EncodingError(
            f"encoder produces feature indices up to {n_enc - 1} but the model has {n_model}"
        )
    if not model_sparse and n_enc != n_model:
        raise EncodingError(f"encoder produces {n_enc} values but the model takes {n_model}")
