"""The encoders of numbers and hashed text: pass-through, fixed point, L2-normalised, hashed
tokens, bins, and feature selection. (Vocabularies: `ape_sum.core.encoding.vocabulary`.)"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from ape_sum.core.encoding.base import (
    MAX_DIM,
    Encoder,
    SpecContext,
    check_int,
    finite_list,
    short_float,
)
from ape_sum.core.encoding.errors import EncodingError
from ape_sum.core.encoding.fixed import normalise_fixed, to_fixed
from ape_sum.core.encoding.hashing import HASH_SPACE, hash_token
from ape_sum.core.encoding.numeric import float_vector, int_vector, parse_ints
from ape_sum.core.encoding.text import TOKEN_WORD, as_text, check_split, tokenize
from ape_sum.core.fixedpoint import INT64_MAX

__all__ = [
    "BinsEncoder",
    "DenseL2Encoder",
    "FixedPointEncoder",
    "HashedDenseEncoder",
    "IndicesEncoder",
    "MurmurHash3Encoder",
    "RawInt64Encoder",
    "SelectEncoder",
]


def _lists(kind: str, obj: Mapping[str, Any], names: Iterable[str]) -> None:
    """Refuse spec values `names` of `obj` that are present but not lists."""
    for name in names:
        value = obj.get(name)
        if value is not None and not isinstance(value, list):
            raise EncodingError(f"{kind} encoder spec: '{name}' must be a list")


class RawInt64Encoder(Encoder):
    """`none`: the input already is the int64 vector (checked for range only)."""

    spec_type: ClassVar[str] = "none"
    legacy_name: ClassVar[str | None] = "none"

    def encode(self, raw: Any) -> list[int]:
        return int_vector(raw)

    def parse_input(self, text: str) -> Any:
        return parse_ints(text)

    def spec_fields(self) -> dict[str, Any] | None:
        return None

    @classmethod
    def from_spec(cls, obj: Mapping[str, Any], context: SpecContext) -> Encoder:
        return cls()


class IndicesEncoder(Encoder):
    """Sparse pass-through: the input is feature indices; output sorted, unique, in range."""

    sparse = True
    spec_type: ClassVar[str] = "indices"
    spec_optional: ClassVar[frozenset[str]] = frozenset({"n"})

    def __init__(self, num_features: int | None = None) -> None:
        if num_features is not None:
            check_int("n", num_features, 1, 2**63)
        self.num_features = num_features

    def encode(self, raw: Any) -> list[int]:
        return _check_indices(int_vector(raw), self.num_features)

    def parse_input(self, text: str) -> Any:
        return parse_ints(text)

    def spec_fields(self) -> dict[str, Any] | None:
        obj: dict[str, Any] = {}
        if self.num_features is not None:
            obj["n"] = self.num_features
        return obj

    @classmethod
    def from_spec(cls, obj: Mapping[str, Any], context: SpecContext) -> Encoder:
        return cls(obj.get("n"))


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
    spec_type: ClassVar[str] = "fixed"
    spec_optional: ClassVar[frozenset[str]] = frozenset({"dim"})
    legacy_name: ClassVar[str | None] = "Multiply by 1E9, then round"

    def __init__(self, dim: int | None = None) -> None:
        if dim is not None:
            check_int("dim", dim, 1, MAX_DIM)
        self.num_features = dim

    def encode(self, raw: Any) -> list[int]:
        x = float_vector(raw)
        _check_dim(x, self.num_features)
        return [to_fixed(float(v)) for v in x]

    def spec_fields(self) -> dict[str, Any] | None:
        if self.num_features is None:
            return None
        return {"dim": self.num_features}

    @classmethod
    def from_spec(cls, obj: Mapping[str, Any], context: SpecContext) -> Encoder:
        return cls(obj.get("dim"))


def _check_dim(x: np.ndarray, dim: int | None) -> None:
    if dim is not None and x.shape[0] != dim:
        raise EncodingError(f"wrong dimension: got {x.shape[0]} values, expected {dim}")


class DenseL2Encoder(Encoder):
    """Dense floats, optionally standardised (`(x - mean) / std`), L2-normalised, x1e9, rounded.

    The output always passes the contracts' norm check (or `EncodingError` is raised).
    `mean`/`std` are kept to `SPEC_DIGITS` significant digits so the spec round-trips exactly.
    """

    sparse = False
    spec_type: ClassVar[str] = "dense-l2"
    spec_optional: ClassVar[frozenset[str]] = frozenset({"dim", "mean", "std"})

    def __init__(
        self,
        dim: int | None = None,
        mean: Sequence[float] | None = None,
        std: Sequence[float] | None = None,
    ) -> None:
        if dim is not None:
            check_int("dim", dim, 1, MAX_DIM)
        if (mean is None) != (std is None):
            raise EncodingError("dense-l2 spec: give both 'mean' and 'std', or neither")
        self.mean: list[float | int] | None = None
        self.std: list[float | int] | None = None
        if mean is not None and std is not None:
            mean_l = [short_float(v) for v in finite_list("mean", mean)]
            std_l = [short_float(v) for v in finite_list("std", std)]
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
        x = float_vector(raw)
        _check_dim(x, self.num_features)
        if self.mean is not None:
            with np.errstate(over="ignore", invalid="ignore"):
                x = (x - self._mean) / self._std
            if not np.all(np.isfinite(x)):
                raise EncodingError("value too large: standardising it overflows")
        if not np.any(x):
            what = "after standardisation" if self.mean is not None else "given"
            raise EncodingError(f"all-zero vector {what}: it cannot be L2-normalised")
        return normalise_fixed(x)

    def spec_fields(self) -> dict[str, Any] | None:
        obj: dict[str, Any] = {}
        if self.num_features is not None:
            obj["dim"] = self.num_features
        if self.mean is not None:
            obj["mean"] = self.mean
            obj["std"] = self.std
        return obj

    @classmethod
    def from_spec(cls, obj: Mapping[str, Any], context: SpecContext) -> Encoder:
        _lists(cls.spec_type, obj, ("mean", "std"))
        return cls(obj.get("dim"), obj.get("mean"), obj.get("std"))


class MurmurHash3Encoder(Encoder):
    """Text to hashed token indices: MurmurHash3 (32-bit, seed 0) of each lowercase whitespace
    token, optionally `% buckets`; sorted and de-duplicated. Without buckets this is the
    original system's `MurmurHash3` encoder (indices in `[0, 2^32)`)."""

    sparse = True
    text_input = True
    spec_type: ClassVar[str] = "murmurhash3"
    spec_optional: ClassVar[frozenset[str]] = frozenset({"buckets", "split"})
    legacy_name: ClassVar[str | None] = "MurmurHash3"

    def __init__(self, buckets: int | None = None, split: str = "whitespace") -> None:
        if buckets is not None:
            check_int("buckets", buckets, 1, HASH_SPACE)
        self.buckets = buckets
        self.split = check_split(split)
        self.num_features = buckets if buckets is not None else HASH_SPACE

    def encode(self, raw: Any) -> list[int]:
        tokens = tokenize(as_text(raw), self.split)
        if not tokens:
            raise EncodingError(f"no tokens: the text has no {TOKEN_WORD[self.split]}")
        hashes = (hash_token(t) for t in tokens)
        if self.buckets is not None:
            hashes = (h % self.buckets for h in hashes)
        return sorted(set(hashes))

    def spec_fields(self) -> dict[str, Any] | None:
        if self.buckets is None and self.split == "whitespace":
            return None
        obj: dict[str, Any] = {}
        if self.buckets is not None:
            obj["buckets"] = self.buckets
        if self.split != "whitespace":
            obj["split"] = self.split
        return obj

    @classmethod
    def from_spec(cls, obj: Mapping[str, Any], context: SpecContext) -> Encoder:
        return cls(obj.get("buckets"), obj.get("split", "whitespace"))


