"""Mirrors of `NearestCentroid` (dense) and `SparseNearestCentroid`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from ape_sum.core.fixedpoint import INT64_MAX, TO_FLOAT, UNIT_NORM_SQ, trunc_div
from ape_sum.core.models.base import (
    Classifier,
    ModelInputError,
    chunks,
    pack_lanes,
    packed_calls,
    slots_per_call,
)
from ape_sum.core.models.file_values import (
    MAX_SPARSE_FEATURES,
    ModelFileError,
    as_dict,
    as_list,
    build,
    compaction,
    fixed,
    fixed_exact,
    integer,
    mean_exact,
    required,
    sparse_bound,
    sparse_sums,
)

if TYPE_CHECKING:
    from ape_sum.core.encoding import Encoder

MAX_I32 = 2**31 - 1
MAX_U64 = 2**64 - 1
MAX_DATA_COUNT = 2**32 - 1
MAX_FEATURES = 2**32


def _check_counts(counts: Sequence[int] | None, num_classes: int, limit: int) -> list[int]:
    out = [0] * num_classes if counts is None else [int(x) for x in counts]
    if len(out) != num_classes:
        raise ModelInputError("LengthMismatch", f"{len(out)} data counts for {num_classes} classes")
    for n in out:
        if not 0 <= n <= limit:
            raise ModelInputError("InvalidParameter", f"dataCount {n}")
    return out


def _centroids_from_file(
    cls: type[Classifier], obj: Mapping[str, Any], encoder: Encoder | None
) -> tuple[Classifier, Encoder | None]:
    """Both nearest-centroid formats: `centroids: {name: {centroid, dataCount}}`."""
    kind, sparse = cls.kind, cls.sparse
    table = as_dict(required(obj, "centroids", kind), f"{kind} model: 'centroids'")
    if not table:
        raise ModelFileError(f"{kind} model: 'centroids' is empty")
    classes: list[str] = []
    counts: list[int] = []
    dense: list[list[int]] = []
    maps: list[dict[int, int]] = []
    for name, info in table.items():
        where = f"{kind} model: centroids[{name!r}]"
        info = as_dict(info, where)
        if not name:
            raise ModelFileError(f"{kind} model: class names must be non-empty")
        classes.append(name)
        counts.append(integer(required(info, "dataCount", kind), f"{where}.dataCount"))
        raw = required(info, "centroid", kind)
        if sparse:
            maps.append(sparse_sums(raw, counts[-1], f"{where}.centroid"))
        else:
            values = as_list(raw, f"{where}.centroid")
            if not values:
                raise ModelFileError(f"{where}.centroid is empty")
            dense.append([fixed(v, f"{where}.centroid[{i}]") for i, v in enumerate(values)])
    if not sparse:
        dim = len(dense[0])
        for name, vec in zip(classes, dense, strict=True):
            if len(vec) != dim:
                raise ModelFileError(
                    f"{kind} model: centroid {name!r} has {len(vec)} dimensions, expected {dim}"
                )
        return build(cls, classes, dim, counts, dense), encoder
    used = max((max(m, default=-1) for m in maps), default=-1) + 1
    n = sparse_bound(obj, kind, encoder, used)
    if n > MAX_SPARSE_FEATURES and obj.get("numFeatures") is None:
        indices, encoder = compaction([i for m in maps for i, v in m.items() if v], encoder)
        position = {i: j for j, i in enumerate(indices)}
        maps = [{position[i]: v for i, v in m.items() if i in position} for m in maps]
        n = len(indices)
    return build(cls, classes, n, counts, maps), encoder


class NearestCentroid(Classifier):
    """Dense: argmin `||c||^2 - 2 x.c`; update `c_i = trunc((c_i * n + x_i) / (n + 1))`."""

    kind: ClassVar[str] = "nearest centroid classifier"
    alias: ClassVar[str] = "nearest-centroid"
    file_aliases: ClassVar[tuple[str, ...]] = ("dense nearest centroid classifier",)
    contract_name: ClassVar[str] = "NearestCentroid"
    sparse: ClassVar[bool] = False
    default_chunk_size: ClassVar[int] = 2000

    def __init__(
        self,
        classifications: Sequence[str],
        num_features: int,
        data_counts: Sequence[int] | None = None,
        centroids: Sequence[Sequence[int]] | None = None,
    ) -> None:
        super().__init__(classifications, num_features)
        if num_features > MAX_FEATURES:
            raise ModelInputError("InvalidParameter", f"dimension {num_features}")
        self.data_counts = _check_counts(data_counts, self.num_classes, MAX_U64)
        if centroids is None:
            self.centroids = [[0] * self.num_features for _ in range(self.num_classes)]
        else:
            if len(centroids) != self.num_classes:
                raise ModelInputError("LengthMismatch", f"{len(centroids)} centroids")
            self.centroids = []
            for cen in centroids:
                if len(cen) != self.num_features:
                    raise ModelInputError("InitOutOfRange", f"centroid of {len(cen)} values")
                for i, v in enumerate(cen):
                    if not -MAX_I32 <= v <= MAX_I32:
                        raise ModelInputError("ValueOutOfRange", f"value {i} = {v}")
                self.centroids.append([int(v) for v in cen])
        self.norms = [sum(v * v for v in cen) for cen in self.centroids]

    @classmethod
    def from_file(
        cls, obj: Mapping[str, Any], encoder: Encoder | None
    ) -> tuple[Classifier, Encoder | None]:
        return _centroids_from_file(cls, obj, encoder)

    def to_file(self) -> dict[str, Any]:
        return {
            "centroids": {
                name: {
                    "centroid": [fixed_exact(v) for v in self.centroids[c]],
                    "dataCount": int(self.data_counts[c]),
                }
                for c, name in enumerate(self.classifications)
            }
        }

    def validate(self, data: Sequence[int]) -> None:
        self._check_dense(data)

    def predict(self, data: Sequence[int]) -> int:
        self.validate(data)
        best, best_score = 0, None
        for c, cen in enumerate(self.centroids):
            score = self.norms[c] - 2 * sum(a * b for a, b in zip(cen, data, strict=True))
            if best_score is None or score < best_score:
                best, best_score = c, score
        return best

    def update(self, data: Sequence[int], classification: int) -> None:
        self._check_class(classification)
        self.validate(data)
        c = classification
        n = self.data_counts[c]
        if n == MAX_U64:
            raise ModelInputError("ClassCountOverflow", f"class {c}")
        n1 = n + 1
        new = [trunc_div(v * n + x, n1) for v, x in zip(self.centroids[c], data, strict=True)]
        self.centroids[c] = new
        self.norms[c] = sum(v * v for v in new)
        self.data_counts[c] = n1

    def constructor_args(self) -> list[Any]:
        return [list(self.classifications), self.num_features, list(self.data_counts)]

    def packed_words(self) -> list[int]:
        """Centroid slots as stored, class after class (`ceil(dim / 8)` slots each, 8 int32 lanes
        XOR 2^31)."""
        return [
            w for cen in self.centroids for w in pack_lanes(cen, 8, 32, lambda v: v ^ 0x80000000)
        ]

    def init_calls(self, chunk_size: int | None = None) -> list[tuple[str, list[Any]]]:
        """Every slot is written (dense: no update pays a zero to non-zero write)."""
        per_call = slots_per_call(chunk_size, self.default_chunk_size, 8)
        return packed_calls(self.packed_words(), per_call, skip_zero=False)


class SparseNearestCentroid(Classifier):
    """Sparse: per class `n_c`, sums `S[f][c]` (x 1e9) and `Q_c = sum S^2`; exact comparisons."""

    kind: ClassVar[str] = "sparse nearest centroid classifier"
    alias: ClassVar[str] = "sparse-nearest-centroid"
    contract_name: ClassVar[str] = "SparseNearestCentroid"
    sparse: ClassVar[bool] = True
    default_chunk_size: ClassVar[int] = 500
    # Slots at 2 classes: 1,024 x 2 / 4 per slot = 512 (see docs/ENCODING.md).
    default_buckets: ClassVar[int | None] = 1024

    def __init__(
        self,
        classifications: Sequence[str],
        num_features: int,
        data_counts: Sequence[int] | None = None,
        sums: Sequence[Mapping[int, int]] | None = None,
        max_input_features: int | None = None,
    ) -> None:
        """`sums[c]` maps feature index -> fixed-point sum for class `c` (missing: 0)."""
        super().__init__(classifications, num_features, max_input_features)
        if num_features > MAX_FEATURES:
            raise ModelInputError("InvalidParameter", f"numFeatures {num_features}")
        self.data_counts = _check_counts(data_counts, self.num_classes, MAX_DATA_COUNT)
        # sums[f][c]
        self.sums = [[0] * self.num_classes for _ in range(self.num_features)]
        if sums is not None:
            if len(sums) != self.num_classes:
                raise ModelInputError("LengthMismatch", f"{len(sums)} sum maps")
            for c, sc in enumerate(sums):
                for f, v in sc.items():
                    if not 0 <= f < self.num_features:
                        raise ModelInputError("InitOutOfRange", f"feature {f}")
                    if not 0 <= v <= INT64_MAX:
                        raise ModelInputError("ValueOutOfRange", f"sum {v}")
                    self.sums[f][c] = int(v)
        self.q = [sum(row[c] ** 2 for row in self.sums) for c in range(self.num_classes)]

    @classmethod
    def from_file(
        cls, obj: Mapping[str, Any], encoder: Encoder | None
    ) -> tuple[Classifier, Encoder | None]:
        return _centroids_from_file(cls, obj, encoder)

    def to_file(self) -> dict[str, Any]:
        centroids: dict[str, Any] = {}
        for c, name in enumerate(self.classifications):
            n = int(self.data_counts[c])
            sums = {f: row[c] for f, row in enumerate(self.sums) if row[c]}
            if sums and n == 0:
                raise ModelFileError(f"class {name!r} has sums but a dataCount of 0")
            value = {str(f): mean_exact(v, n) for f, v in sums.items()}
            centroids[name] = {"centroid": value, "dataCount": n}
        return {"numFeatures": self.num_features, "centroids": centroids}

    @classmethod
    def from_centroids(
        cls,
        classifications: Sequence[str],
        num_features: int,
        data_counts: Sequence[int],
        centroids: Sequence[Mapping[int, float]],
    ) -> SparseNearestCentroid:
        """From real-valued centroids (`{index: value}` per class): `S = round(value * n * 1e9)`."""
        sums = [
            {int(f): round(float(v) * n * TO_FLOAT) for f, v in cen.items()}
            for cen, n in zip(centroids, data_counts, strict=True)
        ]
        return cls(classifications, num_features, data_counts, sums)

    def validate(self, data: Sequence[int]) -> None:
        self._check_sparse(data)

    def predict(self, data: Sequence[int]) -> int:
        self.validate(data)
        k = len(data)
        best, best_e, best_n = 0, 0, 0
        sums = self.sums
        for c in range(self.num_classes):
            n = self.data_counts[c]
            if n == 0:
                continue
            a = sum(sums[f][c] for f in data)
            e = k * n * n * UNIT_NORM_SQ + self.q[c] - 2 * a * n * TO_FLOAT
            if best_n == 0 or e * best_n * best_n < best_e * n * n:
                best, best_e, best_n = c, e, n
        return best

    def update(self, data: Sequence[int], classification: int) -> None:
        self._check_class(classification)
        self.validate(data)
        c = classification
        if self.data_counts[c] >= MAX_DATA_COUNT:
            raise ModelInputError("ClassCountOverflow", f"class {c}")
        for f in data:
            if self.sums[f][c] + TO_FLOAT > INT64_MAX:
                raise ModelInputError("ParameterOverflow", f"sum of feature {f}")
        q = self.q[c]
        for f in data:
            s = self.sums[f][c]
            q += 2 * s * TO_FLOAT + UNIT_NORM_SQ
            self.sums[f][c] = s + TO_FLOAT
        self.q[c] = q
        self.data_counts[c] += 1

    def constructor_args(self) -> list[Any]:
        self.check_max_input_features()
        return [
            list(self.classifications),
            self.num_features,
            list(self.data_counts),
            self.max_input_features,
        ]

    def flat_sums(self) -> list[int]:
        """Sums in the contract's flat layout: index = feature * numClasses + class."""
        return [v for row in self.sums for v in row]

    def init_calls(self, chunk_size: int | None = None) -> list[tuple[str, list[Any]]]:
        flat = self.flat_sums()
        size = chunk_size or self.default_chunk_size
        return [
            ("initializeSums", [start, flat[start:stop]]) for start, stop in chunks(len(flat), size)
        ]
