"""Mirror of `NaiveBayes` (multinomial, sparse inputs, exact integer floats)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from ape_sum.core.fixedpoint import TO_FLOAT
from ape_sum.core.models.base import (
    Classifier,
    ModelInputError,
    pack_lanes,
    packed_calls,
    slots_per_call,
)
from ape_sum.core.models.file_values import (
    DEFAULT_SMOOTHING_FACTOR,
    MAX_SPARSE_FEATURES,
    ModelFileError,
    as_list,
    build,
    class_names,
    fixed,
    fixed_exact,
    integer,
    optional,
    required,
    show,
)

if TYPE_CHECKING:
    from ape_sum.core.encoding import Encoder

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
    alias: ClassVar[str] = "naive-bayes"
    contract_name: ClassVar[str] = "NaiveBayes"
    sparse: ClassVar[bool] = True
    default_chunk_size: ClassVar[int] = 2000
    # Slots at 2 classes: 4,096 x 2 / 8 per slot = 1,024 (see docs/ENCODING.md).
    default_buckets: ClassVar[int | None] = 4096

    def __init__(
        self,
        classifications: Sequence[str],
        num_features: int,
        smoothing_factor: int,
        class_counts: Sequence[int] | None = None,
        feature_counts: Sequence[Mapping[int, int]] | None = None,
        max_input_features: int | None = None,
    ) -> None:
        """`feature_counts[c]` maps feature index -> count for class `c` (missing: 0)."""
        super().__init__(classifications, num_features, max_input_features)
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

    @classmethod
    def from_file(
        cls, obj: Mapping[str, Any], encoder: Encoder | None
    ) -> tuple[Classifier, Encoder | None]:
        kind = cls.kind
        classes = class_names(obj, kind)
        counts_raw = as_list(required(obj, "classCounts", kind), f"{kind} model: 'classCounts'")
        if len(counts_raw) != len(classes):
            raise ModelFileError(
                f"{kind} model: {len(counts_raw)} classCounts for {len(classes)} classes"
            )
        class_counts = [
            integer(c, f"{kind} model: classCounts[{i}]") for i, c in enumerate(counts_raw)
        ]
        features_raw = as_list(
            required(obj, "featureCounts", kind), f"{kind} model: 'featureCounts'"
        )
        if len(features_raw) != len(classes):
            raise ModelFileError(
                f"{kind} model: {len(features_raw)} featureCounts lists for {len(classes)} classes"
            )
        feature_counts: list[dict[int, int]] = []
        for c, pairs in enumerate(features_raw):
            where = f"{kind} model: featureCounts[{c}]"
            counts: dict[int, int] = {}
            for pair in as_list(pairs, where):
                if not isinstance(pair, list) or len(pair) != 2:
                    raise ModelFileError(
                        f"{where}: expected [index, count] pairs, got {show(pair)}"
                    )
                index = integer(pair[0], f"{where}: feature index")
                if index in counts:
                    raise ModelFileError(f"{where}: feature {index} is listed twice")
                counts[index] = integer(pair[1], f"{where}: count of feature {index}")
            feature_counts.append(counts)
        total = integer(
            required(obj, "totalNumFeatures", kind), f"{kind} model: totalNumFeatures", 1
        )
        used = max((max(c, default=-1) for c in feature_counts), default=-1) + 1
        if used > total:
            raise ModelFileError(
                f"{kind} model: feature index {used - 1} but totalNumFeatures is {total}"
            )
        smoothing = fixed(
            optional(obj, "smoothingFactor", DEFAULT_SMOOTHING_FACTOR),
            f"{kind} model: smoothingFactor",
        )
        if total > MAX_SPARSE_FEATURES:
            raise ModelFileError(
                f"{kind} model: totalNumFeatures {total} is too large to deploy (the contract "
                f"stores a count per feature and class; at most {MAX_SPARSE_FEATURES}): use a "
                "bucketed encoder"
            )
        model = build(cls, classes, total, smoothing, class_counts, feature_counts)
        return model, encoder

    def to_file(self) -> dict[str, Any]:
        table = self.counts
        return {
            "classifications": list(self.classifications),
            "classCounts": list(self.class_counts),
            "featureCounts": [
                [[f, row[c]] for f, row in enumerate(table) if row[c]]
                for c in range(self.num_classes)
            ],
            "totalNumFeatures": self.num_features,
            "smoothingFactor": fixed_exact(self.smoothing_factor),
        }

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
        for f in data:  # unique (validated)
            if self.counts[f][c] + 1 > MAX_COUNT:
                raise ModelInputError(
                    "ParameterOverflow", f"count of feature {f} would be {self.counts[f][c] + 1}"
                )
        for f in data:
            self.counts[f][c] += 1
        self.class_counts[c] += 1
        self.totals[c] += len(data)

    def constructor_args(self) -> list[Any]:
        self.check_max_input_features()
        return [
            list(self.classifications),
            list(self.class_counts),
            self.num_features,
            self.smoothing_factor,
            self.max_input_features,
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
