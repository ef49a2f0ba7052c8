"""Mirrors of `SparsePerceptron` and `DensePerceptron` (binary, fixed point x 1e9)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from ape_sum.core.fixedpoint import INT64_MAX, INT64_MIN, TO_FLOAT, trunc_div
from ape_sum.core.models.base import (
    Classifier,
    ModelInputError,
    pack_lanes,
    packed_calls,
    slots_per_call,
)
from ape_sum.core.models.file_values import (
    DEFAULT_LEARNING_RATE,
    MAX_SPARSE_FEATURES,
    ModelFileError,
    as_list,
    build,
    class_names,
    compaction,
    feature_indices,
    fixed,
    fixed_exact,
    optional,
    required,
    select,
    sparse_bound,
    sparse_map,
    sparse_out,
)

if TYPE_CHECKING:
    from ape_sum.core.encoding import Encoder

#: Largest magnitude of a sparse perceptron weight (int48 lanes; int48.min is never stored).
MAX_I48 = 2**47 - 1
#: Largest magnitude of a dense perceptron weight (int40 lanes; int40.min is never stored).
MAX_I40 = 2**39 - 1


class _Perceptron(Classifier):
    default_chunk_size: ClassVar[int] = 1000
    # A perceptron learns from mistakes only.
    noop_when_right: ClassVar[bool] = True
    #: Largest magnitude of a weight (the packed lane's range).
    max_weight: ClassVar[int] = INT64_MAX
    #: Packed layout: weights per slot and bits per lane.
    lanes: ClassVar[int] = 4
    lane_bits: ClassVar[int] = 64
    #: Whether all-zero slots are left unwritten at deployment.
    skip_zero_slots: ClassVar[bool] = True

    def __init__(
        self,
        classifications: Sequence[str],
        num_features: int,
        intercept: int,
        learning_rate: int,
        weights: Sequence[int] | None = None,
        max_input_features: int | None = None,
    ) -> None:
        super().__init__(classifications, num_features, max_input_features)
        if len(self.classifications) != 2:
            raise ModelInputError(
                "WrongNumberOfClasses", f"got {len(self.classifications)}, expected 2"
            )
        if learning_rate <= 0 or learning_rate > INT64_MAX:
            raise ModelInputError("InvalidParameter", f"learningRate {learning_rate}")
        if not INT64_MIN <= intercept <= INT64_MAX:
            raise ModelInputError("InvalidParameter", f"intercept {intercept} does not fit int64")
        self.intercept = int(intercept)
        self.learning_rate = int(learning_rate)
        if weights is None:
            self.weights = [0] * self.num_features
        else:
            if len(weights) != self.num_features:
                raise ValueError(f"{len(weights)} weights for {self.num_features} features")
            # Any int64 but int64.min is accepted here (model files round-trip); a weight beyond
            # the contract's lane range (`max_weight`) is refused when deploying.
            for i, w in enumerate(weights):
                if not -INT64_MAX <= w <= INT64_MAX:
                    raise ModelInputError("ValueOutOfRange", f"weight {i} = {w}")
            self.weights = [int(w) for w in weights]

    def check_deployable(self) -> None:
        """Raise `ValueOutOfRange` if a weight does not fit the contract's packed lane."""
        for i, w in enumerate(self.weights):
            if not -self.max_weight <= w <= self.max_weight:
                raise ModelInputError(
                    "ValueOutOfRange", f"weight {i} = {w} does not fit {self.lane_bits} bits"
                )

    def constructor_args(self) -> list[Any]:
        self.check_deployable()
        return [list(self.classifications), self.num_features, self.intercept, self.learning_rate]

    def packed_words(self) -> list[int]:
        """The weight slots as stored: lanes XOR 2^(bits-1); a slot of zero weights is 0 when
        `skip_zero_slots` (left unwritten)."""
        self.check_deployable()
        bits = self.lane_bits
        sign = 1 << (bits - 1)
        words = pack_lanes(self.weights, self.lanes, bits, lambda v: v ^ sign)
        if self.skip_zero_slots:
            zero = pack_lanes([0], self.lanes, bits, lambda v: v ^ sign)[0]
            words = [0 if w == zero else w for w in words]
        return words

    def init_calls(self, chunk_size: int | None = None) -> list[tuple[str, list[Any]]]:
        per_call = slots_per_call(chunk_size, self.default_chunk_size, self.lanes)
        return packed_calls(self.packed_words(), per_call, self.skip_zero_slots)

    def _margin(self, data: Sequence[int]) -> int:  # pragma: no cover - overridden
        raise NotImplementedError

    def predict(self, data: Sequence[int]) -> int:
        self.validate(data)
        return 1 if self._margin(data) > 0 else 0

    def predict_valid(self, data: Sequence[int]) -> int:
        """`predict` of an input already validated (the simulation scores the same held-out
        vectors hundreds of times; checking them each time was most of its run time)."""
        return 1 if self._margin(data) > 0 else 0

    def update(self, data: Sequence[int], classification: int, *, clamp: bool = False) -> None:
        """Train on one sample like the contract. A weight leaving `±max_weight` raises
        `ParameterOverflow` (the contract reverts), or with `clamp` (off-chain training only) is
        clamped to that bound."""
        self._check_class(classification)
        self.validate(data)
        if (1 if self._margin(data) > 0 else 0) == classification:
            return
        self._apply(data, 1 if classification == 1 else -1, clamp)

    def _apply(self, data: Sequence[int], sign: int, clamp: bool) -> None:  # pragma: no cover
        raise NotImplementedError

    def _bounded(self, index: int, value: int, clamp: bool) -> int:
        """`value` for weight `index` if it fits `±max_weight`; else clamped to the bound
        (`clamp`) or `ParameterOverflow`, as the contract's update."""
        if -self.max_weight <= value <= self.max_weight:
            return value
        if not clamp:
            raise ModelInputError("ParameterOverflow", f"weight {index} would be {value}")
        return self.max_weight if value > 0 else -self.max_weight


