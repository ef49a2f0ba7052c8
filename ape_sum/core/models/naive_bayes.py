"""Mirror of `NaiveBayes` (multinomial, sparse inputs, exact integer floats)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from ape_sum.core.fixedpoint import TO_FLOAT
from ape_sum.core.models.base import (
    Classifier,
    ModelInputError,
    pack_lanes,
    packed_calls,
    slots_per_call,
)

MAX_COUNT = 2**32 - 2
MAX_CLASS_COUNT = 2**64 - 1
MAX_SMOOTHING = 10**18
MAX_FEATURES = 2**32
LOW = 1 << 128
HIGH = 1 << 192


def _normalize(m: int, e: int) -> tuple[int, int]:
    while m < LOW:
        m <<= 64
        e -= 64
    while m >= HIGH:
        m >>= 64
        e += 64
    return m, e


class NaiveBayes(Classifier):
    """Score `n_c * prod (count*1e9 + alpha) / (total_c*1e9 + alpha*F)` as (mantissa, exponent)."""

    kind: ClassVar[str] = "naive bayes"
    contract_name: ClassVar[str] = "NaiveBayes"
    sparse: ClassVar[bool] = True
    default_chunk_size: ClassVar[int] = 2000

    def __init__(
        self,
        classifications: Sequence[str],
        num_features: int,
        smoothing_factor: int,
        class_counts: Sequence[int] | None = None,
        feature_counts: Sequence[Mapping[int, int]] | None = None,
    ) -> None:
        """`feature_counts[c]` maps feature index -> count for class `c` (missing: 0)."""
        super().__init__(classifications, num_features)
        if not 0 < smoothing_factor <= MAX_SMOOTHING:
            raise ModelInputError("InvalidParameter", f"smoothingFactor {smoothing_factor}")
        if num_features > MAX_FEATURES:
            raise ModelInputError("InvalidParameter", f"numFeatures {num_features}")
        c_n = self.num_classes
        self.smoothing_factor = int(smoothing_factor)
        self.class_counts = [0] * c_n if class_counts is None else [int(x) for x in class_counts]
        if len(self.class_counts) != c_n:
            raise ModelInputError("LengthMismatch", f"{len(self.class_counts)} class counts")
        for n in self.class_counts:
            if not 0 <= n <= MAX_CLASS_COUNT:
                raise ModelInputError("InvalidParameter", f"class count {n}")
        # counts[f][c]
        self.counts = [[0] * c_n for _ in range(self.num_features)]
        self.totals = [0] * c_n
        if feature_counts is not None:
            if len(feature_counts) != c_n:
                raise ModelInputError("LengthMismatch", f"{len(feature_counts)} count maps")
            for c, fc in enumerate(feature_counts):
                for f, v in fc.items():
                    if not 0 <= f < self.num_features:
                        raise ModelInputError("InitOutOfRange", f"feature {f}")
                    if not 0 <= v <= MAX_COUNT:
                        raise ModelInputError("ValueOutOfRange", f"count {v}")
                    self.counts[f][c] = int(v)
            for c in range(c_n):
                self.totals[c] = sum(row[c] for row in self.counts)
                if self.totals[c] > MAX_CLASS_COUNT:
                    raise ModelInputError("ClassCountOverflow", f"class {c}")

    def validate(self, data: Sequence[int]) -> None:
        self._check_sparse(data)

    def scores(self, data: Sequence[int]) -> list[tuple[int, int]]:
        """`(mantissa, exponent)` per class; mantissa 0 means score 0."""
        alpha = self.smoothing_factor
        alpha_f = alpha * self.num_features
        counts = self.counts
        out = []
        for c in range(self.num_classes):
            n = self.class_counts[c]
            if n == 0:
                out.append((0, 0))
                continue
            den = self.totals[c] * TO_FLOAT + alpha_f
            m, e = _normalize(n, 0)
            for f in data:
                m = m * (counts[f][c] * TO_FLOAT + alpha) // den
                if m < LOW or m >= HIGH:
                    m, e = _normalize(m, e)
            out.append((m, e))
        return out

    def predict(self, data: Sequence[int]) -> int:
        self.validate(data)
        best, best_e, best_m = 0, None, 0
        for c, (m, e) in enumerate(self.scores(data)):
            if m != 0 and (best_e is None or e > best_e or (e == best_e and m > best_m)):
                best, best_e, best_m = c, e, m
        return best

    def update(self, data: Sequence[int], classification: int) -> None:
        self._check_class(classification)
        self.validate(data)
        c = classification
        if (
            self.class_counts[c] + 1 > MAX_CLASS_COUNT
            or self.totals[c] + len(data) > MAX_CLASS_COUNT
        ):
            raise ModelInputError("ClassCountOverflow", f"class {c}")
        new: dict[int, int] = {}
        for f in data:
            v = new.get(f, self.counts[f][c]) + 1
            if v > MAX_COUNT:
                raise ModelInputError("ParameterOverflow", f"count of feature {f} would be {v}")
            new[f] = v
        for f, v in new.items():
            self.counts[f][c] = v
        self.class_counts[c] += 1
        self.totals[c] += len(data)

    def constructor_args(self) -> list[Any]:
        return [
            list(self.classifications),
            list(self.class_counts),
            self.num_features,
            self.smoothing_factor,
        ]

    def flat_counts(self) -> list[int]:
        """Counts in the contract's flat layout: index = feature * numClasses + class."""
        return [v for row in self.counts for v in row]

    def packed_words(self) -> list[int]:
        """Count slots as stored (8 uint32 lanes, count + 1); an all-zero slot is 0 (unwritten)."""
        words = pack_lanes(self.flat_counts(), 8, 32, lambda v: v + 1)
        zero = pack_lanes([0], 8, 32, lambda v: v + 1)[0]
        return [0 if w == zero else w for w in words]

    def init_calls(self, chunk_size: int | None = None) -> list[tuple[str, list[Any]]]:
        """Only the slots holding a non-zero count are written (never-written slots read as
        zeros; an update touching one pays a zero to non-zero write once)."""
        per_call = slots_per_call(chunk_size, self.default_chunk_size, 8)
        return packed_calls(self.packed_words(), per_call, skip_zero=True)
