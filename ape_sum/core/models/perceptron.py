"""Mirrors of `SparsePerceptron` and `DensePerceptron` (binary, fixed point x 1e9)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from ape_sum.core.fixedpoint import INT64_MAX, INT64_MIN, TO_FLOAT, trunc_div
from ape_sum.core.models.base import (
    Classifier,
    ModelInputError,
    pack_lanes,
    packed_calls,
    slots_per_call,
)

#: Largest magnitude of a sparse perceptron weight (int48 lanes; int48.min is never stored).
MAX_I48 = 2**47 - 1
#: Largest magnitude of a dense perceptron weight (int40 lanes; int40.min is never stored).
MAX_I40 = 2**39 - 1


class _Perceptron(Classifier):
    default_chunk_size: ClassVar[int] = 1000
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
    ) -> None:
        super().__init__(classifications, num_features)
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
    """`m = intercept + sum(w[i] for i in data)`; duplicates count once per occurrence.

    On chain the weights are int48 (`|w| <= 2^47 - 1`, about 140,737 in real units), 5 per slot;
    all-zero slots are left unwritten at deployment."""

    max_weight: ClassVar[int] = MAX_I48
    lanes: ClassVar[int] = 5
    lane_bits: ClassVar[int] = 48

    kind: ClassVar[str] = "sparse perceptron"
    contract_name: ClassVar[str] = "SparsePerceptron"
    sparse: ClassVar[bool] = True

    def validate(self, data: Sequence[int]) -> None:
        self._check_sparse(data)

    def _margin(self, data: Sequence[int]) -> int:
        w = self.weights
        return self.intercept + sum(w[i] for i in data)

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
    contract_name: ClassVar[str] = "DensePerceptron"
    sparse: ClassVar[bool] = False

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