class SparsePerceptron(_Perceptron):
    """`m = intercept + sum(w[i] for i in data)`; `data` strictly increasing (see `_check_sparse`).

    On chain the weights are int48 (`|w| <= 2^47 - 1`, about 140,737 in real units), 5 per slot;
    all-zero slots are left unwritten at deployment."""

    max_weight: ClassVar[int] = MAX_I48
    lanes: ClassVar[int] = 5
    lane_bits: ClassVar[int] = 48

    kind: ClassVar[str] = "sparse perceptron"
    alias: ClassVar[str] = "sparse-perceptron"
    contract_name: ClassVar[str] = "SparsePerceptron"
    sparse: ClassVar[bool] = True
    # Slots at 2 classes: 2,048 / 5 per slot = 410 (see docs/ENCODING.md for accuracy vs size).
    default_buckets: ClassVar[int | None] = 2048

    @classmethod
    def from_file(
        cls, obj: Mapping[str, Any], encoder: Encoder | None
    ) -> tuple[Classifier, Encoder | None]:
        kind = cls.kind
        classes = class_names(obj, kind)
        if obj.get("weights") is None and obj.get("sparseWeights") is None:
            raise ModelFileError(f"{kind} model: missing field 'weights' or 'sparseWeights'")
        dense = [
            fixed(w, f"{kind} model: weights[{i}]")
            for i, w in enumerate(as_list(obj.get("weights") or [], f"{kind} model: 'weights'"))
        ]
        sparse = sparse_map(obj.get("sparseWeights") or {}, f"{kind} model: sparseWeights")
        intercept = fixed(required(obj, "intercept", kind), f"{kind} model: intercept")
        lr = fixed(
            optional(obj, "learningRate", DEFAULT_LEARNING_RATE), f"{kind} model: learningRate"
        )
        selected = feature_indices(obj, kind)
        weights = dict(enumerate(dense))
        weights.update(sparse)  # like the original: sparse weights are written after dense ones
        if selected is not None:
            if sparse:
                raise ModelFileError(
                    f"{kind} model: 'featureIndices' needs 'weights', not sparse ones"
                )
            if len(selected) != len(dense):
                raise ModelFileError(
                    f"{kind} model: {len(selected)} featureIndices for {len(dense)} weights"
                )
            encoder = select(selected, encoder, sparse=True)
            n = len(dense)
        else:
            used = max(weights, default=-1) + 1
            n = sparse_bound(obj, kind, encoder, used)
            if n > MAX_SPARSE_FEATURES and obj.get("numFeatures") is None:
                nonzero = [i for i, w in weights.items() if w]
                indices, encoder = compaction(nonzero, encoder)
                weights = {j: weights[i] for j, i in enumerate(indices)}
                n = len(indices)
        vector = [0] * n
        for i, w in weights.items():
            vector[i] = w
        return build(cls, classes, n, intercept, lr, vector), encoder

    def to_file(self) -> dict[str, Any]:
        return {
            "classifications": list(self.classifications),
            "numFeatures": self.num_features,
            "weights": [],
            "sparseWeights": sparse_out(dict(enumerate(self.weights))),
            "intercept": fixed_exact(self.intercept),
            "learningRate": fixed_exact(self.learning_rate),
        }

    def constructor_args(self) -> list[Any]:
        self.check_max_input_features()
        return [*super().constructor_args(), self.max_input_features]

    def validate(self, data: Sequence[int]) -> None:
        self._check_sparse(data)

    def _margin(self, data: Sequence[int]) -> int:
        w = self.weights
        return self.intercept + sum(w[i] for i in data)

    def predict_flat(self, flat: Any, starts: Any) -> Any:
        """Predictions of many validated inputs at once: `flat` holds their indices end to end,
        `starts` where each begins (every input non-empty). Exact: |margin| <= n * 2^47 fits
        int64 for n < 2^16 indices an input, the contract's own bound."""
        import numpy as np

        weights = np.asarray(self.weights, dtype=np.int64)
        margins = np.add.reduceat(weights[flat], starts) + self.intercept
        return (margins > 0).astype(np.int64)

    def _apply(self, data: Sequence[int], sign: int, clamp: bool) -> None:
        delta = sign * self.learning_rate
        new = dict[int, int]()
        w = self.weights
        for i in data:
            new[i] = self._bounded(i, new.get(i, w[i]) + delta, clamp)
        for i, v in new.items():
            w[i] = v