class HashedDenseEncoder(Encoder):
    """Text to a dense vector: token presence hashed (MurmurHash3 % dim) into `dim` values,
    then L2-normalised like `dense-l2`; for dense models on text."""

    sparse = False
    text_input = True
    spec_type: ClassVar[str] = "text-l2"
    spec_required: ClassVar[frozenset[str]] = frozenset({"dim"})
    spec_optional: ClassVar[frozenset[str]] = frozenset({"split"})

    def __init__(self, dim: int, split: str = "whitespace") -> None:
        self.num_features = check_int("dim", dim, 1, MAX_DIM)
        self._sparse = MurmurHash3Encoder(dim, split)

    def encode(self, raw: Any) -> list[int]:
        x = np.zeros(self.num_features or 0)
        x[self._sparse.encode(raw)] = 1.0
        return normalise_fixed(x)

    def spec_fields(self) -> dict[str, Any] | None:
        obj: dict[str, Any] = {"dim": self.num_features}
        if self._sparse.split != "whitespace":
            obj["split"] = self._sparse.split
        return obj

    @classmethod
    def from_spec(cls, obj: Mapping[str, Any], context: SpecContext) -> Encoder:
        return cls(obj["dim"], obj.get("split", "whitespace"))


class BinsEncoder(Encoder):
    """Dense floats to sparse indices: standardise each feature, then feature `i` in bin `b`
    (`b` = how many `edges` are <= the value) is index `i * (len(edges) + 1) + b`; for sparse
    models on numeric data."""

    sparse = True
    spec_type: ClassVar[str] = "bins"
    spec_required: ClassVar[frozenset[str]] = frozenset({"mean", "std", "edges"})

    def __init__(self, mean: Sequence[float], std: Sequence[float], edges: Sequence[float]) -> None:
        self._dense = DenseL2Encoder(len(mean), mean, std)
        edge_list = [short_float(v) for v in finite_list("edges", edges)]
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
        x = float_vector(raw)
        _check_dim(x, self.dim)
        with np.errstate(over="ignore", invalid="ignore"):
            z = (x - self._dense._mean) / self._dense._std
        if not np.all(np.isfinite(z)):
            raise EncodingError("value too large: standardising it overflows")
        bins = np.searchsorted(np.asarray(self.edges, dtype=np.float64), z, side="right")
        width = len(self.edges) + 1
        return [i * width + int(b) for i, b in enumerate(bins)]

    def spec_fields(self) -> dict[str, Any] | None:
        return {"mean": self._dense.mean, "std": self._dense.std, "edges": self.edges}

    @classmethod
    def from_spec(cls, obj: Mapping[str, Any], context: SpecContext) -> Encoder:
        for name in ("mean", "std", "edges"):
            if not isinstance(obj[name], list):
                raise EncodingError(f"bins encoder spec: '{name}' must be a list")
        return cls(obj["mean"], obj["std"], obj["edges"])


class SelectEncoder(Encoder):
    """The original system's `featureIndices`: use only some features of a shared encoder.

    Dense: the raw vector is reduced to `raw[indices]` before the inner encoder (so that its
    L2 normalisation holds). Sparse: inner index `indices[j]` becomes `j`; others are dropped.
    """

    spec_type: ClassVar[str] = "select"
    spec_required: ClassVar[frozenset[str]] = frozenset({"indices", "then"})

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
        x = float_vector(raw)
        needed = max(self.indices) + 1
        if x.shape[0] < needed:
            raise EncodingError(f"wrong dimension: got {x.shape[0]} values, need {needed}")
        return self.inner.encode(x[self.indices])

    def spec_fields(self) -> dict[str, Any] | None:
        inner = self.inner.spec()
        inner_obj: Any = json.loads(inner) if inner.startswith("{") else inner
        return {"indices": self.indices, "then": inner_obj}

    @classmethod
    def from_spec(cls, obj: Mapping[str, Any], context: SpecContext) -> Encoder:
        indices = obj["indices"]
        if not isinstance(indices, list):
            raise EncodingError("select encoder spec: 'indices' must be a list")
        return cls(indices, context.parse(obj["then"]))