class DensePerceptron(_Perceptron):
    """`m = intercept * 1e9 + sum(w_i * x_i)`; mistake: `w_i += sign * trunc(x_i * lr / 1e9)`.

    On chain the weights are int40 (`|w| <= 2^39 - 1`, about 549.76 in real units), 6 per slot:
    an update leaving that range raises `ParameterOverflow`, and a model holding a larger weight
    (accepted by the constructor, so model files round-trip) raises `ValueOutOfRange` from
    `constructor_args()` / `init_calls()`, before anything is sent."""

    max_weight: ClassVar[int] = MAX_I40
    lanes: ClassVar[int] = 6
    lane_bits: ClassVar[int] = 40
    skip_zero_slots: ClassVar[bool] = False

    kind: ClassVar[str] = "dense perceptron"
    alias: ClassVar[str] = "dense-perceptron"
    file_aliases: ClassVar[tuple[str, ...]] = ("perceptron",)
    contract_name: ClassVar[str] = "DensePerceptron"
    sparse: ClassVar[bool] = False

    @classmethod
    def from_file(
        cls, obj: Mapping[str, Any], encoder: Encoder | None
    ) -> tuple[Classifier, Encoder | None]:
        kind = cls.kind
        classes = class_names(obj, kind)
        raw = as_list(required(obj, "weights", kind), f"{kind} model: 'weights'")
        if not raw:
            raise ModelFileError(f"{kind} model: 'weights' is empty")
        weights = [fixed(w, f"{kind} model: weights[{i}]") for i, w in enumerate(raw)]
        intercept_raw = obj.get("intercept")
        bias_raw = obj.get("bias")
        if intercept_raw is None and bias_raw is None:
            raise ModelFileError(f"{kind} model: missing field 'intercept' (or 'bias')")
        if intercept_raw is not None and bias_raw is not None and intercept_raw != bias_raw:
            raise ModelFileError(f"{kind} model: 'intercept' and 'bias' disagree")
        intercept = fixed(
            intercept_raw if intercept_raw is not None else bias_raw, f"{kind}: intercept"
        )
        lr = fixed(
            optional(obj, "learningRate", DEFAULT_LEARNING_RATE), f"{kind} model: learningRate"
        )
        selected = feature_indices(obj, kind)
        if selected is not None:
            if len(selected) != len(weights):
                raise ModelFileError(
                    f"{kind} model: {len(selected)} featureIndices for {len(weights)} weights"
                )
            encoder = select(selected, encoder, sparse=False)
        return build(cls, classes, len(weights), intercept, lr, weights), encoder

    def to_file(self) -> dict[str, Any]:
        return {
            "classifications": list(self.classifications),
            "weights": [fixed_exact(w) for w in self.weights],
            "intercept": fixed_exact(self.intercept),
            "learningRate": fixed_exact(self.learning_rate),
        }

    def validate(self, data: Sequence[int]) -> None:
        self._check_dense(data)

    def _margin(self, data: Sequence[int]) -> int:
        return self.intercept * TO_FLOAT + sum(
            w * x for w, x in zip(self.weights, data, strict=True)
        )

    def _apply(self, data: Sequence[int], sign: int, clamp: bool) -> None:
        lr = self.learning_rate
        self.weights = [
            self._bounded(i, w + sign * trunc_div(x * lr, TO_FLOAT), clamp)
            for i, (w, x) in enumerate(zip(self.weights, data, strict=True))
        ]
